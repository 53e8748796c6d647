package org.mask3d.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * Tiles images into one picture on a white background, optionally with a caption under each tile. Images with
 * alpha are composited over the white background.
 */
public final class Grid {
    private Grid() {}

    /** Caption font: the logical sans-serif font (DejaVu Sans on a headless Debian), 12 pt. */
    public static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    /**
     * Height in pixels of the caption strip under each row when any caption is given: the caption font's
     * line height (ascent + descent + leading) plus 2 pixels.
     *
     * @return the strip height, the same for every call in one JVM
     */
    public static int captionHeight() {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            return g.getFontMetrics(CAPTION_FONT).getHeight() + 2;
        } finally {
            g.dispose();
        }
    }

    /**
     * Tiles images row by row, left to right.
     *
     * <p>Layout: {@code n = images.size()}, columns {@code k = min(cols, n)}, rows {@code r = ceil(n / k)}. Every
     * cell is {@code cw × ch}, the largest width × the largest height among the images; smaller images are
     * centred horizontally and top-aligned in their cell. If any caption is non-empty, each row gets a caption
     * strip of {@link #captionHeight()} pixels ({@code capH}, else 0) under the cells. The result is
     * {@code (k*cw + (k+1)*pad) × (r*(ch + capH) + (r+1)*pad)} (width × height). Captions are centred under
     * their tile in black and shortened with "…" if wider than the cell.
     *
     * @param images   one or more images, any types and sizes
     * @param cols     requested columns, at least 1
     * @param captions null for none, or one entry per image (null or empty entries draw nothing)
     * @param pad      white gap in pixels around and between cells, 0 or more
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image
     * @throws IllegalArgumentException if images is empty or has nulls, cols &lt; 1, pad &lt; 0, or captions has a
     *         different size from images
     */
    public static BufferedImage tile(List<BufferedImage> images, int cols, List<String> captions, int pad) {
        Objects.requireNonNull(images, "images");
        int n = images.size();
        if (n == 0) throw new IllegalArgumentException("a grid needs at least 1 image, got 0");
        if (cols < 1) throw new IllegalArgumentException("cols must be at least 1, got " + cols);
        if (pad < 0) throw new IllegalArgumentException("pad must be 0 or more, got " + pad);
        if (captions != null && captions.size() != n) {
            throw new IllegalArgumentException("captions must have one entry per image (" + n + "), got "
                    + captions.size());
        }
        int cw = 0, ch = 0;
        for (int i = 0; i < n; i++) {
            BufferedImage im = images.get(i);
            if (im == null) throw new IllegalArgumentException("image " + i + " is null");
            cw = Math.max(cw, im.getWidth());
            ch = Math.max(ch, im.getHeight());
        }
        boolean anyCaption = false;
        if (captions != null) {
            for (String c : captions) anyCaption |= c != null && !c.isEmpty();
        }
        int capH = anyCaption ? captionHeight() : 0;
        int k = Math.min(cols, n);
        int rows = (n + k - 1) / k;
        long width = (long) k * cw + (long) (k + 1) * pad;
        long height = (long) rows * (ch + capH) + (long) (rows + 1) * pad;
        if (width * height > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("grid would be " + width + "x" + height + " pixels, too large");
        }
        BufferedImage out = new BufferedImage((int) width, (int) height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setFont(CAPTION_FONT);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < n; i++) {
                BufferedImage im = images.get(i);
                int x0 = pad + (i % k) * (cw + pad);
                int y0 = pad + (i / k) * (ch + capH + pad);
                g.drawImage(im, x0 + (cw - im.getWidth()) / 2, y0, null);
                String cap = captions == null ? null : captions.get(i);
                if (cap != null && !cap.isEmpty()) {
                    String text = fit(cap, fm, cw);
                    int tx = x0 + (cw - fm.stringWidth(text)) / 2;
                    int ty = y0 + ch + 1 + fm.getAscent();
                    g.setColor(Color.BLACK);
                    g.drawString(text, tx, ty);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Shortens {@code s} with a trailing ellipsis until it fits {@code maxWidth} pixels. */
    private static String fit(String s, FontMetrics fm, int maxWidth) {
        if (fm.stringWidth(s) <= maxWidth) return s;
        String ell = "\u2026";
        int end = s.length();
        while (end > 0 && fm.stringWidth(s.substring(0, end) + ell) > maxWidth) end--;
        return end == 0 ? "" : s.substring(0, end) + ell;
    }

    /**
     * Places images left to right with no gap, top-aligned, on white: the result is
     * {@code (sum of widths) × (max height)}.
     *
     * @param images one or more images, any types and sizes
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image
     * @throws IllegalArgumentException if no images are given or one is null
     */
    public static BufferedImage sideBySide(BufferedImage... images) {
        if (images == null || images.length == 0) {
            throw new IllegalArgumentException("sideBySide needs at least 1 image, got 0");
        }
        long width = 0;
        int height = 0;
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null) throw new IllegalArgumentException("image " + i + " is null");
            width += images[i].getWidth();
            height = Math.max(height, images[i].getHeight());
        }
        if (width * height > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("result would be " + width + "x" + height + " pixels, too large");
        }
        BufferedImage out = new BufferedImage((int) width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            int x = 0;
            for (BufferedImage im : images) {
                g.drawImage(im, x, 0, null);
                x += im.getWidth();
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Enlarges an image by an integer factor with nearest-neighbour sampling (pixels stay visible as blocks), for
     * looking at small images such as parity cases.
     */
    public static BufferedImage enlarge(BufferedImage img, int factor) {
        if (factor < 1) throw new IllegalArgumentException("factor must be >= 1, got " + factor);
        if (factor == 1) return img;
        BufferedImage out = new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(img, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }
}
