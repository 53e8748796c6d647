package org.mask3d.notebook;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import io.github.spencerpark.jupyter.kernel.magic.registry.UndefinedMagicException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The mask3d Jupyter kernel: IJava's behaviour on IJava's own base library
 * ({@code io.github.spencerpark:jupyter-jvm-basekernel}), with the library on the class path and its renderers
 * registered.
 *
 * <pre>java -cp mask3d-lib.jar:deps/* [-Dmask3d.kernel.init=init.jsh] org.mask3d.notebook.Mask3dKernel CONNECTION_FILE</pre>
 *
 * <p>The kernel answers Jupyter at once; JShell and the start-up script ({@code -Dmask3d.kernel.init}, Java
 * snippets run before the first cell, typically imports) are prepared on a background thread meanwhile, and the
 * first request that needs them waits for them. Every cell also sees {@code import static
 * org.mask3d.notebook.Display.*} ({@code display}, {@code render}, {@code updateDisplay}).
 *
 * <p>A cell's value: arrays as JShell prints them, print streams (what {@code System.out.printf} returns) not at
 * all ({@link CellValues}); the library's notes on standard error go to standard output ({@link QuietNotes}).
 */
public final class Mask3dKernel extends BaseKernel {
    private static volatile Mask3dKernel instance;
    private final CompletableFuture<CellEvaluator> evaluator;
    private final Magics magics = new Magics();
    private final LanguageInfo languageInfo;
    private boolean checkoutChecked;

    public Mask3dKernel(Path initScript) {
        languageInfo = new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("java")
                .build();
        DisplayRenderers.registerAll(getRenderer());
        new KernelMagics(new KernelMagics.Host() {
            @Override public CellEvaluator evaluator() throws CellException { return Mask3dKernel.this.evaluator(); }
            @Override public Object runCell(String cell) throws Exception { return Mask3dKernel.this.runCell(cell); }
        }).registerAll(magics);
        instance = this;
        evaluator = CompletableFuture.supplyAsync(() -> startShell(initScript));
    }

    /** The running kernel (for {@link Display}); fails outside a kernel. */
    public static Mask3dKernel instance() {
        Mask3dKernel k = instance;
        if (k == null) throw new IllegalStateException("display(...) and render(...) work inside the mask3d kernel only");
        return k;
    }

    private static CellEvaluator startShell(Path initScript) {
        CellEvaluator ev = new CellEvaluator();
        try {
            ev.eval("import static org.mask3d.notebook.Display.*;");
            if (initScript != null) ev.eval(Files.readString(initScript));
        } catch (Exception e) {
            throw new IllegalStateException("mask3d kernel: start-up script " + initScript + " failed: " + e, e);
        }
        return ev;
    }

    CellEvaluator evaluator() throws CellException {
        try {
            return evaluator.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CellException.of("InterruptedException", "interrupted while the kernel started", List.of());
        } catch (ExecutionException e) {
            String msg = String.valueOf(e.getCause().getMessage());
            throw CellException.of("KernelStartupError", msg, List.of(msg));
        }
    }

    @Override
    public LanguageInfo getLanguageInfo() { return languageInfo; }

    @Override
    public String getBanner() {
        return "mask3d Java kernel (JShell, Java " + Runtime.version() + ")";
    }

    @Override
    public DisplayData eval(String cell) throws Exception {
        evaluator().beginCell();
        if (!checkoutChecked) {   // once, in the first cell's output
            checkoutChecked = true;
            CheckoutCheck.forThisKernel().ifPresent(System.out::println);
        }
        PrintStream err = System.err;   // basekernel's stream to the front end, for this request
        System.setErr(QuietNotes.wrap(err, System.out));
        Object value;
        try {
            value = runCell(cell);
        } finally {
            System.err.flush();
            System.setErr(err);
        }
        if (value == CellEvaluator.NO_VALUE || CellValues.isSilent(value)) return null;
        if (value instanceof DisplayData d) return d;
        if (value == null) return new DisplayData("null");
        if (value.getClass().isArray()) return new DisplayData(CellValues.arrayText(value));
        return getRenderer().render(value);
    }

    /** Runs a cell (code and magics) and returns its value ({@link CellEvaluator#NO_VALUE} if none). */
    Object runCell(String cell) throws Exception {
        CellEvaluator ev = evaluator();
        CellParser.Cell parsed;
        try {
            parsed = CellParser.parse(cell);
        } catch (IllegalArgumentException e) {
            String msg = UntrustedText.message(e.getMessage());
            throw CellException.of("MagicException", msg, List.of(msg));
        }
        if (parsed.isCellMagic()) {
            CellParser.CellMagic m = parsed.cellMagic();
            if (m.name().equals("time")) return timed(() -> runCell(m.body()));
            applyMagic(() -> magics.applyCellMagic(m.name(), m.args(), m.body()), "%%" + m.name());
            return CellEvaluator.NO_VALUE;
        }
        Object value = CellEvaluator.NO_VALUE;
        for (CellParser.Part part : parsed.parts()) {
            if (ev.wasInterrupted()) throw CellException.of("InterruptedException", "the cell was interrupted",
                    List.of("Interrupted: the cell was stopped by the user (the kernel keeps its state)"));
            if (part instanceof CellParser.Code code) {
                value = ev.eval(code.source(), cell, code.offset());
            } else if (part instanceof CellParser.LineMagic m && m.name().equals("time")) {
                int[] at = timedCode(cell, m.line());
                value = at[1] == 0 ? CellEvaluator.NO_VALUE
                        : timed(() -> ev.eval(cell.substring(at[0], at[0] + at[1]), cell, at[0]));
            } else if (part instanceof CellParser.LineMagic m) {
                applyMagic(() -> magics.applyLineMagic(m.name(), m.args()), "%" + m.name());
                value = CellEvaluator.NO_VALUE;
            }
        }
        return value;
    }

    private interface MagicCall { Object run() throws Exception; }

    /**
     * JJava's {@code %time}: {@code %time CODE} runs the rest of its line, {@code %%time} the rest of the cell
     * (code and magics); either prints the wall time it took ({@code Wall time: 12.3 ms}) and keeps its value.
     */
    private static Object timed(MagicCall call) throws Exception {
        long t0 = System.nanoTime();
        try {
            return call.run();
        } finally {
            System.out.println("Wall time: " + wallTime(System.nanoTime() - t0));
        }
    }

    static String wallTime(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 1000) return String.format(java.util.Locale.ROOT, "%.1f ms", ms);
        if (ms < 60_000) return String.format(java.util.Locale.ROOT, "%.2f s", ms / 1000);
        return String.format(java.util.Locale.ROOT, "%d min %.1f s", (long) (ms / 60_000), (ms % 60_000) / 1000);
    }

    /** [offset, length] in {@code cell} of the code after {@code %time} on line {@code line} (1-based). */
    static int[] timedCode(String cell, int line) {
        int start = 0;
        for (int i = 1; i < line; i++) start = cell.indexOf('\n', start) + 1;
        int end = cell.indexOf('\n', start);
        if (end < 0) end = cell.length();
        int at = cell.indexOf("%time", start) + "%time".length();
        while (at < end && Character.isWhitespace(cell.charAt(at))) at++;
        return new int[]{at, end - at};
    }

    private static void applyMagic(MagicCall call, String name) throws Exception {
        try {
            call.run();
        } catch (UndefinedMagicException e) {
            String msg = "unknown magic " + UntrustedText.escape(name) + " (this kernel has %jars, %classpath, %maven, %load, %time, %%loadFromPOM, %%time)";
            throw CellException.of("MagicException", msg, List.of(msg));
        } catch (KernelMagics.MagicError e) {   // quotes globs, paths, coordinates, POM and notebook parser messages
            String msg = UntrustedText.message(e.getMessage());
            throw CellException.of("MagicException", msg, List.of(msg));
        }
    }

    @Override
    public List<String> formatError(Exception e) {
        if (e instanceof CellException c) {
            List<String> out = new ArrayList<>(c.traceback());
            if (!out.isEmpty()) out.set(0, "\u001b[1;31m" + out.get(0) + "\u001b[0m");   // bold red head, as IJava
            return out;
        }
        return super.formatError(e);
    }

    @Override
    public ReplacementOptions complete(String code, int at) throws Exception {
        CellEvaluator.Completions c = evaluator().complete(code, at);
        return c.options().isEmpty() ? null : new ReplacementOptions(c.options(), c.start(), c.end());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) throws Exception {
        List<String> docs = evaluator().inspect(code, at);
        return docs.isEmpty() ? null : new DisplayData(String.join("\n\n", docs));
    }

    @Override
    public String isComplete(String code) {
        try {
            if (CellParser.parse(code).isCellMagic()) return IS_COMPLETE_YES;
            String r = evaluator().isComplete(code);
            return switch (r) {
                case "incomplete" -> "";   // basekernel: any other string is the indent of the next line
                case "invalid" -> IS_COMPLETE_BAD;
                default -> IS_COMPLETE_YES;
            };
        } catch (Exception e) {
            return IS_COMPLETE_MAYBE;
        }
    }

    @Override
    public void interrupt() {
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) evaluator.join().interrupt();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        if (evaluator.isDone() && !evaluator.isCompletedExceptionally()) evaluator.join().close();
    }

    /** basekernel logs every message at INFO through java.util.logging: kept to warnings (a strong reference). */
    private static final java.util.logging.Logger BASEKERNEL_LOG = java.util.logging.Logger.getLogger("io.github.spencerpark");

    public static void main(String[] args) throws Exception {
        BASEKERNEL_LOG.setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        if (args.length != 1) {
            System.err.println("usage: java -cp ... org.mask3d.notebook.Mask3dKernel CONNECTION_FILE");
            System.exit(2);
        }
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        String init = System.getProperty("mask3d.kernel.init", System.getenv("MASK3D_KERNEL_INIT"));
        Mask3dKernel kernel = new Mask3dKernel(init == null || init.isBlank() ? null : Path.of(init));
        JupyterConnection connection = new GuardedConnection(props);   // drops untrusted messages, keeps serving
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        System.exit(0);
    }
}
