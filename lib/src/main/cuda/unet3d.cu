// Inference of the method's 3-D U-Nets (MPINet3d, MaskNet3d; METHOD.md §3) on the GPU, for org.mask3d.model.CudaUNet.
//
// Every Conv3dBlock is Conv3d → ReLU → GroupNorm(1, C). The norm is fused away: a convolution's epilogue adds the
// bias, applies ReLU, stores the raw activation and writes per-block partial sums (Σy, Σy²); gn_finalize reduces them
// (in double, in a fixed order: deterministic) into a per-channel affine (a_c = γ_c·rstd, b_c = β_c − mean·a_c) that
// the consuming convolution applies as it loads (x·a_c + b_c for in-bounds values; padding stays 0). Channel concat
// and nearest ×2 upsampling are fused into the loads too: a convolution reads up to two sources (the [decoder, skip]
// order of the release) through a virtual input of size 2× the skip's, so neither the concatenated nor the upsampled
// tensor is ever stored, and the released safeshape crop is implicit (the decoder source is only read where the skip
// is defined).
//
// Two paths:
//  * float32 (the reference): NCDHW, one thread per output voxel × 8 output channels, SIMT FMA, weights staged in
//    shared memory as [group][cin][k³][8].
//  * bf16 on tensor cores (sm_80+): activations stored NDHWC in bf16 with channels padded to a multiple of 8;
//    implicit GEMM with mma.sync.m16n8k16 (bf16 in, float32 accumulate). M = 16 output voxels along x per warp
//    fragment, N = 8 output channels, K = 16 = two "halves" of 8 channels, a half being (tap, 8-channel block), so a
//    Cin = 8 layer packs two taps per MMA. Weights are pre-swizzled on the host into per-lane fragment order.
//    The epilogue adds the bias, applies ReLU, keeps the statistics in float32 and stores bf16 (or float32 NCDHW for
//    the last layer, which the heads read).
#include <cuda_bf16.h>
#include <stdint.h>

#define THREADS 128

__device__ __forceinline__ void block_stats(float s, float ss, float2* partial) {
    // warp shuffle, then the 4 warps of the block; one (Σ, Σ²) per block, written without atomics (deterministic)
    for (int o = 16; o > 0; o >>= 1) {
        s += __shfl_down_sync(0xffffffffu, s, o);
        ss += __shfl_down_sync(0xffffffffu, ss, o);
    }
    __shared__ float2 red[THREADS / 32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) red[warp] = make_float2(s, ss);
    __syncthreads();
    if (threadIdx.x == 0) {
        float2 t = red[0];
        for (int i = 1; i < THREADS / 32; i++) { t.x += red[i].x; t.y += red[i].y; }
        partial[blockIdx.y * gridDim.x + blockIdx.x] = t;
    }
}

// ------------------------------------------------------------------------------------------------ float32

// Weights per cin chunk in shared memory: CC channels × K³ taps × 8 output channels.
template <int K> struct Chunk { static const int CC = K == 7 ? 2 : 16; };

template <int K, int UP>
__device__ __forceinline__ void conv_f32(
        const float* __restrict__ s0, const float2* __restrict__ a0, int c0, int d0, int h0, int w0,
        const float* __restrict__ s1, const float2* __restrict__ a1, int c1, int d1, int h1, int w1,
        int ID, int IH, int IW, const float* __restrict__ wt, const float* __restrict__ bias,
        float* __restrict__ out, int cout, int OD, int OH, int OW, int stride, int pad, int relu,
        float2* __restrict__ partial) {
    const int K3 = K * K * K, CC = Chunk<K>::CC;
    __shared__ __align__(16) float sw[CC * K3 * 8];
    const int cin = c0 + c1, g = blockIdx.y, tid = threadIdx.x;
    const long nvox = (long) OD * OH * OW;
    const long v = (long) blockIdx.x * THREADS + tid;
    const bool valid = v < nvox;
    int ox = 0, oy = 0, oz = 0;
    if (valid) { ox = (int) (v % OW); oy = (int) ((v / OW) % OH); oz = (int) (v / ((long) OW * OH)); }
    const int bz = oz * stride - pad, by = oy * stride - pad, bx = ox * stride - pad;
    float acc[8];
#pragma unroll
    for (int j = 0; j < 8; j++) acc[j] = 0.f;
    for (int cb = 0; cb < cin; cb += CC) {
        const int cn = min(CC, cin - cb);
        __syncthreads();
        const float* wsrc = wt + ((long) g * cin + cb) * K3 * 8;
        for (int i = tid; i < cn * K3 * 8; i += THREADS) sw[i] = wsrc[i];
        __syncthreads();
        if (!valid) continue;
        for (int ci = 0; ci < cn; ci++) {
            const int c = cb + ci;
            const float* src;
            float2 af = make_float2(1.f, 0.f);
            int sh, sww;
            if (c < c0) {
                src = s0 + (long) c * d0 * h0 * w0; sh = h0; sww = w0;
                if (a0) af = a0[c];
            } else {
                src = s1 + (long) (c - c0) * d1 * h1 * w1; sh = h1; sww = w1;
                if (a1) af = a1[c - c0];
            }
            const float* wc = sw + ci * K3 * 8;
            for (int dz = 0; dz < K; dz++) {
                const int iz = bz + dz;
                if (iz < 0 || iz >= ID) continue;
                const int zz = UP ? iz >> 1 : iz;
                for (int dy = 0; dy < K; dy++) {
                    const int iy = by + dy;
                    if (iy < 0 || iy >= IH) continue;
                    const int yy = UP ? iy >> 1 : iy;
                    const float* row = src + ((long) zz * sh + yy) * sww;
                    const float4* wq = reinterpret_cast<const float4*>(wc + (dz * K + dy) * K * 8);
#pragma unroll
                    for (int dx = 0; dx < K; dx++) {
                        const int ix = bx + dx;
                        float x = 0.f;
                        if (ix >= 0 && ix < IW) x = fmaf(__ldg(row + (UP ? ix >> 1 : ix)), af.x, af.y);
                        const float4 wa = wq[2 * dx], wb = wq[2 * dx + 1];
                        acc[0] = fmaf(x, wa.x, acc[0]); acc[1] = fmaf(x, wa.y, acc[1]);
                        acc[2] = fmaf(x, wa.z, acc[2]); acc[3] = fmaf(x, wa.w, acc[3]);
                        acc[4] = fmaf(x, wb.x, acc[4]); acc[5] = fmaf(x, wb.y, acc[5]);
                        acc[6] = fmaf(x, wb.z, acc[6]); acc[7] = fmaf(x, wb.w, acc[7]);
                    }
                }
            }
        }
    }
    float s = 0.f, ss = 0.f;
    if (valid) {
#pragma unroll
        for (int j = 0; j < 8; j++) {
            const int co = g * 8 + j;
            if (co < cout) {
                float y = acc[j] + bias[co];
                if (relu) y = fmaxf(y, 0.f);
                out[(long) co * nvox + v] = y;
                s += y; ss += y * y;
            }
        }
    }
    block_stats(s, ss, partial);
}

#define CONV_F32(NAME, K, UP)                                                                                       \
    extern "C" __global__ void __launch_bounds__(THREADS) NAME(                                                    \
            const float* s0, const float2* a0, int c0, int d0, int h0, int w0,                                      \
            const float* s1, const float2* a1, int c1, int d1, int h1, int w1, int ID, int IH, int IW,             \
            const float* wt, const float* bias, float* out, int cout, int OD, int OH, int OW, int stride, int pad,  \
            int relu, float2* partial) {                                                                            \
        conv_f32<K, UP>(s0, a0, c0, d0, h0, w0, s1, a1, c1, d1, h1, w1, ID, IH, IW, wt, bias, out, cout, OD, OH, OW, \
                        stride, pad, relu, partial);                                                                \
    }
CONV_F32(conv3d_k7_f32, 7, 0)
CONV_F32(conv3d_k3_f32, 3, 0)
CONV_F32(conv3d_k3_up_f32, 3, 1)

// The GroupNorm(1, C) statistics of one activation → the consumer's per-channel affine. One block of 256 threads.
extern "C" __global__ void gn_finalize(const float2* partial, int n, double count, const float* gamma,
                                       const float* beta, int C, float2* aff) {
    __shared__ double rs[256], rss[256];
    double s = 0, ss = 0;
    for (int i = threadIdx.x; i < n; i += 256) { s += partial[i].x; ss += partial[i].y; }
    rs[threadIdx.x] = s; rss[threadIdx.x] = ss;
    __syncthreads();
    for (int o = 128; o > 0; o >>= 1) {
        if (threadIdx.x < o) { rs[threadIdx.x] += rs[threadIdx.x + o]; rss[threadIdx.x] += rss[threadIdx.x + o]; }
        __syncthreads();
    }
    const double mean = rs[0] / count;
    double var = rss[0] / count - mean * mean;
    if (var < 0) var = 0;
    const double rstd = 1.0 / sqrt(var + 1e-5);
    for (int c = threadIdx.x; c < C; c += 256) {
        const double a = gamma[c] * rstd;
        aff[c] = make_float2((float) a, (float) (beta[c] - mean * a));
    }
}

__device__ __forceinline__ float sigmoidf(float x) { return 1.f / (1.f + expf(-x)); }

// MPI head (METHOD.md §3.2): α = σ(x0), w1 = σ(x1), w0 = σ(−x1) (the released softmax over [0, x1]);
// rgb = w0·PSV[0:3] + w1·PSV[3:6]. net: [2, D, OH, OW] float32 (OH ≥ H, OW ≥ W: cropped to the sweep's size);
// psv: 6 channels of [.., D, H, W]; rgba: [D, H, W, 4].
extern "C" __global__ void mpi_head(const float* __restrict__ net, int OH, int OW, const float* __restrict__ psv,
                                    int D, int H, int W, float4* __restrict__ rgba) {
    const long n = (long) D * H * W, plane = (long) H * W, onet = (long) D * OH * OW;
    for (long p = (long) blockIdx.x * blockDim.x + threadIdx.x; p < n; p += (long) gridDim.x * blockDim.x) {
        const int x = (int) (p % W), y = (int) ((p / W) % H), z = (int) (p / plane);
        const long o = ((long) z * OH + y) * OW + x;
        const float x0 = net[o], x1 = net[onet + o];
        const float w1 = sigmoidf(x1), w0 = sigmoidf(-x1);
        const long cs = n;
        rgba[p] = make_float4(w0 * psv[p] + w1 * psv[3 * cs + p], w0 * psv[cs + p] + w1 * psv[4 * cs + p],
                              w0 * psv[2 * cs + p] + w1 * psv[5 * cs + p], sigmoidf(x0));
    }
}

// Mask head: σ(net[0]) cropped to [D, H, W].
extern "C" __global__ void mask_head(const float* __restrict__ net, int OH, int OW, int D, int H, int W,
                                     float* __restrict__ mask) {
    const long n = (long) D * H * W, plane = (long) H * W;
    for (long p = (long) blockIdx.x * blockDim.x + threadIdx.x; p < n; p += (long) gridDim.x * blockDim.x) {
        const int x = (int) (p % W), y = (int) ((p / W) % H), z = (int) (p / plane);
        mask[p] = sigmoidf(net[((long) z * OH + y) * OW + x]);
    }
}

// ------------------------------------------------------------------------------------------------ bf16 tensor cores

// float32 NCDHW channels [c_first, c_first + C) → bf16 NDHWC with Cp ≥ C channels (the rest zero).
extern "C" __global__ void to_ndhwc_bf16(const float* __restrict__ src, int C, int Cp, long nvox,
                                         __nv_bfloat16* __restrict__ dst) {
    for (long i = (long) blockIdx.x * blockDim.x + threadIdx.x; i < nvox * Cp; i += (long) gridDim.x * blockDim.x) {
        const long v = i / Cp;
        const int c = (int) (i - v * Cp);
        dst[i] = __float2bfloat16_rn(c < C ? src[(long) c * nvox + v] : 0.f);
    }
}

// One 8-channel half of a K16 slice for the fragment rows g (voxel m0 + g) of this lane: two bf16x2 (channels
// 2t, 2t+1 of the block), normalised on load; zero where the tap falls outside the (virtual) input.
struct Src16 {
    const __nv_bfloat16* p;   // NDHWC, cp channels per voxel
    const float2* aff;        // per channel, or null
    int cp, h, w;
};

__device__ __forceinline__ uint32_t load_pair(const Src16& s, long vox, int ch, bool in) {
    if (!in) return 0u;
    const __nv_bfloat162 raw = *reinterpret_cast<const __nv_bfloat162*>(s.p + vox * s.cp + ch);
    if (!s.aff) return *reinterpret_cast<const uint32_t*>(&raw);
    const float2 f = __bfloat1622float2(raw);
    const float2 a = s.aff[ch], b = s.aff[ch + 1];
    const __nv_bfloat162 o = __floats2bfloat162_rn(fmaf(f.x, a.x, a.y), fmaf(f.y, b.x, b.y));
    return *reinterpret_cast<const uint32_t*>(&o);
}

// Each warp: 16 consecutive output voxels along x (one output row segment) × all output channel groups (NB ≤ 8 of
// 8 channels). A block holds 4 warps. Halves h = 0 .. nh-1 enumerate (tap, 8-channel block of the concatenated
// input); MMA k-slice j uses halves 2j and 2j+1 (a missing last half is zero).
template <int K, int UP, int NB>
__device__ __forceinline__ void conv_bf16(
        const __nv_bfloat16* s0, const float2* a0, int c0p, int d0, int h0, int w0,
        const __nv_bfloat16* s1, const float2* a1, int c1p, int d1, int h1, int w1,
        int ID, int IH, int IW, const uint2* __restrict__ wfrag, const float* __restrict__ bias,
        void* out, int cout, int coutp, int final_f32, int OD, int OH, int OW, int stride, int pad, int relu,
        float2* __restrict__ partial) {
#if __CUDA_ARCH__ >= 800
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
    const int segs = (OW + 15) / 16;
    const long task = (long) blockIdx.x * (THREADS / 32) + warp;   // (oz, oy, segment)
    const long ntask = (long) OD * OH * segs;
    float acc[NB][4];
#pragma unroll
    for (int n = 0; n < NB; n++) { acc[n][0] = acc[n][1] = acc[n][2] = acc[n][3] = 0.f; }
    int oz = 0, oy = 0, oxa = 0;
    const bool active = task < ntask;
    if (active) {
        const int seg = (int) (task % segs);
        oy = (int) ((task / segs) % OH);
        oz = (int) (task / ((long) segs * OH));
        oxa = seg * 16 + g;
        const int oxb = oxa + 8;
        const Src16 S0 = {s0, a0, c0p, h0, w0}, S1 = {s1, a1, c1p, h1, w1};
        const int cb8 = (c0p + c1p) / 8, K3 = K * K * K, nh = K3 * cb8, nk = (nh + 1) / 2;
        const int bz = oz * stride - pad, by = oy * stride - pad;
        const int bxa = oxa * stride - pad, bxb = oxb * stride - pad;
        for (int j = 0; j < nk; j++) {
            uint32_t a[4];
#pragma unroll
            for (int half = 0; half < 2; half++) {
                const int h = 2 * j + half;
                uint32_t ra = 0u, rb = 0u;
                if (h < nh) {
                    const int tap = h / cb8, blk = h - tap * cb8;
                    const int dz = tap / (K * K), dy = (tap / K) % K, dx = tap % K;
                    const int iz = bz + dz, iy = by + dy, ixa = bxa + dx, ixb = bxb + dx;
                    const bool zy = iz >= 0 && iz < ID && iy >= 0 && iy < IH;
                    const bool ina = zy && ixa >= 0 && ixa < IW && oxa < OW, inb = zy && ixb >= 0 && ixb < IW && oxb < OW;
                    const int zz = UP ? iz >> 1 : iz, yy = UP ? iy >> 1 : iy;
                    const int xa = UP ? ixa >> 1 : ixa, xb = UP ? ixb >> 1 : ixb;
                    const int ch = blk * 8 + 2 * t;
                    if (ch < c0p) {
                        const long rowv = ((long) zz * h0 + yy) * w0;
                        ra = load_pair(S0, rowv + xa, ch, ina);
                        rb = load_pair(S0, rowv + xb, ch, inb);
                    } else {
                        const long rowv = ((long) zz * h1 + yy) * w1;
                        ra = load_pair(S1, rowv + xa, ch - c0p, ina);
                        rb = load_pair(S1, rowv + xb, ch - c0p, inb);
                    }
                }
                a[2 * half] = ra;       // rows g (k = 8·half + 2t, +1)
                a[2 * half + 1] = rb;   // rows g + 8
            }
            // fragment order of m16n8k16: a0 = (row g, k 2t..), a1 = (row g+8, k 2t..), a2 = (row g, k 2t+8..),
            // a3 = (row g+8, k 2t+8..)
            const uint32_t A0 = a[0], A1 = a[1], A2 = a[2], A3 = a[3];
#pragma unroll
            for (int n = 0; n < NB; n++) {
                const uint2 b = wfrag[((long) j * NB + n) * 32 + lane];
                asm volatile(
                        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                        "{%0,%1,%2,%3};\n"
                        : "+f"(acc[n][0]), "+f"(acc[n][1]), "+f"(acc[n][2]), "+f"(acc[n][3])
                        : "r"(A0), "r"(A1), "r"(A2), "r"(A3), "r"(b.x), "r"(b.y));
            }
        }
    }
    // epilogue: c0, c1 = (row g, channels 2t, 2t+1); c2, c3 = (row g+8, same channels)
    float s = 0.f, ss = 0.f;
    if (active) {
        const long nvox = (long) OD * OH * OW, rowbase = ((long) oz * OH + oy) * OW;
#pragma unroll
        for (int n = 0; n < NB; n++) {
#pragma unroll
            for (int r = 0; r < 2; r++) {
                const int ox = oxa + 8 * r;
                if (ox >= OW) continue;
                const long vox = rowbase + ox;
                float y[2];
#pragma unroll
                for (int e = 0; e < 2; e++) {
                    const int co = n * 8 + 2 * t + e;
                    float val = acc[n][2 * r + e] + (co < cout ? bias[co] : 0.f);
                    if (relu) val = fmaxf(val, 0.f);
                    if (co >= cout) val = 0.f;
                    y[e] = val;
                    if (co < cout) { s += val; ss += val * val; }
                    if (final_f32 && co < cout) reinterpret_cast<float*>(out)[(long) co * nvox + vox] = val;
                }
                if (!final_f32) {
                    const int co = n * 8 + 2 * t;
                    if (co < coutp)
                        *reinterpret_cast<__nv_bfloat162*>(reinterpret_cast<__nv_bfloat16*>(out) + vox * coutp + co) =
                                __floats2bfloat162_rn(y[0], y[1]);
                }
            }
        }
    }
    block_stats(s, ss, partial);
#else
    __trap();
#endif
}

#define CONV_BF16(NAME, K, UP, NB)                                                                                 \
    extern "C" __global__ void __launch_bounds__(THREADS) NAME(                                                   \
            const __nv_bfloat16* s0, const float2* a0, int c0p, int d0, int h0, int w0,                            \
            const __nv_bfloat16* s1, const float2* a1, int c1p, int d1, int h1, int w1, int ID, int IH, int IW,   \
            const uint2* wfrag, const float* bias, void* out, int cout, int coutp, int final_f32, int OD, int OH,  \
            int OW, int stride, int pad, int relu, float2* partial) {                                              \
        conv_bf16<K, UP, NB>(s0, a0, c0p, d0, h0, w0, s1, a1, c1p, d1, h1, w1, ID, IH, IW, wfrag, bias, out, cout, \
                             coutp, final_f32, OD, OH, OW, stride, pad, relu, partial);                           \
    }
CONV_BF16(conv3d_k7_n1_bf16, 7, 0, 1)
CONV_BF16(conv3d_k7_n2_bf16, 7, 0, 2)
CONV_BF16(conv3d_k3_n1_bf16, 3, 0, 1)
CONV_BF16(conv3d_k3_n2_bf16, 3, 0, 2)
CONV_BF16(conv3d_k3_n4_bf16, 3, 0, 4)
CONV_BF16(conv3d_k3_n8_bf16, 3, 0, 8)
CONV_BF16(conv3d_k3_up_n1_bf16, 3, 1, 1)
CONV_BF16(conv3d_k3_up_n2_bf16, 3, 1, 2)
CONV_BF16(conv3d_k3_up_n4_bf16, 3, 1, 4)
