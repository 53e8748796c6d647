package org.mask3d.io;

import io.jhdf.HdfFile;
import io.jhdf.api.dataset.ChunkedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Hdf5File} on the fixtures of {@code src/test/python/make_h5_fixture.py} (written by h5py; see
 * {@code data.H5SceneTest}): every dataset holds (97·c + 53·t + 11·y + 5·x + 7·k + offset) mod 256, with
 * {@code rgb} and {@code fg_rgb} [C,F,H,W,ch] and {@code bg_rgb} [C,H,W,3] (t = 0).
 */
class Hdf5FileTest {
    @TempDir Path tmp;

    static Path res(String name) {
        try {
            return Path.of(Hdf5FileTest.class.getResource("/h5/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static final Path SCENE = res("released/train/scene003.h5");

    /** The fixture's value at a full index of dataset {@code key}. */
    static byte pattern(String key, int[] idx) {
        int off = switch (key) { case "rgb" -> 0; case "fg_rgb" -> 100; default -> 200; };
        boolean bg = key.equals("bg_rgb");
        int c = idx[0], t = bg ? 0 : idx[1], y = idx[bg ? 1 : 2], x = idx[bg ? 2 : 3], k = idx[bg ? 3 : 4];
        return (byte) ((97 * c + 53 * t + 11 * y + 5 * x + 7 * k + off) % 256);
    }

    /** The expected slab {@code key[lead…, :, …]} of a dataset of shape {@code dims}, row-major. */
    static byte[] expectedSlab(String key, int[] dims, int... lead) {
        int n = 1;
        for (int i = lead.length; i < dims.length; i++) n *= dims[i];
        byte[] out = new byte[n];
        int[] idx = Arrays.copyOf(lead, dims.length);
        for (int p = 0; p < n; p++) {
            int rem = p;
            for (int i = dims.length - 1; i >= lead.length; i--) {
                idx[i] = rem % dims[i];
                rem /= dims[i];
            }
            out[p] = pattern(key, idx);
        }
        return out;
    }

    @Test void headersSayShapeTypeChunksAndFilters() {
        try (Hdf5File f = Hdf5File.open(SCENE)) {
            assertEquals(SCENE, f.path());
            assertEquals(List.of("bg_rgb", "fg_rgb", "rgb"), f.rootNames().stream().sorted().toList());
            Map<String, Hdf5File.DatasetInfo> d = f.datasets("rgb", "fg_rgb", "bg_rgb");
            assertEquals(List.of("rgb", "fg_rgb", "bg_rgb"), List.copyOf(d.keySet()));
            Hdf5File.DatasetInfo rgb = d.get("rgb");
            assertArrayEquals(new int[]{3, 2, 12, 16, 3}, rgb.dims());
            assertEquals("uint8", rgb.dtype());
            assertEquals(1, rgb.bytes());
            assertArrayEquals(new int[]{1, 1, 12, 16, 3}, rgb.chunks());
            assertEquals(List.of("lzf"), rgb.filters());
            assertArrayEquals(new int[]{1, 12, 16, 3}, f.dataset("bg_rgb").chunks());
        }
        try (Hdf5File f = Hdf5File.open(res("chunks/contiguous.h5"))) {
            assertNull(f.dataset("rgb").chunks());
            assertEquals(List.of(), f.dataset("rgb").filters());
        }
        try (Hdf5File f = Hdf5File.open(res("bad/wrong_dtype.h5"))) {
            assertEquals("float32", f.dataset("rgb").dtype());
            assertEquals(4, f.dataset("rgb").bytes());
            var e = assertThrows(IllegalArgumentException.class, () -> f.read("rgb", 0, 0));
            assertTrue(e.getMessage().contains("1-byte elements only"), e.getMessage());
        }
    }

    /** Slabs of every rank (one row, one image, one camera's frames, the whole dataset) in every storage layout. */
    @Test void slabsOfAnyRankInEveryLayoutReadExactly() {
        for (String file : List.of("released/train/scene003.h5", "chunks/partial.h5", "chunks/contiguous.h5")) {
            try (Hdf5File f = Hdf5File.open(res(file))) {
                for (String key : List.of("rgb", "fg_rgb", "bg_rgb")) {
                    int[] dims = f.dataset(key).dims();
                    assertArrayEquals(expectedSlab(key, dims), f.read(key), file + " " + key + " whole");
                    for (int c = 0; c < dims[0]; c++) {
                        assertArrayEquals(expectedSlab(key, dims, c), f.read(key, c), file + " " + key + " " + c);
                        assertArrayEquals(expectedSlab(key, dims, c, 1), f.read(key, c, 1), file + " " + key + " " + c + ",1");
                        assertArrayEquals(expectedSlab(key, dims, c, 1, 3), f.read(key, c, 1, 3));
                    }
                }
            }
        }
    }

    @Test void chunksNeverWrittenReadAsTheFillValue() {
        // version-1 B-tree index, fill value 0 (h5py's default); version-4 fixed-array index, fill value 9
        for (String file : List.of("chunks/sparse_earliest.h5", "chunks/sparse_latest.h5")) {
            byte fill = (byte) (file.contains("latest") ? 9 : 0);
            try (Hdf5File f = Hdf5File.open(res(file))) {
                int[] dims = f.dataset("rgb").dims();
                assertArrayEquals(expectedSlab("rgb", dims, 1, 0), f.read("rgb", 1, 0), file);
                byte[] empty = f.read("rgb", 0, 0);
                for (byte b : empty) assertEquals(fill, b, file);
                // a slab over written and unwritten chunks: camera 1 holds frame 0 (written) and frame 1 (not)
                byte[] cam1 = f.read("rgb", 1);
                int img = empty.length;
                assertArrayEquals(expectedSlab("rgb", dims, 1, 0), Arrays.copyOfRange(cam1, 0, img));
                for (int i = img; i < 2 * img; i++) assertEquals(fill, cam1[i], file);
            }
        }
    }

    @Test void aCorruptChunkFailsOnlyWhenReadAndNamesFileKeyAndIndex() throws Exception {
        Path copy = tmp.resolve("scene.h5");
        byte[] file = Files.readAllBytes(SCENE);
        try (HdfFile h = new HdfFile(SCENE)) {
            ByteBuffer raw = ((ChunkedDataset) h.getDatasetByPath("rgb")).getRawChunkBuffer(new int[]{0, 1, 0, 0, 0});
            byte[] b = new byte[raw.remaining()];
            raw.get(b);
            int at = indexOf(file, b);
            assertTrue(at > 0);
            for (int i = 0; i < b.length; i++) file[at + i] = (byte) 0xff;   // an undecodable LZF back reference
        }
        Files.write(copy, file);
        try (Hdf5File f = Hdf5File.open(copy)) {
            int[] dims = f.dataset("rgb").dims();
            assertArrayEquals(expectedSlab("rgb", dims, 0, 0), f.read("rgb", 0, 0));
            Hdf5File.CorruptDataException e = assertThrows(Hdf5File.CorruptDataException.class, () -> f.read("rgb", 0, 1));
            assertTrue(e.getMessage().startsWith(copy + ": cannot read dataset 'rgb' at [0, 1] ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("): the file is corrupt"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            assertFalse(e.detail().isEmpty());
            assertThrows(Hdf5File.CorruptDataException.class, () -> f.read("rgb", 0));   // a slab over it too
            assertArrayEquals(expectedSlab("rgb", dims, 2, 1), f.read("rgb", 2, 1));    // still usable
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test void anInterruptedReadReopensTheFileOnTheNextRead() {
        try (Hdf5File f = Hdf5File.open(SCENE)) {
            int[] dims = f.dataset("rgb").dims();
            Thread.currentThread().interrupt(); // FileChannel closes itself when a read starts interrupted
            UncheckedIOException e;
            try {
                e = assertThrows(UncheckedIOException.class, () -> f.read("rgb", 1, 1));
            } finally {
                Thread.interrupted();
            }
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertArrayEquals(expectedSlab("rgb", dims, 1, 1), f.read("rgb", 1, 1));
        }
    }

    @Test void badInputIsOneLineNamingFileAndKey() throws Exception {
        Path none = tmp.resolve("none.h5");
        assertEquals("HDF5 file not found: " + none, assertThrows(InputException.class, () -> Hdf5File.open(none)).getMessage());
        Path text = tmp.resolve("text.h5");
        Files.writeString(text, "this is not hdf5\n".repeat(100));
        assertTrue(assertThrows(InputException.class, () -> Hdf5File.open(text)).getMessage()
                .startsWith(text + ": not a readable HDF5 file ("));
        byte[] all = Files.readAllBytes(SCENE);
        Path cut = tmp.resolve("cut.h5");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertTrue(assertThrows(InputException.class, () -> Hdf5File.open(cut)).getMessage()
                .startsWith(cut + ": truncated HDF5 file: " + all.length / 2 + " bytes, its superblock says " + all.length));

        Path missing = res("bad/missing_fg.h5");
        try (Hdf5File f = Hdf5File.open(missing)) {
            String m = assertThrows(InputException.class, () -> f.datasets("rgb", "fg_rgb")).getMessage();
            assertTrue(m.startsWith("h5 file " + missing + " has no dataset 'fg_rgb' (has: "), m);
            assertThrows(InputException.class, () -> f.read("fg_rgb", 0, 0));
        }
        Hdf5File f = Hdf5File.open(SCENE);
        assertThrows(IndexOutOfBoundsException.class, () -> f.read("rgb", 3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> f.read("rgb", 0, -1));
        assertThrows(IllegalArgumentException.class, () -> f.read("bg_rgb", 0, 0, 0, 0));
        f.close();
        assertThrows(IllegalStateException.class, () -> f.read("rgb", 0, 0));
        f.close();
    }
}
