package org.mask3d.model;

import ai.djl.ndarray.NDManager;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.CudaRenderer;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.PlaneSweeper;
import org.mask3d.render.Renderers;

/**
 * The device choice of the inference path, made once and passed down: which backend sweeps (CPU or CUDA), which
 * renders (CPU or CUDA, the MPI kept resident there through {@link MpiRenderer#prepare}) and where the networks run
 * ({@link #networks}: mask3d's CUDA kernels where the renderer is the CUDA one, else DJL on the CPU). {@link #of(String)} takes a {@code --device} value: {@code cpu},
 * {@code gpu} (CUDA, failing with the reason where absent) or {@code auto} (CUDA where a driver and device are present,
 * else the CPU with one line saying why).
 */
public final class Device implements AutoCloseable {
    private final PlaneSweeper sweeper;
    private final MpiRenderer renderer;
    private final boolean ownsRenderer;
    private CudaUNet.Precision precision = CudaUNet.Precision.FP32;

    private Device(PlaneSweeper sweeper, MpiRenderer renderer, boolean ownsRenderer) {
        this.sweeper = sweeper;
        this.renderer = renderer;
        this.ownsRenderer = ownsRenderer;
    }

    /** Everything on the CPU (pure-Java sweep and renderer). */
    public static Device cpu() { return new Device(PlaneSweep.cpu(), new CpuRenderer(), true); }

    /** A device for a {@code --device} value ({@code cpu}, {@code gpu}/{@code cuda} or {@code auto}); close it when done. */
    public static Device of(String choice) { return around(Renderers.forDevice(choice), true); }

    /**
     * A device around a renderer the caller owns (not closed with the device): the renderer's own sweep where it has
     * one (the CUDA renderer), else the CPU sweep.
     */
    public static Device of(MpiRenderer renderer) { return around(renderer, false); }

    private static Device around(MpiRenderer r, boolean owns) {
        return new Device(r instanceof PlaneSweeper s ? s : PlaneSweep.cpu(), r, owns);
    }

    public PlaneSweeper sweeper() { return sweeper; }

    public MpiRenderer renderer() { return renderer; }

    /**
     * The arithmetic of the GPU networks (float32 by default, the reference; bf16 on tensor cores where asked for).
     * No effect on the CPU.
     */
    public Device precision(CudaUNet.Precision p) {
        this.precision = java.util.Objects.requireNonNull(p);
        return this;
    }

    public CudaUNet.Precision precision() { return precision; }

    /** Whether the networks run on the GPU ({@link CudaNetworks}) rather than DJL on the CPU. */
    public boolean gpuNetworks() { return renderer instanceof CudaRenderer; }

    /**
     * The network backend for this device: {@link CudaNetworks} (mask3d's kernels, in {@link #precision}) where the
     * renderer is the CUDA one, else DJL (libtorch, CPU). The CUDA backend copies the weights when it is made: make
     * it after loading them (as {@link MaskPipeline#open} does); training keeps to the CPU device.
     */
    public NetworkBackend networks(MpiNet3d mpiNet, MaskNet3d maskNet, NDManager manager) {
        DjlNetworks cpu = new DjlNetworks(mpiNet, maskNet, manager);
        if (!(renderer instanceof CudaRenderer cuda)) return cpu;
        NetworkBackend gpu;
        try {
            gpu = new CudaNetworks(cuda, mpiNet.hostWeights(), maskNet == null ? null : maskNet.hostWeights(), precision);
        } catch (RuntimeException | LinkageError e) {
            System.err.println("networks: " + cpu.name() + " (CUDA networks not available: " + e.getMessage() + ")");
            return cpu;
        }
        // checked against DJL on a small volume first: a misbehaving GPU falls back to the CPU with one line
        return NetworkCheck.checked(gpu, cpu, precision == CudaUNet.Precision.FP32 ? FP32_CHECK : BF16_CHECK, System.err);
    }

    /** Largest difference from DJL on {@link NetworkCheck}'s volume at which the GPU networks are used. */
    public static final double FP32_CHECK = 1e-3, BF16_CHECK = 5e-2;

    /** E.g. {@code sweep cuda(NVIDIA H100), render cuda(NVIDIA H100), networks cuda-fp32}. */
    public String describe() {
        return "sweep " + sweeper.name() + ", render " + renderer.name() + ", networks "
                + (gpuNetworks() ? "cuda-" + precision.name().toLowerCase(java.util.Locale.ROOT) : "djl-cpu");
    }

    @Override public void close() {
        if (ownsRenderer && renderer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + renderer.name() + ": " + e.getMessage(), e);
            }
        }
    }
}
