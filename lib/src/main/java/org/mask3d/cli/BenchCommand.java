package org.mask3d.cli;

import org.mask3d.eval.RenderBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks (not tests). 'render': milliseconds per novel view for the pure-Java renderer at "
                + "1..N threads, the DJL-ops renderer (libtorch) in the same run, and the streaming floor (reading the "
                + "MPI once), with ratios and peak heap."},
        footer = {"", "Examples:",
                "  ./mask3d bench render                         # 640x360, 32 planes",
                "  ./mask3d bench render --width 1920 --height 1080 --iters 5",
                "  ./mask3d bench render --no-djl --threads 4"})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WHAT", description = "What to benchmark: ${COMPLETION-CANDIDATES}")
    What what;

    enum What { render }

    @Option(names = "--width", defaultValue = "640", description = "Image width (default: ${DEFAULT-VALUE}).") int width;
    @Option(names = "--height", defaultValue = "360", description = "Image height (default: ${DEFAULT-VALUE}).") int height;
    @Option(names = "--planes", defaultValue = "32", description = "MPI planes (default: ${DEFAULT-VALUE}).") int planes;
    @Option(names = "--iters", defaultValue = "15", description = "Timed iterations (default: ${DEFAULT-VALUE}).") int iters;
    @Option(names = "--threads", description = "Largest thread count for the Java renderer (default: all cores).") Integer threads;
    @Option(names = "--no-djl", description = "Skip the DJL-ops peer.") boolean noDjl;

    @Override public Integer call() {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.printf("render benchmark: %dx%d, %d planes, float32, %s%n", width, height, planes,
                Runtime.getRuntime().availableProcessors() + " cores");
        RenderBenchmark.Result r = RenderBenchmark.run(width, height, planes, iters, t, !noDjl);
        double floor = r.get("stream-floor").msMedian();
        double java1 = r.get("java-1t").msMedian();
        System.out.printf("  %-14s %10s %10s %14s %14s%n", "impl", "median ms", "min ms", "x stream-floor", "speed-up vs 1t");
        for (RenderBenchmark.Timing tm : r.timings()) {
            String su = tm.impl().startsWith("java") ? String.format("%.2f", java1 / tm.msMedian()) : "";
            System.out.printf("  %-14s %10.2f %10.2f %14.2f %14s%n", tm.impl(), tm.msMedian(), tm.msMin(),
                    tm.msMedian() / floor, su);
        }
        if (!noDjl) {
            String best = "java-" + t + "t";
            System.out.printf("  djl-ops / %s = %.1fx%n", best, r.get("djl-ops").msMedian() / r.get(best).msMedian());
        }
        System.out.printf("  bit-identical across thread counts: %s%n", r.threadInvariant() ? "yes" : "NO");
        System.out.printf("  peak heap: %.0f MiB (MPI: %.0f MiB)%n", r.peakHeapBytes() / 1048576.0,
                4.0 * planes * height * width * 4 / 1048576.0);
        return r.threadInvariant() ? 0 : 1;
    }
}
