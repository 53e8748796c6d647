package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** L1, MSE, Sparse and MaskLoss: hand values, a plain-Java MaskLoss reference, shapes, float64 gradients. */
class LossesTest {
    static NDManager m;

    @BeforeAll static void start() { m = NDManager.newBaseManager(); }
    @AfterAll static void stop() { m.close(); }

    @Test void l1AndMseOnHandValues() {
        NDArray p = m.create(new float[]{1, 2, 3, 4}, new Shape(2, 2));
        NDArray t = m.create(new float[]{0, 4, 3, 3.5f}, new Shape(2, 2));
        assertEquals((1 + 2 + 0 + 0.5) / 4, Losses.l1(p, t).getFloat(), 1e-7);
        assertEquals((1 + 4 + 0 + 0.25) / 4, Losses.mse(p, t).getFloat(), 1e-7);
        assertEquals(DataType.FLOAT32, Losses.l1(p, t).getDataType());
        assertEquals(0, Losses.l1(p, t).getShape().dimension(), "a scalar");
    }

    @Test void sparseIsMeanAbsoluteValue() {
        NDArray v = m.create(new double[]{0.5, -0.25, 0, 1, 0.75, 0.1}, new Shape(1, 1, 2, 1, 3));
        assertEquals((0.5 + 0.25 + 0 + 1 + 0.75 + 0.1) / 6, Losses.sparse(v).getDouble(), 1e-15);
        assertEquals(DataType.FLOAT32, Losses.sparse(v.toType(DataType.FLOAT32, false)).getDataType());
    }

    @Test void maskLossSingleForegroundPixelByHand() {
        // 6×6, one foreground pixel at (2,2), constant α = a. The 5×5 dilation covers rows/cols 0..4 (25 pixels),
        // so 11 background pixels: Lfg = (1−a)/2 / (1 + 1e−8), Lbg = 11a/2 / (11 + 1e−8).
        double a = 0.3;
        double[] mask = new double[36];
        mask[2 * 6 + 2] = 1;
        double[] alpha = new double[36];
        java.util.Arrays.fill(alpha, a);
        double got = Losses.maskLoss(m.create(alpha, new Shape(1, 6, 6)), m.create(mask, new Shape(1, 6, 6))).getDouble();
        double want = (1 - a) / 2 / (1 + 1e-8) + 11 * a / 2 / (11 + 1e-8);
        assertEquals(want, got, 1e-15);
        // a different kernel size changes the background: ks = 3 covers rows/cols 1..3 → 27 background pixels
        double got3 = Losses.maskLoss(m.create(alpha, new Shape(1, 6, 6)), m.create(mask, new Shape(1, 6, 6)), 3)
                .getDouble();
        assertEquals((1 - a) / 2 / (1 + 1e-8) + 27 * a / 2 / (27 + 1e-8), got3, 1e-15);
    }

    /** MaskLoss in double loops, exactly as the formula reads, sums over the whole batch. */
    static double maskLossReference(double[] alpha, double[] mask, int b, int h, int w, int ks) {
        int p = (ks - 1) / 2;
        double sumFg = 0, sumM = 0, sumBg = 0, sumB = 0;
        for (int n = 0; n < b; n++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            double conv = 0;
            for (int dy = -p; dy <= p; dy++) for (int dx = -p; dx <= p; dx++) {
                int yy = y + dy, xx = x + dx;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) conv += mask[(n * h + yy) * w + xx];
            }
            double bg = 1 - Math.min(1, Math.max(0, conv));
            int i = (n * h + y) * w + x;
            sumFg += Math.abs(mask[i] * (1 - alpha[i]));
            sumM += Math.abs(mask[i]);
            sumBg += Math.abs(bg * alpha[i]);
            sumB += Math.abs(bg);
        }
        return sumFg / 2 / (sumM + 1e-8) + sumBg / 2 / (sumB + 1e-8);
    }

    @Test void maskLossMatchesLoopReferenceOnABatch() {
        Random r = new Random(4);
        int b = 2, h = 6, w = 6;
        double[] alpha = new double[b * h * w], mask = new double[b * h * w];
        for (int i = 0; i < alpha.length; i++) alpha[i] = r.nextDouble();
        // image 0: a 2×2 blob at the top-left corner (dilation cut by the border); image 1: two separate pixels
        mask[0] = mask[1] = mask[6] = mask[7] = 1;
        mask[36 + 3 * 6 + 5] = 1;
        mask[36 + 5 * 6 + 0] = 1;
        double want = maskLossReference(alpha, mask, b, h, w, 5);
        NDArray a = m.create(alpha, new Shape(b, h, w)), mk = m.create(mask, new Shape(b, h, w));
        assertEquals(want, Losses.maskLoss(a, mk).getDouble(), 1e-14);
        // sums run over the whole batch: the batch loss is not the mean of per-image losses
        double perImage = (maskLossReference(java.util.Arrays.copyOfRange(alpha, 0, 36),
                java.util.Arrays.copyOfRange(mask, 0, 36), 1, h, w, 5)
                + maskLossReference(java.util.Arrays.copyOfRange(alpha, 36, 72),
                java.util.Arrays.copyOfRange(mask, 36, 72), 1, h, w, 5)) / 2;
        assertTrue(Math.abs(perImage - want) > 1e-3, "per-image mean " + perImage + " vs batch " + want);
        // float32 agrees to float precision
        NDArray a32 = a.toType(DataType.FLOAT32, false), m32 = mk.toType(DataType.FLOAT32, false);
        NDArray l32 = Losses.maskLoss(a32, m32);
        assertEquals(DataType.FLOAT32, l32.getDataType(), "float32 in, float32 out");
        assertEquals(want, l32.getFloat(), 1e-6);
    }

    @Test void shapeErrorsNameTheShapes() {
        NDArray a = m.zeros(new Shape(2, 3));
        NDArray b = m.zeros(new Shape(3, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.l1(a, b));
        assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.mse(a, b));
        assertThrows(IllegalArgumentException.class, () -> Losses.l1(a, a.toType(DataType.FLOAT64, false)));
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> Losses.maskLoss(m.zeros(new Shape(1, 1, 4, 4)), m.zeros(new Shape(1, 1, 4, 4))));
        assertTrue(e2.getMessage().contains("[B,H,W]"), e2.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Losses.maskLoss(m.zeros(new Shape(1, 4, 4)), m.zeros(new Shape(1, 4, 5))));
        assertThrows(IllegalArgumentException.class,
                () -> Losses.maskLoss(m.zeros(new Shape(1, 4, 4)), m.zeros(new Shape(1, 4, 4)), 4));
        assertThrows(IllegalArgumentException.class, () -> Losses.sparse(m.zeros(new Shape(2, 3), DataType.INT32)));
    }

    @Test void gradientsMatchFiniteDifferencesInFloat64() {
        Random r = new Random(11);
        int n = 24;
        double[] x0 = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextDouble();
            x0[i] = t[i] + (r.nextBoolean() ? 1 : -1) * (0.05 + 0.5 * r.nextDouble());   // away from |·|'s kink
        }
        Shape s = new Shape(2, 3, 4);
        NDArray target = m.create(t, s);
        GradCheck.check(m, x0, s, x -> Losses.l1(x, target), GradCheck.all(n), 1e-6, 1e-8);
        GradCheck.check(m, x0, s, x -> Losses.mse(x, target), GradCheck.all(n), 1e-6, 1e-8);
        GradCheck.check(m, x0, s, Losses::sparse, GradCheck.all(n), 1e-6, 1e-8);

        int b = 2, h = 6, w = 6;
        double[] alpha = new double[b * h * w], mask = new double[b * h * w];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = 0.05 + 0.9 * r.nextDouble();
            mask[i] = r.nextDouble() < 0.1 ? 1 : 0;
        }
        NDArray mk = m.create(mask, new Shape(b, h, w));
        GradCheck.check(m, alpha, new Shape(b, h, w), a -> Losses.maskLoss(a, mk), GradCheck.all(alpha.length),
                1e-6, 1e-8);
        // the analytic gradient of MaskLoss: −m/(2Σm) inside the mask, +bg/(2Σbg) outside, computed by the reference
        double[] g = GradCheck.autograd(m, alpha, new Shape(b, h, w), a -> Losses.maskLoss(a, mk));
        double base = maskLossReference(alpha, mask, b, h, w, 5);
        for (int i = 0; i < alpha.length; i += 7) {
            double[] p = alpha.clone();
            p[i] += 1e-6;
            assertEquals((maskLossReference(p, mask, b, h, w, 5) - base) / 1e-6, g[i], 1e-6);
        }
    }
}
