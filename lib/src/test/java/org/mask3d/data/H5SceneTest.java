package org.mask3d.data;

import io.jhdf.HdfFile;
import io.jhdf.api.dataset.ChunkedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;

import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link AuthorsH5Scene} on the fixtures that {@code src/test/python/make_h5_fixture.py} wrote with Debian's h5py
 * (LZF, one chunk per image, the same pattern of values everywhere, see {@link #expected}).
 */
class H5SceneTest {
    @TempDir Path tmp;

    static Path res(String name) {
        try {
            return Path.of(H5SceneTest.class.getResource("/h5/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static final Path SCENE = res("released/train/scene003.h5");

    /** The generator's pattern: (97·cam + 53·t + 11·y + 5·x + 7·channel + offset) mod 256, over 255. */
    static float expected(String key, int cam, int t, int y, int x, int ch) {
        int off = switch (key) { case "rgb" -> 0; case "fg_rgb" -> 100; default -> 200; };
        return ((97 * cam + 53 * t + 11 * y + 5 * x + 7 * ch + off) % 256) / 255f;
    }

    /** Every value of an image [ch,H,W] against the pattern, exactly. */
    static void assertPattern(String key, int cam, int t, float[] img, int ch, int h, int w) {
        assertEquals(ch * h * w, img.length);
        for (int k = 0; k < ch; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float e = expected(key, cam, t, y, x, k);
                    float v = img[(k * h + y) * w + x];
                    if (v != e) fail(key + " cam " + cam + " t " + t + " at (" + k + "," + y + "," + x + "): " + v + " != " + e);
                }
            }
        }
    }

    static void assertWholeScene(AuthorsH5Scene s) {
        int h = s.height(), w = s.width();
        for (int c = 0; c < s.numCameras(); c++) {
            for (int t = 0; t < s.numFrames(); t++) {
                assertPattern("rgb", c, t, s.frame(c, t), 3, h, w);
                assertPattern("fg_rgb", c, t, s.foreground(c, t), 4, h, w);
            }
            assertPattern("bg_rgb", c, 0, s.background(c), 3, h, w);
        }
    }

    @Test void readsEveryPixelExactly() {
        try (AuthorsH5Scene s = AuthorsH5Scene.open(SCENE)) {
            assertEquals("scene003", s.name());
            assertEquals(3, s.numCameras());
            assertEquals(2, s.numFrames());
            assertEquals(12, s.height());
            assertEquals(16, s.width());
            assertTrue(s.hasBackgrounds());
            assertTrue(s.hasForeground());
            assertWholeScene(s);
            // a value that wraps past 255 really reads as (v mod 256)/255: cam 2, t 1, y 11, x 15, B
            float[] f = s.frame(2, 1);
            assertEquals(((97 * 2 + 53 + 121 + 75 + 14) % 256) / 255f, f[(2 * 12 + 11) * 16 + 15]);
        }
    }

    @Test void releasedFilesAreLzfWithOneChunkPerImage() {
        try (AuthorsH5Scene s = AuthorsH5Scene.open(SCENE)) {
            for (String key : List.of("rgb", "fg_rgb", "bg_rgb")) assertEquals(List.of("lzf"), s.filters(key), key);
            assertArrayEquals(new int[]{1, 1, 12, 16, 3}, s.chunkShape("rgb"));
            assertArrayEquals(new int[]{1, 1, 12, 16, 4}, s.chunkShape("fg_rgb"));
            assertArrayEquals(new int[]{1, 12, 16, 3}, s.chunkShape("bg_rgb"));
        }
        // and the chunks really are compressed: the stored bytes differ from the decoded ones and are fewer
        try (HdfFile h = new HdfFile(SCENE)) {
            ChunkedDataset d = (ChunkedDataset) h.getDatasetByPath("rgb");
            assertEquals(32000, d.getFilters().get(0).getId());
            ByteBuffer raw = d.getRawChunkBuffer(new int[]{2, 1, 0, 0, 0});
            byte[] decoded = d.getDecompressedChunk(new int[]{2, 1, 0, 0, 0});
            assertEquals(12 * 16 * 3, decoded.length);
            assertTrue(raw.remaining() < decoded.length, raw.remaining() + " stored bytes");
        }
    }

    @Test void otherChunkingsAndNoCompressionReadTheSame() {
        try (AuthorsH5Scene s = AuthorsH5Scene.open(res("chunks/partial.h5"))) {
            assertArrayEquals(new int[]{2, 1, 5, 7, 3}, s.chunkShape("rgb")); // partial chunks on every edge
            assertArrayEquals(new int[]{3, 5, 16, 2}, s.chunkShape("bg_rgb")); // chunks split the channels
            assertWholeScene(s);
        }
        try (AuthorsH5Scene s = AuthorsH5Scene.open(res("chunks/contiguous.h5"))) {
            assertNull(s.chunkShape("rgb"));
            assertEquals(List.of(), s.filters("rgb"));
            assertWholeScene(s);
        }
    }

    @Test void chunksNeverWrittenReadAsTheFillValue() {
        // version-1 B-tree index, fill value 0 (h5py's default); version-4 fixed-array index, fill value 9
        for (String f : List.of("chunks/sparse_earliest.h5", "chunks/sparse_latest.h5")) {
            float fill = f.contains("latest") ? 9 / 255f : 0f;
            try (AuthorsH5Scene s = AuthorsH5Scene.open(res(f))) {
                assertPattern("rgb", 1, 0, s.frame(1, 0), 3, 12, 16);
                for (int[] ct : new int[][]{{0, 0}, {1, 1}, {2, 1}}) {
                    for (float v : s.frame(ct[0], ct[1])) assertEquals(fill, v, f);
                }
                assertPattern("fg_rgb", 2, 1, s.foreground(2, 1), 4, 12, 16);
            }
        }
    }

    @Test void camerasAndBoundsComeFromTheNpy() {
        try (AuthorsH5Scene s = AuthorsH5Scene.open(SCENE)) {
            List<Llff.PoseBounds> rows = Llff.read(res("released/train/scene003_pb.npy"));
            assertEquals(rows.size(), s.cameras().size());
            for (int c = 0; c < 3; c++) {
                Camera cam = s.cameras().get(c);
                assertEquals(16, cam.width());
                assertEquals(12, cam.height());
                // f = 600 + 10c at 720 px (the npy's W), rescaled to the h5's 16 px; principal point centred
                assertEquals((600 + 10 * c) * 16.0 / 720.0, cam.fx(), 1e-12);
                assertEquals(cam.fx(), cam.fy(), 1e-12);
                assertEquals(8.0, cam.cx(), 1e-12);
                assertEquals(6.0, cam.cy(), 1e-12);
                assertArrayEquals(rows.get(c).toCamera(16).w2c(), cam.w2c(), 0.0);
                // the LLFF centre t = (0.25c, 0.05c, 0.1c), with z negated by the released world flip
                assertArrayEquals(new double[]{0.25 * c, 0.05 * c, -0.1 * c}, cam.center(), 1e-12);
                assertEquals(1.5 + 0.1 * c, s.nears()[c], 1e-12);
                assertEquals(20.0 + c, s.fars()[c], 1e-12);
            }
            assertArrayEquals(new double[]{0.9 * 1.5, 2.0 * 22.0}, s.depthBounds(), 1e-12);
        }
    }

    @Test void findsTheReleasedLayoutAndTheFlatOne() {
        Path root = res("released");
        assertEquals(List.of(root.resolve("test/scene001.h5"), root.resolve("train/scene003.h5")),
                AuthorsH5Scene.findAll(root));
        assertEquals(List.of(root.resolve("train/scene003.h5")),
                AuthorsH5Scene.findAll(root.resolve("train"), AuthorsH5Scene.Layout.FLAT));
        InputException flat = assertThrows(InputException.class,
                () -> AuthorsH5Scene.findAll(root, AuthorsH5Scene.Layout.FLAT));
        assertTrue(flat.getMessage().contains("2 .h5 files are one folder down"), flat.getMessage());
        InputException rel = assertThrows(InputException.class, () -> AuthorsH5Scene.findAll(root.resolve("train")));
        assertTrue(rel.getMessage().contains("use the flat layout"), rel.getMessage());
        List<AuthorsH5Scene> all = AuthorsH5Scene.openAll(root, AuthorsH5Scene.Layout.RELEASED);
        try {
            assertEquals(List.of("scene001", "scene003"), all.stream().map(AuthorsH5Scene::name).toList());
            AuthorsH5Scene small = all.get(0);
            assertEquals(List.of(2, 3, 6, 8), List.of(small.numCameras(), small.numFrames(), small.height(), small.width()));
            assertWholeScene(small);
        } finally {
            all.forEach(AuthorsH5Scene::close);
        }
    }

    @Test void findAllNeedsEveryPosesFileAndUniqueNames() throws Exception {
        Files.createDirectories(tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("b"));
        Files.copy(SCENE, tmp.resolve("a/scene003.h5"));
        InputException e = assertThrows(InputException.class, () -> AuthorsH5Scene.findAll(tmp));
        assertTrue(e.getMessage().contains("a/scene003.h5") && e.getMessage().contains("scene003_pb.npy"), e.getMessage());
        Files.copy(res("released/train/scene003_pb.npy"), tmp.resolve("a/scene003_pb.npy"));
        assertEquals(1, AuthorsH5Scene.findAll(tmp).size());
        Files.copy(tmp.resolve("a/scene003.h5"), tmp.resolve("b/scene003.h5"));
        Files.copy(tmp.resolve("a/scene003_pb.npy"), tmp.resolve("b/scene003_pb.npy"));
        e = assertThrows(InputException.class, () -> AuthorsH5Scene.findAll(tmp));
        assertTrue(e.getMessage().contains("scene003.h5 occurs 2 times"), e.getMessage());
        e = assertThrows(InputException.class, () -> AuthorsH5Scene.findAll(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    /**
     * Lazy reading: with every chunk but frame (2,1)'s destroyed, frame (2,1) still reads exactly, so nothing else
     * was decoded; reading a destroyed one fails naming the file, the key and the image. Also the corrupt-h5 case.
     */
    @Test void readsOnlyTheChunkOfTheRequestedImage() throws Exception {
        Path copy = tmp.resolve("scene003.h5");
        Files.copy(SCENE, copy);
        Files.copy(res("released/train/scene003_pb.npy"), tmp.resolve("scene003_pb.npy"));
        byte[] file = Files.readAllBytes(copy);
        try (HdfFile h = new HdfFile(SCENE)) {
            ChunkedDataset rgb = (ChunkedDataset) h.getDatasetByPath("rgb");
            for (int c = 0; c < 3; c++) {
                for (int t = 0; t < 2; t++) {
                    if (c == 2 && t == 1) continue;
                    ByteBuffer raw = rgb.getRawChunkBuffer(new int[]{c, t, 0, 0, 0});
                    byte[] b = new byte[raw.remaining()];
                    raw.get(b);
                    int at = indexOf(file, b, 0);
                    assertTrue(at > 0 && indexOf(file, b, at + 1) < 0, "chunk bytes found once");
                    // an LZF back reference far before the start of the output: undecodable
                    for (int i = 0; i < b.length; i++) file[at + i] = (byte) 0xff;
                }
            }
        }
        Files.write(copy, file);
        try (AuthorsH5Scene s = AuthorsH5Scene.open(copy)) {
            assertPattern("rgb", 2, 1, s.frame(2, 1), 3, 12, 16);
            assertPattern("fg_rgb", 0, 0, s.foreground(0, 0), 4, 12, 16);
            assertPattern("bg_rgb", 1, 0, s.background(1), 3, 12, 16);
            InputException e = assertThrows(InputException.class, () -> s.frame(0, 0));
            assertTrue(e.getMessage().startsWith(copy + ": cannot read dataset 'rgb' at camera 0, frame 0 ("), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertPattern("rgb", 2, 1, s.frame(2, 1), 3, 12, 16); // still usable afterwards
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test void readsFromManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (AuthorsH5Scene s = AuthorsH5Scene.open(SCENE)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int c = i % 3, t = (i / 3) % 2;
                fs.add(pool.submit(() -> {
                    assertPattern("rgb", c, t, s.frame(c, t), 3, 12, 16);
                    assertPattern("fg_rgb", c, t, s.foreground(c, t), 4, 12, 16);
                    assertPattern("bg_rgb", c, 0, s.background(c), 3, 12, 16);
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test void anInterruptedReadDoesNotBreakTheScene() {
        try (AuthorsH5Scene s = AuthorsH5Scene.open(SCENE)) {
            Thread.currentThread().interrupt(); // FileChannel closes itself when a read starts interrupted
            UncheckedIOException e;
            try {
                e = assertThrows(UncheckedIOException.class, () -> s.frame(1, 1));
            } finally {
                Thread.interrupted();
            }
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertPattern("rgb", 1, 1, s.frame(1, 1), 3, 12, 16); // reopened
        }
    }

    @Test void closedAndOutOfRange() {
        AuthorsH5Scene s = AuthorsH5Scene.open(SCENE);
        assertThrows(IndexOutOfBoundsException.class, () -> s.frame(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> s.frame(0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> s.background(-1));
        s.close();
        assertThrows(IllegalStateException.class, () -> s.frame(0, 0));
        s.close();
    }

    // ---------------------------------------------------------------- bad input

    private static String openError(Path h5) {
        InputException e = assertThrows(InputException.class, () -> AuthorsH5Scene.open(h5));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test void missingKey() {
        Path f = res("bad/missing_fg.h5");
        String m = openError(f);
        assertTrue(m.equals("h5 file " + f + " has no dataset 'fg_rgb' (has: bg_rgb, rgb)")
                || m.equals("h5 file " + f + " has no dataset 'fg_rgb' (has: rgb, bg_rgb)"), m);
    }

    @Test void wrongRankChannelsSizeFramesDtype() {
        Path f = res("bad/wrong_rank.h5");
        assertEquals(f + ": dataset 'rgb' must have shape [C,F,H,W,3] (cameras, frames, height, width, RGB), got [2, 4, 6, 3]",
                openError(f));
        f = res("bad/wrong_channels.h5");
        assertEquals(f + ": dataset 'fg_rgb' must have shape [2, 1, 4, 6, 4] ([C,F,H,W] of 'rgb', RGBA), got [2, 1, 4, 6, 3]",
                openError(f));
        f = res("bad/wrong_size.h5");
        assertEquals(f + ": dataset 'bg_rgb' must have shape [2, 4, 6, 3] ([C,H,W] of 'rgb', RGB), got [2, 5, 6, 3]",
                openError(f));
        f = res("bad/wrong_frames.h5");
        assertEquals(f + ": dataset 'fg_rgb' must have shape [2, 1, 4, 6, 4] ([C,F,H,W] of 'rgb', RGBA), got [2, 2, 4, 6, 4]",
                openError(f));
        f = res("bad/wrong_dtype.h5");
        assertEquals(f + ": dataset 'rgb' must be uint8, got float32", openError(f));
    }

    @Test void cameraCountOfTheNpyMustMatch() {
        Path f = res("bad/wrong_cams.h5");
        assertEquals(res("bad/wrong_cams_pb.npy") + " has 3 cameras (rows) but dataset 'rgb' of wrong_cams.h5 has 2"
                + " (expected one row per camera)", openError(f));
    }

    @Test void missingPosesFile() {
        Path f = res("bad/no_pb.h5");
        assertEquals(f + ": missing its poses file no_pb_pb.npy (LLFF poses_bounds [C,17], one row per camera, next to the .h5)",
                openError(f));
    }

    @Test void missingTruncatedOrNotHdf5() throws Exception {
        assertEquals("h5 scene file not found: " + tmp.resolve("x.h5"), openError(tmp.resolve("x.h5")));
        Files.copy(res("released/train/scene003_pb.npy"), tmp.resolve("scene003_pb.npy"));
        byte[] all = Files.readAllBytes(SCENE);
        Path cut = tmp.resolve("scene003.h5");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length * 2 / 3));
        String m = openError(cut);
        assertTrue(m.startsWith(cut + ": truncated HDF5 file: " + all.length * 2 / 3 + " bytes, its superblock says "
                + all.length), m);
        Files.write(cut, "this is not hdf5\n".repeat(100).getBytes());
        m = openError(cut);
        assertTrue(m.startsWith(cut + ": not a readable HDF5 file ("), m);
        Files.write(cut, new byte[0]);
        assertTrue(openError(cut).startsWith(cut + ": not a readable HDF5 file ("));
    }

    @Test void aspectRatioOfTheNpyMustMatch() throws Exception {
        Path h5 = tmp.resolve("s.h5");
        Files.copy(SCENE, h5);
        List<Llff.PoseBounds> rows = new ArrayList<>();
        for (Llff.PoseBounds p : Llff.read(res("released/train/scene003_pb.npy"))) {
            rows.add(new Llff.PoseBounds(p.c2w(), 1080, 1920, p.f(), p.near(), p.far()));
        }
        Llff.write(tmp.resolve("s_pb.npy"), rows);
        assertEquals(tmp.resolve("s_pb.npy") + ": row 0 says images are 1920x1080 but 'rgb' of s.h5 is 16x12"
                + " (expected the same aspect ratio)", openError(h5));
    }
}
