package org.mask3d.bench;

import jcuda.driver.JCudaDriver;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.model.CudaFrames;
import org.mask3d.model.CudaNetworks;
import org.mask3d.model.CudaUNet;
import org.mask3d.model.UNetTopology;
import org.mask3d.render.CudaRenderer;
import org.mask3d.render.PlaneSweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The whole stage-2 frame on the GPU ({@link CudaFrames}): per stage (PSV of the two frames, MPINet3d + head,
 * MaskNet3d + head, blend into the resident MPI, one novel view) and whole-frame milliseconds (CUDA events, median
 * after warm-up), frames per second, the background MPI's one-off cost, GPU memory held, and each network's achieved
 * TFLOP/s, in float32 and bf16; beside the PyTorch reference ({@code lib/benchmarks/torch_frames.py}, same card, its
 * JSON lines given with {@code --torch}). Random weights (PyTorch's default initialisation ranges) and random images:
 * the arithmetic does not depend on the values. Needs only the library and JCuda (no DJL).
 *
 * <pre>  java -cp mask3d-lib.jar:jcuda.jar:jcuda-natives.jar org.mask3d.bench.FrameBenchmark [--iters N]
 *        [--sizes 640x360,1920x1080] [--precisions fp32,bf16] [--torch FILE] [--out FILE.md]</pre>
 */
public final class FrameBenchmark {
    private FrameBenchmark() {}

    /** One measured configuration; times in milliseconds (medians). */
    public record Row(String precision, int w, int h, int planes, Map<String, Double> stages, double frameMs,
                      double backgroundMs, double uploadMs, long gpuBytes, double mpiGflop, double maskGflop) {
        double fps() { return 1000 / frameMs; }
    }

    public static void main(String[] args) throws Exception {
        int iters = 20, planes = 32;
        List<String> sizes = List.of("640x360", "1920x1080");
        List<String> precisions = List.of("fp32", "bf16");
        Path torch = null, out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--iters" -> iters = Integer.parseInt(args[++i]);
                case "--planes" -> planes = Integer.parseInt(args[++i]);
                case "--sizes" -> sizes = List.of(args[++i].split(","));
                case "--precisions" -> precisions = List.of(args[++i].split(","));
                case "--torch" -> torch = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!CudaRenderer.available()) {
            System.out.println("frame benchmark skipped: " + CudaRenderer.unavailableReason());
            return;
        }
        List<Row> rows = new ArrayList<>();
        String device;
        try (CudaRenderer gpu = new CudaRenderer()) {
            device = gpu.deviceName();
            System.out.printf(Locale.ROOT, "frame benchmark: %s, compute capability %s, %d planes, batch 1, %d timed iterations%n",
                    device, gpu.computeCapability(), planes, iters);
            for (String s : sizes) {
                String[] p = s.split("x");
                int w = Integer.parseInt(p[0]), h = Integer.parseInt(p[1]);
                for (String pr : precisions) {
                    CudaUNet.Precision precision = CudaUNet.Precision.parse(pr);
                    if (precision == CudaUNet.Precision.BF16 && gpu.computeMajor() < 8) continue;
                    try {
                        Row r = run(gpu, w, h, planes, precision, iters);
                        rows.add(r);
                        System.out.println(line(r));
                    } catch (RuntimeException e) {
                        System.out.printf("  %s %dx%d: failed: %s%n", pr, w, h, e);
                    }
                }
            }
        }
        List<TorchRow> ref = torch != null && Files.exists(torch) ? torchRows(torch) : List.of();
        String md = markdown(device, rows, ref, iters);
        System.out.println(md);
        if (out != null) Files.writeString(out, md);
    }

    static String line(Row r) {
        return String.format(Locale.ROOT, "  %-5s %dx%dx%d: frame %.2f ms (%.1f fps) %s, background once %.1f ms, upload %.2f ms, GPU %.2f GiB",
                r.precision, r.w, r.h, r.planes, r.frameMs, r.fps(), r.stages, r.backgroundMs, r.uploadMs, r.gpuBytes / 1073741824.0);
    }

    /** PyTorch-default-like random weights of a U-Net (U(±1/√fan_in), GroupNorm γ = 1, β = 0). */
    public static Map<String, float[]> randomWeights(int in, int out, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (UNetTopology.Layer l : UNetTopology.layers(in, out, 8)) {
            double bound = 1 / Math.sqrt((double) l.in() * l.taps());
            float[] k = new float[l.out() * l.in() * l.taps()], b = new float[l.out()];
            for (int i = 0; i < k.length; i++) k[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
            for (int i = 0; i < b.length; i++) b[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
            w.put(l.weightKey(), k);
            w.put(l.biasKey(), b);
            if (l.actNorm()) {
                float[] g = new float[l.out()];
                Arrays.fill(g, 1f);
                w.put(l.gammaKey(), g);
                w.put(l.betaKey(), new float[l.out()]);
            }
        }
        return w;
    }

    /** Multiply-adds ×2 of one network pass at the given input size. */
    public static double gflop(int in, int out, int d, int h, int w) {
        CudaUNet.Plan p = CudaUNet.plan(in, out, d, h, w, CudaUNet.Precision.FP32);
        double f = 0;
        for (CudaUNet.Step s : p.steps) f += 2.0 * s.out().voxels() * s.layer().out() * s.layer().in() * s.layer().taps();
        return f / 1e9;
    }

    static Row run(CudaRenderer gpu, int w, int h, int planes, CudaUNet.Precision precision, int iters) {
        Random r = new Random(7);
        double[] k = {0.8 * w, 0, w / 2.0, 0, 0.8 * w, h / 2.0, 0, 0, 1};
        Camera c0 = new Camera(k, translation(0), w, h), c1 = new Camera(k, translation(-0.12), w, h);
        Camera view = new Camera(k, translation(-0.05), w, h);
        List<float[]> bgs = List.of(image(r, h, w), image(r, h, w));
        List<List<float[]>> frames = List.of(List.of(image(r, h, w), image(r, h, w)), List.of(image(r, h, w), image(r, h, w)));
        double[] depths = PlaneDepths.inverseLinear(1, 100, planes);
        long[] free0 = new long[1], total = new long[1], free1 = new long[1];
        gpu.synchronize();
        JCudaDriver.cuMemGetInfo(free0, total);
        Map<String, Double> stages = new LinkedHashMap<>();
        double frameMs, bgMs, uploadMs;
        long held;
        try (CudaNetworks nets = new CudaNetworks(gpu, randomWeights(6, 2, 1), randomWeights(12, 1, 2), precision);
             CudaRenderer.Timer t = gpu.timer()) {
            t.start();
            CudaFrames f = new CudaFrames(gpu, nets, List.of(c0, c1), bgs, depths, PlaneSweep.Sampling.RELEASED);
            bgMs = t.stopMillis();
            try (f; CudaRenderer.Target target = gpu.target(view)) {
                gpu.setView(f.mpi(), view);
                for (int i = 0; i < 3; i++) {   // warm-up (also the networks' workspaces)
                    f.frame(frames.get(i % 2));
                    gpu.launch(f.mpi(), target);
                }
                gpu.synchronize();
                JCudaDriver.cuMemGetInfo(free1, total);
                held = free0[0] - free1[0];
                Map<String, double[]> times = new LinkedHashMap<>();
                for (CudaFrames.Stage s : CudaFrames.Stage.values()) times.put(s.name().toLowerCase(Locale.ROOT), new double[iters]);
                times.put("render", new double[iters]);
                double[] whole = new double[iters], up = new double[iters];
                for (int i = 0; i < iters; i++) {
                    long u0 = System.nanoTime();
                    f.upload(frames.get(i % 2));
                    up[i] = (System.nanoTime() - u0) / 1e6;
                    for (CudaFrames.Stage s : CudaFrames.Stage.values()) {
                        t.start();
                        f.launch(s);
                        times.get(s.name().toLowerCase(Locale.ROOT))[i] = t.stopMillis();
                    }
                    t.start();
                    gpu.launch(f.mpi(), target);
                    times.get("render")[i] = t.stopMillis();
                    t.start();
                    for (CudaFrames.Stage s : CudaFrames.Stage.values()) f.launch(s);
                    gpu.launch(f.mpi(), target);
                    whole[i] = t.stopMillis();
                }
                for (Map.Entry<String, double[]> e : times.entrySet()) stages.put(e.getKey(), median(e.getValue()));
                frameMs = median(whole);
                uploadMs = median(up);
            }
        }
        return new Row(precision.name().toLowerCase(Locale.ROOT), w, h, planes, stages, frameMs, bgMs, uploadMs, held,
                gflop(6, 2, planes, h, w), gflop(12, 1, planes, h, w));
    }

    static double[] translation(double x) {
        return new double[]{1, 0, 0, x, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    }

    static float[] image(Random r, int h, int w) {
        float[] im = new float[3 * h * w];
        for (int i = 0; i < im.length; i++) im[i] = r.nextFloat();
        return im;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    // ------------------------------------------------------------------------------------------ report

    /** One measured mode of torch_frames.py (lines without a frame time, e.g. failed or skipped modes, are left out). */
    record TorchRow(String mode, int h, int w, double frameMs, String peakGib) {}

    static List<TorchRow> torchRows(Path jsonl) throws java.io.IOException {
        List<TorchRow> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (!line.trim().startsWith("{")) continue;
            String ms = GpuBenchmark.field(line, "frame_ms"), gib = GpuBenchmark.field(line, "peak_gib");
            if (!ms.matches("-?[0-9.eE+-]+")) continue;
            out.add(new TorchRow(GpuBenchmark.field(line, "mode"), (int) Double.parseDouble(GpuBenchmark.field(line, "H")),
                    (int) Double.parseDouble(GpuBenchmark.field(line, "W")), Double.parseDouble(ms),
                    gib.matches("-?[0-9.eE+-]+") ? String.format(Locale.ROOT, "%.2f", Double.parseDouble(gib)) : ""));
        }
        return out;
    }

    static String markdown(String device, List<Row> rows, List<TorchRow> torch, int iters) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "# Whole frame on the GPU (%s)%n%n", device));
        b.append("mask3d's CUDA networks (`org.mask3d.bench.FrameBenchmark`, median of ").append(iters)
                .append(" iterations after warm-up, CUDA events): PSV of the two source frames, MPINet3d + head, MaskNet3d + head, ")
                .append("blend into the resident MPI, one novel view; the background MPI is computed once per video (its cost below). ")
                .append("Batch 1, random weights.\n\n");
        b.append("| precision | size | psv | mpinet | masknet | blend | render | **frame ms** | fps | bg MPI once | upload | GPU GiB | MPINet3d TFLOP/s | MaskNet3d TFLOP/s |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %dx%dx%d | %.2f | %.2f | %.2f | %.3f | %.3f | **%.2f** | %.1f | %.1f | %.2f | %.2f | %.1f | %.1f |%n",
                    r.precision, r.w, r.h, r.planes, r.stages.get("psv"), r.stages.get("mpinet"), r.stages.get("masknet"),
                    r.stages.get("blend"), r.stages.get("render"), r.frameMs, r.fps(), r.backgroundMs, r.uploadMs,
                    r.gpuBytes / 1073741824.0, r.mpiGflop / r.stages.get("mpinet"), r.maskGflop / r.stages.get("masknet")));
        }
        if (!torch.isEmpty()) {
            b.append("\nPyTorch reference (`lib/benchmarks/torch_frames.py`, same card, same call), frame ms and mask3d's speed-up:\n\n");
            b.append("| size | torch mode | torch frame ms | torch peak GiB | mask3d fp32 | ×  | mask3d bf16 | × |\n|---|---|---|---|---|---|---|---|\n");
            for (TorchRow t : torch) {
                int h = t.h(), w = t.w();
                double tf = t.frameMs();
                Row f32 = find(rows, "fp32", w, h), bf = find(rows, "bf16", w, h);
                b.append(String.format(Locale.ROOT, "| %dx%d | %s | %.1f | %s | %s | %s | %s | %s |%n", w, h, t.mode(), tf, t.peakGib(),
                        f32 == null ? "" : String.format(Locale.ROOT, "%.2f", f32.frameMs), f32 == null ? "" : String.format(Locale.ROOT, "%.1f", tf / f32.frameMs),
                        bf == null ? "" : String.format(Locale.ROOT, "%.2f", bf.frameMs), bf == null ? "" : String.format(Locale.ROOT, "%.1f", tf / bf.frameMs)));
            }
        }
        b.append(String.format(Locale.ROOT, "%nArithmetic per pass (2 × multiply-adds): MPINet3d %s GFLOP, MaskNet3d %s GFLOP.%n",
                rows.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f (%dx%d)", rows.get(0).mpiGflop, rows.get(0).w, rows.get(0).h),
                rows.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f", rows.get(0).maskGflop)));
        return b.toString();
    }

    static Row find(List<Row> rows, String precision, int w, int h) {
        for (Row r : rows) if (r.precision.equals(precision) && r.w == w && r.h == h) return r;
        return null;
    }
}
