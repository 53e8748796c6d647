// Fused MPI rendering, mask-volume blending and plane-sweep volumes for org.mask3d.render.CudaRenderer.
// Compiled ahead of time to PTX (see lib/src/main/cuda/build-ptx.sh); loaded through the CUDA driver API.
//
// Conventions (identical to CpuRenderer / PlaneSweep, see their javadoc):
//  * MPI [D,H,W,4] RGBA, planes back to front (index 0 farthest); mask [D,H,W].
//  * per plane i a homography H_i (target pixel -> reference pixel), target pixel centre (x+.5, y+.5, 1),
//    q = H_i p, (u,v) = q_xy / q_z (q_z == 0 -> 1e-8), sampled bilinearly at (u-.5, v-.5) with zeros outside.
//  * front to back: w = T a, T <- T (1 - a + 1e-8); rgb = sum w c, acc = sum w, disp = sum w / d_i.
//
// Precision: the sample position is needed beyond float32 (at x ~ 2000 a float's ulp is 1.2e-4 pixels, which
// would move bilinear weights by ~1e-4). The projection q is computed in double and the fractional part is
// taken as a double residual r = q_x - (x0 + .5) q_z (x0 from a float estimate), then divided in float:
// the weights match the double-precision CPU reference to ~1e-7. PRECISE=false uses float throughout.
#include <cuda_fp16.h>

#define MAX_PLANES 256
#define MAX_PSV 256

__constant__ double c_hom[MAX_PLANES * 9];   // per plane: row-major 3x3 target -> reference
__constant__ float c_invd[MAX_PLANES];        // (float)(1.0 / depth)
__constant__ double c_psv[MAX_PSV * 12];      // per (view, plane): A (9) then b (3)

// ---------------------------------------------------------------- texel sources
struct SrcF32 {
    const float4* __restrict__ p;
    __device__ __forceinline__ float4 at(size_t i) const { return __ldg(p + i); }
};
struct SrcF16 {
    const uint2* __restrict__ p;
    __device__ __forceinline__ float4 at(size_t i) const {
        uint2 v = __ldg(p + i);
        float2 a = __half22float2(*reinterpret_cast<__half2*>(&v.x));
        float2 b = __half22float2(*reinterpret_cast<__half2*>(&v.y));
        return make_float4(a.x, a.y, b.x, b.y);
    }
};
__device__ __forceinline__ float4 mix(float4 f, float4 b, float m) {
    float im = 1.f - m;   // as Mpi.blend: fg*m + bg*(1-m)
    return make_float4(fmaf(f.x, m, b.x * im), fmaf(f.y, m, b.y * im), fmaf(f.z, m, b.z * im), fmaf(f.w, m, b.w * im));
}
struct SrcBlendF32 {
    const float4* __restrict__ fg; const float4* __restrict__ bg; const float* __restrict__ m;
    __device__ __forceinline__ float4 at(size_t i) const { return mix(__ldg(fg + i), __ldg(bg + i), __ldg(m + i)); }
};
struct SrcBlendF16 {
    SrcF16 fg, bg; const __half* __restrict__ m;
    __device__ __forceinline__ float4 at(size_t i) const { return mix(fg.at(i), bg.at(i), __half2float(m[i])); }
};

// ---------------------------------------------------------------- sample position
// Returns false when every tap is outside (the plane contributes nothing). Otherwise x0,y0 = floor of the
// pixel-index position and fx,fy in [0,1).
template <bool PRECISE>
__device__ __forceinline__ bool position(const double* m, float px, float py, int mw, int mh,
                                         int& x0, int& y0, float& fx, float& fy) {
    if (PRECISE) {
        double dx = px, dy = py;
        double qx = fma(m[0], dx, fma(m[1], dy, m[2]));
        double qy = fma(m[3], dx, fma(m[4], dy, m[5]));
        double qz = fma(m[6], dx, fma(m[7], dy, m[8]));
        if (qz == 0.0) qz = 1e-8;
        float rz = 1.f / (float) qz;
        float sx = (float) qx * rz - 0.5f, sy = (float) qy * rz - 0.5f;
        if (!(sx > -2.f && sy > -2.f && sx < mw + 1.f && sy < mh + 1.f)) return false;
        float xf = floorf(sx), yf = floorf(sy);
        fx = (float) fma(-((double) xf + 0.5), qz, qx) * rz;
        fy = (float) fma(-((double) yf + 0.5), qz, qy) * rz;
        x0 = (int) xf; y0 = (int) yf;
        if (fx < 0.f) { fx += 1.f; x0 -= 1; } else if (fx >= 1.f) { fx -= 1.f; x0 += 1; }
        if (fy < 0.f) { fy += 1.f; y0 -= 1; } else if (fy >= 1.f) { fy -= 1.f; y0 += 1; }
        if (fx >= 1.f) fx = 0.99999994f;   // x0 + fx rounding at the boundary
        if (fy >= 1.f) fy = 0.99999994f;
        // exact: sx > -1 && sy > -1 && sx < mw && sy < mh
        if (x0 < -1 || y0 < -1 || (x0 == -1 && fx <= 0.f) || (y0 == -1 && fy <= 0.f) || x0 >= mw || y0 >= mh) return false;
        return true;
    } else {
        float qx = fmaf((float) m[0], px, fmaf((float) m[1], py, (float) m[2]));
        float qy = fmaf((float) m[3], px, fmaf((float) m[4], py, (float) m[5]));
        float qz = fmaf((float) m[6], px, fmaf((float) m[7], py, (float) m[8]));
        if (qz == 0.f) qz = 1e-8f;
        float rz = 1.f / qz;
        float sx = qx * rz - 0.5f, sy = qy * rz - 0.5f;
        if (!(sx > -1.f && sy > -1.f && sx < (float) mw && sy < (float) mh)) return false;
        float xf = floorf(sx), yf = floorf(sy);
        fx = sx - xf; fy = sy - yf; x0 = (int) xf; y0 = (int) yf;
        return true;
    }
}

template <class Src>
__device__ __forceinline__ float4 bilinear(const Src& src, size_t base, int mw, int mh, int x0, int y0, float fx, float fy) {
    // zero padding: an outside tap gets weight 0 and a clamped (valid) address
    float wx0 = x0 >= 0 ? 1.f - fx : 0.f, wx1 = x0 + 1 < mw ? fx : 0.f;
    float wy0 = y0 >= 0 ? 1.f - fy : 0.f, wy1 = y0 + 1 < mh ? fy : 0.f;
    int xa = max(x0, 0), xb = min(x0 + 1, mw - 1), ya = max(y0, 0), yb = min(y0 + 1, mh - 1);
    size_t ra = base + (size_t) ya * mw, rb = base + (size_t) yb * mw;
    float4 a = src.at(ra + xa), b = src.at(ra + xb), c = src.at(rb + xa), d = src.at(rb + xb);
    float w00 = wx0 * wy0, w01 = wx1 * wy0, w10 = wx0 * wy1, w11 = wx1 * wy1;
    float4 o;
    o.x = w00 * a.x + w01 * b.x + w10 * c.x + w11 * d.x;
    o.y = w00 * a.y + w01 * b.y + w10 * c.y + w11 * d.y;
    o.z = w00 * a.z + w01 * b.z + w10 * c.z + w11 * d.z;
    o.w = w00 * a.w + w01 * b.w + w10 * c.w + w11 * d.w;
    return o;
}

// One thread per output pixel; planes front to back (i = D-1 .. 0).
template <class Src, bool PRECISE>
__device__ __forceinline__ void render(const Src& src, int D, int mh, int mw, int h, int w,
                                       float* __restrict__ rgb, float* __restrict__ acc, float* __restrict__ disp) {
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    float px = x + 0.5f, py = y + 0.5f;
    float T = 1.f, r = 0.f, g = 0.f, b = 0.f, a = 0.f, dsp = 0.f;
    size_t plane = (size_t) mh * mw;
#pragma unroll 2
    for (int i = D - 1; i >= 0; i--) {
        int x0, y0; float fx, fy;
        if (!position<PRECISE>(c_hom + 9 * i, px, py, mw, mh, x0, y0, fx, fy)) continue;
        float4 c = bilinear(src, plane * i, mw, mh, x0, y0, fx, fy);
        float wt = T * c.w;
        r += wt * c.x; g += wt * c.y; b += wt * c.z; a += wt; dsp += wt * c_invd[i];
        T = T * ((1.f - c.w) + 1e-8f);
    }
    size_t o = (size_t) y * w + x, hw = (size_t) h * w;
    rgb[o] = r; rgb[hw + o] = g; rgb[2 * hw + o] = b; acc[o] = a; disp[o] = dsp;
}

#define OUT float* __restrict__ rgb, float* __restrict__ acc, float* __restrict__ disp
#define DIMS int D, int mh, int mw, int h, int w

extern "C" __global__ void render_f32(const float4* __restrict__ mpi, DIMS, OUT) {
    render<SrcF32, true>(SrcF32{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_f32_fast(const float4* __restrict__ mpi, DIMS, OUT) {
    render<SrcF32, false>(SrcF32{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_f16(const uint2* __restrict__ mpi, DIMS, OUT) {
    render<SrcF16, true>(SrcF16{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_f16_fast(const uint2* __restrict__ mpi, DIMS, OUT) {
    render<SrcF16, false>(SrcF16{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_blend_f32(const float4* __restrict__ fg, const float4* __restrict__ bg,
                                            const float* __restrict__ mask, DIMS, OUT) {
    render<SrcBlendF32, true>(SrcBlendF32{fg, bg, mask}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_blend_f16(const uint2* __restrict__ fg, const uint2* __restrict__ bg,
                                            const __half* __restrict__ mask, DIMS, OUT) {
    render<SrcBlendF16, true>(SrcBlendF16{SrcF16{fg}, SrcF16{bg}, mask}, D, mh, mw, h, w, rgb, acc, disp);
}

// ---------------------------------------------------------------- grouped / paired render (v2)
// Same arithmetic and results as render() above, organised for memory-level parallelism:
//  * G planes per step: the G planes' taps are computed and their loads issued before any is composited
//    (branch-free: a plane whose every tap is outside gets zero weights and clamped, valid addresses);
//  * PY = 2: a thread renders two vertically adjacent pixels; where the second pixel's upper tap row is the
//    first pixel's lower one (same columns, the usual case for MPI homographies) its two texels are reused,
//    so 6 loads per plane serve 2 pixels instead of 8.
struct Tap { int xa, xb, ya, yb; float w00, w01, w10, w11; };

template <bool PRECISE>
__device__ __forceinline__ Tap tap(const double* m, float px, float py, int mw, int mh) {
    int x0, y0; float fx, fy;
    bool in = position<PRECISE>(m, px, py, mw, mh, x0, y0, fx, fy);
    Tap t;
    float wx0 = x0 >= 0 ? 1.f - fx : 0.f, wx1 = x0 + 1 < mw ? fx : 0.f;
    float wy0 = y0 >= 0 ? 1.f - fy : 0.f, wy1 = y0 + 1 < mh ? fy : 0.f;
    if (!in) { x0 = 0; y0 = 0; wx0 = wx1 = wy0 = wy1 = 0.f; }
    t.xa = max(x0, 0); t.xb = min(x0 + 1, mw - 1); t.ya = max(y0, 0); t.yb = min(y0 + 1, mh - 1);
    t.xa = min(t.xa, mw - 1); t.ya = min(t.ya, mh - 1); t.xb = max(t.xb, 0); t.yb = max(t.yb, 0);
    t.w00 = wx0 * wy0; t.w01 = wx1 * wy0; t.w10 = wx0 * wy1; t.w11 = wx1 * wy1;
    return t;
}
__device__ __forceinline__ float4 wsum(const Tap& t, float4 a, float4 b, float4 c, float4 d) {
    float4 o;
    o.x = t.w00 * a.x + t.w01 * b.x + t.w10 * c.x + t.w11 * d.x;
    o.y = t.w00 * a.y + t.w01 * b.y + t.w10 * c.y + t.w11 * d.y;
    o.z = t.w00 * a.z + t.w01 * b.z + t.w10 * c.z + t.w11 * d.z;
    o.w = t.w00 * a.w + t.w01 * b.w + t.w10 * c.w + t.w11 * d.w;
    return o;
}
struct Acc {
    float T = 1.f, r = 0.f, g = 0.f, b = 0.f, a = 0.f, d = 0.f;
    __device__ __forceinline__ void over(float4 c, float invd) {
        float wt = T * c.w;
        r += wt * c.x; g += wt * c.y; b += wt * c.z; a += wt; d += wt * invd;
        T = T * ((1.f - c.w) + 1e-8f);
    }
};

template <class Src, bool PRECISE, int G, int PY>
__device__ __forceinline__ void render2(const Src& src, int D, int mh, int mw, int h, int w,
                                        float* __restrict__ rgb, float* __restrict__ acc, float* __restrict__ disp) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = PY * (blockIdx.y * blockDim.y) + threadIdx.y;   // rows y, y + blockDim.y (PY = 2)
    if (x >= w || y >= h) return;
    int y2 = y + blockDim.y;
    float px = x + 0.5f, py = y + 0.5f, py2 = y2 + 0.5f;
    Acc A, B;
    size_t plane = (size_t) mh * mw;
    int i = D - 1;
    for (; i >= G - 1; i -= G) {
        float4 c1[G], c2[G];
#pragma unroll
        for (int g = 0; g < G; g++) {
            const double* m = c_hom + 9 * (i - g);
            size_t base = plane * (i - g);
            Tap t = tap<PRECISE>(m, px, py, mw, mh);
            size_t ra = base + (size_t) t.ya * mw, rb = base + (size_t) t.yb * mw;
            float4 a = src.at(ra + t.xa), b = src.at(ra + t.xb), c = src.at(rb + t.xa), d = src.at(rb + t.xb);
            c1[g] = wsum(t, a, b, c, d);
            if (PY == 2) {
                Tap u = tap<PRECISE>(m, px, py2, mw, mh);
                size_t ua = base + (size_t) u.ya * mw, ub = base + (size_t) u.yb * mw;
                bool share = u.xa == t.xa && u.xb == t.xb && u.ya == t.yb;
                float4 e = share ? c : src.at(ua + u.xa), f = share ? d : src.at(ua + u.xb);
                c2[g] = wsum(u, e, f, src.at(ub + u.xa), src.at(ub + u.xb));
            }
        }
#pragma unroll
        for (int g = 0; g < G; g++) {
            A.over(c1[g], c_invd[i - g]);
            if (PY == 2) B.over(c2[g], c_invd[i - g]);
        }
    }
    for (; i >= 0; i--) {
        const double* m = c_hom + 9 * i;
        size_t base = plane * i;
        Tap t = tap<PRECISE>(m, px, py, mw, mh);
        size_t ra = base + (size_t) t.ya * mw, rb = base + (size_t) t.yb * mw;
        A.over(wsum(t, src.at(ra + t.xa), src.at(ra + t.xb), src.at(rb + t.xa), src.at(rb + t.xb)), c_invd[i]);
        if (PY == 2) {
            Tap u = tap<PRECISE>(m, px, py2, mw, mh);
            size_t ua = base + (size_t) u.ya * mw, ub = base + (size_t) u.yb * mw;
            B.over(wsum(u, src.at(ua + u.xa), src.at(ua + u.xb), src.at(ub + u.xa), src.at(ub + u.xb)), c_invd[i]);
        }
    }
    size_t hw = (size_t) h * w, o = (size_t) y * w + x;
    rgb[o] = A.r; rgb[hw + o] = A.g; rgb[2 * hw + o] = A.b; acc[o] = A.a; disp[o] = A.d;
    if (PY == 2 && y2 < h) {
        o = (size_t) y2 * w + x;
        rgb[o] = B.r; rgb[hw + o] = B.g; rgb[2 * hw + o] = B.b; acc[o] = B.a; disp[o] = B.d;
    }
}

// kernels render_<src>_g<G>p<PY>: launch with grid y = ceil(h / (PY * blockDim.y))
#define V2(G, PY) \
extern "C" __global__ void render_f32_g##G##p##PY(const float4* __restrict__ mpi, DIMS, OUT) { \
    render2<SrcF32, true, G, PY>(SrcF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render_f32_fast_g##G##p##PY(const float4* __restrict__ mpi, DIMS, OUT) { \
    render2<SrcF32, false, G, PY>(SrcF32{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render_f16_g##G##p##PY(const uint2* __restrict__ mpi, DIMS, OUT) { \
    render2<SrcF16, true, G, PY>(SrcF16{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render_f16_fast_g##G##p##PY(const uint2* __restrict__ mpi, DIMS, OUT) { \
    render2<SrcF16, false, G, PY>(SrcF16{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render_blend_f32_g##G##p##PY(const float4* __restrict__ fg, const float4* __restrict__ bg, \
                                            const float* __restrict__ mask, DIMS, OUT) { \
    render2<SrcBlendF32, true, G, PY>(SrcBlendF32{fg, bg, mask}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render_blend_f16_g##G##p##PY(const uint2* __restrict__ fg, const uint2* __restrict__ bg, \
                                            const __half* __restrict__ mask, DIMS, OUT) { \
    render2<SrcBlendF16, true, G, PY>(SrcBlendF16{SrcF16{fg}, SrcF16{bg}, mask}, D, mh, mw, h, w, rgb, acc, disp); }
V2(1, 1)
V2(2, 1)
V2(4, 1)
V2(1, 2)
V2(2, 2)

// the original kernels capped at 32 registers for 256-thread blocks (8 blocks, 2048 threads per SM, against 6 uncapped; ptxas spills 12-228 B)
extern "C" __global__ void __launch_bounds__(256, 8) render_f32_lb(const float4* __restrict__ mpi, DIMS, OUT) {
    render<SrcF32, true>(SrcF32{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void __launch_bounds__(256, 8) render_f16_lb(const uint2* __restrict__ mpi, DIMS, OUT) {
    render<SrcF16, true>(SrcF16{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void __launch_bounds__(256, 8) render_blend_f32_lb(const float4* __restrict__ fg, const float4* __restrict__ bg,
                                            const float* __restrict__ mask, DIMS, OUT) {
    render<SrcBlendF32, true>(SrcBlendF32{fg, bg, mask}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void __launch_bounds__(256, 8) render_blend_f16_lb(const uint2* __restrict__ fg, const uint2* __restrict__ bg,
                                            const __half* __restrict__ mask, DIMS, OUT) {
    render<SrcBlendF16, true>(SrcBlendF16{SrcF16{fg}, SrcF16{bg}, mask}, D, mh, mw, h, w, rgb, acc, disp);
}

// ---------------------------------------------------------------- element-wise helpers
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
extern "C" __global__ void f32_to_f16(const float* __restrict__ in, __half* __restrict__ out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        out[i] = __float2half_rn(in[i]);
}

// ---------------------------------------------------------------- plane-sweep volume
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
