package org.mask3d.train;

import org.mask3d.InputException;
import org.mask3d.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One training per run folder: {@code RUN/.lock}, held with {@link FileChannel#tryLock()} (an OS lock, released by
 * the OS when the holder dies, SIGKILL included) and holding the holder's PID, host and start time, so that a
 * second training into the same folder is refused at once with a line naming the holder.
 *
 * <p>The OS lock is a POSIX record lock: closing <em>any</em> descriptor of the file in the holding process
 * releases it. So the holder never opens the file a second time, and a second training in the same JVM is refused
 * from a table of the folders this JVM holds, without touching the file. The file stays in the folder (emptied on
 * release), except where {@link #closeAndDelete} removes it with a folder that a refused run had only just
 * created; a process that opened it just before that could lock the deleted file, so after locking the path must
 * still exist, or it tries again.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name in the run folder. */
    public static final String NAME = ".lock";

    /** Run folders (real paths) locked by this JVM, with their holder's line. */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, Path key, FileChannel channel, FileLock lock) {
        this.file = file;
        this.key = key;
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
            String me = "pid = " + pid + "\nhost = " + host() + "\nstarted = " + Instant.now() + "\n";
            FileChannel ch = null;
            Path key;
            try {
                Files.createDirectories(runDir);
                key = runDir.toRealPath();
            } catch (IOException e) {
                if (AtomicFiles.isDiskFull(e)) throw AtomicFiles.diskFull(runDir, e);
                throw new UncheckedIOException("cannot create " + runDir + ": " + e.getMessage(), e);
            }
            if (HELD.putIfAbsent(key, me) != null) throw refused(runDir, file, HELD.get(key));
            boolean kept = false;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock l = ch.tryLock();
                if (l == null) {
                    ch.close();   // our own descriptor: this JVM holds no lock on the file (HELD), nothing is released
                    ch = null;
                    throw refused(runDir, file, null);
                }
                if (!Files.exists(file)) {   // we locked a file that its holder had just deleted: start again
                    l.release();
                    continue;
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(true);
                kept = true;
                return new RunLock(file, key, ch, l);
            } catch (IOException e) {
                if (AtomicFiles.isDiskFull(e)) throw AtomicFiles.diskFull(file, e);
                throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
            } finally {
                if (!kept) {
                    closeQuietly(ch);
                    HELD.remove(key);
                }
            }
        }
        throw new InputException("cannot lock " + runDir + ": its lock file " + file + " keeps being replaced by another process");
    }

    private static InputException refused(Path runDir, Path file, String known) {
        String holder = known == null ? "" : known;
        for (int i = 0; i < 25 && holder.isBlank(); i++) {   // the holder may have locked but not yet written its line
            try {
                holder = Files.readString(file, StandardCharsets.UTF_8);   // this JVM holds no lock on it: safe to open
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

    /** Lets go: empties the lock file (it names no holder any more), then releases the lock. */
    @Override public void close() { release(false); }

    /** Lets go and deletes the lock file (while still holding it): for a folder that is removed next. */
    public void closeAndDelete() { release(true); }

    private void release(boolean delete) {
        try {
            if (delete) Files.deleteIfExists(file);   // deleting does not open the file: the lock stays until released
            else channel.truncate(0);
        } catch (IOException ignored) {
            // a holder line left behind is harmless: the next training locks and rewrites it
        }
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD.remove(key);
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
