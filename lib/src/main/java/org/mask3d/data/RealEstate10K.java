package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Images;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * RealEstate10K (METHOD.md §2.3): camera text files, per-sequence frame folders and the released pruning rules.
 *
 * <p><b>Camera file</b> ({@code <sequence>.txt}): line 1 is the YouTube URL; every further line is one frame with
 * 19 numbers separated by spaces,
 * <pre>
 *   timestamp_us fx fy cx cy k1 k2 r11 r12 r13 r14 r21 r22 r23 r24 r31 r32 r33 r34
 * </pre>
 * {@code timestamp_us} is the frame's time in the video in microseconds; {@code fx, cx} are divided by the image
 * width and {@code fy, cy} by its height (normalised intrinsics); {@code k1 k2} are ignored by the released code
 * (it reads columns {@code [1:5]} and {@code [7:]}) and kept here only for round trips; the last 12 numbers are a
 * row-major 3×4 <b>world→camera</b> matrix {@code [R|t]} in OpenCV axes (x right, y down, z forward).
 *
 * <p><b>Frames</b>: {@code <frames_root>/<sequence>/00000.jpg} (or {@code .png}), one image per camera line, in
 * line order, as {@code ./mask3d prepare realestate} (and the released {@code extract_frames.py}) writes them.
 *
 * <p><b>Pruning as released</b>: a sequence is usable when its folder holds exactly as many images as its file has
 * camera lines and it has <b>more than {@value #SAMPLER_MIN_FRAMES} frames</b> (the stage-1 dataset keeps only
 * sequences longer than {@code (num_frames − 1)·max_stride + 1 = 9·10 + 1 = 91}). The released
 * {@code compress_data.py::prune_dataset} used a weaker bound, more than {@value #RELEASED_PRUNE_MIN_FRAMES} frames,
 * before packing, and counted only {@code *.png} files although {@code extract_frames.py} writes {@code .jpg}
 * (METHOD.md §7 item 2, a defect): here {@code .jpg} and {@code .png} frames are both accepted.
 */
public final class RealEstate10K {
    private RealEstate10K() {}

    /** Image width the released pipeline trains at (frames are stored resized to 640×360). */
    public static final int WIDTH = 640;
    /** Image height the released pipeline trains at. */
    public static final int HEIGHT = 360;
    /** The stage-1 sampler uses sequences with more than this many frames ({@code (10 − 1)·10 + 1}). */
    public static final int SAMPLER_MIN_FRAMES = 91;
    /** The released {@code prune_dataset} kept sequences with more than this many frames. */
    public static final int RELEASED_PRUNE_MIN_FRAMES = 50;
    /** Numbers per camera line. */
    public static final int COLUMNS = 19;

    private static final String LINE_FORMAT = "timestamp_us fx fy cx cy k1 k2 r11 … r34";
    private static final String[] COLUMN_NAMES = {"timestamp_us", "fx", "fy", "cx", "cy", "k1", "k2",
            "r11", "r12", "r13", "r14", "r21", "r22", "r23", "r24", "r31", "r32", "r33", "r34"};
    private static final Pattern FRAME = Pattern.compile("(\\d{5})\\.(?i:jpe?g|png)");

    // ------------------------------------------------------------------------------------------ camera file

    /**
     * One camera line.
     *
     * @param timestampUs the frame's time in the video, microseconds
     * @param fx          focal length / image width
     * @param fy          focal length / image height
     * @param cx          principal point x / image width
     * @param cy          principal point y / image height
     * @param k1          7th column (unused by the method; kept for round trips)
     * @param k2          8th column (unused)
     * @param w2c34       [3,4] row-major world→camera {@code [R|t]}
     */
    public record Row(long timestampUs, double fx, double fy, double cx, double cy, double k1, double k2,
                      double[] w2c34) {
        public Row {
            Objects.requireNonNull(w2c34, "w2c34");
            if (w2c34.length != 12) throw new IllegalArgumentException("w2c34 must be [3,4] (12 values), got " + w2c34.length);
            w2c34 = w2c34.clone();
        }

        @Override public double[] w2c34() { return w2c34.clone(); }

        /** Normalised intrinsics {@code [[fx,0,cx],[0,fy,cy],[0,0,1]]} (row-major, 9 values). */
        public double[] normalizedK() { return new double[]{fx, 0, cx, 0, fy, cy, 0, 0, 1}; }

        /** The 4×4 world→camera matrix (the 3×4 plus {@code [0,0,0,1]}). */
        public double[] w2c() {
            double[] e = new double[16];
            System.arraycopy(w2c34, 0, e, 0, 12);
            e[15] = 1;
            return e;
        }

        /** The line as written in a camera file (numbers in Java's shortest round-trip form). */
        public String line() {
            StringBuilder sb = new StringBuilder().append(timestampUs);
            for (double v : new double[]{fx, fy, cx, cy, k1, k2}) sb.append(' ').append(v);
            for (double v : w2c34) sb.append(' ').append(v);
            return sb.toString();
        }

        @Override public boolean equals(Object o) {
            return o instanceof Row r && timestampUs == r.timestampUs && fx == r.fx && fy == r.fy && cx == r.cx
                    && cy == r.cy && Double.compare(k1, r.k1) == 0 && Double.compare(k2, r.k2) == 0
                    && Arrays.equals(w2c34, r.w2c34);
        }

        @Override public int hashCode() { return Long.hashCode(timestampUs) * 31 + Arrays.hashCode(w2c34); }
    }

    /**
     * A parsed camera file.
     *
     * @param url  line 1, the video's URL
     * @param rows the camera lines, in file order (timestamps strictly increasing)
     */
    public record CameraFile(String url, List<Row> rows) {
        public CameraFile {
            Objects.requireNonNull(url, "url");
            rows = List.copyOf(rows);
        }

        /** The video id: see {@link RealEstate10K#videoId(String)}. */
        public String videoId() { return RealEstate10K.videoId(url); }
    }

    /**
     * Reads a camera file, validating every line.
     *
     * @throws InputException one line naming the file, the line number and what was expected, e.g.
     *         {@code "a.txt line 7: expected 19 numbers (timestamp_us fx fy cx cy k1 k2 r11 … r34), got 18"},
     *         {@code "a.txt line 3: column 5 (cy) is 'abc', expected a number"}, a timestamp that is not a
     *         non-negative integer or not after the previous line's, a non-positive focal length, a non-finite
     *         value, or a 3×3 rotation part that is not orthonormal (|RRᵀ − I| > 1e-3)
     */
    public static CameraFile read(Path txt) {
        Objects.requireNonNull(txt, "txt");
        if (!Files.isRegularFile(txt)) throw new InputException("camera file not found: " + txt);
        List<String> lines;
        try {
            lines = Files.readAllLines(txt, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(txt + ": cannot read (" + org.mask3d.io.Untrusted.reason(e) + ")", e);
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new InputException(txt + " line 1: expected the video URL, got " + (lines.isEmpty() ? "an empty file" : "a blank line"));
        }
        String url = lines.get(0).trim();
        if (url.split("\\s+").length > 1) {
            throw new InputException(txt + " line 1: expected the video URL alone, got '" + abbreviate(url) + "'");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) continue;                       // trailing newline, blank separators
            Row r = parseRow(txt, i + 1, line);
            if (!rows.isEmpty() && r.timestampUs() <= rows.get(rows.size() - 1).timestampUs()) {
                throw new InputException(txt + " line " + (i + 1) + ": timestamp " + r.timestampUs()
                        + " µs is not after the previous line's " + rows.get(rows.size() - 1).timestampUs()
                        + " (expected strictly increasing timestamps)");
            }
            rows.add(r);
        }
        if (rows.isEmpty()) {
            throw new InputException(txt + ": no camera lines after the URL (expected " + COLUMNS + " numbers per line: "
                    + LINE_FORMAT + ")");
        }
        return new CameraFile(url, rows);
    }

    private static Row parseRow(Path txt, int lineNo, String line) {
        String where = txt + " line " + lineNo + ": ";
        String[] tok = line.split("\\s+");
        if (tok.length != COLUMNS) {
            throw new InputException(where + "expected " + COLUMNS + " numbers (" + LINE_FORMAT + "), got " + tok.length);
        }
        double[] v = new double[COLUMNS];
        for (int c = 0; c < COLUMNS; c++) {
            try {
                v[c] = Double.parseDouble(tok[c]);
            } catch (NumberFormatException e) {
                throw new InputException(where + "column " + (c + 1) + " (" + COLUMN_NAMES[c] + ") is '" + abbreviate(tok[c])
                        + "', expected a number");
            }
            if (!Double.isFinite(v[c])) {
                throw new InputException(where + "column " + (c + 1) + " (" + COLUMN_NAMES[c] + ") is " + tok[c]
                        + ", expected a finite number");
            }
        }
        if (v[0] < 0 || v[0] != Math.rint(v[0]) || v[0] > 9.0e15) {
            throw new InputException(where + "column 1 (timestamp_us) is " + tok[0]
                    + ", expected a non-negative integer (microseconds)");
        }
        if (!(v[1] > 0) || !(v[2] > 0)) {
            throw new InputException(where + "focal lengths fx = " + tok[1] + ", fy = " + tok[2]
                    + ", expected positive values (normalised by the image width and height)");
        }
        double[] e = Arrays.copyOfRange(v, 7, 19);
        double worst = 0;
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double dot = 0;
                for (int k = 0; k < 3; k++) dot += e[4 * a + k] * e[4 * b + k];
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        if (worst > 1e-3) {
            throw new InputException(where + "columns 8-19 (r11 … r34) are not a rigid world→camera [R|t]: the rotation "
                    + "part is off orthonormal by " + String.format(java.util.Locale.ROOT, "%.3g", worst) + " (expected ≤ 1e-3)");
        }
        return new Row((long) v[0], v[1], v[2], v[3], v[4], v[5], v[6], e);
    }

    private static String abbreviate(String s) { return s.length() <= 40 ? s : s.substring(0, 37) + "..."; }

    /**
     * Writes a camera file (URL line, then one line per row, newline-terminated), atomically.
     */
    public static void write(Path txt, CameraFile file) {
        StringBuilder sb = new StringBuilder(file.url()).append('\n');
        for (Row r : file.rows()) sb.append(r.line()).append('\n');
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(txt, out -> out.write(bytes));
    }

    /**
     * The YouTube video id of a camera file's URL: the value of its {@code v=} query parameter
     * ({@code https://www.youtube.com/watch?v=ID} → {@code ID}); for a URL without one, the text after its last
     * {@code '='} or, lacking that, after its last {@code '/'}. For every RealEstate10K URL this equals the
     * released {@code url.rsplit('=')[-1]}, the name {@code download_data.py} gave the video ({@code ID.mp4}).
     */
    public static String videoId(String url) {
        Objects.requireNonNull(url, "url");
        String u = url.trim();
        try {
            String q = new URI(u).getRawQuery();
            if (q != null) {
                for (String kv : q.split("&")) {
                    if (kv.startsWith("v=") && kv.length() > 2) return kv.substring(2);
                }
            }
        } catch (URISyntaxException ignored) {
            // fall through to the released rule
        }
        int eq = u.lastIndexOf('=');
        if (eq >= 0 && eq < u.length() - 1) return u.substring(eq + 1);
        int slash = u.lastIndexOf('/');
        return slash >= 0 ? u.substring(slash + 1) : u;
    }

    // ------------------------------------------------------------------------------------------ frames

    /** The sequence name of a camera file: its file name without {@code .txt}. */
    public static String sequenceName(Path txt) {
        String n = txt.getFileName().toString();
        return n.toLowerCase(java.util.Locale.ROOT).endsWith(".txt") ? n.substring(0, n.length() - 4) : n;
    }

    /**
     * The frame images of a sequence folder, indexed by frame: {@code result.get(i)} is {@code 0000i.jpg} or
     * {@code .png}, or null where neither exists. Files not named {@code NNNNN.jpg|png} are ignored.
     *
     * @param dir       the sequence's frame folder
     * @param numFrames the number of camera lines
     * @param problems  receives one line per problem: a missing frame, two files for one frame, frames beyond
     *                  {@code numFrames}
     */
    static List<Path> frameFiles(Path dir, int numFrames, List<String> problems) {
        List<Path> byIndex = new ArrayList<>();
        for (int i = 0; i < numFrames; i++) byIndex.add(null);
        if (!Files.isDirectory(dir)) {
            problems.add(dir + ": frame folder not found (expected " + numFrames + " images 00000.jpg|png …)");
            return byIndex;
        }
        int count = 0, extra = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                Matcher m = FRAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p)) continue;
                count++;
                int i = Integer.parseInt(m.group(1));
                if (i >= numFrames) { extra++; continue; }
                if (byIndex.get(i) != null) {
                    problems.add(dir + ": two images for frame " + i + " (" + byIndex.get(i).getFileName() + ", "
                            + p.getFileName() + "), expected one");
                    continue;
                }
                byIndex.set(i, p);
            }
        } catch (IOException e) {
            throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        int missing = (int) byIndex.stream().filter(Objects::isNull).count();
        if (count != numFrames || missing > 0 || extra > 0) {
            int first = byIndex.indexOf(null);
            problems.add(dir + ": " + count + " images for " + numFrames + " camera lines (expected one NNNNN.jpg|png per line"
                    + (first >= 0 ? String.format(", first missing: %05d", first) : "")
                    + (extra > 0 ? ", " + extra + " beyond the last line" : "") + ")");
        }
        return byIndex;
    }

    // ------------------------------------------------------------------------------------------ sequences

    /**
     * One sequence: its cameras and (when it has them) its frames. Intrinsics are kept normalised, as the released
     * {@code int.npy} stores them; {@link #camera(int, int, int)} scales them to an image size.
     */
    public static final class Sequence {
        private final String name;
        private final String url;
        private final long[] timestamps;
        private final double[][] kNorm;
        private final double[][] w2c;
        private final List<Path> frames;
        private final IntFunction<Images.Image> loader;

        private Sequence(String name, String url, long[] timestamps, double[][] kNorm, double[][] w2c, List<Path> frames,
                         IntFunction<Images.Image> loader) {
            this.name = name;
            this.url = url;
            this.timestamps = timestamps;
            this.kNorm = kNorm;
            this.w2c = w2c;
            this.frames = frames;
            this.loader = loader;
        }

        /**
         * A sequence from a parsed camera file and its frames.
         *
         * @param frames one image per row (row order), or null for a sequence without frames (cameras only)
         * @throws IllegalArgumentException if {@code frames} is not null and its size differs from the rows'
         */
        public static Sequence of(String name, CameraFile file, List<Path> frames) {
            int n = file.rows().size();
            if (frames != null && frames.size() != n) {
                throw new IllegalArgumentException(name + ": " + frames.size() + " frames for " + n + " camera rows");
            }
            long[] ts = new long[n];
            double[][] k = new double[n][], e = new double[n][];
            for (int i = 0; i < n; i++) {
                Row r = file.rows().get(i);
                ts[i] = r.timestampUs();
                k[i] = r.normalizedK();
                e[i] = r.w2c();
            }
            List<Path> f = frames == null ? null : List.copyOf(frames);
            return new Sequence(name, file.url(), ts, k, e, f, f == null ? null : i -> Images.read(f.get(i)));
        }

        /**
         * Opens {@code txt} and its frames {@code <framesRoot>/<name>/NNNNN.jpg|png}, where name is the file name
         * without {@code .txt}.
         *
         * @throws InputException for a malformed camera file (see {@link RealEstate10K#read}) or a frame folder whose
         *         images do not match the camera lines one to one (naming the folder, the counts and the first
         *         missing frame)
         */
        public static Sequence open(Path txt, Path framesRoot) {
            CameraFile f = read(txt);
            String name = sequenceName(txt);
            List<String> problems = new ArrayList<>();
            List<Path> frames = frameFiles(framesRoot.resolve(name), f.rows().size(), problems);
            if (!problems.isEmpty()) throw new InputException(problems.get(0));
            return of(name, f, frames);
        }

        /**
         * A static multi-view scene seen as a sequence: the cameras of {@code scene} at frame {@code t}, in camera
         * order, become the sequence's frames (timestamps = camera index). Intrinsics are normalised by the scene's
         * image size. With {@link MpiStageSampler.Options#numFrames} ≤ the number of cameras and strides that fit,
         * the stage-1 sampler then draws source/target triplets across the rig.
         */
        public static Sequence fromScene(Scene scene, int t) {
            if (t < 0 || t >= scene.numFrames()) {
                throw new IllegalArgumentException("frame " + t + " out of range: " + scene.name() + " has " + scene.numFrames());
            }
            int n = scene.numCameras(), w = scene.width(), h = scene.height();
            long[] ts = new long[n];
            double[][] k = new double[n][], e = new double[n][];
            for (int c = 0; c < n; c++) {
                Camera cam = scene.cameras().get(c);
                double[] kk = cam.k();
                for (int j = 0; j < 3; j++) { kk[j] /= w; kk[3 + j] /= h; }
                ts[c] = c;
                k[c] = kk;
                e[c] = cam.w2c();
            }
            return new Sequence(scene.name() + "@" + t, "", ts, k, e, null,
                    c -> new Images.Image(scene.frame(c, t), 3, h, w));
        }

        public String name() { return name; }
        /** The video URL (empty for a sequence made from a scene). */
        public String url() { return url; }
        public int numFrames() { return timestamps.length; }
        /** Frame {@code i}'s time in the video, µs (the camera index for a sequence made from a scene). */
        public long timestampUs(int i) { return timestamps[i]; }
        /** Frame {@code i}'s normalised intrinsics, [3,3] row-major: row 0 divided by the width, row 1 by the height. */
        public double[] normalizedK(int i) { return kNorm[i].clone(); }
        /** Frame {@code i}'s world→camera matrix, [4,4] row-major, OpenCV axes. */
        public double[] w2c(int i) { return w2c[i].clone(); }
        /** Whether images can be read ({@link #image}). */
        public boolean hasImages() { return loader != null; }
        /** Frame {@code i}'s image file, or null for a sequence without files. */
        public Path framePath(int i) { return frames == null ? null : frames.get(i); }

        /**
         * Frame {@code i}'s camera for a {@code width × height} image: K's row 0 times the width, row 1 times the
         * height (the released {@code scene[:, :1, :] *= w; scene[:, 1:2, :] *= h}), the w2c as stored.
         */
        public Camera camera(int i, int width, int height) {
            double[] k = kNorm[i].clone();
            for (int j = 0; j < 3; j++) { k[j] *= width; k[3 + j] *= height; }
            return new Camera(k, w2c[i], width, height);
        }

        /** Frame {@code i} as stored, [3,H,W] in [0,1]. */
        public Images.Image image(int i) {
            if (loader == null) throw new IllegalStateException(name + " has no frames (cameras only)");
            if (i < 0 || i >= numFrames()) {
                throw new IndexOutOfBoundsException("frame " + i + " out of range: " + name + " has " + numFrames());
            }
            return loader.apply(i);
        }

        /**
         * Frame {@code i} at {@code width × height}, [3,height,width]: as stored if it already has that size, else
         * area-resized when shrinking both sides ({@link Images#resizeArea}) and bilinear otherwise.
         */
        public float[] image(int i, int width, int height) {
            Images.Image img = image(i);
            return resize(img.chw(), img.height(), img.width(), height, width);
        }

        @Override public String toString() { return "Sequence(" + name + ", " + numFrames() + " frames)"; }
    }

    /** Area when shrinking both sides, bilinear otherwise (enlarging or mixed); the input itself when the size is unchanged. */
    static float[] resize(float[] chw, int h, int w, int newH, int newW) {
        if (h == newH && w == newW) return chw;
        if (newH <= h && newW <= w) return Images.resizeArea(chw, 3, h, w, newH, newW);
        return Images.resizeBilinear(chw, 3, h, w, newH, newW);
    }

    // ------------------------------------------------------------------------------------------ scanning

    /**
     * What a scan of a RealEstate10K folder found.
     *
     * @param usable   sequences that pass every rule, in file-name order
     * @param pruned   one line per sequence left out and why (malformed file, frames not matching the camera
     *                 lines, too short)
     * @param minFrames the bound used: usable sequences have more than this many frames
     */
    public record Scan(List<Sequence> usable, List<String> pruned, int minFrames) {
        public Scan {
            usable = List.copyOf(usable);
            pruned = List.copyOf(pruned);
        }
    }

    /**
     * Reads every {@code *.txt} in {@code txtDir} and its frames under {@code framesRoot}, keeping the sequences
     * that pass the released pruning: #images == #camera lines and more than {@code minFrames} frames. Every
     * problem is reported, none stops the scan.
     *
     * @param minFrames {@link #SAMPLER_MIN_FRAMES} (91) for the stage-1 sampler, or
     *                  {@link #RELEASED_PRUNE_MIN_FRAMES} (50) for the released packing step
     * @throws InputException if {@code txtDir} is not a folder or holds no {@code .txt} file
     */
    public static Scan scan(Path txtDir, Path framesRoot, int minFrames) {
        List<Path> txts = cameraFiles(txtDir);
        List<Sequence> ok = new ArrayList<>();
        List<String> pruned = new ArrayList<>();
        for (Path txt : txts) {
            CameraFile f;
            try {
                f = read(txt);
            } catch (InputException e) {
                pruned.add(e.getMessage());
                continue;
            }
            String name = sequenceName(txt);
            int n = f.rows().size();
            List<String> problems = new ArrayList<>();
            List<Path> frames = frameFiles(framesRoot.resolve(name), n, problems);
            if (!problems.isEmpty()) {
                pruned.add(name + ": " + String.join("; ", problems));
                continue;
            }
            if (n <= minFrames) {
                pruned.add(name + ": " + n + " frames, expected more than " + minFrames);
                continue;
            }
            ok.add(Sequence.of(name, f, frames));
        }
        return new Scan(ok, pruned, minFrames);
    }

    /** The camera files of a folder ({@code *.txt}, sorted by name). */
    public static List<Path> cameraFiles(Path txtDir) {
        if (!Files.isDirectory(txtDir)) throw new InputException("camera file folder not found: " + txtDir);
        List<Path> txts;
        try (Stream<Path> s = Files.list(txtDir)) {
            txts = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                    .endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + txtDir + ": " + e.getMessage(), e);
        }
        if (txts.isEmpty()) throw new InputException(txtDir + ": no camera files (expected <sequence>.txt files)");
        return txts;
    }
}
