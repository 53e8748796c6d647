package org.mask3d.model;

import org.mask3d.io.MemoryLimit;

/**
 * Memory estimates of the method's commands, checked before anything is allocated ({@link MemoryLimit.Estimate#require}):
 * Java arrays (frames, plane-sweep volumes, MPIs, masks) counted exactly from the sizes, and the DJL networks' native
 * memory from a measured per-voxel constant.
 *
 * <h2>How the constants were measured</h2>
 * Peak RSS ({@code /usr/bin/time -v}) of {@code mask3d render --size WxH --max-views 2 --device cpu} (32 planes, a
 * stage-2 checkpoint, OpenJDK 17 with its default max heap of a quarter of 23 GB, 2 shared cores, OMP_NUM_THREADS=1):
 * 160x90 1.37 GB, 320x180 3.93 GB, 480x270 7.91 GB, 640x360 14.9 GB (kB figures of time -v ×1024). Between the sizes
 * the growth is 1.8 to 2.2 kB per PSV voxel D·H·W (the JVM lets its heap grow with the load, hence the rising slope);
 * {@value #INFERENCE_BYTES_PER_VOXEL} bytes per voxel plus {@link #BASE_BYTES} gives 8.6 GiB at 480x270 and 14.9 GiB
 * at 640x360, at or above every measured peak. Training: peak RSS of {@code train-mask} (configs/train_mask_demo.txt,
 * 32 planes, 2 steps, validation at the same size) at img_hw [36,64] 0.73 GB, [72,128] 1.70 GB and [108,192] 3.54 GB,
 * 4.4 then 5.0 kB per voxel between them; {@value #TRAINING_BYTES_PER_VOXEL} bytes per voxel plus the base gives 3.7 GiB
 * at [108,192] against 3.37 GiB measured. The native part reported is the measured total less
 * the heap arrays counted here.
 */
public final class Footprint {
    private Footprint() {}

    /** Fixed cost of a JVM with libtorch loaded, measured as the intercept of the fit. */
    public static final long BASE_BYTES = 512L << 20;
    /** Peak bytes per PSV voxel of one stage-2 inference (2 sweeps, MPINet3d twice, MaskNet3d, blend, render). */
    public static final long INFERENCE_BYTES_PER_VOXEL = 2100;
    /** Peak bytes per PSV voxel of one stage-2 training step (forward and backward). */
    public static final long TRAINING_BYTES_PER_VOXEL = 5200;

    /**
     * Heap bytes per voxel held at once by one stage-2 view: the frames' and backgrounds' sweeps ([6,D,H,W] each), their
     * 12-channel stack, the dynamic, background and blended MPIs ([D,H,W,4] each) and the mask ([D,H,W]), as floats.
     */
    static final long HEAP_BYTES_PER_VOXEL = 4L * (6 + 6 + 12 + 3 * 4 + 1);

    /**
     * One stage-2 rendering of {@code width × height} with {@code planes} planes (render, evaluate, demo).
     *
     * @param what e.g. "render at 1920x1080 (32 planes)"
     */
    public static MemoryLimit.Estimate inference(String what, long width, long height, long planes) {
        long voxels = MemoryLimit.product(width, height, planes);
        long heap = MemoryLimit.product(voxels, HEAP_BYTES_PER_VOXEL);
        long frames = MemoryLimit.product(width, height, 3 * 4, 6);
        long all = MemoryLimit.product(voxels, INFERENCE_BYTES_PER_VOXEL);
        return MemoryLimit.estimate(what)
                .heap("frames " + width + "x" + height, frames)
                .heap("sweeps, MPIs and mask of " + planes + " planes", heap)
                .nativeMemory("networks (" + INFERENCE_BYTES_PER_VOXEL + " B per voxel measured, less the heap arrays)",
                        all == Long.MAX_VALUE ? all : Math.max(0, all - heap))
                .nativeMemory("JVM and libtorch", BASE_BYTES);
    }

    /**
     * One training step on a sample of {@code width × height} (the crop in stage 1) with {@code planes} planes (a batch is
     * looped sample by sample, so it adds nothing); the stage-2 constant bounds stage 1 too (one MPINet3d instead of two
     * and MaskNet3d).
     */
    public static MemoryLimit.Estimate training(String what, long width, long height, long planes) {
        long voxels = MemoryLimit.product(width, height, planes);
        long heap = MemoryLimit.product(voxels, HEAP_BYTES_PER_VOXEL);
        long all = MemoryLimit.product(voxels, TRAINING_BYTES_PER_VOXEL);
        return MemoryLimit.estimate(what)
                .heap("sweeps, MPIs and mask of " + planes + " planes", heap)
                .nativeMemory("networks forward and backward (" + TRAINING_BYTES_PER_VOXEL + " B per voxel measured)",
                        all == Long.MAX_VALUE ? all : Math.max(0, all - heap))
                .nativeMemory("JVM and libtorch", BASE_BYTES);
    }
}
