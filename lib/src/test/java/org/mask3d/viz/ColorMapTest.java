package org.mask3d.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ColorMapTest {
    private static int[] rgb(int p) { return new int[] {(p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff}; }

    private static void near(int[] expected, int actual, int tol) {
        int[] a = rgb(actual);
        for (int k = 0; k < 3; k++) {
            assertEquals(expected[k], a[k], tol, "channel " + k + " of " + Integer.toHexString(actual));
        }
    }

    @Test
    void grayEndpointsAndMiddle() {
        assertEquals(0x000000, ColorMap.GRAY.rgb(0f));
        assertEquals(0xffffff, ColorMap.GRAY.rgb(1f));
        assertEquals(0x808080, ColorMap.GRAY.rgb(0.5f));
        assertEquals(0x000000, ColorMap.GRAY.rgb(-3f));
        assertEquals(0xffffff, ColorMap.GRAY.rgb(7f));
    }

    @Test
    void viridisMatchesMatplotlibTable() {
        // matplotlib _viridis_data entries 0, 64, 128, 212 and 255, in 8 bits.
        near(new int[] {68, 1, 84}, ColorMap.VIRIDIS.rgb(0f), 0);
        near(new int[] {59, 82, 139}, ColorMap.VIRIDIS.rgb(64 / 255f), 2);
        near(new int[] {33, 145, 140}, ColorMap.VIRIDIS.rgb(128 / 255f), 2);
        near(new int[] {253, 231, 37}, ColorMap.VIRIDIS.rgb(1f), 0);
    }

    @Test
    void turboMatchesGoogleTable() {
        // Turbo LUT entries 0, 64, 128, 192 and 255, in 8 bits.
        near(new int[] {48, 18, 59}, ColorMap.TURBO.rgb(0f), 0);
        near(new int[] {40, 188, 235}, ColorMap.TURBO.rgb(64 / 255f), 3);
        near(new int[] {164, 252, 60}, ColorMap.TURBO.rgb(128 / 255f), 3);
        near(new int[] {251, 126, 33}, ColorMap.TURBO.rgb(192 / 255f), 3);
        near(new int[] {122, 4, 3}, ColorMap.TURBO.rgb(1f), 0);
    }

    @Test
    void jetEndpoints() {
        assertEquals(0x000080, ColorMap.JET.rgb(0f));
        assertEquals(0x800000, ColorMap.JET.rgb(1f));
        assertEquals(0x80ff80, ColorMap.JET.rgb(0.5f));
    }

    @Test
    void nanIsBlack() {
        for (ColorMap m : ColorMap.values()) assertEquals(0, m.rgb(Float.NaN), m.name());
    }

    @Test
    void applyMapsRangeAndSize() {
        float[] v = {10f, 20f, Float.NaN, 15f, 30f, Float.NEGATIVE_INFINITY};
        BufferedImage img = ColorMap.GRAY.apply(v, 2, 3, 10f, 20f);
        assertEquals(3, img.getWidth());
        assertEquals(2, img.getHeight());
        assertEquals(0x000000, img.getRGB(0, 0) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(1, 0) & 0xffffff);
        assertEquals(0x000000, img.getRGB(2, 0) & 0xffffff); // NaN
        assertEquals(0x808080, img.getRGB(0, 1) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(1, 1) & 0xffffff); // above max clamps
        assertEquals(0x000000, img.getRGB(2, 1) & 0xffffff); // -inf clamps to min
        assertEquals(ColorMap.VIRIDIS.rgb(1f), ColorMap.VIRIDIS.apply(v, 2, 3, 10f, 20f).getRGB(1, 0) & 0xffffff);
    }

    @Test
    void applyAutoRangeUsesFiniteValues() {
        float[] v = {-1f, Float.NaN, 3f, Float.POSITIVE_INFINITY};
        BufferedImage img = ColorMap.GRAY.apply(v, 1, 4);
        assertEquals(0x000000, img.getRGB(0, 0) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(2, 0) & 0xffffff);
        BufferedImage flat = ColorMap.JET.apply(new float[] {2f, 2f}, 1, 2);
        assertEquals(ColorMap.JET.rgb(0f), flat.getRGB(1, 0) & 0xffffff);
    }

    @Test
    void applyValidates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ColorMap.TURBO.apply(new float[5], 2, 3, 0f, 1f));
        assertEquals("map must be [H,W] = [2,3] with 2*3 = 6 floats, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ColorMap.TURBO.apply(new float[6], 2, 3, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> ColorMap.TURBO.apply(new float[6], 2, 3, 0f, Float.NaN));
    }
}
