package org.mask3d.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.io.Images;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The temporal-stability measures on hand-made videos, and the static masks. */
class TemporalStabilityTest {

    static float[] filled(int n, float v) {
        float[] x = new float[n];
        Arrays.fill(x, v);
        return x;
    }

    static List<boolean[]> allStatic(int t, int n) {
        List<boolean[]> out = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            boolean[] m = new boolean[n];
            Arrays.fill(m, true);
            out.add(m);
        }
        return out;
    }

    @Test void theStreamingAccumulatorGivesExactlyTheListResult() {
        java.util.Random r = new java.util.Random(5);
        int c = 3, h = 7, w = 9, n = h * w, t = 6;
        List<float[]> rs = new ArrayList<>(), gs = new ArrayList<>();
        List<boolean[]> ms = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            float[] a = new float[c * n], b = new float[c * n];
            for (int j = 0; j < a.length; j++) { a[j] = r.nextFloat(); b[j] = r.nextFloat(); }
            boolean[] m = new boolean[n];
            for (int p = 0; p < n; p++) m[p] = r.nextInt(4) != 0;
            rs.add(a); gs.add(b); ms.add(m);
        }
        for (boolean masked : new boolean[]{true, false}) {
            TemporalStability.Result list = TemporalStability.measure(rs, gs, masked ? ms : null, c, h, w);
            TemporalStability.Accumulator acc = new TemporalStability.Accumulator(c, h, w, masked);
            for (int i = 0; i < t; i++) acc.add(rs.get(i), gs.get(i), masked ? ms.get(i) : null);
            TemporalStability.Result streamed = acc.result();
            assertEquals(list.renderChange(), streamed.renderChange(), 0.0);
            assertEquals(list.groundTruthChange(), streamed.groundTruthChange(), 0.0);
            assertEquals(list.temporalError(), streamed.temporalError(), 0.0);
            assertEquals(list.staticPixels(), streamed.staticPixels());
            assertEquals(t - 1, streamed.framePairs());
            assertArrayEquals(list.renderChangePerPair(), streamed.renderChangePerPair(), 0.0);
            assertArrayEquals(list.temporalErrorPerPair(), streamed.temporalErrorPerPair(), 0.0);
            assertArrayEquals(list.staticPixelsPerPair(), streamed.staticPixelsPerPair());
            assertTrue(list.renderChange() > 0 && list.temporalError() > 0);
        }
        TemporalStability.Accumulator one = new TemporalStability.Accumulator(c, h, w, true);
        one.add(rs.get(0), gs.get(0), ms.get(0));
        assertThrows(IllegalArgumentException.class, one::result);
        var e = assertThrows(IllegalArgumentException.class, () -> one.add(rs.get(1), gs.get(1), new boolean[3]));
        assertTrue(e.getMessage().contains("staticMasks[1]"), e.getMessage());
    }

    @Test void staticVideoRenderedExactlyIsZero() {
        int c = 3, h = 4, w = 5, t = 5;
        float[] frame = new float[c * h * w];
        for (int i = 0; i < frame.length; i++) frame[i] = (i * 37 % 11) / 11f;
        List<float[]> r = new ArrayList<>(), g = new ArrayList<>();
        for (int i = 0; i < t; i++) { r.add(frame.clone()); g.add(frame.clone()); }
        TemporalStability.Result res = TemporalStability.measure(r, g, allStatic(t, h * w), c, h, w);
        assertEquals(0.0, res.renderChange(), 0.0);
        assertEquals(0.0, res.groundTruthChange(), 0.0);
        assertEquals(0.0, res.temporalError(), 0.0);
        assertEquals(4, res.framePairs());
        assertEquals(4 * h * w, res.staticPixels());
        assertArrayEquals(new double[4], res.temporalErrorPerPair(), 0.0);
    }

    @Test void aFlickeringPixelGivesTheHandValue() {
        // 1 channel, 2×2, 4 frames; ground truth constant 0.2; the render's pixel 0 alternates 0.2, 0.7, 0.2, 0.7:
        // |ΔR| = 0.5 on 1 pixel of 4 in each of 3 pairs → renderChange = 0.5/4 = 0.125, temporalError = 0.125
        int h = 2, w = 2, t = 4;
        List<float[]> r = new ArrayList<>(), g = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            float[] f = filled(4, 0.2f);
            f[0] = i % 2 == 0 ? 0.2f : 0.7f;
            r.add(f);
            g.add(filled(4, 0.2f));
        }
        TemporalStability.Result res = TemporalStability.measure(r, g, allStatic(t, 4), 1, h, w);
        assertEquals(0.125, res.renderChange(), 1e-7);
        assertEquals(0.0, res.groundTruthChange(), 0.0);
        assertEquals(0.125, res.temporalError(), 1e-7);
        assertArrayEquals(new double[]{0.125, 0.125, 0.125}, res.renderChangePerPair(), 1e-7);
        assertEquals(Double.POSITIVE_INFINITY, res.flickerRatio());
        // null masks = every pixel static: the same numbers
        assertEquals(res.renderChange(), TemporalStability.measure(r, g, null, 1, h, w).renderChange(), 0.0);
    }

    @Test void dynamicPixelsLeaveTheChangeMeasuresButNotTheTemporalError() {
        // as above, with 3 channels of which only channel 0 flickers, and pixel 0 dynamic in frame 2 in the ground
        // truth: pairs (1,2) and (2,3) exclude it. Static pixels: 4 + 3 + 3 = 10; Σ|ΔR| on them = 0.5 (pair 0 only).
        int c = 3, h = 2, w = 2, t = 4, n = 4;
        List<float[]> r = new ArrayList<>(), g = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            float[] f = filled(c * n, 0.2f);
            f[0] = i % 2 == 0 ? 0.2f : 0.7f;
            r.add(f);
            g.add(filled(c * n, 0.2f));
        }
        List<boolean[]> masks = allStatic(t, n);
        masks.get(2)[0] = false;
        TemporalStability.Result res = TemporalStability.measure(r, g, masks, c, h, w);
        assertEquals(10, res.staticPixels());
        assertArrayEquals(new int[]{4, 3, 3}, res.staticPixelsPerPair());
        assertEquals(0.5 / (10 * 3), res.renderChange(), 1e-7);
        assertArrayEquals(new double[]{0.5 / 12, 0, 0}, res.renderChangePerPair(), 1e-7);
        assertEquals(0.5 * 3 / (3 * 4 * 3), res.temporalError(), 1e-7, "all pixels: 0.5 per pair on 1 of 12 values");
    }

    @Test void followingTheGroundTruthsMotionIsNoTemporalError() {
        // the ground truth's pixel 3 moves (dynamic); the render has a constant offset of 0.1 everywhere and copies
        // the motion: temporal error 0, render and ground-truth change 0 on the static pixels
        int h = 2, w = 2, t = 3;
        List<float[]> r = new ArrayList<>(), g = new ArrayList<>();
        List<boolean[]> masks = allStatic(t, 4);
        for (int i = 0; i < t; i++) {
            float[] gt = filled(4, 0.25f);
            gt[3] = 0.25f * i;
            float[] re = gt.clone();
            for (int k = 0; k < 4; k++) re[k] += 0.125f;
            g.add(gt);
            r.add(re);
            masks.get(i)[3] = false;
        }
        TemporalStability.Result res = TemporalStability.measure(r, g, masks, 1, h, w);
        assertEquals(0.0, res.temporalError(), 1e-7);
        assertEquals(0.0, res.renderChange(), 1e-7);
        assertEquals(6, res.staticPixels());
        // a render that stays still while the ground truth moves: error 0.25 on 1 of 4 pixels per pair
        List<float[]> frozen = List.of(r.get(0), r.get(0), r.get(0));
        assertEquals(0.25 / 4, TemporalStability.measure(frozen, g, masks, 1, h, w).temporalError(), 1e-7);
    }

    @Test void noStaticPixelGivesNaNChange() {
        List<float[]> f = List.of(new float[4], new float[4]);
        List<boolean[]> none = List.of(new boolean[4], new boolean[4]);
        TemporalStability.Result res = TemporalStability.measure(f, f, none, 1, 2, 2);
        assertTrue(Double.isNaN(res.renderChange()));
        assertEquals(0, res.staticPixels());
        assertEquals(0.0, res.temporalError(), 0.0);
    }

    @Test void sizesAreValidatedWithClearMessages() {
        List<float[]> two = List.of(new float[12], new float[12]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemporalStability.measure(List.of(new float[12]), List.of(new float[12]), null, 3, 2, 2));
        assertTrue(e.getMessage().contains("at least 2 frames"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TemporalStability.measure(two, List.of(new float[12], new float[12], new float[12]), null, 3, 2, 2));
        assertTrue(e.getMessage().contains("groundTruths has 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TemporalStability.measure(List.of(new float[12], new float[11]), two, null, 3, 2, 2));
        assertTrue(e.getMessage().startsWith("renders[1]") && e.getMessage().contains("got 11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TemporalStability.measure(two, two, List.of(new boolean[4], new boolean[5]), 3, 2, 2));
        assertTrue(e.getMessage().contains("staticMasks[1]") && e.getMessage().contains("got 5"), e.getMessage());
    }

    @Test void backgroundMaskThresholdsAndDilates() {
        int c = 3, h = 5, w = 6, n = h * w;
        float[] bg = filled(c * n, 0.5f), frame = bg.clone();
        int p = 2 * w + 3;                                // (y 2, x 3)
        frame[p] = 0.8f;                                  // mean |diff| over channels = 0.1
        frame[n + 0] = 0.53f;                             // pixel 0: mean 0.01, below the threshold
        boolean[] m0 = TemporalStability.staticMaskFromBackground(frame, bg, c, h, w, 0.05, 0);
        for (int i = 0; i < n; i++) assertEquals(i != p, m0[i], "pixel " + i);
        boolean[] m1 = TemporalStability.staticMaskFromBackground(frame, bg, c, h, w, 0.05, 1);
        int dynamic = 0;
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            boolean near = Math.abs(y - 2) <= 1 && Math.abs(x - 3) <= 1;
            assertEquals(!near, m1[y * w + x], "(" + y + "," + x + ")");
            if (!m1[y * w + x]) dynamic++;
        }
        assertEquals(9, dynamic);
        boolean[] high = TemporalStability.staticMaskFromBackground(frame, bg, c, h, w, 0.2, 3);
        for (boolean b : high) assertTrue(b, "threshold above every difference: all static");
    }

    @Test void maskImageWhiteIsDynamic(@TempDir Path dir) {
        int h = 4, w = 5, n = h * w;
        float[] img = new float[3 * n];
        int p = w + 1;
        for (int c = 0; c < 3; c++) img[c * n + p] = 1f;
        Path file = dir.resolve("mask.png");
        Images.writePng(file, img, 3, h, w);
        boolean[] m = TemporalStability.staticMaskFromImage(file, h, w, 0);
        for (int i = 0; i < n; i++) assertEquals(i != p, m[i]);
        boolean[] d = TemporalStability.staticMaskFromImage(file, h, w, 1);
        assertFalse(d[0]);
        assertTrue(d[3]);
        InputException e = assertThrows(InputException.class, () -> TemporalStability.staticMaskFromImage(file, 5, 5, 0));
        assertTrue(e.getMessage().contains("mask.png") && e.getMessage().contains("5×4"), e.getMessage());
        assertThrows(InputException.class, () -> TemporalStability.staticMaskFromImage(dir.resolve("none.png"), h, w, 0));
    }
}
