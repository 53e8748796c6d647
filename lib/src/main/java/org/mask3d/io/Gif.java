package org.mask3d.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Animated GIFs through the JDK's GIF {@link ImageWriter}.
 *
 * <p>The JDK writer reduces each non-palette frame to at most 256 colours on its own (an octree palette per
 * frame, no dithering), so smooth gradients band; it is meant for quick looks at view sweeps, not for
 * measurement.
 */
public final class Gif {
    private Gif() {}

    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    /**
     * Writes an animated GIF atomically (see {@link AtomicFiles}); parent folders are created.
     *
     * @param path    the target file
     * @param frames  one or more frames, all of the same width and height; any type (RGB is quantised to a
     *                256-colour palette per frame; alpha is dropped)
     * @param delayMs delay after each frame in milliseconds, 0 or more; GIF stores hundredths of a second, so it
     *                is rounded to the nearest 10 ms (and many viewers show delays under 20 ms as 100 ms)
     * @param loop    true to loop forever (a NETSCAPE2.0 application extension with loop count 0 on the first
     *                frame); false to play once (no extension)
     * @throws IllegalArgumentException if frames is empty, a frame is null, sizes differ, or delayMs is negative
     *         or above 655350
     */
    public static void writeAnimated(Path path, List<BufferedImage> frames, int delayMs, boolean loop) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(frames, "frames");
        if (frames.isEmpty()) throw new IllegalArgumentException("an animated GIF needs at least 1 frame, got 0");
        if (delayMs < 0 || delayMs > 655_350) {
            throw new IllegalArgumentException("delayMs must be in [0, 655350], got " + delayMs);
        }
        BufferedImage first = frames.get(0);
        if (first == null) throw new IllegalArgumentException("frame 0 is null");
        for (int i = 1; i < frames.size(); i++) {
            BufferedImage f = frames.get(i);
            if (f == null) throw new IllegalArgumentException("frame " + i + " is null");
            if (f.getWidth() != first.getWidth() || f.getHeight() != first.getHeight()) {
                throw new IllegalArgumentException("all frames must be " + first.getWidth() + "x"
                        + first.getHeight() + " (W x H) like frame 0, frame " + i + " is " + f.getWidth() + "x"
                        + f.getHeight());
            }
        }
        int delayCs = Math.round(delayMs / 10f);
        AtomicFiles.write(path, out -> {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
            if (!writers.hasNext()) throw new IOException("no ImageIO writer for gif");
            ImageWriter writer = writers.next();
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                ImageWriteParam param = writer.getDefaultWriteParam();
                writer.prepareWriteSequence(null);
                for (int i = 0; i < frames.size(); i++) {
                    BufferedImage frame = opaque(frames.get(i));
                    IIOMetadata meta = writer.getDefaultImageMetadata(
                            ImageTypeSpecifier.createFromRenderedImage(frame), param);
                    configure(meta, delayCs, loop && i == 0);
                    writer.writeToSequence(new IIOImage(frame, null, meta), param);
                }
                writer.endWriteSequence();
                ios.flush();
            } finally {
                writer.dispose();
            }
        });
    }

    /** Frames with alpha are copied to RGB: the JDK writer would otherwise spend a palette entry on it. */
    private static BufferedImage opaque(BufferedImage img) {
        if (!img.getColorModel().hasAlpha()) return img;
        int w = img.getWidth(), h = img.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, w, h, img.getRGB(0, 0, w, h, null, 0, w), 0, w);
        return rgb;
    }

    private static void configure(IIOMetadata meta, int delayCs, boolean loopForever) throws IOException {
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(FORMAT);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCs));
        gce.setAttribute("transparentColorIndex", "0");
        if (loopForever) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            // Sub-block 1, then the loop count as little-endian unsigned short; 0 means forever.
            app.setUserObject(new byte[] {1, 0, 0});
            apps.appendChild(app);
        }
        meta.setFromTree(FORMAT, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
