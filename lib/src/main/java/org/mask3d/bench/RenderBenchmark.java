package org.mask3d.bench;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.DjlRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.Rendering;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times MPI rendering on this machine: the pure-Java renderer at 1..N threads, the DJL-ops peer (libtorch kernels)
 * in the same JVM, and the streaming floor (reading the MPI's floats once from a Java array). Same set-up as the
 * PyTorch reference benchmark: a random MPI, K = [[0.8W,0,W/2],[0,0.8W,H/2],[0,0,1]], target shifted by (0.05, 0.02),
 * depths 1/linspace(1/100, 1, D).
 */
public final class RenderBenchmark {
    private RenderBenchmark() {}

    /** One timed implementation: median and minimum milliseconds per view over the iterations. */
    public record Timing(String impl, double msMedian, double msMin, int iterations) {}

    /** Everything one run measured. */
    public record Result(int width, int height, int planes, List<Timing> timings, boolean threadInvariant,
                         long peakHeapBytes, String machine) {
        public Timing get(String impl) {
            return timings.stream().filter(t -> t.impl().equals(impl)).findFirst().orElseThrow();
        }
    }

    /**
     * @param maxThreads the largest thread count to time the Java renderer with (1, 2, ... up to this)
     * @param withDjl    also time the DJL-ops renderer
     */
    public static Result run(int width, int height, int planes, int iterations, int maxThreads, boolean withDjl) {
        Random r = new Random(0);
        float[] rgba = new float[planes * height * width * 4];
        for (int i = 0; i < rgba.length; i++) rgba[i] = r.nextFloat();
        Camera[] cams = cameras(width, height);
        Camera ref = cams[0], tgt = cams[1];
        Mpi mpi = new Mpi(rgba, planes, height, width, PlaneDepths.inverseLinear(1, 100, planes), ref);

        List<Timing> out = new ArrayList<>();
        out.add(time("stream-floor", iterations, () -> { sink += streamSum(rgba); }));
        Rendering first = null;
        boolean invariant = true;
        for (int t = 1; t <= maxThreads; t *= 2) {
            CpuRenderer cpu = new CpuRenderer(t);
            Rendering a = cpu.render(mpi, tgt);
            if (first == null) first = a;
            else invariant &= Arrays.equals(first.rgb(), a.rgb()) && Arrays.equals(first.alpha(), a.alpha());
            out.add(time("java-" + t + "t", iterations, () -> cpu.render(mpi, tgt)));
            if (t * 2 > maxThreads && t != maxThreads) {
                CpuRenderer last = new CpuRenderer(maxThreads);
                out.add(time("java-" + maxThreads + "t", iterations, () -> last.render(mpi, tgt)));
            }
        }
        if (withDjl) {
            MpiRenderer djl = new DjlRenderer();
            out.add(time("djl-ops", Math.max(3, iterations / 3), () -> djl.render(mpi, tgt)));
        }
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) peak += p.getPeakUsage().getUsed();
        }
        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                + ", Java " + System.getProperty("java.version");
        return new Result(width, height, planes, out, invariant, peak, machine);
    }

    /**
     * The benchmark's cameras, as the PyTorch reference script's: {reference, target}, K = [[0.8W,0,W/2],[0,0.8W,H/2],
     * [0,0,1]], the target shifted by (0.05, 0.02).
     */
    static Camera[] cameras(int width, int height) {
        Camera ref = new Camera(Camera.intrinsics(0.8 * width, width, height), Mat.identity(4), width, height);
        double[] w2c = Mat.identity(4);
        w2c[3] = 0.05;
        w2c[7] = 0.02;
        return new Camera[]{ref, ref.withPose(w2c)};
    }

    static volatile double sink;

    static double streamSum(float[] a) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i + 3 < a.length; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3]; }
        return s0 + s1 + s2 + s3;
    }

    static Timing time(String name, int iterations, Runnable body) {
        for (int i = 0; i < 2; i++) body.run();   // warm-up (JIT)
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new Timing(name, ms[iterations / 2], ms[0], iterations);
    }
}
