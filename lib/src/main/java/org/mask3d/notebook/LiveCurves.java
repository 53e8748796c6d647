package org.mask3d.notebook;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.mask3d.train.TrainingStage;
import org.mask3d.viz.Plots;
import org.mask3d.workflow.EvaluationRun;

/**
 * A training-loss chart that updates in place in the notebook while training runs: the listener of
 * {@code Trainer.run} and of {@code EvalFigures.run} / {@code EvaluationRun.run}.
 *
 * <pre>{@code
 * var curves = new LiveCurves("Stage 1: MPINet3d", "training loss (L1)");
 * var result = Trainer.run(cfg, run, Trainer.Mode.OVERWRITE, curves);
 * curves.finish();
 * }</pre>
 *
 * <p>One curve per training run: a phase named {@code "train NAME"} (as the evaluation announces each run) starts a
 * curve called NAME; steps before any such phase go to a curve called "loss". With several runs the x axis is the
 * step counted over all runs in order. The chart appears at the first step and is redrawn at most every
 * {@value #REDRAW_MS} ms; {@link #finish()} draws the last steps. Validations print one line each
 * ("step 60: validation loss 0.1234, PSNR 21.05 dB"), and every phase that is not training prints "· NAME (TOTAL)".
 */
public final class LiveCurves implements EvaluationRun.Listener {
    /** Least time between two redraws, in milliseconds. */
    public static final long REDRAW_MS = 500;

    /** Where the chart goes: the notebook's display, or a test's recorder. */
    interface Sink {
        /** Shows a new picture, returns its id. */
        String show(BufferedImage img);

        /** Replaces the picture with that id. */
        void update(String id, BufferedImage img);
    }

    private static final Sink NOTEBOOK = new Sink() {
        @Override public String show(BufferedImage img) { return Display.display(img); }
        @Override public void update(String id, BufferedImage img) { Display.updateDisplay(id, img); }
    };

    private final XYChart chart;
    private final Sink sink;
    private final LongSupplier clockMs;
    private final Map<String, List<double[]>> runs = new LinkedHashMap<>();
    private List<double[]> current;
    private double offset;       // steps of the runs before the current one
    private double lastX;        // x of the latest point
    private String shown;
    private long drawnAt;
    private boolean dirty;

    /**
     * @param title  chart title
     * @param yLabel y axis title, e.g. "training loss (L1)"
     */
    public LiveCurves(String title, String yLabel) {
        this(title, yLabel, NOTEBOOK, System::currentTimeMillis);
    }

    LiveCurves(String title, String yLabel, Sink sink, LongSupplier clockMs) {
        this.chart = Plots.line(title, "step", yLabel);
        this.sink = sink;
        this.clockMs = clockMs;
    }

    /** The chart (its series are the runs seen so far). */
    public XYChart chart() {
        return chart;
    }

    @Override
    public void phase(String name, long total) {
        if (name.startsWith("train ")) {
            startRun(name.substring("train ".length()));
        } else {
            System.out.println("· " + name + (total > 0 ? " (" + total + ")" : ""));
        }
    }

    @Override
    public void stepped(long step, TrainingStage.Stats s) {
        if (current == null) startRun("loss");
        lastX = offset + step;
        current.add(new double[] {lastX, s.loss()});
        dirty = true;
        if (shown == null || clockMs.getAsLong() - drawnAt >= REDRAW_MS) draw();
    }

    @Override
    public void validated(long step, TrainingStage.Stats s) {
        System.out.printf(Locale.ROOT, "step %d: validation loss %.4f, PSNR %.2f dB%n", step, s.loss(), s.psnr());
    }

    /** Draws the steps not drawn yet (call once training returns). */
    public void finish() {
        if (dirty) draw();
    }

    private void startRun(String name) {
        if (current != null && !current.isEmpty()) offset = lastX;
        String key = name;
        for (int i = 2; runs.containsKey(key); i++) key = name + " (" + i + ")";
        current = new ArrayList<>();
        runs.put(key, current);
        if (runs.size() == 2) {
            chart.setXAxisTitle("step (all runs, in order)");
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        }
    }

    private void draw() {
        for (Map.Entry<String, List<double[]>> e : runs.entrySet()) {
            List<double[]> pts = e.getValue();
            if (pts.isEmpty()) continue;
            double[] x = new double[pts.size()], y = new double[pts.size()];
            for (int i = 0; i < x.length; i++) { x[i] = pts.get(i)[0]; y[i] = pts.get(i)[1]; }
            if (chart.getSeries(e.getKey()) == null) Plots.series(chart, e.getKey(), x, y);
            else chart.updateXYSeries(e.getKey(), x, y, null);
        }
        BufferedImage img = Plots.toImage(chart);
        if (shown == null) shown = sink.show(img); else sink.update(shown, img);
        drawnAt = clockMs.getAsLong();
        dirty = false;
    }
}
