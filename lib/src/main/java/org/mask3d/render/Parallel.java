package org.mask3d.render;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs independent work items on a fixed number of threads. Each item writes only its own outputs, so results
 * are bit-for-bit the same for any thread count.
 */
final class Parallel {
    private Parallel() {}

    private static final java.util.concurrent.ConcurrentHashMap<Integer, ForkJoinPool> POOLS =
            new java.util.concurrent.ConcurrentHashMap<>();

    static int defaultThreads() { return Runtime.getRuntime().availableProcessors(); }

    static void forEach(int n, int threads, IntConsumer body) {
        if (threads <= 1 || n <= 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, ForkJoinPool::new);   // daemon workers, kept for reuse
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(body)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }
}
