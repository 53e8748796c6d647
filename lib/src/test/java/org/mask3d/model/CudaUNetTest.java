package org.mask3d.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What of the GPU networks can be checked without a GPU: the plan (shapes, wiring, arena), the weight layouts, the
 * bf16 tensor-core fragments (through an emulation of {@code conv_bf16} that follows the kernel's loads and the
 * documented {@code mma.m16n8k16} fragment layout) and that the PTX holds every kernel launched.
 */
class CudaUNetTest {

    @Test void planShapesFollowTheReleasedUNet() {
        CudaUNet.Plan p = CudaUNet.plan(6, 2, 32, 360, 640, CudaUNet.Precision.FP32);
        assertEquals(15, p.steps.size());
        CudaUNet.Step c12 = p.steps.get(1), c32 = p.steps.get(5), c51 = p.steps.get(8), c71 = p.steps.get(12);
        assertArrayEquals(new int[]{16, 180, 320}, dims(c12.out()));
        assertArrayEquals(new int[]{4, 45, 80}, dims(c32.out()));
        assertTrue(c51.up());
        assertEquals("conv4_2", c51.src0().name);
        assertEquals("conv3_2", c51.src1().name);
        assertArrayEquals(new int[]{8, 90, 160}, c51.virtual());
        assertEquals("conv1_2", c71.src1().name);
        assertArrayEquals(new int[]{32, 360, 640}, dims(p.output));
        assertEquals(2, p.output.channels);
        assertNull(p.input, "fp32 reads the caller's volume");
    }

    @Test void oddSizesCropTheDecoderLikeSafeshape() {
        // shared-b's 36 × 60: c2 is 9 × 15, c3 5 × 8, so conv5 is 10 × 16 and conv6_1 reads it only where c2 is defined
        CudaUNet.Plan p = CudaUNet.plan(12, 1, 32, 36, 60, CudaUNet.Precision.BF16);
        CudaUNet.Step c52 = p.steps.get(9), c61 = p.steps.get(10);
        assertArrayEquals(new int[]{8, 10, 16}, dims(c52.out()));
        assertArrayEquals(new int[]{16, 18, 30}, c61.virtual());
        assertArrayEquals(new int[]{32, 36, 60}, dims(p.output));
        assertEquals(16, p.input.stored, "12 channels padded to 16 for bf16");
        assertEquals(8, p.steps.get(13).out().stored, "conv7_2's 8 channels stay 8 in bf16");
        assertEquals(2, p.steps.get(13).out().elementBytes);
        assertEquals(1, p.output.stored, "the last layer is float32 NCDHW with its real channels");
        assertEquals(4, p.output.elementBytes);
        // odd width: the output is 2⌈W/2⌉ and the heads crop it
        CudaUNet.Plan q = CudaUNet.plan(6, 2, 32, 35, 61, CudaUNet.Precision.FP32);
        assertArrayEquals(new int[]{32, 36, 62}, dims(q.output));
    }

    @Test void arenaNeverOverlapsTensorsAliveTogether() {
        for (CudaUNet.Precision pr : CudaUNet.Precision.values()) {
            for (int[] s : new int[][]{{32, 360, 640}, {32, 36, 60}, {32, 1080, 1920}, {16, 27, 41}}) {
                CudaUNet.Plan p = CudaUNet.plan(12, 1, s[0], s[1], s[2], pr);
                List<CudaUNet.Tensor> ts = p.tensors;
                for (CudaUNet.Tensor a : ts) {
                    assertTrue(a.offset() >= 0 && a.offset() % 256 == 0, a.name);
                    assertTrue(a.offset() + a.bytes() <= p.arenaBytes, a.name);
                    for (CudaUNet.Tensor b : ts) {
                        if (a == b || a.born() > b.lastUse() || b.born() > a.lastUse()) continue;
                        boolean disjoint = a.offset() + a.bytes() <= b.offset() || b.offset() + b.bytes() <= a.offset();
                        assertTrue(disjoint, a.name + " and " + b.name + " overlap while both are alive");
                    }
                }
                assertTrue(p.arenaBytes >= p.liveBytes());
                assertTrue(p.arenaBytes <= 1.25 * p.liveBytes() + 4096, "arena " + p.arenaBytes + " vs live " + p.liveBytes());
            }
        }
    }

    @Test void planRefusesBadSizes() {
        assertThrows(org.mask3d.InputException.class, () -> CudaUNet.plan(6, 2, 30, 64, 64, CudaUNet.Precision.FP32));
        assertThrows(org.mask3d.InputException.class, () -> CudaUNet.plan(6, 2, 32, 4, 64, CudaUNet.Precision.FP32));
        assertThrows(org.mask3d.InputException.class, () -> CudaUNet.Precision.parse("fp8"));
        assertEquals(CudaUNet.Precision.BF16, CudaUNet.Precision.parse("BF16"));
    }

    @Test void f32LayoutGroupsEightOutputChannelsPerTap() {
        int out = 10, in = 3, k = 3, k3 = 27;
        float[] w = new float[out * in * k3];
        for (int i = 0; i < w.length; i++) w[i] = i + 1;
        float[] r = CudaUNet.f32Layout(w, out, in, k);
        assertEquals(2 * in * k3 * 8, r.length);
        for (int co = 0; co < out; co++) {
            for (int c = 0; c < in; c++) {
                for (int tap = 0; tap < k3; tap++) {
                    assertEquals(w[(co * in + c) * k3 + tap], r[(((co / 8) * in + c) * k3 + tap) * 8 + co % 8]);
                }
            }
        }
        assertEquals(0f, r[((1 * in + 2) * k3 + 5) * 8 + 3], "output channel 11 does not exist: zero");
    }

    @Test void bf16RoundsToNearestEven() {
        assertEquals(0x3F80, CudaUNet.bf16(1f));
        assertEquals(1f + 1f / 128, CudaUNet.fromBf16(CudaUNet.bf16(1f + 1f / 128 + 1f / 1024)), 0f);
        assertEquals(1f, CudaUNet.fromBf16(CudaUNet.bf16(1f + 1f / 256)), 0f, "a tie rounds to even");
        assertEquals(-2.5f, CudaUNet.fromBf16(CudaUNet.bf16(-2.5f)), 0f);
    }

    // --------------------------------------------------------------------- the tensor-core kernel, emulated

    /** An NDHWC bf16 source as the kernel stores it, with its affine (null: none). */
    record Src(float[] data, int c, int cp, int d, int h, int w, float[] aff) {}

    static Src source(Random r, int c, int cp, int d, int h, int w, boolean affine) {
        float[] x = new float[d * h * w * cp];
        for (int v = 0; v < d * h * w; v++) for (int ch = 0; ch < c; ch++) x[v * cp + ch] = round(r.nextFloat() * 2 - 0.5f);
        float[] a = null;
        if (affine) {
            a = new float[2 * cp];
            for (int ch = 0; ch < c; ch++) { a[2 * ch] = 0.5f + r.nextFloat(); a[2 * ch + 1] = r.nextFloat() - 0.5f; }
        }
        return new Src(x, c, cp, d, h, w, a);
    }

    static float round(float f) { return CudaUNet.fromBf16(CudaUNet.bf16(f)); }

    /** The value the kernel's load_pair yields for one channel (0 outside). */
    static float load(Src s, long vox, int ch, boolean in) {
        if (!in) return 0f;
        float raw = s.data[(int) (vox * s.cp + ch)];
        return s.aff == null ? raw : round(Math.fma(raw, s.aff[2 * ch], s.aff[2 * ch + 1]));
    }

    /** conv_bf16 for one layer, lane by lane as the kernel does it, with the MMA done on the assembled matrices. */
    static float[] emulate(Src s0, Src s1, int[] vd, boolean up, int[] wfrag, int k, int cout, int stride, int pad, int[] od) {
        int c0p = s0.cp, c1p = s1 == null ? 0 : s1.cp, cb8 = (c0p + c1p) / 8, nh = k * k * k * cb8, nk = (nh + 1) / 2, nb = (cout + 7) / 8;
        int segs = (od[2] + 15) / 16;
        long nvox = (long) od[0] * od[1] * od[2];
        float[] out = new float[(int) (cout * nvox)];
        for (int oz = 0; oz < od[0]; oz++) for (int oy = 0; oy < od[1]; oy++) for (int seg = 0; seg < segs; seg++) {
            float[][] acc = new float[nb][16 * 8];   // C[row][n]
            for (int j = 0; j < nk; j++) {
                float[][] a = new float[16][16];
                float[][][] b = new float[nb][16][8];
                for (int lane = 0; lane < 32; lane++) {
                    int g = lane >> 2, t = lane & 3, oxa = seg * 16 + g, oxb = oxa + 8;
                    float[][] regs = new float[4][2];
                    for (int half = 0; half < 2; half++) {
                        int h = 2 * j + half;
                        float[] ra = {0, 0}, rb = {0, 0};
                        if (h < nh) {
                            int tap = h / cb8, blk = h - tap * cb8, dz = tap / (k * k), dy = (tap / k) % k, dx = tap % k;
                            int iz = oz * stride - pad + dz, iy = oy * stride - pad + dy;
                            int ixa = oxa * stride - pad + dx, ixb = oxb * stride - pad + dx;
                            boolean zy = iz >= 0 && iz < vd[0] && iy >= 0 && iy < vd[1];
                            boolean ina = zy && ixa >= 0 && ixa < vd[2] && oxa < od[2], inb = zy && ixb >= 0 && ixb < vd[2] && oxb < od[2];
                            int zz = up ? iz >> 1 : iz, yy = up ? iy >> 1 : iy, xa = up ? ixa >> 1 : ixa, xb = up ? ixb >> 1 : ixb;
                            int ch = blk * 8 + 2 * t;
                            Src s = ch < c0p ? s0 : s1;
                            int cc = ch < c0p ? ch : ch - c0p;
                            long row = ((long) zz * s.h + yy) * s.w;
                            for (int e = 0; e < 2; e++) {
                                ra[e] = load(s, row + xa, cc + e, ina);
                                rb[e] = load(s, row + xb, cc + e, inb);
                            }
                        }
                        regs[2 * half] = ra;
                        regs[2 * half + 1] = rb;
                    }
                    for (int e = 0; e < 2; e++) {
                        a[g][2 * t + e] = regs[0][e];
                        a[g + 8][2 * t + e] = regs[1][e];
                        a[g][2 * t + 8 + e] = regs[2][e];
                        a[g + 8][2 * t + 8 + e] = regs[3][e];
                    }
                    for (int n = 0; n < nb; n++) {
                        int base = ((j * nb + n) * 32 + lane) * 2;
                        int b0 = wfrag[base], b1 = wfrag[base + 1];
                        b[n][2 * t][g] = CudaUNet.fromBf16(b0 & 0xFFFF);
                        b[n][2 * t + 1][g] = CudaUNet.fromBf16(b0 >>> 16);
                        b[n][2 * t + 8][g] = CudaUNet.fromBf16(b1 & 0xFFFF);
                        b[n][2 * t + 9][g] = CudaUNet.fromBf16(b1 >>> 16);
                    }
                }
                for (int n = 0; n < nb; n++) for (int row = 0; row < 16; row++) for (int col = 0; col < 8; col++) {
                    float sum = acc[n][row * 8 + col];
                    for (int kk = 0; kk < 16; kk++) sum += a[row][kk] * b[n][kk][col];
                    acc[n][row * 8 + col] = sum;
                }
            }
            for (int n = 0; n < nb; n++) for (int row = 0; row < 16; row++) for (int col = 0; col < 8; col++) {
                int ox = seg * 16 + row, co = n * 8 + col;
                if (ox < od[2] && co < cout) out[(int) (co * nvox + ((long) oz * od[1] + oy) * od[2] + ox)] = acc[n][row * 8 + col];
            }
        }
        return out;
    }

    /** The same convolution written plainly over the virtual input (concat, upsampling, norm on load), in double. */
    static double[] direct(Src s0, Src s1, int[] vd, boolean up, float[] w, int k, int cout, int stride, int pad, int[] od) {
        int cin = s0.c + (s1 == null ? 0 : s1.c), k3 = k * k * k;
        long nvox = (long) od[0] * od[1] * od[2];
        double[] out = new double[(int) (cout * nvox)];
        for (int co = 0; co < cout; co++) for (int oz = 0; oz < od[0]; oz++) for (int oy = 0; oy < od[1]; oy++) for (int ox = 0; ox < od[2]; ox++) {
            double sum = 0;
            for (int c = 0; c < cin; c++) {
                Src s = c < s0.c ? s0 : s1;
                int cc = c < s0.c ? c : c - s0.c;
                for (int tap = 0; tap < k3; tap++) {
                    int iz = oz * stride - pad + tap / (k * k), iy = oy * stride - pad + (tap / k) % k, ix = ox * stride - pad + tap % k;
                    if (iz < 0 || iy < 0 || ix < 0 || iz >= vd[0] || iy >= vd[1] || ix >= vd[2]) continue;
                    int zz = up ? iz / 2 : iz, yy = up ? iy / 2 : iy, xx = up ? ix / 2 : ix;
                    float x = load(s, ((long) zz * s.h + yy) * s.w + xx, cc, true);
                    sum += (double) x * round(w[(co * cin + c) * k3 + tap]);
                }
            }
            out[(int) (co * nvox + ((long) oz * od[1] + oy) * od[2] + ox)] = sum;
        }
        return out;
    }

    static void check(Src s0, Src s1, int[] vd, boolean up, int k, int cout, int stride, int pad, long seed) {
        Random r = new Random(seed);
        int cin = s0.c + (s1 == null ? 0 : s1.c);
        float[] w = new float[cout * cin * k * k * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.2f;
        int[] frag = CudaUNet.bf16Fragments(w, cout, k, s0.c, s0.cp, s1 == null ? 0 : s1.c, s1 == null ? 0 : s1.cp);
        int[] od = new int[3];
        for (int a = 0; a < 3; a++) od[a] = UNetTopology.convOut(vd[a], k, pad, stride);
        float[] got = emulate(s0, s1, vd, up, frag, k, cout, stride, pad, od);
        double[] want = direct(s0, s1, vd, up, w, k, cout, stride, pad, od);
        double max = 0, scale = 0;
        for (int i = 0; i < want.length; i++) { max = Math.max(max, Math.abs(got[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
        assertTrue(scale > 0.5, "a non-trivial case");
        assertTrue(max < 1e-4 * scale, "emulated tensor-core conv vs direct: max |err| " + max + " (scale " + scale + ")");
    }

    @Test void tensorCoreFragmentsOf7x7x7WithSixChannelsPaddedToEight() {
        // conv1_1/conv1_2's case: 8 stored channels, so each K16 slice packs two taps; stride 2 and an odd tap count
        Random r = new Random(1);
        Src in = source(r, 6, 8, 8, 9, 21, false);
        check(in, null, new int[]{8, 9, 21}, false, 7, 16, 3, 2, 2);
        check(in, null, new int[]{8, 9, 21}, false, 7, 8, 3, 1, 3);
    }

    @Test void tensorCoreFragmentsOfTheDecoderConcatUpsampledAndCropped() {
        // conv6_1's case: [decoder (larger: cropped), skip] upsampled ×2, both normalised on load
        Random r = new Random(4);
        Src dec = source(r, 16, 16, 4, 6, 10, true), skip = source(r, 8, 8, 4, 5, 9, true);
        check(dec, skip, new int[]{8, 10, 18}, true, 3, 16, 1, 1, 5);
    }

    @Test void tensorCoreFragmentsOfTheLastLayer() {
        Random r = new Random(6);
        check(source(r, 8, 8, 8, 5, 19, true), null, new int[]{8, 5, 19}, false, 3, 2, 1, 1, 7);
        check(source(r, 32, 32, 4, 4, 6, true), null, new int[]{4, 4, 6}, false, 3, 64, 1, 1, 8);
    }

    /** conv_f32 as the kernel walks it: cin chunks of shared-memory weights ([group][cin][k³][8]), taps, 8 accumulators. */
    static float[] emulateF32(float[][] srcs, int[] c, int[][] dims, float[][] aff, int[] vd, boolean up, float[] wt, int k,
                              int cout, int stride, int pad, int[] od) {
        int k3 = k * k * k, cin = c[0] + c[1], cc = k == 7 ? 2 : 16, groups = (cout + 7) / 8;
        long nvox = (long) od[0] * od[1] * od[2];
        float[] out = new float[(int) (cout * nvox)];
        for (int g = 0; g < groups; g++) for (long v = 0; v < nvox; v++) {
            int ox = (int) (v % od[2]), oy = (int) ((v / od[2]) % od[1]), oz = (int) (v / ((long) od[2] * od[1]));
            float[] acc = new float[8];
            for (int cb = 0; cb < cin; cb += cc) {
                int cn = Math.min(cc, cin - cb);
                float[] sw = java.util.Arrays.copyOfRange(wt, (g * cin + cb) * k3 * 8, (g * cin + cb + cn) * k3 * 8);
                for (int ci = 0; ci < cn; ci++) {
                    int ch = cb + ci, s = ch < c[0] ? 0 : 1, sc = s == 0 ? ch : ch - c[0];
                    float a = aff[s] == null ? 1 : aff[s][2 * sc], b = aff[s] == null ? 0 : aff[s][2 * sc + 1];
                    for (int dz = 0; dz < k; dz++) for (int dy = 0; dy < k; dy++) for (int dx = 0; dx < k; dx++) {
                        int iz = oz * stride - pad + dz, iy = oy * stride - pad + dy, ix = ox * stride - pad + dx;
                        float x = 0;
                        if (iz >= 0 && iz < vd[0] && iy >= 0 && iy < vd[1] && ix >= 0 && ix < vd[2]) {
                            int zz = up ? iz >> 1 : iz, yy = up ? iy >> 1 : iy, xx = up ? ix >> 1 : ix;
                            x = Math.fma(srcs[s][((sc * dims[s][0] + zz) * dims[s][1] + yy) * dims[s][2] + xx], a, b);
                        }
                        for (int j = 0; j < 8; j++) acc[j] = Math.fma(x, sw[(ci * k3 + (dz * k + dy) * k + dx) * 8 + j], acc[j]);
                    }
                }
            }
            for (int j = 0; j < 8; j++) if (g * 8 + j < cout) out[(int) ((g * 8 + j) * nvox + v)] = acc[j];
        }
        return out;
    }

    @Test void f32KernelWalkMatchesAPlainConvolution() {
        // the decoder case (two NCDHW sources, the first larger and cropped, upsampled, normalised on load) and a 7³
        // stride-2 layer with 17 input channels (several weight chunks) and 10 outputs (two groups, one partial)
        Random r = new Random(9);
        for (int variant = 0; variant < 2; variant++) {
            boolean up = variant == 0;
            int k = up ? 3 : 7, stride = up ? 1 : 2, pad = up ? 1 : 3, cout = up ? 16 : 10;
            int[] c = up ? new int[]{16, 8} : new int[]{17, 0};
            int[][] dims = up ? new int[][]{{4, 6, 10}, {4, 5, 9}} : new int[][]{{8, 9, 13}, {1, 1, 1}};
            int[] vd = up ? new int[]{8, 10, 18} : dims[0];
            float[][] srcs = new float[2][], aff = new float[2][];
            for (int s = 0; s < 2; s++) {
                srcs[s] = new float[c[s] * dims[s][0] * dims[s][1] * dims[s][2]];
                for (int i = 0; i < srcs[s].length; i++) srcs[s][i] = r.nextFloat() * 2 - 0.5f;
                if (up) {
                    aff[s] = new float[2 * c[s]];
                    for (int i = 0; i < aff[s].length; i++) aff[s][i] = i % 2 == 0 ? 0.5f + r.nextFloat() : r.nextFloat() - 0.5f;
                }
            }
            int cin = c[0] + c[1], k3 = k * k * k;
            float[] w = new float[cout * cin * k3];
            for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.1f;
            int[] od = new int[3];
            for (int a = 0; a < 3; a++) od[a] = UNetTopology.convOut(vd[a], k, pad, stride);
            float[] got = emulateF32(srcs, c, dims, aff, vd, up, CudaUNet.f32Layout(w, cout, cin, k), k, cout, stride, pad, od);
            long nvox = (long) od[0] * od[1] * od[2];
            double max = 0, scale = 0;
            for (int co = 0; co < cout; co++) for (int v = 0; v < nvox; v++) {
                int ox = (int) (v % od[2]), oy = (int) ((v / od[2]) % od[1]), oz = (int) (v / ((long) od[2] * od[1]));
                double sum = 0;
                for (int ch = 0; ch < cin; ch++) for (int tap = 0; tap < k3; tap++) {
                    int iz = oz * stride - pad + tap / (k * k), iy = oy * stride - pad + (tap / k) % k, ix = ox * stride - pad + tap % k;
                    if (iz < 0 || iy < 0 || ix < 0 || iz >= vd[0] || iy >= vd[1] || ix >= vd[2]) continue;
                    int s = ch < c[0] ? 0 : 1, sc = s == 0 ? ch : ch - c[0];
                    int zz = up ? iz / 2 : iz, yy = up ? iy / 2 : iy, xx = up ? ix / 2 : ix;
                    double x = srcs[s][((sc * dims[s][0] + zz) * dims[s][1] + yy) * dims[s][2] + xx];
                    if (up) x = x * aff[s][2 * sc] + aff[s][2 * sc + 1];
                    sum += x * w[(co * cin + ch) * k3 + tap];
                }
                max = Math.max(max, Math.abs(sum - got[(int) (co * nvox + v)]));
                scale = Math.max(scale, Math.abs(sum));
            }
            assertTrue(scale > 0.5 && max < 1e-5 * scale, "variant " + variant + ": max |err| " + max + " of " + scale);
        }
    }

    @Test void ptxHoldsEveryLaunchedKernel() throws IOException {
        for (String ptx : new String[]{"unet3d.sm_90.ptx", "unet3d.compute_80.ptx", "unet3d.compute_75.ptx"}) {
            String text;
            try (InputStream in = org.mask3d.render.CudaRenderer.class.getResourceAsStream("cuda/" + ptx)) {
                assertNotNull(in, ptx + " is on the class path");
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String k : CudaKernels.KERNELS) assertTrue(text.contains(".entry " + k + "("), ptx + " has " + k);
            // the tensor-core kernels are real where bf16 is offered (cc ≥ 8), a trap only in the Turing PTX
            assertEquals(!ptx.contains("compute_75"), text.contains("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"), ptx);
        }
        // and every bf16 kernel name the plan can ask for exists
        for (CudaUNet.Precision p : CudaUNet.Precision.values()) {
            for (CudaUNet.Step s : CudaUNet.plan(12, 1, 32, 64, 64, p).steps) {
                if (p != CudaUNet.Precision.BF16) continue;
                String fn = "conv3d_k" + s.layer().k() + (s.up() ? "_up" : "") + "_n" + (s.layer().out() + 7) / 8 + "_bf16";
                assertTrue(List.of(CudaKernels.KERNELS).contains(fn), fn);
            }
        }
    }

    static int[] dims(CudaUNet.Tensor t) { return new int[]{t.d, t.h, t.w}; }
}
