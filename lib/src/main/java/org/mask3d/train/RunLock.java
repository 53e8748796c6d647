package org.mask3d.train;

import org.mask3d.InputException;
import org.mask3d.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One training per run folder: {@code RUN/.lock}, held with {@link FileChannel#tryLock()} (an OS lock, released by
 * the OS when the holder dies, SIGKILL included) and holding the holder's PID, host and start time, so that a
 * second training into the same folder is refused at once with a line naming the holder.
 *
 * <p>The holder deletes the file when it lets go. A process that opened the file just before it was deleted could
 * lock that deleted file: after locking, the holder's line is read back through the path and must be its own, or
 * it tries again.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name in the run folder. */
    public static final String NAME = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code runDir} (created if missing) for this process.
     *
     * @throws InputException naming the holder (PID, host, start) and the folder when another training holds it, or
     *                        the folder and "no space left" when the disk is full
     */
    public static RunLock acquire(Path runDir) {
        Path file = runDir.resolve(NAME);
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < 10; attempt++) {
            String me = "pid = " + pid + "\nhost = " + host() + "\nstarted = " + Instant.now() + "\nnonce = " + System.nanoTime() + "\n";
            FileChannel ch = null;
            try {
                Files.createDirectories(runDir);
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;   // held by this very process (another thread's training)
                }
                if (l == null) {
                    ch.close();
                    ch = null;
                    throw refused(runDir, file);
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(true);
                String back;
                try {
                    back = Files.readString(file, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    back = null;
                }
                if (me.equals(back)) return new RunLock(file, ch, l);
                l.release();   // we locked a file its holder had just deleted: start again
                ch.close();
                ch = null;
            } catch (IOException e) {
                closeQuietly(ch);
                if (AtomicFiles.isDiskFull(e)) throw AtomicFiles.diskFull(file, e);
                throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
            }
        }
        throw new InputException("cannot lock " + runDir + ": its lock file " + file + " keeps being replaced by another process");
    }

    private static InputException refused(Path runDir, Path file) {
        String holder = "";
        for (int i = 0; i < 25 && holder.isBlank(); i++) {   // the holder may have locked but not yet written its line
            try {
                holder = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                holder = "";
            }
            if (holder.isBlank()) sleep(20);
        }
        String pid = field(holder, "pid"), host = field(holder, "host"), started = field(holder, "started");
        String who = pid == null ? "another process (its lock file " + file + " names none yet)"
                : "process " + pid + (host != null ? " on " + host : "") + (started != null ? " (started " + started + ")" : "")
                        + (pid.equals(Long.toString(ProcessHandle.current().pid())) ? ", this very process" : "");
        return new InputException(runDir + " is in use by another training: " + who + " holds " + file
                + "; wait for it to end (or stop it), or train into another folder (--run / exp_name)");
    }

    private static String field(String text, String key) {
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).strip().equals(key)) {
                String v = line.substring(eq + 1).strip().replaceAll("[^\\x20-\\x7e]", "?");   // no terminal escapes
                return v.isEmpty() ? null : v.substring(0, Math.min(v.length(), 80));
            }
        }
        return null;
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = Files.readString(Path.of("/etc/hostname")).strip();
            } catch (IOException | RuntimeException e) {
                h = "";
            }
        }
        return h.isBlank() ? "unknown host" : h;
    }

    /** The lock file. */
    public Path file() { return file; }

    /** Lets go: deletes the lock file (while still holding it), then releases the lock. */
    @Override public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a lock file left behind is harmless: the next training locks and rewrites it
        }
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
