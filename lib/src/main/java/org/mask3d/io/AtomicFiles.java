package org.mask3d.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Atomic file writes: the content goes to a temporary sibling, is flushed, then renamed over the target, so a
 * reader (or a killed process) never sees a half-written file.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a file's whole content to a stream. */
    @FunctionalInterface
    public interface Writer { void write(OutputStream out) throws IOException; }

    /** Writes {@code path} atomically, creating parent folders. */
    public static void write(Path path, Writer writer) {
        Path abs = path.toAbsolutePath();
        try {
            Path dir = abs.getParent();
            if (dir != null) Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            try {
                // createTempFile makes the file owner-only (0600); a result file is readable like any other
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer.write(out);
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes bytes atomically. */
    public static void write(Path path, byte[] bytes) { write(path, out -> out.write(bytes)); }

    /** Writes a Tablesaw table as CSV (UTF-8, header row) atomically. */
    public static void writeCsv(Path path, tech.tablesaw.api.Table table) {
        write(path, out -> {
            java.io.Writer w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
            table.write().csv(w);
            w.flush();
        });
    }
}
