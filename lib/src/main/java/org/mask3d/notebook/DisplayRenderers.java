package org.mask3d.notebook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.mask3d.io.Images;
import org.mask3d.render.MaskVolume;
import org.mask3d.render.Mpi;
import org.mask3d.viz.Grid;
import org.mask3d.viz.ViewerView;
import org.mask3d.viz.Volumes;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The display renderers the library registers with the kernel. Each gives a picture or table and a short
 * {@code text/plain} (what a console or a text-only front end shows):
 *
 * <table>
 *   <tr><th>value</th><th>shown as</th></tr>
 *   <tr><td>{@link RenderedImage} ({@link BufferedImage})</td><td>image/png</td></tr>
 *   <tr><td>XChart chart (any {@code Chart}: XYChart, CategoryChart, ...)</td><td>image/png of the chart</td></tr>
 *   <tr><td>{@link NDArray} of shape [3,H,W], [H,W,3], [1,H,W] or [H,W] with H, W ≥ {@value #MIN_IMAGE_SIDE}</td>
 *       <td>image/png (floats clipped to [0,1], uint8 as 0..255); other shapes text only</td></tr>
 *   <tr><td>{@link Mpi}</td><td>grid of its non-empty planes (at most {@value #MAX_TILES}, evenly spaced)</td></tr>
 *   <tr><td>{@link MaskVolume}</td><td>{@link Volumes#maskGrid}: depth slices (at most 16, evenly spaced), viridis, colour bar</td></tr>
 *   <tr><td>{@link ViewerView} (an exported viewer folder)</td><td>text/html: the interactive viewer in an iframe</td></tr>
 *   <tr><td>Tablesaw {@link Table}</td><td>text/html table (first {@value #MAX_ROWS} rows)</td></tr>
 * </table>
 */
public final class DisplayRenderers {
    public static final int MIN_IMAGE_SIDE = 8;
    public static final int MAX_TILES = 16;
    public static final int MAX_ROWS = 50;
    private static final MIMEType PNG = MIMEType.IMAGE_PNG;
    private static final MIMEType TEXT = MIMEType.TEXT_PLAIN;
    private static final MIMEType HTML = MIMEType.TEXT_HTML;

    private DisplayRenderers() {}

    /** Registers every renderer of the library with {@code renderer}. */
    public static void registerAll(Renderer renderer) {
        renderer.createRegistration(RenderedImage.class).preferring(PNG, TEXT).register((img, ctx) -> {
            ctx.renderIfRequested(PNG, () -> png(img));
            ctx.renderIfRequested(TEXT, () -> describe(img));
        });
        @SuppressWarnings("rawtypes")
        Class<Chart> chartClass = Chart.class;
        renderer.createRegistration(chartClass).preferring(PNG, TEXT).register((chart, ctx) -> {
            ctx.renderIfRequested(PNG, () -> png(BitmapEncoder.getBufferedImage(chart)));
            ctx.renderIfRequested(TEXT, () -> chart.getClass().getSimpleName() + " '" + chart.getTitle() + "' ("
                    + chart.getWidth() + "x" + chart.getHeight() + ")");
        });
        renderer.createRegistration(Mpi.class).preferring(PNG, TEXT).register((mpi, ctx) -> {
            ctx.renderIfRequested(PNG, () -> png(mpiGrid(mpi)));
            ctx.renderIfRequested(TEXT, () -> describe(mpi));
        });
        renderer.createRegistration(MaskVolume.class).preferring(PNG, TEXT).register((mask, ctx) -> {
            ctx.renderIfRequested(PNG, () -> png(maskGrid(mask)));
            ctx.renderIfRequested(TEXT, mask::toString);
        });
        renderer.createRegistration(ViewerView.class).preferring(HTML, TEXT).register((view, ctx) -> {
            ctx.renderIfRequested(HTML, view::html);
            ctx.renderIfRequested(TEXT, view::toString);
        });
        renderer.createRegistration(NDArray.class).preferring(PNG, TEXT).register(DisplayRenderers::renderNd);
        renderer.createRegistration(Table.class).preferring(HTML, TEXT).register((table, ctx) -> {
            ctx.renderIfRequested(HTML, () -> html(table));
            ctx.renderIfRequested(TEXT, () -> table.rowCount() <= MAX_ROWS ? table.printAll() : table.print(MAX_ROWS));
        });
    }

    private static void renderNd(NDArray a, RenderContext ctx) {
        BufferedImage img = isImageShaped(a.getShape()) ? toImage(a) : null;
        if (img != null) ctx.renderIfRequested(PNG, () -> png(img));
        ctx.renderIfRequested(TEXT, a::toString);
    }

    // ------------------------------------------------------------------------------------------ pictures

    /** Base64 PNG, as Jupyter's image/png wants it. */
    public static String png(RenderedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer for " + img);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static String describe(RenderedImage img) {
        String type = img instanceof BufferedImage b ? ", " + imageType(b.getType()) : "";
        return img.getClass().getSimpleName() + " " + img.getWidth() + "x" + img.getHeight() + type;
    }

    private static String imageType(int t) {
        return switch (t) {
            case BufferedImage.TYPE_INT_RGB -> "RGB";
            case BufferedImage.TYPE_INT_ARGB -> "ARGB";
            case BufferedImage.TYPE_BYTE_GRAY -> "grey";
            case BufferedImage.TYPE_3BYTE_BGR -> "BGR";
            case BufferedImage.TYPE_4BYTE_ABGR -> "ABGR";
            default -> "type " + t;
        };
    }

    static String describe(Mpi mpi) {
        double[] d = mpi.depths();
        return String.format("Mpi[%d planes, %dx%d, depths %.3g (plane 0) .. %.3g]", mpi.planes(), mpi.width(),
                mpi.height(), d[0], d[d.length - 1]);
    }

    /** Up to {@link #MAX_TILES} of the MPI's non-empty planes (all planes when every plane is empty). */
    public static BufferedImage mpiGrid(Mpi mpi) {
        int n = mpi.pixels();
        float[] rgba = mpi.rgba();
        List<Integer> nonEmpty = new ArrayList<>();
        for (int d = 0; d < mpi.planes(); d++) {
            for (int p = 0; p < n; p++) {
                if (rgba[(d * n + p) * 4 + 3] > 0) { nonEmpty.add(d); break; }
            }
        }
        if (nonEmpty.isEmpty()) for (int d = 0; d < mpi.planes(); d++) nonEmpty.add(d);
        double[] depths = mpi.depths();
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int d : evenly(nonEmpty, MAX_TILES)) {
            tiles.add(Volumes.plane(mpi, d));
            captions.add(String.format("plane %d, z=%.2f", d, depths[d]));
        }
        return Grid.tile(tiles, Math.min(4, tiles.size()), captions, 4);
    }

    /** The mask volume as {@link Volumes#maskGrid}: depth slices at a readable size, with a colour bar. */
    public static BufferedImage maskGrid(MaskVolume mask) {
        return Volumes.maskGrid(mask.values(), mask.planes(), mask.height(), mask.width(), 4);
    }

    static List<Integer> evenly(List<Integer> items, int max) {
        if (items.size() <= max) return items;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < max; i++) out.add(items.get((int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
        return out;
    }

    /** [3,H,W], [1,H,W], [H,W,3], [H,W] with H, W ≥ {@link #MIN_IMAGE_SIDE}. */
    public static boolean isImageShaped(Shape s) {
        int dims = s.dimension();
        if (dims == 2) return s.get(0) >= MIN_IMAGE_SIDE && s.get(1) >= MIN_IMAGE_SIDE;
        if (dims != 3) return false;
        if ((s.get(0) == 3 || s.get(0) == 1) && s.get(1) >= MIN_IMAGE_SIDE && s.get(2) >= MIN_IMAGE_SIDE) return true;
        return s.get(2) == 3 && s.get(0) >= MIN_IMAGE_SIDE && s.get(1) >= MIN_IMAGE_SIDE;
    }

    /** An image-shaped NDArray as a picture: floats clipped to [0,1], integers (uint8) read as 0..255. */
    public static BufferedImage toImage(NDArray a) {
        Shape s = a.getShape();
        if (!isImageShaped(s)) throw new IllegalArgumentException("not an image shape: " + s);
        boolean bytes = a.getDataType().isInteger();
        float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
        if (bytes) for (int i = 0; i < v.length; i++) v[i] /= 255f;
        int h, w, c;
        float[] chw;
        if (s.dimension() == 2) {
            h = (int) s.get(0); w = (int) s.get(1); c = 1; chw = v;
        } else if (s.get(0) == 3 || s.get(0) == 1) {
            c = (int) s.get(0); h = (int) s.get(1); w = (int) s.get(2); chw = v;
        } else {
            h = (int) s.get(0); w = (int) s.get(1); c = 3;
            chw = new float[v.length];
            int n = h * w;
            for (int p = 0; p < n; p++) for (int k = 0; k < 3; k++) chw[k * n + p] = v[p * 3 + k];
        }
        return Images.toBufferedImage(chw, c, h, w);
    }

    // ------------------------------------------------------------------------------------------ tables

    /**
     * A Tablesaw table as an HTML table: its name as caption, the column names, the first {@link #MAX_ROWS} rows.
     * Floating-point cells show {@value #SIGNIFICANT} significant digits, right-aligned (the table keeps full precision).
     */
    public static String html(Table t) {
        StringBuilder b = new StringBuilder("<table>");
        if (t.name() != null && !t.name().isEmpty()) b.append("<caption>").append(escape(t.name())).append("</caption>");
        b.append("<thead><tr>");
        for (String c : t.columnNames()) b.append("<th>").append(escape(c)).append("</th>");
        b.append("</tr></thead><tbody>");
        int rows = Math.min(t.rowCount(), MAX_ROWS);
        for (int r = 0; r < rows; r++) {
            b.append("<tr>");
            for (int c = 0; c < t.columnCount(); c++) {
                Column<?> col = t.column(c);
                if (col instanceof tech.tablesaw.api.DoubleColumn || col instanceof tech.tablesaw.api.FloatColumn) {
                    Object v = col.get(r);
                    b.append("<td style=\"text-align:right\">").append(v == null ? "" : number(((Number) v).doubleValue())).append("</td>");
                } else {
                    b.append("<td>").append(escape(t.getString(r, c))).append("</td>");
                }
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        if (t.rowCount() > rows) {
            b.append("<p>").append(t.rowCount() - rows).append(" more rows (").append(t.rowCount())
                    .append(" × ").append(t.columnCount()).append(")</p>");
        }
        return b.toString();
    }

    /** Significant digits of floating-point table cells. */
    static final int SIGNIFICANT = 5;

    /** {@code x} to {@link #SIGNIFICANT} significant digits, without exponent for magnitudes in [1e-4, 1e6). */
    static String number(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) return Double.toString(x);
        if (x == 0) return "0";
        double a = Math.abs(x);
        if (a < 1e-4 || a >= 1e6) return String.format(java.util.Locale.ROOT, "%." + (SIGNIFICANT - 1) + "e", x);
        return new java.math.BigDecimal(x).round(new java.math.MathContext(SIGNIFICANT)).stripTrailingZeros().toPlainString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
