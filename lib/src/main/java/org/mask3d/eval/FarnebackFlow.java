package org.mask3d.eval;

/**
 * Dense optical flow by Gunnar Farnebäck's method ("Two-Frame Motion Estimation Based on Polynomial Expansion",
 * SCIA 2003), written in Java after the structure of OpenCV's {@code calcOpticalFlowFarneback}: what TecoGAN's tOF
 * calls with {@code (pyr_scale 0.5, levels 3, winsize 15, iterations 3, poly_n 5, poly_sigma 1.2, flags 0)}, the
 * {@link #TECOGAN} parameters.
 *
 * <h2>Conventions</h2>
 * Images are grey [H, W] row-major, values in [0, 255] (as OpenCV's 8-bit input). The flow is [H, W, 2] row-major,
 * {@code (dx, dy)} per pixel, mapping the first image onto the second: {@code next(x + dx, y + dy) ≈ prev(x, y)}; pixel
 * centres at integer coordinates.
 *
 * <h2>Method</h2>
 * <ol>
 *   <li><b>Polynomial expansion</b>: around each pixel, the image is fitted by weighted least squares with
 *       {@code f(x) ≈ xᵀAx + bᵀx + c} over a (2n+1)² window with Gaussian applicability {@code exp(−|x|²/(2σ²))}
 *       (n = {@code polyN}/2, σ = {@code polySigma}); borders replicated. The fit is a fixed linear map of six
 *       separable weighted moments.</li>
 *   <li><b>Displacement</b>: with a current flow d̃, the second image's expansion is sampled (bilinearly) at x + d̃;
 *       {@code A = (A₁ + A₂)/2}, {@code Δb = −(b₂ − b₁)/2 + A d̃}; the normal equations {@code G = AᵀA},
 *       {@code h = AᵀΔb} are averaged over a {@code winsize}² box and {@code d = G⁻¹h} (with 1e-3 added to the
 *       determinant, as OpenCV); a pixel whose displaced position leaves the image keeps its own
 *       expansion with b₂ = 0, as OpenCV. Near the border (5 px) the equations are down-weighted by OpenCV's factors.
 *       {@code iterations} rounds per level.</li>
 *   <li><b>Pyramid</b>: as many extra levels as fit (up to {@code levels}, each side ≥ 32 px), scale
 *       {@code pyrScale^k}; each level's images are Gaussian-smoothed with σ = (1/scale − 1)/2 then resized
 *       bilinearly; the coarser level's flow, resized and divided by {@code pyrScale}, starts the finer one.</li>
 * </ol>
 * It is not bit-identical to OpenCV (its polynomial-expansion kernels and border rules differ in detail); the tests
 * check it against flows known by construction.
 */
public final class FarnebackFlow {
    /**
     * Farnebäck's parameters.
     *
     * @param pyrScale   scale between pyramid levels, in (0, 1)
     * @param levels     extra pyramid levels at most
     * @param winsize    side of the box the normal equations are averaged over (odd)
     * @param iterations displacement rounds per level
     * @param polyN      polynomial-expansion window side (5 or 7)
     * @param polySigma  Gaussian applicability σ of the expansion
     */
    public record Params(double pyrScale, int levels, int winsize, int iterations, int polyN, double polySigma) {
        public Params {
            if (!(pyrScale > 0 && pyrScale < 1)) throw new IllegalArgumentException("pyrScale must be in (0,1), got " + pyrScale);
            if (levels < 0 || winsize < 1 || iterations < 1 || polyN < 3 || !(polySigma > 0)) {
                throw new IllegalArgumentException("bad Farneback parameters: " + levels + " levels, winsize " + winsize + ", "
                        + iterations + " iterations, polyN " + polyN + ", polySigma " + polySigma);
            }
        }
    }

    /** TecoGAN's tOF call: {@code cv2.calcOpticalFlowFarneback(prev, next, None, 0.5, 3, 15, 3, 5, 1.2, 0)}. */
    public static final Params TECOGAN = new Params(0.5, 3, 15, 3, 5, 1.2);

    private static final int MIN_SIZE = 32;
    private static final float[] BORDER = {0.14f, 0.14f, 0.4472f, 0.4472f, 0.4472f};

    private FarnebackFlow() {}

    /**
     * The flow from {@code prev} to {@code next}.
     *
     * @param prev [H, W] grey in [0, 255]
     * @param next [H, W] grey in [0, 255]
     * @return [H, W, 2] (dx, dy)
     */
    public static float[] flow(float[] prev, float[] next, int height, int width, Params p) {
        if (prev.length != height * width || next.length != height * width) {
            throw new IllegalArgumentException("images must be [H,W] = [" + height + "," + width + "], got " + prev.length
                    + " and " + next.length + " values");
        }
        int levels = 0;
        double sc = 1;
        for (int k = 0; k < p.levels(); k++) {
            sc *= p.pyrScale();
            if (width * sc < MIN_SIZE || height * sc < MIN_SIZE) break;
            levels = k + 1;
        }
        float[] flow = null;
        int fw = 0, fh = 0;
        for (int k = levels; k >= 0; k--) {
            double scale = Math.pow(p.pyrScale(), k);
            int w = (int) Math.round(width * scale), h = (int) Math.round(height * scale);
            float[] d;
            if (flow == null) {
                d = new float[h * w * 2];
            } else {
                d = resize(flow, fh, fw, 2, h, w);
                for (int i = 0; i < d.length; i++) d[i] /= (float) p.pyrScale();
            }
            double sigma = (1 / scale - 1) * 0.5;
            float[] i0 = level(prev, height, width, sigma, h, w), i1 = level(next, height, width, sigma, h, w);
            float[] r0 = polyExp(i0, h, w, p.polyN() / 2, p.polySigma()), r1 = polyExp(i1, h, w, p.polyN() / 2, p.polySigma());
            for (int it = 0; it < p.iterations(); it++) {
                float[] m = matrices(r0, r1, d, h, w);
                boxBlur(m, h, w, 5, p.winsize() / 2);
                solve(m, d, h * w);
            }
            flow = d;
            fw = w;
            fh = h;
        }
        return flow;
    }

    /** Grey of an RGB [3, H, W] image in [0, 1], as OpenCV's RGB2GRAY on 8-bit values: round(0.299R + 0.587G + 0.114B) of the clamped, rounded channels. */
    public static float[] grey(float[] chw, int height, int width) {
        int n = height * width;
        if (chw.length != 3 * n) throw new IllegalArgumentException("image must be [3,H,W] = [3," + height + "," + width + "], got " + chw.length + " values");
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            double v = 0.299 * q(chw[i]) + 0.587 * q(chw[n + i]) + 0.114 * q(chw[2 * n + i]);
            g[i] = (float) Math.round(v);
        }
        return g;
    }

    private static long q(float v) { return Math.round(Math.max(0f, Math.min(1f, v)) * 255.0); }

    /** One pyramid level: Gaussian-smoothed by σ (none at σ = 0), resized to h × w bilinearly. */
    private static float[] level(float[] img, int height, int width, double sigma, int h, int w) {
        float[] s = img;
        if (sigma > 0) {
            double[] g = Metrics.gaussianKernel1d(Math.max(3, ((int) Math.round(sigma * 5)) | 1), sigma);
            s = separable(img, height, width, g, g);
        }
        return h == height && w == width ? s : resize(s, height, width, 1, h, w);
    }

    /** Bilinear resize with half-pixel centres (OpenCV's INTER_LINEAR), {@code ch} interleaved channels, borders replicated. */
    static float[] resize(float[] src, int sh, int sw, int ch, int h, int w) {
        float[] out = new float[h * w * ch];
        double fy = (double) sh / h, fx = (double) sw / w;
        for (int y = 0; y < h; y++) {
            double sy = Math.max(0, (y + 0.5) * fy - 0.5);
            int y0 = Math.min((int) sy, sh - 1), y1 = Math.min(y0 + 1, sh - 1);
            double ay = sy - y0;
            for (int x = 0; x < w; x++) {
                double sx = Math.max(0, (x + 0.5) * fx - 0.5);
                int x0 = Math.min((int) sx, sw - 1), x1 = Math.min(x0 + 1, sw - 1);
                double ax = sx - x0;
                for (int c = 0; c < ch; c++) {
                    double v = (1 - ay) * ((1 - ax) * src[(y0 * sw + x0) * ch + c] + ax * src[(y0 * sw + x1) * ch + c])
                            + ay * ((1 - ax) * src[(y1 * sw + x0) * ch + c] + ax * src[(y1 * sw + x1) * ch + c]);
                    out[(y * w + x) * ch + c] = (float) v;
                }
            }
        }
        return out;
    }

    /** {@code Σ_j kx[j]·ky[i]·img(y+i−r, x+j−r)} with replicated borders; kernels of odd length. */
    private static float[] separable(float[] img, int h, int w, double[] kx, double[] ky) {
        int rx = kx.length / 2, ry = ky.length / 2;
        float[] tmp = new float[h * w], out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int j = 0; j < kx.length; j++) s += kx[j] * img[y * w + clamp(x + j - rx, w)];
                tmp[y * w + x] = (float) s;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int i = 0; i < ky.length; i++) s += ky[i] * tmp[clamp(y + i - ry, h) * w + x];
                out[y * w + x] = (float) s;
            }
        }
        return out;
    }

    private static int clamp(int v, int n) { return v < 0 ? 0 : v >= n ? n - 1 : v; }

    /**
     * Polynomial expansion: per pixel {@code [bx, by, axx, ayy, axy]} of {@code f ≈ c + bx·x + by·y + axx·x² + ayy·y²
     * + axy·x·y} (axy the full cross coefficient), [H, W, 5].
     */
    static float[] polyExp(float[] img, int h, int w, int n, double sigma) {
        int len = 2 * n + 1;
        double[] g = new double[len], xg = new double[len], xxg = new double[len];
        for (int i = 0; i < len; i++) {
            double x = i - n;
            g[i] = Math.exp(-x * x / (2 * sigma * sigma));
            xg[i] = x * g[i];
            xxg[i] = x * x * g[i];
        }
        // moments m_ab = Σ g(x)g(y) x^a y^b f; basis order 1, x, y, x², y², xy
        float[] m00 = separable(img, h, w, g, g), m10 = separable(img, h, w, xg, g), m01 = separable(img, h, w, g, xg),
                m20 = separable(img, h, w, xxg, g), m02 = separable(img, h, w, g, xxg), m11 = separable(img, h, w, xg, xg);
        double[] gram = new double[36];
        int[][] pw = {{0, 0}, {1, 0}, {0, 1}, {2, 0}, {0, 2}, {1, 1}};
        for (int a = 0; a < 6; a++) {
            for (int b = 0; b < 6; b++) {
                double s = 0;
                for (int i = 0; i < len; i++) {
                    for (int j = 0; j < len; j++) {
                        double x = j - n, y = i - n;
                        s += g[i] * g[j] * Math.pow(x, pw[a][0] + pw[b][0]) * Math.pow(y, pw[a][1] + pw[b][1]);
                    }
                }
                gram[a * 6 + b] = s;
            }
        }
        double[] inv = org.mask3d.geometry.Mat.inverse(gram);
        float[] out = new float[h * w * 5];
        for (int p = 0; p < h * w; p++) {
            double[] m = {m00[p], m10[p], m01[p], m20[p], m02[p], m11[p]};
            for (int k = 0; k < 5; k++) {
                double s = 0;
                for (int j = 0; j < 6; j++) s += inv[(k + 1) * 6 + j] * m[j];
                out[p * 5 + k] = (float) s;
            }
        }
        return out;
    }

    /** The per-pixel normal equations {@code [g11, g12, g22, h1, h2]} (x first) for the current flow, [H, W, 5]. */
    private static float[] matrices(float[] r0, float[] r1, float[] flow, int h, int w) {
        float[] m = new float[h * w * 5];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                float dx = flow[p * 2], dy = flow[p * 2 + 1];
                float fx = x + dx, fy = y + dy;
                int x1 = (int) Math.floor(fx), y1 = (int) Math.floor(fy);
                float bx, by, axx, ayy, axy;   // axy: half the cross coefficient (the matrix entry)
                if (fx >= 0 && fy >= 0 && fx <= w - 1 && fy <= h - 1) {
                    // inside the image, its last row and column included (OpenCV stops one short; here an unmoved
                    // pixel of an unchanged image always compares with itself, so a static video has zero flow)
                    float ax = fx - x1, ay = fy - y1;
                    float a00 = (1 - ax) * (1 - ay), a01 = ax * (1 - ay), a10 = (1 - ax) * ay, a11 = ax * ay;
                    int q00 = y1 * w + x1, q01 = y1 * w + Math.min(x1 + 1, w - 1), q10 = Math.min(y1 + 1, h - 1) * w + x1,
                            q11 = Math.min(y1 + 1, h - 1) * w + Math.min(x1 + 1, w - 1);
                    float[] s = new float[5];
                    for (int k = 0; k < 5; k++) {
                        s[k] = a00 * r1[q00 * 5 + k] + a01 * r1[q01 * 5 + k] + a10 * r1[q10 * 5 + k] + a11 * r1[q11 * 5 + k];
                    }
                    bx = s[0];
                    by = s[1];
                    axx = (r0[p * 5 + 2] + s[2]) * 0.5f;
                    ayy = (r0[p * 5 + 3] + s[3]) * 0.5f;
                    axy = (r0[p * 5 + 4] + s[4]) * 0.25f;
                } else {
                    bx = by = 0;
                    axx = r0[p * 5 + 2];
                    ayy = r0[p * 5 + 3];
                    axy = r0[p * 5 + 4] * 0.5f;
                }
                float dbx = (r0[p * 5] - bx) * 0.5f + axx * dx + axy * dy;
                float dby = (r0[p * 5 + 1] - by) * 0.5f + axy * dx + ayy * dy;
                if (x < BORDER.length || y < BORDER.length || x >= w - BORDER.length || y >= h - BORDER.length) {
                    float s = (x < BORDER.length ? BORDER[x] : 1f) * (x >= w - BORDER.length ? BORDER[w - x - 1] : 1f)
                            * (y < BORDER.length ? BORDER[y] : 1f) * (y >= h - BORDER.length ? BORDER[h - y - 1] : 1f);
                    dbx *= s; dby *= s; axx *= s; ayy *= s; axy *= s;
                }
                m[p * 5] = axx * axx + axy * axy;
                m[p * 5 + 1] = (axx + ayy) * axy;
                m[p * 5 + 2] = ayy * ayy + axy * axy;
                m[p * 5 + 3] = axx * dbx + axy * dby;
                m[p * 5 + 4] = axy * dbx + ayy * dby;
            }
        }
        return m;
    }

    /** Mean over a (2r+1)² box, per channel of {@code ch} interleaved, borders replicated, in place. */
    private static void boxBlur(float[] m, int h, int w, int ch, int r) {
        float[] tmp = new float[m.length];
        int len = 2 * r + 1;
        for (int y = 0; y < h; y++) {
            for (int c = 0; c < ch; c++) {
                double s = 0;
                for (int j = -r; j <= r; j++) s += m[(y * w + clamp(j, w)) * ch + c];
                for (int x = 0; x < w; x++) {
                    tmp[(y * w + x) * ch + c] = (float) (s / len);
                    s += m[(y * w + clamp(x + r + 1, w)) * ch + c] - m[(y * w + clamp(x - r, w)) * ch + c];
                }
            }
        }
        for (int x = 0; x < w; x++) {
            for (int c = 0; c < ch; c++) {
                double s = 0;
                for (int i = -r; i <= r; i++) s += tmp[(clamp(i, h) * w + x) * ch + c];
                for (int y = 0; y < h; y++) {
                    m[(y * w + x) * ch + c] = (float) (s / len);
                    s += tmp[(clamp(y + r + 1, h) * w + x) * ch + c] - tmp[(clamp(y - r, h) * w + x) * ch + c];
                }
            }
        }
    }

    private static void solve(float[] m, float[] flow, int n) {
        for (int p = 0; p < n; p++) {
            double g11 = m[p * 5], g12 = m[p * 5 + 1], g22 = m[p * 5 + 2], h1 = m[p * 5 + 3], h2 = m[p * 5 + 4];
            double idet = 1.0 / (g11 * g22 - g12 * g12 + 1e-3);
            flow[p * 2] = (float) ((g22 * h1 - g12 * h2) * idet);
            flow[p * 2 + 1] = (float) ((g11 * h2 - g12 * h1) * idet);
        }
    }
}
