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
}
