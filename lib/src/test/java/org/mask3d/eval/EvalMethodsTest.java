package org.mask3d.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mask3d.data.SyntheticRig;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.Mpi;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The compared methods on a tiny rig with initial (untrained) networks: identities that hold for any weights. */
class EvalMethodsTest {
    static SyntheticRig rig;
    static EvalSession session;
    static CpuRenderer renderer = new CpuRenderer(1);

    @BeforeAll static void open() {
        rig = new SyntheticRig(new SyntheticRig.Options(24, 16, 2, 5, 0.08, 3, 1));
        NDManager m = NDManager.newBaseManager();
        session = new EvalSession(rig, new int[]{2, 3}, 8, Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32),
                Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32), renderer, EvalSession.Mask2dSettings.defaults(), m);
    }

    @AfterAll static void close() { session.close(); }

    static float[] fill(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test void backgroundMethodIsTheBackgroundMpiRenderedAndConstantInTime() {
        EvalSession.FrameMpis f0 = session.frameMpis(0), f2 = session.frameMpis(2);
        float[] direct = renderer.render(f0.background(), rig.cameras().get(7)).rgb();
        assertArrayEquals(direct, session.render(EvalMethod.BACKGROUND, f0, 7));
        assertArrayEquals(direct, session.render(EvalMethod.BACKGROUND, f2, 7));
        assertFalse(Arrays.equals(session.render(EvalMethod.PER_FRAME, f0, 7), session.render(EvalMethod.PER_FRAME, f2, 7)),
                "the per-frame MPI follows the moving objects");
    }

    @Test void maskOfOnesIsPerFrameAndOfZerosIsBackground() {
        EvalSession.FrameMpis f = session.frameMpis(1);
        int n = 8 * 16 * 24;
        assertEquals(n, f.mask3d().length);
        var ones = new EvalSession.FrameMpis(1, f.dynamic(), f.background(), fill(n, 1f), fill(16 * 24, 1f));
        var zeros = new EvalSession.FrameMpis(1, f.dynamic(), f.background(), fill(n, 0f), fill(16 * 24, 0f));
        assertArrayEquals(f.dynamic().rgba(), EvalSession.methodMpi(EvalMethod.MASK3D, ones).rgba());
        assertArrayEquals(f.dynamic().rgba(), EvalSession.methodMpi(EvalMethod.MASK2D, ones).rgba());
        assertArrayEquals(session.render(EvalMethod.PER_FRAME, f, 8), session.render(EvalMethod.MASK3D, ones, 8));
        assertArrayEquals(session.render(EvalMethod.BACKGROUND, f, 8), session.render(EvalMethod.MASK3D, zeros, 8));
        assertArrayEquals(session.render(EvalMethod.BACKGROUND, f, 8), session.render(EvalMethod.MASK2D, zeros, 8));
        // the learned mask is neither: mask3d differs from both
        float[] m3 = session.render(EvalMethod.MASK3D, f, 8);
        assertFalse(Arrays.equals(m3, session.render(EvalMethod.PER_FRAME, f, 8)));
        assertFalse(Arrays.equals(m3, session.render(EvalMethod.BACKGROUND, f, 8)));
    }

    @Test void mask2dIsTheReferenceViewsDifferenceBroadcastOverDepth() {
        EvalSession.FrameMpis f = session.frameMpis(1);
        float[] expect = Mask2d.fromDifference(rig.frame(2, 1), rig.background(2), 3, 16, 24, Mask2d.DEFAULT_THRESHOLD, Mask2d.DEFAULT_DILATE, false);
        assertArrayEquals(expect, f.mask2d());
        Mpi blended = EvalSession.methodMpi(EvalMethod.MASK2D, f);
        int hw = 16 * 24;
        for (int d = 0; d < 8; d++) {
            for (int p = 0; p < hw; p++) {
                Mpi pick = f.mask2d()[p] == 1f ? f.dynamic() : f.background();
                for (int c = 0; c < 4; c++) assertEquals(pick.rgba()[(d * hw + p) * 4 + c], blended.rgba()[(d * hw + p) * 4 + c]);
            }
        }
    }

    @Test void constantBlendUsesTheMaskMeanEverywhere() {
        EvalSession.FrameMpis f = session.frameMpis(1);
        int n = 8 * 16 * 24;
        float[] ramp = new float[n];
        for (int i = 0; i < n; i++) ramp[i] = (i % 5) / 4f;   // varies along every axis
        double mean = 0;
        for (float v : ramp) mean += v;
        mean /= n;
        var rampF = new EvalSession.FrameMpis(1, f.dynamic(), f.background(), ramp, f.mask2d());
        Mpi got = EvalSession.methodMpi(EvalMethod.CONSTANT_BLEND, rampF);
        Mpi expect = Mpi.blend(f.dynamic(), f.background(), fill(n, (float) mean));
        assertArrayEquals(expect.rgba(), got.rgba());
        for (int i : new int[]{0, 101, n * 4 - 1}) {
            float want = (float) (mean * f.dynamic().rgba()[i] + (1 - mean) * f.background().rgba()[i]);
            assertEquals(want, got.rgba()[i], 1e-6f);
        }
        assertFalse(Arrays.equals(EvalSession.methodMpi(EvalMethod.MASK3D, rampF).rgba(), got.rgba()), "a varying mask is not its mean");
        var none = new EvalSession.FrameMpis(1, f.dynamic(), f.background(), null, f.mask2d());
        assertThrows(org.mask3d.InputException.class, () -> EvalSession.methodMpi(EvalMethod.CONSTANT_BLEND, none));
    }

    @Test void nearestSourceCopiesTheClosestSourceFrame() {
        assertEquals(2, session.nearestSource(7));   // camera 7 is below camera 2
        assertEquals(3, session.nearestSource(8));
        EvalSession.FrameMpis f = session.frameMpis(2);
        assertArrayEquals(rig.frame(3, 2), session.render(EvalMethod.NEAREST_SOURCE, f, 8));
        Map<EvalMethod, float[]> v = session.views(2, 8, List.of(EvalMethod.values()));
        assertEquals(EvalMethod.values().length, v.size());
        for (float[] im : v.values()) assertEquals(3 * 16 * 24, im.length);
    }

    @Test void methodKeys() {
        for (EvalMethod m : EvalMethod.values()) assertSame(m, EvalMethod.fromKey(m.key()));
        var e = assertThrows(org.mask3d.InputException.class, () -> EvalMethod.fromKey("mask_3d"));
        assertTrue(e.getMessage().contains("mask3d, per_frame, background, mask2d, constant_blend, nearest_source"), e.getMessage());
    }
}
