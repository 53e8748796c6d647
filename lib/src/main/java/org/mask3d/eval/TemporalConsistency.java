package org.mask3d.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The field's temporal-consistency measures, as TecoGAN (Chu et al., "Learning Temporal Coherence via
 * Self-Supervision for GAN-based Video Generation", 2020) defines them and dynamic view-synthesis papers report them,
 * over consecutive frames t = 0..T−1 of a rendered video (out) and its ground truth (gt) at one camera:
 * <pre>
 *   tOF = mean over pairs and pixels of ‖ flow(out_{t−1}, out_t)(p) − flow(gt_{t−1}, gt_t)(p) ‖₂
 *   tLP = mean over pairs of | LPIPS(gt_{t−1}, gt_t) − LPIPS(out_{t−1}, out_t) |
 * </pre>
 * Flow: {@link FarnebackFlow} with TecoGAN's parameters ({@link FarnebackFlow#TECOGAN}) on the 8-bit grey images
 * ({@link FarnebackFlow#grey}), in pixels at the evaluated size. LPIPS: the given {@link Lpips} network (TecoGAN uses
 * AlexNet LPIPS v0.1), renders clamped to [0, 1]. TecoGAN crops frames to a multiple of 32 before measuring; here the
 * whole frame counts. Lower is better for both; both are 0 when the render changes exactly as the ground truth does
 * (tOF is also 0 for a static render of a static ground truth).
 *
 * <h2>Conventions</h2>
 * Frames are {@code float[]} [3, H, W] in [0, 1] (CHW, row-major).
 */
public final class TemporalConsistency {
    private TemporalConsistency() {}

    /**
     * The measures over all pairs, and per pair (index i is the pair (i, i+1)).
     *
     * @param tof        mean tOF over pairs, in pixels
     * @param tlp        mean tLP over pairs; NaN when no LPIPS network was given (absent, not a number)
     * @param tofPerPair [T − 1]
     * @param tlpPerPair [T − 1] (NaN without LPIPS)
     */
    public record Result(double tof, double tlp, int framePairs, double[] tofPerPair, double[] tlpPerPair) {
        /** Whether tLP was measured. */
        public boolean hasTlp() { return !Double.isNaN(tlp); }
    }

    /**
     * The ground truth's side of the measures at one camera (its flow and its LPIPS between consecutive frames),
     * computed once per frame pair and shared by every method measured against it.
     */
    public static final class Truth {
        private final int height, width;
        private final FarnebackFlow.Params params;
        private final Lpips lpips;
        private final Map<Integer, float[]> flows = new HashMap<>();
        private final Map<Integer, Double> distances = new HashMap<>();

        /** @param lpips the network for tLP, or null (tLP absent) */
        public Truth(int height, int width, FarnebackFlow.Params params, Lpips lpips) {
            this.height = height;
            this.width = width;
            this.params = params;
            this.lpips = lpips;
        }

        synchronized float[] flow(int pair, float[] prev, float[] cur) {
            return flows.computeIfAbsent(pair, k -> FarnebackFlow.flow(FarnebackFlow.grey(prev, height, width),
                    FarnebackFlow.grey(cur, height, width), height, width, params));
        }

        synchronized double lpips(int pair, float[] prev, float[] cur) {
            return distances.computeIfAbsent(pair, k -> lpips.distance(prev, cur, height, width));
        }
    }

    /**
     * The measures one frame at a time, keeping only the previous frame (as {@link TemporalStability.Accumulator}).
     */
    public static final class Accumulator {
        private final int height, width;
        private final Truth truth;
        private float[] prevRender, prevTruth;
        private final List<double[]> pairs = new ArrayList<>();   // {tof, tlp}

        /** @param truth the ground truth's cache at this camera (its LPIPS network, if any, gives tLP) */
        public Accumulator(Truth truth) {
            this.truth = truth;
            this.height = truth.height;
            this.width = truth.width;
        }

        /** The next frame of the render and of the ground truth, [3, H, W]. */
        public void add(float[] render, float[] groundTruth) {
            int n = 3 * height * width;
            if (render.length != n || groundTruth.length != n) {
                throw new IllegalArgumentException("frame " + (pairs.size() + (prevRender == null ? 0 : 1)) + " must be [3,H,W] = [3,"
                        + height + "," + width + "], got " + render.length + " and " + groundTruth.length + " values");
            }
            float[] r = clamp(render);
            if (prevRender != null) {
                int pair = pairs.size();
                float[] fo = FarnebackFlow.flow(FarnebackFlow.grey(prevRender, height, width), FarnebackFlow.grey(r, height, width),
                        height, width, truth.params);
                float[] fg = truth.flow(pair, prevTruth, groundTruth);
                double tof = flowDifference(fo, fg);
                double tlp = Double.NaN;
                if (truth.lpips != null) {
                    tlp = Math.abs(truth.lpips(pair, prevTruth, groundTruth) - truth.lpips.distance(prevRender, r, height, width));
                }
                pairs.add(new double[]{tof, tlp});
            }
            prevRender = r;
            prevTruth = groundTruth;
        }

        /** The measures over the frames added so far (at least 2). */
        public Result result() {
            if (pairs.isEmpty()) throw new IllegalArgumentException("tOF and tLP need at least 2 frames");
            int k = pairs.size();
            double[] tof = new double[k], tlp = new double[k];
            double st = 0, sl = 0;
            for (int i = 0; i < k; i++) {
                tof[i] = pairs.get(i)[0];
                tlp[i] = pairs.get(i)[1];
                st += tof[i];
                sl += tlp[i];
            }
            return new Result(st / k, sl / k, k, tof, tlp);
        }
    }

    /** Mean over pixels of the Euclidean norm of the difference of two [H, W, 2] flows. */
    public static double flowDifference(float[] a, float[] b) {
        if (a.length != b.length || a.length % 2 != 0) throw new IllegalArgumentException("flows must both be [H,W,2], got " + a.length + " and " + b.length + " values");
        double s = 0;
        for (int i = 0; i < a.length; i += 2) {
            double dx = (double) a[i] - b[i], dy = (double) a[i + 1] - b[i + 1];
            s += Math.sqrt(dx * dx + dy * dy);
        }
        return s / (a.length / 2);
    }

    private static float[] clamp(float[] a) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) o[i] = Math.max(0f, Math.min(1f, a[i]));
        return o;
    }
}
