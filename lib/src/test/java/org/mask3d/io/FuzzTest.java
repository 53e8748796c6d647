package org.mask3d.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The short mode of {@link Fuzz}: a fixed seed, {@value #PER_READER} mutants per reader (npy, npz, checkpoint),
 * under a 64 MiB memory budget; only {@link org.mask3d.InputException} may escape and no read may take over 2 s.
 * Failing inputs go to {@code target/fuzz-crashes/}. The long mode is {@code Fuzz.main(--minutes N --out DIR)}.
 */
class FuzzTest {
    static final int PER_READER = 2500;
    static String saved;

    @TempDir Path tmp;

    @BeforeAll static void budget() {
        saved = System.getProperty(Untrusted.MAX_BYTES_PROPERTY);
        System.setProperty(Untrusted.MAX_BYTES_PROPERTY, "64m");
    }

    @AfterAll static void restore() {
        if (saved == null) System.clearProperty(Untrusted.MAX_BYTES_PROPERTY);
        else System.setProperty(Untrusted.MAX_BYTES_PROPERTY, saved);
    }

    @Test
    void seedsAreValidFiles() throws Exception {
        List<byte[]> npy = Fuzz.npySeeds();
        for (byte[] b : npy) assertNotNull(Npy.read(new ByteArrayInputStream(b), "seed"));
        Path z = tmp.resolve("s.npz");
        for (boolean deflate : new boolean[]{false, true}) {
            Files.write(z, Fuzz.npz(List.of(Map.entry("a.npy", npy.get(0)), Map.entry("b.npy", npy.get(2))), deflate));
            assertEquals(List.of("a", "b"), List.copyOf(Npz.read(z).keySet()));
        }
        Path c = tmp.resolve("s.ckpt");
        Files.write(c, Fuzz.torchZip(List.of(Map.entry("archive/data.pkl", Fuzz.richPickle()),
                Map.entry("archive/data/0", Fuzz.floats(1, 2, 3, 4))), false));
        TorchCheckpoint t = TorchCheckpoint.read(c);
        assertEquals("state_dict", t.stateDictEntry());
        assertArrayEquals(new float[]{1, 2, 3, 4}, t.tensors().get("w").f32());
        assertEquals(3L, t.metadata().get("epoch"));
        assertEquals(1e-3, t.hyperParameters().get("lr"));
        Files.write(c, Fuzz.legacy());
        t = TorchCheckpoint.read(c);
        assertEquals("legacy", t.format());
        assertArrayEquals(new int[]{2, 2}, t.tensors().get("w").shape());
    }

    @Test
    void shortSeededRunFindsNothing() throws Exception {
        Path crashes = Path.of("target/fuzz-crashes");
        Map<String, Fuzz.Stats> stats = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Fuzz.run(Fuzz.READERS, 20240613L, PER_READER, 20_000_000_000L, crashes));
        long failures = 0;
        for (Fuzz.Stats s : stats.values()) {
            System.out.println("fuzz short mode: " + s);
            failures += s.failures;
            assertTrue(s.rejected > s.mutants / 2, "most mutants should be rejected: " + s);
            assertTrue(s.mutants >= PER_READER / 4, "too few mutants in 20 s: " + s);
        }
        assertEquals(0, failures, "failing inputs written to " + crashes.toAbsolutePath() + ": " + stats.values());
    }
}
