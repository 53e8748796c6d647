package org.mask3d.workflow;

import org.mask3d.eval.SyntheticTruth;
import org.mask3d.data.SyntheticRig;
import org.mask3d.data.SyntheticScene;
import org.mask3d.eval.Metrics;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.RenderPath;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Gif;
import org.mask3d.io.Images;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.Rendering;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The demo's computing part on built-in synthetic data: builds a {@link SyntheticScene}, writes its rig as an LLFF
 * scene folder ({@code scene/poses_bounds.npy}, {@code scene/frames/camNN/*.png} for a few frames,
 * {@code scene/background/camNN.png}), renders the scene's exact MPI (dynamic card at the video frame) along the
 * released LLFF render path (270 poses, the video frame advancing with the pose as in {@code render_llff_video.py}),
 * compares every view with the analytic ground truth (PSNR), and writes the renders as an animated GIF and the PSNR
 * as CSV. It also generates the built-in dynamic dataset ({@link SyntheticRig}: 10 cameras, moving occluders, true
 * backgrounds, mattes and depth) in {@code rig/}. The pictures of all this are {@code viz.SyntheticDemo}'s.
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

    /** A rendered view kept for the render-versus-truth picture: [3,H,W] render and ground truth. */
    public record Sample(int view, int frame, double psnr, float[] render, float[] truth) {}

    /**
     * What the demo computed and wrote.
     *
     * @param scene     the synthetic scene
     * @param path      the render path's cameras
     * @param mpi       the exact MPI of frame 0
     * @param psnr      [views] PSNR of each rendered view against the analytic ground truth
     * @param samples   every 54th view with its ground truth
     * @param sceneDir  the scene folder ({@code poses_bounds.npy}, {@code frames/}, {@code background/})
     * @param gif       the rendered views as an animated GIF
     * @param csv       the PSNR per view
     * @param rig       the built-in dynamic dataset, written to {@code rigDir}
     */
    public record Result(Options options, SyntheticScene scene, List<Camera> path, Mpi mpi, double[] psnr, double meanPsnr,
                         double msPerView, List<Sample> samples, Path sceneDir, Path gif, Path csv, SyntheticRig rig, Path rigDir) {
        /** Views rendered. */
        public int views() { return psnr.length; }
    }

    /**
     * Builds the scene, writes it as a dataset folder, renders it along the LLFF path and writes the rig.
     *
     * @param progress views rendered so far (may be null)
     */
    public static Result run(Path out, Options o, MpiRenderer renderer, IntConsumer progress) {
        SyntheticScene scene = SyntheticScene.standard(o.width(), o.height(), o.cameras(), o.frames());
        Path sceneDir = writeScene(scene, o, out.resolve("scene"));
        List<Llff.PoseBounds> pbs = scene.posesBounds();
        List<double[]> path = RenderPath.generate(pbs);
        List<Camera> views = RenderPath.cameras(path, pbs.get(0), scene.cameras().get(0));
        Mpi mpi0 = SyntheticTruth.exactMpi(scene, 0);

        // render along the path
        int n = views.size();
        double[] psnr = new double[n];
        List<BufferedImage> gif = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        Mpi[] mpis = new Mpi[o.frames()];
        long renderNs = 0;
        for (int i = 0; i < n; i++) {
            int frame = i % o.frames();
            if (mpis[frame] == null) mpis[frame] = SyntheticTruth.exactMpi(scene, frame);
            long r0 = System.nanoTime();
            Rendering r = renderer.render(mpis[frame], views.get(i));
            renderNs += System.nanoTime() - r0;
            float[] gt = scene.render(views.get(i), frame);
            psnr[i] = Metrics.psnr(r.rgb(), gt);
            if (i % o.gifStride() == 0) gif.add(Images.toBufferedImage(r.rgb(), 3, o.height(), o.width()));
            if (i % 54 == 0) samples.add(new Sample(i, frame, psnr[i], r.rgb(), gt));
            if (progress != null) progress.accept(i + 1);
        }
        Path gifPath = out.resolve("novel_views.gif");
        Gif.writeAnimated(gifPath, gif, 40 * o.gifStride(), true);
        Path csvPath = writePsnr(psnr, o.frames(), out.resolve("psnr_along_path.csv"));

        // the built-in dynamic dataset: 10 cameras, moving occluders, with its truth
        Path rigDir = out.resolve("rig");
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(o.width(), o.height(), 2, 5, 0.08, o.frames(), 0));
        rig.write(rigDir, Runtime.getRuntime().availableProcessors(), null);

        double mean = 0;
        for (double p : psnr) mean += p / n;
        return new Result(o, scene, views, mpi0, psnr, mean, renderNs / 1e6 / n, samples, sceneDir, gifPath, csvPath, rig, rigDir);
    }

    /** The scene as a dataset folder: poses_bounds.npy, a few frames and the background of every camera. */
    static Path writeScene(SyntheticScene scene, Options o, Path sceneDir) {
        Llff.write(sceneDir.resolve("poses_bounds.npy"), scene.posesBounds());
        for (int c = 0; c < o.cameras(); c++) {
            Camera cam = scene.cameras().get(c);
            for (int f = 0; f < o.frames(); f += Math.max(1, o.frames() / 3)) {
                Path img = sceneDir.resolve(String.format("frames/cam%02d/%05d.png", c, f));
                Images.writePng(img, scene.render(cam, f), 3, o.height(), o.width());
            }
            Path bg = sceneDir.resolve(String.format("background/cam%02d.png", c));
            Images.writePng(bg, scene.background(cam), 3, o.height(), o.width());
        }
        return sceneDir;
    }

    private static Path writePsnr(double[] psnr, int frames, Path csvPath) {
        StringBuilder csv = new StringBuilder("view,frame,psnr_db\n");
        for (int i = 0; i < psnr.length; i++) csv.append(i).append(',').append(i % frames).append(',').append(psnr[i]).append('\n');
        AtomicFiles.write(csvPath, csv.toString().getBytes(StandardCharsets.UTF_8));
        return csvPath;
    }
}
