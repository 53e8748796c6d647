package org.mask3d.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.io.FfmpegFrames;
import org.mask3d.io.Images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Frame extraction at RealEstate10K timestamps, on a short synthetic video made by ffmpeg from generated frames.
 * Skipped, with a message, where ffmpeg is not installed ({@code ./mask3d test} installs it as root).
 */
class RealEstate10KFramesTest {
    @TempDir Path tmp;

    static final int FPS = 10, FRAMES = 30;

    @BeforeAll static void needsFfmpeg() {
        assumeTrue(FfmpegFrames.available(),
                "ffmpeg/ffprobe not on the PATH: skipping frame extraction tests (apt-get install --no-install-recommends ffmpeg)");
    }

    /** Frame i's colour: red 8i, green 255 − 8i, blue 64 (of 255). */
    static float[] colour(int i) { return new float[]{8 * i / 255f, (255 - 8 * i) / 255f, 64 / 255f}; }

    /**
     * An H.264 video of {@link #FRAMES} frames at {@link #FPS} fps, {@code w × h}, frame i a constant {@link #colour}
     * with a white square in its top-left corner, keyframes every 5 frames (so seeking decodes from a keyframe).
     */
    static Path makeVideo(Path dir, String name, int w, int h) throws Exception {
        Path src = Files.createDirectories(dir.resolve(name + "-src"));
        for (int i = 0; i < FRAMES; i++) {
            float[] img = new float[3 * w * h];
            float[] c = colour(i);
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) img[(ch * h + y) * w + x] = x < w / 4 && y < h / 4 ? 1f : c[ch];
                }
            }
            Images.writePng(src.resolve(String.format("%03d.png", i)), img, 3, h, w);
        }
        Path video = dir.resolve(name + ".mp4");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-framerate", String.valueOf(FPS),
                "-i", src.resolve("%03d.png").toString(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "5",
                video.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "ffmpeg could not make the test video: " + log);
        return video;
    }

    /** The mean colour of the bottom-right quarter of an image. */
    static float[] meanColour(Images.Image img) {
        int w = img.width(), h = img.height();
        float[] m = new float[3];
        int n = 0;
        for (int y = h / 2; y < h; y++) {
            for (int x = w / 2; x < w; x++) {
                for (int c = 0; c < 3; c++) m[c] += img.chw()[(c * h + y) * w + x];
                n++;
            }
        }
        for (int c = 0; c < 3; c++) m[c] /= n;
        return m;
    }

    static void assertFrame(int expected, Path file) {
        Images.Image img = Images.read(file);
        float[] m = meanColour(img);
        assertArrayEquals(colour(expected), m, 4 / 255f, file + " should be frame " + expected);
    }

    @Test void probeAndNearestFrames() throws Exception {
        Path video = makeVideo(tmp, "clip", 64, 48);
        FfmpegFrames.Probe p = FfmpegFrames.probe(video);
        assertEquals(64, p.width());
        assertEquals(48, p.height());
        assertEquals(10, p.fps(), 1e-9);
        assertEquals(3.0, p.duration(), 0.05);
        // exact frame times, a microsecond either side, 40% of a frame either side, out of order, repeated
        long[] ts = {300_000, 700_001, 799_999, 1_540_000, 2_160_000, 2_900_000, 100_000, 700_000};
        int[] expect = {3, 7, 8, 15, 22, 29, 1, 7};
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < ts.length; i++) outs.add(tmp.resolve("out").resolve(String.format("%05d.png", i)));
        long[] chosen = FfmpegFrames.extractNearest(video, ts, 32, 24, FfmpegFrames.Filter.AREA, outs);
        for (int i = 0; i < ts.length; i++) {
            assertEquals(expect[i] * 100_000L, chosen[i], 1, "frame time of request " + i);
            Images.Image img = Images.read(outs.get(i));
            assertEquals(32, img.width());
            assertEquals(24, img.height());
            assertFrame(expect[i], outs.get(i));
            // the white corner (16x12 at full size) is 8x6 after area downscaling
            assertEquals(1f, img.chw()[2 * 32 + 2], 3 / 255f);
        }
        try (var s = Files.list(tmp.resolve("out"))) {
            assertEquals(ts.length, s.count(), "no temporary files left");
        }
    }

    @Test void manyTimesAreSplitIntoSeveralRuns() throws Exception {
        Path video = makeVideo(tmp, "clip", 32, 24);
        int n = 4 * FRAMES;                                      // 120 requests: three ffmpeg runs of at most 50
        long[] ts = new long[n];
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts[i] = (i % FRAMES) * 100_000L;
            outs.add(tmp.resolve("many").resolve(String.format("%05d.png", i)));
        }
        FfmpegFrames.extractNearest(video, ts, 16, 12, FfmpegFrames.Filter.AREA, outs);
        for (int i = 0; i < n; i += 7) assertFrame(i % FRAMES, outs.get(i));
        assertFrame(FRAMES - 1, outs.get(n - 1));
    }

    @Test void aTimePastTheEndIsAnError() throws Exception {
        Path video = makeVideo(tmp, "clip", 32, 24);
        InputException e = assertThrows(InputException.class, () -> FfmpegFrames.extractNearest(video,
                new long[]{1_000_000, 5_000_000}, 32, 24, FfmpegFrames.Filter.LANCZOS,
                List.of(tmp.resolve("o/a.jpg"), tmp.resolve("o/b.jpg"))));
        assertTrue(e.getMessage().contains("no frame at 5000000 µs") && e.getMessage().contains("lasts 3 s"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o/a.jpg")), "nothing written when a frame is missing");
        InputException missing = assertThrows(InputException.class, () -> FfmpegFrames.probe(tmp.resolve("none.mp4")));
        assertTrue(missing.getMessage().startsWith("video not found"));
        Path bad = Files.writeString(tmp.resolve("bad.mp4"), "not a video");
        InputException broken = assertThrows(InputException.class, () -> FfmpegFrames.probe(bad));
        assertTrue(broken.getMessage().contains("ffprobe failed"), broken.getMessage());
    }

    /** A camera file whose rows are at the given frames of a 10 fps video. */
    static void writeCameraFile(Path txt, String url, int[] frames) {
        Random r = new Random(txt.hashCode());
        List<RealEstate10K.Row> rows = new ArrayList<>();
        for (int f : frames) rows.add(new RealEstate10K.Row(f * 100_000L, 0.5, 0.9, 0.5, 0.5, 0, 0, RealEstate10KTest.randomPose(r)));
        RealEstate10K.write(txt, new RealEstate10K.CameraFile(url, rows));
    }

    @Test void extractsEverySequenceOnceAndOpensAsSequences() throws Exception {
        Path txt = tmp.resolve("txt"), videos = tmp.resolve("videos"), out = tmp.resolve("frames");
        makeVideo(videos, "vidA", 64, 48);
        makeVideo(videos, "clipB", 64, 48);                      // found by the camera file's name
        int[] a = {2, 4, 6, 8, 10, 12}, b = {20, 21, 22, 25, 29};
        writeCameraFile(txt.resolve("clipA.txt"), "https://www.youtube.com/watch?v=vidA", a);
        writeCameraFile(txt.resolve("clipB.txt"), "https://www.youtube.com/watch?v=gone", b);
        writeCameraFile(txt.resolve("clipC.txt"), "https://www.youtube.com/watch?v=missing", a);
        Files.writeString(txt.resolve("clipD.txt"), "https://www.youtube.com/watch?v=vidA\n1 2 3\n");
        writeCameraFile(txt.resolve("clipE.txt"), "https://www.youtube.com/watch?v=vidA", new int[]{5, 40});

        List<String> log = new ArrayList<>();
        RealEstate10KFrames.Options o = new RealEstate10KFrames.Options(32, 24, FfmpegFrames.Filter.AREA, "jpg", false);
        RealEstate10KFrames.Report r = RealEstate10KFrames.extract(txt, videos, out, o, log::add);
        assertEquals(2, r.extracted().size(), String.join("\n", log));
        assertEquals(1, r.skipped().size());
        assertTrue(r.skipped().get(0).contains("clipC: no video missing.mp4 (nor clipC.mp4)"), r.skipped().get(0));
        assertEquals(2, r.failed().size());
        assertTrue(r.failed().get(0).contains("clipD.txt line 2: expected 19 numbers"), r.failed().get(0));
        assertTrue(r.failed().get(1).contains("no frame at 4000000 µs"), r.failed().get(1));
        assertFalse(Files.exists(out.resolve("clipE")) || Files.exists(out.resolve("clipE.partial")), "no partial output");

        RealEstate10K.Sequence sa = RealEstate10K.Sequence.open(txt.resolve("clipA.txt"), out);
        for (int i = 0; i < a.length; i++) {
            assertEquals(out.resolve(String.format("clipA/%05d.jpg", i)), sa.framePath(i));
            assertFrame(a[i], sa.framePath(i));
        }
        RealEstate10K.Sequence sb = RealEstate10K.Sequence.open(txt.resolve("clipB.txt"), out);
        for (int i = 0; i < b.length; i++) assertFrame(b[i], sb.framePath(i));

        // a second run skips what is complete; --overwrite redoes it
        RealEstate10KFrames.Report again = RealEstate10KFrames.extract(txt, videos, out, o, null);
        assertEquals(0, again.extracted().size());
        assertTrue(again.skipped().get(0).contains("clipA: already extracted (6 frames"), again.skipped().get(0));
        Files.delete(out.resolve("clipB/00003.jpg"));
        RealEstate10KFrames.Report fix = RealEstate10KFrames.extract(txt, videos, out, o, null);
        assertEquals(1, fix.extracted().size(), "the incomplete sequence is redone");
        assertTrue(fix.extracted().get(0).startsWith("clipB: 5 frames from clipB.mp4"), fix.extracted().get(0));
        RealEstate10KFrames.Options redo = new RealEstate10KFrames.Options(32, 24, FfmpegFrames.Filter.LANCZOS, "jpg", true);
        assertEquals(2, RealEstate10KFrames.extract(txt, videos, out, redo, null).extracted().size());
    }
}
