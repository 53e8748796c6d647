package org.mask3d.eval;

import org.junit.jupiter.api.Test;
import org.mask3d.data.SyntheticScene;
import org.mask3d.geometry.Camera;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.Rendering;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticTruthTest {
    static double psnr(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return -10 * Math.log10(s / a.length);
    }

    @Test void exactMpiRendersTheReferenceViewExactly() {
        SyntheticScene s = SyntheticScene.standard(48, 32, 3, 5);
        for (int f : new int[]{0, 4}) {
            Mpi mpi = SyntheticTruth.exactMpi(s, f);
            assertEquals(s.planes(), mpi.planes());
            assertArrayEquals(s.mpiDepths(), mpi.depths(), 0.0);
            Rendering r = new CpuRenderer().render(mpi, s.cameras().get(0));
            float[] gt = s.render(s.cameras().get(0), f);
            assertArrayEquals(gt, r.rgb(), 1e-6f);
            for (float a : r.alpha()) assertEquals(1f, a, 1e-6);   // the far wall is opaque everywhere
        }
    }

    @Test void novelViewsAreCloseToGroundTruthAndTheCardMoves() {
        SyntheticScene s = SyntheticScene.standard(64, 48, 3, 5);
        Camera c2 = s.cameras().get(2);
        Rendering r = new CpuRenderer().render(SyntheticTruth.exactMpi(s, 2), c2);
        double p = psnr(s.render(c2, 2), r.rgb());
        assertTrue(p > 20 && p < 200, "novel view PSNR " + p);
        float[] m = SyntheticTruth.exactMask(s, 2);
        double sum = 0;
        for (float v : m) sum += v;
        assertTrue(sum > 10, "the mask marks the moving card's voxels");
    }

    @Test void theBackgroundMpiRendersTheStaticCards() {
        SyntheticScene s = SyntheticScene.standard(48, 32, 3, 5);
        Rendering r = new CpuRenderer().render(SyntheticTruth.backgroundMpi(s), s.cameras().get(0));
        assertArrayEquals(s.background(0), r.rgb(), 1e-6f);
        float[] dyn = SyntheticTruth.exactMpi(s, 3).rgba(), bg = SyntheticTruth.backgroundMpi(s).rgba();
        float[] m = SyntheticTruth.exactMask(s, 3);
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 0f) assertEquals(bg[i * 4 + 3], dyn[i * 4 + 3], "outside the mask the MPIs agree");
        }
    }
}
