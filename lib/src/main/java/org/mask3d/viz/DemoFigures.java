package org.mask3d.viz;

import org.mask3d.data.SyntheticRig;
import org.mask3d.data.SyntheticScene;
import org.mask3d.geometry.Camera;
import org.mask3d.io.Gif;
import org.mask3d.io.Images;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.MpiRenderer;
import org.mask3d.workflow.Demo;
import org.mask3d.workflow.LearningDemo;
import org.knowm.xchart.XYChart;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The demo's pictures ({@link org.mask3d.workflow.Demo} and {@link org.mask3d.workflow.SyntheticDemo} compute and
 * write the data): the exact MPI's planes, a top view of the rig and the render path, renders beside the analytic
 * ground truth, PSNR along the path, an overview of the built-in dynamic dataset ({@link SyntheticRig}), and for the
 * learning part the training curves and the learned novel-view video as a GIF.
 */
public final class DemoFigures {
    private DemoFigures() {}

    /** What the scene part produced: every file written and the PSNR of each rendered view. */
    public record Result(List<Path> files, double[] psnr, double meanPsnr, double msPerView, int views) {}

    /** The scene part ({@link org.mask3d.workflow.SyntheticDemo#run}), then its pictures. */
    public static Result run(Path out, org.mask3d.workflow.SyntheticDemo.Options o, MpiRenderer renderer, IntConsumer progress) {
        org.mask3d.workflow.SyntheticDemo.Result r = org.mask3d.workflow.SyntheticDemo.run(out, o, renderer, progress);
        return new Result(draw(r, out), r.psnr(), r.meanPsnr(), r.msPerView(), r.views());
    }

    /** Demo with the CPU renderer and defaults. */
    public static Result run(Path out) { return run(out, org.mask3d.workflow.SyntheticDemo.Options.defaults(), new CpuRenderer(), null); }

    /**
     * Draws a demo's pictures next to its data.
     *
     * @return every file the demo produced, in order: the scene part's, then the learning part's (held-out PSNR, both
     *         training runs, the training curves, the learned novel-view GIF)
     */
    public static List<Path> draw(Demo.Result r) {
        Path out = r.settings().out();
        List<Path> files = new ArrayList<>(draw(r.scene(), out));
        Demo.Learning l = r.learning();
        if (l != null) {
            files.add(l.heldOutCsv());
            files.add(l.result().stage1Run());
            files.add(l.result().stage2Run());
            files.addAll(learningFigures(l, out));
            if (l.viewer() != null) files.add(ViewerPage.write(l.viewer().folder().dir()));
        }
        return files;
    }

    /**
     * The scene part's pictures: the exact MPI's planes, the rig's top view with the render path, renders beside the
     * ground truth, PSNR along the path, the dynamic dataset's overview.
     *
     * @return every file of the scene part, in order
     */
    public static List<Path> draw(org.mask3d.workflow.SyntheticDemo.Result r, Path out) {
        org.mask3d.workflow.SyntheticDemo.Options o = r.options();
        List<Path> files = new ArrayList<>();
        files.add(r.sceneDir().resolve("poses_bounds.npy"));
        files.add(r.sceneDir().resolve("frames"));
        files.add(r.sceneDir().resolve("background"));
        Path planes = out.resolve("mpi_planes.png");
        Images.writePng(planes, Volumes.planeGrid(r.mpi(), 4, true));
        files.add(planes);
        Path top = out.resolve("cameras_top_view.png");
        Plots.savePng(topView(r.scene(), r.path()), top);
        files.add(top);
        files.add(r.gif());
        List<BufferedImage> samples = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (org.mask3d.workflow.SyntheticDemo.Sample s : r.samples()) {
            samples.add(Images.toBufferedImage(s.render(), 3, o.height(), o.width()));
            captions.add(String.format("view %d (frame %d): %.1f dB", s.view(), s.frame(), s.psnr()));
            samples.add(Images.toBufferedImage(s.truth(), 3, o.height(), o.width()));
            captions.add("ground truth");
        }
        Path grid = out.resolve("render_vs_truth.png");
        Images.writePng(grid, Grid.tile(samples, 2, captions, 4));
        files.add(grid);
        double[] idx = new double[r.views()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        XYChart chart = Plots.line("Exact MPI vs analytic ground truth ("
                + o.width() + "x" + o.height() + ", 32 planes)", "view along the render path", "PSNR (dB)");
        Plots.series(chart, "PSNR", idx, r.psnr());
        Path psnrPng = out.resolve("psnr_along_path.png");
        Plots.savePng(chart, psnrPng);
        files.add(psnrPng);
        files.add(r.csv());
        files.add(r.rigDir());
        Path rigPng = out.resolve("rig_overview.png");
        Images.writePng(rigPng, rigOverview(r.rig()));
        files.add(rigPng);
        return files;
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
     * The learning part's pictures: both stages' training-loss curves, and the novel-view video of the evaluation rig
     * rendered with the trained networks ({@link Demo.Learning#video()}) as an enlarged GIF.
     *
     * @return the files written
     */
    public static List<Path> learningFigures(Demo.Learning l, Path out) {
        List<Path> files = new ArrayList<>();
        List<double[][]> curves = LearningDemo.curves(l.result().stage1Run(), l.result().stage2Run());
        XYChart chart = Plots.line("Training loss (L1) on the synthetic rig", "step", "loss");
        Plots.series(chart, "stage 1: MPINet3d", curves.get(0)[0], curves.get(0)[1]);
        Plots.series(chart, "stage 2: MaskNet3d", curves.get(1)[0], curves.get(1)[1]);
        Path curvePng = out.resolve("training_curves.png");
        Plots.savePng(chart, curvePng);
        files.add(curvePng);
        int width = l.options().width(), height = l.options().height();
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < l.video().views(); i++) {
            frames.add(Grid.enlarge(Images.toBufferedImage(Images.readChw(l.video().framesDir().resolve(String.format("%05d.png", i))),
                    3, height, width), Math.max(1, 256 / width)));
        }
        Path gif = out.resolve("learned_novel_views.gif");
        Gif.writeAnimated(gif, frames, 80, true);
        files.add(gif);
        return files;
    }

    /** A top view of the rig (labelled cameras) and the render path. */
    public static XYChart topView(SyntheticScene scene, List<Camera> path) {
        int nc = scene.cameras().size();
        double[][] centres = new double[nc][], fwd = new double[nc][];
        String[] labels = new String[nc];
        for (int i = 0; i < nc; i++) {
            centres[i] = scene.cameras().get(i).center();
            fwd[i] = scene.cameras().get(i).forward();
            labels[i] = i == 0 ? "0 (ref)" : Integer.toString(i);
        }
        double[][] p = path == null ? null : path.stream().map(Camera::center).toArray(double[][]::new);
        return Plots.cameraTopView("Cameras 0-" + (nc - 1) + " (top view, x right, z forward) and LLFF render path", centres, fwd, labels, p);
    }
}
