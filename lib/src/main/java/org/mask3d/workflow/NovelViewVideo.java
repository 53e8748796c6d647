package org.mask3d.workflow;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.mask3d.InputException;
import org.mask3d.data.ResizedScene;
import org.mask3d.data.Scene;
import org.mask3d.eval.EvalMethod;
import org.mask3d.eval.EvalSession;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.geometry.RenderPath;
import org.mask3d.io.Images;
import org.mask3d.model.Device;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.MaskPipeline;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The released {@code render_llff_video.py}: a novel-view video of a dynamic scene. The camera follows the LLFF
 * render path of the whole rig (30 poses per component, 270 in all) while the video frames loop ({@code frame = i mod
 * F}); each output image is the mask-blended MPI of that frame, built from two source cameras (released default
 * 4 and 5; the first is the MPI reference), rendered at that path pose. Unlike the release, the image size is honoured
 * and any two source cameras can be chosen. The background MPI does not change over the video and is computed once.
 */
public final class NovelViewVideo {
    private NovelViewVideo() {}

    /** What each output image shows. */
    public enum Mode {
        /** The method: {@code M·fg + (1−M)·bg} (default). */
        BLEND,
        /** Frame-by-frame MPI: the dynamic MPI alone, no mask (the static-view-synthesis baseline). */
        FRAME,
        /** The background MPI alone. */
        BACKGROUND
    }

    /**
     * Settings.
     *
     * @param width        output width (and the size the scene is resized to, Lanczos)
     * @param height       output height
     * @param sources      the two source cameras; the first is the MPI reference
     * @param perComponent path poses per component (released 30: 270 poses)
     * @param maxViews     stop after this many views (0: the whole path)
     */
    public record Options(int width, int height, int[] sources, int perComponent, int maxViews, Mode mode) {
        public Options {
            if (sources.length != 2 || sources[0] == sources[1]) {
                throw new InputException("source cameras must be two different indices, got " + java.util.Arrays.toString(sources));
            }
            if (width < 16 || height < 16) throw new InputException("image size must be at least 16x16, got " + width + "x" + height);
        }
    }

    /** What was written: the frames folder, the number of views and the mean seconds per view. */
    public record Result(Path framesDir, int views, double secondsPerView, List<Camera> path) {}

    /** {@link #render(Scene, MaskPipeline, Options, Path, IntConsumer)} with these networks on the renderer's device. */
    public static Result render(Scene base, MpiNet3d mpiNet, MaskNet3d maskNet, MpiRenderer renderer, Options o, Path outDir,
                                IntConsumer progress) {
        try (NDManager m = NDManager.newBaseManager(); MaskPipeline p = new MaskPipeline(mpiNet, maskNet, Device.of(renderer), m)) {
            return render(base, p, o, outDir, progress);
        }
    }

    /**
     * Renders the video with {@code pipeline} (its device sweeps, runs the networks and renders; each frame's MPI is
     * prepared once on the renderer, resident on a GPU, and rendered at every path pose that shows that frame).
     */
    public static Result render(Scene base, MaskPipeline pipeline, Options o, Path outDir, IntConsumer progress) {
        MpiRenderer renderer = pipeline.renderer();
        for (int s : o.sources()) {
            if (s < 0 || s >= base.numCameras()) {
                throw new InputException("source camera " + s + " out of range: " + base.name() + " has " + base.numCameras() + " cameras");
            }
        }
        if (o.mode() != Mode.FRAME && !base.hasBackgrounds()) {
            throw new InputException(base.name() + ": no backgrounds (./mask3d prepare background makes them); or use the frame mode");
        }
        Scene scene = ResizedScene.of(base, o.width(), o.height());
        int ref = o.sources()[0];
        Camera c0 = scene.cameras().get(ref);
        List<Llff.PoseBounds> rows = base.poses();
        List<Camera> path = RenderPath.cameras(RenderPath.generate(rows, RenderPath.ALL, o.perComponent()), rows.get(ref), c0);
        int views = o.maxViews() > 0 ? Math.min(o.maxViews(), path.size()) : path.size();
        int h = scene.height(), w = scene.width();
        Path frames = outDir.resolve("frames");
        long t0 = System.nanoTime();
        // the evaluation's inference: the same MPIs and blend as EvalMethod PER_FRAME / BACKGROUND / MASK3D
        if (o.mode() == Mode.BLEND && pipeline.networks() instanceof org.mask3d.model.CudaNetworks nets
                && renderer instanceof org.mask3d.render.CudaRenderer cuda && nets.hasMaskNet()) {
            // everything resident on the GPU: the background MPI once, per frame only the two frames go up
            int src1 = o.sources()[1];
            double[] bd = scene.depthBounds();
            double[] depths = PlaneDepths.inverseLinear(bd[0], bd[1], PlaneDepths.DEFAULT_PLANES);
            try (org.mask3d.model.CudaFrames f = new org.mask3d.model.CudaFrames(cuda, nets, List.of(c0, scene.cameras().get(src1)),
                    List.of(scene.background(ref), scene.background(src1)), depths, org.mask3d.render.PlaneSweep.Sampling.RELEASED)) {
                int last = -1;
                for (int i = 0; i < views; i++) {
                    int t = i % scene.numFrames();
                    if (t != last) f.frame(List.of(scene.frame(ref, t), scene.frame(src1, t)));
                    last = t;
                    Images.writePng(frames.resolve(String.format("%05d.png", i)), f.render(path.get(i)).rgb(), 3, h, w);
                    if (progress != null) progress.accept(i + 1);
                }
            }
            return new Result(frames, views, (System.nanoTime() - t0) / 1e9 / views, path.subList(0, views));
        }
        MpiRenderer.Prepared[] cache = new MpiRenderer.Prepared[scene.numFrames()];
        try (EvalSession s = new EvalSession(scene, o.sources(), PlaneDepths.DEFAULT_PLANES, pipeline, EvalSession.Mask2dSettings.defaults())) {
            for (int i = 0; i < views; i++) {
                int t = i % scene.numFrames();
                if (cache[t] == null) {
                    if (scene.numFrames() > 64) closeAll(cache);   // long videos: do not keep every frame's MPI
                    cache[t] = renderer.prepare(switch (o.mode()) {
                        case BACKGROUND -> s.backgroundMpi();
                        case FRAME -> s.dynamicMpi(t);
                        case BLEND -> EvalSession.methodMpi(EvalMethod.MASK3D, s.frameMpis(t));
                    });
                }
                float[] rgb = cache[t].render(path.get(i)).rgb();
                Images.writePng(frames.resolve(String.format("%05d.png", i)), rgb, 3, h, w);
                if (progress != null) progress.accept(i + 1);
            }
        } finally {
            closeAll(cache);
        }
        return new Result(frames, views, (System.nanoTime() - t0) / 1e9 / views, path.subList(0, views));
    }

    private static void closeAll(MpiRenderer.Prepared[] cache) {
        for (int i = 0; i < cache.length; i++) {
            if (cache[i] != null) cache[i].close();
            cache[i] = null;
        }
    }

    /** Networks initialised on a manager (to be loaded or used with their initial weights). */
    public static MpiNet3d newMpiNet(NDManager m) { return Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32); }

    public static MaskNet3d newMaskNet(NDManager m) { return Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32); }
}
