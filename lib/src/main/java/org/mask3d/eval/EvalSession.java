package org.mask3d.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.mask3d.InputException;
import org.mask3d.data.Scene;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.MpiHead;
import org.mask3d.model.MpiNet3d;
import org.mask3d.render.MaskVolume;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.PlaneSweep;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Inference for the evaluation: for one scene, two source cameras (source 0 the MPI reference), a plane count and a
 * pair of networks, the per-frame MPIs and masks of every {@link EvalMethod}, rendered to any camera through one
 * {@link MpiRenderer}. The background MPI (MPINet3d on the backgrounds' sweep) is computed once.
 *
 * <p>Notebook use: {@code try (EvalSession s = EvalSession.open(scene, new int[]{2, 3}, 16, ckpt, renderer,
 * EvalSession.Mask2dSettings.defaults())) { Map<EvalMethod, float[]> v = s.views(0, 7, List.of(EvalMethod.values())); }}
 * gives the [3,H,W] render of each method at frame 0, camera 7.
 */
public final class EvalSession implements AutoCloseable {
    /**
     * The 2D-mask baseline's settings ({@link Mask2d#fromDifference}).
     *
     * @param threshold τ on the mean absolute frame–background difference
     * @param dilate    dilation radius in pixels
     * @param soft      soft ramp d/τ instead of a hard threshold
     */
    public record Mask2dSettings(double threshold, int dilate, boolean soft) {
        public static Mask2dSettings defaults() { return new Mask2dSettings(Mask2d.DEFAULT_THRESHOLD, Mask2d.DEFAULT_DILATE, false); }
    }

    /**
     * Everything made for one frame.
     *
     * @param t          the frame
     * @param dynamic    MPINet3d on the frames' sweep (the per-frame MPI)
     * @param background MPINet3d on the backgrounds' sweep (the same object every frame)
     * @param mask3d     [D,H,W] MaskNet3d's volume, or null without a mask network
     * @param mask2d     [H,W] the 2D baseline's mask of the reference view
     */
    public record FrameMpis(int t, Mpi dynamic, Mpi background, float[] mask3d, float[] mask2d) {}

    private final Scene scene;
    private final int ref, src1, planes;
    private final double[] depths;
    private final MpiNet3d mpiNet;
    private final MaskNet3d maskNet;
    private final MpiRenderer renderer;
    private final Mask2dSettings mask2d;
    private final NDManager manager;
    private final ParameterStore ps;
    /** The last images read (the rig ray-casts each call); bounded, so long videos do not pile up in memory. */
    private final Map<String, float[]> frameCache = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, float[]> e) { return size() > 16; }
    };
    private float[] bgPsv;
    private Mpi bgMpi;

    /**
     * @param scene    the scene at the evaluation size
     * @param sources  two source cameras, the first the MPI reference
     * @param planes   MPI planes (depths linear in disparity over the scene's {@link Scene#depthBounds()})
     * @param mpiNet   MPINet3d (frozen)
     * @param maskNet  MaskNet3d, or null (then {@link EvalMethod#MASK3D} is unavailable)
     * @param renderer renders every method's MPI
     * @param manager  owns the inference arrays; closed with the session
     * @param mask2d   the 2D baseline's settings
     */
    public EvalSession(Scene scene, int[] sources, int planes, MpiNet3d mpiNet, MaskNet3d maskNet, MpiRenderer renderer,
                       Mask2dSettings mask2d, NDManager manager) {
        checkSources(scene, sources);
        if (planes < 1) throw new InputException("planes must be positive, got " + planes);
        this.scene = scene;
        this.ref = sources[0];
        this.src1 = sources[1];
        this.planes = planes;
        double[] bd = scene.depthBounds();
        this.depths = PlaneDepths.inverseLinear(bd[0], bd[1], planes);
        this.mpiNet = mpiNet;
        this.maskNet = maskNet;
        this.renderer = renderer;
        this.mask2d = mask2d;
        this.manager = manager;
        this.ps = new ParameterStore(manager, false);
    }

    /**
     * A session with networks loaded from {@code model}: a mask3d checkpoint folder ({@code mpi_net}, {@code mask_net})
     * or the authors' Lightning {@code .ckpt}.
     */
    public static EvalSession open(Scene scene, int[] sources, int planes, Path model, MpiRenderer renderer, Mask2dSettings mask2d) {
        NDManager m = NDManager.newBaseManager();
        try {
            MpiNet3d mpi = EvalNetworks.newMpiNet(m);
            MaskNet3d mask = EvalNetworks.newMaskNet(m);
            EvalNetworks.loadNetworks(model, mpi, mask);
            return new EvalSession(scene, sources, planes, mpi, mask, renderer, mask2d, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    static void checkSources(Scene scene, int[] sources) {
        if (sources.length != 2 || sources[0] == sources[1]) {
            throw new InputException("sources must be two different cameras, got " + java.util.Arrays.toString(sources));
        }
        for (int s : sources) {
            if (s < 0 || s >= scene.numCameras()) {
                throw new InputException("source camera " + s + " out of range: " + scene.name() + " has " + scene.numCameras() + " cameras");
            }
        }
    }

    /** Throws unless the scene has backgrounds (every method but per_frame and nearest_source needs them). */
    static void requireBackgrounds(Scene scene) {
        if (!scene.hasBackgrounds()) {
            throw new InputException(scene.name() + ": no backgrounds (./mask3d prepare background makes them); the background, mask3d and mask2d methods need them");
        }
    }

    public Scene scene() { return scene; }
    public int planes() { return planes; }
    public double[] depths() { return depths.clone(); }
    public int[] sources() { return new int[]{ref, src1}; }
    public MpiRenderer renderer() { return renderer; }

    /** Frame {@code t} of camera {@code cam} (the last 16 images read are kept). */
    public synchronized float[] frame(int cam, int t) { return frameCache.computeIfAbsent(cam + ":" + t, k -> scene.frame(cam, t)); }

    /** Camera {@code cam}'s background (cached). */
    public synchronized float[] background(int cam) { return frameCache.computeIfAbsent(cam + ":bg", k -> scene.background(cam)); }

    private Camera c0() { return scene.cameras().get(ref); }
    private Camera c1() { return scene.cameras().get(src1); }

    private void checkFrame(int t) {
        if (t < 0 || t >= scene.numFrames()) throw new InputException("frame " + t + " out of range: " + scene.name() + " has " + scene.numFrames() + " frames");
    }

    /** The frames' sweep [6,D,H,W] of frame {@code t} (both sources into the reference, released sampling). */
    private float[] framePsv(int t) {
        return PlaneSweep.volume(List.of(frame(ref, t), frame(src1, t)), List.of(c0(), c1()), c0(), depths, PlaneSweep.Sampling.RELEASED);
    }

    /** The background MPI: MPINet3d on the backgrounds' sweep, computed once. */
    public synchronized Mpi backgroundMpi() {
        if (bgMpi == null) {
            if (!scene.hasBackgrounds()) {
                throw new InputException(scene.name() + ": no backgrounds (./mask3d prepare background makes them); the background, mask3d and mask2d methods need them");
            }
            bgPsv = PlaneSweep.volume(List.of(background(ref), background(src1)), List.of(c0(), c1()), c0(), depths, PlaneSweep.Sampling.RELEASED);
            bgMpi = mpi(bgPsv);
        }
        return bgMpi;
    }

    /** The per-frame (dynamic) MPI of frame {@code t}: MPINet3d on the frames' sweep. */
    public Mpi dynamicMpi(int t) {
        checkFrame(t);
        return mpi(framePsv(t));
    }

    /** The dynamic MPI, the background MPI, the 3D mask and the 2D mask of frame {@code t}. */
    public FrameMpis frameMpis(int t) {
        checkFrame(t);
        int h = scene.height(), w = scene.width(), n = planes * h * w;
        Mpi bg = backgroundMpi();
        float[] framePsv = framePsv(t);
        Mpi dyn = mpi(framePsv);
        float[] mask3d = null;
        if (maskNet != null) {
            float[] psv12 = new float[12 * n];
            System.arraycopy(framePsv, 0, psv12, 0, 6 * n);
            System.arraycopy(bgPsv, 0, psv12, 6 * n, 6 * n);
            try (NDManager sub = manager.newSubManager()) {
                NDArray in = sub.create(psv12, new Shape(1, 12, planes, h, w));
                mask3d = maskNet.forward(ps, new NDList(in), false).singletonOrThrow().toFloatArray();
            }
        }
        float[] m2 = Mask2d.fromDifference(frame(ref, t), background(ref), 3, h, w, mask2d.threshold(), mask2d.dilate(), mask2d.soft());
        return new FrameMpis(t, dyn, bg, mask3d, m2);
    }

    private Mpi mpi(float[] psv6) {
        int h = scene.height(), w = scene.width();
        try (NDManager sub = manager.newSubManager()) {
            NDArray in = sub.create(psv6, new Shape(1, 6, planes, h, w));
            NDArray out = mpiNet.forward(ps, new NDList(in), false).singletonOrThrow();
            return new Mpi(MpiHead.rgba(in, out).get(0).toFloatArray(), planes, h, w, depths, scene.cameras().get(ref));
        }
    }

    /**
     * The MPI a method renders: {@code dyn} (per_frame), {@code bg} (background), {@code M·dyn + (1−M)·bg} with the
     * 3D mask (mask3d), the 2D mask broadcast over the planes (mask2d), or the 3D mask's mean everywhere (constant_blend).
     *
     * @throws IllegalArgumentException for {@link EvalMethod#NEAREST_SOURCE}, which has no MPI
     * @throws InputException for mask3d without a mask network
     */
    public static Mpi methodMpi(EvalMethod method, FrameMpis f) {
        return switch (method) {
            case PER_FRAME -> f.dynamic();
            case BACKGROUND -> f.background();
            case MASK3D -> {
                if (f.mask3d() == null) throw new InputException("method mask3d needs a MaskNet3d (no mask network was loaded)");
                yield Mpi.blend(f.dynamic(), f.background(), f.mask3d());
            }
            case MASK2D -> Mpi.blend(f.dynamic(), f.background(), Mask2d.volume(f.mask2d(), f.dynamic().planes()));
            case CONSTANT_BLEND -> {
                if (f.mask3d() == null) throw new InputException("method constant_blend needs a MaskNet3d (no mask network was loaded)");
                Mpi d = f.dynamic();
                float[] constant = new float[f.mask3d().length];
                java.util.Arrays.fill(constant, (float) new MaskVolume(f.mask3d(), d.planes(), d.height(), d.width()).mean());
                yield Mpi.blend(f.dynamic(), f.background(), constant);
            }
            case NEAREST_SOURCE -> throw new IllegalArgumentException("nearest_source copies an image; it has no MPI");
        };
    }

    /** The source camera whose centre is nearest to {@code target}'s. */
    public int nearestSource(int target) {
        double[] t = scene.cameras().get(target).center();
        double best = Double.POSITIVE_INFINITY;
        int arg = ref;
        for (int s : new int[]{ref, src1}) {
            double[] c = scene.cameras().get(s).center();
            double d = Math.hypot(Math.hypot(c[0] - t[0], c[1] - t[1]), c[2] - t[2]);
            if (d < best) { best = d; arg = s; }
        }
        return arg;
    }

    /** The [3,H,W] image of {@code method} at camera {@code target} for the frame of {@code f} (not clamped). */
    public float[] render(EvalMethod method, FrameMpis f, int target) {
        if (method == EvalMethod.NEAREST_SOURCE) return frame(nearestSource(target), f.t()).clone();
        return renderer.render(methodMpi(method, f), scene.cameras().get(target)).rgb();
    }

    /** Each method's [3,H,W] render of frame {@code t} at camera {@code target}. */
    public Map<EvalMethod, float[]> views(int t, int target, List<EvalMethod> methods) {
        FrameMpis f = frameMpis(t);
        Map<EvalMethod, float[]> out = new EnumMap<>(EvalMethod.class);
        for (EvalMethod m : methods) out.put(m, render(m, f, target));
        return out;
    }

    @Override public void close() { manager.close(); }
}
