/**
 * Visualisation: colour maps for single-channel maps ({@link org.mask3d.viz.ColorMap}), image grids with
 * captions ({@link org.mask3d.viz.Grid}) and XChart line plots and camera top views ({@link org.mask3d.viz.Plots}), the
 * evaluation's figures ({@link org.mask3d.viz.EvalFigures}) and the demo's pictures ({@link org.mask3d.viz.DemoFigures}).
 *
 * <p>It draws and never computes results: what it draws comes from {@code eval} and {@code workflow} results; its
 * one-call entry points for notebooks and the CLI ({@code EvalFigures.run}, {@code DemoFigures.run}) call a
 * {@code workflow} entry point first, then draw.
 *
 * <p>Everything here works headless ({@code -Djava.awt.headless=true}) and returns {@link java.awt.image.BufferedImage}s
 * or XChart charts; files are written atomically through {@link org.mask3d.io}. Array conventions are those of
 * {@link org.mask3d.io.Images}: a single-channel map is {@code float[H*W]}, row-major.
 */
package org.mask3d.viz;
