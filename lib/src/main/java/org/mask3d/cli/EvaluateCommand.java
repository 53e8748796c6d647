package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.eval.EvalConfig;
import org.mask3d.eval.Evaluation;
import org.mask3d.train.TrainingStage;
import org.mask3d.viz.EvalFigures;
import org.mask3d.workflow.EvaluationRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.Row;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate the 3D mask volume against per-frame MPI, background-only MPI, a 2D mask and the nearest "
                + "source image, on the same inputs through the same renderer at held-out cameras; plus the mask-stage "
                + "loss ablation and the number of planes. Metrics per frame (PSNR, clamped PSNR, SSIM, released SSIM, LPIPS) "
                + "and temporal stability (frame-to-frame change on static pixels, temporal error).",
                "Without a model it first trains stage 1 and the stage-2 models on the built-in rig (reusing finished runs "
                        + "in the output folder) and evaluates on a rig of another seed. Writes results.csv/.md, per_frame.csv, "
                        + "protocol.json and the figures (per-frame curves, temporal-error bars, strips across time, error maps "
                        + "at disocclusions, the mask volume)."},
        footer = {"", "Examples:",
                "  ./mask3d evaluate --config configs/evaluate_synthetic.txt",
                "  ./mask3d evaluate --config configs/evaluate_synthetic.txt --set stage2_steps=300 --out runs/eval-300",
                "  ./mask3d evaluate --config configs/evaluate.txt --set data=data/Birthday --set model=ckpts/3dmask.ckpt"})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "An evaluation config (key = value; configs/evaluate.txt documents every key).") Path config;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable), e.g. --set targets=[7].") List<String> sets;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: the out_dir key, runs/evaluate).") Path out;

    @Override public Integer call() {
        Map<String, String> o = TrainCommands.overrides(sets);
        EvalConfig c = EvalConfig.resolve(config, o);
        Path dir = out != null ? out : c.outDir();
        int most = c.planes();
        for (int p : c.planeCounts()) most = Math.max(most, p);
        for (int p : c.trainPlaneCounts()) most = Math.max(most, p);
        String what = " at " + c.width() + "x" + c.height() + " (" + most + " planes)";
        String hint = "lower img_wh or planes / plane_counts";
        org.mask3d.model.Footprint.inference("evaluate" + what, c.width(), c.height(), most).require(hint);
        if (c.model() == null) org.mask3d.model.Footprint.training("evaluate's training" + what, c.width(), c.height(), most).require(hint);
        System.out.printf(Locale.ROOT, "evaluate: %s at %dx%d, sources %d,%d, targets %s, %d planes, methods %s -> %s%n",
                c.data(), c.width(), c.height(), c.sources()[0], c.sources()[1], java.util.Arrays.toString(c.targets()), c.planes(),
                String.join(",", c.methods().stream().map(m -> m.key()).toList()), dir);
        if (c.model() == null) {
            System.out.printf(Locale.ROOT, "training on the synthetic rig (seed %d): stage 1 %d steps, stage 2 %d steps for %s%s%n",
                    c.trainSeed(), c.stage1Steps(), c.stage2Steps(), c.effectiveLoss(c.maskLoss()).key(),
                    c.lossAblation().isEmpty() ? "" : " and the loss ablation " + String.join(", ",
                            c.lossAblation().stream().map(l -> c.effectiveLoss(l).key()).distinct().toList()));
            if (c.vggWeights() == null && (c.maskLoss().needsVgg() || c.lossAblation().stream().anyMatch(l -> l.needsVgg()))) {
                System.out.println("no vgg_weights: the VGG mask-stage losses run as their L1 counterparts (vgg_only -> l1, no_mask -> l1_no_mask, full_loss -> l1_full_loss); the table says so");
            }
        }
        ProgressBar[] pb = new ProgressBar[1];
        EvalFigures.Report rep;
        try {
            rep = EvalFigures.run(c, dir, new EvaluationRun.Listener() {
                void open(String name, long total, long first) {
                    if (pb[0] != null) pb[0].close();
                    // the phase on its own line, a short task name on the bar, so that the bar keeps its width
                    System.err.println(name);
                    String task = name.startsWith("train") ? "train" : name.split(" ")[0];
                    pb[0] = Progress.builder(task, Math.max(1, total), 500).build();
                    pb[0].stepTo(first);
                }
                @Override public void phase(String name, long total) { open(name, total, 0); }
                @Override public void started(long first, long total) { if (pb[0] != null) pb[0].stepTo(first); }
                @Override public void advanced(long done) { if (pb[0] != null) pb[0].stepTo(done); }
                @Override public void stepped(long step, TrainingStage.Stats st) {
                    if (pb[0] == null) return;
                    pb[0].stepTo(step);
                    pb[0].setExtraMessage(String.format(Locale.ROOT, "loss %.4f psnr %.2f", st.loss(), st.psnr()));
                }
                @Override public void message(String line) {
                    if (pb[0] != null) { pb[0].close(); pb[0] = null; }
                    System.out.println(line);
                }
            });
        } finally {
            if (pb[0] != null) pb[0].close();
        }
        Evaluation.Result r = rep.result();
        System.out.printf(Locale.ROOT, "mean over targets (%s, frames %s, %s):%n", r.table().row(0).getString("size"),
                r.table().row(0).getString("frames"), r.table().row(0).getString("device"));
        System.out.printf(Locale.ROOT, "  %-40s %8s %8s %14s %14s %12s %12s %8s %8s%n", "method", "PSNR dB", "SSIM", "static change", "temporal err", "dynamic L1", "disocc. L1", "tOF", "tLP");
        for (Row row : r.table()) {
            if (!row.getString("target").equals("mean")) continue;
            String label = row.getString("method") + (row.getString("variant").isEmpty() ? "" : " [" + row.getString("variant").replaceAll(" \\(.*", "") + "]");
            System.out.printf(Locale.ROOT, "  %-40s %8s %8s %14s %14s %12s %12s %8s %8s%n", label, v(row, "psnr_db", "%.2f"), v(row, "ssim", "%.4f"),
                    v(row, "static_change", "%.5f"), v(row, "temporal_error", "%.5f"), v(row, "dynamic_l1", "%.4f"), v(row, "disocclusion_l1", "%.4f"),
                    v(row, "tof", "%.4f"), v(row, "tlp", "%.4f"));
        }
        System.out.printf(Locale.ROOT, "wall time %.0f s%s%noutputs:%n", r.wallSeconds(),
                r.protocol().get("models") instanceof Map<?, ?> mm && mm.get("training") instanceof List<?> tl ? " (" + String.join(", ",
                        tl.stream().map(String::valueOf).toList()) + ")" : "");
        for (Path p : r.files()) System.out.println("  " + p);
        for (Path p : rep.figures().values()) System.out.println("  " + p);
        return 0;
    }

    private static String v(Row row, String col, String fmt) {
        if (!row.columnNames().contains(col)) return "-";
        double x = row.getDouble(col);
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, fmt, x);
    }
}
