package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.io.ConfigFile;
import org.mask3d.train.TrainingStage;
import org.mask3d.workflow.Demo;
import org.mask3d.workflow.LearningDemo;
import org.mask3d.workflow.SyntheticDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the pipeline on built-in synthetic data: a dynamic scene of textured cards seen by a camera "
                + "row, its exact MPI rendered with the Java renderer along the released LLFF path (270 views), "
                + "compared with analytic ground truth; then the built-in dynamic dataset (10 cameras, a rolling ball "
                + "and a walker, true backgrounds, mattes, depth) as the mask stage trains on it. Writes the scene "
                + "folders, PNGs, an animated GIF, a PSNR plot and CSV, and a web-viewer folder of the trained model (viewer/), then "
                + "lists them and says how to open the viewer."},
        footer = {"", "Examples:",
                "  ./mask3d demo",
                "  ./mask3d demo --out runs/demo-hd --width 640 --height 360",
                "  ./mask3d demo --cameras 6 --frames 60",
                "  ./mask3d demo --config configs/demo.txt"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "A config (key = value: img_wh, num_cams, num_frames, "
            + "gif_stride, out_dir); options given on the command line win.") Path config;
    @Option(names = "--out", description = "Output folder (default: runs/demo).") Path out;
    @Option(names = "--width", description = "Image width (default: 320).") Integer width;
    @Option(names = "--height", description = "Image height (default: 180).") Integer height;
    @Option(names = "--cameras", description = "Cameras in the rig (default: 4).") Integer cameras;
    @Option(names = "--frames", description = "Video frames of the moving card (default: 30).") Integer frames;
    @Option(names = "--threads", description = "Renderer threads (default: all cores).") Integer threads;
    @Option(names = "--stage1-steps", defaultValue = "300", description = "Learning part: stage-1 (MPINet3d) steps (default: ${DEFAULT-VALUE}).") int stage1Steps;
    @Option(names = "--stage2-steps", defaultValue = "60", description = "Learning part: stage-2 (MaskNet3d) steps (default: ${DEFAULT-VALUE}).") int stage2Steps;
    @Option(names = "--no-train", description = "Skip the learning part.") boolean noTrain;

    @Override public Integer call() {
        Demo.Settings s = Demo.Settings.defaults();
        if (config != null) s = s.withConfig(ConfigFile.read(config));
        SyntheticDemo.Options o = s.scene();
        LearningDemo.Options lo = s.learning();
        s = new Demo.Settings(out != null ? out : s.out(),
                new SyntheticDemo.Options(width != null ? width : o.width(), height != null ? height : o.height(),
                        cameras != null ? cameras : o.cameras(), frames != null ? frames : o.frames(), o.gifStride()),
                threads != null ? threads : 0,
                noTrain ? null : new LearningDemo.Options(lo.width(), lo.height(), lo.planes(), stage1Steps, stage2Steps));
        o = s.scene();
        org.mask3d.model.Footprint.inference("demo at " + o.width() + "x" + o.height() + " (32 planes)", o.width(), o.height(), 32)
                .heap("synthetic frames (" + o.cameras() + " cameras x " + o.frames() + " frames)",
                        org.mask3d.io.MemoryLimit.product(o.width(), o.height(), 3 * 4, Math.max(1, o.cameras()), Math.max(1, o.frames())))
                .require("choose a smaller --width/--height, fewer --cameras or --frames");
        if (s.learning() != null) {
            LearningDemo.Options l = s.learning();
            org.mask3d.model.Footprint.training("demo's training at " + l.width() + "x" + l.height() + " (" + l.planes() + " planes)",
                    l.width(), l.height(), l.planes()).require("lower the demo's learning size");
        }
        System.out.printf("mask3d demo: synthetic scene %dx%d, %d cameras, %d frames, 32 planes, %s%n",
                o.width(), o.height(), o.cameras(), o.frames(), s.renderer().name());
        ProgressBar[] pb = {bar("rendering", 270, 200)};
        Demo.Result r;
        try {
            r = Demo.run(s, new Demo.Listener() {
                long base;
                @Override public void rendered(int views) { pb[0].stepTo(views); }
                @Override public void sceneDone(SyntheticDemo.Result sr) {
                    pb[0].close();
                    pb[0] = null;
                    System.out.printf("rendered %d novel views, %.1f ms per view; PSNR vs analytic ground truth: mean %.2f dB, "
                            + "min %.2f dB%n", sr.views(), sr.msPerView(), sr.meanPsnr(),
                            java.util.Arrays.stream(sr.psnr()).min().orElse(Double.NaN));
                }
                @Override public void learningStarts(LearningDemo.Options l) {
                    System.out.printf("learning on the synthetic rig (%dx%d, %d planes): stage 1 %d steps, stage 2 %d steps, then "
                            + "held-out camera 7 of a rig with another seed, sources 2 and 3%n", l.width(), l.height(), l.planes(),
                            l.stage1Steps(), l.stage2Steps());
                    pb[0] = bar("train", l.stage1Steps() + l.stage2Steps(), 250);
                }
                @Override public void started(long first, long total) { base = pb[0].getCurrent(); }
                @Override public void stepped(long step, TrainingStage.Stats st) {
                    pb[0].stepTo(base + step);
                    pb[0].setExtraMessage(String.format(" loss %.4f", st.loss()));
                }
            });
        } finally {
            if (pb[0] != null) pb[0].close();
        }
        List<Path> files = org.mask3d.viz.DemoFigures.draw(r);
        if (r.learning() != null) {
            LearningDemo.Result lr = r.learning().result();
            System.out.printf("held-out PSNR (camera 7, rig seed 1, mean of %d frames):%n", lr.trained().length);
            System.out.printf("  trained model           %6.2f dB%n  untrained model         %6.2f dB%n  nearest source copied   %6.2f dB%n",
                    lr.meanTrained(), lr.meanUntrained(), lr.meanNearest());
            System.out.println(lr.learned() ? "  the trained model beats both baselines"
                    : "  the trained model does NOT beat both baselines at these step counts");
        }
        System.out.println("outputs:");
        for (Path p : files) System.out.println("  " + p);
        if (r.learning() != null && r.learning().viewer() != null) {
            System.out.println("interactive viewer of the trained model (drag to orbit, time slider, mask heat overlay):");
            System.out.println("  " + ExportViewerCommand.howToOpen(r.learning().viewer().folder().dir(), r.learning().viewer().folder()));
        }
        return 0;
    }

    private static ProgressBar bar(String task, long max, int intervalMillis) {
        return Progress.builder(task, max, intervalMillis).build();
    }
}
