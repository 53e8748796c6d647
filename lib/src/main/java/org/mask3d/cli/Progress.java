package org.mask3d.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The CLI's progress bars. On a terminal a bar redraws in place (ASCII style, on standard error). Where the
 * output is not a terminal ({@code System.console() == null}: redirected to a file or a pipe, as in a log) a bar
 * would leave a redraw every update in the file, so it prints a plain line every {@value #DEFAULT_SECONDS}
 * seconds instead, and the final state when it closes; never an escape code or carriage return.
 *
 * <p>Environment: {@code MASK3D_PROGRESS=bar} or {@code lines} overrides the choice;
 * {@code MASK3D_PROGRESS_SECONDS=N} sets the interval of the plain lines.
 */
final class Progress {
    static final int DEFAULT_SECONDS = 10;

    private Progress() {}

    /** A bar for {@code task} up to {@code max}, refreshed every {@code updateMillis}: the caller may add to it. */
    static ProgressBarBuilder builder(String task, long max, int updateMillis) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(updateMillis).continuousUpdate();
        if (!redraws(System.getenv("MASK3D_PROGRESS"), System.console() != null)) {
            b.setConsumer(new PlainLines(System.err, seconds(System.getenv("MASK3D_PROGRESS_SECONDS")) * 1_000_000_000L,
                    System::nanoTime));
        }
        return b;
    }

    /** Whether bars redraw in place: {@code mode} "bar" or "lines" decides, else whether there is a terminal. */
    static boolean redraws(String mode, boolean terminal) {
        if (mode != null) {
            switch (mode.strip().toLowerCase(Locale.ROOT)) {
                case "bar": return true;
                case "lines": case "plain": return false;
                default: break;
            }
        }
        return terminal;
    }

    static long seconds(String value) {
        if (value == null || value.isBlank()) return DEFAULT_SECONDS;
        try {
            long s = Long.parseLong(value.strip());
            return s > 0 ? s : DEFAULT_SECONDS;
        } catch (NumberFormatException e) {
            return DEFAULT_SECONDS;
        }
    }

    /** A bar's text as plain lines: the first state, then one line at most every {@code periodNanos}, and the last. */
    static final class PlainLines implements ProgressBarConsumer {
        private final PrintStream out;
        private final long periodNanos;
        private final LongSupplier clock;
        private String last, printed;
        private long printedAt;

        PlainLines(PrintStream out, long periodNanos, LongSupplier clock) {
            this.out = out;
            this.periodNanos = periodNanos;
            this.clock = clock;
        }

        @Override public int getMaxRenderedLength() { return 100; }

        @Override
        public synchronized void accept(String rendered) {
            last = rendered.strip();
            long now = clock.getAsLong();
            if (printed == null || now - printedAt >= periodNanos) {
                out.println(last);
                printed = last;
                printedAt = now;
            }
        }

        @Override
        public synchronized void close() {
            if (last != null && !last.equals(printed)) out.println(last);
            printed = last;
            out.flush();
        }
    }
}
