package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.geometry.Camera;
import org.mask3d.io.Npy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticRigTest {
    @TempDir Path tmp;

    static SyntheticRig small(long seed) { return new SyntheticRig(new SyntheticRig.Options(64, 36, 2, 3, 0.08, 4, seed)); }

    @Test void deterministicFromTheSeedAndSeedsDiffer() {
        assertArrayEquals(small(1).frame(2, 3), small(1).frame(2, 3));
        assertFalse(java.util.Arrays.equals(small(1).frame(2, 3), small(2).frame(2, 3)));
    }

    @Test void mattesBackgroundsAndDepthAreConsistent() {
        SyntheticRig r = small(0);
        int n = 64 * 36;
        boolean anyFg = false;
        for (int t = 0; t < 4; t++) {
            SyntheticRig.View v = r.view(1, t, true), bg = r.view(1, t, false);
            for (int p = 0; p < n; p++) {
                boolean fg = v.mask()[p] > 0;
                anyFg |= fg;
                if (!fg) {   // where no moving object is hit, the frame is the background
                    for (int k = 0; k < 3; k++) assertEquals(bg.rgb()[k * n + p], v.rgb()[k * n + p], 0f);
                    assertEquals(bg.depth()[p], v.depth()[p], 0f);
                } else {
                    assertTrue(v.depth()[p] < bg.depth()[p], "a moving object is in front of the background");
                }
                assertTrue(v.depth()[p] > 0);
            }
        }
        assertTrue(anyFg, "the moving objects are seen");
        float[] fgm = r.foreground(1, 2);
        assertEquals(4 * n, fgm.length);
    }

    @Test void writeThenReadRoundTripsCamerasAndImagesExactly() throws Exception {
        SyntheticRig r = small(3);
        Path dir = tmp.resolve("rig");
        r.write(dir, 2, null);
        VideoFolderScene s = VideoFolderScene.open(dir);
        assertEquals(6, s.numCameras());
        assertEquals(4, s.numFrames());
        assertTrue(s.hasBackgrounds() && s.hasForeground());
        Camera ref = r.cameras().get(0), refRead = s.cameras().get(0);
        for (int c = 0; c < 6; c++) {
            assertArrayEquals(r.cameras().get(c).k(), s.cameras().get(c).k(), 1e-12);
            // LLFF's reflected world: poses relative to camera 0 are exact
            assertArrayEquals(r.cameras().get(c).relativeTo(ref), s.cameras().get(c).relativeTo(refRead), 1e-12);
            for (int t = 0; t < 4; t++) assertArrayEquals(r.frame(c, t), s.frame(c, t), 0f);
            assertArrayEquals(r.background(c), s.background(c), 0f);
        }
        assertArrayEquals(r.foreground(4, 2), s.foreground(4, 2), 0f);
        assertArrayEquals(r.view(5, 1, true).depth(), Npy.read(dir.resolve("depth/cam05/00001.npy")).floats(), 0f);
        assertArrayEquals(r.depthBounds(), s.depthBounds(), 1e-12);
        assertTrue(Files.readString(dir.resolve("rig.txt")).contains("seed = 3"));
    }

    @Test void defaultRigIsTenCamerasInAGrid() {
        SyntheticRig r = SyntheticRig.standard();
        assertEquals(10, r.numCameras());
        assertEquals(30, r.numFrames());
        assertEquals(160, r.cameras().get(0).fx(), 0, "90 degree horizontal field of view");
        double[] c0 = r.cameras().get(0).center(), c9 = r.cameras().get(9).center();
        assertEquals(0.32, c9[0] - c0[0], 1e-12);
        assertEquals(0.08, c9[1] - c0[1], 1e-12);
    }

    @Test void maskStageSamplesAsReleased() {
        SyntheticRig r = small(0);
        MaskStageSampler sampler = new MaskStageSampler(java.util.List.of(r));
        Random rng = new Random(5);
        for (int i = 0; i < 20; i++) {
            MaskSample s = sampler.sample(0, rng);
            assertNotEquals(s.targetCam(), s.sourceCams()[0]);
            assertNotEquals(s.targetCam(), s.sourceCams()[1]);
            assertNotEquals(s.sourceCams()[0], s.sourceCams()[1]);
            assertArrayEquals(r.frame(s.sourceCams()[0], s.frame()), s.srcRgb()[0]);
            int n = 64 * 36;
            for (int p = 0; p < n; p++) assertEquals(s.tgtFg()[3 * n + p] > 0.5f ? 1f : 0f, s.tgtMask()[p]);
            assertArrayEquals(r.depthBounds(), s.bounds());
        }
        assertEquals(3, sampler.batch(3, rng).size());
        MaskSample a = sampler.sample(0, new Random(9)), b = sampler.sample(0, new Random(9));
        assertEquals(a.frame(), b.frame());
        assertArrayEquals(a.sourceCams(), b.sourceCams());
        int[] order = sampler.epochOrder(new Random(1));
        assertArrayEquals(new int[]{0}, order);
    }
}
