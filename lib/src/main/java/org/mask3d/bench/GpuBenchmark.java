package org.mask3d.bench;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.CudaRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.Rendering;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times the CUDA renderer on the GPU (CUDA events, median after warm-up): plain float32 and float16 MPIs, the
 * fused mask-blended render, the video path (blend into a resident MPI, then render), and the plane-sweep volume,
 * with achieved bandwidth for the bytes each must read (write, for the PSV) against the card's. Same set-up as
 * {@code bench/torch_mpi_render.py} and {@link RenderBenchmark}. Needs only the library classes and JCuda (no DJL),
 * so it runs on a GPU machine with a bare Java runtime.
 *
 * <pre>  java -cp mask3d-lib.jar:jcuda.jar:jcuda-natives.jar org.mask3d.bench.GpuBenchmark [--iters N] [--torch FILE] [--sizes 640x360,1920x1080] [--planes 32]</pre>
 * {@code --torch FILE}: JSON lines printed by torch_mpi_render.py (same card), for the ratio column.
 */
public final class GpuBenchmark {
    private GpuBenchmark() {}

    record Row(String impl, int w, int h, int planes, double ms, double msMin, double msBatch, double bytes, String note) {
        Row(String impl, int w, int h, int planes, double[] t, double bytes, String note) { this(impl, w, h, planes, t[0], t[1], t[2], bytes, note); }
    }

    public static void main(String[] args) throws Exception {
        int iters = 50, planes = 32;
        List<String> sizes = List.of("640x360", "1920x1080");
        Path torch = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--iters" -> iters = Integer.parseInt(args[++i]);
                case "--planes" -> planes = Integer.parseInt(args[++i]);
                case "--sizes" -> sizes = List.of(args[++i].split(","));
                case "--torch" -> torch = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!CudaRenderer.available()) {
            System.out.println("GPU benchmark skipped: " + CudaRenderer.unavailableReason());
            return;
        }
        List<Row> rows = new ArrayList<>();
        try (CudaRenderer gpu = new CudaRenderer()) {
            double attr = gpu.peakBandwidth(), sheet = datasheet(gpu.deviceName());
            double peak = sheet > 0 ? sheet : attr;
            System.out.printf(Locale.ROOT, "device: %s, compute capability %s%n", gpu.deviceName(), gpu.computeCapability());
            System.out.printf(Locale.ROOT, "bandwidth: datasheet %.2f TB/s, from memory clock x bus width %.2f TB/s; %% below is of %.2f TB/s%n",
                    sheet / 1e12, attr / 1e12, peak / 1e12);
            for (String s : sizes) {
                String[] p = s.split("x");
                bench(gpu, Integer.parseInt(p[0]), Integer.parseInt(p[1]), planes, iters, rows);
            }
            System.out.println();
            System.out.println("| implementation | size | ms per view, 1 launch (median) | min | ms per view, 10 back-to-back (median) | vs torch | vs torch --compile | GB/s (back-to-back) | % of " + String.format(Locale.ROOT, "%.2f", peak / 1e12) + " TB/s | note |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            List<String[]> ref = torch != null && Files.exists(torch) ? readTorch(torch) : List.of();
            for (Row r : rows) {
                String size = r.w + "x" + r.h + "x" + r.planes;
                String t1 = ratio(ref, "torch", r), t2 = ratio(ref, "torch-compiled", r);
                double gbs = r.bytes / ((Double.isNaN(r.msBatch) ? r.ms : r.msBatch) * 1e-3) / 1e9;
                System.out.printf(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %s | %s | %.0f | %.0f%% | %s |%n", r.impl, size, r.ms, r.msMin,
                        r.msBatch, t1, t2, gbs, 100 * gbs * 1e9 / peak, r.note);
            }
            for (String[] t : ref) {
                System.out.printf(Locale.ROOT, "| %s (PyTorch, same card) | %sx%sx%s | %s | %s | | 1 | | | | |%n", t[0], t[2], t[1], t[3], t[4], t[5]);
            }
        }
    }

    static double datasheet(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.contains("H200")) return 4.8e12;
        if (n.contains("H100") && n.contains("HBM3")) return 3.35e12;
        if (n.contains("H100") && n.contains("PCIE")) return 2.0e12;
        if (n.contains("A100") && n.contains("80GB")) return 2.039e12;
        return 0;
    }

    static String ratio(List<String[]> ref, String impl, Row r) {
        for (String[] t : ref) {
            if (t[0].equals(impl) && Integer.parseInt(t[1]) == r.h && Integer.parseInt(t[2]) == r.w && Integer.parseInt(t[3]) == r.planes) {
                return String.format(Locale.ROOT, "%.1fx", Double.parseDouble(t[4]) / r.ms);
            }
        }
        return "";
    }

    /** {impl, height, width, planes, ms_median, ms_min} per JSON line of torch_mpi_render.py. */
    static List<String[]> readTorch(Path f) throws java.io.IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            if (!line.startsWith("{")) continue;
            out.add(new String[]{field(line, "impl"), field(line, "height"), field(line, "width"), field(line, "planes"),
                    field(line, "ms_median"), field(line, "ms_min")});
        }
        return out;
    }

    /** A scalar field of one flat JSON line ("" when absent): enough for the benchmark scripts' own output. */
    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\"?([^,\"}]+)").matcher(json);
        return m.find() ? m.group(1).trim() : "";
    }

    static void bench(CudaRenderer gpu, int w, int h, int planes, int iters, List<Row> rows) {
        Random r = new Random(0);
        int nv = planes * h * w;
        float[] rgba = new float[nv * 4], rgba2 = new float[nv * 4], mask = new float[nv];
        for (int i = 0; i < rgba.length; i++) rgba[i] = r.nextFloat();
        for (int i = 0; i < rgba2.length; i++) rgba2[i] = r.nextFloat();
        for (int i = 0; i < mask.length; i++) mask[i] = r.nextFloat();
        Camera[] pair = RenderBenchmark.cameras(w, h);
        Camera ref = pair[0], tgt = pair[1];
        double[] depths = PlaneDepths.inverseLinear(1, 100, planes);
        Mpi mpi = new Mpi(rgba, planes, h, w, depths, ref), bg = new Mpi(rgba2, planes, h, w, depths, ref);
        String size = w + "x" + h + "x" + planes;
        double outBytes = 5.0 * 4 * h * w;

        // correctness against the CPU reference on this data (all cores of the GPU machine)
        CpuRenderer cpu = new CpuRenderer();
        Rendering want = cpu.render(mpi, tgt), wantBlend = cpu.render(Mpi.blend(mpi, bg, mask), tgt);

        try (CudaRenderer.Resident res = gpu.upload(mpi); CudaRenderer.Resident half = gpu.upload(mpi, true);
             CudaRenderer.Resident blend = gpu.uploadBlend(mpi, bg, mask, false);
             CudaRenderer.Resident blendH = gpu.uploadBlend(mpi, bg, mask, true);
             CudaRenderer.Resident video = gpu.allocateLike(blend);
             CudaRenderer.Resident videoH = gpu.allocateLike(blendH);
             CudaRenderer.Target t = gpu.target(tgt)) {
            // the default (auto: anchored kernels, 32x4), then the original kernels at the previous default block,
            // then the anchored kernels at other unrollings and blocks
            gpu.auto();
            double[] ms = time(gpu, iters, () -> gpu.setView(res, tgt), () -> gpu.launch(res, t));
            rows.add(new Row("cuda f32 plain, DEFAULT (auto)", w, h, planes, ms, res.bytesPerRender(), "max err vs CPU " + err(t.download(), want)));
            ms = time(gpu, iters, () -> gpu.setView(half, tgt), () -> gpu.launch(half, t));
            rows.add(new Row("cuda f16 storage, DEFAULT (auto)", w, h, planes, ms, half.bytesPerRender(), "max err vs CPU f32 " + err(t.download(), want)));
            ms = time(gpu, iters, () -> gpu.setView(blend, tgt), () -> gpu.launch(blend, t));
            rows.add(new Row("cuda f32 mask-blended, DEFAULT (auto)", w, h, planes, ms, blend.bytesPerRender(), "max err vs CPU " + err(t.download(), wantBlend)));
            ms = time(gpu, iters, () -> gpu.setView(blendH, tgt), () -> gpu.launch(blendH, t));
            rows.add(new Row("cuda f16 mask-blended, DEFAULT (auto)", w, h, planes, ms, blendH.bytesPerRender(), "max err vs CPU f32 " + err(t.download(), wantBlend)));
            gpu.kernel(CudaRenderer.Kernel.ORIGINAL, 1, 1).blockShape(128, 2);
            ms = time(gpu, iters, () -> gpu.setView(res, tgt), () -> gpu.launch(res, t));
            rows.add(new Row("cuda f32 plain, ORIGINAL kernel, block 128x2", w, h, planes, ms, res.bytesPerRender(), "max err vs CPU " + err(t.download(), want)));
            ms = time(gpu, iters, () -> gpu.setView(half, tgt), () -> gpu.launch(half, t));
            rows.add(new Row("cuda f16 storage, ORIGINAL kernel, block 128x2", w, h, planes, ms, half.bytesPerRender(), "max err vs CPU f32 " + err(t.download(), want)));
            ms = time(gpu, iters, () -> gpu.setView(blend, tgt), () -> gpu.launch(blend, t));
            rows.add(new Row("cuda f32 mask-blended, ORIGINAL kernel, block 128x2", w, h, planes, ms, blend.bytesPerRender(), "max err vs CPU " + err(t.download(), wantBlend)));
            for (int u : new int[]{1, 2}) {
                for (int[] b : new int[][]{{32, 2}, {32, 4}, {64, 2}, {32, 8}}) {
                    gpu.kernel(CudaRenderer.Kernel.ANCHORED, u, 1).blockShape(b[0], b[1]);
                    String v = ", ANCHORED u" + u + ", block " + b[0] + "x" + b[1];
                    ms = time(gpu, iters, () -> gpu.setView(res, tgt), () -> gpu.launch(res, t));
                    rows.add(new Row("cuda f32 plain" + v, w, h, planes, ms, res.bytesPerRender(), "max err vs CPU " + err(t.download(), want)));
                    ms = time(gpu, iters, () -> gpu.setView(half, tgt), () -> gpu.launch(half, t));
                    rows.add(new Row("cuda f16 storage" + v, w, h, planes, ms, half.bytesPerRender(), "max err vs CPU f32 " + err(t.download(), want)));
                    ms = time(gpu, iters, () -> gpu.setView(blend, tgt), () -> gpu.launch(blend, t));
                    rows.add(new Row("cuda f32 mask-blended" + v, w, h, planes, ms, blend.bytesPerRender(), "max err vs CPU " + err(t.download(), wantBlend)));
                    ms = time(gpu, iters, () -> gpu.setView(blendH, tgt), () -> gpu.launch(blendH, t));
                    rows.add(new Row("cuda f16 mask-blended" + v, w, h, planes, ms, blendH.bytesPerRender(), "max err vs CPU f32 " + err(t.download(), wantBlend)));
                    // two rows per thread (plain MPIs only)
                    gpu.kernel(CudaRenderer.Kernel.ANCHORED, u, 2);
                    v = ", ANCHORED u" + u + " 2 rows/thread, block " + b[0] + "x" + b[1];
                    ms = time(gpu, iters, () -> gpu.setView(res, tgt), () -> gpu.launch(res, t));
                    rows.add(new Row("cuda f32 plain" + v, w, h, planes, ms, res.bytesPerRender(), "max err vs CPU " + err(t.download(), want)));
                    ms = time(gpu, iters, () -> gpu.setView(half, tgt), () -> gpu.launch(half, t));
                    rows.add(new Row("cuda f16 storage" + v, w, h, planes, ms, half.bytesPerRender(), "max err vs CPU f32 " + err(t.download(), want)));
                }
            }
            gpu.auto();
            ms = time(gpu, iters, () -> {}, () -> gpu.blendInto(blend, video));
            rows.add(new Row("cuda f32 video path: blend into resident MPI (once per frame)", w, h, planes, ms, blend.bytesPerRender() + video.bytesPerRender(), "reads 9 ch, writes 4"));
            ms = time(gpu, iters, () -> gpu.setView(video, tgt), () -> gpu.launch(video, t));
            rows.add(new Row("cuda f32 video path: render a view of the blended resident (auto)", w, h, planes, ms, video.bytesPerRender(), "max err vs CPU " + err(t.download(), wantBlend)));
            ms = time(gpu, iters, () -> {}, () -> gpu.blendInto(blendH, videoH));
            rows.add(new Row("cuda f16 video path: blend into resident MPI (once per frame)", w, h, planes, ms, blendH.bytesPerRender() + videoH.bytesPerRender(), "reads 9 ch, writes 4"));
            ms = time(gpu, iters, () -> gpu.setView(videoH, tgt), () -> gpu.launch(videoH, t));
            rows.add(new Row("cuda f16 video path: render a view of the blended resident (auto)", w, h, planes, ms, videoH.bytesPerRender(), "max err vs CPU f32 " + err(t.download(), wantBlend)));
            gpu.auto();
            // end to end through the MpiRenderer interface (upload + render + download), for scale
            long t0 = System.nanoTime();
            int n = 5;
            for (int i = 0; i < n; i++) gpu.render(mpi, tgt);
            rows.add(new Row("cuda render(Mpi, Camera): upload + render + download, wall clock", w, h, planes, new double[]{(System.nanoTime() - t0) / 1e6 / n, Double.NaN, Double.NaN}, mpi.bytes(), "host round trip"));
            System.out.printf(Locale.ROOT, "%s: outputs %.1f MB per view (not counted in GB/s)%n", size, outBytes / 1e6);
        }
        // plane-sweep volume: 4 views of the same size (as the model's input: 2 frames + 2 backgrounds), D planes
        List<float[]> imgs = new ArrayList<>();
        List<Camera> cams = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            float[] im = new float[3 * h * w];
            for (int i = 0; i < im.length; i++) im[i] = r.nextFloat();
            imgs.add(im);
            double[] e = Mat.identity(4);
            e[3] = 0.03 * v;
            cams.add(ref.withPose(e));
        }
        try (CudaRenderer.PlaneSweepJob job = gpu.planeSweepJob(imgs, cams, ref, depths, PlaneSweep.Sampling.RELEASED)) {
            job.launch();
            gpu.synchronize();
            float[] got = job.download();
            float[] wantPsv = PlaneSweep.volume(imgs, cams, ref, depths, PlaneSweep.Sampling.RELEASED);
            double e = 0;
            for (int i = 0; i < got.length; i++) e = Math.max(e, Math.abs(got[i] - wantPsv[i]));
            double[] ms = time(gpu, iters, () -> {}, job::launchOnly);
            rows.add(new Row("cuda plane-sweep volume, 4 views (pack + sweep; bytes written)", w, h, planes, ms, job.outputBytes(),
                    String.format(Locale.ROOT, "max err vs CPU %.2e", e)));
        }
    }

    static String err(Rendering a, Rendering b) {
        return String.format(Locale.ROOT, "%.2e", Math.max(maxAbs(a.rgb(), b.rgb()), Math.max(maxAbs(a.alpha(), b.alpha()), maxAbs(a.disparity(), b.disparity()))));
    }

    static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    /**
     * {median, min} ms of one launch of {@code body} between two CUDA events (as torch_mpi_render.py times), and
     * the median per-launch ms of 10 back-to-back launches between two events (the kernel's throughput, launch
     * latency hidden), each over {@code iters} samples after {@code setup} and 5 warm-ups.
     */
    static double[] time(CudaRenderer gpu, int iters, Runnable setup, Runnable body) {
        setup.run();
        for (int i = 0; i < 5; i++) body.run();
        gpu.synchronize();
        double[] ms = new double[iters], mb = new double[iters];
        try (CudaRenderer.Timer timer = gpu.timer()) {
            for (int i = 0; i < iters; i++) {
                timer.start();
                body.run();
                ms[i] = timer.stopMillis();
            }
            for (int i = 0; i < iters; i++) {
                timer.start();
                for (int k = 0; k < 10; k++) body.run();
                mb[i] = timer.stopMillis() / 10;
            }
        }
        Arrays.sort(ms);
        Arrays.sort(mb);
        return new double[]{ms[iters / 2], ms[0], mb[iters / 2]};
    }
}
