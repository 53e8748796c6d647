package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.Rendering;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticSceneTest {
    static double psnr(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return -10 * Math.log10(s / a.length);
    }

    @Test void exactMpiRendersTheReferenceViewExactly() {
        SyntheticScene s = SyntheticScene.standard(48, 32, 3, 5);
        for (int f : new int[]{0, 4}) {
            Rendering r = new CpuRenderer().render(s.exactMpi(f), s.cameras().get(0));
            float[] gt = s.render(s.cameras().get(0), f);
            assertArrayEquals(gt, r.rgb(), 1e-6f);
            for (float a : r.alpha()) assertEquals(1f, a, 1e-6);   // the far wall is opaque everywhere
        }
    }

    @Test void novelViewsAreCloseToGroundTruthAndTheCardMoves() {
        SyntheticScene s = SyntheticScene.standard(64, 48, 3, 5);
        Camera c2 = s.cameras().get(2);
        Rendering r = new CpuRenderer().render(s.exactMpi(2), c2);
        double p = psnr(s.render(c2, 2), r.rgb());
        assertTrue(p > 20 && p < 200, "novel view PSNR " + p);
        assertFalse(java.util.Arrays.equals(s.render(c2, 0), s.render(c2, 4)), "the moving card moves");
        assertFalse(java.util.Arrays.equals(s.render(c2, 0), s.background(c2)), "the background lacks the moving card");
        float[] m = s.exactMask(2);
        double sum = 0;
        for (float v : m) sum += v;
        assertTrue(sum > 10, "the mask marks the moving card's voxels");
    }

    @Test void posesBoundsRoundTrip() {
        SyntheticScene s = SyntheticScene.standard(32, 24, 4, 1);
        var pbs = s.posesBounds();
        for (int i = 0; i < 4; i++) {
            // LLFF's world flip cancels in relative poses
            assertArrayEquals(s.cameras().get(i).relativeTo(s.cameras().get(0)),
                    pbs.get(i).toCamera().relativeTo(pbs.get(0).toCamera()), 1e-12);
        }
    }
}
