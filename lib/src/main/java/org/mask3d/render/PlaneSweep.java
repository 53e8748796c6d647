package org.mask3d.render;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneConstants;

import java.util.List;

/**
 * Plane-sweep volumes: each source image resampled onto the planes of a reference camera.
 *
 * <p>Maths (METHOD.md §2.5): for plane depth d and reference pixel centre (x+0.5, y+0.5),
 * <pre>
 *   X_ref = d · K_ref⁻¹ (x+0.5, y+0.5, 1)ᵀ,   X_src = E_src E_ref⁻¹ X_ref,   p = K_src X_src
 *   p_z ≤ 0 → outside;   (u, v) = p_xy / p_z
 * </pre>
 * then the source is sampled bilinearly with zero padding around a +1 shift, so a voxel that sees no source pixel
 * holds −1 (the network can tell "outside" from black). Where (u, v) lands is set by {@link Sampling}.
 */
public final class PlaneSweep implements PlaneSweeper {
    private static final PlaneSweep CPU = new PlaneSweep(0);

    private final int threads;

    private PlaneSweep(int threads) { this.threads = threads; }

    /** The pure-Java backend on every core. */
    public static PlaneSweep cpu() { return CPU; }

    /** The pure-Java backend on {@code threads} threads (0: every core). */
    public static PlaneSweep cpu(int threads) { return threads == 0 ? CPU : new PlaneSweep(threads); }

    @Override public Psv sweep(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths, Sampling sampling) {
        float[] v = volume(images, cameras, ref, depths, sampling, threads == 0 ? Parallel.defaultThreads() : threads);
        return new Psv(v, images.size(), depths.length, ref.height(), ref.width());
    }

    @Override public String name() { return "cpu"; }

    /** Where a source pixel coordinate (u, v) is sampled. */
    public enum Sampling {
        /**
         * The released code (default; needed with the official weights): {@code (u/W·2−1, v/H·2−1)} sampled with
         * {@code align_corners=True}, i.e. at pixel index {@code u·(W−1)/W}. The reference view's own slice is
         * therefore resampled about half a pixel off (METHOD.md §7.5).
         */
        RELEASED,
        /** Exact pixel-centre alignment: pixel index {@code u − 0.5} (the forward warp's convention). */
        PIXEL_CENTERS
    }

    /**
     * Builds a plane-sweep volume.
     *
     * @param images  V source images, each [3, H_v, W_v] in [0,1] matching its camera's size
     * @param cameras V source cameras
     * @param ref     the reference camera; its size is the volume's H × W
     * @param depths  [D] plane depths in the reference camera, back to front
     * @return [3V, D, H, W]: channel 3v+c is colour c of view v; −1 outside a view
     */
    public static float[] volume(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths,
                                 Sampling sampling, int threads) {
        if (images.size() != cameras.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + cameras.size() + " cameras");
        }
        final int V = images.size(), D = depths.length, H = ref.height(), W = ref.width();
        for (int v = 0; v < V; v++) {
            Camera c = cameras.get(v);
            int n = 3 * c.width() * c.height();
            if (images.get(v).length != n) {
                throw new IllegalArgumentException("image " + v + " must be [3," + c.height() + "," + c.width()
                        + "] (" + n + " floats) to match its camera, got " + images.get(v).length + " floats");
            }
        }
        final float[] out = new float[3 * V * D * H * W];
        // per view and plane: p = A (x+0.5, y+0.5, 1) + b with A = d K_src R K_ref⁻¹, b = K_src t
        final PlaneConstants pc = PlaneConstants.of(cameras, ref, depths);
        final double[][] a = new double[V * D][];
        final double[][] bv = new double[V][];
        for (int v = 0; v < V; v++) {
            bv[v] = pc.b(v);
            for (int d = 0; d < D; d++) a[v * D + d] = pc.a(v, d);
        }
        Parallel.forEach(V * D * H, threads, job -> {
            int y = job % H, vd = job / H, v = vd / D, d = vd % D;
            Camera sc = cameras.get(v);
            int sw = sc.width(), sh = sc.height();
            float[] img = images.get(v);
            double[] m = a[vd], b = bv[v];
            double py = y + 0.5;
            int plane = H * W, chan = D * plane;
            int o0 = (3 * v) * chan + d * plane + y * W;
            for (int x = 0; x < W; x++) {
                double px = x + 0.5;
                double qx = m[0] * px + m[1] * py + m[2] + b[0];
                double qy = m[3] * px + m[4] * py + m[5] + b[1];
                double qz = m[6] * px + m[7] * py + m[8] + b[2];
                float r = -1, g = -1, bl = -1;
                if (qz > 0) {
                    double u = qx / qz, vv = qy / qz, sx, sy;
                    if (sampling == Sampling.RELEASED) {
                        sx = u * (sw - 1) / sw;
                        sy = vv * (sh - 1) / sh;
                    } else {
                        sx = u - 0.5;
                        sy = vv - 0.5;
                    }
                    if (sx > -1 && sy > -1 && sx < sw && sy < sh) {
                        int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                        double fx = sx - x0, fy = sy - y0;
                        double acr = 0, acg = 0, acb = 0;
                        int sp = sw * sh;
                        for (int k = 0; k < 4; k++) {
                            int xi = x0 + (k & 1), yi = y0 + (k >> 1);
                            if (xi < 0 || yi < 0 || xi >= sw || yi >= sh) continue;
                            double wt = ((k & 1) == 1 ? fx : 1 - fx) * ((k >> 1) == 1 ? fy : 1 - fy);
                            int o = yi * sw + xi;
                            acr += wt * (img[o] + 1.0);
                            acg += wt * (img[sp + o] + 1.0);
                            acb += wt * (img[2 * sp + o] + 1.0);
                        }
                        r = (float) (acr - 1);
                        g = (float) (acg - 1);
                        bl = (float) (acb - 1);
                    }
                }
                out[o0 + x] = r;
                out[o0 + chan + x] = g;
                out[o0 + 2 * chan + x] = bl;
            }
        });
        return out;
    }

    /** {@link #volume} on every core. */
    public static float[] volume(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths,
                                 Sampling sampling) {
        return volume(images, cameras, ref, depths, sampling, Parallel.defaultThreads());
    }
}
