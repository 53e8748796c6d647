package org.mask3d.geometry;

import org.mask3d.InputException;
import org.mask3d.io.Npy;
import org.mask3d.io.NpyArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LLFF {@code poses_bounds.npy}: one row of 17 numbers per camera, a camera-to-world 3×5 matrix
 * {@code [R | t | (H, W, f)]} in row-major order with rotation columns [down, right, backwards], then
 * {@code [near, far]}.
 *
 * <p>Conversion to {@link Camera} (OpenCV w2c: x right, y down, z forward) is the released code's (METHOD.md
 * §2.1): {@code M = inverse(c2w)}, swap rows 0 and 1, negate row 2, negate column 2. The column negation is a
 * reflection of the world; it cancels in every relative transform, which is all the method uses.
 * Intrinsics: {@code K = [[f,0,W/2],[0,f,H/2],[0,0,1]]}, both rows then scaled by {@code targetWidth / W}.
 */
public final class Llff {
    private Llff() {}

    /**
     * One row of {@code poses_bounds.npy}.
     *
     * @param c2w  [3,4] camera-to-world in LLFF axes [down, right, backwards], row-major (12 values)
     * @param h    image height COLMAP saw
     * @param w    image width COLMAP saw
     * @param f    focal length in pixels at that size
     * @param near nearest scene depth seen by this camera
     * @param far  farthest scene depth seen by this camera
     */
    public record PoseBounds(double[] c2w, double h, double w, double f, double near, double far) {
        public PoseBounds {
            if (c2w.length != 12) throw new IllegalArgumentException("c2w must be [3,4], got " + c2w.length + " values");
            c2w = c2w.clone();
        }

        @Override public double[] c2w() { return c2w.clone(); }

        /** The camera at the size COLMAP saw. */
        public Camera toCamera() { return toCamera((int) Math.round(w)); }

        /**
         * The camera for images resized to {@code targetWidth} (height scaled by the same factor), OpenCV axes.
         */
        public Camera toCamera(int targetWidth) {
            double[] e = new double[16];
            System.arraycopy(c2w, 0, e, 0, 12);
            e[15] = 1;
            double[] m = Mat.inverse(e);
            double[] cv = new double[16];
            int[] rows = {1, 0, 2, 3};
            for (int i = 0; i < 4; i++) System.arraycopy(m, rows[i] * 4, cv, i * 4, 4);
            for (int j = 0; j < 4; j++) cv[8 + j] = -cv[8 + j];
            for (int i = 0; i < 4; i++) cv[i * 4 + 2] = -cv[i * 4 + 2];
            double s = targetWidth / w;
            int targetHeight = (int) Math.round(h * s);
            double[] k = Camera.intrinsics(f, (int) Math.round(w), (int) Math.round(h));
            k[2] = w / 2.0;
            k[5] = h / 2.0;
            for (int j = 0; j < 6; j++) k[j] *= s;
            return new Camera(k, cv, targetWidth, targetHeight);
        }

        /**
         * The LLFF row of an OpenCV camera, as COLMAP-based tools write it: a proper rotation in LLFF axes
         * [down, right, backwards]. Reading it back with {@link #toCamera} gives the camera in the released code's
         * reflected world ({@code w2c} with its z column negated): every pose relative to another camera of the
         * same rig is unchanged, which is all the method uses. Needs fx = fy and a centred principal point.
         */
        public static PoseBounds fromCamera(Camera cam, double near, double far) {
            double[] cv = cam.w2c();
            for (int j = 0; j < 4; j++) cv[8 + j] = -cv[8 + j];
            double[] m = new double[16];
            int[] rows = {1, 0, 2, 3};
            for (int i = 0; i < 4; i++) System.arraycopy(cv, rows[i] * 4, m, i * 4, 4);
            double[] e = Mat.inverse(m);
            double[] c2w = new double[12];
            System.arraycopy(e, 0, c2w, 0, 12);
            if (Math.abs(cam.fx() - cam.fy()) > 1e-9 * cam.fx()) {
                throw new IllegalArgumentException("LLFF needs fx == fy, got " + cam.fx() + " / " + cam.fy());
            }
            return new PoseBounds(c2w, cam.height(), cam.width(), cam.fx(), near, far);
        }

        /** The 17 numbers of this row, as numpy stores them. */
        public double[] toRow() {
            double[] r = new double[17];
            for (int i = 0; i < 3; i++) {
                System.arraycopy(c2w, i * 4, r, i * 5, 4);
            }
            r[4] = h;
            r[9] = w;
            r[14] = f;
            r[15] = near;
            r[16] = far;
            return r;
        }
    }

    /**
     * Reads {@code poses_bounds.npy}.
     *
     * @throws InputException naming the file if it is missing, not float32/float64, or not [N,17] with N ≥ 1
     */
    public static List<PoseBounds> read(Path path) {
        NpyArray a = Npy.read(path);
        if (a.ndim() != 2 || a.dim(1) != 17 || a.dim(0) < 1) {
            throw new InputException(path + ": poses_bounds must have shape [N,17] (3x5 pose + near, far per camera), got "
                    + a.shapeString());
        }
        double[] v = a.doubles();
        List<PoseBounds> out = new ArrayList<>();
        for (int n = 0; n < a.dim(0); n++) {
            double[] row = new double[17];
            System.arraycopy(v, n * 17, row, 0, 17);
            String bad = rowProblem(row);
            if (bad != null) throw new InputException(path + ": row " + n + " (camera " + n + "): " + bad);
            double[] c2w = new double[12];
            for (int i = 0; i < 3; i++) System.arraycopy(row, i * 5, c2w, i * 4, 4);
            out.add(new PoseBounds(c2w, row[4], row[9], row[14], row[15], row[16]));
        }
        return out;
    }

    /** Largest {@code |RᵀR − I|} entry a rotation may have (float32 storage and rounding stay far below it). */
    public static final double ROTATION_TOLERANCE = 1e-3;

    /** The LLFF row's field names, in numpy's order (3x5 row-major, then near, far). */
    private static final String[] FIELDS = {"R[0][0]", "R[0][1]", "R[0][2]", "t[0]", "H", "R[1][0]", "R[1][1]", "R[1][2]",
            "t[1]", "W", "R[2][0]", "R[2][1]", "R[2][2]", "t[2]", "f", "near", "far"};

    /**
     * What is wrong with one {@code poses_bounds} row, or {@code null}: a non-finite value (naming the field), H, W or
     * f not positive, bounds not {@code 0 < near < far}, or a rotation that is not orthonormal (largest
     * {@code |RᵀR − I|} entry above {@link #ROTATION_TOLERANCE}; a reflection, det −1, is accepted as some tools write
     * one).
     *
     * @param row the 17 numbers of the row
     */
    public static String rowProblem(double[] row) {
        for (int i = 0; i < 17; i++) {
            if (!Double.isFinite(row[i])) return FIELDS[i] + " (column " + i + ") is " + row[i] + ", expected a finite number";
        }
        if (!(row[4] > 0 && row[9] > 0 && row[14] > 0)) {
            return "H, W, f (columns 4, 9, 14) must be positive, got H=" + row[4] + ", W=" + row[9] + ", f=" + row[14];
        }
        if (!(row[15] > 0 && row[16] > row[15])) {
            return "bounds (columns 15, 16) must satisfy 0 < near < far, got near=" + row[15] + ", far=" + row[16];
        }
        double worst = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double dot = 0;
                for (int k = 0; k < 3; k++) dot += row[k * 5 + a] * row[k * 5 + b];
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        if (worst > ROTATION_TOLERANCE) {
            return "rotation R (columns 0-2, 5-7, 10-12) is not orthonormal: largest |R^T R - I| entry is "
                    + String.format(java.util.Locale.ROOT, "%.3g", worst) + " (expected at most " + ROTATION_TOLERANCE + ")";
        }
        return null;
    }

    /** Writes {@code poses_bounds.npy} (float64 [N,17]) atomically. */
    public static void write(Path path, List<PoseBounds> poses) {
        double[] v = new double[poses.size() * 17];
        for (int n = 0; n < poses.size(); n++) System.arraycopy(poses.get(n).toRow(), 0, v, n * 17, 17);
        Npy.write(path, NpyArray.ofDouble(v, poses.size(), 17));
    }
}
