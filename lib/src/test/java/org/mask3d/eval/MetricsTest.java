package org.mask3d.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** PSNR and both SSIM variants against hand values and independent, straightforward double-precision references. */
class MetricsTest {

    static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat();
        return x;
    }

    static float[] filled(int n, float v) {
        float[] x = new float[n];
        Arrays.fill(x, v);
        return x;
    }

    // ------------------------------------------------------------------------------------------------ PSNR

    @Test void psnrOfConstantErrorIsHandValue() {
        float[] gt = filled(3 * 4 * 5, 0.5f);
        float[] pred = filled(3 * 4 * 5, 0.5f);
        for (int i = 0; i < pred.length; i++) pred[i] += (i % 2 == 0 ? 0.1f : -0.1f);
        // MSE = 0.01 → −10·log10(0.01) = 20 dB
        assertEquals(20.0, Metrics.psnr(pred, gt), 1e-5);
        assertEquals(20.0, Metrics.psnrClamped(pred, gt), 1e-5, "inside [0,1] both variants agree");
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(gt, gt.clone()));
    }

    @Test void clampedPsnrIgnoresOvershootBeyondTheRange() {
        // target 1.0 and 0.0; prediction 1.5 and −0.5 (unclamped MSE 0.25 → 6.0206 dB), plus two pixels off by 0.1
        float[] gt = {1f, 0f, 0.5f, 0.5f};
        float[] pred = {1.5f, -0.5f, 0.6f, 0.4f};
        double mseRaw = (0.25 + 0.25 + 0.01 + 0.01) / 4;       // 0.13
        double mseClamped = (0 + 0 + 0.01 + 0.01) / 4;         // 0.005
        assertEquals(-10 * Math.log10(mseRaw), Metrics.psnr(pred, gt), 1e-5);
        assertEquals(-10 * Math.log10(mseClamped), Metrics.psnrClamped(pred, gt), 1e-5);
        assertEquals(23.0103, Metrics.psnrClamped(pred, gt), 1e-3);
        assertEquals(8.8606, Metrics.psnr(pred, gt), 1e-3);
    }

    @Test void psnrRejectsDifferentSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.psnrClamped(new float[3], new float[4]));
        assertTrue(e.getMessage().contains("3 vs 4"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ SSIM (standard)

    @Test void ssimOfIdenticalImagesIsOne() {
        float[] a = random(new Random(1), 3 * 16 * 20);
        assertEquals(1.0, Metrics.ssim(a, a.clone(), 3, 16, 20), 1e-12);
        assertEquals(1.0, Metrics.ssimReleased(a, a.clone(), 3, 16, 20), 1e-12);
    }

    @Test void ssimOfConstantImagesIsTheLuminanceTerm() {
        // σ_x = σ_y = σ_xy = 0 everywhere, so SSIM = (2ab + C1)/(a² + b² + C1)·(C2/C2)
        // a = 0.5, b = 0.25, C1 = 1e-4: (0.25 + 0.0001)/(0.25 + 0.0625 + 0.0001) = 0.2501/0.3126
        float[] a = filled(2 * 12 * 13, 0.5f), b = filled(2 * 12 * 13, 0.25f);
        double expected = 0.2501 / 0.3126;
        assertEquals(0.80006398, expected, 1e-8);
        assertEquals(expected, Metrics.ssim(a, b, 2, 12, 13), 1e-12);
        assertEquals(expected, Metrics.ssimReleased(a, b, 2, 12, 13), 1e-12);
    }

    @Test void ssimMatchesAnIndependentTwoDimensionalReference() {
        Random r = new Random(7);
        int c = 3, h = 17, w = 14;
        float[] gt = random(r, c * h * w);
        float[] pred = new float[gt.length];
        for (int i = 0; i < gt.length; i++) pred[i] = (float) (0.7 * gt[i] + 0.2 * r.nextFloat() + 0.05);
        double ref = referenceSsimValid(pred, gt, c, h, w);
        assertEquals(ref, Metrics.ssim(pred, gt, c, h, w), 1e-10);
        assertTrue(ref < 0.95 && ref > 0.2, "a non-trivial case: " + ref);
        assertEquals(Metrics.ssim(pred, gt, c, h, w), Metrics.ssim(gt, pred, c, h, w), 1e-12, "symmetric");
    }

    /**
     * One value from scikit-image 0.19.3 (Debian 12's python3-skimage), computed on the same formula-made images:
     * <pre>
     *   c, y, x = np.arange(3)[:,None,None], np.arange(17)[None,:,None], np.arange(23)[None,None,:]
     *   img(s) = (0.5 + 0.4*np.sin(0.7*x*(s+1) + 1.3*y + 0.9*c*s) * np.cos(0.31*y*x/(s+2))).astype(np.float32)
     *   a = img(1); b = (0.6*a + 0.4*img(2))            # float32 arithmetic
     *   structural_similarity(a.astype(np.float64), b.astype(np.float64), gaussian_weights=True, sigma=1.5,
     *                         use_sample_covariance=False, data_range=1.0, channel_axis=0)  # 0.770034362925457
     * </pre>
     */
    @Test void ssimMatchesScikitImage() {
        int ch = 3, h = 17, w = 23;
        float[] a = skimageImage(1, ch, h, w), b2 = skimageImage(2, ch, h, w), b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = 0.6f * a[i] + 0.4f * b2[i];
        assertEquals(0.770034362925457, Metrics.ssim(a, b, ch, h, w), 1e-9);
    }

    static float[] skimageImage(int s, int ch, int h, int w) {
        float[] out = new float[ch * h * w];
        for (int c = 0; c < ch; c++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            out[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin(0.7 * x * (s + 1) + 1.3 * y + 0.9 * c * s)
                    * Math.cos(0.31 * y * x / (s + 2)));
        }
        return out;
    }

    @Test void ssimNeedsElevenPixels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.ssim(new float[3 * 10 * 20], new float[3 * 10 * 20], 3, 10, 20));
        assertTrue(e.getMessage().contains("at least 11×11") && e.getMessage().contains("10×20"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(new float[3 * 12 * 12], new float[3 * 12 * 13], 3, 12, 13));
    }

    /**
     * Straight from the definition (MATLAB ssim_index.m): a 2-D window fspecial('gaussian', 11, 1.5) normalised over
     * its 121 values, 'valid' positions, two-pass (centred) moments, mean over positions then channels.
     */
    static double referenceSsimValid(float[] x, float[] y, int ch, int h, int w) {
        int k = 11, r = 5;
        double[][] win = new double[k][k];
        double s = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                win[i][j] = Math.exp(-((i - r) * (i - r) + (j - r) * (j - r)) / (2 * 1.5 * 1.5));
                s += win[i][j];
            }
        }
        for (double[] row : win) for (int j = 0; j < k; j++) row[j] /= s;
        double c1 = 0.0001, c2 = 0.0009, total = 0;
        for (int c = 0; c < ch; c++) {
            double sum = 0;
            int count = 0;
            for (int py = r; py < h - r; py++) {
                for (int px = r; px < w - r; px++) {
                    double mx = 0, my = 0;
                    for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) {
                        int at = c * h * w + (py - r + i) * w + (px - r + j);
                        mx += win[i][j] * x[at];
                        my += win[i][j] * y[at];
                    }
                    double vx = 0, vy = 0, cxy = 0;
                    for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) {
                        int at = c * h * w + (py - r + i) * w + (px - r + j);
                        double dx = x[at] - mx, dy = y[at] - my;
                        vx += win[i][j] * dx * dx;
                        vy += win[i][j] * dy * dy;
                        cxy += win[i][j] * dx * dy;
                    }
                    sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                    count++;
                }
            }
            total += sum / count;
        }
        return total / ch;
    }

    // ------------------------------------------------------------------------------------------------ SSIM (released)

    @Test void releasedWindowIsKornias() {
        // kornia's docstring: get_gaussian_kernel2d((3, 3), (1.5, 1.5)) = [[0.0947, 0.1183, 0.0947], [0.1183, 0.1478, ...]]
        double[] g = Metrics.gaussianKernel1d(3, 1.5);
        assertEquals(0.0947, g[0] * g[0], 5e-5);
        assertEquals(0.1183, g[0] * g[1], 5e-5);
        assertEquals(0.1478, g[1] * g[1], 5e-5);
        double e = Math.exp(-1 / 4.5);
        assertEquals(1 / (1 + 2 * e), g[1], 1e-15);
    }

    @Test void releasedSsimOfInvertedCheckerboardClampsToZero() {
        // Checkerboard against its inverse: reflection padding keeps the pattern, so every pixel has
        // μx = 0.1478 + 4·0.0947 (or 4·0.1183), σxy = −μxμy < 0 and SSIM ≈ −0.99; kornia clamps 1 − SSIM to [0, 1],
        // so 1 − 2·dssim = mean(clamp(SSIM, 0, 1)) = 0. The unclamped mean would be ≈ −0.99.
        int h = 6, w = 7;
        float[] a = new float[h * w], b = new float[h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            a[y * w + x] = (x + y) % 2;
            b[y * w + x] = 1 - a[y * w + x];
        }
        assertEquals(0.0, Metrics.ssimReleased(a, b, 1, h, w), 0.0);
        double unclamped = referenceReleased(a, b, 1, h, w, false);
        assertTrue(unclamped < -0.9, "without the clamp: " + unclamped);
    }

    @Test void releasedSsimMatchesAnIndependentReflectPaddedReference() {
        Random r = new Random(11);
        int c = 3, h = 5, w = 9;
        float[] gt = random(r, c * h * w), pred = random(r, c * h * w);
        for (int i = 0; i < gt.length; i += 2) pred[i] = gt[i];      // correlated in part, so the map has both signs
        double ref = referenceReleased(pred, gt, c, h, w, true);
        assertEquals(ref, Metrics.ssimReleased(pred, gt, c, h, w), 1e-10);
        assertNotEquals(ref, referenceReleased(pred, gt, c, h, w, false), 1e-6, "the clamp matters in this case");
        // the border convention matters: zero padding gives another value
        assertNotEquals(ref, referenceZeroPadded(pred, gt, c, h, w), 1e-4);
    }

    /**
     * One value from kornia 0.5.x's SSIM(3) transcribed into PyTorch 1.13 (Debian 12's python3-torch; kornia itself is
     * not installable here), float64, on the images of {@link #ssimMatchesScikitImage}:
     * <pre>
     *   g = exp(−(arange(3) − 1)²/(2·1.5²)); g /= g.sum(); k = g ⊗ g
     *   filt(t) = F.conv2d(F.pad(t, [1,1,1,1], mode='reflect'), k expanded to (C,1,3,3), groups=C)
     *   map = ((2μ1μ2 + C1)(2σ12 + C2)) / ((μ1² + μ2² + C1)(σ1² + σ2² + C2))
     *   1 − 2·mean(clamp(1 − map, 0, 1)/2)                                      # 0.7176471048315004
     * </pre>
     */
    @Test void releasedSsimMatchesATorchTranscriptionOfKornia() {
        int ch = 3, h = 17, w = 23;
        float[] a = skimageImage(1, ch, h, w), b2 = skimageImage(2, ch, h, w), b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = 0.6f * a[i] + 0.4f * b2[i];
        assertEquals(0.7176471048315004, Metrics.ssimReleased(a, b, ch, h, w), 1e-9);
    }

    @Test void releasedSsimNeedsTwoPixels() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.ssimReleased(new float[3], new float[3], 3, 1, 1));
    }

    /** kornia 0.5's SSIM(3) from scratch: explicit reflect-padded copy, 3×3 outer-product window, map, clamp, mean. */
    static double referenceReleased(float[] x, float[] y, int ch, int h, int w, boolean clamp) {
        double e = Math.exp(-1.0 / (2 * 1.5 * 1.5));
        double[] g = {e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)};
        double total = 0;
        for (int c = 0; c < ch; c++) {
            double[][] px = pad(x, c, h, w), py = pad(y, c, h, w);
            for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int u = 0; u < 3; u++) for (int v = 0; v < 3; v++) {
                    double wt = g[u] * g[v], a = px[i + u][j + v], b = py[i + u][j + v];
                    mx += wt * a; my += wt * b; xx += wt * a * a; yy += wt * b * b; xy += wt * a * b;
                }
                double s = (2 * mx * my + 1e-4) * (2 * (xy - mx * my) + 9e-4)
                        / ((mx * mx + my * my + 1e-4) * (xx - mx * mx + yy - my * my + 9e-4));
                total += clamp ? 1 - Math.min(1, Math.max(0, 1 - s)) : s;
            }
        }
        return total / (ch * h * w);
    }

    /** numpy.pad(mode='reflect') by one pixel (= torch's F.pad(mode='reflect')). */
    static double[][] pad(float[] img, int c, int h, int w) {
        double[][] p = new double[h + 2][w + 2];
        for (int i = -1; i <= h; i++) for (int j = -1; j <= w; j++) {
            int ii = i < 0 ? 1 : i == h ? h - 2 : i, jj = j < 0 ? 1 : j == w ? w - 2 : j;
            p[i + 1][j + 1] = img[c * h * w + ii * w + jj];
        }
        return p;
    }

    static double referenceZeroPadded(float[] x, float[] y, int ch, int h, int w) {
        float[] zx = new float[ch * (h + 2) * (w + 2)], zy = new float[zx.length];
        for (int c = 0; c < ch; c++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) {
            zx[c * (h + 2) * (w + 2) + (i + 1) * (w + 2) + j + 1] = x[c * h * w + i * w + j];
            zy[c * (h + 2) * (w + 2) + (i + 1) * (w + 2) + j + 1] = y[c * h * w + i * w + j];
        }
        // the interior positions of the padded image see exactly the zero-padded neighbourhoods
        double e = Math.exp(-1.0 / 4.5);
        double[] g = {e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)};
        int H = h + 2, W = w + 2;
        double total = 0;
        for (int c = 0; c < ch; c++) for (int i = 1; i <= h; i++) for (int j = 1; j <= w; j++) {
            double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
            for (int u = -1; u <= 1; u++) for (int v = -1; v <= 1; v++) {
                double wt = g[u + 1] * g[v + 1], a = zx[c * H * W + (i + u) * W + j + v], b = zy[c * H * W + (i + u) * W + j + v];
                mx += wt * a; my += wt * b; xx += wt * a * a; yy += wt * b * b; xy += wt * a * b;
            }
            double s = (2 * mx * my + 1e-4) * (2 * (xy - mx * my) + 9e-4)
                    / ((mx * mx + my * my + 1e-4) * (xx - mx * mx + yy - my * my + 9e-4));
            total += Math.min(1, Math.max(0, s));
        }
        return total / (ch * h * w);
    }
}
