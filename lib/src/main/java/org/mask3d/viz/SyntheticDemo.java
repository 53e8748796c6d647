package org.mask3d.viz;

import org.mask3d.data.SyntheticRig;
import org.mask3d.data.SyntheticScene;
import org.mask3d.eval.Metrics;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.RenderPath;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Gif;
import org.mask3d.io.Images;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.Rendering;
import org.knowm.xchart.XYChart;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The demo on built-in synthetic data: builds a {@link SyntheticScene}, writes its rig as an LLFF scene folder
 * ({@code scene/poses_bounds.npy}, {@code scene/frames/camNN/*.png} for a few frames, {@code scene/background/camNN.png}),
 * renders the scene's exact MPI (dynamic card at the video frame) along the released LLFF render path (270 poses,
 * the video frame advancing with the pose as in {@code render_llff_video.py}), compares every view with the
 * analytic ground truth, and writes pictures, an animated GIF and a PSNR plot. It also generates the built-in
 * dynamic dataset ({@link SyntheticRig}: 10 cameras, moving occluders, true backgrounds, mattes and depth) in
 * {@code rig/} with an overview picture.
 */
public final class SyntheticDemo {
    private SyntheticDemo() {}

    /**
     * Demo settings.
     *
     * @param width     image width of every camera ({@code img_wh[0]} in a config)
     * @param height    image height ({@code img_wh[1]})
     * @param cameras   cameras in the rig ({@code num_cams})
     * @param frames    video frames the moving card crosses ({@code num_frames})
     * @param gifStride every how many rendered views go into the GIF ({@code gif_stride})
     */
    public record Options(int width, int height, int cameras, int frames, int gifStride) {
        public Options {
            if (width < 16 || height < 16) throw new org.mask3d.InputException("image size must be at least 16x16, got " + width + "x" + height);
            if (cameras < 2) throw new org.mask3d.InputException("the rig needs at least 2 cameras, got " + cameras);
            if (frames < 1) throw new org.mask3d.InputException("need at least 1 frame, got " + frames);
            if (gifStride < 1) throw new org.mask3d.InputException("gif_stride must be at least 1, got " + gifStride);
        }

        public static Options defaults() { return new Options(320, 180, 4, 30, 2); }

        /** The keys a demo config may hold. */
        public static final java.util.Set<String> KEYS = java.util.Set.of("img_wh", "num_cams", "num_frames", "gif_stride", "out_dir");

        /** Settings from a config (keys {@link #KEYS}; unknown keys are errors), missing keys from {@code base}. */
        public static Options fromConfig(org.mask3d.io.ConfigFile cfg, Options base) {
            cfg.requireKnown(KEYS);
            int[] wh = cfg.integers("img_wh", 2, new int[]{base.width(), base.height()});
            return new Options(wh[0], wh[1], cfg.integer("num_cams", base.cameras()), cfg.integer("num_frames", base.frames()),
                    cfg.integer("gif_stride", base.gifStride()));
        }
    }

    /** What the demo produced: every file written and the PSNR of each rendered view. */
    public record Result(List<Path> files, double[] psnr, double meanPsnr, double msPerView, int views) {}

    public static Result run(Path out, Options o, MpiRenderer renderer, IntConsumer progress) {
        SyntheticScene scene = SyntheticScene.standard(o.width(), o.height(), o.cameras(), o.frames());
        List<Path> files = new ArrayList<>();

        // the scene as a dataset folder: poses_bounds.npy + frame 0 and backgrounds of every camera
        Path sceneDir = out.resolve("scene");
        List<Llff.PoseBounds> pbs = scene.posesBounds();
        Llff.write(sceneDir.resolve("poses_bounds.npy"), pbs);
        files.add(sceneDir.resolve("poses_bounds.npy"));
        for (int c = 0; c < o.cameras(); c++) {
            Camera cam = scene.cameras().get(c);
            for (int f = 0; f < o.frames(); f += Math.max(1, o.frames() / 3)) {
                Path img = sceneDir.resolve(String.format("frames/cam%02d/%05d.png", c, f));
                Images.writePng(img, scene.render(cam, f), 3, o.height(), o.width());
            }
            Path bg = sceneDir.resolve(String.format("background/cam%02d.png", c));
            Images.writePng(bg, scene.background(cam), 3, o.height(), o.width());
        }
        files.add(sceneDir.resolve("frames"));
        files.add(sceneDir.resolve("background"));

        // the render path, the MPI, a top view
        List<double[]> path = RenderPath.generate(pbs);
        List<Camera> views = RenderPath.cameras(path, pbs.get(0), scene.cameras().get(0));
        Path planes = out.resolve("mpi_planes.png");
        Images.writePng(planes, Volumes.planeGrid(scene.exactMpi(0), 4, true));
        files.add(planes);
        Path top = out.resolve("cameras_top_view.png");
        Plots.savePng(topView(scene, views), top);
        files.add(top);

        // render along the path
        int n = views.size();
        double[] psnr = new double[n];
        List<BufferedImage> gif = new ArrayList<>();
        List<BufferedImage> samples = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        Mpi[] mpis = new Mpi[o.frames()];
        long t0 = System.nanoTime();
        long renderNs = 0;
        for (int i = 0; i < n; i++) {
            int frame = i % o.frames();
            if (mpis[frame] == null) mpis[frame] = scene.exactMpi(frame);
            long r0 = System.nanoTime();
            Rendering r = renderer.render(mpis[frame], views.get(i));
            renderNs += System.nanoTime() - r0;
            float[] gt = scene.render(views.get(i), frame);
            psnr[i] = Metrics.psnr(r.rgb(), gt);
            BufferedImage img = Images.toBufferedImage(r.rgb(), 3, o.height(), o.width());
            if (i % o.gifStride() == 0) gif.add(img);
            if (i % 54 == 0) {
                samples.add(img);
                captions.add(String.format("view %d (frame %d): %.1f dB", i, frame, psnr[i]));
                samples.add(Images.toBufferedImage(gt, 3, o.height(), o.width()));
                captions.add("ground truth");
            }
            if (progress != null) progress.accept(i + 1);
        }
        Path gifPath = out.resolve("novel_views.gif");
        Gif.writeAnimated(gifPath, gif, 40 * o.gifStride(), true);
        files.add(gifPath);
        Path grid = out.resolve("render_vs_truth.png");
        Images.writePng(grid, Grid.tile(samples, 2, captions, 4));
        files.add(grid);

        double[] idx = new double[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        XYChart chart = Plots.line("Exact MPI vs analytic ground truth ("
                + o.width() + "x" + o.height() + ", 32 planes)", "view along the render path", "PSNR (dB)");
        Plots.series(chart, "PSNR", idx, psnr);
        Path psnrPng = out.resolve("psnr_along_path.png");
        Plots.savePng(chart, psnrPng);
        files.add(psnrPng);
        StringBuilder csv = new StringBuilder("view,frame,psnr_db\n");
        for (int i = 0; i < n; i++) csv.append(i).append(',').append(i % o.frames()).append(',').append(psnr[i]).append('\n');
        Path csvPath = out.resolve("psnr_along_path.csv");
        AtomicFiles.write(csvPath, csv.toString().getBytes(StandardCharsets.UTF_8));
        files.add(csvPath);

        // the built-in dynamic dataset: 10 cameras, moving occluders, with its truth
        Path rigDir = out.resolve("rig");
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(o.width(), o.height(), 2, 5, 0.08, o.frames(), 0));
        rig.write(rigDir, Runtime.getRuntime().availableProcessors(), null);
        files.add(rigDir);
        Path rigPng = out.resolve("rig_overview.png");
        Images.writePng(rigPng, rigOverview(rig));
        files.add(rigPng);

        double mean = 0;
        for (double p : psnr) mean += p / n;
        return new Result(files, psnr, mean, renderNs / 1e6 / n, n);
    }

    /**
     * An overview of a synthetic rig: frame 0 of the top-row cameras, then for camera 0 the middle frame, its
     * true background, foreground matte and inverse depth.
     */
    public static BufferedImage rigOverview(SyntheticRig rig) {
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        int w = rig.width(), h = rig.height(), cols = rig.options().cols();
        for (int c = 0; c < cols; c++) {
            tiles.add(Images.toBufferedImage(rig.frame(c, 0), 3, h, w));
            caps.add("cam " + c + ", frame 0");
        }
        int t = rig.numFrames() / 2;
        SyntheticRig.View v = rig.view(0, t, true);
        tiles.add(Images.toBufferedImage(v.rgb(), 3, h, w));
        caps.add("cam 0, frame " + t);
        tiles.add(Images.toBufferedImage(rig.background(0), 3, h, w));
        caps.add("true background");
        tiles.add(Images.toBufferedImage(v.mask(), 1, h, w));
        caps.add("foreground mask");
        float[] inv = new float[v.depth().length];
        for (int i = 0; i < inv.length; i++) inv[i] = 1f / v.depth()[i];
        tiles.add(ColorMap.TURBO.apply(inv, h, w));
        caps.add("1 / depth");
        return Grid.tile(tiles, cols, caps, 4);
    }

    /**
     * The learning part's pictures: both stages' training-loss curves, and a novel-view video of the evaluation rig
     * (sources 2 and 3, the LLFF path, frames looping) rendered with the trained networks.
     *
     * @return the files written
     */
    public static List<Path> learningReport(org.mask3d.workflow.LearningDemo.Result r, Path out, int width, int height,
                                            int views) {
        List<Path> files = new ArrayList<>();
        List<double[][]> curves = org.mask3d.workflow.LearningDemo.curves(r.stage1Run(), r.stage2Run());
        XYChart chart = Plots.line("Training loss (L1) on the synthetic rig", "step", "loss");
        Plots.series(chart, "stage 1: MPINet3d", curves.get(0)[0], curves.get(0)[1]);
        Plots.series(chart, "stage 2: MaskNet3d", curves.get(1)[0], curves.get(1)[1]);
        Path curvePng = out.resolve("training_curves.png");
        Plots.savePng(chart, curvePng);
        files.add(curvePng);
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(width, height, 2, 5, 0.08, 4, 1));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            var mpi = org.mask3d.workflow.NovelViewVideo.newMpiNet(m);
            var mask = org.mask3d.workflow.NovelViewVideo.newMaskNet(m);
            org.mask3d.workflow.NovelViewVideo.loadNetworks(r.stage2Run().resolve("checkpoints/last"), mpi, mask);
            var v = org.mask3d.workflow.NovelViewVideo.render(rig, mpi, mask, new CpuRenderer(),
                    new org.mask3d.workflow.NovelViewVideo.Options(width, height, new int[]{2, 3}, 10, views,
                            org.mask3d.workflow.NovelViewVideo.Mode.BLEND), out.resolve("learned_video"), null);
            List<BufferedImage> frames = new ArrayList<>();
            for (int i = 0; i < v.views(); i++) {
                frames.add(Grid.enlarge(Images.toBufferedImage(Images.readChw(v.framesDir().resolve(String.format("%05d.png", i))),
                        3, height, width), Math.max(1, 256 / width)));
            }
            Path gif = out.resolve("learned_novel_views.gif");
            Gif.writeAnimated(gif, frames, 80, true);
            files.add(gif);
        }
        return files;
    }

    /** Demo with the CPU renderer and defaults. */
    public static Result run(Path out) { return run(out, Options.defaults(), new CpuRenderer(), null); }

    /** A top view of the rig (labelled cameras) and the render path. */
    public static XYChart topView(SyntheticScene scene, List<Camera> path) {
        int nc = scene.cameras().size();
        double[][] centres = new double[nc][], fwd = new double[nc][];
        String[] labels = new String[nc];
        for (int i = 0; i < nc; i++) {
            centres[i] = scene.cameras().get(i).center();
            fwd[i] = scene.cameras().get(i).forward();
            labels[i] = i == 0 ? "cam 0 (ref)" : "cam " + i;
        }
        double[][] p = path == null ? null : path.stream().map(Camera::center).toArray(double[][]::new);
        return Plots.cameraTopView("Rig (top view, x right, z forward) and LLFF render path", centres, fwd, labels, p);
    }
}
