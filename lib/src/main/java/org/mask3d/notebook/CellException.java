package org.mask3d.notebook;

import java.util.List;

/**
 * A cell's error as the kernel reports it: a name ({@code CompilationException}, the exception's class, ...),
 * a one-line value, and the traceback lines Jupyter shows (already trimmed to the user's code).
 */
public class CellException extends Exception {
    private final String name;
    private final List<String> traceback;

    /**
     * The error for {@code name}: Jupyter's error name is the class's simple name, so the kinds are classes:
     * {@link CompilationException}, {@link Interrupted}, {@link MagicException}, else {@link EvalException}.
     */
    public static CellException of(String name, String message, List<String> traceback) {
        return switch (name) {
            case "CompilationException" -> new CompilationException(message, traceback);
            case "InterruptedException" -> new Interrupted(message, traceback);
            case "MagicException" -> new MagicException(message, traceback);
            default -> new EvalException(name, message, traceback);
        };
    }

    /** The snippet does not compile. */
    public static final class CompilationException extends CellException {
        CompilationException(String m, List<String> t) { super("CompilationException", m, t); }
    }

    /** The user's code threw; {@link #name()} is the exception's class. */
    public static final class EvalException extends CellException {
        EvalException(String name, String m, List<String> t) { super(name, m, t); }
    }

    /** The cell was interrupted. */
    public static final class Interrupted extends CellException {
        Interrupted(String m, List<String> t) { super("InterruptedException", m, t); }
    }

    /** A magic failed (bad arguments, a path that matches nothing, an artifact that does not resolve). */
    public static final class MagicException extends CellException {
        MagicException(String m, List<String> t) { super("MagicException", m, t); }
    }

    protected CellException(String name, String message, List<String> traceback) {
        super(message, null, false, false);
        this.name = name;
        this.traceback = List.copyOf(traceback);
    }

    public String name() { return name; }

    public List<String> traceback() { return traceback; }

    @Override
    public String toString() { return name + ": " + getMessage() + "\n" + String.join("\n", traceback); }
}
