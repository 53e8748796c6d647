package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;

import static org.junit.jupiter.api.Assertions.*;

/** {@link SyntheticScene} as a {@link Scene}; its exact MPI is tested in {@code eval.SyntheticTruthTest}. */
class SyntheticSceneTest {
    @Test void isASceneWhoseFramesAndBackgroundsAreTheRayCastTruth() {
        SyntheticScene s = SyntheticScene.standard(40, 24, 3, 5);
        Scene scene = s;
        assertEquals(3, scene.numCameras());
        assertEquals(5, scene.numFrames());
        assertEquals(s.frames(), scene.numFrames());
        assertEquals(40, scene.width());
        assertEquals(24, scene.height());
        assertTrue(scene.hasBackgrounds());
        assertFalse(scene.hasForeground());
        Camera c2 = s.cameras().get(2);
        assertArrayEquals(s.render(c2, 3), scene.frame(2, 3));
        assertArrayEquals(s.background(c2), scene.background(2));
        assertFalse(java.util.Arrays.equals(scene.frame(2, 0), scene.frame(2, 4)), "the moving card moves");
        assertFalse(java.util.Arrays.equals(scene.frame(2, 0), scene.background(2)), "the background lacks the moving card");
        assertArrayEquals(new double[]{2, 2, 2}, scene.nears());
        assertArrayEquals(new double[]{20, 20, 20}, scene.fars());
        assertThrows(IndexOutOfBoundsException.class, () -> scene.frame(0, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> scene.frame(3, 0));
    }

    @Test void posesBoundsRoundTrip() {
        SyntheticScene s = SyntheticScene.standard(32, 24, 4, 1);
        var pbs = s.posesBounds();
        assertEquals(s.poses().size(), pbs.size());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(s.poses().get(i).toRow(), pbs.get(i).toRow(), 0.0);
            assertEquals(2.0, pbs.get(i).near());
            assertEquals(20.0, pbs.get(i).far());
            // LLFF's world flip cancels in relative poses
            assertArrayEquals(s.cameras().get(i).relativeTo(s.cameras().get(0)),
                    pbs.get(i).toCamera().relativeTo(pbs.get(0).toCamera()), 1e-12);
        }
    }
}
