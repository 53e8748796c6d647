package org.mask3d.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.RealEstate10K;
import org.mask3d.io.FfmpegFrames;
import org.mask3d.io.Images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code mask3d prepare} and {@code mask3d prepare realestate} through the command line's entry point. */
class RealEstatePrepareCliTest {
    @TempDir Path tmp;

    @Test void prepareGroupListsRealestateWithExamples() {
        CliTest.Run r = CliTest.run("--help");
        assertTrue(r.out().contains("prepare"), r.out());
        CliTest.Run p = CliTest.run("prepare", "--help");
        assertEquals(0, p.code());
        assertTrue(p.out().contains("realestate") && p.out().contains("Examples:"), p.out());
        CliTest.Run h = CliTest.run("prepare", "realestate", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("Examples:") && h.out().contains("--videos"), h.out());
    }

    @Test void badOptionsAreOneLineErrors() {
        Files.exists(tmp);
        CliTest.Run r = CliTest.run("prepare", "realestate", "--txt", "t", "--videos", "v", "--out", "o", "--size", "640by360");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--size must be WIDTHxHEIGHT with positive numbers, e.g. 640x360, got '640by360'"), r.err());
        r = CliTest.run("prepare", "realestate", "--txt", "t", "--videos", "v", "--out", "o", "--filter", "bilinear");
        assertTrue(r.err().contains("--filter must be 'area' or 'lanczos', got 'bilinear'"), r.err());
        r = CliTest.run("prepare", "realestate", "--videos", "v", "--out", "o");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required option: '--txt=DIR'"), r.err());
    }

    @Test void extractsFramesAndReportsTheSamplerCount() throws Exception {
        assumeTrue(FfmpegFrames.available(), "ffmpeg not on the PATH: skipping (apt-get install --no-install-recommends ffmpeg)");
        Path txt = tmp.resolve("txt"), videos = tmp.resolve("videos"), out = tmp.resolve("frames");
        // a 10 fps, 3 s video; the camera file asks for frames 3, 5, 9
        Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 30; i++) {
            float[] img = new float[3 * 48 * 64];
            java.util.Arrays.fill(img, 0, 48 * 64, 8 * i / 255f);
            Images.writePng(src.resolve(String.format("%03d.png", i)), img, 3, 48, 64);
        }
        Files.createDirectories(videos);
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-framerate", "10", "-i",
                src.resolve("%03d.png").toString(), "-c:v", "libx264", "-pix_fmt", "yuv420p", videos.resolve("xyz.mp4").toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Files.createDirectories(txt);
        Files.writeString(txt.resolve("seq1.txt"), "https://www.youtube.com/watch?v=xyz\n"
                + "300000 0.5 0.9 0.5 0.5 0 0 1 0 0 0 0 1 0 0 0 0 1 0\n"
                + "500000 0.5 0.9 0.5 0.5 0 0 1 0 0 0 0 1 0 0 0 0 1 0\n"
                + "900000 0.5 0.9 0.5 0.5 0 0 1 0 0 0 0 1 0 0 0 0 1 0\n");
        CliTest.Run r = CliTest.run("prepare", "realestate", "--txt", txt.toString(), "--videos", videos.toString(),
                "--out", out.toString(), "--size", "32x24", "--format", "png");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("extracted seq1: 3 frames from xyz.mp4"), r.out());
        assertTrue(r.out().contains("1 extracted, 0 skipped, 0 failed; 0 of 1 sequences"), r.out());
        RealEstate10K.Sequence s = RealEstate10K.Sequence.open(txt.resolve("seq1.txt"), out);
        List<Float> reds = new ArrayList<>();
        for (int i = 0; i < 3; i++) reds.add(s.image(i).chw()[100]);
        assertEquals(24 / 255f, reds.get(0), 4 / 255f);
        assertEquals(40 / 255f, reds.get(1), 4 / 255f);
        assertEquals(72 / 255f, reds.get(2), 4 / 255f);
        assertEquals(32, s.image(0).width());
    }
}
