package org.mask3d.model;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import org.mask3d.render.CudaRenderer;

import java.util.HashMap;
import java.util.Map;

import static jcuda.driver.JCudaDriver.*;

/**
 * The network kernels ({@code unet3d.cu}, PTX built ahead of time beside the renderer's) loaded into the renderer's
 * CUDA context, with small launch and allocation helpers. Not thread-safe: one caller at a time.
 */
final class CudaKernels implements AutoCloseable {
    /** Every kernel {@link CudaUNet} and {@link CudaNetworks} launch (checked against the PTX by a CPU test). */
    static final String[] KERNELS = {
            "conv3d_k7_f32", "conv3d_k3_f32", "conv3d_k3_up_f32", "gn_finalize", "mpi_head", "mask_head", "to_ndhwc_bf16",
            "conv3d_k7_n1_bf16", "conv3d_k7_n2_bf16", "conv3d_k3_n1_bf16", "conv3d_k3_n2_bf16", "conv3d_k3_n4_bf16",
            "conv3d_k3_n8_bf16", "conv3d_k3_up_n1_bf16", "conv3d_k3_up_n2_bf16", "conv3d_k3_up_n4_bf16"};

    final CudaRenderer renderer;
    final CUcontext context;
    final boolean tensorCores;
    final String ptxName;
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private boolean closed;

    CudaKernels(CudaRenderer renderer) {
        this.renderer = renderer;
        this.context = renderer.context();
        cuCtxSetCurrent(context);
        tensorCores = renderer.computeMajor() >= 8;
        // sm_90 on Hopper; Ampere/Ada need the compute_80 PTX for the bf16 MMA (compute_75's bf16 kernels trap)
        int cc = renderer.computeMajor();
        ptxName = cc >= 9 ? "unet3d.sm_90.ptx" : cc >= 8 ? "unet3d.compute_80.ptx" : "unet3d.compute_75.ptx";
        cuModuleLoadData(module, CudaRenderer.ptx(ptxName));
    }

    CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            cuModuleGetFunction(f, module, n);
            return f;
        });
    }

    void launch(String name, long gridX, int gridY, int block, Object... args) {
        if (gridX > Integer.MAX_VALUE) throw new IllegalArgumentException(name + ": grid too large (" + gridX + ")");
        Pointer[] ps = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) ps[i] = arg(args[i]);
        cuLaunchKernel(function(name), (int) gridX, gridY, 1, block, 1, 1, 0, null, Pointer.to(ps), null);
    }

    private static Pointer arg(Object o) {
        if (o == null) return Pointer.to(new CUdeviceptr());   // a null device pointer
        if (o instanceof CUdeviceptr p) return Pointer.to(p);
        if (o instanceof Integer i) return Pointer.to(new int[]{i});
        if (o instanceof Long l) return Pointer.to(new long[]{l});
        if (o instanceof Double d) return Pointer.to(new double[]{d});
        if (o instanceof Boolean b) return Pointer.to(new int[]{b ? 1 : 0});
        throw new IllegalArgumentException("unsupported kernel argument " + o.getClass());
    }

    CUdeviceptr alloc(long bytes) {
        cuCtxSetCurrent(context);
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, Math.max(bytes, 256));
        return p;
    }

    CUdeviceptr upload(float[] data) {
        CUdeviceptr p = alloc((long) data.length * Sizeof.FLOAT);
        cuMemcpyHtoD(p, Pointer.to(data), (long) data.length * Sizeof.FLOAT);
        return p;
    }

    CUdeviceptr upload(int[] data) {
        CUdeviceptr p = alloc((long) data.length * Sizeof.INT);
        cuMemcpyHtoD(p, Pointer.to(data), (long) data.length * Sizeof.INT);
        return p;
    }

    float[] download(CUdeviceptr p, long floats) {
        if (floats > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("array too large for the host: " + floats);
        cuCtxSetCurrent(context);
        float[] out = new float[(int) floats];
        cuMemcpyDtoH(Pointer.to(out), p, floats * Sizeof.FLOAT);
        return out;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        cuCtxSetCurrent(context);
        cuModuleUnload(module);
    }
}
