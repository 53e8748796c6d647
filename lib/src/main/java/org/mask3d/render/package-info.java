/**
 * Multiplane images, plane-sweep volumes, over-compositing, the mask blend, and the renderer backends behind one
 * interface ({@link org.mask3d.render.MpiRenderer}): pure Java ({@link org.mask3d.render.CpuRenderer}) and DJL
 * NDArray ops ({@link org.mask3d.render.DjlRenderer}).
 *
 * <p>Layouts: an MPI is {@code float[D*H*W*4]} as [D, H, W, 4] (RGBA, not premultiplied), planes back to front
 * (index 0 farthest); an image is [3, H, W]; a plane-sweep volume is [3V, D, H, W]; a mask volume is [D, H, W].
 * Geometry conventions are those of {@link org.mask3d.geometry}: OpenCV w2c, pixel centres at +0.5.
 */
package org.mask3d.render;
