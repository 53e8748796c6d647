package org.mask3d.data;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.Mat;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Images;
import org.mask3d.io.Npy;
import org.mask3d.io.NpyArray;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The built-in dynamic dataset: a procedural outdoor-like scene (sky, hills, ground, trees, a post) with two moving,
 * occluding foreground objects (a rolling ball in front of the post, a walker passing behind it), filmed by a fixed
 * grid of static cameras (default 2 × 5, the authors' 10-camera arrangement), ray-cast with exact geometry.
 *
 * <p>Everything is a deterministic function of {@link Options} (including the seed): the same options give the
 * same bytes. Besides frames it knows the truth: static backgrounds (the scene without the moving objects),
 * foreground mattes (RGBA, alpha 1 where a moving object is the first surface hit), and per-pixel depth (z in the
 * camera). Frames are quantised to 8 bits so that a written-then-read scene round-trips exactly.
 *
 * <p>World axes follow OpenCV (x right, y down, z forward); the cameras stand 1.6 m above the ground plane
 * {@code y = 1.6}, looking along +z, with a 90° horizontal field of view like the authors' undistorted frames
 * (fx = fy = W/2, principal point centred).
 */
public final class SyntheticRig implements Scene {

    /**
     * @param width   image width
     * @param height  image height
     * @param rows    camera grid rows
     * @param cols    camera grid columns
     * @param spacing distance between neighbouring cameras, metres
     * @param frames  video frames
     * @param seed    seed of every texture and of the objects' paths
     */
    public record Options(int width, int height, int rows, int cols, double spacing, int frames, long seed) {
        public Options {
            if (width < 8 || height < 8) throw new IllegalArgumentException("image must be at least 8x8, got " + width + "x" + height);
            if (rows < 1 || cols < 1 || rows * cols < 2) throw new IllegalArgumentException("need at least 2 cameras, got " + rows + "x" + cols);
            if (!(spacing > 0)) throw new IllegalArgumentException("spacing must be positive, got " + spacing);
            if (frames < 1) throw new IllegalArgumentException("need at least 1 frame, got " + frames);
        }

        /** 10 cameras (2 × 5, 8 cm apart), 30 frames at 320 × 180, seed 0. */
        public static Options defaults() { return new Options(320, 180, 2, 5, 0.08, 30, 0); }
    }

    private static final double GROUND_Y = 1.6;

    /** A surface of the scene: a ray intersection, a colour at the hit point, and whether it moves. */
    private interface Surface {
        /** Ray parameter of the first hit in (0, ∞), or +∞. */
        double hit(double ox, double oy, double oz, double dx, double dy, double dz, int frame);

        /** Colour at the world point (x, y, z) hit at {@code frame}. */
        void shade(double x, double y, double z, int frame, float[] rgb);

        boolean dynamic();
    }

    private final Options o;
    private final List<Camera> cameras;
    private final List<Surface> surfaces = new ArrayList<>();
    private final Noise noise;

    public SyntheticRig(Options options) {
        this.o = options;
        this.noise = new Noise(options.seed());
        double f = options.width() / 2.0;
        List<Camera> cams = new ArrayList<>();
        for (int r = 0; r < options.rows(); r++) {
            for (int c = 0; c < options.cols(); c++) {
                double cx = (c - (options.cols() - 1) / 2.0) * options.spacing();
                double cy = (r - (options.rows() - 1) / 2.0) * options.spacing();
                double[] w2c = Mat.identity(4);
                w2c[3] = -cx;
                w2c[7] = -cy;
                cams.add(new Camera(Camera.intrinsics(f, options.width(), options.height()), w2c, options.width(), options.height()));
            }
        }
        this.cameras = List.copyOf(cams);
        build();
    }

    /** The default rig. */
    public static SyntheticRig standard() { return new SyntheticRig(Options.defaults()); }

    public Options options() { return o; }

    // ------------------------------------------------------------------------------------------ scene content

    private void build() {
        java.util.Random rnd = new java.util.Random(o.seed() * 7919 + 17);
        // sky: a backdrop at z = 60, blue gradient with clouds
        surfaces.add(new FrontPlane(60, -1e9, 1e9, -1e9, 1e9, false) {
            @Override public void shade(double x, double y, double z, int frame, float[] c) {
                double t = clamp01((y + 30) / 45.0);
                double cloud = clamp01(noise.fbm(x / 9.0, y / 4.0, 1) * 1.6 - 0.55);
                c[0] = (float) lerp(0.35 + 0.2 * t, 0.95, cloud);
                c[1] = (float) lerp(0.55 + 0.2 * t, 0.95, cloud);
                c[2] = (float) lerp(0.9, 0.97, cloud);
            }
        });
        // hills: a plane at z = 35 below a noisy ridge line
        surfaces.add(new FrontPlane(35, -1e9, 1e9, -1e9, 1e9, false) {
            @Override boolean inside(double x, double y, int frame) {
                return y > -4.0 - 5.0 * noise.fbm(x / 14.0, 0.5, 2);
            }

            @Override public void shade(double x, double y, double z, int frame, float[] c) {
                double n = noise.fbm(x / 2.5, y / 2.5, 3);
                c[0] = (float) (0.25 + 0.2 * n);
                c[1] = (float) (0.42 + 0.25 * n);
                c[2] = (float) (0.22 + 0.1 * n);
            }
        });
        // ground: y = GROUND_Y, grass with a paved path of tiles
        surfaces.add(new Surface() {
            @Override public double hit(double ox, double oy, double oz, double dx, double dy, double dz, int frame) {
                if (dy <= 1e-12) return Double.POSITIVE_INFINITY;
                double t = (GROUND_Y - oy) / dy;
                double z = oz + t * dz;
                return t > 0 && z > 0.5 && z < 60 ? t : Double.POSITIVE_INFINITY;
            }

            @Override public void shade(double x, double y, double z, int frame, float[] c) {
                double n = noise.fbm(x * 1.7, z * 1.7, 4);
                boolean path = Math.abs(x - 0.6 - 0.15 * Math.sin(z * 0.4)) < 0.9;
                if (path) {
                    boolean joint = frac(x * 2.0 + 0.5 * Math.floor(z * 2.0)) < 0.06 || frac(z * 2.0) < 0.06;
                    double v = joint ? 0.35 : 0.62 + 0.18 * n;
                    c[0] = (float) v; c[1] = (float) (v * 0.95); c[2] = (float) (v * 0.88);
                } else {
                    c[0] = (float) (0.22 + 0.2 * n); c[1] = (float) (0.45 + 0.25 * n); c[2] = (float) (0.16 + 0.08 * n);
                }
            }

            @Override public boolean dynamic() { return false; }
        });
        // trees: trunk + canopy billboards at several depths
        double[][] trees = {{-3.2, 9.0, 1.3}, {2.6, 12.0, 1.6}, {-0.8, 16.0, 1.8}, {5.5, 20.0, 2.2}};
        for (double[] t : trees) {
            double tx = t[0] + 0.3 * rnd.nextGaussian(), tz = t[1], r = t[2];
            surfaces.add(new FrontPlane(tz, tx - 0.12 * r, tx + 0.12 * r, GROUND_Y - 2.2 * r, GROUND_Y, false) {
                @Override public void shade(double x, double y, double z, int frame, float[] c) {
                    double n = noise.fbm(x * 6, y * 1.2, 5);
                    c[0] = (float) (0.33 + 0.15 * n); c[1] = (float) (0.22 + 0.1 * n); c[2] = (float) (0.12 + 0.05 * n);
                }
            });
            double cy = GROUND_Y - 2.4 * r;
            surfaces.add(new FrontPlane(tz - 0.01, tx - r, tx + r, cy - r, cy + r, false) {
                @Override boolean inside(double x, double y, int frame) {
                    double dx = (x - tx) / r, dy = (y - cy) / r;
                    return dx * dx + dy * dy < 0.75 + 0.35 * noise.fbm(Math.atan2(dy, dx) * 1.5, 0.3, 6);
                }

                @Override public void shade(double x, double y, double z, int frame, float[] c) {
                    double n = noise.fbm(x * 3, y * 3, 7);
                    c[0] = (float) (0.12 + 0.18 * n); c[1] = (float) (0.35 + 0.3 * n); c[2] = (float) (0.1 + 0.1 * n);
                }
            });
        }
        // a post in the middle ground: the walker passes behind it, the ball in front
        surfaces.add(new FrontPlane(4.6, 0.25, 0.5, GROUND_Y - 2.3, GROUND_Y, false) {
            @Override public void shade(double x, double y, double z, int frame, float[] c) {
                double n = noise.fbm(x * 8, y * 8, 8);
                boolean band = frac(y * 1.5) < 0.12;
                double v = band ? 0.85 : 0.45 + 0.2 * n;
                c[0] = (float) v; c[1] = (float) (band ? 0.2 : v); c[2] = (float) (band ? 0.15 : v * 0.9);
            }
        });
        // moving: a walker (rounded billboard) from right to left behind the post
        final double walkZ = 5.6, walkH = 1.75, walkW = 0.5;
        final double walkFrom = 2.6 + 0.2 * rnd.nextGaussian(), walkTo = -2.4;
        surfaces.add(new FrontPlane(walkZ, -1e9, 1e9, GROUND_Y - walkH, GROUND_Y, true) {
            double cx(int frame) { return o.frames() == 1 ? walkFrom : walkFrom + (walkTo - walkFrom) * frame / (o.frames() - 1.0); }

            @Override boolean inside(double x, double y, int frame) {
                double dx = x - cx(frame);
                double top = GROUND_Y - walkH;
                if (y < top + 0.25) {   // head
                    double hy = y - (top + 0.13);
                    return dx * dx + hy * hy < 0.13 * 0.13;
                }
                double swing = 0.08 * Math.sin(frame * 0.9);
                double half = y > GROUND_Y - 0.8 ? walkW / 2 * 0.7 + Math.abs(swing) : walkW / 2;
                return Math.abs(dx) < half && y > top + 0.27;
            }

            @Override public void shade(double x, double y, double z, int frame, float[] c) {
                double lx = x - cx(frame);
                double n = noise.fbm(lx * 10, y * 10, 9);
                boolean shirt = y < GROUND_Y - 0.8;
                c[0] = (float) (shirt ? 0.85 + 0.1 * n : 0.15 + 0.1 * n);
                c[1] = (float) (shirt ? 0.3 + 0.15 * n : 0.2 + 0.1 * n);
                c[2] = (float) (shirt ? 0.2 : 0.45 + 0.15 * n);
                if (y < GROUND_Y - walkH + 0.26) { c[0] = (float) (0.85 + 0.05 * n); c[1] = 0.65f; c[2] = 0.5f; }
            }
        });
        // moving: a ball rolling left to right in front of the post
        final double radius = 0.35, ballZ = 3.8;
        final double b0 = -2.2, b1 = 2.4 + 0.2 * rnd.nextGaussian();
        surfaces.add(new Surface() {
            double cx(int frame) { return o.frames() == 1 ? b0 : b0 + (b1 - b0) * frame / (o.frames() - 1.0); }

            @Override public double hit(double ox, double oy, double oz, double dx, double dy, double dz, int frame) {
                double px = ox - cx(frame), py = oy - (GROUND_Y - radius), pz = oz - ballZ;
                double a = dx * dx + dy * dy + dz * dz, b = px * dx + py * dy + pz * dz, c = px * px + py * py + pz * pz - radius * radius;
                double disc = b * b - a * c;
                if (disc < 0) return Double.POSITIVE_INFINITY;
                double t = (-b - Math.sqrt(disc)) / a;
                return t > 0 ? t : Double.POSITIVE_INFINITY;
            }

            @Override public void shade(double x, double y, double z, int frame, float[] c) {
                double nx = (x - cx(frame)) / radius, ny = (y - (GROUND_Y - radius)) / radius, nz = (z - ballZ) / radius;
                double roll = (cx(frame) - b0) / radius;   // rolling: rotate the pattern about z
                double u = Math.atan2(ny, nx) + roll, v = Math.acos(Math.max(-1, Math.min(1, nz)));
                boolean stripe = ((int) Math.floor(u / (Math.PI / 4)) + (int) Math.floor(v / (Math.PI / 4))) % 2 == 0;
                double light = 0.55 + 0.45 * Math.max(0, -0.4 * nx - 0.7 * ny - 0.6 * nz);
                c[0] = (float) (light * (stripe ? 0.95 : 0.2));
                c[1] = (float) (light * (stripe ? 0.85 : 0.35));
                c[2] = (float) (light * (stripe ? 0.2 : 0.85));
            }

            @Override public boolean dynamic() { return true; }
        });
    }

    /** A bounded fronto-parallel plane z = const with an optional shape test. */
    private abstract static class FrontPlane implements Surface {
        final double z, x0, x1, y0, y1;
        final boolean dyn;

        FrontPlane(double z, double x0, double x1, double y0, double y1, boolean dyn) {
            this.z = z; this.x0 = x0; this.x1 = x1; this.y0 = y0; this.y1 = y1; this.dyn = dyn;
        }

        boolean inside(double x, double y, int frame) { return true; }

        @Override public double hit(double ox, double oy, double oz, double dx, double dy, double dz, int frame) {
            if (Math.abs(dz) < 1e-12) return Double.POSITIVE_INFINITY;
            double t = (z - oz) / dz;
            if (!(t > 0)) return Double.POSITIVE_INFINITY;
            double x = ox + t * dx, y = oy + t * dy;
            return x >= x0 && x < x1 && y >= y0 && y < y1 && inside(x, y, frame) ? t : Double.POSITIVE_INFINITY;
        }

        @Override public boolean dynamic() { return dyn; }
    }

    /** Deterministic value noise with fractal sums. */
    private static final class Noise {
        private final long seed;

        Noise(long seed) { this.seed = seed; }

        private double hash(long ix, long iy, int salt) {
            long h = seed * 0x9E3779B97F4A7C15L + ix * 0xC2B2AE3D27D4EB4FL + iy * 0x165667B19E3779F9L + salt * 0x27D4EB2F165667C5L;
            h ^= h >>> 33; h *= 0xFF51AFD7ED558CCDL; h ^= h >>> 33; h *= 0xC4CEB9FE1A85EC53L; h ^= h >>> 33;
            return (h >>> 11) * 0x1.0p-53;
        }

        double value(double x, double y, int salt) {
            double fx = Math.floor(x), fy = Math.floor(y);
            long ix = (long) fx, iy = (long) fy;
            double tx = x - fx, ty = y - fy;
            tx = tx * tx * (3 - 2 * tx);
            ty = ty * ty * (3 - 2 * ty);
            double a = hash(ix, iy, salt), b = hash(ix + 1, iy, salt), c = hash(ix, iy + 1, salt), d = hash(ix + 1, iy + 1, salt);
            return lerp(lerp(a, b, tx), lerp(c, d, tx), ty);
        }

        /** Three octaves, in [0,1]. */
        double fbm(double x, double y, int salt) {
            return (value(x, y, salt) * 4 + value(2 * x + 5.2, 2 * y + 1.3, salt) * 2 + value(4 * x + 9.1, 4 * y + 7.7, salt)) / 7.0;
        }
    }

    static double lerp(double a, double b, double t) { return a + (b - a) * t; }
    static double clamp01(double v) { return Math.max(0, Math.min(1, v)); }
    static double frac(double v) { return v - Math.floor(v); }

    // ------------------------------------------------------------------------------------------ rendering

    /** What one ray-cast view holds: colour [3,H,W] (8-bit quantised), depth [H,W], foreground mask [H,W]. */
    public record View(float[] rgb, float[] depth, float[] mask, int height, int width) {}

    /**
     * Ray-casts camera {@code cam} at {@code frame}.
     *
     * @param withDynamic false renders the static background (moving objects removed)
     */
    public View view(int cam, int frame, boolean withDynamic) {
        Camera c = cameras.get(cam);
        int h = c.height(), w = c.width(), n = h * w;
        float[] rgb = new float[3 * n], depth = new float[n], mask = new float[n];
        double[] c2w = c.c2w();
        double fx = c.fx(), fy = c.fy(), px0 = c.cx(), py0 = c.cy();
        double ox = c2w[3], oy = c2w[7], oz = c2w[11];
        float[] col = new float[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double rx = (x + 0.5 - px0) / fx, ry = (y + 0.5 - py0) / fy;   // camera ray with z = 1
                double dx = c2w[0] * rx + c2w[1] * ry + c2w[2];
                double dy = c2w[4] * rx + c2w[5] * ry + c2w[6];
                double dz = c2w[8] * rx + c2w[9] * ry + c2w[10];
                double best = Double.POSITIVE_INFINITY;
                Surface hit = null;
                for (Surface s : surfaces) {
                    if (s.dynamic() && !withDynamic) continue;
                    double t = s.hit(ox, oy, oz, dx, dy, dz, frame);
                    if (t < best) { best = t; hit = s; }
                }
                int p = y * w + x;
                if (hit == null) continue;
                hit.shade(ox + best * dx, oy + best * dy, oz + best * dz, frame, col);
                for (int k = 0; k < 3; k++) rgb[k * n + p] = Math.round(clamp01(col[k]) * 255) / 255f;
                depth[p] = (float) best;   // the ray has camera z = 1, so t is the depth
                mask[p] = hit.dynamic() ? 1f : 0f;
            }
        }
        return new View(rgb, depth, mask, h, w);
    }

    // ------------------------------------------------------------------------------------------ Scene

    @Override public String name() { return String.format(Locale.ROOT, "synthetic-rig(seed %d)", o.seed()); }
    @Override public int numCameras() { return cameras.size(); }
    @Override public int numFrames() { return o.frames(); }
    @Override public int width() { return o.width(); }
    @Override public int height() { return o.height(); }
    @Override public List<Camera> cameras() { return cameras; }
    @Override public float[] frame(int cam, int t) { return view(cam, t, true).rgb(); }
    @Override public boolean hasBackgrounds() { return true; }
    @Override public float[] background(int cam) { return view(cam, 0, false).rgb(); }
    @Override public boolean hasForeground() { return true; }

    @Override public float[] foreground(int cam, int t) {
        View v = view(cam, t, true);
        int n = v.height() * v.width();
        float[] out = new float[4 * n];
        for (int k = 0; k < 3; k++) for (int p = 0; p < n; p++) out[k * n + p] = v.mask()[p] > 0 ? v.rgb()[k * n + p] : 0f;
        System.arraycopy(v.mask(), 0, out, 3 * n, n);
        return out;
    }

    /** Near bounds: the 1st percentile of each camera's true depths over the first, middle and last frames. */
    @Override public double[] nears() { return bounds()[0]; }

    /** Far bounds: the 99.9th percentile of each camera's true depths. */
    @Override public double[] fars() { return bounds()[1]; }

    private double[][] cachedBounds;

    private synchronized double[][] bounds() {
        if (cachedBounds != null) return cachedBounds;
        double[][] b = new double[2][cameras.size()];
        for (int c = 0; c < cameras.size(); c++) {
            List<Float> all = new ArrayList<>();
            for (int t : new int[]{0, o.frames() / 2, o.frames() - 1}) for (float d : view(c, t, true).depth()) if (d > 0) all.add(d);
            float[] s = new float[all.size()];
            for (int i = 0; i < s.length; i++) s[i] = all.get(i);
            Arrays.sort(s);
            b[0][c] = s[(int) Math.floor(0.01 * (s.length - 1))];
            b[1][c] = s[(int) Math.floor(0.999 * (s.length - 1))];
        }
        cachedBounds = b;
        return b;
    }

    /**
     * Writes the rig in the multi-camera folder layout of {@link VideoFolderScene}, plus its truth:
     * <pre>
     *   DIR/poses_bounds.npy, DIR/frames/camNN/NNNNN.png, DIR/background/camNN.png,
     *   DIR/foreground/camNN/NNNNN.png (RGBA mattes), DIR/depth/camNN/NNNNN.npy (float32 [H,W] z-depth),
     *   DIR/rig.txt (the options, key = value)
     * </pre>
     * {@code rig.txt} is written first and {@code poses_bounds.npy} last (an existing one is deleted first), so an
     * interrupted write (a kill, a full disk) leaves a folder that {@link DatasetCheck} reports as a partial scene.
     *
     * @param threads  worker threads
     * @param progress called with the number of finished views (cameras × frames), may be null
     */
    public void write(Path dir, int threads, IntConsumer progress) {
        int nc = cameras.size(), nf = o.frames();
        List<Llff.PoseBounds> rows = poses();
        // poses_bounds.npy is written last: until then the folder (rig.txt, no poses) is a partial scene to DatasetCheck
        Path poses = dir.resolve("poses_bounds.npy");
        try {
            Files.deleteIfExists(poses);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot replace " + poses + ": " + e.getMessage(), e);
        }
        String txt = String.format(Locale.ROOT, "# mask3d synthetic rig: ./mask3d synth regenerates it from these values%n"
                + "img_wh = [%d, %d]%nrows = %d%ncols = %d%nspacing = %s%nnum_frames = %d%nseed = %d%n",
                o.width(), o.height(), o.rows(), o.cols(), o.spacing(), o.frames(), o.seed());
        AtomicFiles.write(dir.resolve("rig.txt"), txt.getBytes(StandardCharsets.UTF_8));
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));
        try {
            pool.submit(() -> IntStream.range(0, nc * (nf + 1)).parallel().forEach(job -> {
                int c = job / (nf + 1), t = job % (nf + 1) - 1;
                String cam = String.format("cam%02d", c);
                int w = o.width(), h = o.height();
                if (t < 0) {
                    Images.writePng(dir.resolve("background").resolve(cam + ".png"), view(c, 0, false).rgb(), 3, h, w);
                    return;
                }
                View v = view(c, t, true);
                String name = String.format("%05d", t);
                Images.writePng(dir.resolve("frames").resolve(cam).resolve(name + ".png"), v.rgb(), 3, h, w);
                Images.writePng(dir.resolve("foreground").resolve(cam).resolve(name + ".png"), matte(v));
                Npy.write(dir.resolve("depth").resolve(cam).resolve(name + ".npy"), NpyArray.ofFloat(v.depth(), h, w));
                if (progress != null) progress.accept(done.incrementAndGet());
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            // after a failure (a full disk) the other views stop, and none is written after this method returns
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Llff.write(poses, rows);
    }

    private static java.awt.image.BufferedImage matte(View v) {
        int w = v.width(), h = v.height(), n = w * h;
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        int[] px = new int[n];
        for (int p = 0; p < n; p++) {
            if (v.mask()[p] == 0) continue;
            int r = Math.round(v.rgb()[p] * 255), g = Math.round(v.rgb()[n + p] * 255), b = Math.round(v.rgb()[2 * n + p] * 255);
            px[p] = 0xff000000 | (r << 16) | (g << 8) | b;
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }
}
