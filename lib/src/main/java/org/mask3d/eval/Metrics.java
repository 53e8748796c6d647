package org.mask3d.eval;

import org.mask3d.io.Images;
import org.mask3d.model.Psnr;

/**
 * Image metrics: PSNR (the released definition and a clamped variant, both defined once in {@link Psnr}) and SSIM
 * (the standard definition and the released 3×3 variant). For LPIPS see {@link Lpips}; for the frame-to-frame measures see {@link TemporalStability}.
 *
 * <h2>Conventions</h2>
 * Images are {@code float[]} in CHW order, [C, H, W], row-major, values nominally in [0, 1] (data range L = 1).
 * Every sum below runs in double precision. The prediction comes first, the ground truth second; PSNR and SSIM are
 * symmetric except for the clamped PSNR variant, which clamps only the prediction.
 */
public final class Metrics {
    private Metrics() {}

    /** SSIM's K1: C1 = (K1·L)². */
    public static final double SSIM_K1 = 0.01;
    /** SSIM's K2: C2 = (K2·L)². */
    public static final double SSIM_K2 = 0.03;
    /** The Gaussian window's standard deviation, in pixels, of both SSIM variants. */
    public static final double SSIM_SIGMA = 1.5;
    /** Side of the standard SSIM window (Wang et al. 2004; skimage's {@code 2·int(3.5·σ + 0.5) + 1} for σ = 1.5). */
    public static final int SSIM_WINDOW = 11;
    /** Side of the released code's SSIM window ({@code metrics.ssim}: kornia with {@code window_size = 3}). */
    public static final int SSIM_RELEASED_WINDOW = 3;

    /** Mean squared error over every value: {@code MSE = (1/N)·Σ_i (p_i − t_i)²}. */
    public static double mse(float[] prediction, float[] target) {
        checkSameLength(prediction, target);
        double s = 0;
        for (int i = 0; i < prediction.length; i++) {
            double d = prediction[i] - target[i];
            s += d * d;
        }
        return s / prediction.length;
    }

    /** {@link Psnr#RELEASED}: PSNR in dB, the prediction not clamped; identical images give +infinity. */
    public static double psnr(float[] prediction, float[] target) { return Psnr.RELEASED.of(prediction, target); }

    /** {@link Psnr#CLAMPED}: PSNR in dB with the prediction clamped to [0,1] first; identical images give +infinity. */
    public static double psnrClamped(float[] prediction, float[] target) { return Psnr.CLAMPED.of(prediction, target); }

    /**
     * The standard SSIM (Wang, Bovik, Sheikh, Simoncelli 2004), per channel, averaged over channels.
     *
     * <p>With a Gaussian window w (11×11, σ = 1.5, normalised to sum 1; the outer product of the normalised 1-D
     * kernel {@code g(k) ∝ exp(−k²/(2σ²))}, k = −5..5) and the local statistics at each pixel
     * <pre>
     *   μ_x = Σ w·x,  μ_y = Σ w·y,
     *   σ_x² = Σ w·x² − μ_x²,  σ_y² = Σ w·y² − μ_y²,  σ_xy = Σ w·x·y − μ_x·μ_y   (population, not sample, moments)
     *   SSIM(p) = (2μ_xμ_y + C1)(2σ_xy + C2) / ((μ_x² + μ_y² + C1)(σ_x² + σ_y² + C2)),  C1 = (0.01·L)², C2 = (0.03·L)², L = 1
     * </pre>
     * the result is the mean of SSIM(p) over the <b>valid</b> positions only, where the whole window lies inside the
     * image ((H − 10)·(W − 10) positions; no padding), then the mean over channels. This is the original MATLAB
     * {@code ssim_index.m} ({@code filter2(window, img, 'valid')}) and skimage's
     * {@code structural_similarity(x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
     * data_range=1, channel_axis=0)} (which filters with reflection and then crops 5 pixels from every side, leaving
     * exactly the valid positions). No clamp: values lie in [−1, 1]; identical images give exactly 1.
     *
     * @param prediction [C, H, W]
     * @param target     [C, H, W]
     * @throws IllegalArgumentException if a shape does not match, or H or W is below 11
     */
    public static double ssim(float[] prediction, float[] target, int channels, int height, int width) {
        Images.checkChw(prediction, channels, height, width);
        Images.checkChw(target, channels, height, width);
        if (height < SSIM_WINDOW || width < SSIM_WINDOW) {
            throw new IllegalArgumentException("SSIM's 11×11 window needs images of at least 11×11 pixels, got H×W = "
                    + height + "×" + width + " (use ssimReleased for its 3×3 window)");
        }
        double[] g = gaussianKernel1d(SSIM_WINDOW, SSIM_SIGMA);
        int r = SSIM_WINDOW / 2, vh = height - 2 * r, vw = width - 2 * r;
        double total = 0;
        for (int c = 0; c < channels; c++) {
            double[][] m = localMoments(prediction, target, c, height, width, g, false);
            double s = 0;
            for (int y = 0; y < vh; y++) {
                for (int x = 0; x < vw; x++) s += ssimAt(m, y * vw + x);
            }
            total += s / ((double) vh * vw);
        }
        return total / channels;
    }

    /**
     * SSIM as the released {@code metrics.ssim} computes it: {@code 1 − 2·dssim} with kornia 0.5.x's
     * {@code kornia.losses.ssim(pred, gt, 3, 'mean')} (the environment pins kornia 0.5.11).
     *
     * <p>kornia 0.5.x ({@code kornia/losses/ssim.py}, class {@code SSIM}; {@code kornia/filters/filter.py},
     * {@code filter2D}; {@code kornia/filters/kernels.py}, {@code get_gaussian_kernel2d}):
     * <ul>
     *   <li>window: {@code get_gaussian_kernel2d((3, 3), (1.5, 1.5))}, the outer product of the 1-D kernel
     *       {@code exp(−k²/(2·1.5²))}, k = −1, 0, 1, normalised to sum 1: [0.3078, 0.3844, 0.3078], so the 2-D
     *       window is [[0.0947, 0.1183, 0.0947], [0.1183, 0.1478, 0.1183], [0.0947, 0.1183, 0.0947]];</li>
     *   <li>every local statistic is {@code filter2D(·, window)} with its default {@code border_type='reflect'}:
     *       the image is padded by 1 pixel per side by reflection without repeating the edge
     *       ({@code F.pad(mode='reflect')}: x[−1] = x[1], x[W] = x[W−2]), so the map has the image's size
     *       H×W (every pixel counts, unlike {@link #ssim});</li>
     *   <li>{@code ssim_map = (2μ_xμ_y + C1)(2σ_xy + C2) / ((μ_x² + μ_y² + C1)(σ_x² + σ_y² + C2))} with
     *       C1 = 0.01², C2 = 0.03², population moments as in {@link #ssim}, no ε;</li>
     *   <li>{@code dssim = mean(clamp(1 − ssim_map, 0, 1) / 2)} over all B·C·H·W values.</li>
     * </ul>
     * So {@code 1 − 2·dssim = mean_{c,p} clamp(ssim_map(c, p), 0, 1)}: the mean over channels and <b>all</b>
     * pixels of the 3×3 reflect-padded SSIM map clamped to [0, 1]. Identical images give exactly 1.
     *
     * <p>Provenance: the 0.5-era code above was read from a copy of kornia's {@code SSIM} module and
     * {@code filter2D} (the kornia repository snapshot at hand is later: there {@code kornia.losses.ssim} is
     * {@code ssim(img1, img2, window_size, max_val=1.0, eps=1e-12)} returning the map and refusing a non-float
     * {@code max_val}, so the release's positional call {@code ssim(pred, gt, 3, 'mean')} only works with the
     * earlier {@code ssim(img1, img2, window_size, reduction, max_val)} form above).
     * {@code MetricsTest} holds this method to a PyTorch transcription of it to 1e−9; kornia itself was not run.
     *
     * @param prediction [C, H, W]
     * @param target     [C, H, W]
     * @throws IllegalArgumentException if a shape does not match, or H or W is below 2 (reflection padding needs
     *                                  a neighbour)
     */
    public static double ssimReleased(float[] prediction, float[] target, int channels, int height, int width) {
        Images.checkChw(prediction, channels, height, width);
        Images.checkChw(target, channels, height, width);
        if (height < 2 || width < 2) {
            throw new IllegalArgumentException("the released SSIM pads by reflection and needs images of at least 2×2 "
                    + "pixels, got H×W = " + height + "×" + width);
        }
        double[] g = gaussianKernel1d(SSIM_RELEASED_WINDOW, SSIM_SIGMA);
        int n = height * width;
        double total = 0;
        for (int c = 0; c < channels; c++) {
            double[][] m = localMoments(prediction, target, c, height, width, g, true);
            for (int p = 0; p < n; p++) total += Math.min(1.0, Math.max(0.0, ssimAt(m, p)));
        }
        return total / ((double) channels * n);
    }

    /**
     * The normalised 1-D Gaussian kernel of odd {@code size}: {@code g(k) = exp(−k²/(2σ²)) / Σ_j exp(−j²/(2σ²))},
     * k = −size/2 .. size/2. Both SSIM variants use the 2-D window {@code w(i, j) = g(i)·g(j)}.
     */
    public static double[] gaussianKernel1d(int size, double sigma) {
        if (size < 1 || size % 2 == 0) throw new IllegalArgumentException("kernel size must be odd and positive, got " + size);
        double[] g = new double[size];
        double s = 0;
        for (int i = 0; i < size; i++) {
            double k = i - size / 2;
            g[i] = Math.exp(-k * k / (2 * sigma * sigma));
            s += g[i];
        }
        for (int i = 0; i < size; i++) g[i] /= s;
        return g;
    }

    /** SSIM at one position from the five local moments {μx, μy, E[x²], E[y²], E[xy]}. */
    private static double ssimAt(double[][] m, int p) {
        double c1 = SSIM_K1 * SSIM_K1, c2 = SSIM_K2 * SSIM_K2;
        double mx = m[0][p], my = m[1][p];
        double vx = m[2][p] - mx * mx, vy = m[3][p] - my * my, cxy = m[4][p] - mx * my;
        return (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }

    /**
     * The five windowed means of channel c (x, y, x², y², xy) by separable filtering with {@code g}: over the valid
     * positions ((H−k+1)×(W−k+1)) or, with {@code reflect}, over all H×W positions with reflection padding.
     */
    private static double[][] localMoments(float[] a, float[] b, int c, int h, int w, double[] g, boolean reflect) {
        int k = g.length, r = k / 2, n = h * w, off = c * n;
        int oh = reflect ? h : h - k + 1, ow = reflect ? w : w - k + 1;
        double[][] src = new double[5][n];
        for (int i = 0; i < n; i++) {
            double x = a[off + i], y = b[off + i];
            src[0][i] = x; src[1][i] = y; src[2][i] = x * x; src[3][i] = y * y; src[4][i] = x * y;
        }
        double[][] out = new double[5][oh * ow];
        double[] rows = new double[h * ow];
        for (int q = 0; q < 5; q++) {
            double[] s = src[q];
            for (int y = 0; y < h; y++) {                      // horizontal pass
                for (int x = 0; x < ow; x++) {
                    double acc = 0;
                    for (int j = 0; j < k; j++) {
                        int xx = reflect ? reflectIndex(x + j - r, w) : x + j;
                        acc += g[j] * s[y * w + xx];
                    }
                    rows[y * ow + x] = acc;
                }
            }
            double[] o = out[q];
            for (int y = 0; y < oh; y++) {                     // vertical pass
                for (int x = 0; x < ow; x++) {
                    double acc = 0;
                    for (int i = 0; i < k; i++) {
                        int yy = reflect ? reflectIndex(y + i - r, h) : y + i;
                        acc += g[i] * rows[yy * ow + x];
                    }
                    o[y * ow + x] = acc;
                }
            }
        }
        return out;
    }

    /** PyTorch's {@code 'reflect'} padding index (the edge is not repeated): −1 → 1, n → n − 2; needs |pad| < n. */
    static int reflectIndex(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }

    private static void checkSameLength(float[] prediction, float[] target) {
        if (prediction.length != target.length) {
            throw new IllegalArgumentException("images differ in size: " + prediction.length + " vs " + target.length + " values");
        }
        if (prediction.length == 0) throw new IllegalArgumentException("images are empty");
    }
}
