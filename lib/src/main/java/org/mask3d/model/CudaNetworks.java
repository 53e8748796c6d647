package org.mask3d.model;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import org.mask3d.InputException;
import org.mask3d.render.CudaRenderer;
import org.mask3d.render.Psv;

import java.util.Map;

import static jcuda.driver.JCudaDriver.*;

/**
 * MPINet3d (+ the released MPI head) and MaskNet3d for inference in mask3d's own CUDA kernels ({@link CudaUNet}), in
 * the renderer's context so that volumes, MPIs and masks stay on the GPU ({@link #mpiOnDevice}, {@link #maskOnDevice};
 * {@link CudaFrames} chains them with the sweep and the renderer). As a {@link NetworkBackend} it takes and returns
 * host arrays, like {@link DjlNetworks}. Free of DJL, so it runs where only the JCuda jars are (the GPU machine's
 * payload); {@link Device#networks} builds it from the DJL blocks' weights ({@link UNet3d#hostWeights}).
 */
public final class CudaNetworks implements NetworkBackend {
    private final CudaKernels k;
    private final CudaUNet mpiNet, maskNet;
    private CUdeviceptr hostIn, hostOut;
    private long hostInBytes, hostOutBytes;
    private boolean closed;

    /**
     * @param renderer    whose CUDA context to work in (not closed by this backend)
     * @param mpiWeights  MPINet3d(6, 2) parameters by released key (no prefix)
     * @param maskWeights MaskNet3d(12, 1) parameters, or null
     */
    public CudaNetworks(CudaRenderer renderer, Map<String, float[]> mpiWeights, Map<String, float[]> maskWeights,
                        CudaUNet.Precision precision) {
        k = new CudaKernels(renderer);
        CudaUNet m = null, mk = null;
        try {
            m = new CudaUNet(k, 6, 2, mpiWeights, precision);
            mk = maskWeights == null ? null : new CudaUNet(k, 12, 1, maskWeights, precision);
        } catch (RuntimeException e) {
            if (m != null) m.close();
            k.close();
            throw e;
        }
        mpiNet = m;
        maskNet = mk;
    }

    public CudaUNet.Precision precision() { return mpiNet.precision(); }

    CudaUNet mpiUNet() { return mpiNet; }

    CudaUNet maskUNet() { return maskNet; }

    /**
     * MPINet3d and the MPI head on a 2-view float32 volume on the GPU, asynchronously.
     *
     * @param psv6 [6, D, H, W] (channel stride D·H·W; e.g. a channel offset into a 12-channel volume)
     * @param rgba output [D, H, W, 4] float32
     */
    public void mpiOnDevice(CUdeviceptr psv6, int d, int h, int w, CUdeviceptr rgba) {
        CudaUNet.Tensor out = mpiNet.forward(psv6, d, h, w);
        long n = (long) d * h * w;
        k.launch("mpi_head", Math.min((n + 255) / 256, 65535L * 8), 1, 256, mpiNet.pointer(out), out.h, out.w, psv6, d, h, w, rgba);
    }

    /** MaskNet3d on a 12-channel float32 volume on the GPU, asynchronously; {@code mask}: [D, H, W] float32. */
    public void maskOnDevice(CUdeviceptr psv12, int d, int h, int w, CUdeviceptr mask) {
        if (maskNet == null) throw new InputException("no MaskNet3d was loaded: the mask volume is unavailable");
        CudaUNet.Tensor out = maskNet.forward(psv12, d, h, w);
        long n = (long) d * h * w;
        k.launch("mask_head", Math.min((n + 255) / 256, 65535L * 8), 1, 256, maskNet.pointer(out), out.h, out.w, d, h, w, mask);
    }

    private CUdeviceptr in(Psv psv) {
        long bytes = (long) psv.data().length * Sizeof.FLOAT;
        if (bytes > hostInBytes) {
            if (hostIn != null) cuMemFree(hostIn);
            hostIn = k.alloc(bytes);
            hostInBytes = bytes;
        }
        cuCtxSetCurrent(k.context);
        cuMemcpyHtoD(hostIn, Pointer.to(psv.data()), bytes);
        return hostIn;
    }

    private CUdeviceptr out(long floats) {
        long bytes = floats * Sizeof.FLOAT;
        if (bytes > hostOutBytes) {
            if (hostOut != null) cuMemFree(hostOut);
            hostOut = k.alloc(bytes);
            hostOutBytes = bytes;
        }
        return hostOut;
    }

    @Override public float[] mpi(Psv psv) {
        if (psv.views() != 2) throw new IllegalArgumentException("MPINet3d takes a 2-view volume, got " + psv.views() + " views");
        long n = (long) psv.planes() * psv.height() * psv.width() * 4;
        CUdeviceptr o = out(n);
        mpiOnDevice(in(psv), psv.planes(), psv.height(), psv.width(), o);
        return k.download(o, n);
    }

    @Override public float[] mask(Psv psv12) {
        if (psv12.views() != 4) throw new IllegalArgumentException("MaskNet3d takes a 4-view volume, got " + psv12.views() + " views");
        long n = (long) psv12.planes() * psv12.height() * psv12.width();
        CUdeviceptr o = out(n);
        maskOnDevice(in(psv12), psv12.planes(), psv12.height(), psv12.width(), o);
        return k.download(o, n);
    }

    @Override public boolean hasMaskNet() { return maskNet != null; }

    @Override public String name() {
        return "cuda-" + precision().name().toLowerCase(java.util.Locale.ROOT) + "(" + k.renderer.deviceName() + ")";
    }

    /** GPU bytes held: weights and workspaces of both networks and the host-transfer buffers. */
    public long deviceBytes() {
        long b = mpiNet.workspaceBytes() + mpiNet.weightBytes() + hostInBytes + hostOutBytes;
        if (maskNet != null) b += maskNet.workspaceBytes() + maskNet.weightBytes();
        return b;
    }

    /** Copies {@code floats} floats of a GPU buffer to the host (waits for the GPU). */
    float[] download(CUdeviceptr p, long floats) { return k.download(p, floats); }

    /** Waits for the GPU. */
    public void synchronize() {
        cuCtxSetCurrent(k.context);
        cuCtxSynchronize();
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        cuCtxSetCurrent(k.context);
        mpiNet.close();
        if (maskNet != null) maskNet.close();
        if (hostIn != null) cuMemFree(hostIn);
        if (hostOut != null) cuMemFree(hostOut);
        k.close();
    }
}
