package org.mask3d.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.Llff;
import org.mask3d.io.FfmpegFrames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** N3DV's own layout (camNN.mp4 with a gap, poses_bounds.npy) read as a scene, decoded on demand or prepared once. */
class N3dvSceneTest {
    @TempDir static Path tmp;
    static Path n3dv;
    static SyntheticRig rig;

    @BeforeAll static void write() throws Exception {
        Assumptions.assumeTrue(FfmpegFrames.available(), "ffmpeg not installed (./mask3d setup installs it): skipped");
        n3dv = tmp.resolve("n3dv");
        rig = N3dvFixture.write(n3dv, 32, 24, 1, 4, 5, 2);   // cam00, cam01, cam03: cam02 failed calibration
    }

    @Test void readsTheVideosWithTheGapAndTheTestCamera() {
        N3dvScene s = N3dvScene.open(n3dv, N3dvScene.Options.defaults());
        assertEquals(List.of("cam00", "cam01", "cam03"), s.cameraNames());
        assertEquals(3, s.numCameras());
        assertEquals(5, s.numFrames());
        assertEquals(32, s.width());
        assertEquals(24, s.height());
        assertEquals(0, s.testCamera());
        assertEquals("cam00", s.testCameraName());
        assertTrue(s.name().contains("test cam00"), s.name());
        // camera 2 of the scene is the rig's camera 3 (the row after the gap), frames losslessly encoded
        int[] rigCam = {0, 1, 3};
        for (int c = 0; c < 3; c++) {
            float[] f = s.frame(c, 4), g = rig.frame(rigCam[c], 4);
            double err = 0;
            for (int i = 0; i < f.length; i++) err = Math.max(err, Math.abs(f[i] - g[i]));
            assertTrue(err <= 3.0 / 255, "lossless yuv444 H.264 up to RGB-YUV rounding: camera " + c + " frame 4 differs by " + err);
            assertArrayEquals(rig.poses().get(rigCam[c]).toRow(), s.poses().get(c).toRow(), 1e-9);
        }
        assertArrayEquals(PlaneDepthsBounds.of(rig, rigCam), s.depthBounds(), 1e-9);
        assertTrue(s.hasBackgrounds());
        assertEquals(3 * 32 * 24, s.background(1).length);
        assertTrue(s.notes().stream().anyMatch(n -> n.startsWith("backgrounds: N3DV has none")), s.notes().toString());
        assertNull(N3dvScene.fullSizeWarning(1352, 1014));
        assertTrue(N3dvScene.fullSizeWarning(2704, 2028).contains("1352x1014"));
        assertTrue(Scenes.open(n3dv) instanceof N3dvScene, "Scenes.open knows the layout");
    }

    @Test void frameRangeSizeAndAnotherTestCamera() {
        N3dvScene s = N3dvScene.open(n3dv, new N3dvScene.Options(16, 12, 1, 4, "cam03", 1));
        assertEquals(3, s.numFrames());
        assertEquals(16, s.width());
        assertEquals(12, s.height());
        assertEquals(2, s.testCamera());
        assertEquals(16, s.cameras().get(0).width());
        assertEquals(3 * 16 * 12, s.frame(2, 2).length);
        InputException e = assertThrows(InputException.class, () -> N3dvScene.open(n3dv, new N3dvScene.Options(0, 0, 0, 0, "cam02", 0)));
        assertTrue(e.getMessage().contains("test camera cam02 has no video") && e.getMessage().contains("cam00, cam01, cam03"), e.getMessage());
        e = assertThrows(InputException.class, () -> N3dvScene.open(n3dv, new N3dvScene.Options(0, 0, 0, 9, "cam00", 0)));
        assertTrue(e.getMessage().contains("shortest video, which has 5 frames"), e.getMessage());
    }

    @Test void rowsMustMatchThePresentVideos() throws Exception {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        for (String f : List.of("cam00.mp4", "cam01.mp4", "cam03.mp4")) Files.copy(n3dv.resolve(f), bad.resolve(f));
        Llff.write(bad.resolve("poses_bounds.npy"), rig.poses());   // 4 rows: one per rig camera, gap ignored
        InputException e = assertThrows(InputException.class, () -> N3dvScene.open(bad, N3dvScene.Options.defaults()));
        assertTrue(e.getMessage().contains("has 4 rows but") && e.getMessage().contains("3 camNN.mp4 videos (cam00, cam01, cam03)"), e.getMessage());
    }

    @Test void preparedOnceIntoASceneFolder() {
        N3dvScene s = N3dvScene.open(n3dv, N3dvScene.Options.defaults());
        Path out = tmp.resolve("prepared");
        s.writeSceneFolder(out, null);
        VideoFolderScene v = VideoFolderScene.open(out);
        assertEquals(List.of("cam00", "cam01", "cam03"), v.cameraNames());
        assertEquals(5, v.numFrames());
        assertTrue(v.hasBackgrounds());
        assertArrayEquals(s.frame(2, 3), v.frame(2, 3), 0f);
        assertArrayEquals(s.background(2), v.background(2), 0.5f / 255);
        assertArrayEquals(s.depthBounds(), v.depthBounds(), 1e-9);
        assertTrue(Files.isRegularFile(out.resolve("n3dv.txt")));
    }

    /** The depth bounds of the rig's cameras {@code cams}, as any scene computes them. */
    static final class PlaneDepthsBounds {
        static double[] of(Scene rig, int[] cams) {
            double[] n = new double[cams.length], f = new double[cams.length];
            for (int i = 0; i < cams.length; i++) { n[i] = rig.nears()[cams[i]]; f[i] = rig.fars()[cams[i]]; }
            return org.mask3d.geometry.PlaneDepths.sceneBounds(n, f);
        }
    }
}
