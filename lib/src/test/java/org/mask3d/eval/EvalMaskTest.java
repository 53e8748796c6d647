package org.mask3d.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.SyntheticRig;
import org.mask3d.io.Images;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The 2D baseline's mask on hand cases, and the rig's exact static and disocclusion masks. */
class EvalMaskTest {
    @TempDir Path tmp;

    @Test void staticMaskSourcesAgreeWithTheRigsTruth() {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(32, 24, 2, 5, 0.08, 3, 1));
        RigTruth truth = new RigTruth(rig);
        int n = 32 * 24;
        EvalConfig fg = EvalConfig.resolve(null, Map.of("static_mask", "foreground", "static_dilate", "0"));
        EvalConfig bg = EvalConfig.resolve(null, Map.of("static_mask", "background", "static_threshold", "0.001", "static_dilate", "0"));
        EvalConfig dil = EvalConfig.resolve(null, Map.of("static_mask", "foreground", "static_dilate", "1"));
        int dynamic = 0;
        for (int t = 0; t < 3; t++) {
            boolean[] exact = truth.staticMask(7, t);
            float[] gt = rig.frame(7, t);
            assertArrayEquals(exact, Evaluation.staticMask(fg, rig, truth, 7, t, gt), "the rig's mattes are its truth");
            boolean[] b = Evaluation.staticMask(bg, rig, truth, 7, t, gt), d = Evaluation.staticMask(dil, rig, truth, 7, t, gt);
            for (int p = 0; p < n; p++) {
                if (exact[p]) assertTrue(b[p], "a truly static pixel equals its background");
                if (d[p]) assertTrue(exact[p], "dilation only removes static pixels");
                if (!exact[p]) dynamic++;
            }
            // a user's folder: white = dynamic
            float[] img = new float[3 * n];
            for (int p = 0; p < n; p++) if (!exact[p]) img[p] = img[n + p] = img[2 * n + p] = 1f;
            Images.writePng(tmp.resolve(String.format("cam07/%05d.png", t)), img, 3, 24, 32);
        }
        assertTrue(dynamic > 0);
        EvalConfig folder = EvalConfig.resolve(null, Map.of("static_mask", tmp.toString(), "static_dilate", "0"));
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(truth.staticMask(7, t), Evaluation.staticMask(folder, rig, truth, 7, t, rig.frame(7, t)));
        }
        var e = assertThrows(org.mask3d.InputException.class, () -> Evaluation.staticMask(folder, rig, truth, 8, 0, rig.frame(8, 0)));
        assertTrue(e.getMessage().contains("cam08/00000.png not found"), e.getMessage());
    }

    @Test void mask2dOnAHandCase() {
        // 1 channel... as 3 equal channels, 3x4 image; background 0, frame differences per pixel:
        float[] d = {0.00f, 0.05f, 0.30f, 0.00f,
                     0.00f, 0.00f, 0.00f, 0.00f,
                     0.12f, 0.00f, 0.00f, 0.00f};
        float[] frame = new float[36], bg = new float[36];
        for (int c = 0; c < 3; c++) System.arraycopy(d, 0, frame, c * 12, 12);
        float[] hard = Mask2d.fromDifference(frame, bg, 3, 3, 4, 0.1, 0, false);
        assertArrayEquals(new float[]{0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0}, hard);
        float[] dil = Mask2d.fromDifference(frame, bg, 3, 3, 4, 0.1, 1, false);
        assertArrayEquals(new float[]{0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, dil);
        float[] soft = Mask2d.fromDifference(frame, bg, 3, 3, 4, 0.1, 0, true);
        assertArrayEquals(new float[]{0, 0.5f, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0}, soft, 1e-6f);
        // the mean over channels decides: one channel at 0.27 and two at 0 is a mean of 0.09, below 0.1
        float[] one = new float[36];
        one[0] = 0.27f;
        assertEquals(0f, Mask2d.fromDifference(one, bg, 3, 3, 4, 0.1, 0, false)[0]);
        float[] vol = Mask2d.volume(hard, 2);
        assertEquals(24, vol.length);
        assertEquals(1f, vol[12 + 2]);
        assertEquals(1f, vol[2]);
        assertThrows(IllegalArgumentException.class, () -> Mask2d.fromDifference(frame, bg, 3, 3, 5, 0.1, 0, false));
        assertThrows(IllegalArgumentException.class, () -> Mask2d.fromDifference(frame, bg, 3, 3, 4, 0, 0, false));
    }

    @Test void rigStaticMaskIsExactAndDisocclusionsAreStaticAndHiddenFromTheReference() {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(48, 32, 2, 5, 0.08, 6, 1));
        RigTruth truth = new RigTruth(rig);
        int n = 48 * 32, dynamicSeen = 0, disoccluded = 0;
        for (int t = 0; t + 1 < 6; t++) {
            boolean[] s0 = truth.staticMask(7, t), s1 = truth.staticMask(7, t + 1);
            float[] g0 = rig.frame(7, t), g1 = rig.frame(7, t + 1), bg = rig.background(7);
            for (int p = 0; p < n; p++) {
                if (!s0[p]) dynamicSeen++;
                for (int c = 0; c < 3; c++) {
                    if (s0[p] && s1[p]) assertEquals(g0[c * n + p], g1[c * n + p], "static pixels do not change");
                    if (s0[p]) assertEquals(bg[c * n + p], g0[c * n + p], "a static pixel shows the background");
                }
            }
            boolean[] dis = truth.disocclusions(7, 2, t);
            for (int p = 0; p < n; p++) {
                if (dis[p]) {
                    disoccluded++;
                    assertTrue(s0[p], "a disocclusion is a static pixel of the target");
                }
            }
        }
        assertTrue(dynamicSeen > 0, "the moving objects appear at camera 7");
        assertTrue(disoccluded > 0, "camera 7 sees background that the moving objects hide from camera 2");
        // a camera is never disoccluded relative to itself
        for (int t = 0; t < 6; t++) for (boolean b : truth.disocclusions(2, 2, t)) assertFalse(b);
    }
}
