package org.mask3d.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.mask3d.InputException;
import org.mask3d.data.AuthorsH5Scene;
import org.mask3d.data.PackedScene;
import org.mask3d.data.ResizedScene;
import org.mask3d.data.Scene;
import org.mask3d.data.VideoFolderScene;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.geometry.RenderPath;
import org.mask3d.io.Images;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.ModelCheckpoint;
import org.mask3d.model.MpiHead;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.PlaneSweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** Loads MPINet3d and MaskNet3d from a Lightning/PyTorch checkpoint file or a mask3d checkpoint folder. */
    public static void loadNetworks(Path ckpt, MpiNet3d mpi, MaskNet3d mask) {
        if (!Files.exists(ckpt)) throw new InputException("checkpoint not found: " + ckpt);
        if (Files.isDirectory(ckpt)) {
            ModelCheckpoint.load(ckpt, Map.of("mpi_net", mpi, "mask_net", mask));
        } else {
            Networks.load(mpi, ckpt, "models.mpi_net.");
            Networks.load(mask, ckpt, "models.mask_net.");
        }
    }

    /** The LLFF rows of a scene: its own where it has them, else made from its cameras. */
    static List<Llff.PoseBounds> rows(Scene s) {
        if (s instanceof VideoFolderScene v) return v.poses();
        if (s instanceof PackedScene p) return p.poses();
        if (s instanceof AuthorsH5Scene h) return h.poses();
        List<Llff.PoseBounds> out = new ArrayList<>();
        for (int c = 0; c < s.numCameras(); c++) out.add(Llff.PoseBounds.fromCamera(s.cameras().get(c), s.nears()[c], s.fars()[c]));
        return out;
    }

    public static Result render(Scene base, MpiNet3d mpiNet, MaskNet3d maskNet, MpiRenderer renderer, Options o, Path outDir,
                                IntConsumer progress) {
        for (int s : o.sources()) {
            if (s < 0 || s >= base.numCameras()) {
                throw new InputException("source camera " + s + " out of range: " + base.name() + " has " + base.numCameras() + " cameras");
            }
        }
        if (o.mode() != Mode.FRAME && !base.hasBackgrounds()) {
            throw new InputException(base.name() + ": no backgrounds (./mask3d prepare background makes them); or use the frame mode");
        }
        Scene scene = ResizedScene.of(base, o.width(), o.height());
        int ref = o.sources()[0], src1 = o.sources()[1];
        Camera c0 = scene.cameras().get(ref), c1 = scene.cameras().get(src1);
        double[] bd = scene.depthBounds();
        double[] depths = PlaneDepths.inverseLinear(bd[0], bd[1], PlaneDepths.DEFAULT_PLANES);
        List<Llff.PoseBounds> rows = rows(base);
        List<Camera> path = RenderPath.cameras(RenderPath.generate(rows, RenderPath.ALL, o.perComponent()), rows.get(ref), c0);
        int views = o.maxViews() > 0 ? Math.min(o.maxViews(), path.size()) : path.size();
        int h = scene.height(), w = scene.width(), D = depths.length;
        Path frames = outDir.resolve("frames");
        long t0 = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            Mpi bgMpi = null;
            float[] bgPsv = null;
            if (o.mode() != Mode.FRAME) {
                bgPsv = PlaneSweep.volume(List.of(scene.background(ref), scene.background(src1)), List.of(c0, c1), c0, depths,
                        PlaneSweep.Sampling.RELEASED);
                bgMpi = mpi(m, ps, mpiNet, bgPsv, D, h, w, depths, c0);
            }
            Mpi[] cache = new Mpi[scene.numFrames()];
            for (int i = 0; i < views; i++) {
                int t = i % scene.numFrames();
                if (cache[t] == null || o.mode() == Mode.BACKGROUND) {
                    cache[t] = switch (o.mode()) {
                        case BACKGROUND -> bgMpi;
                        case FRAME -> frameMpi(m, ps, mpiNet, scene, t, ref, src1, c0, c1, depths);
                        case BLEND -> blended(m, ps, mpiNet, maskNet, scene, t, ref, src1, c0, c1, depths, bgPsv, bgMpi);
                    };
                    if (scene.numFrames() > 64) {   // long videos: do not keep every frame's MPI
                        Mpi keep = cache[t];
                        java.util.Arrays.fill(cache, null);
                        cache[t] = keep;
                    }
                }
                float[] rgb = renderer.render(cache[t], path.get(i)).rgb();
                Images.writePng(frames.resolve(String.format("%05d.png", i)), rgb, 3, h, w);
                if (progress != null) progress.accept(i + 1);
            }
        }
        return new Result(frames, views, (System.nanoTime() - t0) / 1e9 / views, path.subList(0, views));
    }

    private static Mpi mpi(NDManager m, ParameterStore ps, MpiNet3d net, float[] psv6, int D, int h, int w, double[] depths, Camera ref) {
        try (NDManager sub = m.newSubManager()) {
            NDArray in = sub.create(psv6, new Shape(1, 6, D, h, w));
            NDArray out = net.forward(ps, new NDList(in), false).singletonOrThrow();
            return new Mpi(MpiHead.rgba(in, out).get(0).toFloatArray(), D, h, w, depths, ref);
        }
    }

    private static Mpi frameMpi(NDManager m, ParameterStore ps, MpiNet3d net, Scene s, int t, int ref, int src1, Camera c0,
                                Camera c1, double[] depths) {
        float[] psv = PlaneSweep.volume(List.of(s.frame(ref, t), s.frame(src1, t)), List.of(c0, c1), c0, depths, PlaneSweep.Sampling.RELEASED);
        return mpi(m, ps, net, psv, depths.length, s.height(), s.width(), depths, c0);
    }

    private static Mpi blended(NDManager m, ParameterStore ps, MpiNet3d mpiNet, MaskNet3d maskNet, Scene s, int t, int ref,
                               int src1, Camera c0, Camera c1, double[] depths, float[] bgPsv, Mpi bgMpi) {
        int D = depths.length, h = s.height(), w = s.width(), n = D * h * w;
        float[] framePsv = PlaneSweep.volume(List.of(s.frame(ref, t), s.frame(src1, t)), List.of(c0, c1), c0, depths,
                PlaneSweep.Sampling.RELEASED);
        Mpi fg = mpi(m, ps, mpiNet, framePsv, D, h, w, depths, c0);
        float[] psv12 = new float[12 * n];
        System.arraycopy(framePsv, 0, psv12, 0, 6 * n);
        System.arraycopy(bgPsv, 0, psv12, 6 * n, 6 * n);
        float[] mask;
        try (NDManager sub = m.newSubManager()) {
            NDArray in = sub.create(psv12, new Shape(1, 12, D, h, w));
            mask = maskNet.forward(ps, new NDList(in), false).singletonOrThrow().toFloatArray();
        }
        return Mpi.blend(fg, bgMpi, mask);
    }

    /** Networks initialised on a manager (to be loaded or used with their initial weights). */
    public static MpiNet3d newMpiNet(NDManager m) { return Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32); }

    public static MaskNet3d newMaskNet(NDManager m) { return Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32); }
}
