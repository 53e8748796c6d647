package org.mask3d.render;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Homography;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.JCudaDriver.*;

/**
 * The GPU MPI renderer (CUDA driver API through JCuda, kernels compiled ahead of time to PTX from
 * {@code lib/src/main/cuda/mpi_render.cu}): one thread per output pixel walks the planes front to back, applies
 * each plane's homography (in constant memory), fetches RGBA bilinearly with zero padding and over-composites;
 * outputs image, accumulated alpha and disparity — the maths of {@link CpuRenderer}, to ~1e-6.
 *
 * <p>Data can stay on the GPU: {@link #upload(Mpi, boolean)} / {@link #uploadBlend} return a {@link Resident} that
 * renders any number of views ({@link #render(Resident, Camera)}) without re-sending the MPI. A blend resident
 * (dynamic MPI, background MPI, mask) is blended on the fly inside the render kernel (9 channels read per texel),
 * or once into a plain resident with {@link #blendInto} (the video path: blend once per frame, render each view
 * at the plain rate). Half-precision storage ({@code half = true}) halves the bytes read; the arithmetic stays
 * float32.
 *
 * <p>A plain resident (an uploaded MPI, or the target of {@link #blendInto}) is stored with a border of 2 zero texels
 * around every plane ([D][H+4][W+4] texels): the render kernels then read a tap's 2×2 footprint at fixed offsets with
 * no per-tap bounds tests (render4_* in mpi_render.cu; zero padding is the border). Blend residents stay dense.
 *
 * <p>Instances hold a CUDA context (the device's primary context) and a loaded module; they are not thread-safe
 * (one renderer per thread). {@link #available()} says whether a driver and a device are present (with
 * {@link #unavailableReason()} otherwise): without one, use {@link Renderers#best()} to fall back to the CPU.
 */
public final class CudaRenderer implements MpiRenderer, PlaneSweeper, AutoCloseable {
    /** Constant-memory capacity of the kernels (planes of one MPI; views × planes of one plane-sweep volume). */
    public static final int MAX_PLANES = 256, MAX_PSV_SLICES = 256;

    private static volatile String unavailable;   // null: not probed; "": available
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final CUdeviceptr cHom = new CUdeviceptr(), cInvd = new CUdeviceptr(), cPsv = new CUdeviceptr();
    private final String deviceName, ptxName;
    private final int ccMajor, ccMinor;
    /** Which render kernels a launch uses (see {@link #kernel}). */
    public enum Kernel {
        /**
         * The default: the double-precision projection is done once per warp of 32 pixels and plane, each pixel
         * then works in float relative to the warp's anchor texel (render4_* on plain residents, which are padded,
         * render3_* on blend residents, in mpi_render.cu); ~1e-6 of
         * {@link CpuRenderer}. Planes that are strongly zoomed out or tilted within a warp fall back to the exact
         * per-pixel taps inside the kernel.
         */
        ANCHORED,
        /** The original kernels: double-precision projection per pixel and plane (render_*, render_*p on padded plain residents); ~1e-7 of the CPU. */
        ORIGINAL
    }

    /** Block shape when auto-selection is off and none was set. */
    public static final int[] DEFAULT_BLOCK = {32, 4};
    private Kernel kernel = Kernel.ANCHORED;
    private int unroll = 1, rows = 1;
    private int blockX = DEFAULT_BLOCK[0], blockY = DEFAULT_BLOCK[1];
    /** Per launch: the kernel, unrolling and block measured fastest on the H100 for the data kind (see {@link #auto}). */
    private boolean auto = true;
    private boolean closed;

    /** Whether a CUDA driver and at least one device are present (probes once). */
    public static synchronized boolean available() {
        if (unavailable == null) unavailable = probe();
        return unavailable.isEmpty();
    }

    /** Why {@link #available()} is false, in one line ("" when it is true). */
    public static String unavailableReason() {
        available();
        return unavailable;
    }

    private static String probe() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] n = new int[1];
            cuDeviceGetCount(n);
            return n[0] > 0 ? "" : "no CUDA device";
        } catch (Throwable t) {   // UnsatisfiedLinkError (no libcuda.so.1), CudaException, NoClassDefFoundError
            StringBuilder all = new StringBuilder();
            for (Throwable c = t; c != null; c = c.getCause()) all.append(c.getMessage()).append('\n');
            String m = all.toString().lines().findFirst().orElse("");
            if (m.length() > 160) m = m.substring(0, 160) + "…";
            String lib = all.indexOf("libcuda.so") >= 0 ? " (libcuda.so.1 not found)" : "";
            return "no CUDA driver: " + t.getClass().getSimpleName() + ": " + m + lib;
        }
    }

    /** A renderer on device 0. */
    public CudaRenderer() { this(0); }

    /** @param ordinal the CUDA device to use */
    public CudaRenderer(int ordinal) {
        if (!available()) throw new IllegalStateException("CUDA is not available: " + unavailable);
        cuDeviceGet(device, ordinal);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        deviceName = new String(name, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
        ccMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        ccMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        ptxName = ccMajor >= 9 ? "mpi_render.sm_90.ptx" : "mpi_render.compute_75.ptx";
        cuModuleLoadData(module, ptx(ptxName));
        cuModuleGetGlobal(cHom, new long[1], module, "c_hom");
        cuModuleGetGlobal(cInvd, new long[1], module, "c_invd");
        cuModuleGetGlobal(cPsv, new long[1], module, "c_psv");
    }

    /** The PTX text of a kernel resource, NUL-terminated as cuModuleLoadData wants it. */
    public static byte[] ptx(String resource) {
        try (InputStream in = CudaRenderer.class.getResourceAsStream("cuda/" + resource)) {
            if (in == null) throw new IllegalStateException("missing resource org/mask3d/render/cuda/" + resource);
            byte[] b = in.readAllBytes();
            byte[] z = java.util.Arrays.copyOf(b, b.length + 1);
            return z;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public String name() { return "cuda(" + deviceName + ")"; }

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() { return deviceName; }

    /** Compute capability as "major.minor" and the PTX file that was loaded. */
    public String computeCapability() { return ccMajor + "." + ccMinor + " (" + ptxName + ")"; }

    /** Theoretical DRAM bandwidth from the device's memory clock and bus width, in bytes per second. */
    public double peakBandwidth() {
        double clockKHz = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
        double busBits = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
        return 2 * clockKHz * 1e3 * busBits / 8;
    }

    private int attribute(int a) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, a, device);
        return v[0];
    }

    /**
     * Thread-block shape of the render kernels (turns auto-selection off). The {@link Kernel#ANCHORED} kernels need
     * a whole number of warps per block (x · y a multiple of 32).
     */
    public CudaRenderer blockShape(int x, int y) {
        if (x <= 0 || y <= 0 || x * y > 1024 || (x * y) % 32 != 0) {
            throw new IllegalArgumentException("bad block " + x + "x" + y + " (at most 1024 threads, a multiple of 32)");
        }
        blockX = x;
        blockY = y;
        auto = false;
        return this;
    }

    /**
     * The render kernels to launch (turns auto-selection off): {@link Kernel#ANCHORED} with the plane loop unrolled
     * {@code unroll} (1 or 2) times and {@code rows} (1 or 2) vertically adjacent pixels per thread (2: plain MPIs
     * with blocks at least 32 wide; otherwise 1 is used), or {@link Kernel#ORIGINAL} (unroll and rows ignored).
     * Same results to ~1e-6.
     */
    public CudaRenderer kernel(Kernel k, int unroll, int rows) {
        if (unroll != 1 && unroll != 2) throw new IllegalArgumentException("unroll must be 1 or 2, got " + unroll);
        if (rows != 1 && rows != 2) throw new IllegalArgumentException("rows must be 1 or 2, got " + rows);
        kernel = k;
        this.unroll = unroll;
        this.rows = rows;
        auto = false;
        return this;
    }

    // ------------------------------------------------------------------------------------------ resident data

    /** What a {@link Resident} holds. */
    public enum Kind { MPI, BLEND }

    /** An MPI (or dynamic MPI + background MPI + mask) held in GPU memory; free with {@link #close()}. */
    public final class Resident implements AutoCloseable {
        final Kind kind;
        final boolean half;
        final int planes, height, width;
        final double[] depths;
        final Camera ref;
        final CUdeviceptr a, b, mask;   // MPI: a (padded layout); BLEND: a = fg, b = bg, mask (dense)
        boolean owned = true;           // false for wrapBlend: the buffers belong to the caller
        private boolean freed;

        Resident(Kind kind, boolean half, int planes, int height, int width, double[] depths, Camera ref,
                 CUdeviceptr a, CUdeviceptr b, CUdeviceptr mask) {
            this.kind = kind; this.half = half; this.planes = planes; this.height = height; this.width = width;
            this.depths = depths.clone(); this.ref = ref; this.a = a; this.b = b; this.mask = mask;
        }

        public Kind kind() { return kind; }
        public boolean half() { return half; }
        public int planes() { return planes; }
        public int height() { return height; }
        public int width() { return width; }
        public Camera ref() { return ref; }

        /** Bytes a render must read at least once: 16 (8 in half) per texel per MPI, 4 (2) per mask voxel. */
        public long bytesPerRender() {
            long vox = (long) planes * height * width;
            int s = half ? 2 : 4;
            return kind == Kind.MPI ? vox * 4 * s : vox * 9 * s;
        }

        @Override public void close() {
            if (freed || closed) return;
            freed = true;
            if (!owned) return;
            cuCtxSetCurrent(context);
            for (CUdeviceptr p : new CUdeviceptr[]{a, b, mask}) if (p != null) cuMemFree(p);
        }
    }

    /** Uploads an MPI (float32 storage). */
    public Resident upload(Mpi mpi) { return upload(mpi, false); }

    /** Uploads an MPI; {@code half}: stored as float16 (converted on the GPU, round to nearest). */
    public Resident upload(Mpi mpi, boolean half) {
        check(mpi.planes());
        cuCtxSetCurrent(context);
        int d = mpi.planes(), h = mpi.height(), w = mpi.width();
        long n = (long) d * h * w * 4;
        CUdeviceptr dense = new CUdeviceptr(), p = new CUdeviceptr();
        cuMemAlloc(dense, n * Sizeof.FLOAT);
        try {
            cuMemcpyHtoD(dense, Pointer.to(mpi.rgba()), n * Sizeof.FLOAT);
            cuMemAlloc(p, paddedTexels(d, h, w) * (half ? 8 : 16));
            // every texel of the padded buffer is written, the border with zeros
            cuLaunchKernel(function(half ? "pad_f16" : "pad_f32"), (w + 4 + 127) / 128, h + 4, d, 128, 1, 1, 0, null,
                    Pointer.to(Pointer.to(dense), Pointer.to(p), Pointer.to(new int[]{h}), Pointer.to(new int[]{w})), null);
            cuCtxSynchronize();
        } finally {
            cuMemFree(dense);
        }
        return new Resident(Kind.MPI, half, d, h, w, mpi.depths(), mpi.ref(), p, null, null);
    }

    /** Texels of an MPI in the padded layout of plain residents: D (H + 4) (W + 4). */
    static long paddedTexels(int planes, int height, int width) {
        return (long) planes * (height + 4L) * (width + 4L);
    }

    /** Uploads dynamic MPI, background MPI and mask [D,H,W] for the fused mask-blended render. */
    public Resident uploadBlend(Mpi fg, Mpi bg, float[] mask, boolean half) {
        Mpi.checkCompatible(fg, bg, mask);
        check(fg.planes());
        cuCtxSetCurrent(context);
        CUdeviceptr a = put(fg.rgba(), half), b = put(bg.rgba(), half), m = put(mask, half);
        return new Resident(Kind.BLEND, half, fg.planes(), fg.height(), fg.width(), fg.depths(), fg.ref(), a, b, m);
    }

    /**
     * A float32 blend resident over GPU buffers the caller owns and keeps alive (not freed by its close): dense
     * dynamic and background RGBA [D, H, W, 4] and the mask [D, H, W], e.g. written by the GPU networks.
     */
    public Resident wrapBlend(CUdeviceptr fg, CUdeviceptr bg, CUdeviceptr mask, int planes, int height, int width,
                              double[] depths, Camera ref) {
        check(planes);
        if (depths.length != planes) throw new IllegalArgumentException(depths.length + " depths for " + planes + " planes");
        Resident r = new Resident(Kind.BLEND, false, planes, height, width, depths, ref, fg, bg, mask);
        r.owned = false;
        return r;
    }

    /** An empty plain resident of the blend's size and storage, to {@link #blendInto}. */
    public Resident allocateLike(Resident blend) {
        cuCtxSetCurrent(context);
        CUdeviceptr p = new CUdeviceptr();
        long bytes = paddedTexels(blend.planes, blend.height, blend.width) * (blend.half ? 8 : 16);
        cuMemAlloc(p, bytes);
        cuMemsetD8(p, (byte) 0, bytes);   // the zero border; blendInto writes the interior
        return new Resident(Kind.MPI, blend.half, blend.planes, blend.height, blend.width, blend.depths, blend.ref, p, null, null);
    }

    /** The video path: {@code out ← m·fg + (1−m)·bg} on the GPU (out: a plain resident of the same size and storage). */
    public void blendInto(Resident blend, Resident out) {
        if (blend.kind != Kind.BLEND || out.kind != Kind.MPI || blend.half != out.half || blend.planes != out.planes
                || blend.height != out.height || blend.width != out.width) {
            throw new IllegalArgumentException("blendInto needs a blend resident and a plain resident of the same size and storage");
        }
        cuCtxSetCurrent(context);
        cuLaunchKernel(function(blend.half ? "blend_pad_f16" : "blend_pad_f32"), (blend.width + 127) / 128, blend.height, blend.planes,
                128, 1, 1, 0, null, Pointer.to(Pointer.to(blend.a), Pointer.to(blend.b), Pointer.to(blend.mask), Pointer.to(out.a),
                        Pointer.to(new int[]{blend.height}), Pointer.to(new int[]{blend.width})), null);
    }

    private CUdeviceptr put(float[] data, boolean half) {
        long n = data.length;
        CUdeviceptr f = new CUdeviceptr();
        cuMemAlloc(f, n * Sizeof.FLOAT);
        cuMemcpyHtoD(f, Pointer.to(data), n * Sizeof.FLOAT);
        if (!half) return f;
        CUdeviceptr h = new CUdeviceptr();
        cuMemAlloc(h, n * 2);
        launch1d("f32_to_f16", n, Pointer.to(f), Pointer.to(h), Pointer.to(new long[]{n}));
        cuCtxSynchronize();
        cuMemFree(f);
        return h;
    }

    private static void check(int planes) {
        if (planes > MAX_PLANES) throw new IllegalArgumentException("at most " + MAX_PLANES + " planes, got " + planes);
    }

    // ------------------------------------------------------------------------------------------ output images

    /** Output buffers on the GPU for h × w views (rgb [3,h,w], alpha, disparity); reuse across renders. */
    public final class Target implements AutoCloseable {
        final int height, width;
        final CUdeviceptr rgb = new CUdeviceptr(), acc = new CUdeviceptr(), disp = new CUdeviceptr();
        private boolean freed;

        Target(int height, int width) {
            this.height = height;
            this.width = width;
            long n = (long) height * width * Sizeof.FLOAT;
            cuMemAlloc(rgb, 3 * n);
            cuMemAlloc(acc, n);
            cuMemAlloc(disp, n);
        }

        /** Copies the outputs to the host. */
        public Rendering download() {
            cuCtxSetCurrent(context);
            int n = height * width;
            float[] r = new float[3 * n], a = new float[n], d = new float[n];
            cuMemcpyDtoH(Pointer.to(r), rgb, 3L * n * Sizeof.FLOAT);
            cuMemcpyDtoH(Pointer.to(a), acc, (long) n * Sizeof.FLOAT);
            cuMemcpyDtoH(Pointer.to(d), disp, (long) n * Sizeof.FLOAT);
            return new Rendering(r, a, d, height, width);
        }

        @Override public void close() {
            if (freed || closed) return;
            freed = true;
            cuCtxSetCurrent(context);
            cuMemFree(rgb);
            cuMemFree(acc);
            cuMemFree(disp);
        }
    }

    /** Allocates output buffers for the camera's image size. */
    public Target target(Camera cam) {
        cuCtxSetCurrent(context);
        return new Target(cam.height(), cam.width());
    }

    // ------------------------------------------------------------------------------------------ rendering

    /** Sets the per-plane homographies and inverse depths of a view (constant memory; synchronous copy). */
    public void setView(Resident r, Camera view) {
        cuCtxSetCurrent(context);
        double[][] hom = Homography.targetToReference(r.ref, view, r.depths);
        double[] flat = new double[9 * r.planes];
        float[] invd = new float[r.planes];
        for (int i = 0; i < r.planes; i++) {
            System.arraycopy(hom[i], 0, flat, 9 * i, 9);
            invd[i] = (float) (1.0 / r.depths[i]);
        }
        cuMemcpyHtoD(cHom, Pointer.to(flat), (long) flat.length * Sizeof.DOUBLE);
        cuMemcpyHtoD(cInvd, Pointer.to(invd), (long) invd.length * Sizeof.FLOAT);
    }

    /**
     * Chooses kernel and block per launch (the default; {@link #kernel} or {@link #blockShape} turn it off), from
     * lib/benchmarks/gpu-render-*.md: {@link Kernel#ANCHORED} with 32x4 blocks; plain (padded) MPIs, f32 and f16, two
     * rows per thread, the plane loop unrolled twice for outputs under 2^20 pixels and not unrolled above (lab,
     * 2026-11-26: 640x360x32 -7% and 1920x1080x32 -1% against the other choice); mask-blended renders one row per
     * thread, unrolled twice. {@link Kernel#ORIGINAL} at 128x2 for MPIs of 2^31 texels or more (the anchored kernels
     * index texels with 32-bit integers).
     */
    public CudaRenderer auto() {
        auto = true;
        kernel = Kernel.ANCHORED;
        unroll = 1;
        rows = 1;
        blockX = DEFAULT_BLOCK[0];
        blockY = DEFAULT_BLOCK[1];
        return this;
    }

    /** Launches the render kernel for the view last given to {@link #setView} (asynchronous). */
    public void launch(Resident r, Target t) {
        cuCtxSetCurrent(context);
        List<Pointer> args = new ArrayList<>();
        if (r.kind == Kind.MPI) {
            args.add(Pointer.to(r.a));
        } else {
            args.add(Pointer.to(r.a));
            args.add(Pointer.to(r.b));
            args.add(Pointer.to(r.mask));
        }
        Kernel k = kernel;
        int u = unroll, py = rows, bx = blockX, by = blockY;
        boolean plain = r.kind == Kind.MPI;
        if (auto) {
            k = Kernel.ANCHORED;
            py = plain ? 2 : 1;
            // plain: unrolled twice where the grid does not fill the GPU several times over (640x360: -7%), once for
            // large outputs (1920x1080: -1%); the blend unrolled twice (lib/benchmarks/gpu-render-*.md)
            u = !plain || (long) t.width * t.height < (1L << 20) ? 2 : 1;
            bx = 32;
            by = 4;
        }
        long texels = plain ? paddedTexels(r.planes, r.height, r.width) : (long) r.planes * r.height * r.width;
        if (texels >= Integer.MAX_VALUE) {   // 32-bit texel indices do not reach
            k = Kernel.ORIGINAL;
            if (auto) { bx = 128; by = 2; }
        }
        if (!plain || bx % 32 != 0 || k == Kernel.ORIGINAL) py = 1;
        String fn = renderKernel(r.kind, r.half, k, u, py);
        int shared = k == Kernel.ANCHORED ? bx * by / 32 * 1536 : 0;
        CUfunction f = function(fn);
        int[] max = new int[1];
        cuFuncGetAttribute(max, jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, f);
        if (bx * by > max[0]) {
            throw new IllegalArgumentException("block " + bx + "x" + by + " exceeds the " + max[0] + " threads " + fn + " can run per block");
        }
        for (int v : new int[]{r.planes, r.height, r.width, t.height, t.width}) args.add(Pointer.to(new int[]{v}));
        args.add(Pointer.to(t.rgb));
        args.add(Pointer.to(t.acc));
        args.add(Pointer.to(t.disp));
        cuLaunchKernel(f, (t.width + bx - 1) / bx, (t.height + by * py - 1) / (by * py), 1,
                bx, by, 1, shared, null, Pointer.to(args.toArray(new Pointer[0])), null);
    }

    /**
     * The render kernel of mpi_render.cu for a resident of this kind and storage: render4_* (plain residents, padded)
     * or render3_blend_* for {@link Kernel#ANCHORED}, render_*p / render_blend_* for {@link Kernel#ORIGINAL}.
     */
    static String renderKernel(Kind kind, boolean half, Kernel k, int unroll, int rows) {
        boolean plain = kind == Kind.MPI;
        String src = (plain ? "" : "blend_") + (half ? "f16" : "f32");
        if (k == Kernel.ORIGINAL) return "render_" + src + (plain ? "p" : "");
        return (plain ? "render4_" : "render3_") + src + "_u" + unroll + (plain && rows == 2 ? "_r2" : "");
    }

    /** Every kernel this class launches: the PTX must declare each (CudaRendererTest checks). */
    static List<String> kernelNames() {
        List<String> n = new ArrayList<>(List.of("pad_f32", "pad_f16", "blend_pad_f32", "blend_pad_f16", "f32_to_f16",
                "psv_pack4", "plane_sweep4"));
        for (Kind kind : Kind.values()) {
            for (boolean half : new boolean[]{false, true}) {
                n.add(renderKernel(kind, half, Kernel.ORIGINAL, 1, 1));
                for (int u = 1; u <= 2; u++) {
                    for (int rows = 1; rows <= 2; rows++) {
                        String k = renderKernel(kind, half, Kernel.ANCHORED, u, rows);
                        if (!n.contains(k)) n.add(k);
                    }
                }
            }
        }
        return n;
    }

    /** Renders a resident MPI to a view and copies the result to the host. */
    public Rendering render(Resident r, Camera view) {
        try (Target t = target(view)) {
            setView(r, view);
            launch(r, t);
            return t.download();
        }
    }

    @Override public Rendering render(Mpi mpi, Camera target) {
        try (Resident r = upload(mpi, false)) {
            return render(r, target);
        }
    }

    /** Renders {@code blend(fg, bg, mask)} with the blend fused into the render (uploads, renders, frees). */
    public Rendering renderBlend(Mpi fg, Mpi bg, float[] mask, Camera target, boolean half) {
        try (Resident r = uploadBlend(fg, bg, mask, half)) {
            return render(r, target);
        }
    }

    // ------------------------------------------------------------------------------------------ plane sweep

    /**
     * The plane-sweep volume on the GPU: same maths and layout as {@link PlaneSweep#volume} ([3V, D, H, W], −1
     * outside a view), returned on the host.
     */
    public float[] planeSweep(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths,
                              PlaneSweep.Sampling sampling) {
        try (PlaneSweepJob job = planeSweepJob(images, cameras, ref, depths, sampling)) {
            job.launch();
            return job.download();
        }
    }

    @Override public Psv sweep(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths, PlaneSweep.Sampling sampling) {
        return new Psv(planeSweep(images, cameras, ref, depths, sampling), images.size(), depths.length, ref.height(), ref.width());
    }

    /** The MPI uploaded once (plain, float32) and rendered to any number of views from the GPU copy. */
    @Override public Prepared prepare(Mpi mpi) {
        Resident r = upload(mpi);
        return new Prepared() {
            @Override public Rendering render(Camera target) { return CudaRenderer.this.render(r, target); }
            @Override public void close() { r.close(); }
        };
    }

    /** Images and constants of a plane-sweep volume on the GPU, launched on demand (for timing). */
    public final class PlaneSweepJob implements AutoCloseable {
        final int V, D, H, W;
        final boolean released;
        final CUdeviceptr img = new CUdeviceptr(), packed = new CUdeviceptr(), meta = new CUdeviceptr();
        final CUdeviceptr out;
        final boolean ownsOut;
        final long texels, imageFloats;
        final int[] imageOffsets;
        final double[] consts;
        private boolean freed;

        PlaneSweepJob(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths, PlaneSweep.Sampling s,
                      CUdeviceptr into) {
            V = images.size(); D = depths.length; H = ref.height(); W = ref.width();
            released = s == PlaneSweep.Sampling.RELEASED;
            if (V != cameras.size()) throw new IllegalArgumentException(V + " images but " + cameras.size() + " cameras");
            if (V * D > MAX_PSV_SLICES) throw new IllegalArgumentException("at most " + MAX_PSV_SLICES + " views × planes");
            int[] m = new int[4 * V];   // per view: offset (floats), width, height; then the padded texel offsets
            long total = 0, padded = 0;
            for (int v = 0; v < V; v++) {
                Camera c = cameras.get(v);
                int n = 3 * c.width() * c.height();
                if (images.get(v).length != n) {
                    throw new IllegalArgumentException("image " + v + " must be [3," + c.height() + "," + c.width()
                            + "] (" + n + " floats) to match its camera, got " + images.get(v).length + " floats");
                }
                m[3 * v] = (int) total; m[3 * v + 1] = c.width(); m[3 * v + 2] = c.height();
                m[3 * V + v] = (int) padded;
                total += n;
                padded += (c.width() + 4L) * (c.height() + 4L);
            }
            if (padded >= Integer.MAX_VALUE) throw new IllegalArgumentException("source images too large: " + padded + " texels");
            texels = padded;
            imageFloats = total;
            imageOffsets = m;
            consts = PlaneConstants.of(cameras, ref, depths).packed();
            cuCtxSetCurrent(context);
            cuMemAlloc(img, total * Sizeof.FLOAT);
            cuMemAlloc(packed, texels * 4 * Sizeof.FLOAT);
            cuMemAlloc(meta, m.length * (long) Sizeof.INT);
            cuMemcpyHtoD(meta, Pointer.to(m), m.length * (long) Sizeof.INT);
            ownsOut = into == null;
            out = ownsOut ? new CUdeviceptr() : into;
            if (ownsOut) cuMemAlloc(out, outputBytes());
            setImages(images);
        }

        /**
         * Replaces the source images (same cameras and sizes: e.g. the next video frame) without reallocating.
         *
         * @param images one [3, h, w] image per camera, in the order the job was made with
         */
        public void setImages(List<float[]> images) {
            if (images.size() != V) throw new IllegalArgumentException("expected " + V + " images, got " + images.size());
            cuCtxSetCurrent(context);
            for (int v = 0; v < V; v++) {
                float[] im = images.get(v);
                long n = 3L * imageOffsets[3 * v + 1] * imageOffsets[3 * v + 2];
                if (im.length != n) throw new IllegalArgumentException("image " + v + " must have " + n + " floats, got " + im.length);
                cuMemcpyHtoD(img.withByteOffset((long) imageOffsets[3 * v] * Sizeof.FLOAT), Pointer.to(im), n * Sizeof.FLOAT);
            }
        }

        /** The volume [3V, D, H, W] on the GPU (valid after {@link #launch}). */
        public CUdeviceptr output() { return out; }

        /** Bytes the volume occupies (what the kernel writes). */
        public long outputBytes() { return 3L * V * D * H * W * Sizeof.FLOAT; }

        /** Uploads this job's constants and launches the kernel (asynchronous after the constant copy). */
        public void launch() {
            cuCtxSetCurrent(context);
            cuMemcpyHtoD(cPsv, Pointer.to(consts), consts.length * (long) Sizeof.DOUBLE);
            launchOnly();
        }

        /**
         * Launches the kernels with the constants already in place (for timing repeated builds): psv_pack4 (the
         * images to float4 texels holding colour + 1, with a zero border of 2 texels), then plane_sweep4 (128x1
         * blocks, one thread per two reference pixels of a column, one view and 32 planes).
         */
        public void launchOnly() {
            launch1d("psv_pack4", texels, Pointer.to(img), Pointer.to(meta), Pointer.to(new int[]{V}), Pointer.to(packed),
                    Pointer.to(new long[]{texels}));
            Pointer p = Pointer.to(Pointer.to(packed), Pointer.to(meta), Pointer.to(new int[]{V}), Pointer.to(new int[]{D}),
                    Pointer.to(new int[]{H}), Pointer.to(new int[]{W}), Pointer.to(new int[]{released ? 1 : 0}), Pointer.to(out));
            int bx = 128, by = 1;   // two rows per thread
            cuLaunchKernel(function("plane_sweep4"), (W + bx - 1) / bx, (H + 2 * by - 1) / (2 * by), V * ((D + 31) / 32), bx, by, 1,
                    bx * by / 32 * 1536, null, p, null);
        }

        public float[] download() {
            cuCtxSetCurrent(context);
            float[] o = new float[(int) (outputBytes() / Sizeof.FLOAT)];
            cuMemcpyDtoH(Pointer.to(o), out, outputBytes());
            return o;
        }

        @Override public void close() {
            if (freed || closed) return;
            freed = true;
            cuCtxSetCurrent(context);
            cuMemFree(img);
            cuMemFree(packed);
            cuMemFree(meta);
            if (ownsOut) cuMemFree(out);
        }
    }

    /** Prepares a plane-sweep volume on the GPU (images and constants uploaded, output allocated). */
    public PlaneSweepJob planeSweepJob(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths,
                                       PlaneSweep.Sampling sampling) {
        return new PlaneSweepJob(images, cameras, ref, depths, sampling, null);
    }

    /**
     * A plane-sweep job that writes into a GPU buffer the caller owns ({@code 3V·D·H·W} floats at {@code into}, e.g.
     * a channel range of a larger volume), so a frame's sweep lands where the networks read it.
     */
    public PlaneSweepJob planeSweepJob(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths,
                                       PlaneSweep.Sampling sampling, CUdeviceptr into) {
        return new PlaneSweepJob(images, cameras, ref, depths, sampling, java.util.Objects.requireNonNull(into, "into"));
    }

    /** The CUDA context this renderer works in (the device's primary context): GPU buffers are shared through it. */
    public CUcontext context() { return context; }

    /** The device's compute capability, major version (9 on Hopper). */
    public int computeMajor() { return ccMajor; }

    // ------------------------------------------------------------------------------------------ plumbing

    private final java.util.Map<String, CUfunction> functions = new java.util.HashMap<>();

    private CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            cuModuleGetFunction(f, module, n);
            return f;
        });
    }

    private void launch1d(String fn, long n, Pointer... args) {
        int block = 256;
        long blocks = Math.min((n + block - 1) / block, 65535L * 16);
        cuLaunchKernel(function(fn), (int) blocks, 1, 1, block, 1, 1, 0, null, Pointer.to(args), null);
    }

    /** Waits for all launched work. */
    public void synchronize() {
        cuCtxSetCurrent(context);
        cuCtxSynchronize();
    }

    /** A CUDA event pair for timing: {@link #start()}, work, {@link #stopMillis()}. */
    public final class Timer implements AutoCloseable {
        private final CUevent a = new CUevent(), b = new CUevent();

        Timer() {
            cuEventCreate(a, 0);
            cuEventCreate(b, 0);
        }

        public void start() { cuEventRecord(a, null); }

        /** Records the stop event, waits for it and returns the elapsed milliseconds. */
        public float stopMillis() {
            cuEventRecord(b, null);
            cuEventSynchronize(b);
            float[] ms = new float[1];
            cuEventElapsedTime(ms, a, b);
            return ms[0];
        }

        @Override public void close() {
            cuEventDestroy(a);
            cuEventDestroy(b);
        }
    }

    /** A timer on this renderer's context. */
    public Timer timer() {
        cuCtxSetCurrent(context);
        return new Timer();
    }

    @Override public void close() {
        if (closed) return;
        cuCtxSetCurrent(context);
        cuModuleUnload(module);
        cuDevicePrimaryCtxRelease(device);
        closed = true;
    }
}
