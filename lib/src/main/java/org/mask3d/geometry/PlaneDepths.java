package org.mask3d.geometry;

/** Depths of MPI / plane-sweep planes. Index 0 is the farthest plane (back to front). */
public final class PlaneDepths {
    private PlaneDepths() {}

    /** The number of planes the method uses everywhere. */
    public static final int DEFAULT_PLANES = 32;

    /**
     * Planes linear in disparity: {@code depth_i = 1 / (1/far + (1/near − 1/far) · i/(n−1))}, i.e. the released
     * code's {@code 1 / linspace(1/far, 1/near, n)}. Index 0 is {@code far}, index n−1 is {@code near}.
     *
     * @throws IllegalArgumentException unless {@code 0 < near < far} and {@code n ≥ 2}
     */
    public static double[] inverseLinear(double near, double far, int n) {
        if (!(near > 0 && far > near)) {
            throw new IllegalArgumentException("depth bounds must satisfy 0 < near < far, got near=" + near
                    + ", far=" + far);
        }
        if (n < 2) throw new IllegalArgumentException("need at least 2 planes, got " + n);
        double a = 1.0 / far, b = 1.0 / near;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = 1.0 / (a + (b - a) * i / (n - 1));
        d[0] = far;
        d[n - 1] = near;
        return d;
    }

    /** The mask stage's bounds from a scene's per-camera near/far values: {@code [0.9·min, 2·max]}. */
    public static double[] sceneBounds(double[] nears, double[] fars) {
        double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
        for (double v : nears) { mn = Math.min(mn, v); mx = Math.max(mx, v); }
        for (double v : fars) { mn = Math.min(mn, v); mx = Math.max(mx, v); }
        return new double[]{0.9 * mn, 2.0 * mx};
    }
}
