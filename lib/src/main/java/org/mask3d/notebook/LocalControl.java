package org.mask3d.notebook;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * JShell's execution engine for the kernel: snippets run in the kernel's own JVM (so the library's classes, the
 * renderers and the user's objects are one and the same), on one long-lived worker thread (libtorch keeps state
 * such as grad mode per thread, so consecutive cells share a thread), with the snippet's value kept as an object
 * (JShell itself only reports a string) and an interrupt that stops a running cell.
 *
 * <p>Interrupt: the worker is {@link Thread#interrupt() interrupted} first (ends {@code Thread.sleep}, blocking
 * I/O and loops that check the flag); a cell still running after {@link #STOP_AFTER_MS} is stopped with
 * {@link Thread#stop()}, which on Java 17 ends any loop, a training loop included. (Java 20+ no longer
 * supports {@code Thread.stop}; there only the interrupt remains.)
 */
final class LocalControl extends DirectExecutionControl {
    static final long STOP_AFTER_MS = 1000;
    private static final String KEY_PREFIX = "$mask3d.value#";

    private final ClassLoader loader;
    private final ExecutorService worker;
    private final Map<String, Object> values = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Thread running;
    private volatile boolean interrupted;

    LocalControl() {
        super();   // creates JShell's class loader and makes it this thread's context loader
        loader = Thread.currentThread().getContextClassLoader();
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mask3d-cell");
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
    }

    /** JShell's provider for this engine: {@code JShell.builder().executionEngine(LocalControl.provider(), null)}. */
    static ExecutionControlProvider provider(LocalControl[] created) {
        return new ExecutionControlProvider() {
            @Override public String name() { return "mask3d-local"; }
            @Override public ExecutionControl generate(ExecutionEnv env, Map<String, String> params) {
                LocalControl c = new LocalControl();
                created[0] = c;
                return c;
            }
        };
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        if (interrupted) throw new InvocationTargetException(new CellInterruptedException());
        Future<Object> f = worker.submit(() -> {
            running = Thread.currentThread();
            try {
                return doit.invoke(null);
            } finally {
                running = null;
                Thread.interrupted();   // a late interrupt must not leak into the next cell
            }
        });
        Object value;
        try {
            value = f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InvocationTargetException ite) throw ite;
            throw new InvocationTargetException(cause);   // ThreadDeath delivered outside the user's code
        }
        String key = KEY_PREFIX + ids.incrementAndGet();
        synchronized (values) {
            values.put(key, value);
        }
        return key;
    }

    /** The object behind a value key JShell reported (and forgets it); {@code null} for an unknown key. */
    Object take(String key) {
        synchronized (values) {
            return values.remove(key);
        }
    }

    /** Drops kept values (called at the start of a cell: only the last cell's values are ever looked up). */
    void clearValues() {
        synchronized (values) {
            values.clear();
        }
    }

    /** Starts a cell: clears the interrupt flag. */
    void beginCell() {
        interrupted = false;
        clearValues();
    }

    boolean wasInterrupted() { return interrupted; }

    /** Interrupts the running cell, then stops it if it is still running after {@link #STOP_AFTER_MS}. */
    @SuppressWarnings({"deprecation", "removal"})
    void interruptCell() {
        interrupted = true;
        Thread t = running;
        if (t == null) return;
        t.interrupt();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(STOP_AFTER_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (running == t) {
                try {
                    t.stop();
                } catch (UnsupportedOperationException e) {
                    System.err.println("mask3d kernel: this Java cannot stop a thread; the cell ignores interrupts");
                }
            }
        }, "mask3d-stopper");
        stopper.setDaemon(true);
        stopper.start();
    }

    @Override
    public void stop() {
        interruptCell();
    }

    @Override
    public void close() {
        worker.shutdownNow();
        super.close();
    }

    /** Thrown into a snippet that would start after the cell was interrupted. */
    static final class CellInterruptedException extends RuntimeException {
        CellInterruptedException() { super("interrupted", null, false, false); }
    }
}
