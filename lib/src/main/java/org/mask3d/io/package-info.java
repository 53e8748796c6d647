/**
 * File input and output: atomic writes ({@link org.mask3d.io.AtomicFiles}), images as CHW float arrays
 * ({@link org.mask3d.io.Images}) and animated GIFs ({@link org.mask3d.io.Gif}), and the released {@code key = value}
 * config format ({@link org.mask3d.io.ConfigFile}) with the one typed key-table mechanism every config uses
 * ({@link org.mask3d.io.ConfigKey}, {@link org.mask3d.io.ConfigSchema}).
 *
 * <p>Array conventions: an image is a {@code float[]} in CHW order (channels, height, width, row-major) with
 * values in [0,1]; values outside [0,1] are clipped only when converting to 8 bits. A single-channel map is
 * {@code float[H*W]}. Every file written here goes through {@link org.mask3d.io.AtomicFiles}. Bad user input
 * (missing or unreadable files) raises {@link org.mask3d.InputException}; a wrong array shape from calling
 * code raises {@link IllegalArgumentException} naming the shape received.
 */
package org.mask3d.io;
