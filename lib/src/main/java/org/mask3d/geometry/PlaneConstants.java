package org.mask3d.geometry;

import java.util.List;

/**
 * The per-view, per-plane constants of a plane sweep (METHOD.md §2.5), computed in one place for every backend
 * (CPU, DJL, CUDA): for source view {@code v} and plane depth {@code d}, a reference pixel centre
 * {@code q = (x+0.5, y+0.5, 1)} maps to the homogeneous source pixel
 * <pre>  p = A_{v,d} q + b_v,   A_{v,d} = d · K_src R K_ref⁻¹,   b_v = K_src t   </pre>
 * where {@code [R | t] = E_src E_ref⁻¹} (OpenCV world-to-camera extrinsics). All in double precision.
 */
public final class PlaneConstants {
    private final int views, planes;
    private final double[] krk;     // [V][9]: K_src R K_ref⁻¹
    private final double[] b;       // [V][3]: K_src t
    private final double[] depths;

    private PlaneConstants(int views, double[] krk, double[] b, double[] depths) {
        this.views = views;
        this.planes = depths.length;
        this.krk = krk;
        this.b = b;
        this.depths = depths.clone();
    }

    /**
     * @param sources the source cameras, in sweep order
     * @param ref     the reference camera
     * @param depths  plane depths in the reference camera, back to front
     */
    public static PlaneConstants of(List<Camera> sources, Camera ref, double[] depths) {
        int V = sources.size();
        double[] kRefInv = Mat.inverse(ref.k());
        double[] krk = new double[9 * V], b = new double[3 * V];
        for (int v = 0; v < V; v++) {
            Camera c = sources.get(v);
            double[] t4 = c.relativeTo(ref);
            System.arraycopy(Mat.mul(Mat.mul(c.k(), Mat.rotation(t4)), kRefInv), 0, krk, 9 * v, 9);
            System.arraycopy(Mat.apply(c.k(), Mat.translation(t4)), 0, b, 3 * v, 3);
        }
        return new PlaneConstants(V, krk, b, depths);
    }

    public int views() { return views; }
    public int planes() { return planes; }

    /** {@code K_src R K_ref⁻¹} of view {@code v} (row-major 3×3; multiply by the depth for {@link #a}). */
    public double[] homography(int v) { return java.util.Arrays.copyOfRange(krk, 9 * v, 9 * v + 9); }

    /** {@code A_{v,d} = d · K_src R K_ref⁻¹}, row-major 3×3. */
    public double[] a(int v, int d) {
        double[] m = homography(v);
        for (int i = 0; i < 9; i++) m[i] *= depths[d];
        return m;
    }

    /** {@code b_v = K_src t}. */
    public double[] b(int v) { return java.util.Arrays.copyOfRange(b, 3 * v, 3 * v + 3); }

    /** Packed for a kernel: per (view, plane), 12 doubles {@code A_{v,d}} (9, row-major) then {@code b_v} (3). */
    public double[] packed() {
        double[] out = new double[12 * views * planes];
        for (int v = 0; v < views; v++) {
            for (int d = 0; d < planes; d++) {
                int o = 12 * (v * planes + d);
                System.arraycopy(a(v, d), 0, out, o, 9);
                System.arraycopy(b, 3 * v, out, o + 9, 3);
            }
        }
        return out;
    }
}
