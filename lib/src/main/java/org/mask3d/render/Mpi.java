package org.mask3d.render;

import org.mask3d.geometry.Camera;

/**
 * A multiplane image: D fronto-parallel RGBA planes in the reference camera's frame.
 *
 * @param rgba   [D, H, W, 4], RGB not premultiplied, alpha in [0,1]; planes back to front (index 0 farthest)
 * @param planes D
 * @param height H
 * @param width  W
 * @param depths [D] plane depths in the reference camera, decreasing (back to front)
 * @param ref    the reference camera; its image size must be W × H
 */
public record Mpi(float[] rgba, int planes, int height, int width, double[] depths, Camera ref) {

    public Mpi {
        if (planes <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("MPI size must be positive, got [" + planes + "," + height + "," + width + ",4]");
        }
        if (rgba.length != (long) planes * height * width * 4) {
            throw new IllegalArgumentException("mpi must be [D,H,W,4] = [" + planes + "," + height + "," + width
                    + ",4] (" + ((long) planes * height * width * 4) + " floats), got " + rgba.length + " floats");
        }
        if (depths.length != planes) {
            throw new IllegalArgumentException("depths must have D = " + planes + " entries, got " + depths.length);
        }
        for (int i = 1; i < planes; i++) {
            if (!(depths[i] < depths[i - 1])) {
                throw new IllegalArgumentException("depths must decrease (back to front), got depths[" + (i - 1) + "]="
                        + depths[i - 1] + ", depths[" + i + "]=" + depths[i]);
            }
        }
        if (depths[planes - 1] <= 0) throw new IllegalArgumentException("depths must be positive, got " + depths[planes - 1]);
        if (ref.width() != width || ref.height() != height) {
            throw new IllegalArgumentException("reference camera is " + ref.width() + "x" + ref.height()
                    + " but the MPI is " + width + "x" + height);
        }
        depths = depths.clone();
    }

    @Override public double[] depths() { return depths.clone(); }

    /** Number of pixels of one plane, H·W. */
    public int pixels() { return height * width; }

    /** Bytes of RGBA data (float32). */
    public long bytes() { return 4L * rgba.length; }

    /** One plane's RGBA as [H, W, 4] (a copy). */
    public float[] plane(int d) {
        float[] out = new float[pixels() * 4];
        System.arraycopy(rgba, d * pixels() * 4, out, 0, out.length);
        return out;
    }

    /**
     * The released mask blend on all four channels: {@code m·fg + (1−m)·bg}, per voxel.
     *
     * @param mask [D, H, W] in [0,1]
     */
    public static Mpi blend(Mpi fg, Mpi bg, float[] mask) {
        checkCompatible(fg, bg, mask);
        float[] a = fg.rgba, b = bg.rgba, out = new float[a.length];
        for (int v = 0; v < mask.length; v++) {
            float m = mask[v], im = 1f - m;
            for (int c = 0; c < 4; c++) {
                int i = v * 4 + c;
                out[i] = a[i] * m + b[i] * im;
            }
        }
        return new Mpi(out, fg.planes, fg.height, fg.width, fg.depths, fg.ref);
    }

    /**
     * The masked dynamic MPI {@code m·fg} on all four channels (its accumulated alpha is what MaskLoss sees).
     *
     * @param mask [D, H, W]
     */
    public static Mpi masked(Mpi fg, float[] mask) {
        if (mask.length != fg.planes * fg.pixels()) {
            throw new IllegalArgumentException("mask must be [D,H,W] = [" + fg.planes + "," + fg.height + ","
                    + fg.width + "], got " + mask.length + " floats");
        }
        float[] a = fg.rgba, out = new float[a.length];
        for (int v = 0; v < mask.length; v++) {
            float m = mask[v];
            for (int c = 0; c < 4; c++) out[v * 4 + c] = a[v * 4 + c] * m;
        }
        return new Mpi(out, fg.planes, fg.height, fg.width, fg.depths, fg.ref);
    }

    static void checkCompatible(Mpi fg, Mpi bg, float[] mask) {
        if (fg.planes != bg.planes || fg.height != bg.height || fg.width != bg.width) {
            throw new IllegalArgumentException("MPIs differ in size: [" + fg.planes + "," + fg.height + "," + fg.width
                    + "] vs [" + bg.planes + "," + bg.height + "," + bg.width + "]");
        }
        if (mask.length != fg.planes * fg.pixels()) {
            throw new IllegalArgumentException("mask must be [D,H,W] = [" + fg.planes + "," + fg.height + ","
                    + fg.width + "], got " + mask.length + " floats");
        }
    }
}
