package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.mask3d.geometry.Camera;
import org.mask3d.render.DjlRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.Psv;
import org.mask3d.render.HostArrays;

import java.nio.file.Path;
import java.util.List;

/**
 * Stage 1 of the method in one place (the released {@code train_mpi} model, METHOD.md §3.2 and §4): the plane-sweep
 * volume of two source views into source 0 (released sampling), MPINet3d, the MPI head ({@link MpiHead#rgba}) and the
 * rendering to a target. Two paths:
 * <ul>
 *   <li>{@link #forward}: differentiable NDArrays, for training (gradients flow into MPINet3d);</li>
 *   <li>{@link #mpi}: inference through the {@link NetworkBackend} of the {@link Device}, giving an {@link Mpi}.</li>
 * </ul>
 * {@link MaskPipeline} builds its two MPIs with the same network and head.
 */
public final class MpiPipeline {
    private final MpiNet3d net;
    private final Device device;
    private final NetworkBackend backend;

    /**
     * @param net     MPINet3d (initialised; trained or not)
     * @param device  where inference sweeps, runs and renders
     * @param manager parent of the inference managers (owned by the caller)
     */
    public MpiPipeline(MpiNet3d net, Device device, NDManager manager) {
        this(net, device, device.networks(net, null, manager));
    }

    MpiPipeline(MpiNet3d net, Device device, NetworkBackend backend) {
        this.net = net;
        this.device = device;
        this.backend = backend;
    }

    /** MPINet3d with weights from a {@code .ckpt}, an exported state dict or a mask3d checkpoint folder. */
    public static MpiNet3d loadNetwork(NDManager manager, Path model, String what) {
        MpiNet3d n = Networks.initialize(new MpiNet3d(), manager, ai.djl.ndarray.types.DataType.FLOAT32);
        if (model != null) Checkpoints.load(model, what, Checkpoints.Net.MPI_NET, n);
        return n;
    }

    public MpiNet3d network() { return net; }

    public Device device() { return device; }

    /** The two-view volume [6, D, H, W] of the sources into {@code sources.get(0)} (released sampling) on the device. */
    public Psv sweep(List<float[]> images, List<Camera> sources, double[] depths) {
        if (images.size() != 2 || sources.size() != 2) {
            throw new IllegalArgumentException("stage 1 sweeps two source views, got " + images.size() + " images and " + sources.size() + " cameras");
        }
        return device.sweeper().sweep(images, sources, sources.get(0), depths, PlaneSweep.Sampling.RELEASED);
    }

    /**
     * What one differentiable forward pass gives.
     *
     * @param rgb      [1, 3, h, w] the MPI rendered at the target (not clamped)
     * @param rgba     [D, H, W, 4] the MPI
     * @param netOut   [1, 3, D, H, W] MPINet3d's output {α, w0, w1}
     * @param alpha    [h, w] accumulated alpha at the target
     * @param disparity [h, w] expected disparity at the target
     */
    public record Output(NDArray rgb, NDArray rgba, NDArray netOut, NDArray alpha, NDArray disparity) {}

    /**
     * The differentiable pass: MPINet3d on {@code psv}, the head, the rendering to {@code target}.
     *
     * @param psv      [1, 6, D, H, W] on {@code m}
     * @param ps       the parameter store (a training store records gradients)
     * @param training passed to the network (it has no dropout or batch norm; the flag only decides what is recorded)
     */
    public Output forward(NDManager m, NDArray psv, double[] depths, Camera ref, Camera target, ParameterStore ps, boolean training) {
        NDArray out = net.forward(ps, new NDList(psv), training).singletonOrThrow();
        NDArray rgba = MpiHead.rgba(psv, out).get(0);
        NDArray[] r = DjlRenderer.render(m, rgba, depths, ref, target);
        return new Output(r[0].expandDims(0), rgba, out, r[1], r[2]);
    }

    /** {@link #forward} of a host volume (created on {@code m}). */
    public Output forward(NDManager m, Psv psv, double[] depths, Camera ref, Camera target, ParameterStore ps, boolean training) {
        return forward(m, HostArrays.of(m, psv.data(), new Shape(1, psv.channels(), psv.planes(), psv.height(), psv.width())),
                depths, ref, target, ps, training);
    }

    /** Inference: the MPI of a two-view volume on the reference camera {@code ref}. */
    public Mpi mpi(Psv psv, double[] depths, Camera ref) {
        return new Mpi(backend.mpi(psv), psv.planes(), psv.height(), psv.width(), depths, ref);
    }

    /** Inference from images: sweep then {@link #mpi(Psv, double[], Camera)}. */
    public Mpi mpi(List<float[]> images, List<Camera> sources, double[] depths) {
        return mpi(sweep(images, sources, depths), depths, sources.get(0));
    }
}
