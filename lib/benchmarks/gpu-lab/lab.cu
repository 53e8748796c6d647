// Kernel lab for the CUDA renderer (issue 6): times and cross-checks the kernels of lib/src/main/cuda/mpi_render.cu
// (and experimental variants defined here: register caps, 4 rows per thread, layered-texture paths, the original
// plane-sweep kernel as reference) in plain CUDA C++, on the same scene as GpuBenchmark, so that variants can be
// compared and profiled (ncu) in one device call without the Java stack.
//   nvcc -O3 -arch=sm_90 -std=c++20 -o lab lab.cu     (here: nvcc 13 builds a binary that runs on the device)
//   ./lab bench   correctness on rotated/zoomed views, then timings (640x360x32, 1920x1080x32; CUDA events,
//                 median of 30 after 5 warm-ups, one launch and 10 back-to-back)
//   ./lab check   correctness scenes only;   ./lab prof   one launch of the profiled kernels (run under ncu)
//   ./lab psv     plane sweep only: correctness (rotated views, both samplings) and timings of plane_sweep3 / plane_sweep4
//   ./lab pad     padded plain MPIs (render4_*, and a half2-arithmetic f16 variant defined here) against render3_*:
//                 correctness on rotated/zoomed views, then timings; the padded and dense blend-into kernels
// On the device: copy the binary (and this file + mpi_render.cu, to rebuild there) into a git-ignored folder of the
// checkout the device tool sends, name it in `carry`. Reference for every check: the original precise kernels
// (render_*, plane_sweep below), which match CpuRenderer/PlaneSweep to <= 4.2e-7. Results and what they showed:
// lib/benchmarks/gpu-render-NVIDIA-H100-80GB-HBM3.md.
#include "../../src/main/cuda/mpi_render.cu"

// ---------------------------------------------------------------- kernels the library no longer launches (baselines)
// Moved here from mpi_render.cu on 2026-11-26 with their code unchanged (the PTX of every kernel left in the library
// stayed byte-identical): the original kernels on dense MPIs (render_f32 / render_f16: every check's reference),
// render3 on dense plain MPIs and the dense blend-into (the defaults before padded residents), plane sweep v3
// (psv_pack + plane_sweep3) and the plane_sweep4 row variants.
struct PF32 {
    const float4* __restrict__ p;
    __device__ __forceinline__ float4 at(int i) const { return __ldg(p + i); }
};
struct PF16 {
    const uint2* __restrict__ p;
    __device__ __forceinline__ float4 at(int i) const { return SrcF16{p}.at(i); }
};
extern "C" __global__ void render_f32(const float4* __restrict__ mpi, DIMS, OUT) {
    render<false, SrcF32>(SrcF32{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_f16(const uint2* __restrict__ mpi, DIMS, OUT) {
    render<false, SrcF16>(SrcF16{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}

// blended MPI (video path: blend once per frame into a resident MPI, then render views at the plain rate)
extern "C" __global__ void blend_f32(const float4* __restrict__ fg, const float4* __restrict__ bg,
                                     const float* __restrict__ mask, float4* __restrict__ out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        out[i] = mix(__ldg(fg + i), __ldg(bg + i), __ldg(mask + i));
}
extern "C" __global__ void blend_f16(const uint2* __restrict__ fg, const uint2* __restrict__ bg,
                                     const __half* __restrict__ mask, uint2* __restrict__ out, long long n) {
    SrcBlendF16 s{SrcF16{fg}, SrcF16{bg}, mask};
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float4 v = s.at(i);
        __half2 a = __floats2half2_rn(v.x, v.y), b = __floats2half2_rn(v.z, v.w);
        out[i] = make_uint2(*reinterpret_cast<unsigned*>(&a), *reinterpret_cast<unsigned*>(&b));
    }
}

// plane sweep v3 (superseded by v4 below; CudaRenderer no longer launches it): source images packed once as float4 (r+1, g+1, b+1, 0) (psv_pack); one thread per two vertically
// adjacent reference pixels (R = 2) of one view and up to 32 planes (grid z = V * ceil(D / 32), grid y =
// ceil(H / (2 blockDim.y)), blockDim.x a multiple of 32); anchored positions as render3 (exact double path for
// flagged chunks); 4 float4 taps and three coalesced streaming stores per voxel.
extern "C" __global__ void psv_pack(const float* __restrict__ images, const int* __restrict__ meta, int V,
                                    float4* __restrict__ packed, long long total) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < total; i += (long long) gridDim.x * blockDim.x) {
        int v = 0;
        while (v + 1 < V && i >= __ldg(meta + 3 * (v + 1)) / 3) v++;
        int off = __ldg(meta + 3 * v), sp = __ldg(meta + 3 * v + 1) * __ldg(meta + 3 * v + 2);
        long long p = i - off / 3;
        const float* im = images + off;
        packed[i] = make_float4(__ldg(im + p) + 1.f, __ldg(im + sp + p) + 1.f, __ldg(im + 2 * sp + p) + 1.f, 0.f);
    }
}

// plane_sweep's double-precision taps (zero weights where q_z <= 0 or every tap is outside)
__device__ __noinline__ Tap tap_psv(const double* m, double px, double py, double scx, double scy, double ox, int sw, int sh) {
    double qx = fma(m[0], px, fma(m[1], py, m[2])) + m[9];
    double qy = fma(m[3], px, fma(m[4], py, m[5])) + m[10];
    double qz = fma(m[6], px, fma(m[7], py, m[8])) + m[11];
    Tap t;
    t.xa = t.xb = t.ya = t.yb = 0; t.w00 = t.w01 = t.w10 = t.w11 = 0.f;
    if (!(qz > 0.0)) return t;
    double sx = qx / qz * scx - ox, sy = qy / qz * scy - ox;
    if (!(sx > -1 && sy > -1 && sx < sw && sy < sh)) return t;
    double xf = floor(sx), yf = floor(sy);
    int x0 = (int) xf, y0 = (int) yf;
    float fx = (float) (sx - xf), fy = (float) (sy - yf);
    float wx0 = x0 >= 0 ? 1.f - fx : 0.f, wx1 = x0 + 1 < sw ? fx : 0.f;
    float wy0 = y0 >= 0 ? 1.f - fy : 0.f, wy1 = y0 + 1 < sh ? fy : 0.f;
    t.xa = max(x0, 0); t.xb = min(x0 + 1, sw - 1); t.ya = max(y0, 0); t.yb = min(y0 + 1, sh - 1);
    t.w00 = wx0 * wy0; t.w01 = wx1 * wy0; t.w10 = wx0 * wy1; t.w11 = wx1 * wy1;
    return t;
}

template <bool STREAM, int U, int R>
__device__ __forceinline__ void psv3(const float4* __restrict__ packed, const int* __restrict__ meta, int V, int D,
                                     int H, int W, int released, float* __restrict__ out) {
    extern __shared__ float4 s_coef[];
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = R * (blockIdx.y * blockDim.y + threadIdx.y);
    if (__all_sync(0xffffffffu, !(x < W && y < H))) return;
    int nchunk = (D + 31) / 32, v = blockIdx.z / nchunk, d0 = (blockIdx.z - v * nchunk) * 32;
    int tid = threadIdx.y * blockDim.x + threadIdx.x, lane = tid & 31;
    Warp Wp;
    if (R > 1) { Wp.ya = y; Wp.dy = 0.f; Wp.dy0 = 0; Wp.dy1 = R - 1; }
    float4* sc = s_coef + 96 * (tid >> 5);
    int off4 = __ldg(meta + 3 * v) / 3, sw = __ldg(meta + 3 * v + 1), sh = __ldg(meta + 3 * v + 2);
    double scx = released ? (sw - 1.0) / sw : 1.0, scy = released ? (sh - 1.0) / sh : 1.0, ox = released ? 0.0 : 0.5;
    int n = min(32, D - d0);
    bool bad = false;
    if (lane < n) {
        const double* m = c_psv + 12 * (v * D + d0 + lane);
        double g[9] = {m[0] * scx, m[1] * scx, (m[2] + m[9]) * scx, m[3] * scy, m[4] * scy, (m[5] + m[10]) * scy,
                       m[6], m[7], m[8] + m[11]};
        bad = anchor_coef(g, ox, Wp, 0.f, sc + 3 * lane);
    }
    bad = __any_sync(0xffffffffu, bad);
    __syncwarp();
    PF32 im{packed + off4};   // sw * sh < 2^31
    size_t plane = (size_t) H * W, chan = (size_t) D * plane;
    float* o = out + (size_t) (3 * v) * chan + (size_t) d0 * plane + (size_t) y * W + x;
#pragma unroll U
    for (int k = 0; k < n; k++) {
        float4 c[R];
#pragma unroll
        for (int j = 0; j < R; j++) {
            Tap t;
            if (!bad) {
                float qz;
                t = tap3(sc + 3 * k, Wp.dx, R > 1 ? (float) j : Wp.dy, sw, sh, qz);
                if (!(qz > 0.f)) { t.w00 = t.w01 = t.w10 = t.w11 = 0.f; }
            } else {
                t = tap_psv(c_psv + 12 * (v * D + d0 + k), x + 0.5, y + j + 0.5, scx, scy, ox, sw, sh);
            }
            c[j] = fetch(im, 0, t, sw);
        }
#pragma unroll
        for (int j = 0; j < R; j++) {
            if (x < W && y + j < H) {
                float* p = o + (size_t) k * plane + (size_t) j * W;
                if (STREAM) { __stcs(p, c[j].x - 1.f); __stcs(p + chan, c[j].y - 1.f); __stcs(p + 2 * chan, c[j].z - 1.f); }
                else { p[0] = c[j].x - 1.f; p[chan] = c[j].y - 1.f; p[2 * chan] = c[j].z - 1.f; }
            }
        }
    }
}
extern "C" __global__ void plane_sweep3(const float4* __restrict__ packed, const int* __restrict__ meta, int V, int D,
                                        int H, int W, int released, float* __restrict__ out) {
    psv3<true, 1, 2>(packed, meta, V, D, H, W, released, out);
}


extern "C" __global__ void plane_sweep4_r4(const float4* __restrict__ packed, const int* __restrict__ meta, int V, int D,
                                           int H, int W, int released, float* __restrict__ out) {
    psv4<4>(packed, meta, V, D, H, W, released, out);
}
extern "C" __global__ void plane_sweep4_r1(const float4* __restrict__ packed, const int* __restrict__ meta, int V, int D,
                                           int H, int W, int released, float* __restrict__ out) {
    psv4<1>(packed, meta, V, D, H, W, released, out);
}

#define V3D(U) \
extern "C" __global__ void render3_f32_u##U(const float4* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 1, false>(PF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render3_f16_u##U(const uint2* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 1, false>(PF16{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render3_f32_u##U##_r2(const float4* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 2, false>(PF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render3_f16_u##U##_r2(const uint2* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 2, false>(PF16{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
V3D(1)
V3D(2)

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <vector>
#include <string>
#include <algorithm>
#include <functional>

// ---------------------------------------------------------------- the original plane-sweep kernel (reference)
// out [3V, D, H, W]: channel 3v+c of view v; -1 where the voxel sees no source pixel (bilinear of img+1, zeros
// outside, minus 1). Per (view, plane) p = A (x+.5, y+.5, 1) + b (c_psv), p_z <= 0 -> outside, (u,v) = p_xy/p_z,
// sampled at (u*sx - off, v*sy - off): released (s = (W-1)/W, off = 0) or pixel centres (s = 1, off = .5).
// images: V planar [3, sh_v, sw_v] images concatenated; meta[v] = {offset (floats), sw, sh}.
extern "C" __global__ void plane_sweep(const float* __restrict__ images, const int* __restrict__ meta, int V, int D,
                                       int H, int W, int released, float* __restrict__ out) {
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    int vd = blockIdx.z, v = vd / D, d = vd - v * D;
    if (x >= W || y >= H) return;
    const double* m = c_psv + 12 * vd;
    int off = __ldg(meta + 3 * v), sw = __ldg(meta + 3 * v + 1), sh = __ldg(meta + 3 * v + 2);
    double px = x + 0.5, py = y + 0.5;
    double qx = fma(m[0], px, fma(m[1], py, m[2])) + m[9];
    double qy = fma(m[3], px, fma(m[4], py, m[5])) + m[10];
    double qz = fma(m[6], px, fma(m[7], py, m[8])) + m[11];
    float cr = -1.f, cg = -1.f, cb = -1.f;
    if (qz > 0.0) {
        double scx = released ? (sw - 1.0) / sw : 1.0, scy = released ? (sh - 1.0) / sh : 1.0;
        double ox = released ? 0.0 : 0.5;
        double ux = qx * scx, uy = qy * scy;        // sample position = u/qz - ox
        float rz = 1.f / (float) qz;
        float sx = (float) ux * rz - (float) ox, sy = (float) uy * rz - (float) ox;
        if (sx > -2.f && sy > -2.f && sx < sw + 1.f && sy < sh + 1.f) {
            float xf = floorf(sx), yf = floorf(sy);
            float fx = (float) fma(-((double) xf + ox), qz, ux) * rz;
            float fy = (float) fma(-((double) yf + ox), qz, uy) * rz;
            int x0 = (int) xf, y0 = (int) yf;
            if (fx < 0.f) { fx += 1.f; x0 -= 1; } else if (fx >= 1.f) { fx -= 1.f; x0 += 1; }
            if (fy < 0.f) { fy += 1.f; y0 -= 1; } else if (fy >= 1.f) { fy -= 1.f; y0 += 1; }
            if (fx >= 1.f) fx = 0.99999994f;
            if (fy >= 1.f) fy = 0.99999994f;
            bool inside = !(x0 < -1 || y0 < -1 || (x0 == -1 && fx <= 0.f) || (y0 == -1 && fy <= 0.f) || x0 >= sw || y0 >= sh);
            if (inside) {
                float wx0 = x0 >= 0 ? 1.f - fx : 0.f, wx1 = x0 + 1 < sw ? fx : 0.f;
                float wy0 = y0 >= 0 ? 1.f - fy : 0.f, wy1 = y0 + 1 < sh ? fy : 0.f;
                int xa = max(x0, 0), xb = min(x0 + 1, sw - 1), ya = max(y0, 0), yb = min(y0 + 1, sh - 1);
                float w00 = wx0 * wy0, w01 = wx1 * wy0, w10 = wx0 * wy1, w11 = wx1 * wy1;
                int sp = sw * sh;
                const float* im = images + off;
                int a0 = ya * sw + xa, a1 = ya * sw + xb, a2 = yb * sw + xa, a3 = yb * sw + xb;
                float c[3];
#pragma unroll
                for (int k = 0; k < 3; k++) {
                    const float* p = im + k * sp;
                    c[k] = w00 * (__ldg(p + a0) + 1.f) + w01 * (__ldg(p + a1) + 1.f)
                         + w10 * (__ldg(p + a2) + 1.f) + w11 * (__ldg(p + a3) + 1.f) - 1.f;
                }
                cr = c[0]; cg = c[1]; cb = c[2];
            }
        }
    }
    size_t plane = (size_t) H * W, chan = (size_t) D * plane;
    size_t o = (size_t) (3 * v) * chan + (size_t) d * plane + (size_t) y * W + x;
    out[o] = cr; out[o + chan] = cg; out[o + 2 * chan] = cb;
}


// register-capped variants of render3 (occupancy experiments)
extern "C" __global__ void __launch_bounds__(128, 8) render3_f32_u1_c8(const float4* __restrict__ mpi, DIMS, OUT) { render3<1, 1, false>(PF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void __launch_bounds__(128, 10) render3_f32_u1_c10(const float4* __restrict__ mpi, DIMS, OUT) { render3<1, 1, false>(PF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void __launch_bounds__(128, 12) render3_f32_u1_c12(const float4* __restrict__ mpi, DIMS, OUT) { render3<1, 1, false>(PF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void __launch_bounds__(128, 10) render3_f16_u2_c10(const uint2* __restrict__ mpi, DIMS, OUT) { render3<2, 1, false>(PF16{mpi}, D, mh, mw, h, w, rgb, acc, disp); }

extern "C" __global__ void render3_f32_u1_r4(const float4* __restrict__ mpi, DIMS, OUT) { render3<1, 4, false>(PF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void render3_f16_u2_r4(const uint2* __restrict__ mpi, DIMS, OUT) { render3<2, 4, false>(PF16{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void render3_f16_u1_r4(const uint2* __restrict__ mpi, DIMS, OUT) { render3<1, 4, false>(PF16{mpi}, D, mh, mw, h, w, rgb, acc, disp); }

#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { printf("CUDA error %s at %s:%d\n", cudaGetErrorString(e_), __FILE__, __LINE__); exit(1); } } while (0)

// ---------------------------------------------------------------- experimental texture kernels
// tex_hw: hardware bilinear (1 fetch per plane; 8-bit weights), layered texture, border = zero padding.
// tex_pt: point sampling, 4 fetches, float weights (exact), border = zero padding.
template <class T, bool HW, int U>
__device__ __forceinline__ void render_tex(cudaTextureObject_t tex, int D, int mh, int mw, int h, int w,
                                           float* __restrict__ rgb, float* __restrict__ acc, float* __restrict__ disp) {
    extern __shared__ float4 s_coef[];
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    bool inside = x < w && y < h;
    if (__all_sync(0xffffffffu, !inside)) return;
    int tid = threadIdx.y * blockDim.x + threadIdx.x, lane = tid & 31;
    Warp Wp; float dx = Wp.dx, dy = Wp.dy;
    float4* sc = s_coef + 96 * (tid >> 5);
    Acc A;
    for (int c0 = D - 1; c0 >= 0; c0 -= 32) {
        int n = min(32, c0 + 1);
        __syncwarp();
        if (lane < n) anchor_coef(c_hom + 9 * (c0 - lane), 0.5, Wp, c_invd[c0 - lane], sc + 3 * lane);
        __syncwarp();
#pragma unroll U
        for (int k = 0; k < n; k++) {
            int i = c0 - k;
            float4 a = sc[3 * k], b = sc[3 * k + 1], e = sc[3 * k + 2];
            float qz = fmaf(e.x, dy, fmaf(b.w, dx, a.w));
            float rx = fmaf(a.z, dy, fmaf(a.y, dx, a.x));
            float ry = fmaf(b.z, dy, fmaf(b.y, dx, b.x));
            float r = rcp_approx(qz);
            float sx = rx * r, sy = ry * r;
            sx = fminf(fmaxf(sx, -4096.f), 4096.f); sy = fminf(fmaxf(sy, -4096.f), 4096.f);
            float4 c;
            if (HW) {
                c = tex2DLayered<float4>(tex, (float) __float_as_int(e.y) + sx + 0.5f, (float) __float_as_int(e.z) + sy + 0.5f, i);
            } else {
                float fx, fy;
                int x0 = __float_as_int(e.y) + split(sx, fx), y0 = __float_as_int(e.z) + split(sy, fy);
                float X = x0 + 0.5f, Y = y0 + 0.5f;
                float4 t00 = tex2DLayered<float4>(tex, X, Y, i), t01 = tex2DLayered<float4>(tex, X + 1.f, Y, i);
                float4 t10 = tex2DLayered<float4>(tex, X, Y + 1.f, i), t11 = tex2DLayered<float4>(tex, X + 1.f, Y + 1.f, i);
                Tap t; t.w00 = (1 - fx) * (1 - fy); t.w01 = fx * (1 - fy); t.w10 = (1 - fx) * fy; t.w11 = fx * fy;
                c = wsum(t, t00, t01, t10, t11);
            }
            A.over(c, e.w);
        }
    }
    if (!inside) return;
    size_t hw = (size_t) h * w, o = (size_t) y * w + x;
    rgb[o] = A.r; rgb[hw + o] = A.g; rgb[2 * hw + o] = A.b; acc[o] = A.a; disp[o] = A.d;
}
extern "C" __global__ void tex_hw_u2(cudaTextureObject_t t, DIMS, OUT) { render_tex<float4, true, 2>(t, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void tex_pt_u2(cudaTextureObject_t t, DIMS, OUT) { render_tex<float4, false, 2>(t, D, mh, mw, h, w, rgb, acc, disp); }


// ---------------------------------------------------------------- padded-MPI experiments (render4, mpi_render.cu)
// f16 with the bilinear sum in half2 arithmetic (HFMA2; weights rounded to half): fewer instructions, less exact
struct PF16PH {
    const uint2* __restrict__ p;
    __device__ __forceinline__ float4 at(int i) const { return SrcF16{p}.at(i); }
    __device__ __forceinline__ float4 bil(int i, int pw, float fx, float fy) const {
        float gx = 1.f - fx, gy = 1.f - fy;
        const uint2* q = p + i;
        uint2 a = __ldg(q), b = __ldg(q + 1), c = __ldg(q + pw), d = __ldg(q + pw + 1);
        __half2 w00 = __float2half2_rn(gx * gy), w01 = __float2half2_rn(fx * gy), w10 = __float2half2_rn(gx * fy), w11 = __float2half2_rn(fx * fy);
        auto H = [](unsigned u) { return *reinterpret_cast<__half2*>(&u); };
        __half2 lo = __hmul2(H(a.x), w00), hi = __hmul2(H(a.y), w00);
        lo = __hfma2(H(b.x), w01, lo); hi = __hfma2(H(b.y), w01, hi);
        lo = __hfma2(H(c.x), w10, lo); hi = __hfma2(H(c.y), w10, hi);
        lo = __hfma2(H(d.x), w11, lo); hi = __hfma2(H(d.y), w11, hi);
        float2 f0 = __half22float2(lo), f1 = __half22float2(hi);
        return make_float4(f0.x, f0.y, f1.x, f1.y);
    }
};
extern "C" __global__ void render4_f16h_u1_r2(const uint2* __restrict__ mpi, DIMS, OUT) { render3<1, 2, true>(PF16PH{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void render4_f16h_u2_r2(const uint2* __restrict__ mpi, DIMS, OUT) { render3<2, 2, true>(PF16PH{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void render4_f16h_u1(const uint2* __restrict__ mpi, DIMS, OUT) { render3<1, 1, true>(PF16PH{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void render4_f32_u1_r4(const float4* __restrict__ mpi, DIMS, OUT) { render3<1, 4, true>(PF32P{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
extern "C" __global__ void render4_f16_u1_r4(const uint2* __restrict__ mpi, DIMS, OUT) { render3<1, 4, true>(PF16P{mpi}, D, mh, mw, h, w, rgb, acc, disp); }

__global__ void fill_random(float* p, size_t n, unsigned seed) {
    for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < n; i += (size_t) gridDim.x * blockDim.x) {
        unsigned x = (unsigned) i * 2654435761u ^ seed * 0x9E3779B9u ^ (unsigned) (i >> 32) * 0x85ebca6bu;
        x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; x ^= x >> 16;
        p[i] = (x >> 8) * (1.0f / 16777216.0f);
    }
}

// ---------------------------------------------------------------- host maths (Homography.targetToReference)
static void matmul3(const double* a, const double* b, double* c) {
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) { double s = 0; for (int k = 0; k < 3; k++) s += a[3 * i + k] * b[3 * k + j]; c[3 * i + j] = s; }
}
static void inv3(const double* m, double* o) {
    double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    o[0] = (m[4] * m[8] - m[5] * m[7]) / det; o[1] = (m[2] * m[7] - m[1] * m[8]) / det; o[2] = (m[1] * m[5] - m[2] * m[4]) / det;
    o[3] = (m[5] * m[6] - m[3] * m[8]) / det; o[4] = (m[0] * m[8] - m[2] * m[6]) / det; o[5] = (m[2] * m[3] - m[0] * m[5]) / det;
    o[6] = (m[3] * m[7] - m[4] * m[6]) / det; o[7] = (m[1] * m[6] - m[0] * m[7]) / det; o[8] = (m[0] * m[4] - m[1] * m[3]) / det;
}
// target pose relative to reference: R = yaw about y, t; K = [[f,0,W/2],[0,f,H/2],[0,0,1]] (same for both, fscale for target)
static void homographies(int W, int H, int D, double tx, double ty, double tz, double yaw, double fscale, std::vector<double>& hom, std::vector<float>& invd) {
    double K[9] = {0.8 * W, 0, W / 2.0, 0, 0.8 * W, H / 2.0, 0, 0, 1}, Kt[9] = {0.8 * W * fscale, 0, W / 2.0, 0, 0.8 * W * fscale, H / 2.0, 0, 0, 1}, Kti[9];
    inv3(Kt, Kti);
    double cs = cos(yaw), sn = sin(yaw);
    double R[9] = {cs, 0, sn, 0, 1, 0, -sn, 0, cs}, Rt[9] = {cs, 0, -sn, 0, 1, 0, sn, 0, cs};
    double t[3] = {tx, ty, tz}, rtt[3];
    for (int i = 0; i < 3; i++) rtt[i] = Rt[3 * i] * t[0] + Rt[3 * i + 1] * t[1] + Rt[3 * i + 2] * t[2];
    (void) R;
    hom.resize(9 * D); invd.resize(D);
    for (int i = 0; i < D; i++) {
        double dep = 1.0 / (0.01 + (1.0 - 0.01) * i / (D - 1));
        double m[9], tmp[9], hh[9];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) m[3 * r + c] = Rt[3 * r + c] - rtt[r] * Rt[6 + c] / (dep + rtt[2]);
        matmul3(K, m, tmp); matmul3(tmp, Kti, hh);
        for (int k = 0; k < 9; k++) hom[9 * i + k] = hh[k];
        invd[i] = (float) (1.0 / dep);
    }
}

__global__ void maxdiff_k(const float* a, const float* b, size_t n, unsigned* m) {
    float mx = 0.f;
    for (size_t i = blockIdx.x * (size_t) blockDim.x + threadIdx.x; i < n; i += (size_t) gridDim.x * blockDim.x) {
        float d = fabsf(a[i] - b[i]);
        if (!(d <= mx)) mx = d != d ? 1e30f : d;   // NaN counts as huge
    }
    atomicMax(m, __float_as_uint(mx));
}
static float maxdiff(const float* a, const float* b, size_t n) {
    static unsigned* m = nullptr;
    if (!m) CK(cudaMalloc(&m, 4));
    CK(cudaMemset(m, 0, 4));
    maxdiff_k<<<1024, 256>>>(a, b, n, m);
    unsigned h; CK(cudaMemcpy(&h, m, 4, cudaMemcpyDeviceToHost));
    float f; memcpy(&f, &h, 4); return f;
}

struct Timing { float one, b2b; };
static Timing timeit(const std::function<void()>& f, int iters = 30) {
    cudaEvent_t a, b; CK(cudaEventCreate(&a)); CK(cudaEventCreate(&b));
    for (int i = 0; i < 5; i++) f();
    CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
    std::vector<float> one(iters), bb(iters);
    for (int i = 0; i < iters; i++) { cudaEventRecord(a); f(); cudaEventRecord(b); cudaEventSynchronize(b); cudaEventElapsedTime(&one[i], a, b); }
    for (int i = 0; i < iters; i++) { cudaEventRecord(a); for (int k = 0; k < 10; k++) f(); cudaEventRecord(b); cudaEventSynchronize(b); cudaEventElapsedTime(&bb[i], a, b); bb[i] /= 10; }
    CK(cudaGetLastError());
    std::sort(one.begin(), one.end()); std::sort(bb.begin(), bb.end());
    cudaEventDestroy(a); cudaEventDestroy(b);
    return {one[iters / 2], bb[iters / 2]};
}

typedef void (*KF32)(const float4*, int, int, int, int, int, float*, float*, float*);
typedef void (*KF16)(const uint2*, int, int, int, int, int, float*, float*, float*);
typedef void (*KBL)(const float4*, const float4*, const float*, int, int, int, int, int, float*, float*, float*);
typedef void (*KBLH)(const uint2*, const uint2*, const __half*, int, int, int, int, int, float*, float*, float*);

static bool PROF = false, PSVONLY = false;

static void scene(int W, int H, int D, int hard) {
    printf("\n== %dx%dx%d%s\n", W, H, D, hard ? " (rotated, zoomed view: correctness only)" : "");
    auto report = [&](const char* name, int bx, int by, Timing t, double bytes, float err) {
        printf("| %-34s | %dx%d | %dx%dx%d | %.4f | %.4f | %5.0f | %3.0f%% | %.2e |\n", name, bx, by, W, H, D, t.one, t.b2b,
               bytes / (t.b2b * 1e-3) / 1e9, 100 * bytes / (t.b2b * 1e-3) / 3.35e12, err);
    };
    if (!PSVONLY) {
    std::vector<double> hom; std::vector<float> invd;
    if (hard == 2) homographies(W, H, D, 0.2, -0.1, 0.3, 0.4, 0.3, hom, invd);   // zoomed out, rotated: exercises the fallback
    else if (hard) homographies(W, H, D, -0.1, 0.03, 0.05, 0.08, 1.3, hom, invd);
    else homographies(W, H, D, 0.05, 0.02, 0, 0, 1.0, hom, invd);
    CK(cudaMemcpyToSymbol(c_hom, hom.data(), hom.size() * 8)); CK(cudaMemcpyToSymbol(c_invd, invd.data(), invd.size() * 4));
    size_t nv = (size_t) D * H * W, hw = (size_t) H * W;
    float *mpi, *bg, *mask, *out, *ref, *refb, *refh;
    __half *mpih, *bgh, *maskh;
    CK(cudaMalloc(&mpi, nv * 16)); CK(cudaMalloc(&bg, nv * 16)); CK(cudaMalloc(&mask, nv * 4));
    CK(cudaMalloc(&mpih, nv * 8)); CK(cudaMalloc(&bgh, nv * 8)); CK(cudaMalloc(&maskh, nv * 2));
    CK(cudaMalloc(&out, hw * 20)); CK(cudaMalloc(&ref, hw * 20)); CK(cudaMalloc(&refb, hw * 20)); CK(cudaMalloc(&refh, hw * 20));
    fill_random<<<1024, 256>>>(mpi, nv * 4, 1); fill_random<<<1024, 256>>>(bg, nv * 4, 2); fill_random<<<1024, 256>>>(mask, nv, 3);
    f32_to_f16<<<1024, 256>>>(mpi, mpih, nv * 4); f32_to_f16<<<1024, 256>>>(bg, bgh, nv * 4); f32_to_f16<<<1024, 256>>>(mask, maskh, nv);
    CK(cudaDeviceSynchronize());
    auto O = [&](float* o) { return std::make_tuple(o, o + 3 * hw, o + 4 * hw); };
    double mb = nv * 16.0;
    // references (v1 precise, 128x2)
    {
        dim3 b(128, 2), g((W + 127) / 128, (H + 1) / 2);
        auto [r, a, d] = O(ref); render_f32<<<g, b>>>((const float4*) mpi, D, H, W, H, W, r, a, d);
        auto [r2, a2, d2] = O(refb); render_blend_f32<<<g, b>>>((const float4*) mpi, (const float4*) bg, mask, D, H, W, H, W, r2, a2, d2);
        auto [r3, a3, d3] = O(refh); render_f16<<<g, b>>>((const uint2*) mpih, D, H, W, H, W, r3, a3, d3);
        CK(cudaDeviceSynchronize());
    }
    auto [r, a, d] = O(out);
    auto launch_old = [&](KF32 k, int bx, int by) { dim3 b(bx, by), g((W + bx - 1) / bx, (H + by - 1) / by); k<<<g, b>>>((const float4*) mpi, D, H, W, H, W, r, a, d); };
    auto run3 = [&](const char* name, KF32 k, int bx, int by) {
        dim3 b(bx, by), g((W + bx - 1) / bx, (H + by - 1) / by); int sm = (bx * by / 32) * 1536;
        CK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, sm));
        auto f = [&] { k<<<g, b, sm>>>((const float4*) mpi, D, H, W, H, W, r, a, d); };
        CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
        float e = maxdiff(out, ref, hw * 5);
        if (PROF || hard) { printf("%s %dx%d: max diff vs v1 %.2e\n", name, bx, by, e); return; }
        report(name, bx, by, timeit(f), mb, e);
    };
    auto run3r2 = [&](const char* name, KF32 k, int bx, int by, int R = 2) {
        dim3 b(bx, by), g((W + bx - 1) / bx, (H + R * by - 1) / (R * by)); int sm = (bx * by / 32) * 1536;
        auto f = [&] { k<<<g, b, sm>>>((const float4*) mpi, D, H, W, H, W, r, a, d); };
        CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
        float e = maxdiff(out, ref, hw * 5);
        if (PROF || hard) { printf("%s %dx%d: max diff vs v1 %.2e\n", name, bx, by, e); return; }
        report(name, bx, by, timeit(f), mb, e);
    };
    auto run3r2h = [&](const char* name, KF16 k, int bx, int by, int R = 2) {
        dim3 b(bx, by), g((W + bx - 1) / bx, (H + R * by - 1) / (R * by)); int sm = (bx * by / 32) * 1536;
        auto f = [&] { k<<<g, b, sm>>>((const uint2*) mpih, D, H, W, H, W, r, a, d); };
        CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
        float e = maxdiff(out, refh, hw * 5);
        if (PROF || hard) { printf("%s %dx%d: max diff vs v1 f16 %.2e\n", name, bx, by, e); return; }
        report(name, bx, by, timeit(f), mb / 2, e);
    };
    auto run3h = [&](const char* name, KF16 k, int bx, int by) {
        dim3 b(bx, by), g((W + bx - 1) / bx, (H + by - 1) / by); int sm = (bx * by / 32) * 1536;
        CK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, sm));
        auto f = [&] { k<<<g, b, sm>>>((const uint2*) mpih, D, H, W, H, W, r, a, d); };
        CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
        float e = maxdiff(out, refh, hw * 5), e32 = maxdiff(out, ref, hw * 5);
        if (PROF || hard) { printf("%s %dx%d: max diff vs v1 f16 %.2e (vs f32 %.2e)\n", name, bx, by, e, e32); return; }
        report(name, bx, by, timeit(f), mb / 2, e);
    };
    auto run3b = [&](const char* name, KBL k, int bx, int by) {
        dim3 b(bx, by), g((W + bx - 1) / bx, (H + by - 1) / by); int sm = (bx * by / 32) * 1536;
        CK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, sm));
        auto f = [&] { k<<<g, b, sm>>>((const float4*) mpi, (const float4*) bg, mask, D, H, W, H, W, r, a, d); };
        CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
        float e = maxdiff(out, refb, hw * 5);
        if (PROF || hard) { printf("%s %dx%d: max diff vs v1 blend %.2e\n", name, bx, by, e); return; }
        report(name, bx, by, timeit(f), mb * 9 / 4, e);
    };
    auto run3bh = [&](const char* name, KBLH k, int bx, int by) {
        dim3 b(bx, by), g((W + bx - 1) / bx, (H + by - 1) / by); int sm = (bx * by / 32) * 1536;
        CK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, sm));
        auto f = [&] { k<<<g, b, sm>>>((const uint2*) mpih, (const uint2*) bgh, maskh, D, H, W, H, W, r, a, d); };
        CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
        float e = maxdiff(out, refb, hw * 5);
        if (PROF || hard) { printf("%s %dx%d: max diff vs v1 f32 blend %.2e\n", name, bx, by, e); return; }
        report(name, bx, by, timeit(f), mb * 9 / 8, e);
    };
    if (PROF) {   // one launch each of the kernels ncu should look at
        run3("render3_f32_u1", render3_f32_u1, 32, 4);
        run3r2("render3_f32_u1_r2", render3_f32_u1_r2, 32, 4);
        run3r2h("render3_f16_u2_r2", render3_f16_u2_r2, 32, 4);
        run3b("render3_blend_f32_u1", render3_blend_f32_u1, 32, 4);
    } else if (hard) {
        for (auto bs : std::vector<std::pair<int, int>>{{32, 8}, {64, 4}, {16, 16}, {8, 8}, {128, 1}, {32, 3}}) {
            run3("render3_f32_u1", render3_f32_u1, bs.first, bs.second);
            run3("render3_f32_u2", render3_f32_u2, bs.first, bs.second);
        }
        run3h("render3_f16_u2", render3_f16_u2, 32, 4);
        run3r2("render3_f32_u1_r2", render3_f32_u1_r2, 32, 4);
        run3r2("render3_f32_u1_r2", render3_f32_u1_r2, 64, 1);
        run3r2h("render3_f16_u2_r2", render3_f16_u2_r2, 32, 2);
        run3b("render3_blend_f32_u2", render3_blend_f32_u2, 32, 4);
        run3bh("render3_blend_f16_u2", render3_blend_f16_u2, 32, 4);
    } else {
        printf("| kernel | block | size | ms 1 launch | ms back-to-back | GB/s | %% of 3.35 TB/s | max diff vs v1 |\n|---|---|---|---|---|---|---|---|\n");
        report("v1 render_f32 (precise)", 128, 2, timeit([&] { launch_old(render_f32, 128, 2); }), mb, 0);
        report("v1 render_f32 (precise)", 64, 4, timeit([&] { launch_old(render_f32, 64, 4); }), mb, 0);
        for (auto bs : std::vector<std::pair<int, int>>{{32, 4}, {64, 2}}) {
            run3("render3_f32_u1", render3_f32_u1, bs.first, bs.second);
            run3h("render3_f16_u2", render3_f16_u2, bs.first, bs.second);
            run3b("render3_blend_f32_u1", render3_blend_f32_u1, bs.first, bs.second);
        }
        for (auto bs : std::vector<std::pair<int, int>>{{32, 2}, {32, 4}, {64, 1}}) {
            run3r2("render3_f32_u1_r2 (2 rows/thread)", render3_f32_u1_r2, bs.first, bs.second);
            run3r2h("render3_f16_u2_r2 (2 rows/thread)", render3_f16_u2_r2, bs.first, bs.second);
            run3r2("render3_f32_u1_r4 (4 rows/thread)", render3_f32_u1_r4, bs.first, bs.second, 4);
            run3r2h("render3_f16_u2_r4 (4 rows/thread)", render3_f16_u2_r4, bs.first, bs.second, 4);
            run3r2h("render3_f16_u1_r4 (4 rows/thread)", render3_f16_u1_r4, bs.first, bs.second, 4);
        }
        {   // originals for blend / f16
            dim3 b(128, 2), g((W + 127) / 128, (H + 1) / 2);
            report("v1 render_blend_f32 (original)", 128, 2, timeit([&] { render_blend_f32<<<g, b>>>((const float4*) mpi, (const float4*) bg, mask, D, H, W, H, W, r, a, d); }), mb * 9 / 4, 0);
            report("v1 render_f16 (original)", 128, 2, timeit([&] { render_f16<<<g, b>>>((const uint2*) mpih, D, H, W, H, W, r, a, d); }), mb / 2, 0);
        }
        // texture paths (layered cuArray, block-linear)
        for (int hwf = 0; hwf < 0; hwf++) {
            cudaArray_t arr; cudaChannelFormatDesc desc = cudaCreateChannelDesc<float4>();
            CK(cudaMalloc3DArray(&arr, &desc, make_cudaExtent(W, H, D), cudaArrayLayered));
            cudaMemcpy3DParms p = {}; p.srcPtr = make_cudaPitchedPtr(mpi, W * 16, W, H); p.dstArray = arr; p.extent = make_cudaExtent(W, H, D); p.kind = cudaMemcpyDeviceToDevice;
            CK(cudaMemcpy3D(&p));
            cudaResourceDesc rd = {}; rd.resType = cudaResourceTypeArray; rd.res.array.array = arr;
            cudaTextureDesc td = {}; td.addressMode[0] = td.addressMode[1] = cudaAddressModeBorder; td.filterMode = hwf ? cudaFilterModeLinear : cudaFilterModePoint;
            td.readMode = cudaReadModeElementType; td.normalizedCoords = 0;
            cudaTextureObject_t tex; CK(cudaCreateTextureObject(&tex, &rd, &td, nullptr));
            for (auto bs : std::vector<std::pair<int, int>>{{32, 8}}) {
                dim3 b(bs.first, bs.second), g((W + bs.first - 1) / bs.first, (H + bs.second - 1) / bs.second); int sm = (bs.first * bs.second / 32) * 1536;
                auto f = [&] { if (hwf) tex_hw_u2<<<g, b, sm>>>(tex, D, H, W, H, W, r, a, d); else tex_pt_u2<<<g, b, sm>>>(tex, D, H, W, H, W, r, a, d); };
                CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
                report(hwf ? "tex float4 hw bilinear (1 fetch)" : "tex float4 point x4 (exact)", bs.first, bs.second, timeit(f), mb, maxdiff(out, ref, hw * 5));
            }
            CK(cudaDestroyTextureObject(tex)); CK(cudaFreeArray(arr));
        }
        // half4 texture hw bilinear
        {
            cudaArray_t arr; cudaChannelFormatDesc desc = cudaCreateChannelDescHalf4();
            CK(cudaMalloc3DArray(&arr, &desc, make_cudaExtent(W, H, D), cudaArrayLayered));
            cudaMemcpy3DParms p = {}; p.srcPtr = make_cudaPitchedPtr(mpih, W * 8, W, H); p.dstArray = arr; p.extent = make_cudaExtent(W, H, D); p.kind = cudaMemcpyDeviceToDevice;
            CK(cudaMemcpy3D(&p));
            cudaResourceDesc rd = {}; rd.resType = cudaResourceTypeArray; rd.res.array.array = arr;
            for (int hwf = 1; hwf < 2; hwf++) {
                cudaTextureDesc td = {}; td.addressMode[0] = td.addressMode[1] = cudaAddressModeBorder; td.filterMode = hwf ? cudaFilterModeLinear : cudaFilterModePoint;
                td.readMode = cudaReadModeElementType; td.normalizedCoords = 0;
                cudaTextureObject_t tex; CK(cudaCreateTextureObject(&tex, &rd, &td, nullptr));
                dim3 b(32, 8), g((W + 31) / 32, (H + 7) / 8); int sm = 8 * 1536;
                auto f = [&] { if (hwf) tex_hw_u2<<<g, b, sm>>>(tex, D, H, W, H, W, r, a, d); else tex_pt_u2<<<g, b, sm>>>(tex, D, H, W, H, W, r, a, d); };
                CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
                report(hwf ? "tex half4 hw bilinear (1 fetch)" : "tex half4 point x4", 32, 8, timeit(f), mb / 2, maxdiff(out, ref, hw * 5));
                CK(cudaDestroyTextureObject(tex));
            }
            CK(cudaFreeArray(arr));
        }
    }
    cudaFree(mpi); cudaFree(bg); cudaFree(mask); cudaFree(mpih); cudaFree(bgh); cudaFree(maskh); cudaFree(out); cudaFree(ref); cudaFree(refb); cudaFree(refh);
    }

    // ---------------- plane sweep: 4 views of the reference size (as GpuBenchmark), D planes
    if (hard && D > 16) return;
    int V = 4;
    std::vector<double> cps(12 * V * D);
    std::vector<int> meta(3 * V);
    double K[9] = {0.8 * W, 0, W / 2.0, 0, 0.8 * W, H / 2.0, 0, 0, 1}, Ki[9];
    inv3(K, Ki);
    for (int v = 0; v < V; v++) {
        double yaw = hard ? 0.03 * v : 0, cs = cos(yaw), sn = sin(yaw);
        double R[9] = {cs, 0, sn, 0, 1, 0, -sn, 0, cs}, KR[9], krk[9];
        matmul3(K, R, KR); matmul3(KR, Ki, krk);
        double t[3] = {0.03 * v, hard ? -0.01 * v : 0, 0};
        double b[3]; for (int i = 0; i < 3; i++) b[i] = K[3 * i] * t[0] + K[3 * i + 1] * t[1] + K[3 * i + 2] * t[2];
        for (int dd = 0; dd < D; dd++) {
            double dep = 1.0 / (0.01 + (1.0 - 0.01) * dd / (D - 1));
            for (int i = 0; i < 9; i++) cps[12 * (v * D + dd) + i] = krk[i] * dep;
            for (int i = 0; i < 3; i++) cps[12 * (v * D + dd) + 9 + i] = b[i];
        }
        meta[3 * v] = 3 * W * H * v; meta[3 * v + 1] = W; meta[3 * v + 2] = H;
    }
    CK(cudaMemcpyToSymbol(c_psv, cps.data(), cps.size() * 8));
    float *img, *po, *pr; float4* packed; int* dmeta;
    size_t tot = (size_t) 3 * W * H * V, vol = (size_t) 3 * V * D * H * W;
    CK(cudaMalloc(&img, tot * 4)); CK(cudaMalloc(&packed, tot / 3 * 16)); CK(cudaMalloc(&dmeta, meta.size() * 4));
    CK(cudaMalloc(&po, vol * 4)); CK(cudaMalloc(&pr, vol * 4));
    fill_random<<<1024, 256>>>(img, tot, 7);
    CK(cudaMemcpy(dmeta, meta.data(), meta.size() * 4, cudaMemcpyHostToDevice));
    std::vector<int> meta4(meta); size_t tot4 = 0;
    for (int v = 0; v < V; v++) { meta4.push_back((int) tot4); tot4 += (size_t) (W + 4) * (H + 4); }
    float4* packed4; int* dmeta4;
    CK(cudaMalloc(&packed4, tot4 * 16)); CK(cudaMalloc(&dmeta4, meta4.size() * 4));
    CK(cudaMemcpy(dmeta4, meta4.data(), meta4.size() * 4, cudaMemcpyHostToDevice));
    for (int rel = 1; rel >= 0; rel--) {
        auto old = [&] { plane_sweep<<<dim3((W + 31) / 32, (H + 7) / 8, V * D), dim3(32, 8)>>>(img, dmeta, V, D, H, W, rel, pr); };
        old(); CK(cudaDeviceSynchronize());
        auto pack = [&] { psv_pack<<<(unsigned) std::min<size_t>((tot / 3 + 255) / 256, 16384), 256>>>(img, dmeta, V, packed, (long long) (tot / 3)); };
        if (PROF) {
                pack(); CK(cudaDeviceSynchronize());
            plane_sweep3<<<dim3((W + 127) / 128, (H + 1) / 2, V * ((D + 31) / 32)), dim3(128, 1), 4 * 1536>>>(packed, dmeta, V, D, H, W, rel, po);
            CK(cudaDeviceSynchronize());
            printf("psv3 released=%d: max diff vs v1 %.2e\n", rel, maxdiff(po, pr, vol));
            return;
        }
        if (!hard && rel == 1) report("v1 plane_sweep (bytes written)", 32, 8, timeit(old), vol * 4.0, 0);
        typedef void (*KP)(const float4*, const int*, int, int, int, int, int, float*);
        KP pk[] = {plane_sweep3};
        const char* pn[] = {"plane_sweep3 (2 rows/thread)"};
        int pr_[] = {2};
        for (int q = 0; q < 1; q++) for (auto bs : std::vector<std::pair<int, int>>{{32, 4}, {128, 1}, {64, 1}, {32, 2}}) {
            if (hard && bs.first != 32) continue;
            int R = pr_[q];
            dim3 b(bs.first, bs.second), g((W + bs.first - 1) / bs.first, (H + R * bs.second - 1) / (R * bs.second), V * ((D + 31) / 32));
            int sm = (bs.first * bs.second / 32) * 1536;
            auto f = [&] { pk[q]<<<g, b, sm>>>(packed, dmeta, V, D, H, W, rel, po); };
            pack(); CK(cudaMemset(po, 0xff, vol * 4)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
            float e = maxdiff(po, pr, vol);
            if (hard || rel == 0) { printf("%s released=%d %dx%d: max diff vs v1 %.2e\n", pn[q], rel, bs.first, bs.second, e); continue; }
            report(pn[q], bs.first, bs.second, timeit(f), vol * 4.0, e);
        }
        if (!hard && rel == 1) report("psv_pack alone", 256, 1, timeit(pack), tot / 3 * 16.0 + tot * 4.0, 0);
        auto pack4 = [&] { psv_pack4<<<(unsigned) std::min<size_t>((tot4 + 255) / 256, 16384), 256>>>(img, dmeta4, V, packed4, (long long) tot4); };
        KP pk4[] = {plane_sweep4, plane_sweep4_r4, plane_sweep4_r1};
        const char* pn4[] = {"plane_sweep4 (2 rows/thread)", "plane_sweep4 (4 rows/thread)", "plane_sweep4 (1 row/thread)"};
        int pr4[] = {2, 4, 1}, px4[] = {1, 1, 1};
        for (int q = 0; q < 3; q++) for (auto bs : std::vector<std::pair<int, int>>{{128, 1}, {32, 4}, {64, 1}, {256, 1}}) {
            if ((hard || rel == 0) && bs.first != 32 && bs.first != 128) continue;
            int R = pr4[q], X = px4[q];
            if (W % X) continue;
            dim3 b(bs.first, bs.second), g((W + X * bs.first - 1) / (X * bs.first), (H + R * bs.second - 1) / (R * bs.second), V * ((D + 31) / 32));
            int sm = (bs.first * bs.second / 32) * 1536;
            auto f = [&] { pk4[q]<<<g, b, sm>>>(packed4, dmeta4, V, D, H, W, rel, po); };
            pack4(); CK(cudaMemset(po, 0xff, vol * 4)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
            float e = maxdiff(po, pr, vol);
            if (hard || rel == 0) { printf("%s released=%d %dx%d: max diff vs v1 %.2e\n", pn4[q], rel, bs.first, bs.second, e); continue; }
            report(pn4[q], bs.first, bs.second, timeit(f), vol * 4.0, e);
            if (q == 0 && bs.first == 128) report("psv_pack4 + plane_sweep4 (2 rows) 128x1", 128, 1, timeit([&] { pack4(); f(); }), vol * 4.0, e);
        }
        if (!hard && rel == 1) {
            dim3 b(128, 1), g((W + 127) / 128, (H + 1) / 2, V * ((D + 31) / 32));
            report("psv_pack + plane_sweep3 128x1 (shipped)", 128, 1, timeit([&] { pack(); plane_sweep3<<<g, b, 4 * 1536>>>(packed, dmeta, V, D, H, W, rel, po); }), vol * 4.0, 0);
            report("psv_pack4 alone", 256, 1, timeit(pack4), tot4 * 16.0 + tot * 4.0, 0);
        }
    }
    cudaFree(img); cudaFree(packed); cudaFree(dmeta); cudaFree(po); cudaFree(pr); cudaFree(packed4); cudaFree(dmeta4);
}

// ./lab pad: render4 (padded MPIs) against render3 (shipped) and the originals; correctness on rotated/zoomed views,
// timings on the benchmark view
static void scene4(int W, int H, int D, int hard) {
    printf("\n== pad %dx%dx%d%s\n", W, H, D, hard ? " (rotated/zoomed view: correctness only)" : "");
    std::vector<double> hom; std::vector<float> invd;
    if (hard == 2) homographies(W, H, D, 0.2, -0.1, 0.3, 0.4, 0.3, hom, invd);
    else if (hard) homographies(W, H, D, -0.1, 0.03, 0.05, 0.08, 1.3, hom, invd);
    else homographies(W, H, D, 0.05, 0.02, 0, 0, 1.0, hom, invd);
    CK(cudaMemcpyToSymbol(c_hom, hom.data(), hom.size() * 8)); CK(cudaMemcpyToSymbol(c_invd, invd.data(), invd.size() * 4));
    size_t nv = (size_t) D * H * W, hw = (size_t) H * W, np = (size_t) D * (H + 4) * (W + 4);
    float *mpi, *bg, *mask, *out, *ref, *refh; float4 *mpiP, *vid; uint2 *mpihP, *vidh; __half *mpih, *bgh, *maskh;
    CK(cudaMalloc(&mpi, nv * 16)); CK(cudaMalloc(&bg, nv * 16)); CK(cudaMalloc(&mask, nv * 4)); CK(cudaMalloc(&mpih, nv * 8));
    CK(cudaMalloc(&bgh, nv * 8)); CK(cudaMalloc(&maskh, nv * 2));
    CK(cudaMalloc(&mpiP, np * 16)); CK(cudaMalloc(&mpihP, np * 8)); CK(cudaMalloc(&vid, nv * 16)); CK(cudaMalloc(&vidh, nv * 8));
    float4* vidP; uint2* vidhP; CK(cudaMalloc(&vidP, np * 16)); CK(cudaMalloc(&vidhP, np * 8));
    CK(cudaMemset(vidP, 0, np * 16)); CK(cudaMemset(vidhP, 0, np * 8));
    CK(cudaMalloc(&out, hw * 20)); CK(cudaMalloc(&ref, hw * 20)); CK(cudaMalloc(&refh, hw * 20));
    fill_random<<<1024, 256>>>(mpi, nv * 4, 1); fill_random<<<1024, 256>>>(bg, nv * 4, 2); fill_random<<<1024, 256>>>(mask, nv, 3);
    f32_to_f16<<<1024, 256>>>(mpi, mpih, nv * 4); f32_to_f16<<<1024, 256>>>(bg, bgh, nv * 4); f32_to_f16<<<1024, 256>>>(mask, maskh, nv);
    dim3 pg((W + 4 + 127) / 128, H + 4, D);
    pad_f32<<<pg, 128>>>((const float4*) mpi, mpiP, H, W); pad_f16<<<pg, 128>>>((const float4*) mpi, mpihP, H, W);
    CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
    auto O = [&](float* o) { return std::make_tuple(o, o + 3 * hw, o + 4 * hw); };
    {
        dim3 b(128, 2), g((W + 127) / 128, (H + 1) / 2);
        auto [r, a, d] = O(ref); render_f32<<<g, b>>>((const float4*) mpi, D, H, W, H, W, r, a, d);
        auto [r3, a3, d3] = O(refh); render_f16<<<g, b>>>((const uint2*) mpih, D, H, W, H, W, r3, a3, d3);
        CK(cudaDeviceSynchronize());
    }
    auto [r, a, d] = O(out);
    auto report = [&](const char* name, int bx, int by, Timing t, double bytes, float err, float err32) {
        printf("| %-40s | %dx%d | %dx%dx%d | %.4f | %.4f | %5.0f | %3.0f%% | %.2e | %.2e |\n", name, bx, by, W, H, D, t.one, t.b2b,
               bytes / (t.b2b * 1e-3) / 1e9, 100 * bytes / (t.b2b * 1e-3) / 3.35e12, err, err32);
    };
    // kind: 0 f32 dense (render3), 1 f16 dense, 2 f32 padded, 3 f16 padded
    auto run = [&](const char* name, void* k, int kind, int bx, int by, int R) {
        dim3 b(bx, by), g((W + bx - 1) / bx, (H + R * by - 1) / (R * by)); int sm = (bx * by / 32) * 1536;
        const void* src = kind == 0 ? (const void*) mpi : kind == 1 ? (const void*) mpih : kind == 2 ? (const void*) mpiP : (const void*) mpihP;
        auto f = [&] {
            void* args[] = {(void*) &src, (void*) &D, (void*) &H, (void*) &W, (void*) &H, (void*) &W, (void*) &r, (void*) &a, (void*) &d};
            CK(cudaLaunchKernel(k, g, b, args, sm, 0));
        };
        CK(cudaMemset(out, 0xff, hw * 20)); f(); CK(cudaDeviceSynchronize()); CK(cudaGetLastError());
        bool half = kind & 1;
        float e = maxdiff(out, half ? refh : ref, hw * 5), e32 = maxdiff(out, ref, hw * 5);
        if (hard) { printf("%-40s %dx%d: max diff vs v1%s %.2e (vs f32 %.2e)\n", name, bx, by, half ? " f16" : "", e, e32); return; }
        report(name, bx, by, timeit(f), nv * (half ? 8.0 : 16.0), e, e32);
    };
    if (!hard) printf("| kernel | block | size | ms 1 launch | ms back-to-back | GB/s | %% of 3.35 TB/s | max diff vs v1 (same storage) | vs v1 f32 |\n|---|---|---|---|---|---|---|---|---|\n");
    run("render3_f32_u1_r2 (shipped)", (void*) render3_f32_u1_r2, 0, 32, 4, 2);
    for (auto bs : std::vector<std::pair<int, int>>{{32, 4}, {32, 8}, {64, 2}, {32, 2}}) {
        if (hard && bs.second != 4) continue;
        run("render4_f32_u1_r2", (void*) render4_f32_u1_r2, 2, bs.first, bs.second, 2);
        run("render4_f32_u2_r2", (void*) render4_f32_u2_r2, 2, bs.first, bs.second, 2);
        run("render4_f32_u1", (void*) render4_f32_u1, 2, bs.first, bs.second, 1);
        run("render4_f32_u2", (void*) render4_f32_u2, 2, bs.first, bs.second, 1);
    }
    run("render4_f32_u1_r4", (void*) render4_f32_u1_r4, 2, 32, 4, 4);
    run("render3_f16_u1_r2 (shipped)", (void*) render3_f16_u1_r2, 1, 32, 4, 2);
    for (auto bs : std::vector<std::pair<int, int>>{{32, 4}, {32, 8}, {64, 2}}) {
        if (hard && bs.second != 4) continue;
        run("render4_f16_u1_r2", (void*) render4_f16_u1_r2, 3, bs.first, bs.second, 2);
        run("render4_f16_u2_r2", (void*) render4_f16_u2_r2, 3, bs.first, bs.second, 2);
        run("render4_f16_u1", (void*) render4_f16_u1, 3, bs.first, bs.second, 1);
        run("render4_f16h_u1_r2 (half2 math)", (void*) render4_f16h_u1_r2, 3, bs.first, bs.second, 2);
        run("render4_f16h_u2_r2 (half2 math)", (void*) render4_f16h_u2_r2, 3, bs.first, bs.second, 2);
        run("render4_f16h_u1 (half2 math)", (void*) render4_f16h_u1, 3, bs.first, bs.second, 1);
    }
    run("render4_f16_u1_r4", (void*) render4_f16_u1_r4, 3, 32, 4, 4);
    if (!hard) {   // video path: blend into the resident, dense (shipped) and padded
        double bb = nv * (36.0 + 16.0), bbh = nv * (18.0 + 8.0);
        report("blend_f32 (dense, shipped)", 256, 1, timeit([&] { blend_f32<<<(unsigned) std::min<size_t>((nv + 255) / 256, 1u << 20), 256>>>((const float4*) mpi, (const float4*) bg, mask, vid, (long long) nv); }), bb, 0, 0);
        for (int bx : {128, 256, 64}) {
            dim3 g((W + bx - 1) / bx, H, D);
            report("blend_pad_f32", bx, 1, timeit([&] { blend_pad_f32<<<g, bx>>>((const float4*) mpi, (const float4*) bg, mask, vidP, H, W); }), bb, 0, 0);
            report("blend_pad_f16", bx, 1, timeit([&] { blend_pad_f16<<<g, bx>>>((const uint2*) mpih, (const uint2*) bgh, maskh, vidhP, H, W); }), bbh, 0, 0);
        }
        report("blend_f16 (dense, shipped)", 256, 1, timeit([&] { blend_f16<<<(unsigned) std::min<size_t>((nv + 255) / 256, 1u << 20), 256>>>((const uint2*) mpih, (const uint2*) bgh, maskh, vidh, (long long) nv); }), bbh, 0, 0);
        report("pad_f32 (upload path)", 128, 1, timeit([&] { pad_f32<<<pg, 128>>>((const float4*) mpi, mpiP, H, W); }), nv * 16.0 + np * 16.0, 0, 0);
    }
    cudaFree(mpi); cudaFree(bg); cudaFree(mask); cudaFree(mpih); cudaFree(bgh); cudaFree(maskh); cudaFree(mpiP); cudaFree(mpihP);
    cudaFree(vid); cudaFree(vidh); cudaFree(vidP); cudaFree(vidhP); cudaFree(out); cudaFree(ref); cudaFree(refh);
}

int main(int argc, char** argv) {
    PROF = argc > 1 && !strcmp(argv[1], "prof");
    PSVONLY = argc > 1 && !strcmp(argv[1], "psv");
    cudaDeviceProp p; CK(cudaGetDeviceProperties(&p, 0));
    printf("device %s, %d SMs, L2 %d MB\n", p.name, p.multiProcessorCount, p.l2CacheSize >> 20);
    if (PROF) { scene(1920, 1080, 32, false); return 0; }
    if (argc > 1 && !strcmp(argv[1], "pad")) {
        scene4(101, 71, 7, 1); scene4(640, 360, 16, 1); scene4(640, 360, 32, 2); scene4(1920, 1080, 32, 1);
        scene4(640, 360, 32, 0); scene4(1920, 1080, 32, 0); scene4(640, 360, 32, 0);
        return 0;
    }
    scene(101, 71, 7, 1);
    scene(640, 360, 16, 1);
    scene(1920, 1080, 16, 1);
    scene(640, 360, 32, 1);
    scene(640, 360, 32, 2);
    scene(1920, 1080, 32, 1);
    if (argc > 1 && !strcmp(argv[1], "check")) return 0;
    scene(640, 360, 32, 0);
    scene(1920, 1080, 32, 0);
    return 0;
}
