package org.mask3d.viz;

import java.awt.image.BufferedImage;

/**
 * Colour maps from a scalar {@code t} in [0,1] to an opaque sRGB colour.
 *
 * <ul>
 *   <li>{@link #GRAY}: black to white.</li>
 *   <li>{@link #VIRIDIS}: matplotlib's viridis (van der Walt and Smith, CC0), as 33 stops sampled from its
 *       256-entry table (entries round(k*255/32)) and interpolated linearly in sRGB; every entry of the table
 *       is reproduced within 2 of 255 (mean 0.2).</li>
 *   <li>{@link #TURBO}: Google's Turbo (Anton Mikhailov, 2019; Apache-2.0), likewise 33 stops from its 256-entry
 *       table; within 3 of 255 everywhere (mean 0.4). Google's published degree-5 polynomial was not used: it is
 *       off by up to 32 of 255 at the ends.</li>
 *   <li>{@link #JET}: MATLAB-style jet, the usual piecewise-linear form; dark blue at 0, dark red at 1.</li>
 * </ul>
 */
public enum ColorMap {
    /** Black (0) to white (1). */
    GRAY {
        @Override double[] eval(double t) { return new double[] {t, t, t}; }
    },
    /** matplotlib viridis: dark purple (0) through teal to yellow (1). */
    VIRIDIS {
        @Override double[] eval(double t) { return stops(VIRIDIS_STOPS, t); }
    },
    /** Google Turbo: dark blue (0) through cyan, green and yellow to dark red (1). */
    TURBO {
        @Override double[] eval(double t) { return stops(TURBO_STOPS, t); }
    },
    /** MATLAB-style jet: dark blue (0), blue, cyan, yellow, red, dark red (1). */
    JET {
        @Override double[] eval(double t) {
            return new double[] {1.5 - Math.abs(4 * t - 3), 1.5 - Math.abs(4 * t - 2), 1.5 - Math.abs(4 * t - 1)};
        }
    };

    /** viridis table entries round(k*255/32), k = 0..32, as 0xRRGGBB. */
    private static final int[] VIRIDIS_STOPS = {
        0x440154, 0x470d60, 0x48186a, 0x482374, 0x472d7b, 0x453781, 0x424086, 0x3e4989,
        0x3b528b, 0x375b8d, 0x33638d, 0x2f6b8e, 0x2c728e, 0x297a8e, 0x26828e, 0x23898e,
        0x21918c, 0x1f978b, 0x1f9f88, 0x21a685, 0x27ad81, 0x31b57b, 0x3dbc74, 0x4cc26c,
        0x5cc863, 0x6ece58, 0x81d34d, 0x95d840, 0xaadc32, 0xc0df25, 0xd5e21a, 0xeae51a,
        0xfde725,
    };

    /** Turbo table entries round(k*255/32), k = 0..32, as 0xRRGGBB. */
    private static final int[] TURBO_STOPS = {
        0x30123b, 0x392a73, 0x4040a2, 0x4456c7, 0x466be3, 0x4680f6, 0x4294ff, 0x37a8fa,
        0x28bceb, 0x1ccdd8, 0x18ddc2, 0x1fe9af, 0x32f298, 0x4ef97d, 0x6dfe62, 0x8bff4b,
        0xa4fc3c, 0xb7f735, 0xcbed34, 0xdde037, 0xecd13a, 0xf7c13a, 0xfdae35, 0xfe992c,
        0xfb8122, 0xf56918, 0xec530f, 0xe14109, 0xd23105, 0xc12302, 0xac1701, 0x950d01,
        0x7a0403,
    };

    /**
     * Linear interpolation between 8-bit stops; stop k of n+1 sits where it was sampled from the 256-entry
     * table, at t = round(k*255/n)/255. Result in [0,1].
     */
    private static double[] stops(int[] table, double t) {
        int n = table.length - 1;
        int i = Math.min((int) Math.floor(t * n), n - 1);
        while (i > 0 && t < stopPos(i, n)) i--;
        while (i < n - 1 && t >= stopPos(i + 1, n)) i++;
        double t0 = stopPos(i, n), t1 = stopPos(i + 1, n);
        double f = Math.max(0.0, Math.min(1.0, (t - t0) / (t1 - t0)));
        int a = table[i], b = table[i + 1];
        double[] rgb = new double[3];
        for (int k = 0; k < 3; k++) {
            int shift = 16 - 8 * k;
            double ca = (a >> shift) & 0xff, cb = (b >> shift) & 0xff;
            rgb[k] = (ca + f * (cb - ca)) / 255.0;
        }
        return rgb;
    }

    private static double stopPos(int k, int n) { return Math.round(k * 255.0 / n) / 255.0; }

    /** Unclipped colour in [0,1]-ish for t already clamped to [0,1]. */
    abstract double[] eval(double t);

    /**
     * The colour for {@code t}.
     *
     * @param t position on the map; clamped to [0,1]; NaN gives black
     * @return opaque sRGB packed as {@code 0xRRGGBB} (alpha byte 0, as {@link BufferedImage#TYPE_INT_RGB} wants)
     */
    public int rgb(float t) {
        if (Float.isNaN(t)) return 0;
        double c = t <= 0f ? 0.0 : (t >= 1f ? 1.0 : t);
        double[] v = eval(c);
        return (to8(v[0]) << 16) | (to8(v[1]) << 8) | to8(v[2]);
    }

    private static int to8(double v) {
        if (!(v > 0)) return 0;
        if (v >= 1) return 255;
        return (int) Math.round(v * 255);
    }

    /**
     * Colours a single-channel map: {@code t = (v - min) / (max - min)}, clamped to [0,1].
     *
     * @param values [h*w] row-major; NaN becomes black, ±infinity clamps to the ends
     * @param h      H, at least 1
     * @param w      W, at least 1
     * @param min    value shown as the map's start
     * @param max    value shown as the map's end; must be ≥ min; if equal to min every finite value maps to t = 0
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image, w×h
     * @throws IllegalArgumentException if values is not h*w long, or min/max are not finite with min ≤ max
     */
    public BufferedImage apply(float[] values, int h, int w, float min, float max) {
        checkMap(values, h, w);
        if (!Float.isFinite(min) || !Float.isFinite(max) || max < min) {
            throw new IllegalArgumentException("colour map range must be finite with min <= max, got min = " + min
                    + ", max = " + max);
        }
        // 256-entry table: colours are 8-bit anyway.
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) lut[i] = rgb(i / 255f);
        double span = max - min;
        int n = h * w;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            float v = values[i];
            if (Float.isNaN(v)) continue; // black
            double t = span > 0 ? (v - (double) min) / span : 0.0;
            int k = t <= 0 ? 0 : (t >= 1 ? 255 : (int) Math.round(t * 255));
            out[i] = lut[k];
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, out, 0, w);
        return img;
    }

    /**
     * Colours a single-channel map over its own finite range (min and max of the non-NaN, finite values; all
     * t = 0 if there are none or they are all equal).
     *
     * @param values [h*w] row-major; NaN becomes black
     * @param h      H, at least 1
     * @param w      W, at least 1
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image, w×h
     * @throws IllegalArgumentException if values is not h*w long
     */
    public BufferedImage apply(float[] values, int h, int w) {
        checkMap(values, h, w);
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) lo = hi = 0f;
        return apply(values, h, w, lo, hi);
    }

    private static void checkMap(float[] values, int h, int w) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("map shape must be positive, got [H,W] = [" + h + "," + w + "]");
        }
        long n = (long) h * w;
        if (values == null || values.length != n) {
            throw new IllegalArgumentException("map must be [H,W] = [" + h + "," + w + "] with " + h + "*" + w
                    + " = " + n + " floats, got " + (values == null ? "null" : Integer.toString(values.length)));
        }
    }
}
