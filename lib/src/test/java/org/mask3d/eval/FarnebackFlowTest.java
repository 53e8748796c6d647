package org.mask3d.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** {@link FarnebackFlow} and {@link TemporalConsistency} against flows known by construction. */
class FarnebackFlowTest {
    static final int H = 72, W = 96;

    /** A smooth texture sampled at (x − sx, y − sy): the same picture moved by (sx, sy). Values in [0, 255]. */
    static float[] texture(double sx, double sy) {
        float[] g = new float[H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double u = x - sx, v = y - sy;
                g[y * W + x] = (float) (128 + 50 * Math.sin(0.23 * u + 0.11 * v) + 40 * Math.cos(0.07 * u - 0.29 * v)
                        + 25 * Math.sin(0.17 * u * 0.9 + 0.21 * v + 1.3));
            }
        }
        return g;
    }

    /** Mean of the flow over the interior (a margin of {@code m} pixels), {dx, dy, mean |error| to (ex, ey)}. */
    static double[] interior(float[] f, int m, double ex, double ey) {
        double sx = 0, sy = 0, err = 0;
        int n = 0;
        for (int y = m; y < H - m; y++) {
            for (int x = m; x < W - m; x++) {
                int p = y * W + x;
                sx += f[2 * p];
                sy += f[2 * p + 1];
                err += Math.hypot(f[2 * p] - ex, f[2 * p + 1] - ey);
                n++;
            }
        }
        return new double[]{sx / n, sy / n, err / n};
    }

    @Test void identicalFramesHaveZeroFlow() {
        float[] a = texture(0, 0);
        float[] f = FarnebackFlow.flow(a, a.clone(), H, W, FarnebackFlow.TECOGAN);
        assertEquals(H * W * 2, f.length);
        for (float v : f) assertEquals(0f, v, 0f);
    }

    @Test void aKnownShiftGivesTheKnownFlowToASubPixel() {
        double[][] shifts = {{1.0, 0.0}, {0.0, -2.0}, {1.5, -0.75}, {3.25, 2.5}};
        for (double[] s : shifts) {
            float[] f = FarnebackFlow.flow(texture(0, 0), texture(s[0], s[1]), H, W, FarnebackFlow.TECOGAN);
            double[] m = interior(f, 12, s[0], s[1]);
            // measured: mean end-point error 0.0006-0.008 px in the interior (12 px margin) for these shifts (README)
            assertEquals(s[0], m[0], 0.02, "dx for shift " + s[0] + "," + s[1]);
            assertEquals(s[1], m[1], 0.02, "dy for shift " + s[0] + "," + s[1]);
            assertTrue(m[2] < 0.02, "mean end-point error " + m[2] + " for shift " + s[0] + "," + s[1]);
        }
    }

    @Test void theFlowPointsFromTheFirstImageToTheSecond() {
        float[] f = FarnebackFlow.flow(texture(0, 0), texture(2, 0), H, W, FarnebackFlow.TECOGAN);
        assertTrue(interior(f, 12, 2, 0)[0] > 1.9, "content moving right gives dx > 0");
        float[] b = FarnebackFlow.flow(texture(2, 0), texture(0, 0), H, W, FarnebackFlow.TECOGAN);
        assertTrue(interior(b, 12, -2, 0)[0] < -1.9, "and back gives dx < 0");
    }

    @Test void polynomialExpansionIsExactOnAQuadratic() {
        int h = 20, w = 24;
        float[] img = new float[h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img[y * w + x] = (float) (3 + 0.5 * x - 0.25 * y + 0.02 * x * x - 0.03 * y * y + 0.01 * x * y);
        float[] r = FarnebackFlow.polyExp(img, h, w, 2, 1.2);
        int x = 10, y = 9, p = y * w + x;   // interior: local coordinates centred at (x, y)
        assertEquals(0.5 + 2 * 0.02 * x + 0.01 * y, r[p * 5], 1e-3, "bx");
        assertEquals(-0.25 - 2 * 0.03 * y + 0.01 * x, r[p * 5 + 1], 1e-3, "by");
        assertEquals(0.02, r[p * 5 + 2], 1e-4, "axx");
        assertEquals(-0.03, r[p * 5 + 3], 1e-4, "ayy");
        assertEquals(0.01, r[p * 5 + 4], 1e-4, "axy");
    }

    @Test void greyIsOpenCvsRgbToGrayOn8BitValues() {
        float[] rgb = {1f, 0f, 0.5f};   // one pixel [3,1,1]
        assertArrayEquals(new float[]{Math.round(0.299 * 255 + 0.114 * 128)}, FarnebackFlow.grey(rgb, 1, 1));
    }

    static float[] rgb(float[] grey) {
        float[] o = new float[3 * grey.length];
        for (int c = 0; c < 3; c++) for (int i = 0; i < grey.length; i++) o[c * grey.length + i] = grey[i] / 255f;
        return o;
    }

    @Test void tofIsZeroForAStaticVideoAndForAnExactRender() {
        TemporalConsistency.Accumulator still = new TemporalConsistency.Accumulator(new TemporalConsistency.Truth(H, W, FarnebackFlow.TECOGAN, null));
        float[] frame = rgb(texture(0, 0)), other = rgb(texture(0.5, 0.2));
        for (int t = 0; t < 3; t++) still.add(frame, other);   // both static; the render differs from the truth, constantly
        TemporalConsistency.Result r = still.result();
        assertEquals(0.0, r.tof(), 0.0);
        assertEquals(2, r.framePairs());
        assertFalse(r.hasTlp(), "no LPIPS network: tLP is absent");
        assertTrue(Double.isNaN(r.tlp()));

        TemporalConsistency.Accumulator exact = new TemporalConsistency.Accumulator(new TemporalConsistency.Truth(H, W, FarnebackFlow.TECOGAN, null));
        for (int t = 0; t < 3; t++) exact.add(rgb(texture(t, 0)), rgb(texture(t, 0)));
        assertEquals(0.0, exact.result().tof(), 0.0);
    }

    @Test void tofMeasuresTheMissingMotion() {
        // the truth moves 1.5 px right per frame, the render stands still: tOF is about 1.5 px
        TemporalConsistency.Accumulator a = new TemporalConsistency.Accumulator(new TemporalConsistency.Truth(H, W, FarnebackFlow.TECOGAN, null));
        for (int t = 0; t < 3; t++) a.add(rgb(texture(0, 0)), rgb(texture(1.5 * t, 0)));
        TemporalConsistency.Result r = a.result();
        assertEquals(1.5, r.tof(), 0.25, "whole frame, borders included");
        assertEquals(2, r.tofPerPair().length);
    }

    @Test void tlpIsTheDifferenceOfConsecutiveLpipsDistances() {
        try (Lpips l = Lpips.fromTensors(Lpips.Backbone.ALEX, LpipsTest.backboneWeights(LpipsTest.ALEX_CONVS, 31),
                LpipsTest.headWeights(new int[]{64, 192, 384, 256, 256}, 32))) {
            Random rnd = new Random(5);
            int h = 40, w = 40;
            float[] g0 = LpipsTest.image(rnd, h, w), g1 = LpipsTest.image(rnd, h, w), r0 = LpipsTest.image(rnd, h, w);
            TemporalConsistency.Accumulator a = new TemporalConsistency.Accumulator(new TemporalConsistency.Truth(h, w, FarnebackFlow.TECOGAN, l));
            a.add(r0, g0);
            a.add(r0, g1);   // the render stands still while the truth changes
            TemporalConsistency.Result res = a.result();
            assertTrue(res.hasTlp());
            assertEquals(l.distance(g0, g1, h, w), res.tlp(), 1e-9, "LPIPS(out, out) = 0, so tLP = LPIPS(gt0, gt1)");
            TemporalConsistency.Accumulator same = new TemporalConsistency.Accumulator(new TemporalConsistency.Truth(h, w, FarnebackFlow.TECOGAN, l));
            same.add(g0, g0);
            same.add(g1, g1);
            assertEquals(0.0, same.result().tlp(), 1e-12);
        }
    }
}
