package org.mask3d.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.mask3d.io.Hostile.rejects;

/** Hostile {@code .npz} archives: CRC errors, zip bombs, lying sizes, escapes; each one clean InputException. */
class NpzHostileTest {
    @TempDir Path tmp;

    @BeforeAll static void budget() { Hostile.lowBudget(); }
    @AfterAll static void restore() { Hostile.restoreBudget(); }

    static byte[] npy(String dict, byte[] data) { return NpyHostileTest.npy(1, dict, data); }

    static byte[] small() { return npy(NpyHostileTest.dict("<f4", "(2, 2)"), Fuzz.floats(1, 2, 3, 4)); }

    Path file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test void validArchivesStillRead() throws IOException {
        for (boolean deflate : new boolean[]{false, true}) {
            Path f = file("ok.npz", Fuzz.npz(List.of(Map.entry("a.npy", small())), deflate));
            assertArrayEquals(new float[]{1, 2, 3, 4}, Npz.read(f).get("a").floats());
        }
    }

    @Test void flippedDataByteOfAStoredRecordFailsItsCrc() throws IOException {
        byte[] z = Fuzz.npz(List.of(Map.entry("a.npy", small())), false);
        z[Hostile.data(z, "a.npy") + small().length - 1] ^= 0x01; // last float's top byte: still a valid array
        Path f = file("crc.npz", z);
        rejects(() -> Npz.read(f), f.toString(), "zip record 'a.npy' fails its CRC-32 check", "the file is corrupt");
    }

    @Test void flippedByteOfADeflatedRecord() throws IOException {
        byte[] z = Fuzz.npz(List.of(Map.entry("a.npy", small())), true);
        z[Hostile.data(z, "a.npy") + 20] ^= 0x10;
        Path f = file("crcd.npz", z);
        rejects(() -> Npz.read(f), f.toString());
    }

    @Test void zipBombIsRefusedByTheBudgetBeforeInflating() throws IOException {
        // 256 MB of zeros deflate to about 250 kB; the header alone is checked against the 32 MB budget
        byte[] header = npy(NpyHostileTest.dict("<f4", "(67108864,)"), new byte[0]);
        Path f = tmp.resolve("bomb.npz");
        try (var zo = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            zo.putNextEntry(new java.util.zip.ZipEntry("big.npy"));
            zo.write(header);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) zo.write(zeros);
            zo.closeEntry();
        }
        assertTrue(Files.size(f) < 2_000_000);
        rejects(() -> Npz.read(f), f.toString(), "array 'big'", "needs 268435456 bytes, over the memory budget of 33554432");
    }

    @Test void arraysTogetherOverTheBudget() throws IOException {
        byte[] a = npy(NpyHostileTest.dict("<f4", "(5000000,)"), new byte[20_000_000]);
        Path f = file("two.npz", Fuzz.npz(List.of(Map.entry("a.npy", a), Map.entry("b.npy", a)), true));
        rejects(60L << 20, () -> Npz.read(f), f.toString(), "array 'b'", "after 20000000 already read", "over the memory budget");
    }

    @Test void directorySizeSmallerThanTheRecord() throws IOException {
        byte[] z = Fuzz.npz(List.of(Map.entry("a.npy", small())), true);
        Hostile.patchSize(z, "a.npy", small().length - 8);
        Path f = file("lie-small.npz", z);
        rejects(() -> Npz.read(f), f.toString(), "'a'", "header declares 16 bytes of data", "record holds 8");
    }

    @Test void directorySizeLargerThanTheRecord() throws IOException {
        byte[] z = Fuzz.npz(List.of(Map.entry("a.npy", small())), true);
        Hostile.patchSize(z, "a.npy", 1 << 30);
        Path f = file("lie-big.npz", z);
        rejects(() -> Npz.read(f), f.toString(), "'a'", "header declares 16 bytes of data");
    }

    @Test void recordInflatingPastItsDeclaredSize() throws IOException {
        // directory and npy header agree on 16 data bytes, the deflated stream holds 4 kB more
        byte[] real = Hostile.concat(small(), new byte[4096]);
        byte[] z = Fuzz.npz(List.of(Map.entry("a.npy", real)), true);
        Hostile.patchSize(z, "a.npy", small().length);
        Path f = file("more.npz", z);
        rejects(() -> Npz.read(f), f.toString(), "zip record 'a.npy' holds more than the " + small().length + " bytes its header declares");
    }

    @Test void truncatedArchive() throws IOException {
        byte[] z = Fuzz.npz(List.of(Map.entry("a.npy", small())), false);
        Path f = file("half.npz", Arrays.copyOf(z, z.length / 2));
        rejects(() -> Npz.read(f), f.toString(), "not a readable .npz archive");
    }

    @Test void notAZip() throws IOException {
        Path f = file("text.npz", "hello\n".getBytes(StandardCharsets.US_ASCII));
        rejects(() -> Npz.read(f), f.toString(), "not a readable .npz archive");
    }

    @Test void badArrayInsideNamesArchiveAndKey() throws IOException {
        Path f = file("inner.npz", Fuzz.npz(List.of(Map.entry("poses.npy", npy(NpyHostileTest.dict("<i4", "(2,)"), new byte[8]))), false));
        rejects(() -> Npz.read(f), f + ": 'poses': dtype '<i4' is not supported");
    }

    @Test void keyWithTerminalEscapesIsEscaped() throws IOException {
        Path f = file("esc.npz", Fuzz.npz(List.of(Map.entry("\u001b]0;owned\u0007x.npy", npy(NpyHostileTest.dict("|b1", "(2,)"), new byte[2]))), false));
        rejects(() -> Npz.read(f), f.toString(), "'\\x1b]0;owned\\x07x'");
    }

    @Test void duplicateKey() throws IOException {
        Path f = file("dup.npz", Hostile.zip(List.of(Map.entry("a.npy", small()), Map.entry("a.npy", small()))));
        rejects(() -> Npz.read(f), f.toString(), "'a'", "holds this key twice");
    }

    @Test void missingKeyListsEscapedKeys() throws IOException {
        Path f = file("keys.npz", Fuzz.npz(List.of(Map.entry("a\nb.npy", small())), false));
        Map<String, NpyArray> arrays = Npz.read(f);
        rejects(() -> Npz.require(arrays, "psv", f), f.toString(), "missing array 'psv'", "a\\nb");
    }

    @Test void missingFile() {
        Path f = tmp.resolve("absent.npz");
        rejects(() -> Npz.read(f), "file not found: " + f);
    }
}
