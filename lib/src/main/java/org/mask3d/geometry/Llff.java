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
            double[] c2w = new double[12];
            for (int i = 0; i < 3; i++) System.arraycopy(row, i * 5, c2w, i * 4, 4);
            PoseBounds pb = new PoseBounds(c2w, row[4], row[9], row[14], row[15], row[16]);
            if (!(pb.h > 0 && pb.w > 0 && pb.f > 0)) {
                throw new InputException(path + ": camera " + n + ": H, W, f must be positive, got H=" + pb.h
                        + ", W=" + pb.w + ", f=" + pb.f);
            }
            if (!(pb.near > 0 && pb.far > pb.near)) {
                throw new InputException(path + ": camera " + n + ": bounds must satisfy 0 < near < far, got near="
                        + pb.near + ", far=" + pb.far);
            }
            out.add(pb);
        }
        return out;
    }

    /** Writes {@code poses_bounds.npy} (float64 [N,17]) atomically. */
    public static void write(Path path, List<PoseBounds> poses) {
        double[] v = new double[poses.size() * 17];
        for (int n = 0; n < poses.size(); n++) System.arraycopy(poses.get(n).toRow(), 0, v, n * 17, 17);
        Npy.write(path, NpyArray.ofDouble(v, poses.size(), 17));
    }
}
