package org.mask3d.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class NpyTest {
    @TempDir Path tmp;

    /** Builds a .npy by hand (header + raw bytes) so the reader is tested against the format, not the writer. */
    static byte[] npy(String descr, boolean fortran, String shape, byte[] data) throws Exception {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        o.write(header.length() & 0xff);
        o.write(header.length() >> 8);
        o.write(header.getBytes(StandardCharsets.ISO_8859_1));
        o.write(data);
        return o.toByteArray();
    }

    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    @Test void readsLittleAndBigEndianFloat32() throws Exception {
        Path le = tmp.resolve("le.npy"), be = tmp.resolve("be.npy");
        Files.write(le, npy("<f4", false, "(2, 3)", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6)));
        Files.write(be, npy(">f4", false, "(2, 3)", floats(ByteOrder.BIG_ENDIAN, 1, 2, 3, 4, 5, 6)));
        for (Path p : new Path[]{le, be}) {
            NpyArray a = Npy.read(p);
            assertArrayEquals(new int[]{2, 3}, a.shape());
            assertEquals("float32", a.dtype());
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, a.floats());
        }
    }

    @Test void readsFloat64BothOrders() throws Exception {
        Path le = tmp.resolve("le.npy"), be = tmp.resolve("be.npy");
        Files.write(le, npy("<f8", false, "(3,)", doubles(ByteOrder.LITTLE_ENDIAN, 0.1, -2, 1e300)));
        Files.write(be, npy(">f8", false, "(3,)", doubles(ByteOrder.BIG_ENDIAN, 0.1, -2, 1e300)));
        assertArrayEquals(new double[]{0.1, -2, 1e300}, Npy.read(le).doubles());
        assertArrayEquals(new double[]{0.1, -2, 1e300}, Npy.read(be).doubles());
    }

    @Test void fortranOrderIsTransposedToC() throws Exception {
        // C-order [[1,2,3],[4,5,6]] stored column-major: 1,4,2,5,3,6
        Path p = tmp.resolve("f.npy");
        Files.write(p, npy("<f4", true, "(2, 3)", floats(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6)));
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, Npy.read(p).floats());
        // 3-D: shape (2,2,2), value = 100i + 10j + k; Fortran stores i fastest
        float[] fort = new float[8];
        int n = 0;
        for (int k = 0; k < 2; k++) for (int j = 0; j < 2; j++) for (int i = 0; i < 2; i++) fort[n++] = 100 * i + 10 * j + k;
        Files.write(p, npy("<f4", true, "(2, 2, 2)", floats(ByteOrder.LITTLE_ENDIAN, fort)));
        assertArrayEquals(new float[]{0, 1, 10, 11, 100, 101, 110, 111}, Npy.read(p).floats());
    }

    @Test void roundTripAndScalarShapes() {
        Path p = tmp.resolve("x.npy");
        Npy.write(p, NpyArray.ofFloat(new float[]{1.5f, -2f, 3f}, 3));
        NpyArray a = Npy.read(p);
        assertArrayEquals(new int[]{3}, a.shape());
        assertArrayEquals(new float[]{1.5f, -2f, 3f}, a.floats());
        Npy.write(p, NpyArray.ofDouble(new double[]{7}));
        assertEquals(0, Npy.read(p).ndim());
        assertEquals(7.0, Npy.read(p).get(0));
    }

    @Test void rejectsOtherDtypesNamingFileAndDtype() throws Exception {
        Path p = tmp.resolve("ints.npy");
        Files.write(p, npy("<i8", false, "(2,)", new byte[16]));
        InputException e = assertThrows(InputException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("ints.npy") && e.getMessage().contains("<i8"), e.getMessage());
    }

    @Test void rejectsTruncatedAndGarbage() throws Exception {
        Path p = tmp.resolve("t.npy");
        Files.write(p, npy("<f4", false, "(4,)", floats(ByteOrder.LITTLE_ENDIAN, 1, 2)));
        assertTrue(assertThrows(InputException.class, () -> Npy.read(p)).getMessage().contains("truncated"));
        Files.write(p, "hello world, not numpy".getBytes());
        assertTrue(assertThrows(InputException.class, () -> Npy.read(p)).getMessage().contains("not a .npy"));
        assertTrue(assertThrows(InputException.class, () -> Npy.read(tmp.resolve("missing.npy"))).getMessage()
                .contains("missing.npy"));
    }

    @Test void npzRoundTripAndMissingKey() {
        Path p = tmp.resolve("a.npz");
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("x", NpyArray.ofFloat(new float[]{1, 2, 3, 4}, 2, 2));
        m.put("y", NpyArray.ofDouble(new double[]{5}, 1));
        Npz.write(p, m);
        Map<String, NpyArray> r = Npz.read(p);
        assertEquals(m.keySet(), r.keySet());
        assertArrayEquals(new float[]{1, 2, 3, 4}, r.get("x").floats());
        InputException e = assertThrows(InputException.class, () -> Npz.require(r, "z", p));
        assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("[x, y]"), e.getMessage());
    }

    @Test void requireShapeMessageNamesExpectedAndActual() {
        NpyArray a = NpyArray.ofFloat(new float[6], 2, 3);
        a.requireShape("ok", -1, 3);
        InputException e = assertThrows(InputException.class, () -> a.requireShape("poses_bounds.npy", -1, 17));
        assertEquals("poses_bounds.npy must have shape [N,17], got [2,3]", e.getMessage());
    }
}
