package org.mask3d.io;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.mask3d.InputException;

/**
 * Images as CHW float arrays: reading (PNG, JPEG, BMP), writing (PNG, JPEG), conversion to and from
 * {@link BufferedImage}, and resizing.
 *
 * <p>Conventions: an image is a {@code float[]} in CHW order, {@code chw[(c*H + y)*W + x]}, values in [0,1]
 * (sRGB-encoded, as stored in the file; no linearisation). Values outside [0,1] and NaN are clipped (NaN to 0)
 * only when converting to 8 bits. Reading always yields 3 channels: grey, palette and alpha images are converted
 * to RGB and the alpha channel is dropped (not composited over any background).
 *
 * <p>JPEG decoding goes through the TwelveMonkeys ImageIO plugin when it is on the class path (it registers
 * itself with ImageIO), which handles CMYK/YCCK JPEGs, ICC profiles and odd metadata that the JDK decoder
 * rejects.
 */
public final class Images {
    private Images() {}

    static {
        // Plugins on a class path extended at run time (a notebook kernel) are only seen after a rescan.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    /**
     * A decoded image with its shape.
     *
     * @param chw      [channels, height, width] row-major, values in [0,1]; the record keeps this array (no copy)
     * @param channels number of channels (3 for images returned by {@link #read(Path)})
     * @param height   H, at least 1
     * @param width    W, at least 1
     */
    public record Image(float[] chw, int channels, int height, int width) {
        /** Validates that {@code chw.length == channels*height*width}. */
        public Image {
            checkChw(chw, channels, height, width);
        }
    }

    // ------------------------------------------------------------------------------------------ validation

    /**
     * Checks an image array's shape eagerly.
     *
     * @param chw      the array, expected [channels, h, w]
     * @param channels C, at least 1
     * @param h        H, at least 1
     * @param w        W, at least 1
     * @throws IllegalArgumentException naming the expected shape and the length received, e.g.
     *         "image must be [3,H,W] = [3,64,64] with 3*64*64 = 12288 floats, got 1000"
     */
    public static void checkChw(float[] chw, int channels, int h, int w) {
        if (channels < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("image shape must be positive, got [C,H,W] = [" + channels + ","
                    + h + "," + w + "]");
        }
        long n = (long) channels * h * w;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image [" + channels + "," + h + "," + w + "] has " + n
                    + " elements, more than a Java array holds");
        }
        if (chw == null) {
            throw new IllegalArgumentException("image must be [" + channels + ",H,W] = [" + channels + "," + h
                    + "," + w + "] with " + n + " floats, got null");
        }
        if (chw.length != n) {
            throw new IllegalArgumentException("image must be [" + channels + ",H,W] = [" + channels + "," + h
                    + "," + w + "] with " + channels + "*" + h + "*" + w + " = " + n + " floats, got "
                    + chw.length);
        }
    }

    private static void checkChannels13(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
    }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Reads a PNG, JPEG (including CMYK JPEGs) or BMP file as RGB.
     *
     * @param path the image file
     * @return [3, H, W] row-major, values in [0,1]; grey, palette and alpha inputs become RGB and alpha is dropped
     * @throws InputException "image not found: PATH" if the file does not exist, or "PATH: not a readable
     *         PNG/JPEG image (...)" if it cannot be decoded (unknown format, corrupt or truncated data)
     */
    public static float[] readChw(Path path) {
        return read(path).chw();
    }

    /**
     * Reads a PNG, JPEG (including CMYK JPEGs) or BMP file as RGB, with its size.
     *
     * @param path the image file
     * @return the image: {@code chw} is [3, H, W] row-major with values in [0,1], {@code channels} is 3; grey,
     *         palette and alpha inputs become RGB and alpha is dropped
     * @throws InputException "image not found: PATH" if the file does not exist, or "PATH: not a readable
     *         PNG/JPEG image (...)" if it cannot be decoded (unknown format, corrupt or truncated data). Decoders
     *         only warn about a truncated JPEG and fill the rest with grey; such warnings are treated as errors,
     *         so a JPEG that merely lacks its final EOI marker is rejected too.
     */
    public static Image read(Path path) {
        Objects.requireNonNull(path, "path");
        requireImageFile(path);
        BufferedImage img = decode(path);
        float[] chw = fromBufferedImage(img);
        return new Image(chw, 3, img.getHeight(), img.getWidth());
    }

    /**
     * Reads an image with its alpha channel: [4, H, W] (RGB then alpha, not premultiplied), values in [0,1]. An
     * image without alpha gets alpha 1 everywhere.
     *
     * @throws InputException as {@link #read}
     */
    public static Image readRgba(Path path) {
        Objects.requireNonNull(path, "path");
        requireImageFile(path);
        BufferedImage img = decode(path);
        int w = img.getWidth(), h = img.getHeight(), n = w * h;
        float[] rgb = fromBufferedImage(img);
        float[] out = new float[4 * n];
        System.arraycopy(rgb, 0, out, 0, 3 * n);
        if (img.getColorModel().hasAlpha()) {
            int[] a = img.getAlphaRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            float max = (1 << img.getColorModel().getComponentSize(img.getColorModel().getNumComponents() - 1)) - 1;
            for (int i = 0; i < n; i++) out[3 * n + i] = a[i] / max;
        } else {
            java.util.Arrays.fill(out, 3 * n, 4 * n, 1f);
        }
        return new Image(out, 4, h, w);
    }

    /**
     * An image's size from its header, without decoding the pixels.
     *
     * @return {width, height}
     * @throws InputException "image not found: PATH" or "PATH: not a readable PNG/JPEG image (...)"
     */
    public static int[] size(Path path) {
        Objects.requireNonNull(path, "path");
        requireImageFile(path);
        String bad = path + ": not a readable PNG/JPEG image";
        checkTrailer(path, bad);
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            if (in == null) throw new InputException(bad + " (cannot open it)");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new InputException(bad + " (unrecognised format)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                checkDeclared(path, w, h);
                return new int[]{w, h};
            } finally {
                reader.dispose();
            }
        } catch (InputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InputException(bad + " (" + Untrusted.reason(e) + ")", e);
        }
    }

    private static void requireImageFile(Path path) {
        if (!Files.exists(path)) throw new InputException("image not found: " + path);
        Untrusted.requireRegularFile(path, "a PNG/JPEG image");
    }

    /**
     * Bytes that decoding a {@code w × h} image takes at most here: the decoder's raster (up to 8 bytes a pixel, 16-bit
     * RGBA) plus the [3,H,W] float array (12 bytes a pixel).
     */
    public static long decodedBytes(long w, long h) { return MemoryLimit.product(w, h, 20); }

    /**
     * Refuses an image whose header declares more pixels than can be decoded: more than a Java array holds, or a
     * decoded size ({@link #decodedBytes}) over the memory budget {@link Untrusted#maxBytes()} (a decompression bomb: a
     * small PNG declaring 48000×32000).
     *
     * @throws InputException "PATH: the image declares 48000x32000 pixels: decoding needs 28.6 GB, over the memory
     *         budget of 2.9 GB (-Dmask3d.maxBytes)"
     */
    public static void checkDeclared(Path path, int w, int h) {
        if (w < 1 || h < 1) throw new InputException(path + ": the image declares " + w + "x" + h + " pixels, expected a positive size");
        long need = decodedBytes(w, h), max = Untrusted.maxBytes();
        if (need > max) {
            throw new InputException(path + ": the image declares " + w + "x" + h + " pixels: decoding needs "
                    + MemoryLimit.human(need) + ", over the memory budget of " + MemoryLimit.human(max) + " (-D"
                    + Untrusted.MAX_BYTES_PROPERTY + ")");
        }
        if ((long) w * h * 4 > Integer.MAX_VALUE - 8) {
            throw new InputException(path + ": the image declares " + w + "x" + h + " pixels, more than a Java array holds");
        }
    }

    /**
     * Refuses a PNG without its final IEND chunk or a JPEG without its EOI marker near the end of the file (a truncated
     * download or copy), reading only the file's last bytes. Other formats pass.
     */
    static void checkTrailer(Path path, String bad) {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(path)) {
            long size = ch.size();
            byte[] head = new byte[(int) Math.min(8, size)];
            ch.read(java.nio.ByteBuffer.wrap(head));
            boolean png = head.length >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
            boolean jpeg = head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff;
            if (!png && !jpeg) return;
            int n = (int) Math.min(64, size);
            byte[] tail = new byte[n];
            ch.position(size - n);
            java.nio.ByteBuffer tb = java.nio.ByteBuffer.wrap(tail);
            while (tb.hasRemaining() && ch.read(tb) > 0) { /* fill */ }
            boolean found = false;
            for (int i = 0; i + 1 < n && !found; i++) {
                if (png) found = i + 3 < n && tail[i] == 'I' && tail[i + 1] == 'E' && tail[i + 2] == 'N' && tail[i + 3] == 'D';
                else found = (tail[i] & 0xff) == 0xff && (tail[i + 1] & 0xff) == 0xd9;
            }
            if (!found) {
                throw new InputException(bad + " (truncated: no " + (png ? "IEND chunk" : "EOI marker") + " at the end of its "
                        + size + " bytes)");
            }
        } catch (IOException e) {
            throw new InputException(bad + " (" + Untrusted.reason(e) + ")", e);
        }
    }

    private static BufferedImage decode(Path path) {
        String bad = path + ": not a readable PNG/JPEG image";
        checkTrailer(path, bad);
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            if (in == null) throw new InputException(bad + " (cannot open it)");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new InputException(bad + " (unrecognised format)");
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage img;
            try {
                reader.setInput(in, true, true);
                checkDeclared(path, reader.getWidth(0), reader.getHeight(0));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
            if (img == null) throw new InputException(bad + " (decoder returned nothing)");
            for (String w : warnings) {
                // Decoders fill a truncated JPEG with grey and only warn; treat that as corrupt.
                String lw = w.toLowerCase(Locale.ROOT);
                if (lw.contains("premature end") || lw.contains("truncated") || lw.contains("corrupt")) {
                    throw new InputException(bad + " (" + w.trim() + ")");
                }
            }
            return img;
        } catch (InputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InputException(bad + " (" + Untrusted.reason(e) + ")", e);
        }
    }

    // ------------------------------------------------------------------------------------------ conversion

    /**
     * Converts a {@link BufferedImage} of any type to an RGB CHW array.
     *
     * <p>8- and 16-bit grey and RGB images are read from their samples directly (no colour conversion, so grey
     * values are not gamma-shifted, and 16-bit precision is kept); other types (palette, CMYK, packed ints) go
     * through {@link BufferedImage#getRGB}. Grey is replicated into R, G and B; alpha is dropped.
     *
     * @param img the image, H = {@code img.getHeight()}, W = {@code img.getWidth()}
     * @return [3, H, W] row-major, values in [0,1]
     */
    public static float[] fromBufferedImage(BufferedImage img) {
        Objects.requireNonNull(img, "img");
        int w = img.getWidth(), h = img.getHeight(), n = w * h;
        float[] chw = new float[3 * n];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int tt = raster.getTransferType();
        boolean plainComponents = cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()
                && (tt == DataBuffer.TYPE_BYTE || tt == DataBuffer.TYPE_USHORT);
        ColorSpace cs = cm.getColorSpace();
        if (plainComponents && cs.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
            float max = (1 << cm.getComponentSize(0)) - 1;
            int[] s = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < n; i++) {
                float v = s[i] / max;
                chw[i] = v;
                chw[n + i] = v;
                chw[2 * n + i] = v;
            }
            return chw;
        }
        if (plainComponents && cs.isCS_sRGB() && cm.getNumColorComponents() == 3) {
            int[] s = null;
            for (int b = 0; b < 3; b++) {
                float max = (1 << cm.getComponentSize(b)) - 1;
                s = raster.getSamples(0, 0, w, h, b, s);
                for (int i = 0; i < n; i++) chw[b * n + i] = s[i] / max;
            }
            return chw;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            chw[i] = ((p >> 16) & 0xff) / 255f;
            chw[n + i] = ((p >> 8) & 0xff) / 255f;
            chw[2 * n + i] = (p & 0xff) / 255f;
        }
        return chw;
    }

    /**
     * Converts a CHW array to an 8-bit image: values are clipped to [0,1] (NaN becomes 0) and rounded
     * ×255.
     *
     * @param chw      [channels, h, w] row-major, values in [0,1]
     * @param channels 1 (gives {@link BufferedImage#TYPE_BYTE_GRAY}) or 3 (gives {@link BufferedImage#TYPE_INT_RGB})
     * @param h        H
     * @param w        W
     * @return a new image of size w×h
     * @throws IllegalArgumentException if channels is not 1 or 3 or the array length is not channels*h*w
     */
    public static BufferedImage toBufferedImage(float[] chw, int channels, int h, int w) {
        checkChannels13(channels);
        checkChw(chw, channels, h, w);
        int n = h * w;
        if (channels == 1) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            int[] s = new int[n];
            for (int i = 0; i < n; i++) s[i] = to8(chw[i]);
            img.getRaster().setSamples(0, 0, w, h, 0, s);
            return img;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[n];
        for (int i = 0; i < n; i++) {
            rgb[i] = (to8(chw[i]) << 16) | (to8(chw[n + i]) << 8) | to8(chw[2 * n + i]);
        }
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    /** Clips to [0,1] (NaN to 0) and rounds ×255. */
    static int to8(float v) {
        if (!(v > 0f)) return 0;
        if (v >= 1f) return 255;
        return Math.round(v * 255f);
    }

    // ------------------------------------------------------------------------------------------ writing

    /**
     * Writes a CHW array as an 8-bit PNG, atomically (see {@link AtomicFiles}); parent folders are created.
     *
     * @param path     the target file
     * @param chw      [channels, h, w] row-major, values in [0,1] (clipped, rounded ×255)
     * @param channels 1 (grey PNG) or 3 (RGB PNG)
     * @param h        H
     * @param w        W
     * @throws IllegalArgumentException on a bad shape
     */
    public static void writePng(Path path, float[] chw, int channels, int h, int w) {
        writePng(path, toBufferedImage(chw, channels, h, w));
    }

    /**
     * Writes an image as PNG, atomically (see {@link AtomicFiles}); parent folders are created. Alpha, if the
     * image has it, is kept.
     *
     * @param path the target file
     * @param img  any image type the JDK PNG writer accepts
     */
    public static void writePng(Path path, BufferedImage img) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(img, "img");
        AtomicFiles.write(path, out -> encode("png", img, null, out));
    }

    /**
     * Writes a CHW array as a baseline JPEG, atomically.
     *
     * @param path     the target file
     * @param chw      [channels, h, w] row-major, values in [0,1] (clipped, rounded ×255)
     * @param channels 1 (grey JPEG) or 3 (colour JPEG)
     * @param h        H
     * @param w        W
     * @param quality  compression quality in [0,1]; 0.9 is a good default
     * @throws IllegalArgumentException on a bad shape or a quality outside [0,1]
     */
    public static void writeJpeg(Path path, float[] chw, int channels, int h, int w, float quality) {
        writeJpeg(path, toBufferedImage(chw, channels, h, w), quality);
    }

    /**
     * Writes an image as a baseline JPEG, atomically. Images with alpha or an unusual type are first converted
     * to 8-bit RGB (alpha dropped, not composited).
     *
     * @param path    the target file
     * @param img     the image
     * @param quality compression quality in [0,1]; 0.9 is a good default
     * @throws IllegalArgumentException if quality is outside [0,1]
     */
    public static void writeJpeg(Path path, BufferedImage img, float quality) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(img, "img");
        if (!(quality >= 0f && quality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be in [0,1], got " + quality);
        }
        int type = img.getType();
        BufferedImage rgb = img;
        if (type != BufferedImage.TYPE_INT_RGB && type != BufferedImage.TYPE_3BYTE_BGR
                && type != BufferedImage.TYPE_BYTE_GRAY) {
            rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
            int[] argb = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
            rgb.setRGB(0, 0, img.getWidth(), img.getHeight(), argb, 0, img.getWidth());
        }
        BufferedImage src = rgb;
        AtomicFiles.write(path, out -> encode("jpeg", src, param -> {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
        }, out));
    }

    private interface ParamSetter { void set(ImageWriteParam param); }

    private static void encode(String format, BufferedImage img, ParamSetter setter, OutputStream out)
            throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        if (!writers.hasNext()) throw new IOException("no ImageIO writer for " + format);
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (setter != null) setter.set(param);
            writer.write(null, new IIOImage(img, null, null), param);
            ios.flush();
        } finally {
            writer.dispose();
        }
    }

    // ------------------------------------------------------------------------------------------ resizing

    /**
     * Bilinear resize with pixel-centre alignment, the semantics of PyTorch's
     * {@code interpolate(mode="bilinear", align_corners=False)} and OpenCV's {@code INTER_LINEAR}: output pixel
     * centre {@code o + 0.5} maps to source coordinate {@code (o + 0.5) * in/out - 0.5}, clamped at 0 below and
     * to the last pixel above (edge replication). No antialiasing: for downscaling by more than 2× use
     * {@link #resizeArea}. Resizing to the same size returns an exact copy; a constant image stays constant.
     *
     * @param chw  [c, h, w] row-major (any values; nothing is clipped)
     * @param c    channels, at least 1
     * @param h    H
     * @param w    W
     * @param newH output height, at least 1
     * @param newW output width, at least 1
     * @return a new [c, newH, newW] array
     * @throws IllegalArgumentException on a bad shape
     */
    public static float[] resizeBilinear(float[] chw, int c, int h, int w, int newH, int newW) {
        checkChw(chw, c, h, w);
        checkTarget(c, newH, newW);
        if (newH == h && newW == w) return chw.clone();
        return resizeBilinearWindow(chw, c, h, w, newH, newW, 0, 0, newH, newW);
    }

    /**
     * {@link #resizeBilinear} to {@code newH × newW}, computed only for the window of rows {@code offY..offY+winH−1}
     * and columns {@code offX..offX+winW−1} (the same arithmetic, so the same values as resizing then cropping).
     *
     * @return [c, winH, winW]
     */
    public static float[] resizeBilinearWindow(float[] chw, int c, int h, int w, int newH, int newW, int offY, int offX,
                                               int winH, int winW) {
        checkChw(chw, c, h, w);
        if (offY < 0 || offX < 0 || winH < 1 || winW < 1 || offY + winH > newH || offX + winW > newW) {
            throw new IllegalArgumentException("window " + winW + "x" + winH + " at (" + offX + ", " + offY
                    + ") does not fit a " + newW + "x" + newH + " image");
        }
        int[] y0 = new int[winH], y1 = new int[winH];
        float[] fy = new float[winH];
        linearTaps(h, newH, offY, y0, y1, fy);
        int[] x0 = new int[winW], x1 = new int[winW];
        float[] fx = new float[winW];
        linearTaps(w, newW, offX, x0, x1, fx);
        float[] out = new float[c * winH * winW];
        for (int ch = 0; ch < c; ch++) {
            int src = ch * h * w, dst = ch * winH * winW;
            for (int oy = 0; oy < winH; oy++) {
                int r0 = src + y0[oy] * w, r1 = src + y1[oy] * w;
                float ly = fy[oy];
                int o = dst + oy * winW;
                for (int ox = 0; ox < winW; ox++) {
                    float lx = fx[ox];
                    float a = chw[r0 + x0[ox]], b = chw[r0 + x1[ox]];
                    float top = a + lx * (b - a);
                    float d = chw[r1 + x0[ox]], e = chw[r1 + x1[ox]];
                    float bottom = d + lx * (e - d);
                    out[o + ox] = top + ly * (bottom - top);
                }
            }
        }
        return out;
    }

    /** Bilinear taps (pixel centres, edge clamped) of output indices {@code off..off+i0.length−1} for {@code in → out}. */
    private static void linearTaps(int in, int out, int off, int[] i0, int[] i1, float[] frac) {
        double scale = (double) in / out;
        for (int o = 0; o < i0.length; o++) {
            double s = (off + o + 0.5) * scale - 0.5;
            if (s < 0) s = 0;
            int lo = (int) Math.floor(s);
            if (lo > in - 1) lo = in - 1;
            i0[o] = lo;
            i1[o] = Math.min(lo + 1, in - 1);
            frac[o] = (float) (s - lo);
            if (i1[o] == lo) frac[o] = 0f;
        }
    }

    /**
     * Lanczos-3 resampling, separable, as PIL's {@code Image.LANCZOS} (which the released pipeline uses for its
     * 640×360 frames): kernel {@code sinc(x)·sinc(x/3)} on |x| &lt; 3, widened by the scale factor when downscaling
     * (antialiasing), weights normalised per output pixel, sampled at pixel centres, edges clamped. Not clipped:
     * the kernel's negative lobes can overshoot [0,1] slightly; {@link #toBufferedImage} clips when writing.
     *
     * @param chw [c, h, w]
     * @return [c, newH, newW]
     */
    public static float[] resizeLanczos(float[] chw, int c, int h, int w, int newH, int newW) {
        checkChw(chw, c, h, w);
        checkTarget(c, newH, newW);
        if (newH == h && newW == w) return chw.clone();
        float[] tmp = new float[c * h * newW];
        Filter fx = lanczos(w, newW), fy = lanczos(h, newH);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int row = (ch * h + y) * w, orow = (ch * h + y) * newW;
                for (int x = 0; x < newW; x++) {
                    double s = 0;
                    for (int k = 0; k < fx.count[x]; k++) s += fx.weight[x][k] * chw[row + fx.start[x] + k];
                    tmp[orow + x] = (float) s;
                }
            }
        }
        float[] out = new float[c * newH * newW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < newH; y++) {
                int orow = (ch * newH + y) * newW;
                for (int x = 0; x < newW; x++) {
                    double s = 0;
                    for (int k = 0; k < fy.count[y]; k++) s += fy.weight[y][k] * tmp[(ch * h + fy.start[y] + k) * newW + x];
                    out[orow + x] = (float) s;
                }
            }
        }
        return out;
    }

    private record Filter(int[] start, int[] count, double[][] weight) {}

    private static Filter lanczos(int in, int out) {
        double scale = (double) in / out;
        double support = 3.0 * Math.max(1.0, scale);
        double fscale = Math.max(1.0, scale);
        int[] start = new int[out], count = new int[out];
        double[][] weight = new double[out][];
        for (int i = 0; i < out; i++) {
            double centre = (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(centre - support)), hi = Math.min(in, (int) Math.ceil(centre + support));
            double[] wts = new double[hi - lo];
            double sum = 0;
            for (int j = lo; j < hi; j++) {
                double x = (j + 0.5 - centre) / fscale;
                double v = Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0;
                wts[j - lo] = v;
                sum += v;
            }
            for (int k = 0; k < wts.length; k++) wts[k] /= sum;
            start[i] = lo;
            count[i] = wts.length;
            weight[i] = wts;
        }
        return new Filter(start, count, weight);
    }

    private static double sinc(double x) {
        if (x == 0) return 1;
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** How images are resized. */
    public enum Resampling {
        /** Lanczos-3 with antialiasing (PIL's LANCZOS, used by the released dynamic-scene pipeline). */
        LANCZOS3,
        /** Box filter weighted by overlap (OpenCV's INTER_AREA, what the released RealEstate10K script meant). */
        AREA,
        /** Bilinear at pixel centres (what the released RealEstate10K script actually did: METHOD.md §7 item 3). */
        BILINEAR
    }

    /** Resizes with the given filter. */
    public static float[] resize(float[] chw, int c, int h, int w, int newH, int newW, Resampling how) {
        return switch (how) {
            case LANCZOS3 -> resizeLanczos(chw, c, h, w, newH, newW);
            case AREA -> resizeArea(chw, c, h, w, newH, newW);
            case BILINEAR -> resizeBilinear(chw, c, h, w, newH, newW);
        };
    }

    /**
     * Area (box-filter) resize, meant for downscaling: each output pixel is the average of the source pixels
     * its footprint covers, weighted by the overlap area, like OpenCV's {@code INTER_AREA} when shrinking. For
     * integer factors this is the mean over each k×k block (PyTorch {@code interpolate(mode="area")}). When
     * enlarging it degrades to nearest-neighbour with blending where an output pixel straddles two source
     * pixels; use {@link #resizeBilinear} for that.
     *
     * @param chw  [c, h, w] row-major (any values; nothing is clipped)
     * @param c    channels, at least 1
     * @param h    H
     * @param w    W
     * @param newH output height, at least 1
     * @param newW output width, at least 1
     * @return a new [c, newH, newW] array
     * @throws IllegalArgumentException on a bad shape
     */
    public static float[] resizeArea(float[] chw, int c, int h, int w, int newH, int newW) {
        checkChw(chw, c, h, w);
        checkTarget(c, newH, newW);
        if (newH == h && newW == w) return chw.clone();
        Box bx = Box.of(w, newW), by = Box.of(h, newH);
        // Along x: [c, h, w] -> [c, h, newW], then along y: -> [c, newH, newW].
        float[] tmp = new float[c * h * newW];
        for (int row = 0; row < c * h; row++) {
            int src = row * w, dst = row * newW;
            for (int ox = 0; ox < newW; ox++) {
                double acc = 0;
                float[] wt = bx.weights[ox];
                int s = src + bx.start[ox];
                for (int k = 0; k < wt.length; k++) acc += wt[k] * chw[s + k];
                tmp[dst + ox] = (float) acc;
            }
        }
        float[] out = new float[c * newH * newW];
        for (int ch = 0; ch < c; ch++) {
            int src = ch * h * newW, dst = ch * newH * newW;
            for (int oy = 0; oy < newH; oy++) {
                float[] wt = by.weights[oy];
                int o = dst + oy * newW;
                for (int k = 0; k < wt.length; k++) {
                    float wk = wt[k];
                    int r = src + (by.start[oy] + k) * newW;
                    for (int ox = 0; ox < newW; ox++) out[o + ox] += wk * tmp[r + ox];
                }
            }
        }
        return out;
    }

    /** Per output index: the first source index and the normalised overlap weights from there. */
    private record Box(int[] start, float[][] weights) {
        static Box of(int in, int out) {
            double scale = (double) in / out;
            int[] start = new int[out];
            float[][] weights = new float[out][];
            for (int o = 0; o < out; o++) {
                double lo = o * scale, hi = (o + 1) * scale;
                int first = (int) Math.floor(lo);
                int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
                if (last < first) last = first;
                float[] wt = new float[last - first + 1];
                double sum = 0;
                for (int i = first; i <= last; i++) {
                    double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                    wt[i - first] = (float) Math.max(0, overlap);
                    sum += wt[i - first];
                }
                for (int k = 0; k < wt.length; k++) wt[k] = (float) (wt[k] / sum);
                start[o] = first;
                weights[o] = wt;
            }
            return new Box(start, weights);
        }
    }

    private static void checkTarget(int c, int newH, int newW) {
        if (newH < 1 || newW < 1) {
            throw new IllegalArgumentException("target size must be positive, got newH = " + newH + ", newW = "
                    + newW);
        }
        if ((long) c * newH * newW > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("target image [" + c + "," + newH + "," + newW
                    + "] is larger than a Java array holds");
        }
    }
}
