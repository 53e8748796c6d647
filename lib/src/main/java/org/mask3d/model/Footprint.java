package org.mask3d.model;

import org.mask3d.io.MemoryLimit;

/**
 * Memory estimates of the method's commands, checked before anything is allocated ({@link MemoryLimit.Estimate#require}):
 * Java arrays (frames, plane-sweep volumes, MPIs, masks) counted exactly from the sizes, and the DJL networks' native
 * memory from a measured per-voxel constant.
 *
 * <h2>How the constants were measured</h2>
 * {@code /usr/bin/time -v} peak RSS of {@code ./mask3d render --size WxH --max-views 2 --device cpu} (32 planes, a
 * stage-2 checkpoint, OpenJDK 17 with its default max heap of a quarter of 23 GB, 2 cores, OMP_NUM_THREADS=1) at
 * 160x90, 320x180 and 480x270, fitted by a line in the number of PSV voxels D·H·W: about 0.5 GB of fixed cost (JVM,
 * libtorch) and {@value #INFERENCE_BYTES_PER_VOXEL} bytes per voxel in all, heap arrays included; and likewise peak RSS
 * of {@code train-mask} (2 steps, 32 planes) at img_hw [36,64], [72,128], [108,192] for
 * {@value #TRAINING_BYTES_PER_VOXEL} bytes per voxel (activations kept for the backward pass, gradients, Adam state
 * per weight is negligible). The native part is the measured total less the heap arrays counted here.
 */
public final class Footprint {
    private Footprint() {}

    /** Fixed cost of a JVM with libtorch loaded, measured as the intercept of the fit. */
    public static final long BASE_BYTES = 512L << 20;
    /** Peak bytes per PSV voxel of one stage-2 inference (2 sweeps, MPINet3d twice, MaskNet3d, blend, render). */
    public static final long INFERENCE_BYTES_PER_VOXEL = 1900;
    /** Peak bytes per PSV voxel of one stage-2 training step (forward and backward). */
    public static final long TRAINING_BYTES_PER_VOXEL = 4000;

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
