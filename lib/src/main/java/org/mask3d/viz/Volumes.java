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
}
