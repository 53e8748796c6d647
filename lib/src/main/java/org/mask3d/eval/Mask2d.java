package org.mask3d.eval;

/**
 * The 2D-mask baseline's mask (the "2D masks" the paper compares against): a per-pixel mask of the reference source
 * view, constant along depth.
 *
 * <pre>
 *   d(p)   = (1/C) Σ_c |frame_c(p) − bg_c(p)|                       mean absolute difference over channels
 *   hard:  m(p) = 1 if d(p) &gt; τ else 0
 *   soft:  m(p) = clamp(d(p) / τ, 0, 1)
 *   dilate r: m(p) ← max over the (2r+1)×(2r+1) square around p (clipped at the border)
 *   volume: M[d, y, x] = m(y, x) for every plane d
 * </pre>
 *
 * The reference source view's pixel grid is the MPI's, so {@code m(p)} broadcast over the planes selects the whole
 * ray through p: everything on that ray, behind the moving object too, comes from the dynamic MPI.
 */
public final class Mask2d {
    private Mask2d() {}

    /** Default threshold τ on the mean absolute difference (8-bit ≈ 25 levels). */
    public static final double DEFAULT_THRESHOLD = 0.1;
    /** Default dilation radius in pixels. */
    public static final int DEFAULT_DILATE = 1;

    /**
     * @param frame     [C,H,W] the reference source view's frame
     * @param bg        [C,H,W] its background
     * @param threshold τ &gt; 0
     * @param dilate    radius r ≥ 0 of the square dilation
     * @param soft      soft ramp {@code d/τ} instead of the hard threshold
     * @return [H,W] in [0,1]
     */
    public static float[] fromDifference(float[] frame, float[] bg, int c, int h, int w, double threshold, int dilate,
                                         boolean soft) {
        int n = h * w;
        if (frame.length != c * n || bg.length != c * n) {
            throw new IllegalArgumentException("frame and background must be [" + c + "," + h + "," + w + "], got "
                    + frame.length + " and " + bg.length + " floats");
        }
        if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive, got " + threshold);
        if (dilate < 0) throw new IllegalArgumentException("dilate must be 0 or more, got " + dilate);
        float[] m = new float[n];
        for (int p = 0; p < n; p++) {
            double d = 0;
            for (int k = 0; k < c; k++) d += Math.abs(frame[k * n + p] - bg[k * n + p]);
            d /= c;
            m[p] = soft ? (float) Math.min(1, d / threshold) : (d > threshold ? 1f : 0f);
        }
        return dilate(m, h, w, dilate);
    }

    /** Grey-scale dilation: the maximum over the (2r+1)² square around each pixel, clipped at the border. */
    public static float[] dilate(float[] m, int h, int w, int r) {
        if (r == 0) return m.clone();
        float[] rows = new float[m.length], out = new float[m.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = 0;
                for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) v = Math.max(v, m[y * w + xx]);
                rows[y * w + x] = v;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = 0;
                for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) v = Math.max(v, rows[yy * w + x]);
                out[y * w + x] = v;
            }
        }
        return out;
    }

    /** {@code M[d, y, x] = m[y, x]}: a 2D mask [H,W] broadcast to a volume [D,H,W]. */
    public static float[] volume(float[] mask2d, int planes) {
        float[] out = new float[planes * mask2d.length];
        for (int d = 0; d < planes; d++) System.arraycopy(mask2d, 0, out, d * mask2d.length, mask2d.length);
        return out;
    }
}
