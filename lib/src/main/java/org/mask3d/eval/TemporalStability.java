package org.mask3d.eval;

import org.mask3d.InputException;
import org.mask3d.io.Images;

import java.nio.file.Path;
import java.util.List;

/**
 * Temporal stability of a rendered video at one fixed (novel) camera over consecutive frames t = 0..T−1: how much the
 * render flickers where the scene does not move, and how far its frame-to-frame changes are from the ground truth's.
 *
 * <h2>Conventions</h2>
 * Frames are {@code float[]} [C, H, W] (CHW, row-major, values nominally in [0, 1]); static masks are
 * {@code boolean[]} [H, W] (row-major, {@code true} = the pixel is static in the ground truth at that frame). A frame
 * pair (t−1, t), t = 1..T−1, gives the differences {@code ΔR_t = R_t − R_{t−1}} (render) and
 * {@code ΔG_t = G_t − G_{t−1}} (ground truth). With S_t = {pixels static in both frames t−1 and t}:
 * <pre>
 *   renderChange      = Σ_t Σ_{p∈S_t} Σ_c |ΔR_t(c,p)|  /  (C · Σ_t |S_t|)
 *   groundTruthChange = Σ_t Σ_{p∈S_t} Σ_c |ΔG_t(c,p)|  /  (C · Σ_t |S_t|)
 *   temporalError     = Σ_t Σ_{all p} Σ_c |ΔR_t(c,p) − ΔG_t(c,p)|  /  (C · H · W · (T − 1))
 * </pre>
 * The two change measures pool all static pixels of all pairs (a pair with more static pixels weighs more); they are
 * NaN when no pixel is static in any pair. {@code temporalError} is the temporal error of the render against the
 * ground truth (zero when the render changes exactly as the ground truth does, even if each frame has an error that
 * is constant in time). On the synthetic rig the ground truth's static pixels have {@code groundTruthChange = 0}
 * exactly; on real data it measures the noise floor (sensor noise, compression) the render is compared with.
 * The per-pair series hold the same quantities for each pair alone (NaN for a pair without static pixels).
 */
public final class TemporalStability {
    private TemporalStability() {}

    /**
     * The measures over all frame pairs, and per pair (index i is the pair (i, i+1)).
     *
     * @param renderChange           mean |ΔR| on static pixels (see the class comment)
     * @param groundTruthChange      mean |ΔG| on the same pixels
     * @param temporalError          mean |ΔR − ΔG| over all pixels
     * @param staticPixels           Σ_t |S_t|: static pixel positions counted over all pairs (not × channels)
     * @param framePairs             T − 1
     * @param renderChangePerPair    [T − 1]
     * @param groundTruthChangePerPair [T − 1]
     * @param temporalErrorPerPair   [T − 1]
     * @param staticPixelsPerPair    [T − 1]
     */
    public record Result(double renderChange, double groundTruthChange, double temporalError, int staticPixels,
                         int framePairs, double[] renderChangePerPair, double[] groundTruthChangePerPair,
                         double[] temporalErrorPerPair, int[] staticPixelsPerPair) {
        /** renderChange / groundTruthChange: how many times the ground truth's own flicker (∞ on exact data). */
        public double flickerRatio() { return renderChange / groundTruthChange; }
    }

    /**
     * Measures a rendered video against its ground truth.
     *
     * @param renders      T ≥ 2 frames [C, H, W] of the method at the fixed camera
     * @param groundTruths T frames [C, H, W] of the ground truth at the same camera
     * @param staticMasks  T masks [H, W], {@code true} = static in the ground truth at that frame; null = every pixel
     *                     static
     * @throws IllegalArgumentException naming the list and frame whose size is wrong, or if the lists differ in length
     *                                  or hold fewer than 2 frames
     */
    public static Result measure(List<float[]> renders, List<float[]> groundTruths, List<boolean[]> staticMasks,
                                 int channels, int height, int width) {
        if (renders == null || groundTruths == null) throw new IllegalArgumentException("renders and groundTruths must not be null");
        int t = renders.size();
        if (t < 2) throw new IllegalArgumentException("temporal stability needs at least 2 frames, got " + t);
        if (groundTruths.size() != t) {
            throw new IllegalArgumentException("renders has " + t + " frames but groundTruths has " + groundTruths.size());
        }
        if (staticMasks != null && staticMasks.size() != t) {
            throw new IllegalArgumentException("renders has " + t + " frames but staticMasks has " + staticMasks.size());
        }
        Accumulator a = new Accumulator(channels, height, width, staticMasks != null);
        for (int i = 0; i < t; i++) a.add(renders.get(i), groundTruths.get(i), staticMasks == null ? null : staticMasks.get(i));
        return a.result();
    }

    /**
     * {@link #measure} one frame at a time, keeping only the previous frame: for long videos, where holding every
     * render would not fit. Gives exactly {@link #measure}'s result for the same frames.
     */
    public static final class Accumulator {
        private final int channels, height, width;
        private final boolean masked;
        private float[] prevRender, prevTruth;
        private boolean[] prevMask;
        private int frames;
        private final java.util.ArrayList<double[]> pairs = new java.util.ArrayList<>();   // {rc, gc, te, staticPixels}
        private double rSum, gSum, eSum;
        private long sTotal;

        /**
         * @param masked whether every frame comes with a static mask ({@code false}: every pixel counts as static)
         */
        public Accumulator(int channels, int height, int width, boolean masked) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            this.masked = masked;
        }

        /**
         * The next frame.
         *
         * @param staticMask [H,W], {@code true} = static in the ground truth; null exactly when not {@code masked}
         */
        public void add(float[] render, float[] groundTruth, boolean[] staticMask) {
            int n = height * width, i = frames;
            checkFrame("renders", i, render, channels, height, width);
            checkFrame("groundTruths", i, groundTruth, channels, height, width);
            if (masked && (staticMask == null || staticMask.length != n)) {
                throw new IllegalArgumentException("staticMasks[" + i + "] must be [H,W] = [" + height + "," + width
                        + "] with " + n + " values, got " + (staticMask == null ? "null" : staticMask.length));
            }
            if (!masked && staticMask != null) throw new IllegalArgumentException("staticMasks[" + i + "] given to an unmasked accumulator");
            if (prevRender != null) {
                float[] r0 = prevRender, r1 = render, g0 = prevTruth, g1 = groundTruth;
                boolean[] m0 = prevMask, m1 = staticMask;
                double rs = 0, gs = 0, es = 0;
                int cnt = 0;
                for (int p = 0; p < n; p++) {
                    boolean st = m0 == null || (m0[p] && m1[p]);
                    if (st) cnt++;
                    for (int c = 0; c < channels; c++) {
                        int j = c * n + p;
                        double dr = (double) r1[j] - r0[j], dg = (double) g1[j] - g0[j];
                        es += Math.abs(dr - dg);
                        if (st) { rs += Math.abs(dr); gs += Math.abs(dg); }
                    }
                }
                pairs.add(new double[]{cnt == 0 ? Double.NaN : rs / ((double) cnt * channels),
                        cnt == 0 ? Double.NaN : gs / ((double) cnt * channels), es / ((double) n * channels), cnt});
                rSum += rs; gSum += gs; eSum += es;
                sTotal += cnt;
            }
            prevRender = render;
            prevTruth = groundTruth;
            prevMask = staticMask;
            frames++;
        }

        /** Frames added so far. */
        public int frames() { return frames; }

        /** The measure over the frames added so far (at least 2). */
        public Result result() {
            if (frames < 2) throw new IllegalArgumentException("temporal stability needs at least 2 frames, got " + frames);
            int k = pairs.size(), n = height * width;
            double[] rc = new double[k], gc = new double[k], te = new double[k];
            int[] sp = new int[k];
            for (int i = 0; i < k; i++) {
                double[] q = pairs.get(i);
                rc[i] = q[0]; gc[i] = q[1]; te[i] = q[2]; sp[i] = (int) q[3];
            }
            double rAll = sTotal == 0 ? Double.NaN : rSum / ((double) sTotal * channels);
            double gAll = sTotal == 0 ? Double.NaN : gSum / ((double) sTotal * channels);
            double eAll = eSum / ((double) n * channels * k);
            return new Result(rAll, gAll, eAll, (int) Math.min(Integer.MAX_VALUE, sTotal), k, rc, gc, te, sp);
        }
    }

    /**
     * A static mask from a background image, for real data: pixel p is dynamic when the mean absolute difference
     * over channels {@code (1/C)·Σ_c |frame(c,p) − background(c,p)|} exceeds {@code threshold}; the dynamic region is
     * then dilated by {@code dilate} pixels (a (2·dilate+1)×(2·dilate+1) square), to cover soft edges and shadows.
     *
     * @param frame      [C, H, W]
     * @param background [C, H, W], e.g. the per-camera median background
     * @param threshold  in the images' units (e.g. 0.05 for [0,1] images)
     * @param dilate     ≥ 0
     * @return [H, W], {@code true} = static
     */
    public static boolean[] staticMaskFromBackground(float[] frame, float[] background, int channels, int height,
                                                     int width, double threshold, int dilate) {
        Images.checkChw(frame, channels, height, width);
        Images.checkChw(background, channels, height, width);
        if (dilate < 0) throw new IllegalArgumentException("dilate must be ≥ 0, got " + dilate);
        if (!(threshold >= 0)) throw new IllegalArgumentException("threshold must be ≥ 0, got " + threshold);
        int n = height * width;
        boolean[] dynamic = new boolean[n];
        for (int p = 0; p < n; p++) {
            double s = 0;
            for (int c = 0; c < channels; c++) s += Math.abs((double) frame[c * n + p] - background[c * n + p]);
            dynamic[p] = s / channels > threshold;
        }
        return invert(dilate(dynamic, height, width, dilate));
    }

    /**
     * A static mask from a user's mask image (PNG, JPEG or BMP) of the frame's size. Convention: <b>white (or any
     * bright value) = dynamic</b>, black = static, as in a foreground matte: a pixel is dynamic when its mean over
     * RGB exceeds 0.5. The dynamic region is dilated by {@code dilate} pixels as in
     * {@link #staticMaskFromBackground}.
     *
     * @return [H, W], {@code true} = static
     * @throws InputException if the file is missing or unreadable, or its size is not width×height
     */
    public static boolean[] staticMaskFromImage(Path maskImage, int height, int width, int dilate) {
        Images.Image img = Images.read(maskImage);
        if (img.height() != height || img.width() != width) {
            throw new InputException(maskImage + ": mask image must be " + width + "×" + height + " (W×H) like the "
                    + "frames, got " + img.width() + "×" + img.height());
        }
        if (dilate < 0) throw new IllegalArgumentException("dilate must be ≥ 0, got " + dilate);
        int n = height * width;
        float[] chw = img.chw();
        boolean[] dynamic = new boolean[n];
        for (int p = 0; p < n; p++) dynamic[p] = (chw[p] + chw[n + p] + chw[2 * n + p]) / 3.0 > 0.5;
        return invert(dilate(dynamic, height, width, dilate));
    }

    /** Square dilation of a [H, W] mask by {@code r} pixels (Chebyshev distance ≤ r), separable. */
    static boolean[] dilate(boolean[] m, int h, int w, int r) {
        if (r == 0) return m.clone();
        boolean[] rows = new boolean[m.length], out = new boolean[m.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean any = false;
                for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r) && !any; xx++) any = m[y * w + xx];
                rows[y * w + x] = any;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean any = false;
                for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r) && !any; yy++) any = rows[yy * w + x];
                out[y * w + x] = any;
            }
        }
        return out;
    }

    private static boolean[] invert(boolean[] m) {
        boolean[] out = new boolean[m.length];
        for (int i = 0; i < m.length; i++) out[i] = !m[i];
        return out;
    }

    private static void checkFrame(String list, int i, float[] f, int channels, int height, int width) {
        try {
            Images.checkChw(f, channels, height, width);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(list + "[" + i + "]: " + e.getMessage(), e);
        }
    }
}
