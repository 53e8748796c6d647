package org.mask3d.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;
import org.mask3d.io.Npz;
import org.mask3d.io.NpyArray;
import org.mask3d.render.CudaRenderer;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.Psv;
import org.mask3d.render.Rendering;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * mask3d's GPU networks against the DJL CPU networks (and the released code's arrays where the case has them), on the
 * cases {@link GpuCases} writes: (1) the networks alone on the CPU's plane sweep, float32 within 1e-4 and bf16 within
 * 2e-2; (2) the whole resident frame ({@link CudaFrames}: GPU sweep, both networks, blend, render), the image within
 * 1e-3 in float32 and 1e-2 in bf16. Runs where a CUDA driver and device are present and {@code -Dmask3d.gpuCases=DIR}
 * names the cases; skips with the reason otherwise. Prints every measured error.
 */
class CudaNetworksGpuTest {
    static CudaRenderer gpu;
    static List<Path> cases;

    @BeforeAll static void open() throws IOException {
        assumeTrue(CudaRenderer.available(), "no GPU: " + CudaRenderer.unavailableReason());
        String dir = System.getProperty("mask3d.gpuCases");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "no -Dmask3d.gpuCases=DIR (write them with GpuCases)");
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            cases = s.filter(p -> p.toString().endsWith(".npz")).sorted().toList();
        }
        assumeTrue(!cases.isEmpty(), "no cases in " + dir);
        gpu = new CudaRenderer();
    }

    @AfterAll static void close() { if (gpu != null) gpu.close(); }

    record Case(String name, Map<String, NpyArray> a, Map<String, float[]> mpiW, Map<String, float[]> maskW,
                List<float[]> frames, List<float[]> backgrounds, List<Camera> sources, Camera target, double[] depths) {}

    static Case load(Path p) {
        Map<String, NpyArray> a = Npz.read(p);
        Map<String, float[]> mpi = new LinkedHashMap<>(), mask = new LinkedHashMap<>();
        for (Map.Entry<String, NpyArray> e : a.entrySet()) {
            if (e.getKey().startsWith("mpi/")) mpi.put(e.getKey().substring(4), e.getValue().floats());
            if (e.getKey().startsWith("mask/")) mask.put(e.getKey().substring(5), e.getValue().floats());
        }
        NpyArray rgb = a.get("src_rgb");
        int h = rgb.dim(4), w = rgb.dim(5), n = 3 * h * w;
        float[] fr = rgb.floats(), bg = a.get("src_bg").floats();
        double[] w2c = a.get("src_w2c").doubles(), k = a.get("src_K").doubles();
        List<Camera> src = List.of(new Camera(Arrays.copyOfRange(k, 0, 9), Arrays.copyOfRange(w2c, 0, 16), w, h),
                new Camera(Arrays.copyOfRange(k, 9, 18), Arrays.copyOfRange(w2c, 16, 32), w, h));
        Camera tgt = new Camera(a.get("tgt_K").doubles(), a.get("tgt_w2c").doubles(), w, h);
        return new Case(p.getFileName().toString().replace(".npz", ""), a, mpi, mask,
                List.of(Arrays.copyOfRange(fr, 0, n), Arrays.copyOfRange(fr, n, 2 * n)),
                List.of(Arrays.copyOfRange(bg, 0, n), Arrays.copyOfRange(bg, n, 2 * n)), src, tgt, a.get("depths").doubles());
    }

    /** Largest |got − want| (NaN and a length mismatch count as infinite: the comparison fails). */
    static double maxErr(float[] got, float[] want) { return NetworkCheck.maxDiff(got, want); }

    static float[] alphaRgb(float[] rgba, int channel) {
        float[] o = new float[rgba.length / 4];
        for (int i = 0; i < o.length; i++) o[i] = rgba[4 * i + channel];
        return o;
    }

    @Test void networksMatchDjlOnTheCpuSweep() {
        List<String> failures = new ArrayList<>();
        for (Path p : cases) {
            Case c = load(p);
            Psv psv = PlaneSweep.cpu().sweep(List.of(c.frames.get(0), c.frames.get(1), c.backgrounds.get(0), c.backgrounds.get(1)),
                    List.of(c.sources.get(0), c.sources.get(1), c.sources.get(0), c.sources.get(1)), c.sources.get(0), c.depths,
                    PlaneSweep.Sampling.RELEASED);
            for (CudaUNet.Precision pr : CudaUNet.Precision.values()) {
                if (pr == CudaUNet.Precision.BF16 && gpu.computeMajor() < 8) continue;
                double tol = pr == CudaUNet.Precision.FP32 ? 1e-4 : 2e-2;
                try (CudaNetworks nets = new CudaNetworks(gpu, c.mpiW, c.maskW, pr)) {
                    float[] fg = nets.mpi(psv.views(0, 2)), bg = nets.mpi(psv.views(2, 4)), mask = nets.mask(psv);
                    Map<String, Double> err = new LinkedHashMap<>();
                    err.put("mpi_fg", maxErr(fg, c.a.get("djl_mpi_fg").floats()));
                    err.put("mpi_fg.alpha", maxErr(alphaRgb(fg, 3), alphaRgb(c.a.get("djl_mpi_fg").floats(), 3)));
                    err.put("mpi_bg", maxErr(bg, c.a.get("djl_mpi_bg").floats()));
                    err.put("mask", maxErr(mask, c.a.get("djl_mask").floats()));
                    if (c.a.containsKey("mask")) err.put("mask vs release", maxErr(mask, c.a.get("mask").floats()));
                    if (c.a.containsKey("mpi_fg")) err.put("mpi_fg vs release", maxErr(fg, c.a.get("mpi_fg").floats()));
                    System.out.printf("networks %-12s %-5s %s%n", c.name, pr, err);
                    for (Map.Entry<String, Double> e : err.entrySet()) {
                        if (!(e.getValue() <= tol)) failures.add(c.name + " " + pr + " " + e.getKey() + " " + e.getValue() + " > " + tol);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test void residentFrameMatchesTheCpuPipeline() {
        List<String> failures = new ArrayList<>();
        for (Path p : cases) {
            Case c = load(p);
            for (CudaUNet.Precision pr : CudaUNet.Precision.values()) {
                if (pr == CudaUNet.Precision.BF16 && gpu.computeMajor() < 8) continue;
                double tol = pr == CudaUNet.Precision.FP32 ? 1e-3 : 1e-2;
                try (CudaNetworks nets = new CudaNetworks(gpu, c.mpiW, c.maskW, pr);
                     CudaFrames f = new CudaFrames(gpu, nets, c.sources, c.backgrounds, c.depths, PlaneSweep.Sampling.RELEASED)) {
                    for (int rep = 0; rep < 2; rep++) f.frame(c.frames);   // twice: the second reuses every buffer
                    Rendering r = f.render(c.target);
                    Map<String, Double> err = new LinkedHashMap<>();
                    err.put("rgb", maxErr(r.rgb(), c.a.get("djl_rgb").floats()));
                    if (c.a.containsKey("rgb")) err.put("rgb vs release", maxErr(r.rgb(), c.a.get("rgb").floats()));
                    if (c.a.containsKey("psv")) err.put("psv vs release", maxErr(f.download("psv"), c.a.get("psv").floats()));
                    err.put("mpi_fg", maxErr(f.download("fg"), c.a.get("djl_mpi_fg").floats()));
                    err.put("mask", maxErr(f.download("mask"), c.a.get("djl_mask").floats()));
                    System.out.printf("frame    %-12s %-5s %s%n", c.name, pr, err);
                    for (String k : new String[]{"rgb", "rgb vs release"}) {
                        Double e = err.get(k);
                        if (e != null && !(e <= tol)) failures.add(c.name + " " + pr + " " + k + " " + e + " > " + tol);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
