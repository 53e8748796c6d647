package org.mask3d.render;

/**
 * A mask volume for display and bookkeeping: the library's plain {@code float[]} [D, H, W] with its shape.
 * The library's computations take and return the bare array; wrap one ({@code new MaskVolume(mask, d, h, w)})
 * to show it in a notebook, where the kernel renders it as a grid of depth slices.
 *
 * @param values [D, H, W] row-major, values in [0,1] (1 = dynamic content, 0 = static background)
 * @param planes D, planes back to front as in {@link Mpi}
 * @param height H
 * @param width  W
 */
public record MaskVolume(float[] values, int planes, int height, int width) {

    public MaskVolume {
        if (planes <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got [" + planes + "," + height + "," + width + "]");
        }
        if (values.length != (long) planes * height * width) {
            throw new IllegalArgumentException("mask must be [D,H,W] = [" + planes + "," + height + "," + width + "] ("
                    + ((long) planes * height * width) + " floats), got " + values.length + " floats");
        }
    }

    /** Depth slice {@code d} as a copy, [H, W]. */
    public float[] slice(int d) {
        if (d < 0 || d >= planes) throw new IndexOutOfBoundsException("plane " + d + " of " + planes);
        float[] s = new float[height * width];
        System.arraycopy(values, d * height * width, s, 0, s.length);
        return s;
    }

    /** Mean of the mask over the volume. */
    public double mean() {
        double s = 0;
        for (float v : values) s += v;
        return s / values.length;
    }

    @Override
    public String toString() {
        return String.format("MaskVolume[%d planes, %dx%d, mean %.3f]", planes, height, width, mean());
    }
}
