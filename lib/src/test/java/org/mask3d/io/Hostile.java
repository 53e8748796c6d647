package org.mask3d.io;

import org.junit.jupiter.api.function.Executable;
import org.mask3d.InputException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Shared checks of the hostile-file tests: the read ends in {@link InputException} (not another exception, not an
 * Error) within 5 s, its message is one line without raw control characters and names the file and the field, and
 * the read allocates less than a bound (the tests run under a 32 MiB budget, {@code -Dmask3d.maxBytes}).
 */
final class Hostile {
    private Hostile() {}

    static final String BUDGET = "32m";
    static final long SMALL = 8L << 20;

    /** Runs {@code read}, which must fail with one clean line containing every fragment, allocating under {@code maxAlloc}. */
    static String rejects(long maxAlloc, Executable read, String... fragments) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long a0 = mx.getCurrentThreadAllocatedBytes();
            InputException e = assertThrows(InputException.class, read);
            long used = mx.getCurrentThreadAllocatedBytes() - a0;
            String m = e.getMessage();
            assertNotNull(m);
            for (String f : fragments) assertTrue(m.contains(f), "message lacks '" + f + "': " + m);
            for (char c : m.toCharArray()) assertFalse(c < 0x20 || c == 0x7f, "raw control character in: " + m);
            assertTrue(m.length() < 1500, "message too long (" + m.length() + ")");
            assertTrue(used < maxAlloc, "read allocated " + used + " bytes (bound " + maxAlloc + "): " + m);
            return m;
        });
    }

    static String rejects(Executable read, String... fragments) { return rejects(SMALL, read, fragments); }

    private static String saved;

    /** Sets {@code -Dmask3d.maxBytes} to {@link #BUDGET} for a test class ({@code @BeforeAll}). */
    static void lowBudget() {
        saved = System.getProperty(Untrusted.MAX_BYTES_PROPERTY);
        System.setProperty(Untrusted.MAX_BYTES_PROPERTY, BUDGET);
    }

    /** Restores it ({@code @AfterAll}). */
    static void restoreBudget() {
        if (saved == null) System.clearProperty(Untrusted.MAX_BYTES_PROPERTY);
        else System.setProperty(Untrusted.MAX_BYTES_PROPERTY, saved);
    }

    static byte[] latin1(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    static byte[] repeat(String s, int n) { return latin1(s.repeat(n)); }

    /** A stored zip as PyTorch writes it (correct CRCs). */
    static byte[] zip(List<Map.Entry<String, byte[]>> records) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        TorchCheckpoint.writeZipStored(o, records, 64);
        return o.toByteArray();
    }

    /** Offset of the central-directory header of {@code name}. */
    static int cen(byte[] zip, String name) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = zip.length - 46; i >= 0; i--) {
            if (b.getInt(i) == 0x02014b50) {
                int n = b.getShort(i + 28) & 0xffff;
                if (i + 46 + n <= zip.length && new String(zip, i + 46, n, StandardCharsets.UTF_8).equals(name)) return i;
            }
        }
        throw new AssertionError("no central header for " + name);
    }

    /** Offset of the first data byte of {@code name} (after its local header). */
    static int data(byte[] zip, String name) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int loc = b.getInt(cen(zip, name) + 42);
        return loc + 30 + (b.getShort(loc + 26) & 0xffff) + (b.getShort(loc + 28) & 0xffff);
    }

    /** Overwrites the uncompressed size of {@code name} in its central header (what ZipFile believes). */
    static void patchSize(byte[] zip, String name, int size) {
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(cen(zip, name) + 24, size);
    }
}
