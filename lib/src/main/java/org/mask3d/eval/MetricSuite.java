package org.mask3d.eval;

import org.mask3d.model.Psnr;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-frame image metrics an evaluation computes, chosen by the config's {@code metrics} names, as table columns.
 * Images are [3,H,W] in [0,1] (renders not clamped unless the metric says so).
 */
final class MetricSuite implements AutoCloseable {
    /** A column: its table name, its config metric, and how it is defined (for metric_variant and protocol.json). */
    record Column(String name, String metric, String definition) {}

    private final List<Column> columns = new ArrayList<>();
    private final boolean temporal;
    private final java.util.Map<String, Lpips> lpips = new java.util.HashMap<>();

    /** Loads the LPIPS networks the config asks for (their weights must exist). */
    MetricSuite(EvalConfig c) {
        this(c, true);
    }

    /** @param load false: columns only, no LPIPS weights read (for laying out an empty table) */
    MetricSuite(EvalConfig c, boolean load) {
        for (String m : c.metrics()) {
            switch (m) {
                case "psnr" -> columns.add(new Column("psnr_db", m, "-10*log10(MSE), render not clamped (released)"));
                case "psnr_clamped" -> columns.add(new Column("psnr_clamped_db", m, "-10*log10(MSE), render clamped to [0,1]"));
                case "ssim" -> columns.add(new Column("ssim", m, "SSIM, 11x11 Gaussian window sigma 1.5, valid positions, mean over RGB"));
                case "ssim_released" -> columns.add(new Column("ssim_released", m, "released kornia SSIM: 3x3 window, reflect padding, map clamped to [0,1]"));
                case "lpips_alex", "lpips_vgg" -> {
                    Lpips.Backbone b = m.equals("lpips_alex") ? Lpips.Backbone.ALEX : Lpips.Backbone.VGG16;
                    columns.add(new Column(m, m, "LPIPS v0.1 (" + b.lpipsName() + "), render clamped to [0,1]"));
                    if (Math.min(c.width(), c.height()) < b.minSize()) {
                        throw new org.mask3d.InputException("metric " + m + " needs images of at least " + b.minSize() + " pixels a side; img_wh is ["
                                + c.width() + ", " + c.height() + "]");
                    }
                    if (load) {
                        String[] wts = c.lpipsWeights().get(m);
                        try {
                            lpips.put(m, Lpips.load(b, java.nio.file.Path.of(wts[0]), java.nio.file.Path.of(wts[1])));
                        } catch (RuntimeException e) {
                            close();
                            throw e;
                        }
                    }
                }
                case "temporal" -> { }
                default -> throw new IllegalStateException("metric " + m + " passed the config check but has no column");
            }
        }
        temporal = c.metrics().contains("temporal");
    }

    List<Column> columns() { return columns; }

    /** The LPIPS network tLP uses: lpips_alex when configured (TecoGAN's choice), else lpips_vgg, else null (tLP absent). */
    Lpips tlpNetwork() {
        return lpips.containsKey("lpips_alex") ? lpips.get("lpips_alex") : lpips.get("lpips_vgg");
    }

    /** Whether an LPIPS metric is configured (its network loaded or not). */
    boolean hasLpips() {
        return columns.stream().anyMatch(c -> c.metric().startsWith("lpips_"));
    }

    /** The metric name tLP uses ({@link #tlpNetwork()}), or null. */
    String tlpMetric() {
        if (columns.stream().anyMatch(c -> c.metric().equals("lpips_alex"))) return "lpips_alex";
        return hasLpips() ? "lpips_vgg" : null;
    }

    boolean temporal() { return temporal; }

    /** The per-frame values, in {@link #columns()} order. */
    double[] frame(float[] pred, float[] gt, int h, int w) {
        double[] v = new double[columns.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (columns.get(i).metric()) {
                case "psnr" -> Psnr.RELEASED.of(pred, gt);
                case "psnr_clamped" -> Psnr.CLAMPED.of(pred, gt);
                case "ssim" -> Metrics.ssim(pred, gt, 3, h, w);
                case "ssim_released" -> Metrics.ssimReleased(pred, gt, 3, h, w);
                case "lpips_alex", "lpips_vgg" -> lpips.get(columns.get(i).metric()).distance(clamp(pred), gt, h, w);
                default -> throw new IllegalStateException(columns.get(i).metric());
            };
        }
        return v;
    }

    private static float[] clamp(float[] a) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) o[i] = Math.max(0f, Math.min(1f, a[i]));
        return o;
    }

    @Override public void close() {
        for (Lpips l : lpips.values()) l.close();
        lpips.clear();
    }
}
