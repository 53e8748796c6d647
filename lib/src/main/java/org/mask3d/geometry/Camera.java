package org.mask3d.geometry;

import java.util.Arrays;

/**
 * A pinhole camera: intrinsics K (3×3), world-to-camera extrinsics (4×4, OpenCV axes: x right, y down, z forward)
 * and the image size it applies to. Matrices are row-major {@code double[]}; pixel centres are at +0.5.
 *
 * @param k      [3,3] intrinsics in pixels of a {@code width × height} image
 * @param w2c    [4,4] world-to-camera rigid transform
 * @param width  image width in pixels
 * @param height image height in pixels
 */
public record Camera(double[] k, double[] w2c, int width, int height) {

    public Camera {
        if (k == null || k.length != 9) throw new IllegalArgumentException("K must be [3,3] (9 values), got "
                + (k == null ? "null" : k.length + " values"));
        if (w2c == null || w2c.length != 16) throw new IllegalArgumentException("w2c must be [4,4] (16 values), got "
                + (w2c == null ? "null" : w2c.length + " values"));
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got "
                + width + "x" + height);
        k = k.clone();
        w2c = w2c.clone();
    }

    /** Intrinsics {@code [[f,0,W/2],[0,f,H/2],[0,0,1]]} (principal point at the image centre). */
    public static double[] intrinsics(double f, int width, int height) {
        return new double[]{f, 0, width / 2.0, 0, f, height / 2.0, 0, 0, 1};
    }

    /**
     * What makes a camera unusable, or {@code null}: a non-finite entry, intrinsics that are not
     * {@code [[fx,s,cx],[0,fy,cy],[0,0,1]]} with {@code fx, fy > 0} (a singular K), or extrinsics whose rotation is not
     * orthonormal (largest {@code |RᵀR − I|} entry above {@code 1e-3}) or whose last row is not {@code [0,0,0,1]}.
     *
     * @param k   [3,3] row-major
     * @param w2c [4,4] row-major
     * @return e.g. "K is singular: fx = 0.0, fy = 0.0 (expected positive focal lengths)"
     */
    public static String problem(double[] k, double[] w2c) {
        for (int i = 0; i < k.length; i++) if (!Double.isFinite(k[i])) return "K[" + i / 3 + "][" + i % 3 + "] is " + k[i] + ", expected a finite number";
        for (int i = 0; i < w2c.length; i++) {
            if (!Double.isFinite(w2c[i])) return "w2c[" + i / 4 + "][" + i % 4 + "] is " + w2c[i] + ", expected a finite number";
        }
        if (!(k[0] > 0 && k[4] > 0)) return "K is singular or flipped: fx = " + k[0] + ", fy = " + k[4] + " (expected positive focal lengths)";
        if (k[3] != 0 || k[6] != 0 || k[7] != 0 || k[8] != 1) {
            return "K's last row and K[1][0] must be [0,0,1] and 0, got " + Arrays.toString(Arrays.copyOfRange(k, 6, 9)) + " and " + k[3];
        }
        if (w2c[12] != 0 || w2c[13] != 0 || w2c[14] != 0 || w2c[15] != 1) {
            return "w2c's last row must be [0,0,0,1], got " + Arrays.toString(Arrays.copyOfRange(w2c, 12, 16));
        }
        double worst = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double dot = 0;
                for (int j = 0; j < 3; j++) dot += w2c[a * 4 + j] * w2c[b * 4 + j];
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        if (worst > 1e-3) {
            return "w2c's rotation is not orthonormal: largest |R R^T - I| entry is " + String.format(java.util.Locale.ROOT, "%.3g", worst)
                    + " (expected at most 0.001)";
        }
        return null;
    }

    @Override public double[] k() { return k.clone(); }
    @Override public double[] w2c() { return w2c.clone(); }

    public double fx() { return k[0]; }
    public double fy() { return k[4]; }
    public double cx() { return k[2]; }
    public double cy() { return k[5]; }

    /** Camera-to-world transform (inverse of {@link #w2c()}). */
    public double[] c2w() { return Mat.inverse(w2c); }

    /** Camera centre in world coordinates, {@code −Rᵀt}. */
    public double[] center() {
        double[] c2w = c2w();
        return new double[]{c2w[3], c2w[7], c2w[11]};
    }

    /** Viewing direction (camera +z) in world coordinates, unit length. */
    public double[] forward() { return new double[]{w2c[8], w2c[9], w2c[10]}; }

    /**
     * This camera for an image resized to {@code newWidth × newHeight}: K's first row scales by
     * {@code newWidth/width}, its second by {@code newHeight/height} (principal point moves with pixel centres
     * because both are measured from the image corner).
     */
    public Camera resized(int newWidth, int newHeight) {
        double sx = (double) newWidth / width, sy = (double) newHeight / height;
        double[] k2 = k.clone();
        for (int j = 0; j < 3; j++) { k2[j] *= sx; k2[3 + j] *= sy; }
        return new Camera(k2, w2c, newWidth, newHeight);
    }

    /** The same intrinsics and size with other extrinsics. */
    public Camera withPose(double[] newW2c) { return new Camera(k, newW2c, width, height); }

    /**
     * Pose of this camera relative to {@code ref}: {@code T = E_this · E_ref⁻¹}, mapping reference-camera
     * coordinates to this camera's ({@code p_this = R p_ref + t}).
     */
    public double[] relativeTo(Camera ref) { return Mat.mul(w2c, Mat.inverse(ref.w2c)); }

    @Override public boolean equals(Object o) {
        return o instanceof Camera c && Arrays.equals(k, c.k) && Arrays.equals(w2c, c.w2c)
                && width == c.width && height == c.height;
    }

    @Override public int hashCode() { return Arrays.hashCode(k) * 31 + Arrays.hashCode(w2c) + width * 7 + height; }

    @Override public String toString() {
        double[] c = center();
        return String.format("Camera(%dx%d, f=%.2f/%.2f, c=(%.2f,%.2f), centre=(%.4f, %.4f, %.4f))",
                width, height, fx(), fy(), cx(), cy(), c[0], c[1], c[2]);
    }
}
