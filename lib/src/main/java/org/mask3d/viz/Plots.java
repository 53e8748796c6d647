package org.mask3d.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mask3d.io.AtomicFiles;

/**
 * XChart (4.0.3) charts that render headless: training curves and a top view of a camera rig.
 */
public final class Plots {
    private Plots() {}

    /** Width of {@link #line} charts in pixels. */
    public static final int LINE_WIDTH = 640;
    /** Height of {@link #line} charts in pixels. */
    public static final int LINE_HEIGHT = 400;
    /** Width and height of {@link #cameraTopView} charts in pixels. */
    public static final int TOP_VIEW_SIZE = 640;

    private static final Color GRID = new Color(225, 225, 225);
    private static final Color CAMERA = new Color(31, 119, 180);
    private static final Color PATH = new Color(214, 39, 40);

    /**
     * An empty line chart, {@value #LINE_WIDTH}×{@value #LINE_HEIGHT} pixels: white background, light grey
     * grid, legend inside the plot at the top right, lines without markers. Add lines with {@link #series}.
     *
     * @param title  chart title (may be empty)
     * @param xLabel x axis title
     * @param yLabel y axis title
     * @return a new chart
     */
    public static XYChart line(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChart(LINE_WIDTH, LINE_HEIGHT);
        chart.setTitle(title == null ? "" : title);
        chart.setXAxisTitle(xLabel == null ? "" : xLabel);
        chart.setYAxisTitle(yLabel == null ? "" : yLabel);
        style(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        return chart;
    }

    private static void style(XYChart chart) {
        var s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.GRAY);
        s.setPlotGridLinesColor(GRID);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setAnnotationTextFontColor(Color.BLACK);
        s.setMarkerSize(8);
        s.setAntiAlias(true);
        s.setSeriesColors(Palette.colors());
    }

    /**
     * Adds a line (no markers, 2 px wide) to a chart, coloured by its position in the chart: the n-th series gets
     * {@link Palette#color Palette.color(n)}, so every multi-series plot uses the same distinct colours.
     *
     * @param chart a chart, e.g. from {@link #line}
     * @param name  series name, unique within the chart (shown in the legend)
     * @param x     [n] x values, or null for 0, 1, …, n-1
     * @param y     [n] y values, n ≥ 1; NaN values leave a gap
     * @return the series, for further styling
     * @throws IllegalArgumentException if y is empty, x and y differ in length, or the name is already used
     */
    public static XYSeries series(XYChart chart, String name, double[] x, double[] y) {
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(name, "name");
        if (y == null || y.length == 0) throw new IllegalArgumentException("series '" + name + "' has no y values");
        if (x != null && x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': x has " + x.length + " values, y has "
                    + y.length + "; they must match");
        }
        if (chart.getSeries(name) != null) {
            throw new IllegalArgumentException("series '" + name + "' is already in the chart");
        }
        double[] xs = x;
        if (xs == null) {
            xs = new double[y.length];
            for (int i = 0; i < xs.length; i++) xs[i] = i;
        }
        int index = chart.getSeriesCollection().size();
        XYSeries s = chart.addSeries(name, xs, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Palette.color(index));
        s.setLineStyle(new BasicStroke(2f));
        return s;
    }

    /**
     * A top view of a camera rig, {@value #TOP_VIEW_SIZE}×{@value #TOP_VIEW_SIZE} pixels.
     *
     * <p>Coordinates are world coordinates in the OpenCV camera convention (x right, y down, z forward), and the
     * view looks down from above (from -y): world x is horizontal (right), world z is vertical (up); the y
     * coordinate is ignored. Each camera centre is a marker (one series, "cameras") labelled with an XChart
     * {@link AnnotationText} placed where it overlaps no other label or marker (cameras at the same spot share one
     * label, "0, 5"); a short segment from each centre along its forward direction
     * (projected onto the x–z plane, length 12% of the scene's extent) shows where it looks; the optional path
     * is a polyline (series "path"). The axes get equal scaling (one unit is as many pixels along x as along z)
     * for the chart's size at creation: the chart is laid out once to measure its plot area, and the longer
     * axis range is widened. Resizing the chart afterwards loses that.
     *
     * @param title    chart title (may be empty)
     * @param centers  [N][3] camera centres in world coordinates, N ≥ 1
     * @param forwards [N][3] forward (+z camera axis) directions in world coordinates, need not be unit length;
     *                 or null for no direction segments
     * @param labels   [N] labels drawn by the markers, or null for "0", "1", …
     * @param path     [M][3] points of a path (e.g. a rendered camera trajectory), or null for none
     * @return a new chart
     * @throws IllegalArgumentException if centers is empty, a row is not 3 long or not finite, or forwards /
     *         labels do not have N entries
     */
    public static XYChart cameraTopView(String title, double[][] centers, double[][] forwards, String[] labels,
                                        double[][] path) {
        int n = checkPoints("centers", centers, 1);
        if (forwards != null && forwards.length != n) {
            throw new IllegalArgumentException("forwards must be [N][3] with N = " + n + " like centers, got N = "
                    + forwards.length);
        }
        if (forwards != null) checkPoints("forwards", forwards, 0);
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException("labels must have N = " + n + " entries like centers, got "
                    + labels.length);
        }
        if (path != null) checkPoints("path", path, 1);

        // Scene extent in the x-z plane, to size the direction segments.
        double[] b = bounds(centers, path, null, 0);
        double extent = Math.max(b[1] - b[0], b[3] - b[2]);
        if (!(extent > 0)) extent = 1.0;
        double len = 0.12 * extent;

        XYChart chart = new XYChart(TOP_VIEW_SIZE, TOP_VIEW_SIZE);
        chart.setTitle(title == null ? "" : title);
        chart.setXAxisTitle("x");
        chart.setYAxisTitle("z");
        style(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);

        double[] cx = new double[n], cz = new double[n];
        for (int i = 0; i < n; i++) {
            cx[i] = centers[i][0];
            cz[i] = centers[i][2];
        }
        if (path != null) {
            double[] px = new double[path.length], pz = new double[path.length];
            for (int i = 0; i < path.length; i++) {
                px[i] = path[i][0];
                pz[i] = path[i][2];
            }
            XYSeries ps = chart.addSeries("path", px, pz);
            ps.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            ps.setMarker(SeriesMarkers.NONE);
            ps.setLineColor(PATH);
            ps.setLineStyle(new BasicStroke(1.5f));
        }
        double[][] tips = null;
        if (forwards != null) {
            tips = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] f = forwards[i];
                double norm = Math.sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
                if (!(norm > 0)) continue; // zero direction: no segment
                tips[i] = new double[] {cx[i] + len * f[0] / norm, cz[i] + len * f[2] / norm};
                XYSeries fs = chart.addSeries("forward " + i, new double[] {cx[i], tips[i][0]},
                        new double[] {cz[i], tips[i][1]});
                fs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                fs.setMarker(SeriesMarkers.NONE);
                fs.setLineColor(CAMERA);
                fs.setLineStyle(new BasicStroke(1.5f));
                fs.setShowInLegend(false);
            }
        }
        XYSeries cams = chart.addSeries("cameras", cx, cz);
        cams.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        cams.setMarker(SeriesMarkers.CIRCLE);
        cams.setMarkerColor(CAMERA);

        // Axis ranges: data bounds plus a margin, then equalised after measuring the plot area.
        double[] r = bounds(centers, path, tips, 0.08 * extent);
        setRanges(chart, r);
        equalise(chart, r);

        placeLabels(chart, cx, cz, tips, labels, r);
        return chart;
    }

    /**
     * Labels that do not overlap: cameras whose markers fall within {@value #MERGE_PX} pixels of each other (e.g. the
     * rows of a rig seen from above) share one label ("0, 5"); each label then takes the first of a few positions
     * around its marker (above, below, right, left, then further out) whose box clears every label placed before,
     * every marker and every direction segment.
     */
    private static void placeLabels(XYChart chart, double[] cx, double[] cz, double[][] tips, String[] labels,
                                    double[] r) {
        int n = cx.length;
        BitmapEncoder.getBufferedImage(chart);   // lay out at the final ranges
        double[] sx = new double[n], sy = new double[n];
        for (int i = 0; i < n; i++) {
            sx[i] = chart.getScreenXFromChart(cx[i]);
            sy[i] = chart.getScreenYFromChart(cz[i]);
        }
        java.awt.FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
                .getFontMetrics(chart.getStyler().getAnnotationTextFont());
        List<double[]> taken = new ArrayList<>();   // boxes {x0, y0, x1, y1} in screen pixels
        for (int i = 0; i < n; i++) {
            taken.add(new double[] {sx[i] - 5, sy[i] - 5, sx[i] + 5, sy[i] + 5});
            if (tips != null && tips[i] != null) {   // the direction segment, as its bounding box
                double tx = chart.getScreenXFromChart(tips[i][0]), ty = chart.getScreenYFromChart(tips[i][1]);
                taken.add(new double[] {Math.min(sx[i], tx) - 1, Math.min(sy[i], ty) - 1, Math.max(sx[i], tx) + 1,
                    Math.max(sy[i], ty) + 1});
            }
        }
        boolean[] done = new boolean[n];
        double xPerPixel = (r[1] - r[0]) / Math.max(1.0, plotWidth(chart, r));
        double zPerPixel = (r[3] - r[2]) / Math.max(1.0, plotHeight(chart, r));
        for (int i = 0; i < n; i++) {
            if (done[i]) continue;
            StringBuilder text = new StringBuilder();
            for (int j = i; j < n; j++) {
                if (done[j] || Math.hypot(sx[j] - sx[i], sy[j] - sy[i]) > MERGE_PX) continue;
                done[j] = true;
                String t = labels == null ? Integer.toString(j) : labels[j];
                if (t == null || t.isEmpty()) continue;
                if (text.length() > 0) text.append(", ");
                text.append(t);
            }
            if (text.length() == 0) continue;
            double w = fm.stringWidth(text.toString()), h = fm.getAscent() + fm.getDescent();
            double[][] offsets = {{0, -14}, {0, 14}, {w / 2 + 9, 0}, {-w / 2 - 9, 0}, {0, -28}, {0, 28},
                {w / 2 + 9, -16}, {-w / 2 - 9, -16}, {w / 2 + 9, 16}, {-w / 2 - 9, 16}, {0, -42}, {0, 42}};
            double[] best = offsets[0];
            for (double[] o : offsets) {
                double[] box = {sx[i] + o[0] - w / 2 - 1, sy[i] + o[1] - h / 2 - 1, sx[i] + o[0] + w / 2 + 1,
                    sy[i] + o[1] + h / 2 + 1};
                boolean clear = true;
                for (double[] t : taken) {
                    if (box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]) { clear = false; break; }
                }
                if (clear) { best = o; break; }
            }
            taken.add(new double[] {sx[i] + best[0] - w / 2 - 1, sy[i] + best[1] - h / 2 - 1,
                sx[i] + best[0] + w / 2 + 1, sy[i] + best[1] + h / 2 + 1});
            // screen y grows downwards, chart z upwards
            chart.addAnnotation(new AnnotationText(text.toString(), cx[i] + best[0] * xPerPixel,
                    cz[i] - best[1] * zPerPixel, false));
        }
    }

    /** Markers closer than this (pixels) share one label in {@link #cameraTopView}. */
    private static final int MERGE_PX = 4;

    /** [xmin, xmax, zmin, zmax] over centres, path and tips, widened by margin on every side. */
    private static double[] bounds(double[][] centers, double[][] path, double[][] tips, double margin) {
        double[] b = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
        for (double[] p : centers) grow(b, p[0], p[2]);
        if (path != null) for (double[] p : path) grow(b, p[0], p[2]);
        if (tips != null) for (double[] t : tips) if (t != null) grow(b, t[0], t[1]);
        b[0] -= margin;
        b[1] += margin;
        b[2] -= margin;
        b[3] += margin;
        if (!(b[1] > b[0])) { b[0] -= 0.5; b[1] += 0.5; }
        if (!(b[3] > b[2])) { b[2] -= 0.5; b[3] += 0.5; }
        return b;
    }

    private static void grow(double[] b, double x, double z) {
        b[0] = Math.min(b[0], x);
        b[1] = Math.max(b[1], x);
        b[2] = Math.min(b[2], z);
        b[3] = Math.max(b[3], z);
    }

    private static void setRanges(XYChart chart, double[] r) {
        chart.getStyler().setXAxisMin(r[0]);
        chart.getStyler().setXAxisMax(r[1]);
        chart.getStyler().setYAxisMin(r[2]);
        chart.getStyler().setYAxisMax(r[3]);
    }

    /** Plot-area width in pixels for the current ranges (lays the chart out once). */
    private static double plotWidth(XYChart chart, double[] r) {
        BitmapEncoder.getBufferedImage(chart);
        return Math.abs(chart.getScreenXFromChart(r[1]) - chart.getScreenXFromChart(r[0]));
    }

    private static double plotHeight(XYChart chart, double[] r) {
        BitmapEncoder.getBufferedImage(chart);
        return Math.abs(chart.getScreenYFromChart(r[3]) - chart.getScreenYFromChart(r[2]));
    }

    /** Widens one axis range (in place) so that a unit spans the same pixels along x and z. */
    private static void equalise(XYChart chart, double[] r) {
        for (int pass = 0; pass < 2; pass++) { // a second pass absorbs tick-label width changes
            double pw = plotWidth(chart, r), ph = plotHeight(chart, r);
            if (!(pw > 0 && ph > 0)) return;
            double sx = pw / (r[1] - r[0]), sz = ph / (r[3] - r[2]);
            double s = Math.min(sx, sz);
            if (sx > s) {
                double half = pw / s / 2, mid = (r[0] + r[1]) / 2;
                r[0] = mid - half;
                r[1] = mid + half;
            } else if (sz > s) {
                double half = ph / s / 2, mid = (r[2] + r[3]) / 2;
                r[2] = mid - half;
                r[3] = mid + half;
            }
            setRanges(chart, r);
        }
    }

    private static int checkPoints(String what, double[][] pts, int minRows) {
        if (pts == null) throw new IllegalArgumentException(what + " must be [N][3], got null");
        if (pts.length < minRows) {
            throw new IllegalArgumentException(what + " must be [N][3] with N >= " + minRows + ", got N = "
                    + pts.length);
        }
        for (int i = 0; i < pts.length; i++) {
            double[] p = pts[i];
            if (p == null || p.length != 3) {
                throw new IllegalArgumentException(what + " must be [N][3], row " + i + " has "
                        + (p == null ? "null" : p.length + " values"));
            }
            for (double v : p) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(what + " row " + i + " is not finite: ["
                            + p[0] + ", " + p[1] + ", " + p[2] + "]");
                }
            }
        }
        return pts.length;
    }

    /**
     * Renders a chart at its own size.
     *
     * @param chart the chart
     * @return a new image, {@code chart.getWidth()} × {@code chart.getHeight()}
     */
    public static BufferedImage toImage(XYChart chart) {
        Objects.requireNonNull(chart, "chart");
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Writes a chart as a PNG at its own size, atomically; parent folders are created.
     *
     * @param chart the chart
     * @param path  the target file (written as given; no extension is added)
     */
    public static void savePng(XYChart chart, Path path) {
        Objects.requireNonNull(chart, "chart");
        Objects.requireNonNull(path, "path");
        AtomicFiles.write(path, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
