package org.mask3d.notebook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Standard error as a cell sees it: the library's one-line notes on standard error (the renderer choice,
 * {@code "renderer: cpu (GPU not used: …)"} from {@code render.Renderers}) go to standard output instead, so a
 * notebook shows them as a plain line and not as a red error box. Everything else passes to standard error
 * unchanged; a line is held back only while it could still become a note.
 */
final class QuietNotes extends OutputStream {
    /** Starts of the lines that are notes, not errors. */
    static final List<String> NOTE_PREFIXES = List.of("renderer: ");

    private final OutputStream err;
    private final OutputStream out;
    private static final int LONGEST_PREFIX = NOTE_PREFIXES.stream().mapToInt(String::length).max().orElse(0);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** At the start of a line, or within one that may be a note: bytes are held in {@link #line}. */
    private boolean held = true;

    QuietNotes(OutputStream err, OutputStream out) {
        this.err = err;
        this.out = out;
    }

    /** A print stream on {@code err} that sends notes to {@code out}. */
    static PrintStream wrap(PrintStream err, PrintStream out) {
        return new PrintStream(new QuietNotes(err, out), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        take(b);
        passOn();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) take(b[i]);
        passOn();   // what passes goes on in one piece, not byte by byte
    }

    private void take(int b) throws IOException {
        if (!held) {   // within a line that is not a note: straight through
            pending.write(b);
            held = b == '\n';
            return;
        }
        line.write(b);
        if (b == '\n') {
            if (isNote()) {
                passOn();
                out.write(line.toByteArray());
            } else {
                line.writeTo(pending);
            }
            line.reset();
        } else if (line.size() <= LONGEST_PREFIX && !couldBeNote()) {
            line.writeTo(pending);
            line.reset();
            held = false;
        }
    }

    private void passOn() throws IOException {
        if (pending.size() == 0) return;
        err.write(pending.toByteArray());
        pending.reset();
    }

    private boolean couldBeNote() {
        String s = line.toString(StandardCharsets.UTF_8);
        for (String p : NOTE_PREFIXES) if (p.startsWith(s) || s.startsWith(p)) return true;
        return false;
    }

    private boolean isNote() {
        String s = line.toString(StandardCharsets.UTF_8);
        return NOTE_PREFIXES.stream().anyMatch(s::startsWith);
    }

    @Override
    public synchronized void flush() throws IOException {
        err.flush();
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        passOn();
        if (line.size() > 0) (isNote() ? out : err).write(line.toByteArray());
        line.reset();
        flush();
    }
}
