package org.mask3d.notebook;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * JShell evaluation with IJava's behaviour: a cell is split into snippets; a cell ending in an expression has
 * that expression's value (the object itself, for the renderers); a snippet that does not compile stops the
 * cell with the compiler's diagnostic at its line and column in the cell; an exception stops the cell with its
 * stack trace cut below the user's code, frames of the cell shown as {@code cell line N}.
 *
 * <p>The engine is local ({@link LocalControl}): snippets run in this JVM, whose class path (the library and its
 * dependencies) the compiler sees as well. {@link #addToClasspath} reaches both: JShell's own
 * {@code addToClasspath} extends the compiler's class path and the snippets' class loader.
 */
public final class CellEvaluator implements AutoCloseable {
    /** The value of a cell that ends in a statement or declaration (nothing to show). */
    public static final Object NO_VALUE = new Object() {
        @Override public String toString() { return "<no value>"; }
    };

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final LocalControl control;
    /** snippet id → its first line in the current cell, 1-based (for stack traces). */
    private final Map<String, Integer> snippetLines = new HashMap<>();
    private final Set<String> classpath = new LinkedHashSet<>();

    public CellEvaluator() {
        LocalControl[] created = new LocalControl[1];
        String cp = System.getProperty("java.class.path", "");
        // No "--class-path" compiler option: JShell's compiler starts from java.class.path by itself, and a fixed
        // option would be repeated on every compilation, hiding what addToClasspath adds later (issue 14).
        shell = JShell.builder()
                .executionEngine(LocalControl.provider(created), null)
                .build();
        control = created[0];
        analysis = shell.sourceCodeAnalysis();
        for (String e : cp.split(File.pathSeparator)) if (!e.isEmpty()) classpath.add(e);
    }

    /** Adds a jar or folder to the compiler's and the class loader's class path; false if it was there already. */
    public boolean addToClasspath(String path) {
        String abs = new File(path).getAbsolutePath();
        if (!classpath.add(abs)) return false;
        shell.addToClasspath(abs);
        return true;
    }

    public List<String> classpath() { return List.copyOf(classpath); }

    /** Starts a cell (clears the interrupt flag and the previous cell's values). */
    public void beginCell() {
        control.beginCell();
        snippetLines.clear();
    }

    public void interrupt() { control.interruptCell(); }

    public boolean wasInterrupted() { return control.wasInterrupted(); }

    /** Evaluates a whole cell of Java (no magics); see {@link #eval(String, String, int)}. */
    public Object eval(String code) throws CellException {
        beginCell();
        return eval(code, code, 0);
    }

    /**
     * Evaluates {@code code}, which starts at {@code offset} in {@code cell}; returns the last snippet's value
     * when it is an expression, else {@link #NO_VALUE}.
     */
    public Object eval(String code, String cell, int offset) throws CellException {
        Object value = NO_VALUE;
        String remaining = code;
        while (!remaining.isBlank()) {
            if (control.wasInterrupted()) throw interrupted();
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String src;
            String rest;
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) break;   // comments only
            if (info.completeness().isComplete()) {
                src = info.source();
                rest = info.remaining();
            } else {
                src = remaining;   // incomplete: let the compiler say what is missing
                rest = "";
            }
            int start = offset + (code.length() - remaining.length()) + firstNonBlank(remaining) - firstNonBlank(src);
            value = evalSnippet(src, cell, start, rest.isBlank());
            remaining = rest;
        }
        return value;
    }

    private Object evalSnippet(String src, String cell, int start, boolean last) throws CellException {
        List<SnippetEvent> events = shell.eval(src);
        Object value = NO_VALUE;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            Snippet s = e.snippet();
            snippetLines.put(s.id(), lineOf(cell, start + firstNonBlank(src)));   // JShell counts from there
            if (e.status() == Snippet.Status.REJECTED) {
                throw compileError(shell.diagnostics(s).collect(Collectors.toList()), src, cell, start);
            }
            if (e.exception() != null) {
                if (control.wasInterrupted()) throw interrupted();
                throw runtimeError(e.exception());
            }
            if (s instanceof DeclarationSnippet d && (e.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)) {
                List<String> missing = shell.unresolvedDependencies(d).collect(Collectors.toList());
                if (!missing.isEmpty()) {
                    String msg = d.name() + " refers to " + String.join(", ", missing) + ", which is not defined";
                    throw CellException.of("CompilationException", msg,
                            List.of(position(cell, start) + ": " + msg));
                }
            }
            boolean expression = s.kind() == Snippet.Kind.EXPRESSION
                    || s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
            if (last && expression && e.value() != null) value = control.take(e.value());
        }
        if (control.wasInterrupted()) throw interrupted();
        return value;
    }

    private static CellException interrupted() {
        return CellException.of("InterruptedException", "the cell was interrupted",
                List.of("Interrupted: the cell was stopped by the user (the kernel keeps its state)"));
    }

    private CellException compileError(List<Diag> diags, String src, String cell, int start) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : diags) {
            if (!d.isError()) continue;
            String msg = d.getMessage(Locale.ROOT);
            if (first == null) first = msg.lines().findFirst().orElse(msg);
            long pos = d.getStartPosition() >= 0 ? d.getStartPosition() : d.getPosition();
            long end = Math.max(d.getEndPosition(), pos + 1);
            int at = (int) Math.min(Math.max(pos, 0), src.length());
            int cellAt = Math.min(start + at, cell.length());
            lines.add(position(cell, cellAt) + ": " + msg.lines().findFirst().orElse(msg));
            msg.lines().skip(1).forEach(l -> lines.add("  " + l));
            String line = lineText(cell, cellAt);
            int col = columnOf(cell, cellAt);
            int width = (int) Math.max(1, Math.min(end - pos, line.length() - col + 1));
            lines.add("    " + line);
            lines.add("    " + " ".repeat(Math.max(0, col - 1)) + "^" + (width > 1 ? "-".repeat(width - 1) : ""));
        }
        if (first == null) first = "the snippet does not compile";
        return CellException.of("CompilationException", first, lines);
    }

    private CellException runtimeError(JShellException ex) {
        if (ex instanceof UnresolvedReferenceException u) {
            String msg = "uses " + u.getSnippet().name() + ", which cannot be used until its missing dependencies are defined: "
                    + shell.unresolvedDependencies(u.getSnippet()).collect(Collectors.joining(", "));
            return CellException.of("UnresolvedReferenceException", msg, List.of(msg));
        }
        String name = ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
        if (control.wasInterrupted() || "java.lang.ThreadDeath".equals(name)) return interrupted();
        List<String> lines = new ArrayList<>();
        Throwable t = ex;
        boolean firstOne = true;
        while (t != null) {
            String cls = t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
            String head = cls + (t.getMessage() != null ? ": " + t.getMessage() : "");
            lines.add(firstOne ? head : "Caused by: " + head);
            lines.addAll(trimmedFrames(t.getStackTrace()));
            firstOne = false;
            t = t.getCause() == t ? null : t.getCause();
        }
        return CellException.of(name, ex.getMessage() == null ? name : ex.getMessage(), lines);
    }

    /** The frames down to the last frame of the user's code; REPL frames as {@code cell line N}. */
    List<String> trimmedFrames(StackTraceElement[] frames) {
        int lastUser = -1;
        for (int i = 0; i < frames.length; i++) if (isUserFrame(frames[i])) lastUser = i;
        int end = lastUser >= 0 ? lastUser + 1 : frames.length;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            StackTraceElement f = frames[i];
            if (isUserFrame(f)) {
                String method = f.getMethodName().equals("do_it$") || f.getMethodName().isEmpty() ? "" : f.getMethodName();
                String cls = f.getClassName().startsWith("REPL.") ? "" : f.getClassName();
                if (!cls.isEmpty() && !method.isEmpty()) method = cls + "." + method;
                String file = f.getFileName() == null ? "" : f.getFileName();
                Integer base = file.startsWith("#") ? snippetLines.get(file.substring(1)) : null;
                String where = base != null && f.getLineNumber() > 0 ? "cell line " + (base + f.getLineNumber() - 1)
                        : "snippet " + file + ":" + f.getLineNumber();
                out.add("\tat " + (method.isEmpty() ? "" : method + " ") + "(" + where + ")");
            } else {
                out.add("\tat " + f);
            }
        }
        return out;
    }

    /** A frame of a snippet: JShell names their file {@code #<snippet id>} (and blanks the wrapper class). */
    private static boolean isUserFrame(StackTraceElement f) {
        return f.getClassName().startsWith("REPL.") || (f.getFileName() != null && f.getFileName().startsWith("#"));
    }

    // ------------------------------------------------------------------------------- completion, inspection

    /** Completions at {@code cursor}: the replacements and the start of the text they replace. */
    public Completions complete(String code, int cursor) {
        int[] seg = currentSnippet(code, cursor);
        String snippet = code.substring(seg[0], cursor);
        int[] anchor = new int[1];
        List<String> options = analysis.completionSuggestions(snippet, snippet.length(), anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation).distinct().collect(Collectors.toList());
        return new Completions(options, seg[0] + anchor[0], cursor);
    }

    public record Completions(List<String> options, int start, int end) {}

    /** Signature and javadoc of what is under {@code cursor}; empty when nothing is known. */
    public List<String> inspect(String code, int cursor) {
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) end++;
        int[] seg = currentSnippet(code, end);
        String snippet = code.substring(seg[0], end);
        List<String> out = new ArrayList<>();
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(snippet, snippet.length(), true);
        if (docs.isEmpty()) docs = analysis.documentation(snippet + "(", snippet.length() + 1, true);   // a method
        for (SourceCodeAnalysis.Documentation d : docs) {
            out.add(d.signature() + (d.javadoc() != null && !d.javadoc().isBlank() ? "\n" + d.javadoc() : ""));
        }
        return out;
    }

    /** IJava's is_complete: "complete", "incomplete" or "invalid". */
    public String isComplete(String code) {
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case DEFINITELY_INCOMPLETE: case CONSIDERED_INCOMPLETE: return "incomplete";
                case UNKNOWN: return "invalid";
                case EMPTY: return "complete";
                default: remaining = info.remaining();
            }
        }
        return "complete";
    }

    /** [start, cursor) of the snippet the cursor is in: after the last complete snippet before the cursor. */
    private int[] currentSnippet(String code, int cursor) {
        String prefix = code.substring(0, Math.min(cursor, code.length()));
        int lineStart = prefix.lastIndexOf('\n') + 1;
        // a magic line completes nothing Java-wise: treat the cursor's line alone
        if (CellParser.isLineMagic(prefix.substring(lineStart))) return new int[]{cursor, cursor};
        String rem = prefix;
        int off = 0;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rem);
            if (info.completeness().isComplete() && !info.remaining().isBlank()) {
                off += rem.length() - info.remaining().length();
                rem = info.remaining();
            } else {
                break;
            }
        }
        return new int[]{off, cursor};
    }

    // ------------------------------------------------------------------------------- positions

    static int firstNonBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    static int lineOf(String text, int pos) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    static int columnOf(String text, int pos) {
        int p = Math.min(pos, text.length());
        return p - (text.lastIndexOf('\n', p - 1) + 1) + 1;
    }

    static String lineText(String text, int pos) {
        int p = Math.min(pos, text.length());
        int s = text.lastIndexOf('\n', p - 1) + 1;
        int e = text.indexOf('\n', p);
        return text.substring(s, e < 0 ? text.length() : e);
    }

    static String position(String cell, int pos) {
        return "cell line " + lineOf(cell, pos) + ", column " + columnOf(cell, pos);
    }

    @Override
    public void close() {
        shell.close();
    }
}
