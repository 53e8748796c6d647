package org.mask3d.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The LLFF novel-view render path the released code renders videos along ({@code generate_render_path}, N=30):
 * three back-and-forth sweeps along the mean camera's axes, then two spirals, 30+30+30+60+120 = 270 poses.
 *
 * <p>All maths is in LLFF camera-to-world axes [down, right, backwards]; {@link #cameras} converts the poses to
 * OpenCV {@link Camera}s exactly as {@link Llff.PoseBounds#toCamera} does. Parameters (METHOD.md §4.3):
 * {@code close = 0.9·min(near)}, {@code inf = 5·max(far)}, focus {@code 1/(0.25/close + 0.75/inf)}, shrink 0.8,
 * z-delta {@code 0.2·close}, radii = 90th percentile of |camera centre| in the mean camera's frame.
 */
public final class RenderPath {
    private RenderPath() {}

    /** Which of the five components to include; all by default. */
    public static final boolean[] ALL = {true, true, true, true, true};

    /**
     * @param poses the input cameras' LLFF rows (c2w and bounds)
     * @param n     poses per component unit (released: 30)
     * @return LLFF camera-to-world [3,4] matrices (12 values each), row-major
     */
    public static List<double[]> generate(List<Llff.PoseBounds> poses, boolean[] comps, int n) {
        if (poses.isEmpty()) throw new IllegalArgumentException("need at least one camera");
        double minNear = poses.stream().mapToDouble(Llff.PoseBounds::near).min().orElseThrow();
        double maxFar = poses.stream().mapToDouble(Llff.PoseBounds::far).max().orElseThrow();
        double close = minNear * 0.9, inf = maxFar * 5.0;
        double dt = 0.75;
        double focal = 1.0 / ((1.0 - dt) / close + dt / inf);
        double shrink = 0.8;
        double zdelta = close * 0.2;

        double[] avg = average(poses);
        double[] up = new double[3];
        for (Llff.PoseBounds p : poses) for (int i = 0; i < 3; i++) up[i] += p.c2w()[i * 4];
        up = Mat.normalize(up);

        double[][] tt = new double[3][poses.size()];
        for (int k = 0; k < poses.size(); k++) {
            double[] c = poses.get(k).c2w();
            double[] d = {c[3] - avg[3], c[7] - avg[7], c[11] - avg[11]};
            for (int i = 0; i < 3; i++) tt[i][k] = Math.abs(avg[i] * d[0] + avg[4 + i] * d[1] + avg[8 + i] * d[2]);
        }
        double[] rads = {percentile(tt[0], 90), percentile(tt[1], 90), percentile(tt[2], 90)};

        List<double[]> out = new ArrayList<>();
        if (comps[0]) out.addAll(axis(avg, up, 1, shrink * rads[1], focal, n));
        if (comps[1]) out.addAll(axis(avg, up, 0, shrink * rads[0], focal, n));
        if (comps[2]) out.addAll(axis(avg, up, 2, shrink * zdelta, focal, n));
        rads[2] = zdelta;
        if (comps[3]) out.addAll(spiral(avg, up, rads, focal, 0.0, 1, n * 2));
        if (comps[4]) out.addAll(spiral(avg, up, rads, focal, 0.5, 2, n * 4));
        return out;
    }

    /** The whole released path (all five components, N = 30). */
    public static List<double[]> generate(List<Llff.PoseBounds> poses) { return generate(poses, ALL, 30); }

    /**
     * Converts LLFF c2w path poses to cameras with the intrinsics and size of {@code like}, in the world of
     * {@link Llff.PoseBounds#toCamera} (the released conversion, which reflects the world). Render with reference
     * cameras converted the same way, or use {@link #cameras(List, Llff.PoseBounds, Camera)}.
     */
    public static List<Camera> cameras(List<double[]> c2wPath, Camera like) {
        List<Camera> cams = new ArrayList<>();
        for (double[] c2w : c2wPath) {
            Camera c = new Llff.PoseBounds(c2w, like.height(), like.width(), like.fx(), 1, 2).toCamera(like.width());
            cams.add(new Camera(like.k(), c.w2c(), like.width(), like.height()));
        }
        return cams;
    }

    /**
     * Path cameras expressed in the world of {@code ref}, the camera whose LLFF row is {@code refRow}: each path
     * camera keeps its pose relative to the reference (which the released conversion's reflection leaves unchanged)
     * and takes {@code ref}'s intrinsics and size. Use this when the MPI's reference camera did not come through
     * {@link Llff.PoseBounds#toCamera}, e.g. a synthetic rig.
     */
    public static List<Camera> cameras(List<double[]> c2wPath, Llff.PoseBounds refRow, Camera ref) {
        Camera refLlff = refRow.toCamera(ref.width());
        List<Camera> out = new ArrayList<>();
        for (Camera c : cameras(c2wPath, refLlff)) out.add(ref.withPose(Mat.mul(c.relativeTo(refLlff), ref.w2c())));
        return out;
    }

    /** Mean pose: centre = mean of centres, z = normalised sum of z axes, "up" = sum of x (down) axes. */
    static double[] average(List<Llff.PoseBounds> poses) {
        double[] center = new double[3], z = new double[3], x = new double[3];
        for (Llff.PoseBounds p : poses) {
            double[] c = p.c2w();
            for (int i = 0; i < 3; i++) {
                center[i] += c[i * 4 + 3] / poses.size();
                z[i] += c[i * 4 + 2];
                x[i] += c[i * 4];
            }
        }
        return viewMatrix(z, x, center);
    }

    /** LLFF's view matrix: columns [vec0, vec1, vec2, pos] with vec2 = z, vec1 = z × up, vec0 = vec1 × vec2. */
    static double[] viewMatrix(double[] z, double[] up, double[] pos) {
        double[] v2 = Mat.normalize(z);
        double[] v1 = Mat.normalize(Mat.cross(v2, up));
        double[] v0 = Mat.normalize(Mat.cross(v1, v2));
        double[] m = new double[12];
        for (int i = 0; i < 3; i++) {
            m[i * 4] = v0[i];
            m[i * 4 + 1] = v1[i];
            m[i * 4 + 2] = v2[i];
            m[i * 4 + 3] = pos[i];
        }
        return m;
    }

    private static List<double[]> axis(double[] c2w, double[] up, int ax, double rad, double focal, int n) {
        List<double[]> out = new ArrayList<>();
        double[] center = {c2w[3], c2w[7], c2w[11]};
        for (int k = 0; k < n; k++) {
            double t = -1.0 + 2.0 * k / n;
            double[] c = new double[3], z = new double[3];
            for (int i = 0; i < 3; i++) {
                c[i] = center[i] + t * c2w[i * 4 + ax] * rad;
                z[i] = c[i] - (center[i] - focal * c2w[i * 4 + 2]);
            }
            out.add(viewMatrix(Mat.normalize(z), up, c));
        }
        return out;
    }

    private static List<double[]> spiral(double[] c2w, double[] up, double[] rads, double focal, double zrate,
                                         int rots, int n) {
        List<double[]> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double theta = 2.0 * Math.PI * rots * k / n;
            double[] h = {-Math.sin(theta) * rads[0], Math.cos(theta) * rads[1], -Math.sin(theta * zrate) * rads[2], 1};
            double[] c = new double[3], z = new double[3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) c[i] += c2w[i * 4 + j] * h[j];
                double look = c2w[i * 4 + 3] - focal * c2w[i * 4 + 2];
                z[i] = c[i] - look;
            }
            out.add(viewMatrix(Mat.normalize(z), up, c));
        }
        return out;
    }

    /** numpy's default (linear) percentile. */
    static double percentile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = (s.length - 1) * q / 100.0;
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}
