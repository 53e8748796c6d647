package org.mask3d.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridTest {
    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return img;
    }

    private static int px(BufferedImage img, int x, int y) { return img.getRGB(x, y) & 0xffffff; }

    @Test
    void sizeArithmeticWithoutCaptions() {
        // 5 images, 3 columns -> 2 rows; cell = max 10 x max 6; pad 2.
        List<BufferedImage> imgs = List.of(solid(10, 6, 0xff0000), solid(4, 4, 0x00ff00), solid(8, 5, 0x0000ff),
                solid(10, 6, 0x111111), solid(3, 2, 0x222222));
        BufferedImage g = Grid.tile(imgs, 3, null, 2);
        assertEquals(3 * 10 + 4 * 2, g.getWidth());
        assertEquals(2 * 6 + 3 * 2, g.getHeight());
        assertEquals(0xffffff, px(g, 0, 0)); // padding
        assertEquals(0xff0000, px(g, 2, 2)); // first tile's top-left
        // second tile (4 wide) is centred in its 10-wide cell starting at x = 2 + 10 + 2 = 14
        assertEquals(0xffffff, px(g, 14, 2));
        assertEquals(0x00ff00, px(g, 14 + 3, 2));
        // fourth image starts row 2 at y = 2 + 6 + 2 = 10
        assertEquals(0x111111, px(g, 2, 10));
        // empty sixth cell stays white
        assertEquals(0xffffff, px(g, g.getWidth() - 4, g.getHeight() - 4));
    }

    @Test
    void colsClampedToImageCount() {
        BufferedImage g = Grid.tile(List.of(solid(5, 5, 0), solid(5, 5, 0)), 10, null, 0);
        assertEquals(10, g.getWidth());
        assertEquals(5, g.getHeight());
    }

    @Test
    void captionsAddAStripPerRowAndDrawText() {
        List<BufferedImage> imgs = List.of(solid(40, 20, 0x808080), solid(40, 20, 0x808080), solid(40, 20, 0x808080));
        int capH = Grid.captionHeight();
        assertTrue(capH > 5 && capH < 40, "caption strip " + capH);
        BufferedImage g = Grid.tile(imgs, 2, Arrays.asList("ab", null, "a very long caption that will not fit"), 3);
        assertEquals(2 * 40 + 3 * 3, g.getWidth());
        assertEquals(2 * (20 + capH) + 3 * 3, g.getHeight());
        assertTrue(darkPixels(g, 3, 3 + 20, 40, capH) > 0, "first caption drawn");
        assertEquals(0, darkPixels(g, 3 + 40 + 3, 3 + 20, 40, capH), "null caption draws nothing");
        assertTrue(darkPixels(g, 3, 3 + 20 + capH + 3 + 20, 40, capH) > 0, "long caption drawn, shortened");
        // Empty captions everywhere: no strip.
        assertEquals(20, Grid.tile(List.of(solid(40, 20, 0)), 1, List.of(""), 0).getHeight());
    }

    private static int darkPixels(BufferedImage g, int x0, int y0, int w, int h) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int p = g.getRGB(x, y);
                if (((p >> 8) & 0xff) < 128) n++;
            }
        }
        return n;
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Grid.tile(List.of(), 2, null, 0));
        assertThrows(IllegalArgumentException.class, () -> Grid.tile(List.of(solid(1, 1, 0)), 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> Grid.tile(List.of(solid(1, 1, 0)), 1, null, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Grid.tile(List.of(solid(1, 1, 0)), 1, List.of("a", "b"), 0));
        assertTrue(e.getMessage().contains("got 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, Grid::sideBySide);
    }

    @Test
    void sideBySideSumsWidths() {
        BufferedImage s = Grid.sideBySide(solid(3, 2, 0xff0000), solid(5, 4, 0x0000ff));
        assertEquals(8, s.getWidth());
        assertEquals(4, s.getHeight());
        assertEquals(0xff0000, px(s, 0, 0));
        assertEquals(0xffffff, px(s, 0, 3)); // below the shorter image
        assertEquals(0x0000ff, px(s, 3, 3));
    }
}
