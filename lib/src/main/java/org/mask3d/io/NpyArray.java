package org.mask3d.io;

import org.mask3d.InputException;

import java.util.Arrays;

/**
 * An n-dimensional float32 or float64 array in C (row-major) order, as read from or written to a {@code .npy}.
 *
 * <p>Float32 data is held as {@code float[]}, float64 as {@code double[]}; {@link #floats()} and {@link #doubles()}
 * convert on demand. Arrays read from Fortran-order files are already transposed to C order.
 */
public final class NpyArray {
    private final int[] shape;
    private final float[] f32;
    private final double[] f64;

    private NpyArray(int[] shape, float[] f32, double[] f64) {
        this.shape = shape.clone();
        this.f32 = f32;
        this.f64 = f64;
        long n = count(shape);
        long len = f32 != null ? f32.length : f64.length;
        if (n != len) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + len);
        }
    }

    /** A float32 array; {@code data} is used as is (not copied). */
    public static NpyArray ofFloat(float[] data, int... shape) { return new NpyArray(shape, data, null); }

    /** A float64 array; {@code data} is used as is (not copied). */
    public static NpyArray ofDouble(double[] data, int... shape) { return new NpyArray(shape, null, data); }

    static long count(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            try {
                n = Math.multiplyExact(n, s);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds more than 2^63 values");
            }
        }
        return n;
    }

    public int[] shape() { return shape.clone(); }
    public int ndim() { return shape.length; }
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }
    public int size() { return f32 != null ? f32.length : f64.length; }
    public boolean isFloat64() { return f64 != null; }
    /** numpy's dtype string: {@code float32} or {@code float64}. */
    public String dtype() { return f64 != null ? "float64" : "float32"; }

    /** The values as float32: the backing array for float32 data, a rounded copy for float64. */
    public float[] floats() {
        if (f32 != null) return f32;
        float[] out = new float[f64.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) f64[i];
        return out;
    }

    /** The values as float64: the backing array for float64 data, a widened copy for float32. */
    public double[] doubles() {
        if (f64 != null) return f64;
        double[] out = new double[f32.length];
        for (int i = 0; i < out.length; i++) out[i] = f32[i];
        return out;
    }

    /** Value at a flat C-order index, as double. */
    public double get(int flat) { return f32 != null ? f32[flat] : f64[flat]; }

    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? "," : "").append(shape[i]);
        return sb.append(']').toString();
    }

    /**
     * Checks the shape, {@code -1} matching any size, and returns this array.
     *
     * @param what names the array for the error, e.g. {@code "poses_bounds.npy"} or {@code "case.npz: psv"}
     * @throws InputException "what must be [N,17], got [3,15]"
     */
    public NpyArray requireShape(String what, int... expected) {
        boolean ok = expected.length == shape.length;
        for (int i = 0; ok && i < expected.length; i++) ok = expected[i] < 0 || expected[i] == shape[i];
        if (!ok) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < expected.length; i++) {
                sb.append(i > 0 ? "," : "").append(expected[i] < 0 ? "N" : String.valueOf(expected[i]));
            }
            throw new InputException(what + " must have shape " + sb + "], got " + shapeString());
        }
        return this;
    }

    @Override public String toString() { return "NpyArray(" + dtype() + " " + shapeString() + ")"; }
}
