package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.mask3d.data.MaskSample;
import org.mask3d.geometry.Camera;
import org.mask3d.render.DjlRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.PlaneSweeper;
import org.mask3d.render.Psv;
import org.mask3d.render.HostArrays;

import java.nio.file.Path;
import java.util.List;

/**
 * Stage 2 of the method in one place (the released {@code train_mask/net.py} {@code RenderNet}, METHOD.md §4.3): the
 * 12-channel plane-sweep volume (frame v0, frame v1, background v0, background v1; RGB each, swept into source 0 with
 * the released sampling), MPINet3d on the frames (the dynamic MPI) and on the backgrounds (the background MPI), MaskNet3d
 * on all 12 channels, the blend {@code M·dyn + (1−M)·bg} on all four channels, and the rendering to a target.
 * <ul>
 *   <li>{@link #forward}: differentiable NDArrays for training and parity (MPINet3d frozen: gradients flow only into
 *       MaskNet3d);</li>
 *   <li>{@link #dynamicMpi}, {@link #backgroundMpi}, {@link #mask}, {@link #blend}: inference through the {@link Device}'s
 *       sweep, network backend and renderer (the background MPI is made once per video by the caller, not per frame).</li>
 * </ul>
 * The channel order lives here and nowhere else ({@link #stack}, {@link #sweep}).
 */
public final class MaskPipeline implements AutoCloseable {
    /** Channels of the stage-2 volume. */
    public static final int CHANNELS = 12;

    private final MpiNet3d mpiNet;
    private final MaskNet3d maskNet;
    private final Device device;
    private final NetworkBackend backend;
    private final MpiPipeline stage1;
    private final NDManager owned;

    /**
     * @param mpiNet  MPINet3d (frozen)
     * @param maskNet MaskNet3d, or null (inference of the MPIs only)
     * @param device  where inference sweeps, runs and renders
     * @param manager parent of the inference managers (owned by the caller)
     */
    public MaskPipeline(MpiNet3d mpiNet, MaskNet3d maskNet, Device device, NDManager manager) {
        this(mpiNet, maskNet, device, manager, null);
    }

    private MaskPipeline(MpiNet3d mpiNet, MaskNet3d maskNet, Device device, NDManager manager, NDManager owned) {
        this.mpiNet = mpiNet;
        this.maskNet = maskNet;
        this.device = device;
        this.backend = device.networks(mpiNet, maskNet, manager);
        this.stage1 = new MpiPipeline(mpiNet, device, backend);
        this.owned = owned;
    }

    /**
     * A pipeline with both networks loaded from {@code model} (a {@code .ckpt}, an exported state dict or a mask3d
     * checkpoint folder; null: initial weights), on its own manager (closed with the pipeline).
     *
     * @param what names the source in errors (a config key, or empty)
     */
    public static MaskPipeline open(Path model, String what, Device device) {
        NDManager m = NDManager.newBaseManager();
        try {
            MpiNet3d mpi = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            MaskNet3d mask = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            if (model != null) Checkpoints.load(model, what, mpi, mask);
            return new MaskPipeline(mpi, mask, device, m, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public MpiNet3d mpiNet() { return mpiNet; }

    /** MaskNet3d, or null. */
    public MaskNet3d maskNet() { return maskNet; }

    public Device device() { return device; }

    public MpiRenderer renderer() { return device.renderer(); }

    /** The network backend inference runs on ({@link CudaNetworks} on a GPU device, else {@link DjlNetworks}). */
    public NetworkBackend networks() { return backend; }

    /** Stage 1 with the same MPINet3d and backend (the per-frame MPI alone is stage 1's output). */
    public MpiPipeline stage1() { return stage1; }

    // ------------------------------------------------------------------------------------------ inputs

    /**
     * The inputs of one frame: the two sources' current frames and static backgrounds, [3,H,W] each, and their cameras
     * (source 0 is the MPI reference).
     */
    public record Views(float[] frame0, float[] frame1, float[] background0, float[] background1, Camera source0, Camera source1) {
        /** The views of a stage-2 sample. */
        public static Views of(MaskSample s) {
            return new Views(s.srcRgb()[0], s.srcRgb()[1], s.srcBg()[0], s.srcBg()[1], s.srcCams()[0], s.srcCams()[1]);
        }

        List<Camera> cameras() { return List.of(source0, source1); }
    }

    /** The 12-channel volume: the frames' 2-view volume followed by the backgrounds' (the network's channel order). */
    public static Psv stack(Psv frames, Psv backgrounds) {
        if (frames.views() != 2 || backgrounds.views() != 2) {
            throw new IllegalArgumentException("stage 2 stacks two 2-view volumes, got " + frames.views() + " and " + backgrounds.views() + " views");
        }
        return Psv.concat(frames, backgrounds);
    }

    /** The 12-channel volume of {@code v} into source 0 (released sampling) on the device. */
    public Psv sweep(Views v, double[] depths) { return sweep(device.sweeper(), v, depths); }

    /** The 12-channel volume of {@code v} into source 0 (released sampling) by {@code sweeper}. */
    public static Psv sweep(PlaneSweeper sweeper, Views v, double[] depths) {
        return sweeper.sweep(List.of(v.frame0(), v.frame1(), v.background0(), v.background1()),
                List.of(v.source0(), v.source1(), v.source0(), v.source1()), v.source0(), depths, PlaneSweep.Sampling.RELEASED);
    }

    // ------------------------------------------------------------------------------------------ differentiable path

    /**
     * What one forward pass gives.
     *
     * @param rgb       [3, h, w] the blended MPI at the target (not clamped)
     * @param fgAlpha   [h, w] accumulated alpha of the masked dynamic MPI at the target (MaskLoss's α)
     * @param mask      [D, H, W] the mask volume
     * @param mpinetOut [3, D, H, W] MPINet3d on the frames' sweep: α, w0, w1
     * @param mpiFg     [D, H, W, 4] the dynamic MPI (detached)
     * @param mpiBg     [D, H, W, 4] the background MPI (detached)
     * @param disparity [h, w] expected disparity of the blended MPI
     */
    public record Output(NDArray rgb, NDArray fgAlpha, NDArray mask, NDArray mpinetOut, NDArray mpiFg, NDArray mpiBg,
                         NDArray disparity) {}

    /**
     * The released forward pass for one sample: the frozen MPINet3d makes the dynamic and the background MPI (one batch
     * of two, outputs detached), MaskNet3d sees all 12 channels, the blended MPI and the masked dynamic MPI
     * {@code M·fg} are warped to the target and composited.
     *
     * @param psv      [12, D, H, W] ({@link #stack} order) on {@code m}
     * @param ps       the parameter store (a training store for MaskNet3d's gradients, or an inference one)
     * @param training whether MaskNet3d runs in training mode (no dropout or batch norm: only what is recorded differs)
     */
    public Output forward(NDManager m, NDArray psv, double[] depths, Camera ref, Camera target, ParameterStore ps, boolean training) {
        NDArray vol = psv.expandDims(0);                                                      // [1, 12, D, H, W]
        // the frozen MPI network runs in a sub-manager that is closed right after: its activations are freed at
        // once (DJL keeps every intermediate array until its manager closes) and only the MPIs are kept
        NDArray out, rgba;
        try (NDManager sub = m.newSubManager()) {
            NDArray in = vol.duplicate();
            in.attach(sub);
            NDArray pair = NDArrays.concat(new NDList(in.get(":, 0:6"), in.get(":, 6:12")), 0);   // [2, 6, D, H, W]
            out = mpiNet.forward(ps, new NDList(pair), false).singletonOrThrow().stopGradient();
            rgba = MpiHead.rgba(pair, out).stopGradient();                                      // [2, D, H, W, 4]
            out.attach(m);
            rgba.attach(m);
        }
        NDArray fg = rgba.get(0), bg = rgba.get(1);
        NDArray mask = maskNet.forward(ps, new NDList(vol), training).singletonOrThrow().get(0).get(0);   // [D, H, W]
        NDArray m4 = mask.expandDims(3);
        NDArray full = fg.mul(m4).add(bg.mul(m4.neg().add(1)));
        NDArray masked = fg.mul(m4);
        NDArray[] r = DjlRenderer.render(m, full, depths, ref, target);
        NDArray[] rm = DjlRenderer.render(m, masked, depths, ref, target);
        return new Output(r[0], rm[1], mask, out.get(0), fg, bg, r[2]);
    }

    /** {@link #forward} of a host volume (created on {@code m}). */
    public Output forward(NDManager m, Psv psv12, double[] depths, Camera ref, Camera target, ParameterStore ps, boolean training) {
        return forward(m, HostArrays.of(m, psv12.data(), new Shape(psv12.shape())), depths, ref, target, ps, training);
    }

    /**
     * The whole method for one frame in one call, for inference: sweep {@code v}, the forward pass, rendered at
     * {@code target} (no gradient recorded).
     */
    public Output forward(NDManager m, Views v, double[] depths, Camera target) {
        return forward(m, sweep(v, depths), depths, v.source0(), target, new ParameterStore(m, false), false);
    }

    // ------------------------------------------------------------------------------------------ inference path

    /** The dynamic (per-frame) MPI: MPINet3d on the frames' 2-view volume. */
    public Mpi dynamicMpi(Psv frames, double[] depths, Camera ref) { return stage1.mpi(frames, depths, ref); }

    /** The background MPI: MPINet3d on the backgrounds' 2-view volume (the same network; compute it once per video). */
    public Mpi backgroundMpi(Psv backgrounds, double[] depths, Camera ref) { return stage1.mpi(backgrounds, depths, ref); }

    /** The 2-view volume of two images (frames or backgrounds) into {@code source0}. */
    public Psv sweepPair(float[] image0, float[] image1, Camera source0, Camera source1, double[] depths) {
        return stage1.sweep(List.of(image0, image1), List.of(source0, source1), depths);
    }

    /** MaskNet3d's volume [D, H, W] of the frames' and the backgrounds' 2-view volumes. */
    public float[] mask(Psv frames, Psv backgrounds) { return backend.mask(stack(frames, backgrounds)); }

    /** Whether a mask network is loaded. */
    public boolean hasMaskNet() { return backend.hasMaskNet(); }

    /** The method's MPI: {@code M·dyn + (1−M)·bg} on all four channels. */
    public static Mpi blend(Mpi dynamic, Mpi background, float[] mask) { return Mpi.blend(dynamic, background, mask); }

    @Override public void close() {
        backend.close();
        if (owned != null) owned.close();
    }
}
