package org.mask3d.io;

import org.mask3d.InputException;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy {@code .npy} files, format versions 1.0–3.0.
 *
 * <p>Reads float32 and float64 ({@code <f4 >f4 <f8 >f8}), C or Fortran order, into a C-order {@link NpyArray}.
 * Any other dtype (integers, objects, structured arrays) is rejected with an {@link InputException} that names
 * the file and the dtype found. Writes little-endian, C order, version 1.0.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Longest header read (numpy itself writes a few hundred bytes; it refuses headers over 10,000 by default). */
    static final int MAX_HEADER = 1 << 16;

    /**
     * Reads a {@code .npy} file. The header's sizes are checked against the file's size and the memory budget
     * ({@link Untrusted#maxBytes()}) before anything is allocated.
     */
    public static NpyArray read(Path path) {
        if (Files.exists(path)) Untrusted.requireRegularFile(path, "an .npy file");
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString(), Files.size(path), new Untrusted.Budget(path.toString()));
        } catch (NoSuchFileException e) {
            throw new InputException("file not found: " + path);
        } catch (IOException e) {
            throw new InputException("cannot read " + path + ": " + Untrusted.reason(e), e);
        }
    }

    /**
     * Reads one array from a stream whose length is not known: the array may be at most the memory budget
     * ({@link Untrusted#maxBytes()}), and its data are read in growing chunks, so a header that declares more data
     * than the stream holds allocates no more than about twice what the stream really holds.
     *
     * @param name the file (or {@code archive.npz: key}) named in error messages
     */
    public static NpyArray read(InputStream input, String name) throws IOException {
        return read(input, name, -1, new Untrusted.Budget(name));
    }

    /**
     * Reads one array.
     *
     * @param available the bytes the stream holds from here on, or -1 if unknown
     * @param budget charged with the array's bytes before they are allocated
     */
    static NpyArray read(InputStream input, String name, long available, Untrusted.Budget budget) throws IOException {
        Header h = readHeader(input, name, available);
        long bytes = h.dataBytes();
        if (available >= 0 && bytes > available - h.headerBytes) {
            throw new InputException(name + ": truncated data: shape " + java.util.Arrays.toString(h.shape) + " "
                    + h.descr + " needs " + bytes + " bytes, file has " + Math.max(0, available - h.headerBytes));
        }
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new InputException(name + ": array too large: shape " + java.util.Arrays.toString(h.shape) + " "
                    + h.descr + " needs " + bytes + " bytes (at most " + (Integer.MAX_VALUE - 64) + " per array)");
        }
        budget.charge(bytes, "array of shape " + java.util.Arrays.toString(h.shape) + " " + h.descr);
        return readData(input, name, h, available >= 0);
    }

    /** A parsed header: dtype, order, shape, and how many bytes the header took (magic included). */
    record Header(String descr, ByteOrder order, int width, boolean fortran, int[] shape, long count, long headerBytes) {
        long dataBytes() { return count * width; }
    }

    /** Reads and checks the header: version, length, dict, dtype, shape (a product that overflows is an error). */
    static Header readHeader(InputStream input, String name, long available) throws IOException {
        DataInputStream in = new DataInputStream(input);
        byte[] magic = new byte[6];
        int major;
        long headerLen;
        try {
            in.readFully(magic);
            for (int i = 0; i < 6; i++) {
                if (magic[i] != MAGIC[i]) throw new InputException(name + ": not a .npy file (bad magic bytes)");
            }
            major = in.readUnsignedByte();
            in.readUnsignedByte();
            if (major == 1) {
                headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else if (major == 2 || major == 3) {
                headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            } else {
                throw new InputException(name + ": unsupported .npy format version " + major);
            }
        } catch (EOFException e) {
            throw new InputException(name + ": not a .npy file (shorter than its header)");
        }
        long prefix = major == 1 ? 10 : 12;
        if (headerLen > MAX_HEADER) {
            throw new InputException(name + ": .npy header length " + headerLen + " is over the limit of " + MAX_HEADER + " bytes");
        }
        if (available >= 0 && headerLen > available - prefix) {
            throw new InputException(name + ": truncated .npy header (declares " + headerLen + " bytes, file has "
                    + Math.max(0, available - prefix) + ")");
        }
        byte[] hb = new byte[(int) headerLen];
        try {
            in.readFully(hb);
        } catch (EOFException e) {
            throw new InputException(name + ": truncated .npy header (declares " + headerLen + " bytes)");
        }
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new InputException(name + ": malformed .npy header " + Untrusted.quote(header.trim())
                    + " (expected 'descr', 'fortran_order' and 'shape')");
        }
        String descr = d.group(1);
        boolean fortran = f.group(1).equals("True");
        int[] shape = parseShape(s.group(1), name);
        ByteOrder order;
        int width;
        switch (descr) {
            case "<f4": order = ByteOrder.LITTLE_ENDIAN; width = 4; break;
            case ">f4": order = ByteOrder.BIG_ENDIAN; width = 4; break;
            case "<f8": order = ByteOrder.LITTLE_ENDIAN; width = 8; break;
            case ">f8": order = ByteOrder.BIG_ENDIAN; width = 8; break;
            default:
                throw new InputException(name + ": dtype " + Untrusted.quote(descr) + " is not supported; expected float32 or "
                        + "float64 (descr <f4, >f4, <f8 or >f8)");
        }
        long n = 1;
        for (int dim : shape) {
            try {
                n = Math.multiplyExact(n, dim);
                Math.multiplyExact(n, width);
            } catch (ArithmeticException e) {
                throw new InputException(name + ": shape " + java.util.Arrays.toString(shape) + " in the .npy header holds more "
                        + "than 2^63 bytes (the product of its dimensions overflows)");
            }
        }
        return new Header(descr, order, width, fortran, shape, n, prefix + headerLen);
    }

    /** Reads the data a checked header declares; {@code sizeKnown}: the caller checked the stream holds them. */
    static NpyArray readData(InputStream in, String name, Header h, boolean sizeKnown) throws IOException {
        int len = (int) h.dataBytes();
        byte[] raw;
        int got;
        if (sizeKnown) {
            raw = new byte[len];
            got = in.readNBytes(raw, 0, len);
        } else {
            // grow with what really arrives, so a header that lies allocates little
            raw = new byte[Math.min(len, 1 << 16)];
            got = 0;
            while (got < len) {
                if (got == raw.length) raw = java.util.Arrays.copyOf(raw, (int) Math.min(len, 2L * raw.length));
                int r = in.read(raw, got, raw.length - got);
                if (r < 0) break;
                got += r;
            }
        }
        if (got != len) {
            throw new InputException(name + ": truncated data: shape " + java.util.Arrays.toString(h.shape) + " " + h.descr
                    + " needs " + len + " bytes, file has " + got);
        }
        int n = (int) h.count;
        int[] shape = h.shape;
        ByteBuffer bb = ByteBuffer.wrap(raw).order(h.order);
        if (h.width == 4) {
            float[] v = new float[n];
            bb.asFloatBuffer().get(v);
            if (h.fortran) v = fortranToC(v, shape);
            return NpyArray.ofFloat(v, shape);
        } else {
            double[] v = new double[n];
            bb.asDoubleBuffer().get(v);
            if (h.fortran) v = fortranToC(v, shape);
            return NpyArray.ofDouble(v, shape);
        }
    }

    private static int[] parseShape(String s, String name) {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) continue;
            if (t.endsWith("L")) t = t.substring(0, t.length() - 1);
            int v;
            try {
                v = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new InputException(name + ": bad shape in .npy header: " + Untrusted.quote("(" + s + ")")
                        + " (dimensions must be integers from 0 to " + Integer.MAX_VALUE + ")");
            }
            if (v < 0) throw new InputException(name + ": negative dimension " + v + " in .npy header shape " + Untrusted.quote("(" + s + ")"));
            if (dims.size() == 64) throw new InputException(name + ": .npy header shape has more than 64 dimensions");
            dims.add(v);
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Index of C-order flat position -> Fortran-order flat position, applied to copy. */
    private static int[] fortranIndex(int[] shape) {
        int n = (int) NpyArray.count(shape);
        int nd = shape.length;
        int[] fStride = new int[nd];
        int st = 1;
        for (int i = 0; i < nd; i++) { fStride[i] = st; st *= shape[i]; }
        int[] map = new int[n];
        int[] idx = new int[nd];
        for (int c = 0; c < n; c++) {
            int off = 0;
            for (int i = 0; i < nd; i++) off += idx[i] * fStride[i];
            map[c] = off;
            for (int i = nd - 1; i >= 0; i--) {
                if (++idx[i] < shape[i]) break;
                idx[i] = 0;
            }
        }
        return map;
    }

    private static float[] fortranToC(float[] v, int[] shape) {
        int[] map = fortranIndex(shape);
        float[] out = new float[v.length];
        for (int i = 0; i < out.length; i++) out[i] = v[map[i]];
        return out;
    }

    private static double[] fortranToC(double[] v, int[] shape) {
        int[] map = fortranIndex(shape);
        double[] out = new double[v.length];
        for (int i = 0; i < out.length; i++) out[i] = v[map[i]];
        return out;
    }

    /** Writes a {@code .npy} (version 1.0, little endian, C order) atomically. */
    public static void write(Path path, NpyArray array) {
        AtomicFiles.write(path, out -> write(out, array));
    }

    /** Writes one array to a stream (version 1.0, little endian, C order). */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        int[] sh = array.shape();
        for (int i = 0; i < sh.length; i++) shape.append(i > 0 ? ", " : "").append(sh[i]);
        if (sh.length == 1) shape.append(',');
        shape.append(')');
        String dict = "{'descr': '" + (array.isFloat64() ? "<f8" : "<f4") + "', 'fortran_order': False, 'shape': "
                + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        int hl = header.length();
        head.write(hl & 0xff);
        head.write((hl >> 8) & 0xff);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        int width = array.isFloat64() ? 8 : 4;
        int chunk = 1 << 16;
        ByteBuffer bb = ByteBuffer.allocate(chunk * width).order(ByteOrder.LITTLE_ENDIAN);
        int n = array.size();
        float[] f = array.isFloat64() ? null : array.floats();
        double[] d = array.isFloat64() ? array.doubles() : null;
        for (int start = 0; start < n; start += chunk) {
            int len = Math.min(chunk, n - start);
            bb.clear();
            if (f != null) bb.asFloatBuffer().put(f, start, len);
            else bb.asDoubleBuffer().put(d, start, len);
            out.write(bb.array(), 0, len * width);
        }
    }
}
