package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.io.Images;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The RealEstate10K camera format, frame folders and pruning, on small sequences written by the tests. */
class RealEstate10KTest {
    @TempDir Path tmp;

    static final String URL = "https://www.youtube.com/watch?v=AbC-12_xyz0";

    /** A random rotation (via a unit quaternion) and translation as a 3×4 [R|t]. */
    static double[] randomPose(Random r) {
        double[] q = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
        double[] rot = {1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
                2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
                2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
        double[] e = new double[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) e[4 * i + j] = rot[3 * i + j];
            e[4 * i + 3] = r.nextGaussian();
        }
        return e;
    }

    /** A camera file of {@code n} rows at 30 fps with random poses and typical intrinsics. */
    static RealEstate10K.CameraFile cameraFile(int n, long seed) {
        Random r = new Random(seed);
        List<RealEstate10K.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new RealEstate10K.Row(33_366_667L + 33_367L * i, 0.5 + 0.01 * r.nextDouble(), 0.9, 0.5, 0.5, 0, 0,
                    randomPose(r)));
        }
        return new RealEstate10K.CameraFile(URL, rows);
    }

    /** Writes {@code <root>/<name>.txt} and {@code <frames>/<name>/NNNNN.ext}, frame i a constant image of red i/255. */
    static Path writeSequence(Path txtDir, Path framesRoot, String name, int n, String ext, int w, int h) {
        Path txt = txtDir.resolve(name + ".txt");
        RealEstate10K.write(txt, cameraFile(n, name.hashCode()));
        for (int i = 0; i < n; i++) {
            float[] img = new float[3 * w * h];
            java.util.Arrays.fill(img, 0, w * h, (i % 256) / 255f);
            java.util.Arrays.fill(img, w * h, 2 * w * h, 0.5f);
            Path p = framesRoot.resolve(name).resolve(String.format("%05d.%s", i, ext));
            if (ext.equals("png")) Images.writePng(p, img, 3, h, w);
            else Images.writeJpeg(p, img, 3, h, w, 0.95f);
        }
        return txt;
    }

    @Test void cameraFileRoundTripsExactly() {
        RealEstate10K.CameraFile f = cameraFile(7, 1);
        Path txt = tmp.resolve("seq.txt");
        RealEstate10K.write(txt, f);
        RealEstate10K.CameraFile g = RealEstate10K.read(txt);
        assertEquals(f, g);
        assertEquals(URL, g.url());
        assertEquals("AbC-12_xyz0", g.videoId());
        assertEquals(7, g.rows().size());
    }

    @Test void readsTheReleasedTextLayout() throws Exception {
        // A line as the dataset prints it (single spaces, integer timestamp, trailing newline).
        Path txt = tmp.resolve("0123456789abcdef.txt");
        Files.writeString(txt, URL + "\n"
                + "45678000 0.482962 0.858599 0.5 0.5 0.0 0.0 1 0 0 0.1 0 1 0 -0.2 0 0 1 0.3\n"
                + "45711367 0.482962 0.858599 0.5 0.5 0.0 0.0 0.0 -1.0 0.0 0.0 1.0 0.0 0.0 1.0 0.0 0.0 1.0 2.0\n");
        RealEstate10K.CameraFile f = RealEstate10K.read(txt);
        assertEquals(2, f.rows().size());
        RealEstate10K.Row r = f.rows().get(0);
        assertEquals(45_678_000L, r.timestampUs());
        assertArrayEquals(new double[]{0.482962, 0, 0.5, 0, 0.858599, 0.5, 0, 0, 1}, r.normalizedK());
        assertArrayEquals(new double[]{1, 0, 0, 0.1, 0, 1, 0, -0.2, 0, 0, 1, 0.3, 0, 0, 0, 1}, r.w2c());
        RealEstate10K.Sequence s = RealEstate10K.Sequence.of("x", f, null);
        assertFalse(s.hasImages());
        assertEquals(45_711_367L, s.timestampUs(1));
    }

    @Test void intrinsicsScaleByWidthAndHeight() {
        RealEstate10K.Row row = new RealEstate10K.Row(0, 0.5, 0.9, 0.45, 0.55, 0, 0, new double[]{1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1, 3});
        RealEstate10K.Sequence s = RealEstate10K.Sequence.of("s", new RealEstate10K.CameraFile(URL, List.of(row)), null);
        Camera c = s.camera(0, 640, 360);
        assertArrayEquals(new double[]{320, 0, 288, 0, 324, 198, 0, 0, 1}, c.k(), 1e-12);
        assertEquals(640, c.width());
        assertEquals(360, c.height());
        assertArrayEquals(row.w2c(), c.w2c());
        Camera small = s.camera(0, 64, 36);
        assertArrayEquals(c.resized(64, 36).k(), small.k(), 1e-12);
        // the camera centre of w2c [I|t] is −t
        assertArrayEquals(new double[]{-1, -2, -3}, c.center(), 1e-12);
    }

    @Test void videoIdIsTheVParameter() {
        assertEquals("abc", RealEstate10K.videoId("https://www.youtube.com/watch?v=abc"));
        assertEquals("abc", RealEstate10K.videoId("https://www.youtube.com/watch?feature=x&v=abc&t=3"));
        assertEquals("abc", RealEstate10K.videoId("https://youtu.be/abc"));
        assertEquals("x", RealEstate10K.videoId("weird=x"));
    }

    static String malformed(Path dir, String name, String body) throws Exception {
        Path txt = dir.resolve(name);
        Files.writeString(txt, body, StandardCharsets.UTF_8);
        InputException e = assertThrows(InputException.class, () -> RealEstate10K.read(txt));
        assertTrue(e.getMessage().startsWith(txt.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test void malformedLinesNameFileLineAndExpectation() throws Exception {
        String good = "1000 0.5 0.9 0.5 0.5 0 0 1 0 0 0 0 1 0 0 0 0 1 0";
        String m = malformed(tmp, "short.txt", URL + "\n" + good + "\n1000 0.5 0.9 0.5 0.5 0 0 1 0 0 0 0 1 0 0 0 0 1\n");
        assertTrue(m.contains("line 3: expected 19 numbers (timestamp_us fx fy cx cy k1 k2 r11 … r34), got 18"), m);
        m = malformed(tmp, "nan.txt", URL + "\n1000 0.5 0.9 0.5 abc 0 0 1 0 0 0 0 1 0 0 0 0 1 0\n");
        assertTrue(m.contains("line 2: column 5 (cy) is 'abc', expected a number"), m);
        m = malformed(tmp, "order.txt", URL + "\n" + good + "\n" + good + "\n");
        assertTrue(m.contains("line 3: timestamp 1000 µs is not after the previous line's 1000"), m);
        m = malformed(tmp, "frac.txt", URL + "\n1000.5 0.5 0.9 0.5 0.5 0 0 1 0 0 0 0 1 0 0 0 0 1 0\n");
        assertTrue(m.contains("line 2: column 1 (timestamp_us) is 1000.5, expected a non-negative integer"), m);
        m = malformed(tmp, "focal.txt", URL + "\n1000 0 0.9 0.5 0.5 0 0 1 0 0 0 0 1 0 0 0 0 1 0\n");
        assertTrue(m.contains("line 2: focal lengths fx = 0"), m);
        m = malformed(tmp, "rot.txt", URL + "\n1000 0.5 0.9 0.5 0.5 0 0 2 0 0 0 0 1 0 0 0 0 1 0\n");
        assertTrue(m.contains("line 2: columns 8-19 (r11 … r34) are not a rigid world→camera [R|t]"), m);
        m = malformed(tmp, "inf.txt", URL + "\n1000 0.5 0.9 0.5 0.5 0 0 1 0 0 Infinity 0 1 0 0 0 0 1 0\n");
        assertTrue(m.contains("line 2: column 11 (r14) is Infinity, expected a finite number"), m);
        m = malformed(tmp, "empty.txt", "");
        assertTrue(m.contains("line 1: expected the video URL, got an empty file"), m);
        m = malformed(tmp, "nourl.txt", good + "\n");
        assertTrue(m.contains("line 1: expected the video URL alone"), m);
        m = malformed(tmp, "norows.txt", URL + "\n\n");
        assertTrue(m.contains("no camera lines after the URL"), m);
        InputException e = assertThrows(InputException.class, () -> RealEstate10K.read(tmp.resolve("absent.txt")));
        assertTrue(e.getMessage().contains("camera file not found"), e.getMessage());
    }

    @Test void sequenceOpensJpgAndPngFramesAndReadsThem() {
        Path txt = writeSequence(tmp.resolve("txt"), tmp.resolve("frames"), "seqA", 5, "jpg", 16, 8);
        writeSequence(tmp.resolve("txt"), tmp.resolve("frames"), "seqB", 4, "png", 16, 8);
        RealEstate10K.Sequence a = RealEstate10K.Sequence.open(txt, tmp.resolve("frames"));
        assertEquals("seqA", a.name());
        assertEquals(5, a.numFrames());
        assertEquals(tmp.resolve("frames/seqA/00003.jpg"), a.framePath(3));
        RealEstate10K.Sequence b = RealEstate10K.Sequence.open(tmp.resolve("txt/seqB.txt"), tmp.resolve("frames"));
        Images.Image img = b.image(3);
        assertEquals(16, img.width());
        assertEquals(3 / 255f, img.chw()[0], 1e-6);
        float[] big = b.image(3, 32, 16);               // enlarged: bilinear keeps a constant image constant
        assertEquals(3 * 32 * 16, big.length);
        assertEquals(3 / 255f, big[100], 1e-6);
        float[] small = b.image(3, 8, 4);               // shrunk: area filter
        assertEquals(128 / 255f, small[8 * 4 + 5], 1e-6);
    }

    @Test void sequenceWithMissingFramesIsAnError() throws Exception {
        Path txt = writeSequence(tmp.resolve("txt"), tmp.resolve("frames"), "seq", 5, "png", 8, 8);
        Files.delete(tmp.resolve("frames/seq/00002.png"));
        InputException e = assertThrows(InputException.class, () -> RealEstate10K.Sequence.open(txt, tmp.resolve("frames")));
        assertTrue(e.getMessage().contains("4 images for 5 camera lines") && e.getMessage().contains("first missing: 00002"),
                e.getMessage());
    }

    @Test void scanPrunesAsReleasedButAcceptsJpg() throws Exception {
        Path txtDir = tmp.resolve("txt"), frames = tmp.resolve("frames");
        writeSequence(txtDir, frames, "a_jpg_92", 92, "jpg", 4, 4);
        writeSequence(txtDir, frames, "b_png_92", 92, "png", 4, 4);
        writeSequence(txtDir, frames, "c_91", 91, "png", 4, 4);
        writeSequence(txtDir, frames, "d_missing", 95, "png", 4, 4);
        Files.delete(frames.resolve("d_missing/00094.png"));
        writeSequence(txtDir, frames, "e_extra", 93, "png", 4, 4);
        Files.copy(frames.resolve("e_extra/00000.png"), frames.resolve("e_extra/00093.png"));
        writeSequence(txtDir, frames, "f_twice", 93, "png", 4, 4);
        Files.copy(frames.resolve("f_twice/00000.png"), frames.resolve("f_twice/00000.jpg"));
        RealEstate10K.write(txtDir.resolve("g_noframes.txt"), cameraFile(100, 3));
        Files.writeString(txtDir.resolve("h_bad.txt"), URL + "\n1 2 3\n");

        RealEstate10K.Scan s = RealEstate10K.scan(txtDir, frames, RealEstate10K.SAMPLER_MIN_FRAMES);
        assertEquals(List.of("a_jpg_92", "b_png_92"), s.usable().stream().map(RealEstate10K.Sequence::name).toList());
        assertEquals(6, s.pruned().size(), String.join("\n", s.pruned()));
        String all = String.join("\n", s.pruned());
        assertTrue(all.contains("c_91: 91 frames, expected more than 91"), all);
        assertTrue(all.contains("94 images for 95 camera lines"), all);
        assertTrue(all.contains("1 beyond the last line"), all);
        assertTrue(all.contains("two images for frame 0"), all);
        assertTrue(all.contains("g_noframes") && all.contains("frame folder not found"), all);
        assertTrue(all.contains("h_bad.txt line 2: expected 19 numbers"), all);

        RealEstate10K.Scan released = RealEstate10K.scan(txtDir, frames, RealEstate10K.RELEASED_PRUNE_MIN_FRAMES);
        assertEquals(3, released.usable().size(), "the >50 bound keeps c_91 too");
    }

    @Test void sequenceFromASceneKeepsItsCameras() {
        Scene scene = tinyScene(4, 20, 10);
        RealEstate10K.Sequence s = RealEstate10K.Sequence.fromScene(scene, 1);
        assertEquals(4, s.numFrames());
        for (int c = 0; c < 4; c++) {
            Camera a = scene.cameras().get(c), b = s.camera(c, 20, 10);
            assertArrayEquals(a.k(), b.k(), 1e-12);
            assertArrayEquals(a.w2c(), b.w2c(), 0);
            assertArrayEquals(scene.frame(c, 1), s.image(c).chw());
        }
    }

    /** A static rig of {@code n} cameras along x looking down +z, frame t of camera c a constant (c/10, t/10, 0.5). */
    static Scene tinyScene(int n, int w, int h) {
        List<Camera> cams = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            cams.add(new Camera(Camera.intrinsics(w, w, h), Mat.rigid(Mat.identity(3), new double[]{-0.1 * c, 0, 0}), w, h));
        }
        return new Scene() {
            public String name() { return "rig"; }
            public int numCameras() { return n; }
            public int numFrames() { return 3; }
            public int width() { return w; }
            public int height() { return h; }
            public List<Camera> cameras() { return cams; }
            public float[] frame(int cam, int t) {
                float[] f = new float[3 * w * h];
                java.util.Arrays.fill(f, 0, w * h, cam / 10f);
                java.util.Arrays.fill(f, w * h, 2 * w * h, t / 10f);
                java.util.Arrays.fill(f, 2 * w * h, 3 * w * h, 0.5f);
                return f;
            }
            public boolean hasBackgrounds() { return false; }
            public float[] background(int cam) { throw new UnsupportedOperationException(); }
            public double[] nears() { return new double[n]; }
            public double[] fars() { return new double[n]; }
        };
    }
}
