// Fused MPI rendering, mask-volume blending and plane-sweep volumes for org.mask3d.render.CudaRenderer.
// Compiled ahead of time to PTX (see lib/src/main/cuda/build-ptx.sh); loaded through the CUDA driver API.
//
// Conventions (identical to CpuRenderer / PlaneSweep, see their javadoc):
//  * MPI [D,H,W,4] RGBA, planes back to front (index 0 farthest); mask [D,H,W].
//  * per plane i a homography H_i (target pixel -> reference pixel), target pixel centre (x+.5, y+.5, 1),
//    q = H_i p, (u,v) = q_xy / q_z (q_z == 0 -> 1e-8), sampled bilinearly at (u-.5, v-.5) with zeros outside.
//  * front to back: w = T a, T <- T (1 - a + 1e-8); rgb = sum w c, acc = sum w, disp = sum w / d_i.
//
// Kernels (those CudaRenderer launches; the ones it no longer does live in lib/benchmarks/gpu-lab/lab.cu):
//  * render4_* (plain MPIs, the default) and render3_blend_* (dynamic MPI + background MPI + mask): the
//    "warp-anchored" kernels below, double-precision projection once per warp and plane, float per pixel; ~1e-6
//    of the CPU reference. Plain residents are padded (a zero border of 2 texels around every plane), blend
//    residents dense.
//  * render_f32p / render_f16p / render_blend_* (the original kernels): double-precision projection per pixel and
//    plane (~1e-7 of the CPU reference); CudaRenderer.Kernel.ORIGINAL, and the path for MPIs of 2^31 texels or more.
//  * pad_*, blend_pad_*, f32_to_f16: element-wise (upload, the video path's blend into a plain resident).
//  * psv_pack4 + plane_sweep4: the plane-sweep volume.
//
// Precision of render_*: the sample position is needed beyond float32 (at x ~ 2000 a float's ulp is 1.2e-4
// pixels, which would move bilinear weights by ~1e-4). The projection q is computed in double and the fractional
// part is taken as a double residual r = q_x - (x0 + .5) q_z (x0 from a float estimate), then divided in float:
// the weights match the double-precision CPU reference to ~1e-7.
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
__device__ __forceinline__ bool position(const double* m, float px, float py, int mw, int mh,
                                         int& x0, int& y0, float& fx, float& fy) {
    {
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
    }
}

template <class Src>
__device__ __forceinline__ float4 bilinear(const Src& src, size_t base, int mw, int mh, int pw, int x0, int y0, float fx, float fy) {
    // zero padding: an outside tap gets weight 0 and a clamped (valid) address; pw: the row stride in texels
    float wx0 = x0 >= 0 ? 1.f - fx : 0.f, wx1 = x0 + 1 < mw ? fx : 0.f;
    float wy0 = y0 >= 0 ? 1.f - fy : 0.f, wy1 = y0 + 1 < mh ? fy : 0.f;
    int xa = max(x0, 0), xb = min(x0 + 1, mw - 1), ya = max(y0, 0), yb = min(y0 + 1, mh - 1);
    size_t ra = base + (size_t) ya * pw, rb = base + (size_t) yb * pw;
    float4 a = src.at(ra + xa), b = src.at(ra + xb), c = src.at(rb + xa), d = src.at(rb + xb);
    float w00 = wx0 * wy0, w01 = wx1 * wy0, w10 = wx0 * wy1, w11 = wx1 * wy1;
    float4 o;
    o.x = w00 * a.x + w01 * b.x + w10 * c.x + w11 * d.x;
    o.y = w00 * a.y + w01 * b.y + w10 * c.y + w11 * d.y;
    o.z = w00 * a.z + w01 * b.z + w10 * c.z + w11 * d.z;
    o.w = w00 * a.w + w01 * b.w + w10 * c.w + w11 * d.w;
    return o;
}

// One thread per output pixel; planes front to back (i = D-1 .. 0). PAD: the MPI has the zero border of the
// padded layout (render4_* below): 2 texels on every side of every plane.
template <bool PAD, class Src>
__device__ __forceinline__ void render(const Src& src, int D, int mh, int mw, int h, int w,
                                       float* __restrict__ rgb, float* __restrict__ acc, float* __restrict__ disp) {
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= w || y >= h) return;
    float px = x + 0.5f, py = y + 0.5f;
    float T = 1.f, r = 0.f, g = 0.f, b = 0.f, a = 0.f, dsp = 0.f;
    int pw = PAD ? mw + 4 : mw;
    size_t plane = (size_t) (PAD ? mh + 4 : mh) * pw, origin = PAD ? 2 * (size_t) pw + 2 : 0;
#pragma unroll 2
    for (int i = D - 1; i >= 0; i--) {
        int x0, y0; float fx, fy;
        if (!position(c_hom + 9 * i, px, py, mw, mh, x0, y0, fx, fy)) continue;
        float4 c = bilinear(src, plane * i + origin, mw, mh, pw, x0, y0, fx, fy);
        float wt = T * c.w;
        r += wt * c.x; g += wt * c.y; b += wt * c.z; a += wt; dsp += wt * c_invd[i];
        T = T * ((1.f - c.w) + 1e-8f);
    }
    size_t o = (size_t) y * w + x, hw = (size_t) h * w;
    rgb[o] = r; rgb[hw + o] = g; rgb[2 * hw + o] = b; acc[o] = a; disp[o] = dsp;
}

#define OUT float* __restrict__ rgb, float* __restrict__ acc, float* __restrict__ disp
#define DIMS int D, int mh, int mw, int h, int w

// the original kernels on a padded MPI (the layout of CudaRenderer's plain residents)
extern "C" __global__ void render_f32p(const float4* __restrict__ mpi, DIMS, OUT) {
    render<true, SrcF32>(SrcF32{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_f16p(const uint2* __restrict__ mpi, DIMS, OUT) {
    render<true, SrcF16>(SrcF16{mpi}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_blend_f32(const float4* __restrict__ fg, const float4* __restrict__ bg,
                                            const float* __restrict__ mask, DIMS, OUT) {
    render<false, SrcBlendF32>(SrcBlendF32{fg, bg, mask}, D, mh, mw, h, w, rgb, acc, disp);
}
extern "C" __global__ void render_blend_f16(const uint2* __restrict__ fg, const uint2* __restrict__ bg,
                                            const __half* __restrict__ mask, DIMS, OUT) {
    render<false, SrcBlendF16>(SrcBlendF16{SrcF16{fg}, SrcF16{bg}, mask}, D, mh, mw, h, w, rgb, acc, disp);
}

// ---------------------------------------------------------------- taps and compositing shared by the kernels below
// Branch-free taps: a plane whose every tap is outside gets zero weights and clamped, valid addresses.
struct Tap { int xa, xb, ya, yb; float w00, w01, w10, w11; };

__device__ __forceinline__ Tap tap(const double* m, float px, float py, int mw, int mh) {
    int x0, y0; float fx, fy;
    bool in = position(m, px, py, mw, mh, x0, y0, fx, fy);
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

// ---------------------------------------------------------------- element-wise helpers
extern "C" __global__ void f32_to_f16(const float* __restrict__ in, __half* __restrict__ out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        out[i] = __float2half_rn(in[i]);
}

// ---------------------------------------------------------------- warp-anchored render and plane sweep (v3)
// Same sampling as above with far fewer instructions per plane. The double-precision projection is done once per
// (warp, plane) instead of once per (pixel, plane): lane k of each warp projects the warp's anchor pixel (lane 0's
// pixel + 16 along x, or the middle of a warp that spans rows) through plane k's homography in double, picks the
// integer texel (U0, V0) under it and stores the projection *relative to that texel* as float coefficients that are
// linear in the pixel offset (dx, dy) from the anchor (shared memory, 48 B per plane and warp):
//     rx = q_x - (U0 + off) q_z,  ry = q_y - (V0 + off) q_z,  q_z        (each c0 + c1 dx + c2 dy)
// Each pixel then needs 9 FMAs, a reciprocal with one Newton step and exact floor/fraction splits done with a
// round-down add of 1.5·2^23 (no double arithmetic, no conversions). The relative position rx/q_z stays small, so
// float keeps it to ~|rx/q_z|·1.2e-7 px. Where it would not stay under 32 texels anywhere in the warp (zoomed-out
// or strongly tilted planes) or q_z changes sign across the warp, the lane flags its plane and the warp renders that
// chunk of 32 planes with the exact double-precision taps of the v2 kernels (a warp-uniform choice).
// Outside taps get zero weights and clamped addresses (branch-free).
__device__ __forceinline__ float rcp_approx(float x) { float r; asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x)); return r; }

// texel sources indexed by a 32-bit texel index (plane * H * W + row * W + column < 2^31, checked by the host)
struct PBlendF32 {
    const float4* __restrict__ fg; const float4* __restrict__ bg; const float* __restrict__ m;
    __device__ __forceinline__ float4 at(int i) const { return mix(__ldg(fg + i), __ldg(bg + i), __ldg(m + i)); }
};
struct PBlendF16 {
    const uint2* __restrict__ fg; const uint2* __restrict__ bg; const __half* __restrict__ m;
    __device__ __forceinline__ float4 at(int i) const { return mix(SrcF16{fg}.at(i), SrcF16{bg}.at(i), __half2float(m[i])); }
};

// The warp's anchor pixel and extent (blocks of a multiple of 32 threads; a warp is 32 pixels of a row when
// blockDim.x >= 32, otherwise 32 / blockDim.x rows of blockDim.x pixels).
struct Warp {
    int xa, ya;                 // anchor pixel
    float dx, dy;               // this thread's offset from it
    int dx0, dx1, dy0, dy1;     // the warp's offset range
    __device__ __forceinline__ Warp() {
        int bx = blockDim.x, tid = threadIdx.y * bx + threadIdx.x, t0 = tid & ~31;
        int x0 = blockIdx.x * bx + t0 % bx, y0 = blockIdx.y * blockDim.y + t0 / bx;
        int hx = bx >= 32 ? 16 : bx / 2, rows = bx >= 32 ? 1 : 32 / bx, hy = rows / 2;
        xa = x0 + hx; ya = y0 + hy;
        dx0 = -hx; dx1 = (bx >= 32 ? 32 : bx) - 1 - hx; dy0 = -hy; dy1 = rows - 1 - hy;
        dx = (float) ((int) (blockIdx.x * bx + threadIdx.x) - xa);
        dy = (float) ((int) (blockIdx.y * blockDim.y + threadIdx.y) - ya);
    }
};

#define ANCHOR_LIMIT 32.0
// c[0] = (rx0, rx_dx, rx_dy, qz0), c[1] = (ry0, ry_dx, ry_dy, qz_dx), c[2] = (qz_dy, U0, V0 (int bits), extra).
// g: 3x3 row-major, (q_x, q_y, q_z) = g (px, py, 1); sample index = q_xy / q_z - off. Returns true where the float
// form is not accurate enough for this warp (the exact path must render this plane).
__device__ __noinline__ bool anchor_coef(const double* g, double off, Warp W, float extra, float4* c) {
    double pxa = W.xa + 0.5, pya = W.ya + 0.5;
    double qx = fma(g[0], pxa, fma(g[1], pya, g[2]));
    double qy = fma(g[3], pxa, fma(g[4], pya, g[5]));
    double qz = fma(g[6], pxa, fma(g[7], pya, g[8]));
    // the anchor texel only has to be near the sample (the coefficients below are exact for any integer): float
    float rz = __frcp_rn((float) qz == 0.f ? 1e-8f : (float) qz);
    float U = floorf(fminf(fmaxf(fmaf((float) qx, rz, (float) -off), -1e6f), 1e6f));
    float V = floorf(fminf(fmaxf(fmaf((float) qy, rz, (float) -off), -1e6f), 1e6f));
    double uo = U + off, vo = V + off;
    double rx0 = fma(-uo, qz, qx), ax = fma(-uo, g[6], g[0]), bx = fma(-uo, g[7], g[1]);
    double ry0 = fma(-vo, qz, qy), ay = fma(-vo, g[6], g[3]), by = fma(-vo, g[7], g[4]);
    c[0] = make_float4((float) rx0, (float) ax, (float) bx, (float) qz);
    c[1] = make_float4((float) ry0, (float) ay, (float) by, (float) g[6]);
    c[2] = make_float4((float) g[7], __int_as_float((int) U), __int_as_float((int) V), extra);
    bool bad = !(fabs(qz) > 1e-6);
    for (int k = 0; k < 4; k++) {   // the warp's corners: the relative position is monotonic along any segment
        double dx = k & 1 ? W.dx1 : W.dx0, dy = k & 2 ? W.dy1 : W.dy0;
        double z = fma(g[7], dy, fma(g[6], dx, qz));
        double nx = fma(bx, dy, fma(ax, dx, rx0)), ny = fma(by, dy, fma(ay, dx, ry0));   // relative position * z
        bad |= !(z * qz > 0.0) || !(fabs(nx) < ANCHOR_LIMIT * fabs(z)) || !(fabs(ny) < ANCHOR_LIMIT * fabs(z));
    }
    return bad;
}

// floor and fraction of s (|s| < 2^22): exact, on the FMA/ALU pipes
__device__ __forceinline__ int split(float s, float& f) {
    const float M = 12582912.f;   // 1.5 * 2^23
    float t = __fadd_rd(s, M);
    f = s - (t - M);
    return __float_as_int(t) - 0x4B400000;
}

// The taps of one pixel-plane from the anchored coefficients (qz: the projective depth, for the q_z > 0 test).
__device__ __forceinline__ Tap tap3(const float4* c, float dx, float dy, int mw, int mh, float& qz) {
    float4 a = c[0], b = c[1], e = c[2];
    qz = fmaf(e.x, dy, fmaf(b.w, dx, a.w));
    float rx = fmaf(a.z, dy, fmaf(a.y, dx, a.x));
    float ry = fmaf(b.z, dy, fmaf(b.y, dx, b.x));
    float r = rcp_approx(qz);
    float sx = rx * r, sy = ry * r;
    sx = fmaf(fmaf(-qz, sx, rx), r, sx);   // one Newton step: ~correctly rounded rx / qz
    sy = fmaf(fmaf(-qz, sy, ry), r, sy);
    float fx, fy;
    int x0 = __float_as_int(e.y) + split(sx, fx), y0 = __float_as_int(e.z) + split(sy, fy);
    float wx0 = (unsigned) x0 < (unsigned) mw ? 1.f - fx : 0.f, wx1 = (unsigned) (x0 + 1) < (unsigned) mw ? fx : 0.f;
    float wy0 = (unsigned) y0 < (unsigned) mh ? 1.f - fy : 0.f, wy1 = (unsigned) (y0 + 1) < (unsigned) mh ? fy : 0.f;
    Tap t;
    t.xa = min(max(x0, 0), mw - 1); t.xb = min(max(x0 + 1, 0), mw - 1);
    t.ya = min(max(y0, 0), mh - 1); t.yb = min(max(y0 + 1, 0), mh - 1);
    t.w00 = wx0 * wy0; t.w01 = wx1 * wy0; t.w10 = wx0 * wy1; t.w11 = wx1 * wy1;
    return t;
}

template <class P>
__device__ __forceinline__ float4 fetch(const P& p, int base, const Tap& t, int mw) {
    int ra = base + t.ya * mw, rb = base + t.yb * mw;
    return wsum(t, p.at(ra + t.xa), p.at(ra + t.xb), p.at(rb + t.xa), p.at(rb + t.xb));
}

// anchored taps on a padded plane: texel index of the clamped top-left tap relative to the plane's interior origin
__device__ __forceinline__ int tap4(const float4* c, float dx, float dy, int mw, int mh, int pw, float& fx, float& fy) {
    float4 a = c[0], b = c[1], e = c[2];
    float qz = fmaf(e.x, dy, fmaf(b.w, dx, a.w));
    float rx = fmaf(a.z, dy, fmaf(a.y, dx, a.x));
    float ry = fmaf(b.z, dy, fmaf(b.y, dx, b.x));
    float r = rcp_approx(qz);
    float sx = rx * r, sy = ry * r;
    sx = fmaf(fmaf(-qz, sx, rx), r, sx);   // one Newton step, as tap3
    sy = fmaf(fmaf(-qz, sy, ry), r, sy);
    int x0 = __float_as_int(e.y) + split(sx, fx), y0 = __float_as_int(e.z) + split(sy, fy);
    x0 = min(max(x0, -2), mw);   // both taps of a clamped axis are border zeros
    y0 = min(max(y0, -2), mh);
    return y0 * pw + x0;
}

// out of line (rare path): keeps the fast loop's register count low
__device__ __noinline__ Tap tap_exact(const double* m, float px, float py, int mw, int mh) { return tap(m, px, py, mw, mh); }

// One thread per output pixel (R > 1: R vertically adjacent pixels, blockDim.x >= 32), planes front to back in
// chunks of 32 (lane k of a warp sets up plane k of the chunk). Dynamic shared memory: 1536 B per warp.
// U: unrolling of the plane loop. R = 2 keeps 8 independent loads per plane in flight per thread (the second row is
// anchored at dy = 1 of the same warp anchor): faster for large outputs, slower where the grid no longer fills
// the GPU (lib/benchmarks/gpu-render-NVIDIA-H100-80GB-HBM3.md).
// PAD: the MPI is in the padded layout of render4_* (below): taps from tap4 and P::bil instead of tap3 and fetch.
template <int U, int R, bool PAD, class P>
__device__ __forceinline__ void render3(const P& src0, int D, int mh, int mw, int h, int w,
                                        float* __restrict__ rgb, float* __restrict__ acc, float* __restrict__ disp) {
    extern __shared__ float4 s_coef[];
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = R * (blockIdx.y * blockDim.y + threadIdx.y);
    if (__all_sync(0xffffffffu, !(x < w && y < h))) return;
    int tid = threadIdx.y * blockDim.x + threadIdx.x, lane = tid & 31;
    Warp W;
    if (R > 1) { W.ya = y; W.dy = 0.f; W.dy0 = 0; W.dy1 = R - 1; }   // a warp is 32 pixels of rows y .. y + R - 1
    float4* sc = s_coef + 96 * (tid >> 5);
    int pw = PAD ? mw + 4 : mw, plane = (PAD ? mh + 4 : mh) * pw;
    P src = src0;
    if constexpr (PAD) src.p += 2 * pw + 2;   // interior origin of plane 0
    Acc A[R];
    for (int c0 = D - 1; c0 >= 0; c0 -= 32) {
        int n = min(32, c0 + 1);
        __syncwarp();
        bool bad = lane < n && anchor_coef(c_hom + 9 * (c0 - lane), 0.5, W, c_invd[c0 - lane], sc + 3 * lane);
        bad = __any_sync(0xffffffffu, bad);
        __syncwarp();
        if (!bad) {
#pragma unroll U
            for (int k = 0; k < n; k++) {
                float qz, iv = sc[3 * k + 2].w;
                int base = (c0 - k) * plane;
                float4 c[R];
#pragma unroll
                for (int j = 0; j < R; j++) {
                    float dy = R > 1 ? (float) j : W.dy;
                    if constexpr (PAD) {
                        float fx, fy;
                        int i = tap4(sc + 3 * k, W.dx, dy, mw, mh, pw, fx, fy);
                        c[j] = src.bil(base + i, pw, fx, fy);
                    } else {
                        c[j] = fetch(src, base, tap3(sc + 3 * k, W.dx, dy, mw, mh, qz), mw);
                    }
                }
#pragma unroll
                for (int j = 0; j < R; j++) A[j].over(c[j], iv);
            }
        } else {   // exact taps (double-precision positions, as render_*) for this chunk
            float px = x + 0.5f, py = y + 0.5f;
            for (int k = 0; k < n; k++) {
                int i = c0 - k;
#pragma unroll
                for (int j = 0; j < R; j++) A[j].over(fetch(src, i * plane, tap_exact(c_hom + 9 * i, px, py + j, mw, mh), pw), c_invd[i]);
            }
        }
    }
    size_t hw = (size_t) h * w;
#pragma unroll
    for (int j = 0; j < R; j++) {
        if (x < w && y + j < h) {
            size_t o = (size_t) (y + j) * w + x;
            rgb[o] = A[j].r; rgb[hw + o] = A[j].g; rgb[2 * hw + o] = A[j].b; acc[o] = A[j].a; disp[o] = A[j].d;
        }
    }
}

// kernels render3_<source>_u<U>[_r2]: blocks of a multiple of 32 threads (_r2: blockDim.x a multiple of 32, grid y
// = ceil(h / (2 blockDim.y))), (blockDim.x * blockDim.y / 32) * 1536 B of dynamic shared memory, D * mh * mw < 2^31
#define V3(U) \
extern "C" __global__ void render3_blend_f32_u##U(const float4* __restrict__ fg, const float4* __restrict__ bg, \
                                            const float* __restrict__ mask, DIMS, OUT) { \
    render3<U, 1, false>(PBlendF32{fg, bg, mask}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render3_blend_f16_u##U(const uint2* __restrict__ fg, const uint2* __restrict__ bg, \
                                            const __half* __restrict__ mask, DIMS, OUT) { \
    render3<U, 1, false>(PBlendF16{fg, bg, mask}, D, mh, mw, h, w, rgb, acc, disp); }
V3(1)
V3(2)

// ---------------------------------------------------------------- padded MPIs (v4): render4_*, pad_*, blend_pad_*
// A plain resident MPI is stored with a border of 2 zero texels on every side of every plane: [D][mh+4][mw+4]
// texels, texel (y, x) of plane d at (d (mh+4) + y + 2) (mw+4) + x + 2. A tap's top-left texel is then clamped to
// [-2, mw] x [-2, mh] and its 2x2 footprint reads image texels or zeros: zero padding without per-tap bounds tests
// or weight selects, and the four loads sit at fixed offsets (+1, +row, +row+1) from one address (as psv_pack4 for
// the plane sweep). render4_* are render3 with PAD = true: the same positions (anchored coefficients, the exact
// double path for flagged chunks), so the same results.
struct PF32P {
    const float4* __restrict__ p;
    __device__ __forceinline__ float4 at(int i) const { return __ldg(p + i); }
    __device__ __forceinline__ float4 bil(int i, int pw, float fx, float fy) const {
        float gx = 1.f - fx, gy = 1.f - fy;
        Tap t; t.w00 = gx * gy; t.w01 = fx * gy; t.w10 = gx * fy; t.w11 = fx * fy;
        const float4* q = p + i;
        return wsum(t, __ldg(q), __ldg(q + 1), __ldg(q + pw), __ldg(q + pw + 1));
    }
};
struct PF16P {
    const uint2* __restrict__ p;
    __device__ __forceinline__ float4 at(int i) const { return SrcF16{p}.at(i); }
    __device__ __forceinline__ float4 bil(int i, int pw, float fx, float fy) const {
        float gx = 1.f - fx, gy = 1.f - fy;
        Tap t; t.w00 = gx * gy; t.w01 = fx * gy; t.w10 = gx * fy; t.w11 = fx * fy;
        SrcF16 s{p + i};
        return wsum(t, s.at(0), s.at(1), s.at(pw), s.at(pw + 1));
    }
};

// kernels render4_<f32|f16>_u<U>[_r2]: launch as the render3 kernels of the same name, on a padded MPI
#define V4(U) \
extern "C" __global__ void render4_f32_u##U(const float4* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 1, true>(PF32P{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render4_f16_u##U(const uint2* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 1, true>(PF16P{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render4_f32_u##U##_r2(const float4* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 2, true>(PF32P{mpi}, D, mh, mw, h, w, rgb, acc, disp); } \
extern "C" __global__ void render4_f16_u##U##_r2(const uint2* __restrict__ mpi, DIMS, OUT) { \
    render3<U, 2, true>(PF16P{mpi}, D, mh, mw, h, w, rgb, acc, disp); }
V4(1)
V4(2)

// padded layout writers. Grid (ceil((mw + 4) / blockDim.x), mh + 4, D), 1-D blocks: every texel of the padded
// buffer is written (border zeros). in: dense [D, mh, mw] RGBA float32.
__device__ __forceinline__ bool pad_src(int mh, int mw, size_t& o, size_t& i) {
    int pw = mw + 4, x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y, d = blockIdx.z;
    if (x >= pw) { o = ~(size_t) 0; return false; }
    o = ((size_t) d * (mh + 4) + y) * pw + x;
    int ix = x - 2, iy = y - 2;
    if ((unsigned) ix >= (unsigned) mw || (unsigned) iy >= (unsigned) mh) return false;
    i = ((size_t) d * mh + iy) * mw + ix;
    return true;
}
extern "C" __global__ void pad_f32(const float4* __restrict__ in, float4* __restrict__ out, int mh, int mw) {
    size_t o, i;
    bool in_ = pad_src(mh, mw, o, i);
    if (o == ~(size_t) 0) return;
    out[o] = in_ ? __ldg(in + i) : make_float4(0.f, 0.f, 0.f, 0.f);
}
extern "C" __global__ void pad_f16(const float4* __restrict__ in, uint2* __restrict__ out, int mh, int mw) {
    size_t o, i;
    bool in_ = pad_src(mh, mw, o, i);
    if (o == ~(size_t) 0) return;
    float4 v = in_ ? __ldg(in + i) : make_float4(0.f, 0.f, 0.f, 0.f);
    __half2 a = __floats2half2_rn(v.x, v.y), b = __floats2half2_rn(v.z, v.w);
    out[o] = make_uint2(*reinterpret_cast<unsigned*>(&a), *reinterpret_cast<unsigned*>(&b));
}
// the video path into a padded resident: out (padded) <- m fg + (1 - m) bg (fg, bg, mask dense). Grid
// (ceil(mw / blockDim.x), mh, D), 1-D blocks; the border of out is left as it is (zeros from the allocation).
// blend_pad_index: false outside; i = the dense texel, o = the same texel in the padded layout.
__device__ __forceinline__ bool blend_pad_index(int mh, int mw, size_t& i, size_t& o) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    if (x >= mw) return false;
    i = ((size_t) blockIdx.z * mh + blockIdx.y) * mw + x;
    o = ((size_t) blockIdx.z * (mh + 4) + blockIdx.y + 2) * (mw + 4) + x + 2;
    return true;
}
extern "C" __global__ void blend_pad_f32(const float4* __restrict__ fg, const float4* __restrict__ bg,
                                         const float* __restrict__ mask, float4* __restrict__ out, int mh, int mw) {
    size_t i, o;
    if (!blend_pad_index(mh, mw, i, o)) return;
    out[o] = mix(__ldg(fg + i), __ldg(bg + i), __ldg(mask + i));
}
extern "C" __global__ void blend_pad_f16(const uint2* __restrict__ fg, const uint2* __restrict__ bg,
                                         const __half* __restrict__ mask, uint2* __restrict__ out, int mh, int mw) {
    size_t i, o;
    if (!blend_pad_index(mh, mw, i, o)) return;
    float4 v = SrcBlendF16{SrcF16{fg}, SrcF16{bg}, mask}.at(i);
    __half2 a = __floats2half2_rn(v.x, v.y), b = __floats2half2_rn(v.z, v.w);
    out[o] = make_uint2(*reinterpret_cast<unsigned*>(&a), *reinterpret_cast<unsigned*>(&b));
}

// plane sweep v4: fewer instructions per voxel than plane_sweep3 (lab.cu; it was issue-bound at ~127 per warp-voxel).
//  * psv_pack4 packs each source image with a zero border of 2 texels (padded width sw + 4, height sh + 4; view v
//    starts at texel meta[3V + v]), so the taps need no weights test: the tap's top-left texel is clamped to
//    [-2, sw] x [-2, sh] and the 2x2 footprint then lies in the image or in the zero border, which is exactly the
//    zero padding of bilinear sampling (a footprint entirely outside reads four zeros: the voxel gets -1).
//  * p_z <= 0 is a per-plane property in the anchored path (the corner test keeps q_z's sign uniform over the
//    warp): such planes get an anchor texel far outside, so the per-voxel test goes.
//  * the -1 of the +1/-1 outside trick folds into the first FMA of each channel; the second row reuses the first
//    row's numerators (+ the dy coefficients).
extern "C" __global__ void psv_pack4(const float* __restrict__ images, const int* __restrict__ meta, int V,
                                     float4* __restrict__ packed, long long total) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < total; i += (long long) gridDim.x * blockDim.x) {
        int v = 0;
        while (v + 1 < V && i >= __ldg(meta + 3 * V + v + 1)) v++;
        int sw = __ldg(meta + 3 * v + 1), sh = __ldg(meta + 3 * v + 2), pw = sw + 4;
        int p = (int) (i - __ldg(meta + 3 * V + v)), py = p / pw - 2, px = p - (py + 2) * pw - 2;
        float4 o = make_float4(0.f, 0.f, 0.f, 0.f);
        if ((unsigned) px < (unsigned) sw && (unsigned) py < (unsigned) sh) {
            const float* im = images + __ldg(meta + 3 * v);
            int sp = sw * sh, q = py * sw + px;
            o = make_float4(__ldg(im + q) + 1.f, __ldg(im + sp + q) + 1.f, __ldg(im + 2 * sp + q) + 1.f, 0.f);
        }
        packed[i] = o;
    }
}

// the exact taps of plane_sweep (double precision) as a top-left texel and fractions; (-2, -2) when the voxel sees
// no source pixel (q_z <= 0 or every tap outside)
struct Tap4 { int x, y; float fx, fy; };
__device__ __noinline__ Tap4 tap_psv4(const double* m, double px, double py, double scx, double scy, double ox, int sw, int sh) {
    double qx = fma(m[0], px, fma(m[1], py, m[2])) + m[9];
    double qy = fma(m[3], px, fma(m[4], py, m[5])) + m[10];
    double qz = fma(m[6], px, fma(m[7], py, m[8])) + m[11];
    Tap4 t = {-2, -2, 0.f, 0.f};
    if (!(qz > 0.0)) return t;
    double sx = qx / qz * scx - ox, sy = qy / qz * scy - ox;
    if (!(sx > -1 && sy > -1 && sx < sw && sy < sh)) return t;
    double xf = floor(sx), yf = floor(sy);
    t.x = (int) xf; t.y = (int) yf; t.fx = (float) (sx - xf); t.fy = (float) (sy - yf);
    return t;
}

template <int R>
__device__ __forceinline__ void psv4(const float4* __restrict__ packed, const int* __restrict__ meta, int V, int D,
                                     int H, int W, int released, float* __restrict__ out) {
    extern __shared__ float4 s_coef[];
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = R * (blockIdx.y * blockDim.y + threadIdx.y);
    if (__all_sync(0xffffffffu, !(x < W && y < H))) return;
    int nchunk = (D + 31) / 32, v = blockIdx.z / nchunk, d0 = (blockIdx.z - v * nchunk) * 32;
    int tid = threadIdx.y * blockDim.x + threadIdx.x, lane = tid & 31;
    Warp Wp;
    Wp.ya = y; Wp.dy = 0.f; Wp.dy0 = 0; Wp.dy1 = R - 1;   // a warp is 32 pixels of rows y .. y + R - 1
    float4* sc = s_coef + 96 * (tid >> 5);
    int sw = __ldg(meta + 3 * v + 1), sh = __ldg(meta + 3 * v + 2), pw = sw + 4;
    double scx = released ? (sw - 1.0) / sw : 1.0, scy = released ? (sh - 1.0) / sh : 1.0, ox = released ? 0.0 : 0.5;
    int n = min(32, D - d0);
    bool bad = false;
    if (lane < n) {
        const double* m = c_psv + 12 * (v * D + d0 + lane);
        double g[9] = {m[0] * scx, m[1] * scx, (m[2] + m[9]) * scx, m[3] * scy, m[4] * scy, (m[5] + m[10]) * scy,
                       m[6], m[7], m[8] + m[11]};
        bad = anchor_coef(g, ox, Wp, 0.f, sc + 3 * lane);
        if (!(sc[3 * lane].w > 0.f)) sc[3 * lane + 2].y = __int_as_float(-(1 << 20));   // behind the source camera
    }
    bad = __any_sync(0xffffffffu, bad);
    __syncwarp();
    const float4* im = packed + __ldg(meta + 3 * V + v) + 2 * pw + 2;   // texel (0, 0)
    size_t plane = (size_t) H * W, chan = (size_t) D * plane;
    float* o = out + (size_t) (3 * v) * chan + (size_t) d0 * plane + (size_t) y * W + x;
    bool store[R];
#pragma unroll
    for (int j = 0; j < R; j++) store[j] = x < W && y + j < H;
    float dx = Wp.dx;
#pragma unroll 1
    for (int k = 0; k < n; k++, o += plane) {
        Tap4 t0[R];
        if (!bad) {
            float4 a = sc[3 * k], b = sc[3 * k + 1], e = sc[3 * k + 2];
            float qz = fmaf(b.w, dx, a.w), rx = fmaf(a.y, dx, a.x), ry = fmaf(b.y, dx, b.x);
#pragma unroll
            for (int j = 0; j < R; j++) {
                if (j > 0) { qz += e.x; rx += a.z; ry += b.z; }
                float r = rcp_approx(qz);
                float sx = rx * r, sy = ry * r;
                sx = fmaf(fmaf(-qz, sx, rx), r, sx);
                sy = fmaf(fmaf(-qz, sy, ry), r, sy);
                float fx, fy;
                t0[j].x = __float_as_int(e.y) + split(sx, fx);
                t0[j].y = __float_as_int(e.z) + split(sy, fy);
                t0[j].fx = fx; t0[j].fy = fy;
            }
        } else {
#pragma unroll
            for (int j = 0; j < R; j++)
                t0[j] = tap_psv4(c_psv + 12 * (v * D + d0 + k), x + 0.5, y + j + 0.5, scx, scy, ox, sw, sh);
        }
        float4 c[R][4];
#pragma unroll
        for (int j = 0; j < R; j++) {
            int xc = min(max(t0[j].x, -2), sw), yc = min(max(t0[j].y, -2), sh);
            const float4* p = im + (yc * pw + xc);
            c[j][0] = __ldg(p); c[j][1] = __ldg(p + 1); c[j][2] = __ldg(p + pw); c[j][3] = __ldg(p + pw + 1);
        }
#pragma unroll
        for (int j = 0; j < R; j++) {
            float fx = t0[j].fx, fy = t0[j].fy, gx = 1.f - fx, gy = 1.f - fy;
            float w00 = gx * gy, w01 = fx * gy, w10 = gx * fy, w11 = fx * fy;
            float4 *q = c[j];
            float cr = fmaf(w11, q[3].x, fmaf(w10, q[2].x, fmaf(w01, q[1].x, fmaf(w00, q[0].x, -1.f))));
            float cg = fmaf(w11, q[3].y, fmaf(w10, q[2].y, fmaf(w01, q[1].y, fmaf(w00, q[0].y, -1.f))));
            float cb = fmaf(w11, q[3].z, fmaf(w10, q[2].z, fmaf(w01, q[1].z, fmaf(w00, q[0].z, -1.f))));
            if (store[j]) {
                float* p = o + (size_t) j * W;
                __stcs(p, cr); __stcs(p + chan, cg); __stcs(p + 2 * chan, cb);
            }
        }
    }
}
// plane_sweep4<R> (CudaRenderer: R = 2, 128x1 blocks; R = 4 / 1 are lab variants, see
// lib/benchmarks/gpu-render-NVIDIA-H100-80GB-HBM3.md): as plane_sweep3 of lab.cu (grid z = V * ceil(D / 32), grid y = ceil(H / (R blockDim.y)), blockDim.x a
// multiple of 32, 1536 B of dynamic shared memory per warp) over psv_pack4's padded texels
extern "C" __global__ void plane_sweep4(const float4* __restrict__ packed, const int* __restrict__ meta, int V, int D,
                                        int H, int W, int released, float* __restrict__ out) {
    psv4<2>(packed, meta, V, D, H, W, released, out);
}
