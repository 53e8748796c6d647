package org.mask3d.model;

import jcuda.driver.CUdeviceptr;
import org.mask3d.InputException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static jcuda.driver.JCudaDriver.*;

/**
 * One 3-D U-Net (MPINet3d or MaskNet3d, {@link UNetTopology}) for inference on the GPU ({@code unet3d.cu}), in float32
 * (the reference path) or bf16 on tensor cores with float32 accumulation.
 *
 * <p>GroupNorm is fused (statistics in each convolution's epilogue, the normalisation applied by the consumer as it
 * loads), as are the [decoder, skip] concatenation, nearest ×2 upsampling and the released {@code safeshape} crop: see
 * the comment at the top of {@code unet3d.cu}. Activations live in one arena per input size ({@link Plan}): every
 * tensor gets an offset such that tensors alive at the same time never overlap.
 */
public final class CudaUNet implements AutoCloseable {

    /** The arithmetic of the convolutions. */
    public enum Precision {
        /** float32 storage and FMA: the reference, within float32 rounding of the DJL networks. */
        FP32,
        /** bf16 storage, bf16 × bf16 → float32 tensor-core MMA (sm_80+), statistics and heads in float32. */
        BF16;

        public static Precision parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "fp32", "float32", "f32" -> FP32;
                case "bf16", "bfloat16" -> BF16;
                default -> throw new InputException("precision must be fp32 or bf16, got " + org.mask3d.io.Untrusted.quote(s));
            };
        }
    }

    // ------------------------------------------------------------------------------------------ the plan (pure Java)

    /** One activation tensor: real and stored channels, dims, element size, live range (step indices), arena offset. */
    public static final class Tensor {
        public final String name;
        public final int channels, stored, d, h, w, elementBytes;
        final int born;
        int lastUse;
        long offset = -1;
        int affine = -1;   // index into the affine buffer (float2 entries), -1 = none

        Tensor(String name, int channels, int stored, int[] dims, int elementBytes, int born) {
            this.name = name; this.channels = channels; this.stored = stored;
            this.d = dims[0]; this.h = dims[1]; this.w = dims[2];
            this.elementBytes = elementBytes; this.born = born; this.lastUse = born;
        }

        public long voxels() { return (long) d * h * w; }
        public long bytes() { return voxels() * stored * elementBytes; }
        public long offset() { return offset; }
        public int lastUse() { return lastUse; }
        public int born() { return born; }
        int[] dims() { return new int[]{d, h, w}; }
    }

    /** One convolution: its layer, sources ([decoder, skip] order), whether it reads them upsampled ×2, output. */
    public record Step(UNetTopology.Layer layer, Tensor src0, Tensor src1, boolean up, int[] virtual, Tensor out) {}

    /** The steps, tensors and arena layout for one input size. */
    public static final class Plan {
        public final int inChannels, d, h, w;
        public final Precision precision;
        public final List<Step> steps = new ArrayList<>();
        public final List<Tensor> tensors = new ArrayList<>();
        /** The input as the first convolution reads it (bf16: a converted copy in the arena; fp32: null, external). */
        public final Tensor input;
        public final Tensor output;
        public final long arenaBytes;
        public final int affineEntries;

        Plan(List<UNetTopology.Layer> layers, int inChannels, int d, int h, int w, Precision p) {
            this.inChannels = inChannels; this.d = d; this.h = h; this.w = w; this.precision = p;
            if (d < 8 || h < 8 || w < 8) throw new InputException("the networks need at least 8 planes and 8×8 pixels, got " + d + "×" + h + "×" + w);
            if (d % 8 != 0) throw new InputException("the number of planes must be a multiple of 8, got " + d);
            Map<String, UNetTopology.Layer> byName = new LinkedHashMap<>();
            for (UNetTopology.Layer l : layers) byName.put(l.name(), l);
            int eb = p == Precision.BF16 ? 2 : 4;
            int[] l0 = {d, h, w};
            // fp32 reads the caller's volume directly; bf16 reads an NDHWC copy with channels padded to 8
            Tensor x = new Tensor("input", inChannels, p == Precision.BF16 ? round8(inChannels) : inChannels, l0, eb, -1);
            if (p == Precision.BF16) tensors.add(x);
            input = p == Precision.BF16 ? x : null;
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("input", x);
            String[][] wiring = {   // layer, source 0, source 1, upsampled
                    {"conv1_1", "input", null}, {"conv1_2", "conv1_1", null},
                    {"conv2_1", "conv1_2", null}, {"conv2_2", "conv2_1", null},
                    {"conv3_1", "conv2_2", null}, {"conv3_2", "conv3_1", null},
                    {"conv4_1", "conv3_2", null}, {"conv4_2", "conv4_1", null},
                    {"conv5_1", "conv4_2", "conv3_2"}, {"conv5_2", "conv5_1", null},
                    {"conv6_1", "conv5_2", "conv2_2"}, {"conv6_2", "conv6_1", null},
                    {"conv7_1", "conv6_2", "conv1_2"}, {"conv7_2", "conv7_1", null}, {"conv7_3", "conv7_2", null}};
            Tensor last = null;
            for (String[] wire : wiring) {
                UNetTopology.Layer l = byName.get(wire[0]);
                Tensor s0 = t.get(wire[1]), s1 = wire[2] == null ? null : t.get(wire[2]);
                boolean up = s1 != null;
                int[] virtual = up ? new int[]{2 * s1.d, 2 * s1.h, 2 * s1.w} : s0.dims();
                if (up && (s0.d < s1.d || s0.h < s1.h || s0.w < s1.w)) {
                    throw new IllegalStateException(l.name() + ": decoder " + s0.name + " smaller than skip " + s1.name);
                }
                int in = s0.channels + (s1 == null ? 0 : s1.channels);
                if (in != l.in()) throw new IllegalStateException(l.name() + " expects " + l.in() + " input channels, wiring gives " + in);
                int[] od = new int[3];
                for (int a = 0; a < 3; a++) od[a] = UNetTopology.convOut(virtual[a], l.k(), l.pad(), l.stride());
                int step = steps.size();
                boolean finalLayer = !l.actNorm();
                // the last layer is written as float32 NCDHW for the heads, in both precisions
                Tensor o = new Tensor(l.name(), l.out(), finalLayer || p == Precision.FP32 ? l.out() : round8(l.out()), od,
                        finalLayer ? 4 : eb, step);
                s0.lastUse = Math.max(s0.lastUse, step);
                if (s1 != null) s1.lastUse = Math.max(s1.lastUse, step);
                t.put(l.name(), o);
                tensors.add(o);
                steps.add(new Step(l, s0, s1, up, virtual, o));
                last = o;
            }
            output = last;
            output.lastUse = Integer.MAX_VALUE;   // read by the head after the last step
            int aff = 0;
            for (Tensor tt : tensors) {
                if (tt != output && tt != input) { tt.affine = aff; aff += tt.stored; }
            }
            affineEntries = aff;
            arenaBytes = assignOffsets(tensors);
        }

        /** Peak bytes of activations alive at once (a lower bound of {@link #arenaBytes}). */
        public long liveBytes() {
            long peak = 0;
            for (int s = -1; s < steps.size(); s++) {
                long sum = 0;
                for (Tensor t : tensors) if (t.born <= s && s <= t.lastUse) sum += t.bytes();
                peak = Math.max(peak, sum);
            }
            return peak;
        }
    }

    static int round8(int c) { return (c + 7) / 8 * 8; }

    /** First-fit by decreasing size: each tensor at the lowest 256-aligned offset free over its live range. */
    static long assignOffsets(List<Tensor> tensors) {
        List<Tensor> order = new ArrayList<>(tensors);
        order.sort(Comparator.comparingLong(Tensor::bytes).reversed().thenComparing(t -> t.name));
        List<Tensor> placed = new ArrayList<>();
        long end = 0;
        for (Tensor t : order) {
            List<long[]> busy = new ArrayList<>();
            for (Tensor o : placed) {
                if (o.born <= t.lastUse && t.born <= o.lastUse) busy.add(new long[]{o.offset, o.offset + o.bytes()});
            }
            busy.sort(Comparator.comparingLong(a -> a[0]));
            long off = 0;
            for (long[] b : busy) {
                if (off + t.bytes() <= b[0]) break;
                off = Math.max(off, align(b[1]));
            }
            t.offset = off;
            placed.add(t);
            end = Math.max(end, off + t.bytes());
        }
        return align(end);
    }

    static long align(long x) { return (x + 255) / 256 * 256; }

    /** The plan for an input of {@code inChannels} × D × H × W (pure Java, no GPU needed). */
    public static Plan plan(int inChannels, int outChannels, int d, int h, int w, Precision p) {
        return new Plan(UNetTopology.layers(inChannels, outChannels, 8), inChannels, d, h, w, p);
    }

    // ------------------------------------------------------------------------------------------ weight layouts

    /**
     * float32 weights for {@code conv3d_k*_f32}: [⌈out/8⌉][in][k³][8], output channels beyond {@code out} zero.
     *
     * @param w PyTorch layout [out][in][k][k][k]
     */
    static float[] f32Layout(float[] w, int out, int in, int k) {
        int k3 = k * k * k, groups = (out + 7) / 8;
        float[] r = new float[groups * in * k3 * 8];
        for (int co = 0; co < out; co++) {
            for (int c = 0; c < in; c++) {
                for (int tap = 0; tap < k3; tap++) {
                    r[(((co / 8) * in + c) * k3 + tap) * 8 + co % 8] = w[(co * in + c) * k3 + tap];
                }
            }
        }
        return r;
    }

    /**
     * bf16 weights in per-lane B-fragment order of {@code mma.m16n8k16.row.col} for {@code conv3d_*_bf16}: for MMA
     * slice j, output block n and lane (g = lane/4, t = lane%4) two 32-bit words {B[2t,2t+1][g], B[2t+8,2t+9][g]}
     * (low half = lower k). K index k of slice j is channel k%8 of "half" h = 2j + k/8, half h being tap h / cb8 and
     * 8-channel block h % cb8 of the stored (padded) concatenation [source 0 (c0p), source 1 (c1p)].
     *
     * @param w PyTorch layout [out][c0 + c1][k][k][k]
     */
    static int[] bf16Fragments(float[] w, int out, int k, int c0, int c0p, int c1, int c1p) {
        int k3 = k * k * k, cin = c0 + c1, cb8 = (c0p + c1p) / 8, nh = k3 * cb8, nk = (nh + 1) / 2, nb = (out + 7) / 8;
        int[] r = new int[nk * nb * 32 * 2];
        for (int j = 0; j < nk; j++) {
            for (int n = 0; n < nb; n++) {
                for (int lane = 0; lane < 32; lane++) {
                    int g = lane >> 2, t = lane & 3, co = n * 8 + g;
                    int[] ks = {2 * t, 2 * t + 1, 2 * t + 8, 2 * t + 9};
                    int[] bits = new int[4];
                    for (int e = 0; e < 4; e++) {
                        int kk = ks[e], h = 2 * j + kk / 8;
                        float v = 0f;
                        if (h < nh && co < out) {
                            int tap = h / cb8, pc = (h % cb8) * 8 + kk % 8;
                            int real = pc < c0p ? (pc < c0 ? pc : -1) : (pc - c0p < c1 ? c0 + pc - c0p : -1);
                            if (real >= 0) v = w[(co * cin + real) * k3 + tap];
                        }
                        bits[e] = bf16(v);
                    }
                    int base = ((j * nb + n) * 32 + lane) * 2;
                    r[base] = bits[0] | (bits[1] << 16);
                    r[base + 1] = bits[2] | (bits[3] << 16);
                }
            }
        }
        return r;
    }

    /** float32 → bf16 bits, round to nearest even (finite inputs). */
    static int bf16(float f) {
        int b = Float.floatToRawIntBits(f);
        return ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16) & 0xFFFF;
    }

    static float fromBf16(int bits) { return Float.intBitsToFloat(bits << 16); }

    // ------------------------------------------------------------------------------------------ the GPU side

    private final CudaKernels k;
    private final List<UNetTopology.Layer> layers;
    private final int inChannels, outChannels;
    private final Precision precision;
    private final Map<String, CUdeviceptr[]> weights = new LinkedHashMap<>();   // per layer: wt, bias, gamma, beta
    private Plan plan;
    private CUdeviceptr arena, affines, partials;
    private long partialCapacity;
    private boolean closed;

    /**
     * @param weights parameters by released key without prefix ({@code conv1_1.model.0.weight}, …), PyTorch layouts
     */
    CudaUNet(CudaKernels kernels, int inChannels, int outChannels, Map<String, float[]> weights, Precision precision) {
        this.k = kernels;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.precision = precision;
        if (precision == Precision.BF16 && !kernels.tensorCores) {
            throw new IllegalStateException("bf16 tensor-core MMA needs compute capability 8.0 or newer");
        }
        this.layers = UNetTopology.layers(inChannels, outChannels, 8);
        Plan shapes = plan(inChannels, outChannels, 8, 8, 8, precision);   // only for the per-layer source channels
        for (Step s : shapes.steps) {
            UNetTopology.Layer l = s.layer();
            float[] w = need(weights, l.weightKey(), (long) l.out() * l.in() * l.taps());
            float[] b = need(weights, l.biasKey(), l.out());
            CUdeviceptr wt;
            if (precision == Precision.FP32) {
                wt = k.upload(f32Layout(w, l.out(), l.in(), l.k()));
            } else {
                int c0 = s.src0().channels, c0p = s.src0().stored;
                int c1 = s.src1() == null ? 0 : s.src1().channels, c1p = s.src1() == null ? 0 : s.src1().stored;
                wt = k.upload(bf16Fragments(w, l.out(), l.k(), c0, c0p, c1, c1p));
            }
            CUdeviceptr[] p = {wt, k.upload(b), null, null};
            if (l.actNorm()) {
                p[2] = k.upload(need(weights, l.gammaKey(), l.out()));
                p[3] = k.upload(need(weights, l.betaKey(), l.out()));
            }
            this.weights.put(l.name(), p);
        }
    }

    private static float[] need(Map<String, float[]> weights, String key, long n) {
        float[] a = weights.get(key);
        if (a == null) throw new InputException("network weights: missing " + key);
        if (a.length != n) throw new InputException("network weights: " + key + " has " + a.length + " values, expected " + n);
        return a;
    }

    public Precision precision() { return precision; }

    /** The plan of the last {@link #forward} (null before). */
    public Plan plan() { return plan; }

    /** GPU bytes this network holds now: arena, affines, partial sums (weights excluded). */
    public long workspaceBytes() {
        return plan == null ? 0 : plan.arenaBytes + (long) plan.affineEntries * 8 + partialCapacity * 8;
    }

    private void ensurePlan(int d, int h, int w) {
        if (plan != null && plan.d == d && plan.h == h && plan.w == w) return;
        freeWorkspace();
        plan = plan(inChannels, outChannels, d, h, w, precision);
        arena = k.alloc(plan.arenaBytes);
        affines = k.alloc((long) plan.affineEntries * 8);
        cuMemsetD8(affines, (byte) 0, (long) plan.affineEntries * 8);   // padded channels: a = b = 0
        long most = 0;
        for (Step s : plan.steps) most = Math.max(most, blocks(s) * groups(s));
        partialCapacity = most;
        partials = k.alloc(most * 8);
    }

    private long blocks(Step s) {
        Tensor o = s.out();
        if (precision == Precision.FP32) return (o.voxels() + 127) / 128;
        long segs = (o.w + 15) / 16;
        return ((long) o.d * o.h * segs + 3) / 4;
    }

    private int groups(Step s) { return precision == Precision.FP32 ? (s.out().channels + 7) / 8 : 1; }

    private CUdeviceptr at(Tensor t) { return arena.withByteOffset(t.offset); }

    private CUdeviceptr affineOf(Tensor t) { return t.affine < 0 ? null : affines.withByteOffset((long) t.affine * 8); }

    /**
     * Runs the network (asynchronously, in stream order) on a float32 NCDHW volume already on the GPU.
     *
     * @param input {@code inChannels} × D × H × W floats (channel stride D·H·W)
     * @return the raw last-layer output [outChannels, D, H', W'] float32 in this network's arena (valid until the
     *         next forward), H' = 2⌈H/2⌉, W' = 2⌈W/2⌉
     */
    public Tensor forward(CUdeviceptr input, int d, int h, int w) {
        if (closed) throw new IllegalStateException("closed");
        cuCtxSetCurrent(k.context);
        ensurePlan(d, h, w);
        if (precision == Precision.BF16) {
            long n = plan.input.voxels() * plan.input.stored;
            k.launch("to_ndhwc_bf16", Math.min((n + 255) / 256, 65535L * 8), 1, 256, input, inChannels, plan.input.stored,
                    plan.input.voxels(), at(plan.input));
        }
        for (Step s : plan.steps) launch(s, input);
        return plan.output;
    }

    /** The GPU address of a tensor of the current plan. */
    public CUdeviceptr pointer(Tensor t) { return at(t); }

    private void launch(Step s, CUdeviceptr externalInput) {
        UNetTopology.Layer l = s.layer();
        CUdeviceptr[] p = weights.get(l.name());
        Tensor a = s.src0(), b = s.src1(), o = s.out();
        // float32 reads the caller's volume where bf16 reads its converted copy in the arena
        CUdeviceptr pa = a.offset < 0 ? externalInput : at(a);
        CUdeviceptr pb = b == null ? null : at(b);
        int[] v = s.virtual();
        long blocks = blocks(s);
        if (precision == Precision.FP32) {
            String fn = l.k() == 7 ? "conv3d_k7_f32" : s.up() ? "conv3d_k3_up_f32" : "conv3d_k3_f32";
            if (l.k() == 7 && s.up()) throw new IllegalStateException("no upsampling 7³ kernel");
            k.launch(fn, blocks, groups(s), 128,
                    pa, affineOf(a), a.channels, a.d, a.h, a.w,
                    pb, b == null ? null : affineOf(b), b == null ? 0 : b.channels, b == null ? 0 : b.d, b == null ? 0 : b.h, b == null ? 0 : b.w,
                    v[0], v[1], v[2], p[0], p[1], at(o), l.out(), o.d, o.h, o.w, l.stride(), l.pad(), l.actNorm(), partials);
        } else {
            int nb = (l.out() + 7) / 8;
            String fn = "conv3d_k" + l.k() + (s.up() ? "_up" : "") + "_n" + nb + "_bf16";
            k.launch(fn, blocks, 1, 128,
                    pa, affineOf(a), a.stored, a.d, a.h, a.w,
                    pb, b == null ? null : affineOf(b), b == null ? 0 : b.stored, b == null ? 0 : b.d, b == null ? 0 : b.h, b == null ? 0 : b.w,
                    v[0], v[1], v[2], p[0], p[1], at(o), l.out(), o.stored, !l.actNorm(), o.d, o.h, o.w, l.stride(), l.pad(),
                    l.actNorm(), partials);
        }
        if (l.actNorm()) {
            k.launch("gn_finalize", 1, 1, 256, partials, (int) (blocks * groups(s)), (double) o.voxels() * o.channels,
                    p[2], p[3], l.out(), affineOf(o));
        }
    }

    private void freeWorkspace() {
        cuCtxSetCurrent(k.context);
        for (CUdeviceptr x : new CUdeviceptr[]{arena, affines, partials}) if (x != null) cuMemFree(x);
        arena = affines = partials = null;
        plan = null;
        partialCapacity = 0;
    }

    /** Bytes of the uploaded weights. */
    public long weightBytes() {
        long n = 0;
        for (UNetTopology.Layer l : layers) n += (long) l.out() * l.in() * l.taps() * (precision == Precision.FP32 ? 4 : 2);
        return n;
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        freeWorkspace();
        for (CUdeviceptr[] p : weights.values()) for (CUdeviceptr x : p) if (x != null) cuMemFree(x);
    }
}
