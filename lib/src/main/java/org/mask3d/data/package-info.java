/**
 * Scene sources, preprocessing steps and samplers: what turns files on disk into the images and cameras the stages
 * train and evaluate on. Parsing of file formats lives in {@code io}; this package holds what the files mean.
 *
 * <p><b>Dynamic scenes</b> (a rig of static cameras filming a moving scene) implement {@link org.mask3d.data.Scene}:
 * frames, cameras, per-camera bounds, LLFF rows ({@link org.mask3d.data.Scene#poses()}), and backgrounds and
 * mattes where they exist.
 * <ul>
 *   <li>{@link org.mask3d.data.VideoFolderScene}: the released multi-camera folder layout ({@code poses_bounds.npy},
 *   {@code frames/camNN/}, {@code background/camNN.png});</li>
 *   <li>{@link org.mask3d.data.PackedScene}: mask3d's raw uint8 training format, packed from any scene;</li>
 *   <li>{@link org.mask3d.data.AuthorsH5Scene}: the authors' compressed {@code sceneNNN.h5} + {@code _pb.npy}, read
 *   through {@link org.mask3d.io.Hdf5File};</li>
 *   <li>{@link org.mask3d.data.SyntheticRig}: the built-in procedural rig with exact backgrounds, mattes and depth;
 *   {@link org.mask3d.data.SyntheticScene}: textured cards lying on MPI planes (its exact MPI is
 *   {@code eval.SyntheticTruth});</li>
 *   <li>wrappers {@link org.mask3d.data.ResizedScene} (another image size) and
 *   {@link org.mask3d.data.WithBackgrounds} (backgrounds from another folder, the released {@code bg_dir});</li>
 *   <li>{@link org.mask3d.data.Scenes} opens any of them by what a path holds; {@link org.mask3d.data.DatasetCheck}
 *   reports every problem of a dataset at once.</li>
 * </ul>
 *
 * <p><b>Static sequences</b> for stage 1: {@link org.mask3d.data.RealEstate10K} (camera files, frame folders, the
 * released pruning), {@link org.mask3d.data.RealEstate10KFrames} (frame extraction from videos).
 *
 * <p><b>Preprocessing</b>: {@link org.mask3d.data.Backgrounds} (temporal median backgrounds),
 * {@link org.mask3d.data.ColmapPoses} and {@link org.mask3d.data.ColmapModel} (rig poses by COLMAP, written as LLFF
 * {@code poses_bounds.npy}), {@link org.mask3d.data.RenderPathFile} (the released render-path text file).
 *
 * <p><b>Samplers</b>: {@link org.mask3d.data.MpiStageSampler} ({@link org.mask3d.data.MpiSample}, stage 1) and
 * {@link org.mask3d.data.MaskStageSampler} ({@link org.mask3d.data.MaskSample}, stage 2), as the released datasets.
 *
 * <p>Layering: uses {@code io} and {@code geometry} only; {@code render} is a sibling and is not imported.
 */
package org.mask3d.data;
