package org.mask3d.viz;

import org.mask3d.io.Images;
import org.mask3d.render.Mpi;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Pictures of volumes: MPI planes, plane-sweep-volume slices, mask-volume slices. */
public final class Volumes {
    private Volumes() {}

    /**
     * One MPI plane as a picture: RGB composited over a grey checkerboard by its alpha, so empty regions read as
     * "transparent".
     */
    public static BufferedImage plane(Mpi mpi, int d) {
        int h = mpi.height(), w = mpi.width(), n = h * w;
        float[] rgba = mpi.rgba();
        float[] chw = new float[3 * n];
        int base = d * n * 4;
        for (int p = 0; p < n; p++) {
            int x = p % w, y = p / w;
            float checker = ((x / 8 + y / 8) % 2 == 0) ? 0.8f : 0.6f;
            float a = Math.max(0, Math.min(1, rgba[base + p * 4 + 3]));
            for (int c = 0; c < 3; c++) chw[c * n + p] = a * rgba[base + p * 4 + c] + (1 - a) * checker;
        }
        return Images.toBufferedImage(chw, 3, h, w);
    }

    /**
     * A grid of MPI planes with captions "plane i, depth d".
     *
     * @param onlyNonEmpty skip planes whose alpha is zero everywhere
     */
    public static BufferedImage planeGrid(Mpi mpi, int cols, boolean onlyNonEmpty) {
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        double[] depths = mpi.depths();
        int n = mpi.pixels();
        for (int d = 0; d < mpi.planes(); d++) {
            if (onlyNonEmpty) {
                boolean any = false;
                for (int p = 0; p < n && !any; p++) any = mpi.rgba()[(d * n + p) * 4 + 3] > 0;
                if (!any) continue;
            }
            tiles.add(plane(mpi, d));
            captions.add(String.format("plane %d, z=%.2f", d, depths[d]));
        }
        if (tiles.isEmpty()) throw new IllegalArgumentException("the MPI has no plane with non-zero alpha");
        return Grid.tile(tiles, cols, captions, 4);
    }

    /**
     * One slice of a plane-sweep volume: view {@code v}'s colour on plane {@code d}; −1 (outside the view) shows as
     * magenta.
     *
     * @param psv [3V, D, H, W]
     */
    public static BufferedImage psvSlice(float[] psv, int views, int planes, int h, int w, int v, int d) {
        if (psv.length != 3 * views * planes * h * w) {
            throw new IllegalArgumentException("psv must be [3V,D,H,W] = [" + 3 * views + "," + planes + "," + h + "," + w
                    + "], got " + psv.length + " floats");
        }
        int n = h * w;
        float[] chw = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            int base = ((3 * v + c) * planes + d) * n;
            for (int p = 0; p < n; p++) {
                float val = psv[base + p];
                chw[c * n + p] = val < -0.999f ? (c == 1 ? 0f : 1f) : val;
            }
        }
        return Images.toBufferedImage(chw, 3, h, w);
    }

    /** One depth slice of a mask volume [D,H,W] in a colour map (0 → dark, 1 → bright). */
    public static BufferedImage maskSlice(float[] mask, int planes, int h, int w, int d) {
        if (mask.length != planes * h * w) {
            throw new IllegalArgumentException("mask must be [D,H,W] = [" + planes + "," + h + "," + w + "], got "
                    + mask.length + " floats");
        }
        float[] slice = new float[h * w];
        System.arraycopy(mask, d * h * w, slice, 0, h * w);
        return ColorMap.VIRIDIS.apply(slice, h, w, 0f, 1f);
    }

    /**
     * A plane-sweep volume as a grid: one row per view, one column per chosen plane, and a last row showing how
     * much the views disagree on each plane (mean |colour difference| to view 0 over the other views, in Turbo, 0 to
     * 0.5; voxels outside any view black). Correct poses make a scene point agree on the plane at its depth, so
     * this is how to eyeball pose quality.
     *
     * @param psv    [3V, D, H, W]
     * @param chosen plane indices to show
     * @param depths [D] plane depths for the captions
     */
    public static BufferedImage psvGrid(float[] psv, int views, int planes, int h, int w, int[] chosen, double[] depths) {
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int v = 0; v < views; v++) {
            for (int d : chosen) {
                tiles.add(psvSlice(psv, views, planes, h, w, v, d));
                caps.add(String.format("view %d, plane %d (z=%.2f)", v, d, depths[d]));
            }
        }
        if (views > 1) {
            int n = h * w;
            for (int d : chosen) {
                float[] dis = new float[n];
                for (int p = 0; p < n; p++) {
                    double s = 0;
                    boolean outside = false;
                    for (int v = 1; v < views; v++) {
                        for (int c = 0; c < 3; c++) {
                            float a = psv[((3 * 0 + c) * planes + d) * n + p], b = psv[((3 * v + c) * planes + d) * n + p];
                            if (a < -0.999f || b < -0.999f) outside = true;
                            s += Math.abs(a - b) / (3.0 * (views - 1));
                        }
                    }
                    dis[p] = outside ? Float.NaN : (float) s;
                }
                tiles.add(ColorMap.TURBO.apply(dis, h, w, 0f, 0.5f));
                caps.add(String.format("disagreement, plane %d", d));
            }
        }
        return Grid.tile(tiles, chosen.length, caps, 4);
    }

    /** Mask-volume tiles are shown at least this wide (smaller volumes are enlarged, nearest neighbour). */
    public static final int MIN_TILE_WIDTH = 160;
    /** Mask-volume tiles wider than this are shown every k-th pixel. */
    public static final int MAX_TILE_WIDTH = 320;
    /** At most this many depth slices in {@link #maskGrid}; more planes are sampled evenly (first and last kept). */
    public static final int MAX_SLICES = 16;

    /**
     * A mask volume as a grid of depth slices with a colour bar: the figure the notebooks and the evaluation show.
     *
     * <p>Slices are in plane order (plane 0 is the farthest, as everywhere in mask3d), at most {@value #MAX_SLICES}
     * of them, evenly spaced; each is resized by an integer factor so that it is {@value #MIN_TILE_WIDTH} to
     * {@value #MAX_TILE_WIDTH} pixels wide where possible (nearest neighbour, so voxels stay visible as blocks), and
     * captioned "plane i" (with depths: "plane i, z 2.41"). Viridis from 0 (dark purple) to 1 (yellow). Under the
     * grid a colour bar 0 … 1 with ticks at 0, 0.25, 0.5, 0.75, 1 and a line with the volume's own min, mean and max.
     *
     * @param mask   [D, H, W], values in [0, 1]
     * @param planes D, at least 1
     * @param h      H
     * @param w      W
     * @param cols   columns of the grid, at least 1
     * @param depths [D] plane depths for the captions, or null for plane indices only
     * @return a new RGB image
     * @throws IllegalArgumentException if mask is not D·H·W long or depths not D long
     */
    public static BufferedImage maskGrid(float[] mask, int planes, int h, int w, int cols, double[] depths) {
        if (planes < 1 || h < 1 || w < 1 || mask == null || mask.length != (long) planes * h * w) {
            throw new IllegalArgumentException("mask must be [D,H,W] = [" + planes + "," + h + "," + w + "], got "
                    + (mask == null ? "null" : mask.length + " floats"));
        }
        if (depths != null && depths.length != planes) {
            throw new IllegalArgumentException("depths must have D = " + planes + " entries, got " + depths.length);
        }
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int d : evenly(planes, MAX_SLICES)) {
            tiles.add(readable(maskSlice(mask, planes, h, w, d)));
            caps.add(depths == null ? "plane " + d : String.format(java.util.Locale.ROOT, "plane %d, z %.3g", d, depths[d]));
        }
        BufferedImage grid = Grid.tile(tiles, cols, caps, 4);
        return withColourBar(grid, ColorMap.VIRIDIS, 0f, 1f, "mask: 0 = background MPI, 1 = dynamic MPI; "
                + "this volume: " + stats(mask));
    }

    /** {@link #maskGrid(float[], int, int, int, int, double[])} without depths in the captions. */
    public static BufferedImage maskGrid(float[] mask, int planes, int h, int w, int cols) {
        return maskGrid(mask, planes, h, w, cols, null);
    }

    /** "min 0.01, mean 0.42, max 0.98". */
    static String stats(float[] v) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, sum = 0;
        for (float x : v) { lo = Math.min(lo, x); hi = Math.max(hi, x); sum += x; }
        return String.format(java.util.Locale.ROOT, "min %.2f, mean %.2f, max %.2f", lo, sum / v.length, hi);
    }

    /** Indices 0..n-1, or max of them evenly spaced with the first and last kept. */
    static int[] evenly(int n, int max) {
        int k = Math.min(n, max);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = k == 1 ? 0 : (int) Math.round(i * (n - 1) / (double) (k - 1));
        return out;
    }

    /** Integer-factor resize towards {@value #MIN_TILE_WIDTH}..{@value #MAX_TILE_WIDTH} pixels wide, nearest neighbour. */
    public static BufferedImage readable(BufferedImage img) {
        int w = img.getWidth();
        if (w < MIN_TILE_WIDTH) return Grid.enlarge(img, (MIN_TILE_WIDTH + w - 1) / w);
        if (w <= MAX_TILE_WIDTH) return img;
        int step = (w + MAX_TILE_WIDTH - 1) / MAX_TILE_WIDTH;
        BufferedImage out = new BufferedImage(w / step, img.getHeight() / step, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, img.getRGB(x * step, y * step));
        }
        return out;
    }

    /**
     * Adds a horizontal colour bar under an image: the map from {@code min} to {@code max} (as wide as the image, at
     * most 480 pixels), five tick labels, and a caption line under it.
     *
     * @return a new RGB image, as wide as the wider of the image and the caption
     */
    public static BufferedImage withColourBar(BufferedImage img, ColorMap map, float min, float max, String caption) {
        java.awt.Font font = Grid.CAPTION_FONT;
        java.awt.FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(font);
        int pad = 8, barH = 14, line = fm.getHeight();
        int barW = Math.max(120, Math.min(480, img.getWidth() - 2 * pad - 40));
        int width = Math.max(img.getWidth(), fm.stringWidth(caption) + 2 * pad);
        int height = img.getHeight() + pad + barH + 2 + line + line + pad;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(img, 0, 0, null);
            int x0 = (width - barW) / 2, y0 = img.getHeight() + pad;
            for (int x = 0; x < barW; x++) {
                g.setColor(new java.awt.Color(map.rgb(x / (float) (barW - 1))));
                g.drawLine(x0 + x, y0, x0 + x, y0 + barH - 1);
            }
            g.setColor(java.awt.Color.GRAY);
            g.drawRect(x0 - 1, y0 - 1, barW + 1, barH + 1);
            g.setColor(java.awt.Color.BLACK);
            g.setFont(font);
            for (int t = 0; t <= 4; t++) {
                int x = x0 + Math.round(t * (barW - 1) / 4f);
                g.drawLine(x, y0 + barH, x, y0 + barH + 2);
                String label = new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.3g",
                        min + t * (max - min) / 4.0)).stripTrailingZeros().toPlainString();
                g.drawString(label, x - fm.stringWidth(label) / 2, y0 + barH + 2 + fm.getAscent());
            }
            g.drawString(caption, (width - fm.stringWidth(caption)) / 2, y0 + barH + 2 + line + fm.getAscent());
        } finally {
            g.dispose();
        }
        return out;
    }
}
