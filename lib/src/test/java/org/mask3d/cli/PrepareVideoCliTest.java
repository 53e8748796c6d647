package org.mask3d.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.SyntheticRig;
import org.mask3d.eval.Metrics;
import org.mask3d.io.FfmpegFrames;
import org.mask3d.io.Images;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** prepare video: per-camera videos → a scene's frame folders (skipped, and said so, without ffmpeg). */
class PrepareVideoCliTest {
    @TempDir Path tmp;

    @Test void everyNthFrameOfEachCameraVideo() throws Exception {
        Assumptions.assumeTrue(FfmpegFrames.available(), "ffmpeg not installed (./mask3d setup installs it): skipped");
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(64, 36, 1, 2, 0.1, 9, 4));
        Path rigDir = tmp.resolve("rig");
        rig.write(rigDir, 2, null);
        Path videos = Files.createDirectories(tmp.resolve("videos"));
        for (int c = 0; c < 2; c++) {
            Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-framerate", "30", "-i",
                    rigDir.resolve(String.format("frames/cam%02d/%%05d.png", c)).toString(), "-c:v", "libx264", "-qp", "0",
                    "-pix_fmt", "yuv444p", videos.resolve(String.format("clip_%d.mp4", c)).toString()).inheritIO().start();
            assertEquals(0, p.waitFor());
        }
        Path out = tmp.resolve("scene");
        CliTest.Run r = CliTest.run("prepare", "video", "--videos", videos.toString(), "--out", out.toString(), "--skip", "4");
        assertEquals(0, r.code(), r.out() + r.err());
        for (int c = 0; c < 2; c++) {
            Path cam = out.resolve(String.format("frames/cam%02d", c));
            try (var files = Files.list(cam)) {
                assertEquals(3, files.count(), "frames 0, 4, 8 of 9");
            }
            for (int i = 0; i < 3; i++) {
                float[] got = Images.readChw(cam.resolve(String.format("%05d.png", i)));
                double psnr = Metrics.psnr(got, rig.frame(c, 4 * i));
                assertTrue(psnr > 35, "cam " + c + " frame " + (4 * i) + ": " + psnr + " dB");   // lossless x264, RGB→YUV444 rounding only
            }
        }
        assertTrue(r.out().contains("cam01 <- clip_1.mp4: 3 frames"), r.out());
        CliTest.Run none = CliTest.run("prepare", "video", "--videos", tmp.resolve("rig").toString(), "--out", out.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no videos"), none.err());
    }
}
