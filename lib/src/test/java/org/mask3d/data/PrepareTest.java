package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.RenderPath;
import org.mask3d.io.Images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PrepareTest {
    @TempDir Path tmp;

    Path rig() {
        Path dir = tmp.resolve("rig");
        new SyntheticRig(new SyntheticRig.Options(48, 27, 1, 3, 0.1, 5, 1)).write(dir, 2, null);
        return dir;
    }

    @Test void medianOfAKnownSequence() {
        assertEquals(3f, Backgrounds.medianOfHistogram(hist(1, 3, 9), 3));
        assertEquals(4f, Backgrounds.medianOfHistogram(hist(1, 3, 5, 9), 4));   // numpy: mean of the middle two
        assertEquals(7f, Backgrounds.medianOfHistogram(hist(7), 1));
    }

    static int[] hist(int... v) {
        int[] h = new int[256];
        for (int x : v) h[x]++;
        return h;
    }

    @Test void medianBackgroundRemovesTheMovingObjects() {
        // 5 frames with stride 1: each moving object covers a pixel in at most 2 of 5 frames → the median is the background
        SyntheticRig r = new SyntheticRig(new SyntheticRig.Options(48, 27, 1, 2, 0.1, 5, 2));
        float[] med = Backgrounds.median(r, 0, 1), truth = r.background(0);
        int differ = 0;
        for (int i = 0; i < med.length; i++) if (Math.abs(med[i] - truth[i]) > 1e-6) differ++;
        assertTrue(differ < med.length / 50, differ + " of " + med.length + " values differ from the true background");
    }

    @Test void checkReportsEveryProblemAtOnce() throws Exception {
        Path dir = rig();
        assertTrue(VideoFolderScene.check(dir).isEmpty());
        Files.delete(dir.resolve("frames/cam01/00004.png"));                        // frame counts differ
        Images.writePng(dir.resolve("frames/cam02/00001.png"), new float[3 * 10 * 10], 3, 10, 10);   // wrong size
        Files.delete(dir.resolve("background/cam00.png"));                          // a missing background
        List<String> problems = VideoFolderScene.check(dir);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("cam01") && problems.get(0).contains("4 frames"), problems.get(0));
        assertTrue(problems.get(1).contains("cam02/00001.png") && problems.get(1).contains("10x10"), problems.get(1));
        assertTrue(problems.get(2).contains("no background for cam00"), problems.get(2));
        InputException e = assertThrows(InputException.class, () -> VideoFolderScene.open(dir));
        assertEquals(problems.get(0), e.getMessage());
        List<DatasetCheck.Report> reports = DatasetCheck.scan(tmp);
        assertEquals(1, reports.size());
        assertEquals(3, reports.get(0).problems().size());
    }

    @Test void packedSceneRoundTripsAndRejectsTruncation() throws Exception {
        Path dir = rig();
        VideoFolderScene s = VideoFolderScene.open(dir);
        Path out = tmp.resolve("pack");
        PackedScene.pack(s, s.poses(), out, null);
        try (PackedScene p = PackedScene.open(out)) {
            assertEquals(s.numFrames(), p.numFrames());
            for (int c = 0; c < 3; c++) {
                assertArrayEquals(s.cameras().get(c).w2c(), p.cameras().get(c).w2c(), 0);
                for (int t = 0; t < 5; t++) assertArrayEquals(s.frame(c, t), p.frame(c, t), 0f);
                assertArrayEquals(s.background(c), p.background(c), 0f);
            }
            assertArrayEquals(s.foreground(2, 3), p.foreground(2, 3), 0f);
        }
        byte[] all = Files.readAllBytes(out.resolve("frames.u8"));
        Files.write(out.resolve("frames.u8"), java.util.Arrays.copyOf(all, all.length - 10));
        InputException e = assertThrows(InputException.class, () -> PackedScene.open(out));
        assertTrue(e.getMessage().contains("frames.u8") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test void renderPathFileRoundTrips() {
        VideoFolderScene s = VideoFolderScene.open(rig());
        List<double[]> path = RenderPath.generate(s.poses());
        List<RenderPathFile.Pose> poses = new ArrayList<>();
        for (double[] c2w : path) poses.add(new RenderPathFile.Pose(c2w, 27, 48, 24));
        Path f = tmp.resolve("qual_path.txt");
        RenderPathFile.write(f, poses);
        List<RenderPathFile.Pose> back = RenderPathFile.read(f);
        assertEquals(270, back.size());
        for (int i = 0; i < 270; i += 13) assertArrayEquals(path.get(i), back.get(i).c2w(), 1e-15);
        assertEquals(48, back.get(0).w());
    }

    @Test void lanczosKeepsConstantsAndResizedSceneScalesCameras() {
        float[] c = new float[3 * 20 * 30];
        java.util.Arrays.fill(c, 0.4f);
        for (float v : Images.resizeLanczos(c, 3, 20, 30, 9, 13)) assertEquals(0.4f, v, 1e-6);
        SyntheticRig r = new SyntheticRig(new SyntheticRig.Options(64, 36, 1, 2, 0.1, 2, 0));
        Scene half = ResizedScene.of(r, 32, 18);
        assertEquals(16, half.cameras().get(0).fx(), 1e-12);
        assertEquals(3 * 32 * 18, half.frame(1, 1).length);
        // a downscaled frame is close to the area average of the original
        float[] area = Images.resizeArea(r.frame(1, 1), 3, 36, 64, 18, 32), lz = half.frame(1, 1);
        double err = 0;
        for (int i = 0; i < area.length; i++) err += Math.abs(area[i] - lz[i]) / area.length;
        assertTrue(err < 0.03, "mean |lanczos - area| = " + err);
    }
}
