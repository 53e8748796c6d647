package org.mask3d.io;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

class ImagesTest {
    @TempDir Path dir;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat();
        return a;
    }

    @Test
    void rgbPngRoundTripWithinOneStep() {
        int h = 5, w = 7;
        float[] chw = random(3 * h * w, 1);
        Path p = dir.resolve("sub/a.png");
        Images.writePng(p, chw, 3, h, w);
        Images.Image img = Images.read(p);
        assertEquals(3, img.channels());
        assertEquals(h, img.height());
        assertEquals(w, img.width());
        for (int i = 0; i < chw.length; i++) assertEquals(chw[i], img.chw()[i], 0.5f / 255 + 1e-6f, "index " + i);
        assertArrayEquals(img.chw(), Images.readChw(p));
    }

    @Test
    void greyPngIsReplicatedWithoutGammaShift() {
        int h = 3, w = 4;
        float[] g = random(h * w, 2);
        Path p = dir.resolve("g.png");
        Images.writePng(p, g, 1, h, w);
        float[] rgb = Images.readChw(p);
        int n = h * w;
        for (int i = 0; i < n; i++) {
            assertEquals(g[i], rgb[i], 0.5f / 255 + 1e-6f);
            assertEquals(rgb[i], rgb[n + i]);
            assertEquals(rgb[i], rgb[2 * n + i]);
        }
    }

    @Test
    void sixteenBitGreyKeepsPrecision() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 1000);
        img.getRaster().setSample(1, 0, 0, 65535);
        Path p = dir.resolve("g16.png");
        Images.writePng(p, img);
        float[] rgb = Images.readChw(p);
        assertEquals(1000f / 65535f, rgb[0], 1e-7f);
        assertEquals(1f, rgb[1], 0f);
    }

    @Test
    void alphaAndPaletteBecomeRgb() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00ff0000); // fully transparent red: alpha is dropped, red kept
        argb.setRGB(1, 0, 0x800000ff);
        Path p = dir.resolve("a.png");
        Images.writePng(p, argb);
        float[] rgb = Images.readChw(p);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, rgb);

        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY);
        pal.setRGB(1, 0, 0xffffff);
        Path q = dir.resolve("p.png");
        Images.writePng(q, pal);
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1}, Images.readChw(q));
    }

    @Test
    void readsJpegWrittenByImageIo() throws Exception {
        BufferedImage img = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, 0x336699);
        Path p = dir.resolve("a.jpg");
        assertTrue(ImageIO.write(img, "jpeg", p.toFile()));
        Images.Image r = Images.read(p);
        assertEquals(8, r.height());
        assertEquals(16, r.width());
        int n = 8 * 16;
        for (int i = 0; i < n; i++) {
            assertEquals(0x33 / 255f, r.chw()[i], 3f / 255);
            assertEquals(0x66 / 255f, r.chw()[n + i], 3f / 255);
            assertEquals(0x99 / 255f, r.chw()[2 * n + i], 3f / 255);
        }
    }

    @Test
    void writeJpegRoundTripAndQualityMatters() throws Exception {
        int h = 32, w = 32;
        float[] chw = random(3 * h * w, 3);
        Path lo = dir.resolve("lo.jpg"), hi = dir.resolve("hi.jpg");
        Images.writeJpeg(lo, chw, 3, h, w, 0.1f);
        Images.writeJpeg(hi, chw, 3, h, w, 1.0f);
        assertTrue(Files.size(lo) < Files.size(hi), "quality 0.1 should give a smaller file than 1.0");
        Images.Image r = Images.read(hi);
        assertEquals(h, r.height());
        assertEquals(w, r.width());
        // An alpha image is accepted (alpha dropped).
        Images.writeJpeg(dir.resolve("argb.jpg"), new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB), 0.9f);
        assertEquals(3, Images.read(dir.resolve("argb.jpg")).width());
        assertThrows(IllegalArgumentException.class, () -> Images.writeJpeg(lo, chw, 3, h, w, 1.5f));
    }

    @Test
    void fourChannelJpegGoesThroughTwelveMonkeys() throws Exception {
        // TwelveMonkeys must be the JPEG reader ImageIO picks first; it decodes CMYK/YCCK JPEGs, which the JDK
        // reader turns into black.
        ImageReader first = ImageIO.getImageReadersByFormatName("jpeg").next();
        assertTrue(first.getClass().getName().startsWith("com.twelvemonkeys"), first.getClass().getName());
        // A constant 4-channel JPEG from the JDK writer (written as a raster, no colour space). Its exact colour
        // depends on how the writer tags 4 channels, so only shape, uniformity and "not black" are checked.
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 8, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) r.setPixel(x, y, new int[] {0, 255, 255, 0});
        }
        ImageWriter jdk = null;
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.sun.")) jdk = w;
        }
        assertNotNull(jdk, "JDK JPEG writer");
        Path p = dir.resolve("cmyk.jpg");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
            jdk.setOutput(out);
            jdk.write(null, new IIOImage(r, null, null), null);
        } finally {
            jdk.dispose();
        }
        Images.Image img = Images.read(p);
        assertEquals(8, img.height());
        assertEquals(8, img.width());
        float max = 0;
        int n = 64;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                assertEquals(img.chw()[c * n], img.chw()[c * n + i], 2f / 255, "uniform");
                max = Math.max(max, img.chw()[c * n + i]);
            }
        }
        assertTrue(max > 0.25f, "decoded to black");
    }

    @Test
    void readsBmp() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(2, 1, 0x102030);
        Path p = dir.resolve("a.bmp");
        assertTrue(ImageIO.write(img, "bmp", p.toFile()));
        float[] chw = Images.readChw(p);
        int n = 6, last = 5;
        assertEquals(0x10 / 255f, chw[last], 0f);
        assertEquals(0x20 / 255f, chw[n + last], 0f);
        assertEquals(0x30 / 255f, chw[2 * n + last], 0f);
        assertEquals(0f, chw[0], 0f);
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.png");
        InputException e = assertThrows(InputException.class, () -> Images.read(p));
        assertEquals("image not found: " + p, e.getMessage());
    }

    @Test
    void randomBytesAreRejectedNamingThePath() throws Exception {
        byte[] junk = new byte[300];
        new Random(4).nextBytes(junk);
        Path p = dir.resolve("junk.png");
        Files.write(p, junk);
        InputException e = assertThrows(InputException.class, () -> Images.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a readable PNG/JPEG image"), e.getMessage());
    }

    @Test
    void truncatedPngIsRejectedNamingThePath() throws Exception {
        Path full = dir.resolve("full.png");
        Images.writePng(full, random(3 * 32 * 32, 5), 3, 32, 32);
        byte[] bytes = Files.readAllBytes(full);
        Path p = dir.resolve("cut.png");
        Files.write(p, Arrays.copyOf(bytes, bytes.length / 2));
        InputException e = assertThrows(InputException.class, () -> Images.read(p));
        assertTrue(e.getMessage().startsWith(p + ": not a readable PNG/JPEG image"), e.getMessage());
    }

    @Test
    void truncatedJpegIsRejected() throws Exception {
        BufferedImage img = Images.toBufferedImage(random(3 * 64 * 64, 6), 3, 64, 64);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "jpeg", bos));
        byte[] bytes = bos.toByteArray();
        Path p = dir.resolve("cut.jpg");
        Files.write(p, Arrays.copyOf(bytes, bytes.length / 2));
        InputException e = assertThrows(InputException.class, () -> Images.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void directoryIsRejected() {
        InputException e = assertThrows(InputException.class, () -> Images.read(dir));
        assertTrue(e.getMessage().contains(dir.toString()));
    }

    @Test
    void badLengthNamesTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.toBufferedImage(new float[1000], 3, 64, 64));
        assertEquals("image must be [3,H,W] = [3,64,64] with 3*64*64 = 12288 floats, got 1000", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Images.toBufferedImage(new float[8], 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Images.resizeBilinear(new float[5], 1, 2, 2, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Images.resizeArea(new float[4], 1, 2, 2, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new Images.Image(new float[3], 3, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> Images.writePng(dir.resolve("x.png"), null, 3, 1, 1));
    }

    @Test
    void toBufferedImageClipsAndRounds() {
        float[] chw = {-0.5f, 2f, Float.NaN, 0.5f};
        BufferedImage g = Images.toBufferedImage(chw, 1, 2, 2);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, g.getType());
        assertEquals(0, g.getRaster().getSample(0, 0, 0));
        assertEquals(255, g.getRaster().getSample(1, 0, 0));
        assertEquals(0, g.getRaster().getSample(0, 1, 0));
        assertEquals(128, g.getRaster().getSample(1, 1, 0));
        BufferedImage c = Images.toBufferedImage(new float[] {1, 0, 0.2f}, 3, 1, 1);
        assertEquals(0xff0033, c.getRGB(0, 0) & 0xffffff);
        assertArrayEquals(new float[] {1, 0, 0.2f}, Images.fromBufferedImage(c));
    }

    @Test
    void bilinearIdentityIsExactAndConstantStaysConstant() {
        float[] a = random(2 * 3 * 5, 7);
        float[] same = Images.resizeBilinear(a, 2, 3, 5, 3, 5);
        assertArrayEquals(a, same);
        assertNotSame(a, same);
        float[] k = new float[3 * 4 * 6];
        Arrays.fill(k, 0.3f);
        for (int[] s : new int[][] {{7, 9}, {2, 3}, {1, 1}, {13, 5}}) {
            float[] r = Images.resizeBilinear(k, 3, 4, 6, s[0], s[1]);
            assertEquals(3 * s[0] * s[1], r.length);
            for (float v : r) assertEquals(0.3f, v, 0f);
        }
    }

    @Test
    void bilinearMatchesAlignCornersFalse() {
        // 1x2 -> 1x4: source x = (o + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        float[] r = Images.resizeBilinear(new float[] {0f, 1f}, 1, 1, 2, 1, 4);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, r, 1e-6f);
        // 1x4 -> 1x2 samples between pixel pairs: source x = 0.5 and 2.5.
        float[] d = Images.resizeBilinear(new float[] {0f, 1f, 2f, 3f}, 1, 1, 4, 1, 2);
        assertArrayEquals(new float[] {0.5f, 2.5f}, d, 1e-6f);
        // Separable along y too: 2x1 -> 4x1.
        float[] v = Images.resizeBilinear(new float[] {0f, 1f}, 1, 2, 1, 4, 1);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, v, 1e-6f);
    }

    @Test
    void areaAveragesBlocks() {
        // 1 channel 2x4 -> 1x2: means of 2x2 blocks.
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new float[] {3.5f, 5.5f}, Images.resizeArea(a, 1, 2, 4, 1, 2), 1e-6f);
        // Non-integer factor 3 -> 2: out0 = (x0 + 0.5 x1) / 1.5, out1 = (0.5 x1 + x2) / 1.5.
        float[] b = Images.resizeArea(new float[] {0, 3, 6}, 1, 1, 3, 1, 2);
        assertArrayEquals(new float[] {1f, 5f}, b, 1e-5f);
        // Mean is preserved and a constant stays constant.
        float[] k = new float[2 * 9 * 7];
        Arrays.fill(k, 0.7f);
        for (float x : Images.resizeArea(k, 2, 9, 7, 4, 3)) assertEquals(0.7f, x, 1e-6f);
        float[] c = random(10 * 10, 8);
        float[] s = Images.resizeArea(c, 1, 10, 10, 3, 7);
        assertEquals(mean(c), mean(s), 1e-5);
        assertArrayEquals(c, Images.resizeArea(c, 1, 10, 10, 10, 10));
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) s += v;
        return s / a.length;
    }
}
