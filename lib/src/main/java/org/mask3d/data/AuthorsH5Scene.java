package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.io.Hdf5File;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@link #foreground} or {@link #background} call reads and decodes only the chunks that hold that one image
 * ({@link Hdf5File#read}): with the released chunking that is exactly one chunk.
 *
 * <p><b>Threads.</b> One instance may be read from several threads: every access to the HDF5 file is serialised on
 * one lock by {@link Hdf5File} (reads of one chunk are short: reading and decoding one 360×640 LZF image takes a few
 * milliseconds), and the conversion to floats happens outside it. A thread interrupted during a read closes the
 * file's channel (a property of {@link java.nio.channels.FileChannel}); that read throws an
 * {@link UncheckedIOException} whose cause is a {@link ClosedByInterruptException}, and the next read, from any
 * thread, reopens the file.
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
    private final Hdf5File h5;
    private final Map<String, Hdf5File.DatasetInfo> datasets;

    private AuthorsH5Scene(Path path, Path posesPath, List<Llff.PoseBounds> poses, List<Camera> cameras,
                           int[] shape, Hdf5File h5, Map<String, Hdf5File.DatasetInfo> datasets) {
        this.path = path;
        this.posesPath = posesPath;
        this.poses = List.copyOf(poses);
        this.cameras = List.copyOf(cameras);
        this.numCams = shape[0];
        this.numFrames = shape[1];
        this.height = shape[2];
        this.width = shape[3];
        this.h5 = h5;
        this.datasets = Map.copyOf(datasets);
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
        Hdf5File hdf = Hdf5File.open(h5);
        try {
            Map<String, Hdf5File.DatasetInfo> ds = hdf.datasets(RGB, FG, BG);
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
            hdf.close();
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

    /** Checks dtype, rank and shapes; returns {C, F, H, W}. */
    private static int[] validate(Path h5, Map<String, Hdf5File.DatasetInfo> ds) {
        for (Hdf5File.DatasetInfo d : ds.values()) {
            if (!d.dtype().equals("uint8")) {
                throw new InputException(h5 + ": dataset '" + d.key() + "' must be uint8, got " + d.dtype());
            }
        }
        int[] rgb = ds.get(RGB).dims(), fg = ds.get(FG).dims(), bg = ds.get(BG).dims();
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

    // ---------------------------------------------------------------- reading

    /**
     * The bytes of one image, [H,W,ch] in file order: {@code lead} are the leading indices ({cam, t} or {cam}).
     * Reads only the chunks that overlap it.
     */
    private byte[] readImage(String key, int... lead) {
        try {
            return h5.read(key, lead);
        } catch (Hdf5File.CorruptDataException e) {
            throw new InputException(path + ": cannot read dataset '" + key + "' at camera " + lead[0]
                    + (lead.length > 1 ? ", frame " + lead[1] : "") + " (" + e.detail() + "): the file is corrupt", e);
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
        int[] c = datasets.get(key).chunks();
        return c == null ? null : c.clone();
    }

    /** The names of a dataset's filters in pipeline order, as jhdf reports them (e.g. {@code [lzf]}). */
    public List<String> filters(String key) { return datasets.get(key).filters(); }

    /** Releases the file; later reads throw {@link IllegalStateException}. */
    @Override public void close() { h5.close(); }

    @Override public String toString() {
        return "AuthorsH5Scene(" + path + ": " + numCams + " cameras, " + numFrames + " frames, " + width + "x" + height + ")";
    }
}
