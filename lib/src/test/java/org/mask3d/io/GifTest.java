package org.mask3d.io;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class GifTest {
    @TempDir Path dir;

    private static BufferedImage solid(int rgb) {
        BufferedImage img = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) img.setRGB(x, y, rgb);
        return img;
    }

    private record Read(int frames, int delayCs, boolean netscape, int firstRgb, int lastRgb) {}

    private static Read read(Path p) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            int n = r.getNumImages(true);
            IIOMetadataNode root = (IIOMetadataNode) r.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            int delay = -1;
            boolean netscape = false;
            for (Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c.getNodeName().equals("GraphicControlExtension")) {
                    delay = Integer.parseInt(((IIOMetadataNode) c).getAttribute("delayTime"));
                }
                if (c.getNodeName().equals("ApplicationExtensions")) {
                    IIOMetadataNode app = (IIOMetadataNode) c.getFirstChild();
                    netscape = "NETSCAPE".equals(app.getAttribute("applicationID"))
                            && "2.0".equals(app.getAttribute("authenticationCode"));
                    byte[] data = (byte[]) app.getUserObject();
                    assertArrayEquals(new byte[] {1, 0, 0}, data);
                }
            }
            int first = r.read(0).getRGB(1, 1) & 0xffffff;
            int last = r.read(n - 1).getRGB(1, 1) & 0xffffff;
            r.dispose();
            return new Read(n, delay, netscape, first, last);
        }
    }

    @Test
    void threeFramesLooping() throws Exception {
        Path p = dir.resolve("out/a.gif");
        Gif.writeAnimated(p, List.of(solid(0xff0000), solid(0x00ff00), solid(0x0000ff)), 120, true);
        Read r = read(p);
        assertEquals(3, r.frames());
        assertEquals(12, r.delayCs());
        assertTrue(r.netscape(), "first frame should carry the NETSCAPE2.0 loop extension");
        assertEquals(0xff0000, r.firstRgb());
        assertEquals(0x0000ff, r.lastRgb());
    }

    @Test
    void playOnceHasNoLoopExtension() throws Exception {
        Path p = dir.resolve("once.gif");
        Gif.writeAnimated(p, List.of(solid(0x123456), solid(0x654321)), 50, false);
        Read r = read(p);
        assertEquals(2, r.frames());
        assertEquals(5, r.delayCs());
        assertFalse(r.netscape());
    }

    @Test
    void rejectsBadInput() {
        Path p = dir.resolve("bad.gif");
        assertThrows(IllegalArgumentException.class, () -> Gif.writeAnimated(p, List.of(), 100, true));
        assertThrows(IllegalArgumentException.class, () -> Gif.writeAnimated(p, List.of(solid(0)), -1, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gif.writeAnimated(p, List.of(solid(0), new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB)),
                        100, true));
        assertTrue(e.getMessage().contains("frame 1 is 5x4"), e.getMessage());
        assertFalse(p.toFile().exists());
    }
}
