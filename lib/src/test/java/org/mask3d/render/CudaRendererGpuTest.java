package org.mask3d.render;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.io.NpyArray;
import org.mask3d.io.Npz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA renderer against the CPU reference and the released code's fixtures. Runs where a CUDA driver and
 * device are present; elsewhere every test is skipped with the reason (JUnit reports it).
 * Fixtures: {@code -Dmask3d.fixtures=DIR} (default {@code ../../shared/fixtures/original-parity} from lib/).
 */
class CudaRendererGpuTest {
    static CudaRenderer gpu;
    static final CpuRenderer CPU = new CpuRenderer();

    @BeforeAll static void open() {
        if (!CudaRenderer.available()) System.out.println("CudaRendererGpuTest skipped, no GPU: " + CudaRenderer.unavailableReason());
        assumeTrue(CudaRenderer.available(), "no GPU: " + CudaRenderer.unavailableReason());
        gpu = new CudaRenderer();
        System.out.println("GPU: " + gpu.deviceName() + ", compute capability " + gpu.computeCapability());
    }

    @AfterAll static void close() { if (gpu != null) gpu.close(); }

    static Mpi randomMpi(Random r, int d, int h, int w, Camera ref, double[] depths) {
        float[] a = new float[d * h * w * 4];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        return new Mpi(a, d, h, w, depths, ref);
    }

    static Camera shifted(Camera c, double tx, double ty, double tz, double yaw) {
        double[] e = Mat.identity(4);
        double cs = Math.cos(yaw), sn = Math.sin(yaw);
        e[0] = cs; e[2] = sn; e[8] = -sn; e[10] = cs;
        e[3] = tx; e[7] = ty; e[11] = tz;
        return c.withPose(e);
    }

    static double maxErr(Rendering a, Rendering b) {
        return Math.max(maxAbs(a.rgb(), b.rgb()), Math.max(maxAbs(a.alpha(), b.alpha()), maxAbs(a.disparity(), b.disparity())));
    }

    static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test void plainMatchesCpuOnRandomMpis() {
        Random r = new Random(1);
        int[][] sizes = {{8, 48, 64}, {32, 90, 160}, {32, 360, 640}, {5, 37, 53}};
        for (int[] s : sizes) {
            Camera ref = new Camera(Camera.intrinsics(0.8 * s[2], s[2], s[1]), Mat.identity(4), s[2], s[1]);
            Mpi mpi = randomMpi(r, s[0], s[1], s[2], ref, PlaneDepths.inverseLinear(1, 100, s[0]));
            try (CudaRenderer.Resident res = gpu.upload(mpi)) {
                // several views from one upload, one of another image size
                Camera[] views = {shifted(ref, 0.05, 0.02, 0, 0), shifted(ref, -0.1, 0.03, 0.05, 0.05),
                        shifted(ref, 0.02, -0.04, -0.1, -0.08), new Camera(Camera.intrinsics(0.7 * s[2], s[2] + 7, s[1] - 3),
                        shifted(ref, 0.03, 0, 0, 0.02).w2c(), s[2] + 7, s[1] - 3)};
                for (Camera v : views) {
                    double e = maxErr(gpu.render(res, v), CPU.render(mpi, v));
                    System.out.printf("plain f32 %s view %dx%d: max |gpu - cpu| = %.2e%n", Arrays.toString(s), v.width(), v.height(), e);
                    assertTrue(e <= 1e-5, "max error " + e);
                }
            }
            Camera v = shifted(ref, 0.05, 0.02, 0, 0);
            assertTrue(maxErr(gpu.render(mpi, v), CPU.render(mpi, v)) <= 1e-5, "render(Mpi, Camera)");
        }
    }

    @Test void blockShapesAgree() {
        Random r = new Random(2);
        Camera ref = new Camera(Camera.intrinsics(0.8 * 100, 100, 70), Mat.identity(4), 100, 70);
        Mpi mpi = randomMpi(r, 16, 70, 100, ref, PlaneDepths.inverseLinear(1, 50, 16));
        Camera v = shifted(ref, 0.04, 0.01, 0, 0.03);
        Rendering want = CPU.render(mpi, v);
        try (CudaRenderer.Resident res = gpu.upload(mpi)) {
            for (int[] b : new int[][]{{32, 8}, {16, 16}, {8, 8}, {64, 4}, {128, 1}, {32, 1}, {512, 1}}) {
                gpu.blockShape(b[0], b[1]);
                assertTrue(maxErr(gpu.render(res, v), want) <= 1e-5, "block " + Arrays.toString(b));
            }
            // more threads than the kernel's registers allow: a clear IllegalArgumentException, or a correct render
            try {
                gpu.blockShape(1024, 1);
                assertTrue(maxErr(gpu.render(res, v), want) <= 1e-5, "block 1024x1");
            } catch (IllegalArgumentException e) {
                System.out.println("block 1024x1 refused: " + e.getMessage());
            }
        } finally {
            gpu.auto();
        }
    }

    @Test void kernelsAgree() {
        Random r = new Random(5);
        Camera ref = new Camera(Camera.intrinsics(0.8 * 101, 101, 71), Mat.identity(4), 101, 71);
        double[] depths = PlaneDepths.inverseLinear(1, 50, 7);   // 7 planes: the unrolled loops' remainder runs
        Mpi mpi = randomMpi(r, 7, 71, 101, ref, depths), bg = randomMpi(r, 7, 71, 101, ref, depths);
        float[] mask = new float[7 * 71 * 101];
        for (int i = 0; i < mask.length; i++) mask[i] = r.nextFloat();
        Camera v = shifted(ref, 0.04, 0.01, 0.02, 0.03);
        Rendering want = CPU.render(mpi, v), wantBlend = CPU.render(Mpi.blend(mpi, bg, mask), v);
        try (CudaRenderer.Resident res = gpu.upload(mpi); CudaRenderer.Resident bl = gpu.uploadBlend(mpi, bg, mask, false)) {
            for (Object[] k : new Object[][]{{CudaRenderer.Kernel.ANCHORED, 1, 1}, {CudaRenderer.Kernel.ANCHORED, 2, 1},
                    {CudaRenderer.Kernel.ANCHORED, 1, 2}, {CudaRenderer.Kernel.ANCHORED, 2, 2}, {CudaRenderer.Kernel.ORIGINAL, 1, 1}}) {
                for (int[] b : new int[][]{{64, 4}, {32, 3}, {128, 2}, {32, 4}, {8, 4}, {32, 1}}) {
                    gpu.kernel((CudaRenderer.Kernel) k[0], (Integer) k[1], (Integer) k[2]).blockShape(b[0], b[1]);
                    String what = k[0] + " unroll " + k[1] + " rows " + k[2] + " block " + Arrays.toString(b);
                    double e = maxErr(gpu.render(res, v), want), eb = maxErr(gpu.render(bl, v), wantBlend);
                    System.out.printf("%s: max |gpu - cpu| = %.2e, blended %.2e%n", what, e, eb);
                    assertTrue(e <= 1e-5, what);
                    assertTrue(eb <= 1e-5, what + " blended");
                }
            }
        } finally {
            gpu.auto();
        }
    }

    /**
     * Views where the anchored kernels' float form is not accurate enough for some warps and planes (zoomed out
     * 3x, rotated, moved): those chunks take the exact per-pixel path; plus more than 32 planes (two chunks).
     */
    @Test void anchoredKernelsHoldOnStrongPerspectiveAndManyPlanes() {
        Random r = new Random(6);
        int w = 200, h = 120;
        Camera ref = new Camera(Camera.intrinsics(0.8 * w, w, h), Mat.identity(4), w, h);
        for (int d : new int[]{40, 70}) {
            Mpi mpi = randomMpi(r, d, h, w, ref, PlaneDepths.inverseLinear(1, 100, d));
            Camera[] views = {new Camera(Camera.intrinsics(0.24 * w, w, h), shifted(ref, 0.2, -0.1, 0.3, 0.4).w2c(), w, h),
                    new Camera(Camera.intrinsics(2.5 * w, w + 33, h - 17), shifted(ref, -0.05, 0.02, -0.2, -0.3).w2c(), w + 33, h - 17),
                    shifted(ref, 0.5, 0.3, 0.8, 1.2)};
            try (CudaRenderer.Resident res = gpu.upload(mpi)) {
                for (Camera v : views) {
                    Rendering want = CPU.render(mpi, v);
                    for (int rows = 1; rows <= 2; rows++) {
                        gpu.kernel(CudaRenderer.Kernel.ANCHORED, 1, rows).blockShape(32, 4);
                        double e = maxErr(gpu.render(res, v), want);
                        System.out.printf("anchored, %d planes, %d row(s) per thread, view %dx%d f=%.0f: max |gpu - cpu| = %.2e%n", d, rows,
                                v.width(), v.height(), v.fx(), e);
                        assertTrue(e <= 1e-5, "max error " + e);
                    }
                }
            } finally {
                gpu.auto();
            }
        }
    }

    @Test void halfStorageErrorIsBounded() {
        Random r = new Random(3);
        int w = 640, h = 360, d = 32;
        Camera ref = new Camera(Camera.intrinsics(0.8 * w, w, h), Mat.identity(4), w, h);
        Mpi mpi = randomMpi(r, d, h, w, ref, PlaneDepths.inverseLinear(1, 100, d));
        Camera v = shifted(ref, 0.05, 0.02, 0, 0);
        Rendering want = CPU.render(mpi, v);
        try (CudaRenderer.Resident res = gpu.upload(mpi); CudaRenderer.Resident half = gpu.upload(mpi, true)) {
            double f32 = maxErr(gpu.render(res, v), want), h16 = maxErr(gpu.render(half, v), want);
            gpu.kernel(CudaRenderer.Kernel.ORIGINAL, 1, 1);
            double h16o = maxErr(gpu.render(half, v), want);
            System.out.printf("640x360x32: f32 %.2e, f16 storage %.2e (original kernel %.2e) vs CPU float32%n", f32, h16, h16o);
            assertTrue(f32 <= 1e-5, "f32 " + f32);
            assertTrue(h16 <= 4e-3 && h16o <= 4e-3, "f16 storage " + h16 + " " + h16o);   // half rounding: 2^-11 relative per value
        } finally {
            gpu.auto();
        }
    }

    @Test void blendedRenderMatchesCpuOfBlendedMpi() {
        Random r = new Random(4);
        int w = 96, h = 64, d = 32;
        Camera ref = new Camera(Camera.intrinsics(0.8 * w, w, h), Mat.identity(4), w, h);
        double[] depths = PlaneDepths.inverseLinear(1, 100, d);
        Mpi fg = randomMpi(r, d, h, w, ref, depths), bg = randomMpi(r, d, h, w, ref, depths);
        float[] mask = new float[d * h * w];
        for (int i = 0; i < mask.length; i++) mask[i] = r.nextFloat();
        Camera v = shifted(ref, -0.05, 0.02, 0.01, 0.02);
        Rendering want = CPU.render(Mpi.blend(fg, bg, mask), v);
        try (CudaRenderer.Resident b = gpu.uploadBlend(fg, bg, mask, false); CudaRenderer.Resident out = gpu.allocateLike(b);
             CudaRenderer.Resident bh = gpu.uploadBlend(fg, bg, mask, true); CudaRenderer.Resident outH = gpu.allocateLike(bh)) {
            double fused = maxErr(gpu.render(b, v), want);
            gpu.blendInto(b, out);
            double video = maxErr(gpu.render(out, v), want);
            double fusedH = maxErr(gpu.render(bh, v), want);
            gpu.blendInto(bh, outH);
            double videoH = maxErr(gpu.render(outH, v), want);
            System.out.printf("blend: fused %.2e, blend-then-render %.2e; f16: fused %.2e, blend-then-render %.2e%n", fused, video, fusedH, videoH);
            assertTrue(fused <= 1e-5 && video <= 1e-5, fused + " " + video);
            assertTrue(fusedH <= 4e-3 && videoH <= 4e-3, fusedH + " " + videoH);
        }
    }

    @Test void planeSweepMatchesCpu() {
        Random r = new Random(5);
        int w = 120, h = 80;
        Camera ref = new Camera(Camera.intrinsics(0.8 * w, w, h), Mat.identity(4), w, h);
        // mild views of 16 planes; then 40 planes (two chunks) from a zoomed-out, a rotated and a sideways-looking
        // source (voxels behind it: p_z <= 0), which take the kernel's exact path in places
        double[][] setups = {{16, 0.04, -0.01, 0, 0.03, 0.8}, {40, 0.2, -0.1, 0.3, 0.4, 0.25}, {40, -0.1, 0.05, 0.1, -0.5, 0.8},
                {40, 0.3, 0, 0.2, 1.7, 0.8}};
        for (double[] su : setups) {
            int d = (int) su[0];
            List<float[]> imgs = new ArrayList<>();
            List<Camera> cams = new ArrayList<>();
            for (int v = 0; v < 3; v++) {
                int sw = w + 10 * v, sh = h - 4 * v;
                float[] im = new float[3 * sw * sh];
                for (int i = 0; i < im.length; i++) im[i] = r.nextFloat();
                imgs.add(im);
                cams.add(new Camera(Camera.intrinsics(su[5] * sw, sw, sh), shifted(ref, su[1] * v, su[2] * v, su[3] * v, su[4] * v).w2c(), sw, sh));
            }
            double[] depths = PlaneDepths.inverseLinear(1, 100, d);
            for (PlaneSweep.Sampling s : PlaneSweep.Sampling.values()) {
                float[] want = PlaneSweep.volume(imgs, cams, ref, depths, s);
                double e = maxAbs(gpu.planeSweep(imgs, cams, ref, depths, s), want);
                long outside = 0;
                for (float f : want) if (f == -1f) outside++;
                System.out.printf("plane sweep %s, %d planes, setup %s: max |gpu - cpu| = %.2e (%.0f%% of voxels outside)%n", s, d,
                        Arrays.toString(su), e, 100.0 * outside / want.length);
                assertTrue(e <= 1e-5, s + ": " + e);
            }
        }
    }

    /** The GPU behind the two backend interfaces the pipelines use: PlaneSweeper (a Psv) and MpiRenderer.prepare (resident). */
    @Test void backendInterfacesMatchTheCpu() {
        Random r = new Random(6);
        int w = 96, h = 64, d = 24;
        Camera ref = new Camera(Camera.intrinsics(0.8 * w, w, h), Mat.identity(4), w, h);
        Camera c1 = shifted(ref, 0.06, -0.01, 0, 0.02);
        double[] depths = PlaneDepths.inverseLinear(1, 100, d);
        List<float[]> imgs = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            float[] im = new float[3 * w * h];
            for (int i = 0; i < im.length; i++) im[i] = r.nextFloat();
            imgs.add(im);
        }
        List<Camera> cams = List.of(ref, c1, ref, c1);
        PlaneSweeper sweeper = gpu;
        Psv got = sweeper.sweep(imgs, cams, ref, depths, PlaneSweep.Sampling.RELEASED);
        Psv want = PlaneSweep.cpu().sweep(imgs, cams, ref, depths, PlaneSweep.Sampling.RELEASED);
        assertEquals(4, got.views());
        double e = maxAbs(got.data(), want.data());
        Mpi mpi = randomMpi(r, d, h, w, ref, depths);
        double er = 0;
        try (MpiRenderer.Prepared p = gpu.prepare(mpi)) {
            for (Camera v : List.of(shifted(ref, -0.05, 0.02, 0.01, 0.02), shifted(ref, 0.04, 0, -0.02, -0.03), ref)) {
                er = Math.max(er, maxErr(p.render(v), CPU.render(mpi, v)));
            }
        }
        System.out.printf("interfaces: PlaneSweeper gpu vs cpu %.2e; prepared (resident) renders vs cpu %.2e%n", e, er);
        assertTrue(e <= 1e-5, "sweep " + e);
        assertTrue(er <= 1e-5, "prepared render " + er);
    }

    static List<Path> fixtures() throws Exception {
        Path dir = Path.of(System.getProperty("mask3d.fixtures", "../../shared/fixtures/original-parity"));
        assumeTrue(Files.isDirectory(dir), "fixtures not found at " + dir.toAbsolutePath() + " (set -Dmask3d.fixtures)");
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".npz")).sorted().toList();
        }
    }

    @Test void matchesReleasedCodeFixtures() throws Exception {
        for (Path f : fixtures()) {
            Map<String, NpyArray> a = Npz.read(f);
            NpyArray fgA = a.get("mpi_fg");
            int d = fgA.dim(0), h = fgA.dim(1), w = fgA.dim(2);
            double[] bd = a.get("bd").doubles();
            double[] depths = PlaneDepths.inverseLinear(bd[0], bd[1], d);
            double[] k = a.get("src_K").doubles(), e = a.get("src_w2c").doubles();
            Camera ref = new Camera(Arrays.copyOfRange(k, 0, 9), Arrays.copyOfRange(e, 0, 16), w, h);
            Camera tgt = new Camera(a.get("tgt_K").doubles(), a.get("tgt_w2c").doubles(), w, h);
            Mpi fg = new Mpi(fgA.floats(), d, h, w, depths, ref), bg = new Mpi(a.get("mpi_bg").floats(), d, h, w, depths, ref);
            float[] mask = a.get("mask").floats();
            float[] rgb = a.get("rgb").floats();
            Rendering fused = gpu.renderBlend(fg, bg, mask, tgt, false);
            Rendering plain = gpu.render(Mpi.blend(fg, bg, mask), tgt);
            Rendering cpu = CPU.render(Mpi.blend(fg, bg, mask), tgt);
            double eFused = maxAbs(fused.rgb(), rgb), ePlain = maxAbs(plain.rgb(), rgb), eCpu = maxAbs(cpu.rgb(), rgb);
            double eAcc = maxAbs(gpu.render(Mpi.masked(fg, mask), tgt).alpha(), a.get("fg_acc_alpha").floats());
            double eH = maxAbs(gpu.renderBlend(fg, bg, mask, tgt, true).rgb(), rgb);
            System.out.printf("%s: rgb fused %.2e, blended-then-rendered %.2e (CPU %.2e); fg_acc_alpha %.2e; f16 fused %.2e; gpu vs cpu %.2e%n",
                    f.getFileName(), eFused, ePlain, eCpu, eAcc, eH, maxErr(fused, cpu));
            assertTrue(eFused <= 1e-5 && ePlain <= 1e-5 && eAcc <= 1e-5, f + ": " + eFused + " " + ePlain + " " + eAcc);
            assertTrue(maxErr(fused, cpu) <= 1e-5);
        }
    }
}
