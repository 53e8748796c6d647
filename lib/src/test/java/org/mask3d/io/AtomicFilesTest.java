package org.mask3d.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Atomic writes leave no temporary file, and a full disk is one line naming the path (the real disk: DiskFullTest). */
class AtomicFilesTest {
    @TempDir Path tmp;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test void writesReplaceAtomicallyAndLeaveNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("a/b/out.txt");
        AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(f));
        assertEquals(List.of(f), files());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        AtomicFiles.syncDirectory(tmp);   // no error on a folder
        AtomicFiles.syncDirectory(tmp.resolve("missing"));   // nor on a missing one
    }

    @Test void aFullDiskIsOneLineNamingThePathAndTheOldFileStays() throws IOException {
        Path f = tmp.resolve("out.bin");
        AtomicFiles.write(f, new byte[]{1, 2, 3});
        for (IOException cause : new IOException[]{new IOException("No space left on device"),
                new FileSystemException(f.toString(), null, "No space left on device"),
                new IOException("Error writing PNG", new IOException("No space left on device")),
                new IOException("File too large")}) {
            InputException e = assertThrows(InputException.class, () -> AtomicFiles.write(f, out -> {
                out.write(new byte[1000]);
                throw cause;
            }));
            assertTrue(e.getMessage().contains("cannot write " + f) && e.getMessage().contains("no space left"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertSame(cause, e.getCause());
            assertEquals(List.of(f), files(), "the temporary file is removed");
            assertEquals(3, Files.size(f), "the previous file is unchanged");
        }
        // wrapped in an UncheckedIOException by the writer: still recognised
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.write(f, out -> {
            throw new UncheckedIOException(new IOException("No space left on device"));
        }));
        assertTrue(e.getMessage().contains("no space left"), e.getMessage());
        // any other I/O error stays what it was
        UncheckedIOException other = assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, out -> {
            throw new IOException("Input/output error");
        }));
        assertTrue(other.getMessage().contains("Input/output error") && other.getMessage().contains(f.toString()), other.getMessage());
        assertEquals(List.of(f), files());
    }

    @Test void temporaryNamesAreRecognised() {
        assertTrue(AtomicFiles.isTemporary(Path.of("run/.metrics.csv123456789.tmp")));
        assertFalse(AtomicFiles.isTemporary(Path.of("run/metrics.csv")));
        assertFalse(AtomicFiles.isTemporary(Path.of("run/.tmp")));
        assertFalse(AtomicFiles.isTemporary(Path.of("run/checkpoints/.tmp-last")));
        assertTrue(AtomicFiles.isDiskFull(new RuntimeException("x", new IOException("write failed: ENOSPC"))));
        assertFalse(AtomicFiles.isDiskFull(new IOException("Permission denied")));
    }
}
