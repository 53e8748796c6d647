package org.mask3d.workflow;

import ai.djl.ndarray.NDManager;
import org.mask3d.model.Device;
import org.mask3d.model.MaskPipeline;
import org.mask3d.InputException;
import org.mask3d.data.SyntheticRig;
import org.mask3d.io.ConfigFile;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.MpiNet3d;
import org.mask3d.render.CpuRenderer;
import org.mask3d.train.Trainer;

import java.nio.file.Path;

/**
 * {@code ./mask3d demo}: the synthetic scene rendered along the LLFF path against its analytic ground truth
 * ({@link SyntheticDemo}), then, unless skipped, the method learning on the built-in rig ({@link LearningDemo}) and a
 * novel-view video of a rig of another seed rendered with the trained networks ({@link NovelViewVideo}). This class owns
 * the demo's settings and sequence; the pictures are drawn afterwards from its {@link Result} by
 * {@code viz.SyntheticDemo.draw}.
 */
public final class Demo {
    private Demo() {}

    /** Views of the learned novel-view video (the LLFF path, 10 poses per component, frames looping). */
    public static final int VIDEO_VIEWS = 60;

    /**
     * The demo's settings.
     *
     * @param out      output folder
     * @param scene    the synthetic scene and its rendering
     * @param threads  renderer threads (0: all cores)
     * @param learning the learning part (size, planes, steps of both stages), or null to skip it
     */
    public record Settings(Path out, SyntheticDemo.Options scene, int threads, LearningDemo.Options learning) {
        public Settings {
            if (out == null || scene == null) throw new IllegalArgumentException("out and scene are required");
            if (threads < 0) throw new InputException("threads must be at least 1 (0: all cores), got " + threads);
        }

        /** runs/demo, {@link SyntheticDemo.Options#defaults()}, all cores, learning at 48x32, 16 planes, 300 + 60 steps. */
        public static Settings defaults() {
            return new Settings(Path.of("runs/demo"), SyntheticDemo.Options.defaults(), 0, new LearningDemo.Options(48, 32, 16, 300, 60));
        }

        /** These settings with a demo config's keys ({@link SyntheticDemo.Options#KEYS}: scene options and out_dir). */
        public Settings withConfig(ConfigFile cfg) {
            return new Settings(Path.of(cfg.string("out_dir", out.toString())), SyntheticDemo.Options.fromConfig(cfg, scene), threads, learning);
        }

        /** The renderer of the scene part: the Java CPU renderer on {@link #threads} threads. */
        public CpuRenderer renderer() { return threads == 0 ? new CpuRenderer() : new CpuRenderer(threads); }
    }

    /** Progress: the scene part's views, its end, the start of the learning part, and the training callbacks. */
    public interface Listener extends Trainer.Listener {
        /** Views of the scene part rendered so far. */
        default void rendered(int views) {}

        /** The scene part is done. */
        default void sceneDone(SyntheticDemo.Result r) {}

        /** The learning part starts (its training callbacks follow). */
        default void learningStarts(LearningDemo.Options o) {}
    }

    /**
     * The learning part's outcome.
     *
     * @param video  the novel-view video of the evaluation rig rendered with the trained networks ({@code learned_video/})
     * @param viewer the evaluation rig's frames exported for the web viewer ({@code viewer/}; the page is added by
     *               {@code viz.DemoFigures.draw})
     */
    public record Learning(LearningDemo.Options options, LearningDemo.Result result, Path heldOutCsv, NovelViewVideo.Result video,
                           ViewerExport.Result viewer) {}

    /**
     * What the demo produced.
     *
     * @param renderer the scene part's renderer
     * @param learning the learning part, or null when skipped
     */
    public record Result(Settings settings, String renderer, SyntheticDemo.Result scene, Learning learning) {}

    public static Result run(Settings s, Listener listener) {
        Listener l = listener == null ? new Listener() {} : listener;
        CpuRenderer renderer = s.renderer();
        SyntheticDemo.Result scene = SyntheticDemo.run(s.out(), s.scene(), renderer, l::rendered);
        l.sceneDone(scene);
        Learning learning = null;
        if (s.learning() != null) {
            l.learningStarts(s.learning());
            LearningDemo.Result lr = LearningDemo.run(s.learning(), s.out(), l);
            learning = new Learning(s.learning(), lr, s.out().resolve("held_out_psnr.csv"),
                    learnedVideo(lr, s.out(), s.learning().width(), s.learning().height(), VIDEO_VIEWS),
                    viewerExport(lr, s.out().resolve("viewer"), s.learning()));
        }
        return new Result(s, renderer.name(), scene, learning);
    }

    /** The evaluation rig of {@link #learnedVideo} (seed 1, 10 cameras), at {@code width × height}. */
    static SyntheticRig evaluationRig(int width, int height) {
        return new SyntheticRig(new SyntheticRig.Options(width, height, 2, 5, 0.08, 4, 1));
    }

    /**
     * Every frame of the evaluation rig (sources 2 and 3, the learning part's size and planes) exported for the web viewer
     * into {@code dir} with the trained networks ({@code ./mask3d view dir} serves it).
     */
    public static ViewerExport.Result viewerExport(LearningDemo.Result r, Path dir, LearningDemo.Options o) {
        try (Device cpu = Device.cpu(); MaskPipeline p = MaskPipeline.open(r.stage2Run().resolve("checkpoints/last"), "", cpu)) {
            return ViewerExport.export(evaluationRig(o.width(), o.height()), p,
                    new ViewerExport.Options(o.width(), o.height(), new int[]{2, 3}, 0, -1, o.planes(), 8), dir, null);
        }
    }

    /**
     * A novel-view video of the evaluation rig (seed 1, sources 2 and 3, the LLFF path, frames looping) rendered with
     * the trained networks into {@code out/learned_video}.
     */
    public static NovelViewVideo.Result learnedVideo(LearningDemo.Result r, Path out, int width, int height, int views) {
        SyntheticRig rig = evaluationRig(width, height);
        try (Device cpu = Device.cpu(); MaskPipeline p = MaskPipeline.open(r.stage2Run().resolve("checkpoints/last"), "", cpu)) {
            return NovelViewVideo.render(rig, p,
                    new NovelViewVideo.Options(width, height, new int[]{2, 3}, 10, views, NovelViewVideo.Mode.BLEND), out.resolve("learned_video"), null);
        }
    }
}
