package org.mask3d.io;

import org.mask3d.InputException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Atomic, durable file writes: the content goes to a temporary sibling ({@code .NAME*.tmp}), is flushed and
 * fsynced, then renamed over the target, and the folder is fsynced after the rename; so a reader, a killed process
 * or a power cut never sees a half-written file under its final name. A full disk is reported as one
 * {@link InputException} line naming the file ({@link #diskFull}); the temporary file is removed.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** The suffix of the temporary files; with a leading dot, {@link #isTemporary} recognises them. */
    static final String TEMP_SUFFIX = ".tmp";

    /** Something that writes a file's whole content to a stream. */
    @FunctionalInterface
    public interface Writer { void write(OutputStream out) throws IOException; }

    /**
     * Writes {@code path} atomically, creating parent folders.
     *
     * @throws InputException       when the disk is full (the message names the path and says "no space left")
     * @throws UncheckedIOException on any other I/O error
     */
    public static void write(Path path, Writer writer) {
        Path abs = path.toAbsolutePath();
        try {
            Path dir = abs.getParent();
            if (dir != null) Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), TEMP_SUFFIX);
            try {
                // createTempFile makes the file owner-only (0600); a result file is readable like any other
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                     OutputStream out = Channels.newOutputStream(ch)) {
                    writer.write(out);
                    out.flush();
                    ch.force(true);   // the content is on disk before the name points at it
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
                if (dir != null) syncDirectory(dir);   // and the rename itself
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | UncheckedIOException e) {
            if (isDiskFull(e)) throw diskFull(path, e);
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
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

    /**
     * Fsyncs a folder, so that files created, renamed or deleted in it stay so after a power cut. Where the OS does
     * not allow opening a folder for reading (or syncing it), this does nothing.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported here (e.g. Windows): the rename is still atomic, only not yet durable
        }
    }

    /** Whether {@code file} is one of the temporary files of {@link #write} (left behind only by a killed process). */
    public static boolean isTemporary(Path file) {
        String n = file.getFileName().toString();
        return n.startsWith(".") && n.endsWith(TEMP_SUFFIX) && n.length() > 1 + TEMP_SUFFIX.length();
    }

    /**
     * Whether {@code e} (or a cause of it) says that the disk is full: ENOSPC ("No space left on device"), a disk
     * quota, or EFBIG ("File too large": the process's file size limit, {@code ulimit -f}).
     */
    public static boolean isDiskFull(Throwable e) {
        return reason(e) != null;
    }

    private static String reason(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            String m = t.getMessage();
            if (m == null) continue;
            String l = m.toLowerCase(Locale.ROOT);
            if (l.contains("no space left on device") || l.contains("enospc")) return "no space left on device (the disk is full)";
            if (l.contains("disk quota exceeded") || l.contains("edquot")) return "no space left on device (disk quota exceeded)";
            if (l.contains("file too large") || l.contains("efbig")) {
                return "no space left for this file (File too large: the process's file size limit, ulimit -f, is reached)";
            }
        }
        return null;
    }

    /**
     * The one-line error for a write of {@code path} that failed because the disk is full: names the path, says
     * "no space left", and that nothing was written under that name; the original exception is the cause.
     */
    public static InputException diskFull(Path path, Throwable cause) {
        String r = reason(cause);
        return new InputException("cannot write " + path + ": " + (r != null ? r : "no space left on device (the disk is full)")
                + "; nothing was written under this name (a previous version, if any, is unchanged): free some space and run again",
                cause);
    }
}
