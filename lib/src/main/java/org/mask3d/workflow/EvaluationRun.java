package org.mask3d.workflow;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.mask3d.eval.EvalConfig;
import org.mask3d.eval.Evaluation;
import org.mask3d.model.LossType;
import org.mask3d.train.TrainConfig;
import org.mask3d.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation end to end ({@link org.mask3d.eval.Evaluation} documents what it measures and writes):
 * {@link Evaluation#plan plan} → {@link #trainOrReuse train or reuse} → {@link Evaluation#measure measure} →
 * {@link Evaluation#report report}. Without a {@code model}, stage 1 and the stage-2 models are first trained on the
 * built-in rig (seed {@code train_seed}) into the output folder ({@code train-mpi/}, {@code train-mask-LOSS/}, and
 * {@code train-mpi-Np/}, {@code train-mask-LOSS-Np/} for {@code train_plane_counts}); runs already there with the same
 * config and step count are reused. Figures are {@code viz.EvalFigures}' job.
 */
public final class EvaluationRun {
    private EvaluationRun() {}

    /** Progress: training callbacks, plus the evaluation's phases. */
    public interface Listener extends Trainer.Listener, Evaluation.Progress {}

    private static final Gson GSON = new Gson();

    /**
     * Runs the evaluation and writes its tables and protocol into {@code out}.
     *
     * @param listener progress (may be null)
     */
    public static Evaluation.Result run(EvalConfig c, Path out, Listener listener) {
        Listener l = listener == null ? new Listener() {} : listener;
        Evaluation.Plan plan = Evaluation.plan(c, out);
        Evaluation.Models models = trainOrReuse(c, out, l);
        Evaluation.Measurement m = Evaluation.measure(plan, models, l);
        Evaluation.Result r = Evaluation.report(plan, models, m);
        if (c.exportViewer()) exportViewer(plan, models.main(), out);
        return r;
    }

    /**
     * The main model's MPIs at the evaluated frames (first to last) as a viewer folder {@code out/viewer}, on the CPU
     * (the evaluation's device choice is for rendering; the export's inference is the same pipeline).
     */
    static ViewerExport.Result exportViewer(Evaluation.Plan plan, Evaluation.Model main, Path out) {
        EvalConfig c = plan.config();
        int first = java.util.Arrays.stream(plan.frames()).min().orElse(0), last = java.util.Arrays.stream(plan.frames()).max().orElse(0);
        ViewerExport.Options o = new ViewerExport.Options(c.width(), c.height(), c.sources(), first, last + 1, c.planes(), 30);
        try (org.mask3d.model.Device cpu = org.mask3d.model.Device.cpu();
             org.mask3d.model.MaskPipeline p = org.mask3d.model.MaskPipeline.open(main.weights(), "model", cpu)) {
            return ViewerExport.export(plan.scene(), p, o, out.resolve("viewer"), null);
        }
    }

    /**
     * The models to evaluate: the config's {@code model} when given, else stage 1 and one stage 2 per loss (the main
     * loss and the ablation's, by their effective loss) trained on the rig, plus both stages at each of
     * {@code train_plane_counts}; finished runs of the same config in {@code out} are reused.
     */
    public static Evaluation.Models trainOrReuse(EvalConfig c, Path out, Listener l) {
        if (c.model() != null) return Evaluation.givenModel(c);
        Map<String, Object> models = new LinkedHashMap<>();
        List<String> trainingLog = new ArrayList<>();
        Path s1 = trainStage1(c, out, l, trainingLog, c.planes());
        models.put("stage1", entries("run", s1.toString(), "steps", c.stage1Steps(), "loss", "l1", "crop", Math.min(c.stage1Crop(), c.height()),
                "data", "synthetic rig seed " + c.trainSeed()));
        Map<LossType, Path> runs = new LinkedHashMap<>();
        List<LossType> wanted = new ArrayList<>();
        wanted.add(c.effectiveLoss(c.maskLoss()));
        for (LossType a : c.lossAblation()) if (!wanted.contains(c.effectiveLoss(a))) wanted.add(c.effectiveLoss(a));
        for (LossType e : wanted) runs.put(e, trainStage2(c, out, e, s1, l, trainingLog, c.planes()));
        Map<String, Object> stage2 = new LinkedHashMap<>();
        for (Map.Entry<LossType, Path> e : runs.entrySet()) {
            stage2.put(e.getKey().key(), entries("run", e.getValue().toString(), "steps", c.stage2Steps()));
        }
        models.put("stage2", stage2);
        models.put("training", trainingLog);
        LossType me = c.effectiveLoss(c.maskLoss());
        Evaluation.Model main = new Evaluation.Model(runs.get(me).resolve("checkpoints/last"), trainedDescription(c, c.maskLoss()));
        Map<LossType, Evaluation.Model> ablation = new LinkedHashMap<>();
        for (LossType a : c.lossAblation()) {
            ablation.put(a, new Evaluation.Model(runs.get(c.effectiveLoss(a)).resolve("checkpoints/last"), trainedDescription(c, a)));
        }
        Map<Integer, Evaluation.Model> trainedPlanes = trainPlaneCounts(c, out, me, l, trainingLog, models);
        return new Evaluation.Models(main, ablation, trainedPlanes, models, trainingLog);
    }

    /** Stage 1 and the main stage 2 at each of {@code train_plane_counts} other than {@code planes}. */
    private static Map<Integer, Evaluation.Model> trainPlaneCounts(EvalConfig c, Path out, LossType loss, Listener l,
                                                                   List<String> trainingLog, Map<String, Object> models) {
        Map<Integer, Evaluation.Model> trainedPlanes = new LinkedHashMap<>();
        Map<String, Object> byPlanes = new LinkedHashMap<>();
        for (int p : c.trainPlaneCounts()) {
            if (p == c.planes()) continue;
            Path p1 = trainStage1(c, out, l, trainingLog, p);
            Path p2 = trainStage2(c, out, loss, p1, l, trainingLog, p);
            trainedPlanes.put(p, new Evaluation.Model(p2.resolve("checkpoints/last"), trainedDescription(c, c.maskLoss()) + ", at " + p + " planes"));
            byPlanes.put(String.valueOf(p), entries("stage1", p1.toString(), "stage2", p2.toString()));
        }
        if (!byPlanes.isEmpty()) models.put("trained_plane_counts", byPlanes);
        return trainedPlanes;
    }

    /**
     * A map of {@code key, value, key, value…} in that order, for protocol.json ({@code Map.of} iterates in an order
     * that changes from one JVM to the next, so the file's key order did too).
     */
    static Map<String, Object> entries(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    static String trainedDescription(EvalConfig c, LossType asked) {
        LossType eff = c.effectiveLoss(asked);
        return String.format(Locale.ROOT, "trained on rig seed %d: stage1 %d steps l1, stage2 %d steps %s", c.trainSeed(),
                c.stage1Steps(), c.stage2Steps(), eff.key());
    }

    /** The run folder of a training at {@code planes} ({@code name}, or {@code name-Np} off the main plane count). */
    static Path runFolder(EvalConfig c, Path out, String name, int planes) {
        return out.resolve(planes == c.planes() ? name : name + "-" + planes + "p");
    }

    /** Stage 1 on the rig at {@code planes} ({@code out/train-mpi}), or the run already there when it matches. */
    static Path trainStage1(EvalConfig c, Path out, Listener l, List<String> log, int planes) {
        Map<String, String> s = new HashMap<>(Map.of("num_steps", String.valueOf(c.stage1Steps()), "num_epochs", "1000000",
                "img_wh", "[" + c.width() + ", " + c.height() + "]", "crop", String.valueOf(Math.min(c.height(), c.stage1Crop())),
                "planes", String.valueOf(planes), "val_every", String.valueOf(Math.max(1, c.stage1Steps() / 4)),
                "exp_name", "train-mpi", "synthetic_frames", "1", "synthetic_seed", String.valueOf(c.trainSeed())));
        s.putAll(Map.of("root_dir", "synthetic", "dataset_name", "synthetic", "loss_type", "l1", "log_every", "1", "keep_top_k", "1"));
        return trainOrReuse(TrainConfig.resolve(TrainConfig.Stage.MPI, null, s), runFolder(c, out, "train-mpi", planes),
                "stage 1 (MPINet3d" + (planes == c.planes() ? "" : ", " + planes + " planes") + ")", l, log);
    }

    /** Stage 2 with {@code loss} at {@code planes} ({@code out/train-mask-LOSS}), or the run already there when it matches. */
    static Path trainStage2(EvalConfig c, Path out, LossType loss, Path stage1, Listener l, List<String> log, int planes) {
        Map<String, String> s = new HashMap<>(Map.of("num_steps", String.valueOf(c.stage2Steps()), "num_epochs", "1000000",
                "img_hw", "[" + c.height() + ", " + c.width() + "]", "planes", String.valueOf(planes),
                "val_every", String.valueOf(Math.max(1, c.stage2Steps() / 4)), "exp_name", "train-mask-" + loss.key(),
                "mpi_model", stage1.resolve("checkpoints/last").toString(), "synthetic_frames", String.valueOf(c.syntheticFrames()),
                "synthetic_seed", String.valueOf(c.trainSeed())));
        s.putAll(Map.of("root_dir", "synthetic", "dataset_name", "synthetic", "loss_type", loss.key(), "log_every", "1", "keep_top_k", "1"));
        if (c.vggWeights() != null) s.put("vgg_weights", c.vggWeights().toString());
        return trainOrReuse(TrainConfig.resolve(TrainConfig.Stage.MASK, null, s), runFolder(c, out, "train-mask-" + loss.key(), planes),
                "stage 2 (MaskNet3d, " + loss.key() + (planes == c.planes() ? "" : ", " + planes + " planes") + ")", l, log);
    }

    static Path trainOrReuse(TrainConfig tc, Path run, String what, Listener l, List<String> log) {
        if (reusable(tc, run)) {
            log.add("reused " + run.getFileName());
            l.message("reusing " + what + ": " + run + " (same config, " + tc.integer("num_steps") + " steps done)");
            return run;
        }
        l.phase("train " + what, tc.integer("num_steps"));
        long t0 = System.nanoTime();
        Trainer.run(tc, run, Trainer.Mode.OVERWRITE, l);
        log.add(String.format(Locale.ROOT, "trained %s (%.0f s)", run.getFileName(), (System.nanoTime() - t0) / 1e9));
        return run;
    }

    /** Whether {@code run} holds a finished run of exactly this config. */
    static boolean reusable(TrainConfig tc, Path run) {
        try {
            Path cfg = run.resolve("config.txt"), state = run.resolve("checkpoints/last/state.json");
            if (!Files.isRegularFile(cfg) || !Files.isRegularFile(state)) return false;
            if (!Files.readString(cfg).equals(tc.resolvedText())) return false;
            JsonObject st = GSON.fromJson(Files.readString(state), JsonObject.class);
            return st.has("step") && st.get("step").getAsLong() == tc.longValue("num_steps");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
