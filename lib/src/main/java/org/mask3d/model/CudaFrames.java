package org.mask3d.model;

import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import org.mask3d.geometry.Camera;
import org.mask3d.render.CudaRenderer;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.Rendering;

import java.util.List;

import static jcuda.driver.JCudaDriver.*;

/**
 * Stage 2's inference for video, resident on the GPU (METHOD.md §4.3): the two source cameras' backgrounds are swept
 * and turned into the background MPI once; per frame the two source frames are uploaded, swept into the first six
 * channels of the 12-channel volume, MPINet3d gives the dynamic MPI, MaskNet3d the mask, and the blend
 * {@code m·dyn + (1−m)·bg} goes into a resident MPI that renders any number of views. Only the frames go up and only
 * the rendered images come down.
 */
public final class CudaFrames implements AutoCloseable {
    /** The stages of one frame, for timing. */
    public enum Stage { PSV, MPINET, MASKNET, BLEND }

    private final CudaRenderer renderer;
    private final CudaNetworks nets;
    private final int d, h, w;
    private final long nvox;
    private final CUdeviceptr psv12, fg, bg, mask;
    private final CudaRenderer.PlaneSweepJob frameSweep;
    private final CudaRenderer.Resident blend, mpi;
    private boolean closed;

    /**
     * Sweeps the backgrounds and computes the background MPI (once).
     *
     * @param cameras     the two source cameras; the first is the MPI's reference
     * @param backgrounds their static backgrounds, [3, h, w] each
     * @param depths      plane depths, back to front
     * @param sampling    the plane sweep's sampling ({@link PlaneSweep.Sampling#RELEASED} as the released code)
     */
    public CudaFrames(CudaRenderer renderer, CudaNetworks nets, List<Camera> cameras, List<float[]> backgrounds,
                      double[] depths, PlaneSweep.Sampling sampling) {
        if (cameras.size() != 2 || backgrounds.size() != 2) throw new IllegalArgumentException("two source cameras and two backgrounds");
        if (!nets.hasMaskNet()) throw new IllegalArgumentException("the frame pipeline needs MaskNet3d");
        this.renderer = renderer;
        this.nets = nets;
        Camera ref = cameras.get(0);
        d = depths.length; h = ref.height(); w = ref.width();
        nvox = (long) d * h * w;
        cuCtxSetCurrent(renderer.context());
        psv12 = alloc(12 * nvox);
        fg = alloc(4 * nvox);
        bg = alloc(4 * nvox);
        mask = alloc(nvox);
        CudaRenderer.PlaneSweepJob job = null;
        try (CudaRenderer.PlaneSweepJob bgSweep = renderer.planeSweepJob(backgrounds, cameras, ref, depths, sampling, channel(6))) {
            bgSweep.launch();
            nets.mpiOnDevice(channel(6), d, h, w, bg);
            renderer.synchronize();
            job = renderer.planeSweepJob(backgrounds, cameras, ref, depths, sampling, channel(0));
        } catch (RuntimeException e) {
            for (CUdeviceptr p : new CUdeviceptr[]{psv12, fg, bg, mask}) cuMemFree(p);
            throw e;
        }
        frameSweep = job;
        blend = renderer.wrapBlend(fg, bg, mask, d, h, w, depths, ref);
        mpi = renderer.allocateLike(blend);
    }

    private static CUdeviceptr alloc(long floats) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, floats * Sizeof.FLOAT);
        return p;
    }

    private CUdeviceptr channel(int c) { return psv12.withByteOffset(c * nvox * Sizeof.FLOAT); }

    /** Uploads the two source frames (without launching anything). */
    public void upload(List<float[]> frames) { frameSweep.setImages(frames); }

    /** Launches one stage of the current frame (asynchronous; in order PSV, MPINET, MASKNET, BLEND). */
    public void launch(Stage s) {
        switch (s) {
            case PSV -> frameSweep.launch();
            case MPINET -> nets.mpiOnDevice(channel(0), d, h, w, fg);
            case MASKNET -> nets.maskOnDevice(psv12, d, h, w, mask);
            case BLEND -> renderer.blendInto(blend, mpi);
        }
    }

    /** One frame: upload, sweep, both networks, blend into the resident MPI (asynchronous after the upload). */
    public void frame(List<float[]> frames) {
        upload(frames);
        for (Stage s : Stage.values()) launch(s);
    }

    /** The resident blended MPI of the last frame (render it with {@link CudaRenderer#render(CudaRenderer.Resident, Camera)}). */
    public CudaRenderer.Resident mpi() { return mpi; }

    /** Renders the last frame's blended MPI to a view and copies the image to the host. */
    public Rendering render(Camera view) { return renderer.render(mpi, view); }

    /** Downloads the last frame's arrays: "psv" [12,D,H,W], "fg"/"bg" [D,H,W,4], "mask" [D,H,W]. */
    public float[] download(String what) {
        renderer.synchronize();
        return switch (what) {
            case "psv" -> nets.download(psv12, 12 * nvox);
            case "fg" -> nets.download(fg, 4 * nvox);
            case "bg" -> nets.download(bg, 4 * nvox);
            case "mask" -> nets.download(mask, nvox);
            default -> throw new IllegalArgumentException(what);
        };
    }

    /** GPU bytes of this pipeline's own buffers (volume, MPIs, mask, resident MPI, sweep job), networks excluded. */
    public long deviceBytes() { return (12 + 4 + 4 + 1 + 4) * nvox * Sizeof.FLOAT; }

    @Override public void close() {
        if (closed) return;
        closed = true;
        cuCtxSetCurrent(renderer.context());
        frameSweep.close();
        blend.close();
        mpi.close();
        for (CUdeviceptr p : new CUdeviceptr[]{psv12, fg, bg, mask}) cuMemFree(p);
    }
}
