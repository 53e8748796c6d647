package org.mask3d.eval;

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

    MetricSuite(EvalConfig c) {
        for (String m : c.metrics()) {
            switch (m) {
                case "psnr" -> columns.add(new Column("psnr_db", m, "-10*log10(MSE), render not clamped (released)"));
                case "psnr_clamped" -> columns.add(new Column("psnr_clamped_db", m, "-10*log10(MSE), render clamped to [0,1]"));
                case "ssim" -> columns.add(new Column("ssim", m, "SSIM, 11x11 Gaussian window sigma 1.5, valid positions, mean over RGB"));
                case "ssim_released" -> columns.add(new Column("ssim_released", m, "released kornia SSIM: 3x3 window, reflect padding, map clamped to [0,1]"));
                case "temporal" -> { }
                default -> throw new org.mask3d.InputException("metric " + m + " is not available in this build");
            }
        }
        temporal = c.metrics().contains("temporal");
    }

    List<Column> columns() { return columns; }

    boolean temporal() { return temporal; }

    /** The per-frame values, in {@link #columns()} order. */
    double[] frame(float[] pred, float[] gt, int h, int w) {
        double[] v = new double[columns.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (columns.get(i).metric()) {
                case "psnr" -> Metrics.psnr(pred, gt);
                case "psnr_clamped" -> Metrics.psnrClamped(pred, gt);
                case "ssim" -> Metrics.ssim(pred, gt, 3, h, w);
                case "ssim_released" -> Metrics.ssimReleased(pred, gt, 3, h, w);
                default -> throw new IllegalStateException(columns.get(i).metric());
            };
        }
        return v;
    }

    @Override public void close() {}
}
