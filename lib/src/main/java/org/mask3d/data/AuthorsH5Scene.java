package org.mask3d.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.dataset.DatasetBase;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One scene of the authors' compressed dataset (METHOD.md §2.2, §8): {@code sceneNNN.h5} with a sibling
 * {@code sceneNNN_pb.npy}.
 * <pre>
 *   rgb      uint8 [C,F,H,W,3]   the frames of every camera (released: C = 10, H×W = 360×640)
 *   fg_rgb   uint8 [C,F,H,W,4]   BackgroundMattingV2 RGBA mattes
 *   bg_rgb   uint8 [C,H,W,3]     per-camera median backgrounds
 *   sceneNNN_pb.npy  [C,17]      LLFF poses_bounds, one row per camera
 * </pre>
 * C, F, H and W are read from the datasets' shapes; nothing assumes the released sizes. The released files are
 * LZF-compressed with one chunk per image; any chunking (or none), LZF, deflate and shuffle are read.
 *
 * <p><b>Lazy reading.</b> {@link #open} reads only the HDF5 metadata and the npy. Each {@link #frame},
 * {@link #foreground} or {@link #background} call reads and decodes only the chunks that hold that one image: with
 * the released chunking that is exactly one chunk, read through jhdf's {@link ChunkedDataset#getDecompressedChunk}.
 * (jhdf 0.9.4's own slicing, {@code Dataset.getData(offset, shape)}, also touches only the overlapping chunks, but
 * it copies byte by byte and looks chunks up by chunk <em>index</em> where its index is keyed by element
 * <em>offset</em>, so it returns zeros for chunks that are not one image wide; this class therefore assembles
 * images from whole chunks itself.)
 *
 * <p><b>Threads.</b> One instance may be read from several threads: every access to the HDF5 file is serialised on
 * one lock (reads of one chunk are short: reading and decoding one 360×640 LZF image takes a few milliseconds), and
 * the conversion to floats happens outside it. A thread interrupted during a read closes the file's channel (a
 * property of {@link java.nio.channels.FileChannel}); that read throws an {@link UncheckedIOException} whose cause
 * is a {@link ClosedByInterruptException}, and the next read, from any thread, reopens the file.
 *
 * <p><b>Cameras.</b> Each npy row is converted by the released rule ({@link Llff.PoseBounds#toCamera(int)}) at the
 * h5's width, which for the released files is the 640 px the authors' loader rescales to.
 *
 * <p>Bad input (a missing or non-HDF5 file, a truncated file, a missing key, a wrong dtype, rank or shape, a
 * missing npy, a camera count that differs) is an {@link InputException} naming the file, the key and what was
 * expected; so is a chunk that fails to decode, found when it is read.
 */
public final class AuthorsH5Scene implements Scene, AutoCloseable {
    /** Dataset keys of the released files. */
    public static final String RGB = "rgb", FG = "fg_rgb", BG = "bg_rgb";

    /** Where {@link #findAll(Path, Layout)} looks for scene files. */
    public enum Layout {
        /** {@code ROOT/*}{@code /*.h5}: the released loader's glob, one folder level below the root (METHOD.md §7 item 9). */
        RELEASED,
        /** {@code ROOT/*.h5}: the scene files directly in the root, e.g. one split folder of the release. */
        FLAT
    }

    private final Path path;
    private final Path posesPath;
    private final List<Llff.PoseBounds> poses;
    private final List<Camera> cameras;
    private final int numCams, numFrames, height, width;
    private final Object lock = new Object();
    private HdfFile hdf;                      // guarded by lock
    private Map<String, Dataset> datasets;    // guarded by lock
    private boolean closed;                   // guarded by lock

    private AuthorsH5Scene(Path path, Path posesPath, List<Llff.PoseBounds> poses, List<Camera> cameras,
                           int[] shape, HdfFile hdf, Map<String, Dataset> datasets) {
        this.path = path;
        this.posesPath = posesPath;
        this.poses = List.copyOf(poses);
        this.cameras = List.copyOf(cameras);
        this.numCams = shape[0];
        this.numFrames = shape[1];
        this.height = shape[2];
        this.width = shape[3];
        this.hdf = hdf;
        this.datasets = datasets;
    }

    /** The sibling poses file of a scene file: {@code sceneNNN.h5 → sceneNNN_pb.npy}. */
    public static Path posesFile(Path h5) {
        String n = h5.getFileName().toString();
        String stem = n.toLowerCase().endsWith(".h5") ? n.substring(0, n.length() - 3) : n;
        return h5.resolveSibling(stem + "_pb.npy");
    }

    /**
     * Opens a scene: reads the HDF5 metadata, validates the three datasets against each other and the npy, and
     * keeps the file open for lazy reads ({@link #close} releases it).
     *
     * @throws InputException naming the file and key for every kind of bad input listed in the class comment
     */
    public static AuthorsH5Scene open(Path h5) {
        if (!Files.isRegularFile(h5)) throw new InputException("h5 scene file not found: " + h5);
        Path pb = posesFile(h5);
        if (!Files.isRegularFile(pb)) {
            throw new InputException(h5 + ": missing its poses file " + pb.getFileName()
                    + " (LLFF poses_bounds [C,17], one row per camera, next to the .h5)");
        }
        HdfFile hdf = openHdf(h5);
        try {
            Map<String, Dataset> ds = datasets(h5, hdf);
            int[] shape = validate(h5, ds);
            List<Llff.PoseBounds> poses = Llff.read(pb);
            if (poses.size() != shape[0]) {
                throw new InputException(pb + " has " + poses.size() + " cameras (rows) but dataset '" + RGB
                        + "' of " + h5.getFileName() + " has " + shape[0] + " (expected one row per camera)");
            }
            int h = shape[2], w = shape[3];
            List<Camera> cams = new ArrayList<>();
            for (int c = 0; c < poses.size(); c++) {
                Llff.PoseBounds p = poses.get(c);
                double expectH = p.h() * w / p.w();
                if (Math.abs(expectH - h) > 1.0) {
                    throw new InputException(pb + ": row " + c + " says images are " + (int) p.w() + "x" + (int) p.h()
                            + " but '" + RGB + "' of " + h5.getFileName() + " is " + w + "x" + h
                            + " (expected the same aspect ratio)");
                }
                Camera cam = p.toCamera(w);
                cams.add(new Camera(cam.k(), cam.w2c(), w, h));
            }
            return new AuthorsH5Scene(h5, pb, poses, cams, shape, hdf, ds);
        } catch (RuntimeException e) {
            closeQuietly(hdf);
            throw e;
        }
    }

    /**
     * The scene files under {@code root} in the released layout ({@code root/*}{@code /*.h5}), sorted by path.
     *
     * @see #findAll(Path, Layout)
     */
    public static List<Path> findAll(Path root) { return findAll(root, Layout.RELEASED); }

    /**
     * The scene files under {@code root}, sorted by path, each checked to have its {@code _pb.npy} (the files are
     * not opened: {@link #open} each, or {@link #openAll}). With {@link Layout#RELEASED}, as in the released loader,
     * {@code root} is the parent of the split folders, so a root holding both {@code train/} and {@code test/} mixes
     * the two (METHOD.md §7 item 9): point {@link Layout#FLAT} at one split folder to avoid that.
     *
     * @throws InputException if {@code root} is not a folder, holds no scene file in that layout (the message says
     *                        whether the other layout would find some), if a scene lacks its {@code _pb.npy}, or if
     *                        two scenes share a name (the released numbering is global)
     */
    public static List<Path> findAll(Path root, Layout layout) {
        if (!Files.isDirectory(root)) throw new InputException("h5 dataset folder not found: " + root);
        List<Path> found = layout == Layout.FLAT ? h5Files(root)
                : list(root).stream().filter(Files::isDirectory).flatMap(d -> h5Files(d).stream()).sorted().toList();
        if (found.isEmpty()) {
            String hint;
            if (layout == Layout.RELEASED) {
                hint = h5Files(root).isEmpty() ? "" : "; " + h5Files(root).size() + " .h5 files are directly in it: use the flat layout (ROOT/*.h5)";
            } else {
                long deeper = list(root).stream().filter(Files::isDirectory).mapToLong(d -> h5Files(d).size()).sum();
                hint = deeper == 0 ? "" : "; " + deeper + " .h5 files are one folder down: use the released layout (ROOT/*/*.h5)";
            }
            throw new InputException(root + ": no scene files (" + (layout == Layout.FLAT ? "ROOT/*.h5" : "ROOT/*/*.h5")
                    + ", each with its _pb.npy)" + hint);
        }
        List<Path> noPoses = found.stream().filter(p -> !Files.isRegularFile(posesFile(p))).toList();
        if (!noPoses.isEmpty()) {
            throw new InputException(noPoses.size() + " scene file(s) under " + root + " lack their _pb.npy, first: "
                    + noPoses.get(0) + " (expected " + posesFile(noPoses.get(0)).getFileName() + " next to it)");
        }
        Map<String, List<Path>> byName = found.stream().collect(Collectors.groupingBy(p -> p.getFileName().toString()));
        for (List<Path> same : byName.values()) {
            if (same.size() > 1) {
                throw new InputException(root + ": scene name " + same.get(0).getFileName() + " occurs " + same.size()
                        + " times (" + same.get(0) + ", " + same.get(1) + "); scene names must be unique");
            }
        }
        return found;
    }

    /** {@link #findAll(Path, Layout)} and {@link #open} of each; on a failure the ones opened are closed. */
    public static List<AuthorsH5Scene> openAll(Path root, Layout layout) {
        List<AuthorsH5Scene> out = new ArrayList<>();
        try {
            for (Path p : findAll(root, layout)) out.add(open(p));
        } catch (RuntimeException e) {
            out.forEach(AuthorsH5Scene::close);
            throw e;
        }
        return out;
    }

    private static List<Path> h5Files(Path dir) {
        return list(dir).stream().filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase().endsWith(".h5"))
                .sorted().toList();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- opening and validation

    private static HdfFile openHdf(Path h5) {
        HdfFile hdf;
        try {
            hdf = new HdfFile(h5);
        } catch (RuntimeException e) {
            throw new InputException(h5 + ": not a readable HDF5 file (" + oneLine(e) + ")", e);
        }
        try {
            long size = Files.size(h5);
            var sb = hdf.getHdfBackingStorage().getSuperblock();
            long eof = sb.getBaseAddressByte() + sb.getEndOfFileAddress();
            if (size < eof) {
                throw new InputException(h5 + ": truncated HDF5 file: " + size + " bytes, its superblock says " + eof
                        + " (an interrupted download or copy?)");
            }
        } catch (IOException e) {
            closeQuietly(hdf);
            throw new InputException(h5 + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(hdf);
            throw e;
        }
        return hdf;
    }

    /** The three datasets by key; a missing key or a node that is not a dataset is an InputException. */
    private static Map<String, Dataset> datasets(Path h5, HdfFile hdf) {
        Map<String, Node> children;
        try {
            children = hdf.getChildren();
        } catch (RuntimeException e) {
            throw new InputException(h5 + ": cannot read the HDF5 root group (" + oneLine(e) + ")", e);
        }
        Map<String, Dataset> out = new java.util.LinkedHashMap<>();
        for (String key : new String[]{RGB, FG, BG}) {
            Node n = children.get(key);
            try {
                if (n instanceof Link link) n = link.getTarget();
            } catch (RuntimeException e) {
                throw new InputException(h5 + ": dataset '" + key + "' is a broken link (" + oneLine(e) + ")", e);
            }
            if (n == null) {
                throw new InputException("h5 file " + h5 + " has no dataset '" + key + "' (has: "
                        + (children.isEmpty() ? "nothing" : String.join(", ", children.keySet())) + ")");
            }
            if (!(n instanceof Dataset d)) {
                throw new InputException(h5 + ": '" + key + "' is a " + n.getType().toString().toLowerCase()
                        + ", expected a dataset");
            }
            out.put(key, d);
        }
        return out;
    }

    /** Checks dtype, rank and shapes; returns {C, F, H, W}. */
    private static int[] validate(Path h5, Map<String, Dataset> ds) {
        int[] rgb, fg, bg;
        try {
            for (var e : ds.entrySet()) requireUint8(h5, e.getKey(), e.getValue().getDataType());
            rgb = ds.get(RGB).getDimensions();
            fg = ds.get(FG).getDimensions();
            bg = ds.get(BG).getDimensions();
        } catch (InputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InputException(h5 + ": cannot read a dataset header (" + oneLine(e) + ")", e);
        }
        if (rgb.length != 5 || rgb[4] != 3 || Arrays.stream(rgb).anyMatch(v -> v < 1)) {
            throw new InputException(h5 + ": dataset '" + RGB + "' must have shape [C,F,H,W,3] (cameras, frames, "
                    + "height, width, RGB), got " + Arrays.toString(rgb));
        }
        int c = rgb[0], f = rgb[1], h = rgb[2], w = rgb[3];
        int[] wantFg = {c, f, h, w, 4}, wantBg = {c, h, w, 3};
        if (!Arrays.equals(fg, wantFg)) {
            throw new InputException(h5 + ": dataset '" + FG + "' must have shape " + Arrays.toString(wantFg)
                    + " ([C,F,H,W] of '" + RGB + "', RGBA), got " + Arrays.toString(fg));
        }
        if (!Arrays.equals(bg, wantBg)) {
            throw new InputException(h5 + ": dataset '" + BG + "' must have shape " + Arrays.toString(wantBg)
                    + " ([C,H,W] of '" + RGB + "', RGB), got " + Arrays.toString(bg));
        }
        return new int[]{c, f, h, w};
    }

    private static void requireUint8(Path h5, String key, DataType t) {
        if (t instanceof FixedPoint fp && fp.getSize() == 1 && !fp.isSigned()) return;
        throw new InputException(h5 + ": dataset '" + key + "' must be uint8, got " + dtypeName(t));
    }

    private static String dtypeName(DataType t) {
        if (t instanceof FixedPoint fp) return (fp.isSigned() ? "int" : "uint") + 8 * fp.getSize();
        if (t instanceof FloatingPoint) return "float" + 8 * t.getSize();
        return t.getClass().getSimpleName() + " of " + t.getSize() + " bytes";
    }

    // ---------------------------------------------------------------- reading

    /**
     * The bytes of one image, [H,W,ch] in file order: {@code lead} are the leading indices ({cam, t} or {cam}).
     * Reads only the chunks that overlap it.
     */
    private byte[] readImage(String key, int... lead) {
        synchronized (lock) {
            if (closed) throw new IllegalStateException(path + " is closed");
            if (!hdf.getHdfBackingStorage().getFileChannel().isOpen()) reopen();
            try {
                return readImageLocked(datasets.get(key), lead);
            } catch (RuntimeException e) {
                if (!hdf.getHdfBackingStorage().getFileChannel().isOpen()) {
                    // the channel was closed under the read: an interrupt of this thread (FileChannel closes
                    // itself then), or another cause; the next read reopens the file
                    if (Thread.currentThread().isInterrupted()) {
                        throw new UncheckedIOException(new ClosedByInterruptException());
                    }
                    reopen();
                    return readImageLocked(datasets.get(key), lead);
                }
                throw new InputException(path + ": cannot read dataset '" + key + "' at camera " + lead[0]
                        + (lead.length > 1 ? ", frame " + lead[1] : "") + " (" + oneLine(e) + "): the file is corrupt", e);
            }
        }
    }

    private void reopen() {
        closeQuietly(hdf);
        hdf = openHdf(path);
        datasets = datasets(path, hdf);
    }

    private static byte[] readImageLocked(Dataset ds, int[] lead) {
        int[] dims = ds.getDimensions();
        int rank = dims.length;
        int ch = dims[rank - 1], w = dims[rank - 2], h = dims[rank - 3];
        int n = h * w * ch;
        if (ds instanceof ChunkedDataset cds) {
            int[] cd = cds.getChunkDimensions();
            long[] sel = new long[rank];
            int[] shp = new int[rank];
            for (int i = 0; i < lead.length; i++) { sel[i] = lead[i]; shp[i] = 1; }
            shp[rank - 3] = h;
            shp[rank - 2] = w;
            shp[rank - 1] = ch;
            boolean onePerImage = true;
            for (int i = 0; i < rank; i++) onePerImage &= cd[i] == shp[i];
            if (onePerImage) {
                int[] origin = new int[rank];
                for (int i = 0; i < lead.length; i++) origin[i] = lead[i];
                byte[] b = chunk(cds, origin, n);
                return b != null ? b : filled(ds, n);
            }
            return assemble(cds, dims, cd, sel, shp, fillValue(ds));
        }
        long off = 0;
        for (int i = 0; i < lead.length; i++) off = off * dims[i] + lead[i];
        off *= n;
        if (ds instanceof ContiguousDataset cont) {
            ByteBuffer b = ds.getHdfFile().getHdfBackingStorage()
                    .readBufferFromAddress(cont.getDataAddress() + off, n);
            byte[] out = new byte[n];
            b.get(out);
            return out;
        }
        // compact (at most 64 KiB): the whole dataset is in the object header
        ByteBuffer all = ((DatasetBase) ds).getDataBuffer();
        byte[] out = new byte[n];
        all.position((int) off);
        all.get(out);
        return out;
    }

    /**
     * One decoded chunk at element offset {@code origin}, or null for a chunk never written (HDF5 reads those as the
     * dataset's fill value). jhdf 0.9.4 says "never written" only through its messages: a version-1 B-tree index
     * has no entry ("No chunk with offset …"), a version-4 fixed-array index has an entry at the undefined address
     * ("… at address -1").
     */
    private static byte[] chunk(ChunkedDataset cds, int[] origin, int expectedBytes) {
        byte[] b;
        try {
            b = cds.getDecompressedChunk(origin);
        } catch (io.jhdf.exceptions.HdfException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("No chunk with offset") || m.endsWith(" at address -1")) return null;
            throw e;
        }
        if (b.length != expectedBytes) {
            throw new IllegalStateException("chunk at " + Arrays.toString(origin) + " decoded to " + b.length
                    + " bytes, expected " + expectedBytes);
        }
        return b;
    }

    /** The dataset's fill value as a uint8 (0 when none is defined, as h5py writes). */
    private static byte fillValue(Dataset ds) {
        Object v = ds.getFillValue();
        return v instanceof Number num ? (byte) num.intValue() : 0;
    }

    private static byte[] filled(Dataset ds, int n) {
        byte[] b = new byte[n];
        byte v = fillValue(ds);
        if (v != 0) Arrays.fill(b, v);
        return b;
    }

    /** An image [1..,H,W,ch] from chunks of any shape (partial chunks at the edges included). */
    private static byte[] assemble(ChunkedDataset cds, int[] dims, int[] cd, long[] sel, int[] shp, byte fill) {
        int rank = dims.length;
        int chunkBytes = 1;
        for (int v : cd) chunkBytes *= v;
        int[] cStride = new int[rank], sStride = new int[rank];
        cStride[rank - 1] = 1;
        sStride[rank - 1] = 1;
        for (int i = rank - 2; i >= 0; i--) {
            cStride[i] = cStride[i + 1] * cd[i + 1];
            sStride[i] = sStride[i + 1] * shp[i + 1];
        }
        int total = 1;
        for (int v : shp) total *= v;
        byte[] out = new byte[total];
        if (fill != 0) Arrays.fill(out, fill);
        int[] first = new int[rank], last = new int[rank], origin = new int[rank];
        for (int i = 0; i < rank; i++) {
            first[i] = (int) (sel[i] / cd[i]) * cd[i];
            last[i] = (int) ((sel[i] + shp[i] - 1) / cd[i]) * cd[i];
            origin[i] = first[i];
        }
        while (true) {
            byte[] b = chunk(cds, origin, chunkBytes);
            if (b != null) copyIntersection(b, origin, cd, cStride, sel, shp, sStride, dims, out);
            int d = rank - 1;
            while (d >= 0) {
                origin[d] += cd[d];
                if (origin[d] <= last[d]) break;
                origin[d] = first[d];
                d--;
            }
            if (d < 0) break;
        }
        return out;
    }

    private static void copyIntersection(byte[] chunk, int[] origin, int[] cd, int[] cStride, long[] sel, int[] shp,
                                         int[] sStride, int[] dims, byte[] out) {
        int rank = origin.length;
        int[] lo = new int[rank], hi = new int[rank];
        for (int i = 0; i < rank; i++) {
            lo[i] = (int) Math.max(sel[i], origin[i]);
            hi[i] = (int) Math.min(Math.min(sel[i] + shp[i], origin[i] + cd[i]), dims[i]);
            if (hi[i] <= lo[i]) return;
        }
        int run = hi[rank - 1] - lo[rank - 1];
        int[] idx = lo.clone();
        while (true) {
            int src = 0, dst = 0;
            for (int i = 0; i < rank; i++) {
                src += (idx[i] - origin[i]) * cStride[i];
                dst += (int) (idx[i] - sel[i]) * sStride[i];
            }
            System.arraycopy(chunk, src, out, dst, run);
            int d = rank - 2;
            while (d >= 0) {
                if (++idx[d] < hi[d]) break;
                idx[d] = lo[d];
                d--;
            }
            if (d < 0) return;
        }
    }

    /** {@code v / 255f} for every byte value. */
    private static final float[] UNIT = new float[256];
    static {
        for (int v = 0; v < 256; v++) UNIT[v] = v / 255f;
    }

    /** [H,W,ch] uint8 → [ch,H,W] floats in [0,1] ({@code v / 255f}). */
    private static float[] toChw(byte[] hwc, int ch) {
        int hw = hwc.length / ch;
        float[] out = new float[hwc.length];
        for (int k = 0; k < ch; k++) {
            int o = k * hw;
            for (int p = 0, i = k; p < hw; p++, i += ch) out[o + p] = UNIT[hwc[i] & 0xff];
        }
        return out;
    }

    private void checkCam(int cam) {
        if (cam < 0 || cam >= numCams) {
            throw new IndexOutOfBoundsException(name() + ": camera " + cam + " requested, the scene has " + numCams);
        }
    }

    private void checkFrame(int cam, int t) {
        checkCam(cam);
        if (t < 0 || t >= numFrames) {
            throw new IndexOutOfBoundsException(name() + ": frame " + t + " requested, the scene has " + numFrames);
        }
    }

    // ---------------------------------------------------------------- Scene

    @Override public String name() {
        String n = path.getFileName().toString();
        return n.toLowerCase().endsWith(".h5") ? n.substring(0, n.length() - 3) : n;
    }
    /** The {@code .h5} file. */
    public Path path() { return path; }
    /** The {@code _pb.npy} file. */
    public Path posesPath() { return posesPath; }
    /** The npy rows, one per camera. */
    @Override public List<Llff.PoseBounds> poses() { return poses; }
    @Override public int numCameras() { return numCams; }
    @Override public int numFrames() { return numFrames; }
    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public List<Camera> cameras() { return cameras; }
    @Override public double[] nears() { return poses.stream().mapToDouble(Llff.PoseBounds::near).toArray(); }
    @Override public double[] fars() { return poses.stream().mapToDouble(Llff.PoseBounds::far).toArray(); }

    /** Frame {@code t} of camera {@code cam} from {@code rgb}: [3,H,W] in [0,1]. */
    @Override public float[] frame(int cam, int t) {
        checkFrame(cam, t);
        return toChw(readImage(RGB, cam, t), 3);
    }

    @Override public boolean hasBackgrounds() { return true; }

    /** Camera {@code cam}'s background from {@code bg_rgb}: [3,H,W] in [0,1]. */
    @Override public float[] background(int cam) {
        checkCam(cam);
        return toChw(readImage(BG, cam), 3);
    }

    @Override public boolean hasForeground() { return true; }

    /** The matte of camera {@code cam} at frame {@code t} from {@code fg_rgb}: [4,H,W] (RGBA) in [0,1]. */
    @Override public float[] foreground(int cam, int t) {
        checkFrame(cam, t);
        return toChw(readImage(FG, cam, t), 4);
    }

    /** The chunk shape of a dataset, or null if it is not chunked. */
    public int[] chunkShape(String key) {
        synchronized (lock) {
            return datasets.get(key) instanceof ChunkedDataset c ? c.getChunkDimensions() : null;
        }
    }

    /** The names of a dataset's filters in pipeline order, as jhdf reports them (e.g. {@code [lzf]}). */
    public List<String> filters(String key) {
        synchronized (lock) {
            return datasets.get(key).getFilters().stream().map(PipelineFilterWithData::getName).toList();
        }
    }

    /** Releases the file; later reads throw {@link IllegalStateException}. */
    @Override public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            closeQuietly(hdf);
        }
    }

    @Override public String toString() {
        return "AuthorsH5Scene(" + path + ": " + numCams + " cameras, " + numFrames + " frames, " + width + "x" + height + ")";
    }

    private static void closeQuietly(HdfFile f) {
        try {
            f.close();
        } catch (RuntimeException ignored) {
            // closing a read-only file: nothing to save
        }
    }

    private static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
            if (sb.length() > 0) sb.append(": ");
            sb.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            if (t.getCause() == t) break;
        }
        return sb.toString().replaceAll("\\s+", " ").trim();
    }
}
