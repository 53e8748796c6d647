/**
 * Visualisation: colour maps for single-channel maps ({@link org.mask3d.viz.ColorMap}), image grids with
 * captions ({@link org.mask3d.viz.Grid}) and XChart line plots and camera top views ({@link org.mask3d.viz.Plots}).
 *
 * <p>Everything here works headless ({@code -Djava.awt.headless=true}) and returns {@link java.awt.image.BufferedImage}s
 * or XChart charts; files are written atomically through {@link org.mask3d.io}. Array conventions are those of
 * {@link org.mask3d.io.Images}: a single-channel map is {@code float[H*W]}, row-major.
 */
package org.mask3d.viz;
