package org.mask3d.viz;

import java.awt.Color;

/**
 * The fixed qualitative palette of every multi-series plot: Okabe and Ito's colour-blind-safe set (Okabe and Ito,
 * "Color Universal Design", 2008), ordered so that neighbouring series differ most. Yellow (#F0E442) is left out: it
 * is unreadable as a thin line on white. Black is kept for references (ground truth), not for series.
 */
public final class Palette {
    private Palette() {}

    /** Okabe–Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, in that order. */
    private static final Color[] OKABE_ITO = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xE69F00),
        new Color(0xCC79A7), new Color(0x56B4E9),
    };

    /** Number of distinct colours before {@link #color} repeats. */
    public static final int SIZE = OKABE_ITO.length;

    /**
     * The colour of series {@code i} (0-based), repeating after {@link #SIZE}.
     *
     * @throws IllegalArgumentException if i is negative
     */
    public static Color color(int i) {
        if (i < 0) throw new IllegalArgumentException("series index must be >= 0, got " + i);
        return OKABE_ITO[i % SIZE];
    }

    /** A copy of the palette, for XChart's {@code setSeriesColors}. */
    public static Color[] colors() {
        return OKABE_ITO.clone();
    }
}
