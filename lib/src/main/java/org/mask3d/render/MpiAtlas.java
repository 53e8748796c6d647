package org.mask3d.render;

import org.mask3d.InputException;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * The viewer's image codec: an MPI's planes, or a mask volume's slices, tiled into one 8-bit image (an atlas).
 *
 * <p>Layout: plane {@code d} (back to front, 0 the farthest) is the tile at column {@code d mod C}, row
 * {@code d div C}, each tile {@code W × H} pixels, so the atlas is {@code C·W × ceil(D/C)·H}; unused tiles are zero.
 * An MPI atlas is RGBA with colours <b>not premultiplied</b> (as {@link Mpi} holds them); a mask atlas is grey.
 *
 * <p>Quantisation: each value {@code v} is stored as {@code q = round(255·clamp(v, 0, 1))} (NaN as 0) and read back
 * as {@code q/255}, so a value in [0,1] comes back within 0.5/255 (alpha included: alpha is kept exact to 8 bits).
 */
public final class MpiAtlas {
    private MpiAtlas() {}

    /** The column count for D planes of W × H: the atlas roughly square, {@code C = ceil(sqrt(D·H/W))}, at most D. */
    public static int columns(int planes, int height, int width) {
        int c = (int) Math.ceil(Math.sqrt(planes * (double) height / width));
        return Math.max(1, Math.min(planes, c));
    }

    /** Rows of an atlas of D planes in C columns. */
    public static int rows(int planes, int columns) { return (planes + columns - 1) / columns; }

    /** {@code round(255·clamp(v,0,1))}, NaN as 0. */
    public static int quantise(float v) {
        if (!(v > 0)) return 0;
        if (v >= 1) return 255;
        return Math.round(v * 255f);
    }

    /**
     * The MPI's planes as an RGBA atlas ({@link BufferedImage#TYPE_4BYTE_ABGR}, not premultiplied).
     *
     * @param columns tiles per row ({@link #columns} for the default)
     */
    public static BufferedImage encode(Mpi mpi, int columns) {
        int D = mpi.planes(), h = mpi.height(), w = mpi.width();
        checkColumns(columns, D);
        BufferedImage img = new BufferedImage(columns * w, rows(D, columns) * h, BufferedImage.TYPE_4BYTE_ABGR);
        WritableRaster r = img.getRaster();
        float[] src = mpi.rgba();
        int[] row = new int[w * 4];
        for (int d = 0; d < D; d++) {
            int ox = (d % columns) * w, oy = (d / columns) * h;
            for (int y = 0; y < h; y++) {
                int base = ((d * h + y) * w) * 4;
                for (int i = 0; i < row.length; i++) row[i] = quantise(src[base + i]);
                r.setPixels(ox, oy + y, w, 1, row);
            }
        }
        return img;
    }

    /**
     * Reads an RGBA atlas back into [D, H, W, 4] floats ({@code q/255}).
     *
     * @param what names the image in errors (its file)
     * @throws InputException unless the atlas is 8-bit RGBA, straight alpha, of the size the layout gives
     */
    public static float[] decode(BufferedImage atlas, int planes, int height, int width, int columns, String what) {
        checkSize(atlas, planes, height, width, columns, what);
        if (atlas.getRaster().getNumBands() != 4 || atlas.getColorModel().isAlphaPremultiplied()
                || atlas.getColorModel().getComponentSize(3) != 8) {
            throw new InputException(what + ": expected an 8-bit RGBA PNG (straight alpha), got " + atlas.getRaster().getNumBands()
                    + " channels" + (atlas.getColorModel().isAlphaPremultiplied() ? ", premultiplied" : ""));
        }
        float[] out = new float[planes * height * width * 4];
        int[] row = new int[width * 4];
        for (int d = 0; d < planes; d++) {
            int ox = (d % columns) * width, oy = (d / columns) * height;
            for (int y = 0; y < height; y++) {
                atlas.getRaster().getPixels(ox, oy + y, width, 1, row);
                int base = ((d * height + y) * width) * 4;
                for (int i = 0; i < row.length; i++) out[base + i] = row[i] / 255f;
            }
        }
        return out;
    }

    /**
     * A mask volume as a grey atlas ({@link BufferedImage#TYPE_BYTE_GRAY}).
     *
     * @param mask [D, H, W] in [0,1]
     */
    public static BufferedImage encodeMask(float[] mask, int planes, int height, int width, int columns) {
        if (mask.length != planes * height * width) {
            throw new IllegalArgumentException("mask must be [D,H,W] = [" + planes + "," + height + "," + width + "], got " + mask.length + " floats");
        }
        checkColumns(columns, planes);
        BufferedImage img = new BufferedImage(columns * width, rows(planes, columns) * height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        int[] row = new int[width];
        for (int d = 0; d < planes; d++) {
            int ox = (d % columns) * width, oy = (d / columns) * height;
            for (int y = 0; y < height; y++) {
                int base = (d * height + y) * width;
                for (int x = 0; x < width; x++) row[x] = quantise(mask[base + x]);
                r.setPixels(ox, oy + y, width, 1, row);
            }
        }
        return img;
    }

    /**
     * Reads a grey mask atlas back into [D, H, W] ({@code q/255}; of an RGB(A) image the first channel).
     *
     * @param what names the image in errors
     */
    public static float[] decodeMask(BufferedImage atlas, int planes, int height, int width, int columns, String what) {
        checkSize(atlas, planes, height, width, columns, what);
        if (atlas.getColorModel().getComponentSize(0) != 8) throw new InputException(what + ": expected an 8-bit grey PNG");
        float[] out = new float[planes * height * width];
        int[] row = new int[width];
        for (int d = 0; d < planes; d++) {
            int ox = (d % columns) * width, oy = (d / columns) * height;
            for (int y = 0; y < height; y++) {
                atlas.getRaster().getSamples(ox, oy + y, width, 1, 0, row);
                int base = (d * height + y) * width;
                for (int x = 0; x < width; x++) out[base + x] = row[x] / 255f;
            }
        }
        return out;
    }

    /** The MPI as the viewer shows it: every value quantised to 8 bits and back ({@code round(255·v)/255}). */
    public static Mpi quantised(Mpi mpi) {
        float[] v = mpi.rgba();
        float[] q = new float[v.length];
        for (int i = 0; i < v.length; i++) q[i] = quantise(v[i]) / 255f;
        return new Mpi(q, mpi.planes(), mpi.height(), mpi.width(), mpi.depths(), mpi.ref());
    }

    private static void checkColumns(int columns, int planes) {
        if (columns < 1 || columns > planes) throw new IllegalArgumentException("columns must be in [1, " + planes + "], got " + columns);
    }

    private static void checkSize(BufferedImage atlas, int planes, int height, int width, int columns, String what) {
        if (columns < 1 || columns > planes) {
            throw new InputException(what + ": atlas columns must be in [1, " + planes + "], got " + columns);
        }
        int ew = columns * width, eh = rows(planes, columns) * height;
        if (atlas.getWidth() != ew || atlas.getHeight() != eh) {
            throw new InputException(what + ": atlas must be " + ew + "x" + eh + " (" + planes + " planes of " + width + "x" + height
                    + " in " + columns + " columns), got " + atlas.getWidth() + "x" + atlas.getHeight());
        }
    }
}
