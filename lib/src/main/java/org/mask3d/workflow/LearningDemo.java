package org.mask3d.workflow;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.mask3d.data.MaskSample;
import org.mask3d.data.MaskStageSampler;
import org.mask3d.data.SyntheticRig;
import org.mask3d.eval.Metrics;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.io.AtomicFiles;
import org.mask3d.model.Device;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.MaskPipeline;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;
import org.mask3d.train.TrainConfig;
import org.mask3d.train.Trainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The method learning on this machine: stage 1 (MPINet3d) and stage 2 (MaskNet3d, MPINet3d frozen) trained briefly on
 * the built-in synthetic rig, then evaluated on a rig of another seed (other textures and motion paths) at a camera
 * that is not a source: PSNR of the trained model beside two baselines — the nearest source view copied, and the same
 * pipeline with untrained (initial) weights.
 */
public final class LearningDemo {
    private LearningDemo() {}

    /**
     * @param width       image width of the rig (training and evaluation)
     * @param height      image height
     * @param planes      MPI planes
     * @param stage1Steps stage-1 steps
     * @param stage2Steps stage-2 steps
     */
    public record Options(int width, int height, int planes, int stage1Steps, int stage2Steps) {}

    /** Held-out PSNR per frame and the means, for the three models. */
    public record Result(double[] trained, double[] untrained, double[] nearestSource, double meanTrained,
                         double meanUntrained, double meanNearest, Path stage1Run, Path stage2Run) {
        public boolean learned() { return meanTrained > meanUntrained && meanTrained > meanNearest; }
    }

    /** Evaluation protocol: sources 2 and 3 (top row), target 7 (bottom row, below camera 2), every frame. */
    static final int SOURCE0 = 2, SOURCE1 = 3, TARGET = 7;

    public static Result run(Options o, Path out, Trainer.Listener listener) {
        Path run1 = out.resolve("train-mpi"), run2 = out.resolve("train-mask");
        Map<String, String> s1 = new HashMap<>(Map.of("num_steps", String.valueOf(o.stage1Steps()), "num_epochs", "1000000",
                "img_wh", "[" + o.width() + ", " + o.height() + "]", "crop", String.valueOf(Math.min(o.height(), 32)),
                "planes", String.valueOf(o.planes()), "val_every", String.valueOf(Math.max(1, o.stage1Steps() / 4)),
                "exp_name", "train-mpi", "synthetic_frames", "1"));
        s1.putAll(Map.of("root_dir", "synthetic", "dataset_name", "synthetic", "loss_type", "l1", "log_every", "1", "keep_top_k", "2"));
        TrainConfig c1 = TrainConfig.resolve(TrainConfig.Stage.MPI, null, s1);
        Trainer.run(c1, run1, Trainer.Mode.OVERWRITE, listener);
        Map<String, String> s2 = new HashMap<>(Map.of("num_steps", String.valueOf(o.stage2Steps()), "num_epochs", "1000000",
                "img_hw", "[" + o.height() + ", " + o.width() + "]", "planes", String.valueOf(o.planes()),
                "val_every", String.valueOf(Math.max(1, o.stage2Steps() / 4)), "exp_name", "train-mask",
                "mpi_model", run1.resolve("checkpoints/last").toString(), "synthetic_frames", "4"));
        s2.putAll(Map.of("root_dir", "synthetic", "dataset_name", "synthetic", "loss_type", "l1", "log_every", "1", "keep_top_k", "2"));
        TrainConfig c2 = TrainConfig.resolve(TrainConfig.Stage.MASK, null, s2);
        Trainer.run(c2, run2, Trainer.Mode.OVERWRITE, listener);

        SyntheticRig eval = new SyntheticRig(new SyntheticRig.Options(o.width(), o.height(), 2, 5, 0.08, 4, 1));
        MaskStageSampler sampler = new MaskStageSampler(List.of(eval));
        int frames = eval.numFrames();
        double[] trained = new double[frames], untrained = new double[frames], copy = new double[frames];
        try (NDManager m = NDManager.newBaseManager();
             MaskPipeline initial = new MaskPipeline(Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32),
                     Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32), Device.cpu(), m);
             MaskPipeline learned = MaskPipeline.open(run2.resolve("checkpoints/last"), "", Device.cpu())) {
            for (int t = 0; t < frames; t++) {
                MaskSample s = sampler.sample(0, t, TARGET, SOURCE0, SOURCE1);
                trained[t] = psnr(m, learned, s, o.planes());
                untrained[t] = psnr(m, initial, s, o.planes());
                copy[t] = Metrics.psnr(s.srcRgb()[0], s.tgtRgb());   // camera 2 is the source nearest to camera 7
            }
        }
        Result r = new Result(trained, untrained, copy, mean(trained), mean(untrained), mean(copy), run1, run2);
        StringBuilder csv = new StringBuilder("frame,trained_psnr_db,untrained_psnr_db,nearest_source_psnr_db\n");
        for (int t = 0; t < frames; t++) {
            csv.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f%n", t, trained[t], untrained[t], copy[t]));
        }
        csv.append(String.format(Locale.ROOT, "mean,%.4f,%.4f,%.4f%n", r.meanTrained(), r.meanUntrained(), r.meanNearest()));
        AtomicFiles.write(out.resolve("held_out_psnr.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        return r;
    }

    static double psnr(NDManager m, MaskPipeline net, MaskSample s, int planes) {
        double[] depths = PlaneDepths.inverseLinear(s.bounds()[0], s.bounds()[1], planes);
        try (NDManager sub = m.newSubManager()) {
            return Metrics.psnr(net.forward(sub, MaskPipeline.Views.of(s), depths, s.tgtCam()).rgb().toFloatArray(), s.tgtRgb());
        }
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x / v.length;
        return s;
    }

    /** Both stages' loss curves from their metrics.csv (training rows), as (step, loss) series. */
    public static List<double[][]> curves(Path stage1Run, Path stage2Run) {
        List<double[][]> out = new ArrayList<>();
        for (Path run : List.of(stage1Run, stage2Run)) {
            var t = tech.tablesaw.api.Table.read().csv(run.resolve("metrics.csv").toString());
            var train = t.where(t.stringColumn("kind").isEqualTo("train"));
            out.add(new double[][]{train.numberColumn("step").asDoubleArray(), train.numberColumn("loss").asDoubleArray()});
        }
        return out;
    }
}
