package org.mask3d.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.mask3d.InputException;
import org.mask3d.data.N3dvScene;
import org.mask3d.data.ResizedScene;
import org.mask3d.data.Scene;
import org.mask3d.data.Scenes;
import org.mask3d.data.SyntheticRig;
import org.mask3d.io.AtomicFiles;
import org.mask3d.model.LossType;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.Renderers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation of issue 8 (METHOD.md §6): methods ({@link EvalMethod}) on the same inputs through the same
 * renderer at held-out cameras, the mask-stage loss ablation and the plane-count ablation, with image metrics per
 * frame and the temporal stability measure ({@link TemporalStability}) per method and target. It measures and never
 * trains: {@link #plan} checks the config, the models come in as {@link Models} (the given {@code model}, or stage 1
 * and the stage-2 models trained on the built-in rig by {@code workflow.EvaluationRun}, which strings the steps
 * together), {@link #measure} renders and measures, {@link #report} writes.
 *
 * <p>Writes into the output folder (figures are {@code viz.EvalFigures}' job):
 * <pre>
 *   results.csv, results.md   one row per (group, method, variant) × target, plus a mean row over targets; every
 *                             row carries its protocol (data, sources, target, frames, size, planes, device, model,
 *                             metric variant)
 *   per_frame.csv             per frame: PSNR, the static-pixel change from the previous frame (render and ground
 *                             truth), the temporal error from the previous frame, the disocclusion error (rig)
 *   protocol.json             the config in use, the data, the models, the renderer, metric definitions, wall time
 *   train-mpi/, train-mask-LOSS/   the training runs (model empty; {@code workflow.EvaluationRun} writes them)
 * </pre>
 * Row groups: {@code methods} (every configured method at {@code planes}), {@code loss_ablation} (mask3d with each
 * ablation loss's MaskNet3d), {@code planes} (mask3d, per_frame and mask2d at each of {@code plane_counts}, the same
 * networks), {@code planes_trained} (the same at each of {@code train_plane_counts}, stage 1 and 2 trained at that count
 * into {@code train-mpi-Np/}, {@code train-mask-LOSS-Np/}).
 */
public final class Evaluation {
    private Evaluation() {}

    /**
     * Progress of the measuring phases ({@code workflow.EvaluationRun.Listener} adds the training callbacks).
     */
    public interface Progress {
        /** A phase starts ({@code total} units of work, 0 when unknown). */
        default void phase(String name, long total) {}

        /** Units of the current phase done so far. */
        default void advanced(long done) {}
    }

    /**
     * Per-frame series of one method at one target.
     *
     * @param frames       [T] frame indices
     * @param psnr         [T] PSNR (released definition)
     * @param staticChange [T] mean |R_t − R_{t−1}| on pixels static in both frames (NaN at the first frame)
     * @param gtChange     [T] the same on the ground truth
     * @param disocclusion [T] mean |R − G| over disoccluded pixels (rig; NaN without any)
     */
    public record Series(String group, EvalMethod method, String variant, int planes, int target, int[] frames,
                         double[] psnr, double[] staticChange, double[] gtChange, double[] disocclusion) {}

    /**
     * Consecutive frames of every method at one camera, for the qualitative strips.
     *
     * @param renders  method key → [T] renders [3,H,W]
     * @param truth    [T] ground-truth frames
     * @param dynamic  [T] [H,W] dynamic (not static) pixels, for the crop
     */
    public record Strip(int target, int[] frames, Map<String, List<float[]>> renders, List<float[]> truth,
                        List<boolean[]> dynamic, int height, int width) {}

    /**
     * One frame's renders and errors, with the mask volumes behind them.
     *
     * @param disocclusion [H,W] disoccluded pixels of the target (rig), or null
     * @param mask3d       [D,H,W] the main MaskNet3d volume of that frame (null without mask3d)
     * @param mask2d       [H,W] the 2D baseline's mask
     * @param depths       [D] plane depths
     */
    public record Snapshot(int target, int frame, Map<String, float[]> renders, float[] truth, boolean[] disocclusion,
                           float[] mask3d, float[] mask2d, double[] depths, int height, int width) {}

    /**
     * What an evaluation gives.
     *
     * @param table    results.csv as a table
     * @param perFrame per_frame.csv as a table
     * @param series   the per-frame series of the {@code methods} group
     * @param strip    the strips' frames (first target)
     * @param snapshot the error-map frame (first target; on the rig the frame with the most disoccluded pixels)
     * @param protocol what protocol.json holds
     * @param files    the files written
     */
    public record Result(Table table, Table perFrame, List<Series> series, Strip strip, Snapshot snapshot,
                         Map<String, Object> protocol, Path outDir, List<Path> files, double wallSeconds) {
        /** The mean row of {@code method} in {@code group} (variant empty for the methods group), or null. */
        public Row mean(String group, String method) {
            for (Row r : table) {
                if (r.getString("group").equals(group) && r.getString("method").equals(method) && r.getString("target").equals("mean")) return r;
            }
            return null;
        }
    }

    /** One method at one target, frame by frame: what the tables need, without the renders themselves. */
    private static final class Track {
        final double[][] values;                 // [T][metric columns]
        final double[] psnr, disocclusion;       // [T]
        double disSum, dynSum;
        long disCount, dynCount;
        final TemporalStability.Accumulator temporal;   // null without the temporal metric
        final TemporalConsistency.Accumulator consistency;   // tOF, tLP; null without the temporal metric

        Track(int frames, boolean temporal, int h, int w, TemporalConsistency.Truth truth) {
            values = new double[frames][];
            psnr = new double[frames];
            disocclusion = new double[frames];
            this.temporal = temporal ? new TemporalStability.Accumulator(3, h, w, true) : null;
            this.consistency = temporal ? new TemporalConsistency.Accumulator(truth) : null;
        }

        /** Frame {@code i}'s render against its ground truth, static mask and disocclusions (null: none known). */
        void add(int i, float[] render, float[] gt, boolean[] statics, boolean[] disocc, MetricSuite metrics, int h, int w) {
            values[i] = metrics.frame(render, gt, h, w);
            boolean[] dy = new boolean[statics.length];
            for (int p = 0; p < statics.length; p++) dy[p] = !statics[p];
            double[] de = maskedL1(render, gt, dy, h * w);
            dynSum += de[0];
            dynCount += (long) de[1];
            psnr[i] = Metrics.psnr(render, gt);
            if (disocc != null) {
                double[] e = maskedL1(render, gt, disocc, h * w);
                disocclusion[i] = e[1] == 0 ? Double.NaN : e[0] / e[1];
                disSum += e[0];
                disCount += (long) e[1];
            } else {
                disocclusion[i] = Double.NaN;
            }
            if (temporal != null) temporal.add(render, gt, statics);
            if (consistency != null) consistency.add(render, gt);
        }

        /** The table row: each metric's mean over the frames, then the temporal columns ({@code ts}: null without). */
        double[] row(TemporalStability.Result ts, TemporalConsistency.Result tc, int metricColumns) {
            double[] row = new double[metricColumns + TEMPORAL_COLUMNS.size()];
            for (int k = 0; k < metricColumns; k++) {
                double sum = 0;
                for (double[] x : values) sum += x[k];
                row[k] = sum / values.length;
            }
            int o = metricColumns;
            row[o] = ts == null ? Double.NaN : ts.renderChange();
            row[o + 1] = ts == null ? Double.NaN : ts.groundTruthChange();
            row[o + 2] = ts == null ? Double.NaN : ts.temporalError();
            row[o + 3] = dynCount == 0 ? Double.NaN : dynSum / dynCount;
            row[o + 4] = disCount == 0 ? Double.NaN : disSum / disCount;
            row[o + 5] = tc == null ? Double.NaN : tc.tof();
            row[o + 6] = tc == null ? Double.NaN : tc.tlp();
            return row;
        }
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    /** A model to evaluate: where its weights are and how it came to be. */
    public record Model(Path weights, String description) {}

    /**
     * The models an evaluation compares, given ({@link #givenModel}) or trained ({@code workflow.EvaluationRun}).
     *
     * @param main          the main mask3d model (every method of the {@code methods} and {@code planes} groups)
     * @param ablation      the loss ablation's models by the loss asked for (empty: no ablation)
     * @param trainedPlanes models trained at another plane count, by that count (empty: none)
     * @param protocol      what protocol.json says about them ({@code models})
     * @param trainingLog   one line per training run, trained or reused (empty when the model was given)
     */
    public record Models(Model main, Map<LossType, Model> ablation, Map<Integer, Model> trainedPlanes,
                         Map<String, Object> protocol, List<String> trainingLog) {}

    /** One evaluated configuration: a group, a variant label, a model, a plane count and its methods. */
    record Variant(String group, String variant, Model model, int planes, List<EvalMethod> methods) {}

    /**
     * What {@link #measure} gives, before anything is written: the tables and the figures' data.
     *
     * @param device the renderer's name
     */
    public record Measurement(Table table, Table perFrame, List<Series> series, Strip strip, Snapshot snapshot, String device) {}

    /** The scene the config names, at the evaluation size. */
    public static Scene scene(EvalConfig c) {
        if (c.synthetic()) {
            return new SyntheticRig(new SyntheticRig.Options(c.width(), c.height(), 2, 5, SyntheticRig.Options.defaults().spacing(),
                    c.syntheticFrames(), c.syntheticSeed()));
        }
        Path p = Path.of(c.data());
        if (!Files.exists(p)) throw new InputException("data: scene not found: " + p);
        // N3DV videos are decoded by ffmpeg straight at the evaluated size (never at 2704x2028 and then resized)
        if (N3dvScene.isN3dv(p)) return N3dvScene.open(p, N3dvScene.Options.defaults().withSize(c.width(), c.height()).withTestCamera(c.testCamera()));
        return ResizedScene.of(Scenes.open(p), c.width(), c.height());
    }

    /** The evaluated frame indices of a scene. */
    public static int[] frames(EvalConfig c, Scene s) {
        int end = c.frameCount() == 0 ? s.numFrames() : c.frameStart() + c.frameCount();
        if (c.frameStart() >= s.numFrames() || end > s.numFrames()) {
            throw new InputException("frames = [" + c.frameStart() + ", " + c.frameCount() + "] is outside " + s.name()
                    + ", which has " + s.numFrames() + " frames");
        }
        if (end - c.frameStart() < 2) throw new InputException("frames: at least 2 frames are needed, " + s.name() + " gives " + (end - c.frameStart()));
        int[] f = new int[end - c.frameStart()];
        for (int i = 0; i < f.length; i++) f[i] = c.frameStart() + i;
        return f;
    }

    /**
     * What an evaluation runs on: its config, scene and frames, checked, and its output folder (created).
     *
     * @param startNanos {@link System#nanoTime()} when the evaluation started (its wall time includes training)
     */
    public record Plan(EvalConfig config, Scene scene, int[] frames, Path out, long startNanos) {}

    /**
     * Checks the config against its scene before anything long runs (metric weights, frames, targets, sources,
     * backgrounds) and creates the output folder: the first step of plan → models → {@link #measure} → {@link #report}.
     */
    public static Plan plan(EvalConfig c, Path out) {
        long t0 = System.nanoTime();
        // metric settings first: a missing weight file should not surface after minutes of training
        new MetricSuite(c, false).close();
        for (String m : List.of("lpips_alex", "lpips_vgg")) {
            if (!c.metrics().contains(m)) continue;
            for (String f : c.lpipsWeights().get(m)) {
                if (!Files.isRegularFile(Path.of(f))) throw new InputException("metric " + m + ": weight file not found: " + f);
            }
        }
        Scene scene = scene(c);
        int[] frames = frames(c, scene);
        for (int t : c.targets()) {
            if (t < 0 || t >= scene.numCameras()) throw new InputException("targets: camera " + t + " out of range: " + scene.name() + " has " + scene.numCameras() + " cameras");
        }
        EvalSession.checkSources(scene, c.sources());
        if (scene instanceof N3dvScene n) {
            for (int s : c.sources()) {
                if (s == n.testCamera()) {
                    throw new InputException("sources: camera " + s + " is " + n.testCameraName() + ", the held-out test camera of N3DV "
                            + n.dir() + " (cameras in order: " + String.join(", ", n.cameraNames()) + "); choose other sources");
                }
            }
        }
        EvalSession.requireBackgrounds(scene);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new InputException("cannot create " + out + ": " + e.getMessage(), e);
        }
        return new Plan(c, scene, frames, out, t0);
    }

    /** The models of a config that names one ({@code model}): nothing is trained, the loss ablation is skipped. */
    public static Models givenModel(EvalConfig c) {
        if (c.model() == null) throw new IllegalArgumentException("the config names no model");
        if (!Files.exists(c.model())) throw new InputException("model: not found: " + c.model());
        Map<String, Object> models = new LinkedHashMap<>();
        models.put("main", c.model().toString());
        if (!c.lossAblation().isEmpty()) models.put("loss_ablation", "skipped: it trains one MaskNet3d per loss on the synthetic rig, and model is given");
        return new Models(new Model(c.model(), c.model().toString()), Map.of(), Map.of(), models, List.of());
    }

    /** What to evaluate: the methods group, then the loss ablation, then both plane-count ablations. */
    static List<Variant> variants(EvalConfig c, Models models) {
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("methods", "", models.main(), c.planes(), c.methods()));
        for (Map.Entry<LossType, Model> e : models.ablation().entrySet()) {
            LossType eff = c.effectiveLoss(e.getKey());
            String v = eff == e.getKey() ? "loss " + eff.key()
                    : "loss " + e.getKey().key() + " -> " + eff.key() + " (no vgg_weights)";
            variants.add(new Variant("loss_ablation", v, e.getValue(), c.planes(), List.of(EvalMethod.MASK3D)));
        }
        List<EvalMethod> planeMethods = c.methods().stream()
                .filter(m -> m == EvalMethod.MASK3D || m == EvalMethod.PER_FRAME || m == EvalMethod.MASK2D).toList();
        if (planeMethods.isEmpty()) return variants;
        for (int p : c.planeCounts()) {
            if (p != c.planes()) variants.add(new Variant("planes", p + " planes, same networks", models.main(), p, planeMethods));
        }
        for (Map.Entry<Integer, Model> e : models.trainedPlanes().entrySet()) {
            variants.add(new Variant("planes_trained", e.getKey() + " planes, trained at " + e.getKey(), e.getValue(), e.getKey(), planeMethods));
        }
        return variants;
    }

    /**
     * Renders every variant's methods at every target and frame and measures them: the tables and the figures' data,
     * nothing written yet.
     *
     * @param progress the {@code evaluate} phase, frame by frame (may be null)
     */
    public static Measurement measure(Plan p, Models models, Progress progress) {
        EvalConfig c = p.config();
        List<Variant> variants = variants(c, models);
        MpiRenderer renderer;
        try {
            renderer = Renderers.forDevice(c.device());
        } catch (IllegalStateException e) {
            throw new InputException("device = " + c.device() + ": " + e.getMessage());
        }
        try {
            RigTruth truth = p.scene() instanceof SyntheticRig rig ? new RigTruth(rig) : null;
            return new Measuring(p, renderer, truth, progress == null ? new Progress() {} : progress).run(variants);
        } finally {
            if (renderer instanceof AutoCloseable ac) {
                try {
                    ac.close();
                } catch (Exception ignored) {
                    // a renderer that fails to release is not worth failing the evaluation for
                }
            }
        }
    }

    /** Writes results.csv, results.md, per_frame.csv and protocol.json into the plan's output folder. */
    public static Result report(Plan p, Models models, Measurement m) {
        EvalConfig c = p.config();
        double wall = (System.nanoTime() - p.startNanos()) / 1e9;
        Map<String, Object> protocol;
        try (MetricSuite metrics = new MetricSuite(c, false)) {
            protocol = protocol(c, p.scene(), p.frames(), m.device(), models.protocol(), metrics, wall);
        }
        Path out = p.out();
        List<String> trainingLog = models.trainingLog();
        List<Path> files = new ArrayList<>();
        files.add(writeCsv(m.table(), out.resolve("results.csv")));
        String wallNote = String.format(Locale.ROOT, "%.0f s", wall) + (trainingLog.isEmpty() ? ""
                : trainingLog.stream().allMatch(x -> x.startsWith("reused")) ? ", evaluation only (training runs reused)"
                : ", including " + String.join(", ", trainingLog));
        files.add(write(out.resolve("results.md"), markdown(m.table(), c, p.scene(), p.frames(), m.device(), wallNote)));
        files.add(writeCsv(m.perFrame(), out.resolve("per_frame.csv")));
        files.add(write(out.resolve("protocol.json"), GSON.toJson(protocol)));
        return new Result(m.table(), m.perFrame(), m.series(), m.strip(), m.snapshot(), protocol, out, files, wall);
    }

    /** One measurement in progress: the ground truth shared by every variant, the tables and the figures' frames. */
    private static final class Measuring {
        final EvalConfig c;
        final Scene scene;
        final int[] frames;
        final int h, w, firstTarget;
        final String device;
        final MpiRenderer renderer;
        final Progress progress;
        final Map<Integer, List<float[]>> gts = new HashMap<>();
        final Map<Integer, List<boolean[]>> statics = new HashMap<>();
        final Map<Integer, List<boolean[]>> disocc = new HashMap<>();
        final Map<Integer, TemporalConsistency.Truth> consistencyTruth = new HashMap<>();   // per target, shared by every variant
        final Table table, perFrame;
        final List<Series> series = new ArrayList<>();
        final int snapIdx, stripStart, stripN;
        Strip strip;
        Snapshot snapshot;
        long done;

        Measuring(Plan p, MpiRenderer renderer, RigTruth truth, Progress progress) {
            c = p.config();
            scene = p.scene();
            frames = p.frames();
            h = scene.height();
            w = scene.width();
            firstTarget = c.targets()[0];
            this.renderer = renderer;
            device = renderer.name();
            this.progress = progress;
            groundTruth(truth);
            table = newTable(c);
            perFrame = newPerFrameTable(c);
            snapIdx = snapshotIndex(truth != null);
            stripN = Math.min(c.stripFrames(), frames.length);
            stripStart = Math.max(0, Math.min(snapIdx - stripN / 2, frames.length - stripN));
        }

        /** Ground truth and static masks (and disocclusions on the rig) of every target and frame. */
        private void groundTruth(RigTruth truth) {
            int ref = c.sources()[0];
            for (int tg : c.targets()) {
                List<float[]> g = new ArrayList<>();
                List<boolean[]> s = new ArrayList<>(), d = new ArrayList<>();
                for (int t : frames) {
                    float[] gt = scene.frame(tg, t);
                    g.add(gt);
                    s.add(staticMask(c, scene, truth, tg, t, gt));
                    d.add(truth == null ? null : truth.disocclusions(tg, ref, t));
                }
                gts.put(tg, g);
                statics.put(tg, s);
                disocc.put(tg, d);
            }
        }

        /** The error-map frame: on the rig the one with the most disoccluded pixels at the first target, else the middle. */
        private int snapshotIndex(boolean rig) {
            if (!rig) return frames.length / 2;
            int best = -1, idx = 0;
            for (int i = 0; i < frames.length; i++) {
                int cnt = count(disocc.get(firstTarget).get(i));
                if (cnt > best) { best = cnt; idx = i; }
            }
            return idx;
        }

        Measurement run(List<Variant> variants) {
            long work = 0;
            for (Variant v : variants) work += (long) frames.length;
            progress.phase("evaluate", work);
            try (MetricSuite metrics = new MetricSuite(c)) {
                for (int tg : c.targets()) consistencyTruth.put(tg, new TemporalConsistency.Truth(h, w, FarnebackFlow.TECOGAN, metrics.tlpNetwork()));
                for (Variant v : variants) measure(v, metrics);
            }
            return new Measurement(table, perFrame, series, strip, snapshot, device);
        }

        private void measure(Variant v, MetricSuite metrics) {
            boolean isMain = v.group().equals("methods");
            try (EvalSession s = EvalSession.open(scene, c.sources(), v.planes(), v.model().weights(), renderer, c.mask2d())) {
                // frame by frame: every method's render at every target is measured as soon as it is made and then
                // dropped (only the strip's and the snapshot's frames of the first target are kept), so memory does
                // not grow with methods × targets × frames
                Map<EvalMethod, Map<Integer, Track>> tracks = new LinkedHashMap<>();
                for (EvalMethod m : v.methods()) {
                    Map<Integer, Track> byT = new LinkedHashMap<>();
                    for (int tg : c.targets()) byT.put(tg, new Track(frames.length, metrics.temporal(), h, w, consistencyTruth.get(tg)));
                    tracks.put(m, byT);
                }
                Map<String, List<float[]>> stripRenders = new LinkedHashMap<>();
                for (int i = 0; i < frames.length; i++) measureFrame(s, v, i, isMain, tracks, stripRenders, metrics);
                for (EvalMethod m : v.methods()) addRows(v, m, tracks.get(m), isMain, metrics);
                if (isMain) strip = strip(v, stripRenders);
            }
        }

        private void measureFrame(EvalSession s, Variant v, int i, boolean isMain, Map<EvalMethod, Map<Integer, Track>> tracks,
                                  Map<String, List<float[]>> stripRenders, MetricSuite metrics) {
            EvalSession.FrameMpis f = s.frameMpis(frames[i]);
            Map<String, float[]> snap = isMain && i == snapIdx ? new LinkedHashMap<>() : null;
            boolean inStrip = isMain && i >= stripStart && i < stripStart + stripN;
            for (EvalMethod m : v.methods()) {
                for (int tg : c.targets()) {
                    float[] r = s.render(m, f, tg);
                    tracks.get(m).get(tg).add(i, r, gts.get(tg).get(i), statics.get(tg).get(i), disocc.get(tg).get(i), metrics, h, w);
                    if (tg == firstTarget) {
                        if (snap != null) snap.put(m.key(), r);
                        if (inStrip) stripRenders.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(r);
                    }
                }
            }
            if (snap != null) {
                snapshot = new Snapshot(firstTarget, frames[i], snap, gts.get(firstTarget).get(i), disocc.get(firstTarget).get(i),
                        f.mask3d(), f.mask2d(), s.depths(), h, w);
            }
            progress.advanced(++done);
        }

        /** One method's rows: per target (results.csv and per_frame.csv), then the mean over targets. */
        private void addRows(Variant v, EvalMethod m, Map<Integer, Track> byTarget, boolean isMain, MetricSuite metrics) {
            List<double[]> perTargetValues = new ArrayList<>();
            for (int tg : c.targets()) {
                Track tr = byTarget.get(tg);
                TemporalStability.Result ts = tr.temporal == null ? null : tr.temporal.result();
                TemporalConsistency.Result tc = tr.consistency == null ? null : tr.consistency.result();
                double[][] pairs = perPair(ts, tc, frames.length);
                double[] row = tr.row(ts, tc, metrics.columns().size());
                perTargetValues.add(row);
                addRow(table, c, scene, frames, v, m, String.valueOf(tg), row, metrics, device);
                addPerFrameRows(v, m, tg, tr, pairs);
                if (isMain) series.add(new Series(v.group(), m, v.variant(), v.planes(), tg, frames, tr.psnr, pairs[0], pairs[1], tr.disocclusion));
            }
            double[] mean = new double[perTargetValues.get(0).length];
            for (double[] r : perTargetValues) for (int k = 0; k < mean.length; k++) mean[k] += r[k] / perTargetValues.size();
            addRow(table, c, scene, frames, v, m, "mean", mean, metrics, device);
        }

        private void addPerFrameRows(Variant v, EvalMethod m, int tg, Track tr, double[][] pairs) {
            for (int i = 0; i < frames.length; i++) {
                perFrame.stringColumn("group").append(v.group());
                perFrame.stringColumn("method").append(m.key());
                perFrame.stringColumn("variant").append(v.variant());
                perFrame.intColumn("planes").append(v.planes());
                perFrame.intColumn("target").append(tg);
                perFrame.intColumn("frame").append(frames[i]);
                perFrame.doubleColumn("psnr_db").append(tr.psnr[i]);
                perFrame.doubleColumn("static_change").append(pairs[0][i]);
                perFrame.doubleColumn("gt_static_change").append(pairs[1][i]);
                perFrame.doubleColumn("temporal_error").append(pairs[2][i]);
                perFrame.doubleColumn("disocclusion_l1").append(tr.disocclusion[i]);
                perFrame.doubleColumn("tof").append(pairs[3][i]);
                perFrame.doubleColumn("tlp").append(pairs[4][i]);
            }
        }

        /** The strip of the main variant: its methods' renders at the first target over the strip's frames. */
        private Strip strip(Variant v, Map<String, List<float[]>> stripRenders) {
            Map<String, List<float[]>> sr = new LinkedHashMap<>();
            for (EvalMethod m : v.methods()) sr.put(m.key(), stripRenders.get(m.key()));
            List<boolean[]> dyn = new ArrayList<>();
            for (boolean[] st : statics.get(firstTarget).subList(stripStart, stripStart + stripN)) {
                boolean[] d = new boolean[st.length];
                for (int p = 0; p < d.length; p++) d[p] = !st[p];
                dyn.add(d);
            }
            return new Strip(firstTarget, java.util.Arrays.copyOfRange(frames, stripStart, stripStart + stripN), sr,
                    gts.get(firstTarget).subList(stripStart, stripStart + stripN), dyn, h, w);
        }
    }

    /**
     * Per frame, the temporal measures from the previous frame: {static change, ground-truth change, temporal error,
     * tOF, tLP}, each [T] with NaN at the first frame (and everywhere without the temporal metric; tLP also without an
     * LPIPS metric).
     */
    static double[][] perPair(TemporalStability.Result ts, TemporalConsistency.Result tc, int n) {
        double[] sc = new double[n], gc = new double[n], te = new double[n], tof = new double[n], tlp = new double[n];
        sc[0] = gc[0] = te[0] = tof[0] = tlp[0] = Double.NaN;
        for (int i = 1; i < n; i++) {
            sc[i] = ts == null ? Double.NaN : ts.renderChangePerPair()[i - 1];
            gc[i] = ts == null ? Double.NaN : ts.groundTruthChangePerPair()[i - 1];
            te[i] = ts == null ? Double.NaN : ts.temporalErrorPerPair()[i - 1];
            tof[i] = tc == null ? Double.NaN : tc.tofPerPair()[i - 1];
            tlp[i] = tc == null ? Double.NaN : tc.tlpPerPair()[i - 1];
        }
        return new double[][]{sc, gc, te, tof, tlp};
    }

    /**
     * The main mask3d model of an evaluation: {@code model} when given, else the stage-2 run it trained into
     * {@code out} ({@code train-mask-LOSS/checkpoints/last}).
     *
     * @throws InputException when that run does not exist yet (run {@code workflow.EvaluationRun.run} first)
     */
    public static Path mainModel(EvalConfig c, Path out) {
        if (c.model() != null) return c.model();
        Path p = out.resolve("train-mask-" + c.effectiveLoss(c.maskLoss()).key()).resolve("checkpoints/last");
        if (!Files.isDirectory(p)) throw new InputException("no trained model in " + out + " (" + p + " is missing): run the evaluation first");
        return p;
    }

    /**
     * A session on the evaluation's data and main model, for looking at single frames: {@code s.views(t, target,
     * methods)} gives each method's render, {@code s.frameMpis(t)} the MPIs and both masks. Close it when done.
     */
    public static EvalSession session(EvalConfig c, Path out) {
        return EvalSession.open(scene(c), c.sources(), c.planes(), mainModel(c, out), Renderers.forDevice(c.device()), c.mask2d());
    }

    static int count(boolean[] m) {
        if (m == null) return 0;
        int n = 0;
        for (boolean b : m) if (b) n++;
        return n;
    }

    /** {Σ over masked pixels and channels of |r − g|, masked pixels × channels}. */
    static double[] maskedL1(float[] r, float[] g, boolean[] mask, int n) {
        double s = 0;
        long cnt = 0;
        for (int p = 0; p < n; p++) {
            if (!mask[p]) continue;
            for (int k = 0; k < 3; k++) s += Math.abs(r[k * n + p] - g[k * n + p]);
            cnt += 3;
        }
        return new double[]{s, cnt};
    }

    /** [H,W] static pixels of camera {@code cam} at frame {@code t}, by the config's {@code static_mask}. */
    static boolean[] staticMask(EvalConfig c, Scene s, RigTruth truth, int cam, int t, float[] gt) {
        int h = s.height(), w = s.width();
        switch (c.staticMask()) {
            case "exact" -> {
                if (truth == null) throw new InputException("static_mask = exact needs the synthetic rig");
                return truth.staticMask(cam, t);
            }
            case "foreground" -> {
                if (!s.hasForeground()) throw new InputException("static_mask = foreground: " + s.name() + " has no foreground mattes; use background or a mask folder");
                float[] fg = s.foreground(cam, t);
                int n = h * w;
                float[] dyn = new float[n];
                for (int p = 0; p < n; p++) dyn[p] = fg[3 * n + p] > 0.5f ? 1f : 0f;
                float[] d = Mask2d.dilate(dyn, h, w, c.staticDilate());
                boolean[] out = new boolean[n];
                for (int p = 0; p < n; p++) out[p] = d[p] == 0f;
                return out;
            }
            case "background" -> {
                return TemporalStability.staticMaskFromBackground(gt, s.background(cam), 3, h, w, c.staticThreshold(), c.staticDilate());
            }
            default -> {
                Path f = Path.of(c.staticMask()).resolve(String.format(Locale.ROOT, "cam%02d/%05d.png", cam, t));
                if (!Files.isRegularFile(f)) {
                    throw new InputException("static_mask: " + f + " not found (expected exact, foreground, background, or a folder DIR/camNN/NNNNN.png with white = dynamic)");
                }
                return TemporalStability.staticMaskFromImage(f, h, w, c.staticDilate());
            }
        }
    }

    // ------------------------------------------------------------------------------------------ tables

    private static final List<String> PROTOCOL_COLUMNS = List.of("data", "sources", "frames", "size", "planes", "device", "model", "metric_variant");
    private static final List<String> TEMPORAL_COLUMNS = List.of("static_change", "gt_static_change", "temporal_error", "dynamic_l1", "disocclusion_l1",
            "tof", "tlp");

    static Table newTable(EvalConfig c) {
        Table t = Table.create("results", StringColumn.create("group"), StringColumn.create("method"), StringColumn.create("variant"),
                StringColumn.create("target"));
        try (MetricSuite m = new MetricSuite(c, false)) {
            for (MetricSuite.Column col : m.columns()) t.addColumns(DoubleColumn.create(col.name()));
        }
        for (String s : TEMPORAL_COLUMNS) t.addColumns(DoubleColumn.create(s));
        for (String s : PROTOCOL_COLUMNS) t.addColumns(StringColumn.create(s));
        return t;
    }

    static Table newPerFrameTable(EvalConfig c) {
        return Table.create("per_frame", StringColumn.create("group"), StringColumn.create("method"), StringColumn.create("variant"),
                IntColumn.create("planes"), IntColumn.create("target"), IntColumn.create("frame"), DoubleColumn.create("psnr_db"),
                DoubleColumn.create("static_change"), DoubleColumn.create("gt_static_change"), DoubleColumn.create("temporal_error"),
                DoubleColumn.create("disocclusion_l1"), DoubleColumn.create("tof"), DoubleColumn.create("tlp"));
    }

    static String metricVariant(EvalConfig c, MetricSuite m) {
        List<String> parts = new ArrayList<>();
        for (MetricSuite.Column col : m.columns()) {
            parts.add(switch (col.metric()) {
                case "psnr" -> "psnr unclamped";
                case "psnr_clamped" -> "psnr_clamped [0,1]";
                case "ssim" -> "ssim 11x11 gauss valid";
                case "ssim_released" -> "ssim_released kornia 3x3";
                case "lpips_alex", "lpips_vgg" -> col.metric() + " v0.1";
                default -> col.metric();
            });
        }
        if (m.temporal()) {
            parts.add("tOF Farneback (Java, TecoGAN parameters)");
            parts.add(m.hasLpips() ? "tLP " + m.tlpMetric() : "tLP n/a (no LPIPS metric)");
            parts.add("temporal: static mask " + (c.staticMask().equals("exact") || c.staticMask().equals("foreground")
                    || c.staticMask().equals("background") ? c.staticMask() : "folder"));
        }
        return String.join("; ", parts);
    }

    private static void addRow(Table t, EvalConfig c, Scene s, int[] frames, Variant v, EvalMethod m, String target, double[] values,
                               MetricSuite metrics, String device) {
        t.stringColumn("group").append(v.group());
        t.stringColumn("method").append(m.key());
        t.stringColumn("variant").append(v.variant());
        t.stringColumn("target").append(target);
        int k = 0;
        for (MetricSuite.Column col : metrics.columns()) t.doubleColumn(col.name()).append(values[k++]);
        for (String col : TEMPORAL_COLUMNS) t.doubleColumn(col).append(values[k++]);
        t.stringColumn("data").append(s.name());
        t.stringColumn("sources").append(c.sources()[0] + "," + c.sources()[1]);
        t.stringColumn("frames").append(frames[0] + "-" + frames[frames.length - 1]);
        t.stringColumn("size").append(s.width() + "x" + s.height());
        t.stringColumn("planes").append(String.valueOf(v.planes()));
        t.stringColumn("device").append(device);
        t.stringColumn("model").append(m == EvalMethod.NEAREST_SOURCE ? "none" : m.needsMaskNet() ? v.model().description()
                : v.model().description().replaceAll(", stage2 .*", "") + " (MPINet3d only)");
        t.stringColumn("metric_variant").append(metricVariant(c, metrics));
    }

    static Path writeCsv(Table t, Path file) {
        AtomicFiles.writeCsv(file, t);
        return file;
    }

    static Path write(Path file, String text) {
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /**
     * results.md: the protocol shared by every row first, then one Markdown table per group with the metric columns
     * (and the columns that vary); the full per-row protocol is in results.csv.
     */
    static String markdown(Table t, EvalConfig c, Scene s, int[] frames, String device, String wall) {
        StringBuilder sb = new StringBuilder("# Evaluation results\n\n");
        sb.append(String.format(Locale.ROOT, "- data: %s, %dx%d, sources %d,%d (reference %d), targets %s, frames %d-%d (%d)%n",
                s.name(), s.width(), s.height(), c.sources()[0], c.sources()[1], c.sources()[0],
                java.util.Arrays.toString(c.targets()), frames[0], frames[frames.length - 1], frames.length));
        if (s instanceof N3dvScene n) {
            sb.append("- N3DV: held-out test camera ").append(n.testCameraName()).append(" (camera index ").append(n.testCamera())
                    .append("); cameras in index order: ").append(String.join(", ", n.cameraNames())).append('\n');
            for (String note : n.notes()) sb.append("- ").append(note).append('\n');
        }
        sb.append("- renderer: ").append(device).append("; networks on DJL's CPU engine\n");
        if (t.rowCount() > 0) sb.append("- metric variant: ").append(t.stringColumn("metric_variant").get(0)).append('\n');
        sb.append("- static_change: mean |R_t - R_{t-1}| on pixels static in the ground truth in both frames (gt_static_change: the same on the ground truth); "
                + "temporal_error: mean |dR - dG| over all pixels; dynamic_l1: mean |R - G| over pixels not static (the moving objects); disocclusion_l1: mean |R - G| where a moving object hides the static surface from the reference source camera (rig only)\n");
        sb.append("- tof (TecoGAN's tOF): mean over frame pairs and pixels of |flow(R_{t-1}, R_t) - flow(G_{t-1}, G_t)| (Euclidean, pixels at this size), "
                + "Farneback dense flow (Java, OpenCV's algorithm with TecoGAN's parameters 0.5, 3, 15, 3, 5, 1.2) on 8-bit grey frames; "
                + "tlp (TecoGAN's tLP): mean over pairs of |LPIPS(G_{t-1}, G_t) - LPIPS(R_{t-1}, R_t)| with the "
                + "evaluation's LPIPS network (alex first, as TecoGAN), n/a without an LPIPS metric; lower is better for both\n");
        sb.append("- wall time ").append(wall).append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" cores\n");
        for (String g : List.of("methods", "loss_ablation", "planes", "planes_trained")) {
            Table sub = t.where(t.stringColumn("group").isEqualTo(g));
            if (sub.rowCount() == 0) continue;
            sb.append("\n## ").append(switch (g) {
                case "methods" -> "Methods (same inputs, same renderer)";
                case "loss_ablation" -> "Mask-stage loss ablation (mask3d)";
                case "planes" -> "Number of planes (same networks at inference)";
                default -> "Number of planes (networks trained at that count)";
            }).append("\n\n");
            List<String> cols = new ArrayList<>(List.of("method", "variant", "target", "planes", "model"));
            if (g.equals("methods")) cols.remove("variant");
            if (!g.startsWith("planes")) cols.remove("planes");
            for (Column<?> col : t.columns()) if (col instanceof DoubleColumn) cols.add(col.name());
            sb.append('|');
            for (String col : cols) sb.append(' ').append(col).append(" |");
            sb.append("\n|");
            for (String col : cols) sb.append(t.column(col) instanceof DoubleColumn ? "---:|" : "---|");
            sb.append('\n');
            for (Row r : sub) {
                sb.append('|');
                for (String col : cols) {
                    Column<?> cc = t.column(col);
                    String v = cc instanceof DoubleColumn ? fmt(col, r.getDouble(col)) : r.getString(col);
                    if (col.equals("target") && v.equals("mean")) v = "**mean**";
                    sb.append(' ').append(v).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static String fmt(String col, double v) {
        if (Double.isNaN(v)) return "n/a";
        if (col.endsWith("_db")) return String.format(Locale.ROOT, "%.2f", v);
        if (col.startsWith("ssim") || col.startsWith("lpips")) return String.format(Locale.ROOT, "%.4f", v);
        if (TEMPORAL_COLUMNS.contains(col)) return String.format(Locale.ROOT, "%.5f", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static Map<String, Object> protocol(EvalConfig c, Scene s, int[] frames, String device, Map<String, Object> models,
                                        MetricSuite m, double wall) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("created", Instant.now().toString());
        p.put("config", c.asMap());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("scene", s.name());
        data.put("cameras", s.numCameras());
        data.put("frames_in_scene", s.numFrames());
        data.put("size", s.width() + "x" + s.height());
        data.put("depth_bounds", s.depthBounds());
        data.put("evaluated_frames", frames);
        if (s instanceof N3dvScene n) {
            data.put("layout", "N3DV (camNN.mp4 + poses_bounds.npy), decoded by ffmpeg at the evaluated size");
            data.put("test_camera", n.testCameraName());
            data.put("test_camera_index", n.testCamera());
            data.put("camera_names", n.cameraNames());
            data.put("notes", n.notes());
        }
        p.put("data", data);
        p.put("renderer", device);
        p.put("networks", "DJL " + ai.djl.engine.Engine.getInstance().getEngineName() + " " + ai.djl.engine.Engine.getInstance().getVersion() + " (CPU)");
        p.put("models", models);
        Map<String, String> defs = new LinkedHashMap<>();
        for (MetricSuite.Column col : m.columns()) defs.put(col.name(), col.definition());
        defs.put("static_change", "mean over frame pairs and static pixels (static in the ground truth at both frames) of |R_t - R_{t-1}|, per channel");
        defs.put("gt_static_change", "the same on the ground truth (0 on the synthetic rig)");
        defs.put("temporal_error", "mean over frame pairs and all pixels of |(R_t - R_{t-1}) - (G_t - G_{t-1})|");
        defs.put("dynamic_l1", "mean |R - G| over the target pixels that are not static (the moving objects, by static_mask): what a method loses by dropping them");
        defs.put("tof", "TecoGAN's tOF: mean over frame pairs and pixels of the Euclidean norm of flow(R_{t-1}, R_t) - flow(G_{t-1}, G_t), "
                + "in pixels at the evaluated size; Farneback dense flow in Java (polynomial expansion, iterative displacement, pyramid; "
                + "OpenCV's algorithm with TecoGAN's parameters pyr_scale 0.5, levels 3, winsize 15, iterations 3, poly_n 5, poly_sigma 1.2) on 8-bit grey frames, whole frame (no crop)");
        defs.put("tlp", "TecoGAN's tLP: mean over frame pairs of |LPIPS(G_{t-1}, G_t) - LPIPS(R_{t-1}, R_t)|, render clamped to [0,1], with "
                + "lpips_alex (else lpips_vgg) of the metrics; absent (empty, n/a) when no LPIPS metric is configured");
        defs.put("disocclusion_l1", "mean |R - G| over target pixels whose static surface a moving object hides from the reference source camera (synthetic rig only)");
        defs.put("mask2d", String.format(Locale.ROOT, "reference view mean_c |frame - bg| %s %.3f, dilated %d px, broadcast over all planes",
                c.mask2d().soft() ? "ramped by" : "thresholded at", c.mask2d().threshold(), c.mask2d().dilate()));
        p.put("definitions", defs);
        p.put("java", System.getProperty("java.version"));
        p.put("cores", Runtime.getRuntime().availableProcessors());
        p.put("wall_seconds", wall);
        return p;
    }
}
