/**
 * File formats, read and written without knowing what the contents mean (no cameras, no networks):
 * <ul>
 *   <li>images as CHW float arrays ({@link org.mask3d.io.Images}: PNG, JPEG, BMP, resizing) and animated GIFs
 *   ({@link org.mask3d.io.Gif});</li>
 *   <li>video through the {@code ffmpeg}/{@code ffprobe} programs ({@link org.mask3d.io.FfmpegFrames}: probing,
 *   frames at given times or every n-th frame, MP4 encoding);</li>
 *   <li>numpy arrays ({@link org.mask3d.io.Npy}, {@link org.mask3d.io.NpyArray}, {@link org.mask3d.io.Npz});</li>
 *   <li>HDF5 datasets read one slab at a time, chunk by chunk ({@link org.mask3d.io.Hdf5File}, on jhdf);</li>
 *   <li>PyTorch checkpoints read without PyTorch and without executing anything
 *   ({@link org.mask3d.io.TorchCheckpoint} over the allow-list unpickler {@link org.mask3d.io.Pickle});</li>
 *   <li>the released code's {@code key = value} text configs ({@link org.mask3d.io.ConfigFile}) with the one typed
 *   key-table mechanism every config uses ({@link org.mask3d.io.ConfigKey}, {@link org.mask3d.io.ConfigSchema});</li>
 *   <li>atomic writes ({@link org.mask3d.io.AtomicFiles}).</li>
 * </ul>
 *
 * <p>Array conventions: an image is a {@code float[]} in CHW order (channels, height, width, row-major) with
 * values in [0,1]; values outside [0,1] are clipped only when converting to 8 bits. A single-channel map is
 * {@code float[H*W]}. Every file this package writes itself goes through {@link org.mask3d.io.AtomicFiles} (files
 * that the {@code ffmpeg} program writes are its own). Bad user input (missing, unreadable, truncated or corrupt
 * files) raises {@link org.mask3d.InputException} naming the file; a wrong array shape from calling code raises
 * {@link IllegalArgumentException} naming the shape received.
 *
 * <p>Layering: the lowest package; of the library it uses only {@link org.mask3d.InputException}.
 */
package org.mask3d.io;
