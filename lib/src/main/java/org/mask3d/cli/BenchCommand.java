package org.mask3d.cli;

import org.mask3d.bench.RenderBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks (not tests). 'render': milliseconds per novel view for the pure-Java renderer at "
                + "1..N threads, the DJL-ops renderer (libtorch) in the same run, and the streaming floor (reading the "
                + "MPI once), with ratios and peak heap. 'data': synthetic rig generation, one frame read from each scene "
                + "format, stage-2 samples and stage-1 batches, on data it generates (plus an authors' h5 file with --h5). "
                + "'model': forward and forward+backward of the stage-1 and stage-2 steps (DJL, CPU) with peak memory, "
                + "at the sizes given by --sizes. 'frames': the whole stage-2 frame on the GPU (mask3d's CUDA networks: PSV, "
                + "MPINet3d, MaskNet3d, blend, one view; fp32 and bf16) per stage, with fps and GPU memory; sizes WxH "
                + "(default 640x360,1920x1080); needs a CUDA GPU."},
        footer = {"", "Examples:",
                "  ./mask3d bench render                         # 640x360, 32 planes",
                "  ./mask3d bench render --width 1920 --height 1080 --iters 5",
                "  ./mask3d bench render --no-djl --threads 4",
                "  ./mask3d bench data",
                "  ./mask3d bench data --h5 /tmp/h5full/scene900.h5",
                "  ./mask3d bench model --sizes 64x64,128x128 --iters 1",
                "  ./mask3d bench frames --sizes 640x360 --precisions fp32,bf16 --torch torch.jsonl --out frames.md"})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WHAT", description = "What to benchmark: ${COMPLETION-CANDIDATES}")
    What what;

    enum What { render, data, model, frames }

    @Option(names = "--width", defaultValue = "640", description = "Image width (default: ${DEFAULT-VALUE}).") int width;
    @Option(names = "--height", defaultValue = "360", description = "Image height (default: ${DEFAULT-VALUE}).") int height;
    @Option(names = "--planes", defaultValue = "32", description = "MPI planes (default: ${DEFAULT-VALUE}).") int planes;
    @Option(names = "--iters", defaultValue = "15", description = "Timed iterations (default: ${DEFAULT-VALUE}).") int iters;
    @Option(names = "--threads", description = "Largest thread count for the Java renderer (default: all cores).") Integer threads;
    @Option(names = "--no-djl", description = "Skip the DJL-ops peer.") boolean noDjl;
    @Option(names = "--h5", paramLabel = "FILE", description = "data: also time frame reads of this authors' h5 scene.") java.nio.file.Path h5;

    @Option(names = "--sizes", split = ",", description = "model: HxW sizes, smallest first (default: 64x64,128x128).") java.util.List<String> sizes;
    @Option(names = "--stage", description = "model: 1, 2 or both (default: both).") Integer stage;
    @Option(names = "--precisions", split = ",", description = "frames: fp32, bf16 or both (default: both).") java.util.List<String> precisions;
    @Option(names = "--torch", paramLabel = "FILE", description = "frames: JSON lines of lib/benchmarks/torch_frames.py from the same card, for the ratio table.") java.nio.file.Path torch;
    @Option(names = "--out", paramLabel = "FILE", description = "frames: also write the markdown report here.") java.nio.file.Path out;

    @Override public Integer call() throws Exception {
        if (what == What.frames) {
            java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("--iters", String.valueOf(iters), "--planes", String.valueOf(planes)));
            if (sizes != null) { a.add("--sizes"); a.add(String.join(",", sizes)); }
            if (precisions != null) { a.add("--precisions"); a.add(String.join(",", precisions)); }
            if (torch != null) { a.add("--torch"); a.add(torch.toString()); }
            if (out != null) { a.add("--out"); a.add(out.toString()); }
            org.mask3d.bench.FrameBenchmark.main(a.toArray(new String[0]));
            return 0;
        }
        if (what == What.model) {
            int reps = Math.max(1, Math.min(iters, 3));
            System.out.printf("model benchmark: DJL %s / libtorch, CPU, %d cores, OMP_NUM_THREADS=%s, 32 planes, batch 1, random weights%n",
                    ai.djl.engine.Engine.getDjlVersion(), Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"));
            System.out.printf("  %-58s %9s %12s %14s %12s%n", "step", "HxW", "forward ms", "fwd+bwd ms", "peak RSS MiB");
            for (String sz : sizes != null ? sizes : java.util.List.of("64x64", "128x128")) {
                String[] p = sz.split("x");
                int h = Integer.parseInt(p[0]), w = Integer.parseInt(p[1]);
                for (int st : stage == null ? new int[]{1, 2} : new int[]{stage}) {
                    org.mask3d.bench.ModelBenchmark.Result r = st == 1 ? org.mask3d.bench.ModelBenchmark.stage1(h, w, reps)
                            : org.mask3d.bench.ModelBenchmark.stage2(h, w, reps);
                    System.out.printf("  %-58s %9s %12.0f %14.0f %12d%n", r.step(), h + "x" + w, r.forwardMs(), r.forwardBackwardMs(), r.peakRssMiB());
                }
            }
            return 0;
        }
        if (what == What.data) {
            int reps = Math.max(iters, 10);
            System.out.printf("data benchmark: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            System.out.printf("  %-78s %10s %10s %6s%n", "what", "median ms", "min ms", "reps");
            for (org.mask3d.bench.DataBenchmark.Timing t : org.mask3d.bench.DataBenchmark.run(width, height, reps, h5)) {
                System.out.printf("  %-78s %10.2f %10.2f %6d%n", t.what(), t.msMedian(), t.msMin(), t.reps());
            }
            return 0;
        }
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
