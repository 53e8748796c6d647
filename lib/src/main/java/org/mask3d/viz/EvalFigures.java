package org.mask3d.viz;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.mask3d.eval.EvalConfig;
import org.mask3d.eval.Evaluation;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Images;
import org.mask3d.workflow.EvaluationRun;
import tech.tablesaw.api.Row;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation's figures, from an {@link Evaluation.Result}: per-frame curves, a bar chart of temporal error per
 * method, qualitative strips across time, error maps at disocclusions and the mask volume. It draws and never
 * computes results; {@link #run} is the one-call entry point for notebooks and the CLI: evaluate
 * ({@link EvaluationRun#run}), then draw.
 */
public final class EvalFigures {
    private EvalFigures() {}

    /** An evaluation and its figures (name → PNG path). */
    public record Report(Evaluation.Result result, Map<String, Path> figures) {}

    /** Figure file names. */
    public static final String CURVES = "per_frame_curves.png", BARS = "temporal_error.png", STRIPS = "strips.png",
            ERRORS = "error_maps.png", MASK = "mask_volume.png";

    /** Evaluates ({@link EvaluationRun#run}) and writes every figure next to the tables. */
    public static Report run(EvalConfig c, Path out, EvaluationRun.Listener listener) {
        Evaluation.Result r = EvaluationRun.run(c, out, listener);
        return new Report(r, write(r, out));
    }

    /** Whether the temporal measures were computed (the config's metrics hold {@code temporal}). */
    static boolean temporal(Evaluation.Result r) {
        return r.series().stream().anyMatch(s -> java.util.Arrays.stream(s.staticChange()).anyMatch(Double::isFinite));
    }

    /** Writes every figure of {@code r} into {@code out} (the temporal bar chart only when temporal was measured). */
    public static Map<String, Path> write(Evaluation.Result r, Path out) {
        Map<String, Path> f = new LinkedHashMap<>();
        f.put("curves", save(curves(r), out.resolve(CURVES)));
        if (temporal(r)) {
            f.put("bars", saveChart(temporalBars(r), out.resolve(BARS)));
        } else {
            try {
                java.nio.file.Files.deleteIfExists(out.resolve(BARS));   // not a stale one from an earlier run
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        f.put("strips", save(strips(r), out.resolve(STRIPS)));
        f.put("errors", save(errorMaps(r), out.resolve(ERRORS)));
        if (r.snapshot().mask3d() != null) f.put("mask", save(maskVolume(r), out.resolve(MASK)));
        return f;
    }

    private static Path save(BufferedImage img, Path p) {
        Images.writePng(p, img);
        return p;
    }

    private static Path saveChart(CategoryChart chart, Path p) {
        AtomicFiles.write(p, o -> BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG));
        return p;
    }

    private static String protocolLine(Evaluation.Result r) {
        Row any = r.table().row(0);
        return String.format(Locale.ROOT, "%s %s, sources %s, target %d, %s planes, %s", any.getString("data"), any.getString("size"),
                any.getString("sources"), r.strip().target(), any.getString("planes"), any.getString("device"));
    }

    /** PSNR per frame and the static-pixel change from the previous frame, per method at the first target. */
    public static BufferedImage curves(Evaluation.Result r) {
        int target = r.strip().target();
        XYChart psnr = Plots.line("PSNR per frame", "frame", "PSNR (dB)");
        XYChart change = Plots.line("Frame-to-frame change on static pixels", "frame", "mean |R_t - R_(t-1)|");
        for (Evaluation.Series s : r.series()) {
            if (s.target() != target) continue;
            double[] x = new double[s.frames().length];
            for (int i = 0; i < x.length; i++) x[i] = s.frames()[i];
            Plots.series(psnr, s.method().key(), x, finite(s.psnr()));
            Plots.series(change, s.method().key(), x, s.staticChange());
        }
        Evaluation.Series first = r.series().stream().filter(s -> s.target() == target).findFirst().orElseThrow();
        double[] x = new double[first.frames().length];
        for (int i = 0; i < x.length; i++) x[i] = first.frames()[i];
        XYSeries gt = Plots.series(change, "ground truth", x, first.gtChange());
        gt.setLineColor(Color.BLACK);
        gt.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
        psnr.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        change.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        BufferedImage both = temporal(r) ? Grid.sideBySide(Plots.toImage(psnr), Plots.toImage(change)) : Plots.toImage(psnr);
        return titled(both, "Per-frame curves: " + protocolLine(r));
    }

    private static double[] finite(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) if (!Double.isFinite(o[i])) o[i] = Double.NaN;
        return o;
    }

    /** Mean over targets of the static-pixel change and the temporal error, per method (and loss-ablation model). */
    public static CategoryChart temporalBars(Evaluation.Result r) {
        List<String> labels = new ArrayList<>();
        List<Double> change = new ArrayList<>(), err = new ArrayList<>();
        for (Row row : r.table()) {
            if (!row.getString("target").equals("mean") || row.getString("group").startsWith("planes")) continue;
            String v = row.getString("variant");
            String label = row.getString("group").equals("methods") ? row.getString("method")
                    : "mask3d " + (v.contains("->") ? v.replaceAll(".*-> ", "").replaceAll(" \\(.*", "") : v.replace("loss ", ""));
            labels.add(label);
            change.add(row.getDouble("static_change"));
            err.add(row.getDouble("temporal_error"));
        }
        CategoryChart c = new CategoryChartBuilder().width(Math.max(640, 110 * labels.size())).height(440)
                .title("Temporal stability (mean over targets; lower is steadier)").xAxisTitle("method (loss-ablation models: mask3d LOSS)").yAxisTitle("mean absolute change").build();
        var s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(225, 225, 225));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setXAxisLabelRotation(20);
        s.setLabelsVisible(false);
        s.setSeriesColors(Palette.colors());
        c.addSeries("change on static pixels", labels, change);
        c.addSeries("temporal error vs ground truth", labels, err);
        return c;
    }

    /** The crop shown in the strips: around the moving objects when the image is large, else the whole image. */
    static int[] crop(Evaluation.Strip s) {
        int h = s.height(), w = s.width();
        if (w <= 128) return new int[]{0, 0, w, h};
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (boolean[] d : s.dynamic()) {
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                if (d[y * w + x]) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
            }
        }
        int cw = Math.max(w / 3, x1 - x0 + 1 + w / 10), ch = Math.max(h / 3, y1 - y0 + 1 + h / 10);
        if (x1 < 0) { x0 = w / 3; y0 = h / 3; x1 = x0; y1 = y0; }
        cw = Math.min(w, cw);
        ch = Math.min(h, ch);
        int cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
        int left = Math.max(0, Math.min(w - cw, cx - cw / 2)), top = Math.max(0, Math.min(h - ch, cy - ch / 2));
        return new int[]{left, top, cw, ch};
    }

    static BufferedImage cropImage(float[] chw, int h, int w, int[] box) {
        return Images.toBufferedImage(chw, 3, h, w).getSubimage(box[0], box[1], box[2], box[3]);
    }

    static int enlargeFactor(int width) { return Math.max(1, (int) Math.ceil(160.0 / width)); }

    /** One row per method and the ground truth, one column per consecutive frame; the same crop everywhere. */
    public static BufferedImage strips(Evaluation.Result r) {
        Evaluation.Strip s = r.strip();
        int[] box = crop(s);
        int k = enlargeFactor(box[2]);
        List<String> rows = new ArrayList<>(s.renders().keySet());
        rows.add("ground truth");
        List<List<BufferedImage>> cells = new ArrayList<>();
        for (String m : rows) {
            List<float[]> imgs = m.equals("ground truth") ? s.truth() : s.renders().get(m);
            List<BufferedImage> row = new ArrayList<>();
            for (float[] im : imgs) row.add(Grid.enlarge(copy(cropImage(im, s.height(), s.width(), box)), k));
            cells.add(row);
        }
        List<String> cols = new ArrayList<>();
        for (int t : s.frames()) cols.add("frame " + t);
        return titled(labelled(cells, rows, cols), String.format(Locale.ROOT, "Frames across time at camera %d, crop x %d-%d, y %d-%d, enlarged %dx",
                s.target(), box[0], box[0] + box[2] - 1, box[1], box[1] + box[3] - 1, k));
    }

    private static BufferedImage copy(BufferedImage sub) {
        BufferedImage o = new BufferedImage(sub.getWidth(), sub.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = o.createGraphics();
        g.drawImage(sub, 0, 0, null);
        g.dispose();
        return o;
    }

    /**
     * Renders (top) and absolute errors (bottom, mean over RGB, 0 to 0.5 in Turbo) of every method at the snapshot
     * frame; disoccluded pixels (rig) outlined in white on the error maps and shown in magenta on the ground truth.
     */
    public static BufferedImage errorMaps(Evaluation.Result r) {
        Evaluation.Snapshot s = r.snapshot();
        int h = s.height(), w = s.width(), n = h * w, k = enlargeFactor(w);
        List<String> names = new ArrayList<>(s.renders().keySet());
        List<BufferedImage> top = new ArrayList<>(), bottom = new ArrayList<>();
        for (String m : names) {
            float[] im = s.renders().get(m), err = new float[n];
            for (int p = 0; p < n; p++) {
                double e = 0;
                for (int c = 0; c < 3; c++) e += Math.abs(im[c * n + p] - s.truth()[c * n + p]);
                err[p] = (float) (e / 3);
            }
            top.add(Grid.enlarge(Images.toBufferedImage(im, 3, h, w), k));
            BufferedImage em = Grid.enlarge(ColorMap.TURBO.apply(err, h, w, 0f, 0.5f), k);
            if (s.disocclusion() != null) outline(em, s.disocclusion(), h, w, k, Color.MAGENTA);
            bottom.add(em);
        }
        top.add(Grid.enlarge(Images.toBufferedImage(s.truth(), 3, h, w), k));
        BufferedImage gt = Grid.enlarge(Images.toBufferedImage(s.truth(), 3, h, w), k);
        if (s.disocclusion() != null) {
            for (int p = 0; p < n; p++) {
                if (!s.disocclusion()[p]) continue;
                int x = p % w, y = p / w;
                for (int dy = 0; dy < k; dy++) for (int dx = 0; dx < k; dx++) gt.setRGB(x * k + dx, y * k + dy, 0xFF00FF);
            }
        }
        bottom.add(gt);
        List<String> cols = new ArrayList<>(names);
        cols.add("ground truth");
        String title = String.format(Locale.ROOT, "Camera %d, frame %d: renders (top), |error| 0-0.5 Turbo (bottom)%s",
                s.target(), s.frame(), s.disocclusion() != null ? "; disocclusions outlined in magenta, filled on the ground truth" : "");
        return titled(labelled(List.of(top, bottom), List.of("render", "|error|"), cols), title);
    }

    private static void outline(BufferedImage img, boolean[] m, int h, int w, int k, Color c) {
        int rgb = c.getRGB();
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            if (!m[y * w + x]) continue;
            boolean l = x == 0 || !m[y * w + x - 1], rr = x == w - 1 || !m[y * w + x + 1];
            boolean u = y == 0 || !m[(y - 1) * w + x], d = y == h - 1 || !m[(y + 1) * w + x];
            int th = k >= 4 ? 2 : 1;   // line thickness inside the pixel's block
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < th; j++) {
                    if (l) img.setRGB(x * k + j, y * k + i, rgb);
                    if (rr) img.setRGB(x * k + k - 1 - j, y * k + i, rgb);
                    if (u) img.setRGB(x * k + i, y * k + j, rgb);
                    if (d) img.setRGB(x * k + i, y * k + k - 1 - j, rgb);
                }
            }
        }
    }

    /**
     * The 3D mask volume's planes (back to front, at most {@value Volumes#MAX_SLICES} evenly spaced, viridis 0 to 1),
     * then the 2D baseline's mask and the 3D mask's mean over planes, at the snapshot frame, with a colour bar.
     */
    public static BufferedImage maskVolume(Evaluation.Result r) {
        Evaluation.Snapshot s = r.snapshot();
        int h = s.height(), w = s.width(), d = s.depths().length;
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int i : Volumes.evenly(d, Volumes.MAX_SLICES)) {
            tiles.add(Volumes.readable(Volumes.maskSlice(s.mask3d(), d, h, w, i)));
            caps.add(String.format(Locale.ROOT, "plane %d, z %.3g", i, s.depths()[i]));
        }
        tiles.add(Volumes.readable(ColorMap.VIRIDIS.apply(s.mask2d(), h, w, 0f, 1f)));
        caps.add("2D mask (baseline)");
        float[] mean = new float[h * w];
        for (int i = 0; i < d; i++) for (int p = 0; p < h * w; p++) mean[p] += s.mask3d()[i * h * w + p] / d;
        tiles.add(Volumes.readable(ColorMap.VIRIDIS.apply(mean, h, w, 0f, 1f)));
        caps.add("3D mask, mean of planes");
        BufferedImage grid = Volumes.withColourBar(Grid.tile(tiles, 6, caps, 4), ColorMap.VIRIDIS, 0f, 1f,
                "mask: 0 = background MPI, 1 = dynamic MPI; 3D mask: " + Volumes.stats(s.mask3d()));
        return titled(grid, String.format(Locale.ROOT,
                "Mask volume in the reference view (camera %s), frame %d: planes far (0) to near, depth z",
                r.table().row(0).getString("sources").split(",")[0], s.frame()));
    }

    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    /** A grid with row labels on the left and column labels on top. */
    static BufferedImage labelled(List<List<BufferedImage>> cells, List<String> rowLabels, List<String> colLabels) {
        int cw = 0, ch = 0, cols = 0;
        for (List<BufferedImage> row : cells) {
            cols = Math.max(cols, row.size());
            for (BufferedImage b : row) { cw = Math.max(cw, b.getWidth()); ch = Math.max(ch, b.getHeight()); }
        }
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(LABEL);
        int lw = 0;
        for (String s : rowLabels) lw = Math.max(lw, fm.stringWidth(s));
        int lh = fm.getHeight();
        pg.dispose();
        int pad = 4, left = lw + 3 * pad, topH = lh + 2 * pad;
        int W = left + cols * (cw + pad) + pad, H = topH + cells.size() * (ch + pad) + pad;
        BufferedImage out = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(LABEL);
        for (int c = 0; c < colLabels.size() && c < cols; c++) {
            String s = colLabels.get(c);
            int x = left + c * (cw + pad) + (cw - fm.stringWidth(s)) / 2;
            g.drawString(s, Math.max(left + c * (cw + pad), x), pad + fm.getAscent());
        }
        for (int r = 0; r < cells.size(); r++) {
            int y = topH + r * (ch + pad);
            g.drawString(rowLabels.get(r), pad, y + ch / 2 + fm.getAscent() / 2);
            for (int c = 0; c < cells.get(r).size(); c++) g.drawImage(cells.get(r).get(c), left + c * (cw + pad), y, null);
        }
        g.dispose();
        return out;
    }

    /** The image with a title line above it. */
    static BufferedImage titled(BufferedImage img, String title) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(TITLE);
        pg.dispose();
        int th = fm.getHeight() + 8, W = Math.max(img.getWidth(), fm.stringWidth(title) + 16);
        BufferedImage out = new BufferedImage(W, img.getHeight() + th, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(title, 8, 4 + fm.getAscent());
        g.drawImage(img, 0, th, null);
        g.dispose();
        return out;
    }
}
