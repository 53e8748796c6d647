package org.mask3d.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.io.Images;

class VolumesTest {
    @TempDir Path dir;

    @Test
    void maskGridEnlargesSmallVolumesAndAddsAColourBar() {
        int d = 16, h = 32, w = 48;
        float[] mask = new float[d * h * w];
        for (int i = 0; i < mask.length; i++) mask[i] = (i / (h * w)) / (float) (d - 1);   // plane i has value i/15
        BufferedImage img = Volumes.maskGrid(mask, d, h, w, 4);
        int k = (Volumes.MIN_TILE_WIDTH + w - 1) / w;   // 4: 48 -> 192 pixels
        assertTrue(img.getWidth() >= 4 * w * k, "tiles enlarged to at least " + Volumes.MIN_TILE_WIDTH + " px");
        // top-left pixel of plane 0 is viridis(0), of plane 3 (top row, 4th tile) viridis(3/15)
        assertEquals(ColorMap.VIRIDIS.rgb(0f), img.getRGB(4 + 1, 4 + 1) & 0xffffff);
        int x3 = 4 + 3 * (w * k + 4) + 1;
        assertEquals(ColorMap.VIRIDIS.rgb(3 / 15f), img.getRGB(x3, 5) & 0xffffff);
        // the colour bar under the grid runs from viridis(0) at its left to viridis(1) at its right
        int gridH = Grid.tile(java.util.Collections.nCopies(16, new BufferedImage(w * k, h * k, BufferedImage.TYPE_INT_RGB)),
                4, java.util.Collections.nCopies(16, "x"), 4).getHeight();
        int barY = gridH + 8 + 7;
        int left = -1, right = -1;
        for (int x = 0; x < img.getWidth(); x++) {
            if ((img.getRGB(x, barY) & 0xffffff) == ColorMap.VIRIDIS.rgb(0f) && left < 0) left = x;
            if ((img.getRGB(x, barY) & 0xffffff) == ColorMap.VIRIDIS.rgb(1f)) right = x;
        }
        assertTrue(left >= 0 && right > left + 100, "colour bar from dark (x=" + left + ") to yellow (x=" + right + ")");
    }

    @Test
    void maskGridSamplesManyPlanesAndShrinksLargeOnes() {
        assertArrayEquals(new int[] {0, 1, 2}, Volumes.evenly(3, 16));
        int[] e = Volumes.evenly(32, 16);
        assertEquals(16, e.length);
        assertEquals(0, e[0]);
        assertEquals(31, e[15]);
        BufferedImage big = new BufferedImage(640, 360, BufferedImage.TYPE_INT_RGB);
        assertEquals(320, Volumes.readable(big).getWidth());
        assertEquals(180, Volumes.readable(new BufferedImage(60, 30, BufferedImage.TYPE_INT_RGB)).getWidth());
        assertEquals(200, Volumes.readable(new BufferedImage(200, 30, BufferedImage.TYPE_INT_RGB)).getWidth());
    }

    @Test
    void maskGridValidates() {
        assertThrows(IllegalArgumentException.class, () -> Volumes.maskGrid(new float[10], 2, 2, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> Volumes.maskGrid(new float[8], 2, 2, 2, 4, new double[3]));
    }

    @Test
    void validationSampleIsSplitAndCaptioned() throws Exception {
        BufferedImage pair = new BufferedImage(40, 10, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 10; y++) for (int x = 20; x < 40; x++) pair.setRGB(x, y, 0xff0000);
        Path f = dir.resolve("step-00000060.png");
        Images.writePng(f, pair);
        BufferedImage img = TrainFigures.validationSample(f);
        assertEquals(2 * 20 + 3 * 4, img.getWidth());
        assertTrue(img.getHeight() > 10 + 8, "a caption strip under the pair");
        assertEquals(0x000000, img.getRGB(4 + 5, 4 + 5) & 0xffffff, "rendering on the left");
        assertEquals(0xff0000, img.getRGB(4 + 20 + 4 + 5, 4 + 5) & 0xffffff, "ground truth on the right");
        Path odd = dir.resolve("odd.png");
        Images.writePng(odd, new BufferedImage(41, 10, BufferedImage.TYPE_INT_RGB));
        assertThrows(IllegalArgumentException.class, () -> TrainFigures.validationSample(odd));
    }
}
