package org.mask3d.render;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Homography;

/**
 * The pure-Java MPI renderer: multi-threaded over output rows, bit-for-bit independent of the thread count.
 *
 * <p>Maths (METHOD.md §4.1–4.2): for plane i with homography {@code H_i} (target pixel → reference pixel, see
 * {@link Homography#targetToReference}), the target pixel centre {@code p = (x+0.5, y+0.5, 1)} maps to
 * {@code q = H_i p}, {@code (u,v) = q_xy / q_z} ({@code q_z == 0} replaced by 1e−8), and the plane's RGBA is sampled
 * bilinearly at pixel-index position {@code (u − 0.5, v − 0.5)} with zeros outside (grid_sample, align_corners=False).
 * Planes are composited front to back with the transmittance {@code T ← T·(1 − α + 1e−8)}, which gives exactly
 * the released back-to-front weights {@code w_i = α_i Π_{j>i}(1 − α_j + 1e−8)}.
 */
public final class CpuRenderer implements MpiRenderer {
    private final int threads;

    /** A renderer using every available core. */
    public CpuRenderer() { this(Parallel.defaultThreads()); }

    /** @param threads worker threads (1 = run on the caller's thread) */
    public CpuRenderer(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
    }

    @Override public String name() { return "java-cpu(" + threads + "t)"; }

    @Override public Rendering render(Mpi mpi, Camera target) {
        final int h = target.height(), w = target.width();
        final int D = mpi.planes(), mh = mpi.height(), mw = mpi.width();
        final double[] depths = mpi.depths();
        final double[][] hom = Homography.targetToReference(mpi.ref(), target, depths);
        final float[] src = mpi.rgba();
        final float[] rgb = new float[3 * h * w], acc = new float[h * w], disp = new float[h * w];
        final int plane = mh * mw * 4;
        Parallel.forEach(h, threads, y -> {
            float[] tr = new float[w];
            float[] r = new float[w], g = new float[w], b = new float[w], a = new float[w], dsp = new float[w];
            java.util.Arrays.fill(tr, 1f);
            double py = y + 0.5;
            for (int i = D - 1; i >= 0; i--) {
                double[] m = hom[i];
                float invd = (float) (1.0 / depths[i]);
                int base = i * plane;
                double qx = m[0] * 0.5 + m[1] * py + m[2];
                double qy = m[3] * 0.5 + m[4] * py + m[5];
                double qz = m[6] * 0.5 + m[7] * py + m[8];
                for (int x = 0; x < w; x++, qx += m[0], qy += m[3], qz += m[6]) {
                    double iz = 1.0 / (qz == 0 ? 1e-8 : qz);
                    double sx = qx * iz - 0.5, sy = qy * iz - 0.5;
                    // all four taps outside (or NaN): alpha 0, and T·(1 − 0 + 1e−8) rounds to T in float32
                    if (!(sx > -1 && sy > -1 && sx < mw && sy < mh)) continue;
                    int x0 = (int) (sx + 1) - 1, y0 = (int) (sy + 1) - 1;   // floor, as sx, sy > −1
                    float fx = (float) (sx - x0), fy = (float) (sy - y0);
                    float cr, cg, cb, ca;
                    if (x0 >= 0 && y0 >= 0 && x0 < mw - 1 && y0 < mh - 1) {   // interior: four taps, no checks
                        int o = base + (y0 * mw + x0) * 4, o2 = o + mw * 4;
                        float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                        cr = w00 * src[o] + w01 * src[o + 4] + w10 * src[o2] + w11 * src[o2 + 4];
                        cg = w00 * src[o + 1] + w01 * src[o + 5] + w10 * src[o2 + 1] + w11 * src[o2 + 5];
                        cb = w00 * src[o + 2] + w01 * src[o + 6] + w10 * src[o2 + 2] + w11 * src[o2 + 6];
                        ca = w00 * src[o + 3] + w01 * src[o + 7] + w10 * src[o2 + 3] + w11 * src[o2 + 7];
                    } else {
                        float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                        cr = 0; cg = 0; cb = 0; ca = 0;
                        boolean xin0 = x0 >= 0, xin1 = x0 + 1 < mw, yin0 = y0 >= 0, yin1 = y0 + 1 < mh;
                        if (yin0) {
                            int row = base + y0 * mw * 4;
                            if (xin0) { int o = row + x0 * 4; cr += w00 * src[o]; cg += w00 * src[o + 1]; cb += w00 * src[o + 2]; ca += w00 * src[o + 3]; }
                            if (xin1) { int o = row + (x0 + 1) * 4; cr += w01 * src[o]; cg += w01 * src[o + 1]; cb += w01 * src[o + 2]; ca += w01 * src[o + 3]; }
                        }
                        if (yin1) {
                            int row = base + (y0 + 1) * mw * 4;
                            if (xin0) { int o = row + x0 * 4; cr += w10 * src[o]; cg += w10 * src[o + 1]; cb += w10 * src[o + 2]; ca += w10 * src[o + 3]; }
                            if (xin1) { int o = row + (x0 + 1) * 4; cr += w11 * src[o]; cg += w11 * src[o + 1]; cb += w11 * src[o + 2]; ca += w11 * src[o + 3]; }
                        }
                    }
                    float t = tr[x];
                    float wt = t * ca;
                    r[x] += wt * cr;
                    g[x] += wt * cg;
                    b[x] += wt * cb;
                    a[x] += wt;
                    dsp[x] += wt * invd;
                    tr[x] = t * (1f - ca + 1e-8f);
                }
            }
            int o = y * w, hw = h * w;
            System.arraycopy(r, 0, rgb, o, w);
            System.arraycopy(g, 0, rgb, hw + o, w);
            System.arraycopy(b, 0, rgb, 2 * hw + o, w);
            System.arraycopy(a, 0, acc, o, w);
            System.arraycopy(dsp, 0, disp, o, w);
        });
        return new Rendering(rgb, acc, disp, h, w);
    }
}
