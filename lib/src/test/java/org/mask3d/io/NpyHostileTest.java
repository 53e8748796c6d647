package org.mask3d.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;
import static org.mask3d.io.Hostile.rejects;

/** Hostile {@code .npy} files: each ends in one clean InputException naming the file and the field, fast and small. */
class NpyHostileTest {
    @TempDir Path tmp;

    @BeforeAll static void budget() { Hostile.lowBudget(); }
    @AfterAll static void restore() { Hostile.restoreBudget(); }

    /** A version-1 (or 2) file with this header dict text and these data bytes. */
    static byte[] npy(int version, String dict, byte[] data) {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int prefix = version == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) b.putShort((short) h.length);
        else b.putInt(h.length);
        return b.put(h).put(data).array();
    }

    static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    Path file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test void headerDeclaringTwoGigabytesIsRefusedBeforeAllocating() throws IOException {
        Path f = file("big.npy", npy(1, dict("<f4", "(536870912,)"), new byte[0]));
        assertTrue(Files.size(f) < 128);
        rejects(() -> Npy.read(f), f.toString(), "truncated data", "needs 2147483648 bytes, file has 0");
    }

    @Test void declaredDataBeyondTheFileSize() throws IOException {
        Path f = file("short.npy", npy(1, dict("<f8", "(1000, 1000)"), new byte[64]));
        rejects(() -> Npy.read(f), f.toString(), "needs 8000000 bytes, file has 64");
    }

    @Test void shapeWhoseProductOverflowsIsAnError() throws IOException {
        // 65536^4 = 2^64 wraps to 0 in 64-bit arithmetic: once read as an empty array
        Path f = file("wrap.npy", npy(1, dict("<f4", "(65536, 65536, 65536, 65536)"), new byte[0]));
        rejects(() -> Npy.read(f), f.toString(), "shape [65536, 65536, 65536, 65536]", "overflows");
    }

    @Test void negativeDimension() throws IOException {
        Path f = file("neg.npy", npy(1, dict("<f4", "(-5, 3)"), new byte[0]));
        rejects(() -> Npy.read(f), f.toString(), "negative dimension -5");
    }

    @Test void tooManyDimensions() throws IOException {
        Path f = file("dims.npy", npy(1, dict("<f4", "(" + "1, ".repeat(65) + ")"), new byte[4]));
        rejects(() -> Npy.read(f), f.toString(), "more than 64 dimensions");
    }

    @Test void headerLongerThanTheFile() throws IOException {
        byte[] b = npy(1, dict("<f4", "(1,)"), new byte[4]);
        b[8] = (byte) 0xff; b[9] = (byte) 0xef; // header length 61439
        Path f = file("hlen.npy", b);
        rejects(() -> Npy.read(f), f.toString(), "truncated .npy header (declares 61439 bytes");
    }

    @Test void version2HeaderLengthOfFourGigabytes() throws IOException {
        byte[] b = npy(2, dict("<f4", "(1,)"), new byte[4]);
        b[8] = b[9] = b[10] = b[11] = (byte) 0xff;
        Path f = file("v2.npy", b);
        rejects(() -> Npy.read(f), f.toString(), ".npy header length 4294967295 is over the limit");
    }

    @Test void badMagic() throws IOException {
        Path f = file("magic.npy", "\u0093NUMPX\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1));
        rejects(() -> Npy.read(f), f.toString(), "not a .npy file (bad magic bytes)");
    }

    @Test void unsupportedVersion() throws IOException {
        byte[] b = npy(1, dict("<f4", "(1,)"), new byte[4]);
        b[6] = 9;
        Path f = file("v9.npy", b);
        rejects(() -> Npy.read(f), f.toString(), "unsupported .npy format version 9");
    }

    @Test void emptyAndShorterThanTheHeader() throws IOException {
        Path e = file("empty.npy", new byte[0]);
        rejects(() -> Npy.read(e), e.toString(), "shorter than its header");
        Path s = file("seven.npy", Arrays.copyOf(npy(1, dict("<f4", "(1,)"), new byte[4]), 7));
        rejects(() -> Npy.read(s), s.toString(), "shorter than its header");
    }

    @Test void unsupportedDtype() throws IOException {
        Path f = file("int.npy", npy(1, dict("<i8", "(2,)"), new byte[16]));
        rejects(() -> Npy.read(f), f.toString(), "dtype '<i8' is not supported");
    }

    @Test void terminalEscapesInTheDtypeAreEscaped() throws IOException {
        Path f = file("esc.npy", npy(1, dict("\u001b[2J\u001b[31mpwned\u0007", "(2,)"), new byte[16]));
        String m = rejects(() -> Npy.read(f), f.toString(), "dtype '\\x1b[2J\\x1b[31mpwned\\x07' is not supported");
        assertFalse(m.contains("\u001b"));
    }

    @Test void malformedHeaderWithNewlinesAndNulIsOneLine() throws IOException {
        Path f = file("nul.npy", npy(1, "{'descr': '<f4',\n\u0000 'shape': (1,)}\r", new byte[4]));
        rejects(() -> Npy.read(f), f.toString(), "malformed .npy header", "\\n\\x00", "expected 'descr', 'fortran_order' and 'shape'");
    }

    @Test void nonNumericShape() throws IOException {
        Path f = file("shape.npy", npy(1, dict("<f4", "(2, x)"), new byte[8]));
        rejects(() -> Npy.read(f), f.toString(), "bad shape in .npy header: '(2, x)'");
    }

    @Test void dimensionBeyondIntRange() throws IOException {
        Path f = file("dim.npy", npy(1, dict("<f4", "(99999999999,)"), new byte[8]));
        rejects(() -> Npy.read(f), f.toString(), "bad shape in .npy header");
    }

    @Test void dataOneByteShort() throws IOException {
        Path f = file("cut.npy", npy(1, dict("<f4", "(2, 2)"), new byte[15]));
        rejects(() -> Npy.read(f), f.toString(), "needs 16 bytes, file has 15");
    }

    @Test void fortranOrderArrayTruncated() throws IOException {
        Path f = file("fcut.npy", npy(1, "{'descr': '>f8', 'fortran_order': True, 'shape': (3, 4), }", new byte[40]));
        rejects(() -> Npy.read(f), f.toString(), "shape [3, 4] >f8 needs 96 bytes, file has 40");
    }

    @Test void streamOfUnknownSizeOverTheBudget() {
        byte[] b = npy(1, dict("<f4", "(268435456,)"), new byte[0]);
        rejects(() -> Npy.read(new ByteArrayInputStream(b), "stream.npy"), "stream.npy",
                "needs 1073741824 bytes, over the memory budget of 33554432 bytes (-Dmask3d.maxBytes)");
    }

    @Test void streamThatLiesAboutItsSizeAllocatesLittle() {
        // 16 MB declared, within the budget, 100 bytes present: the read grows with the data, not the header
        byte[] b = npy(1, dict("<f4", "(4194304,)"), new byte[100]);
        rejects(1 << 20, () -> Npy.read(new ByteArrayInputStream(b), "liar.npy"), "liar.npy", "needs 16777216 bytes, file has 100");
    }

    @Test void folderInPlaceOfTheFile() throws IOException {
        Path d = Files.createDirectory(tmp.resolve("dir.npy"));
        rejects(() -> Npy.read(d), d.toString());
    }

    @Test void missingFile() {
        Path f = tmp.resolve("absent.npy");
        rejects(() -> Npy.read(f), "file not found: " + f);
    }
}
