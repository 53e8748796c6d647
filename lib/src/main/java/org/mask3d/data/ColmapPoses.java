package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.Mat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Camera poses of a static multi-camera rig from one frame per camera, by COLMAP: the released
 * {@code multiview_preprocessing/get_pose.py} + {@code poses_util.py} (METHOD.md §1.2), written to LLFF
 * {@code poses_bounds.npy} (§2.1) with a focal length per camera.
 *
 * <p>Steps, as released: frame N of every camera folder is copied to {@code WORK/images/000.png, 001.png, …} (camera
 * folders in name order); {@code colmap feature_extractor} with {@code SIMPLE_PINHOLE}, one camera per image,
 * affine-shape SIFT with domain-size pooling (CPU); {@code colmap exhaustive_matcher} with guided matching;
 * {@code colmap mapper} with {@code init_min_tri_angle 4}; then {@code colmap model_converter --output_type TXT}
 * and {@link ColmapModel#readText}.
 *
 * <p>LLFF conversion ({@link #toLlff}), exactly {@code load_colmap_data} + {@code save_poses}:
 * <ul>
 * <li>{@code c2w = inverse([R(q) | t])}; its columns are the COLMAP camera's [right, down, forward] axes and its
 *     centre, in COLMAP's world frame.</li>
 * <li>LLFF columns: {@code [c2w[:,1], c2w[:,0], -c2w[:,2], c2w[:,3]]} = [down, right, backwards, centre]
 *     ("switch to [-u, r, -t] from [r, -u, t]"); the world frame is left as COLMAP's, so the rotation stays
 *     proper (det +1). A fifth column {@code [H, W, f]}, f = the image's own SIMPLE_PINHOLE focal length.</li>
 * <li>near, far = the 1st and 99.9th percentiles (numpy's linear interpolation) of the depths
 *     {@code z = (R p + t)_z} of the 3-D points whose track contains that image. The released
 *     {@code poses_util.py} uses {@code np.percentile(zs, 1)}; upstream LLFF uses 0.1.</li>
 * <li>Rows are in image-name order, i.e. camera folder order.</li>
 * </ul>
 * Two defects of the released code are not reproduced: it marks point visibility with {@code cams[image_id - 1]}
 * while indexing cameras by their position in {@code images.bin}, which differ whenever COLMAP numbers images out
 * of file order (it does: the extractor's threads assign ids) or leaves one out; and it silently writes fewer rows
 * than cameras when the mapper drops a camera. Here points are matched to images by id and every camera must be
 * registered.
 */
public final class ColmapPoses {
    private ColmapPoses() {}

    private static final Pattern CAM = Pattern.compile("cam\\d+");
    private static final Pattern IMG = Pattern.compile("(?i).*\\.(png|jpe?g)");

    /** The message when COLMAP is missing; tests match on it. */
    public static final String NOT_FOUND = "colmap not found on PATH: apt-get install colmap";

    /**
     * Settings.
     *
     * @param colmap  the COLMAP executable: a name looked up on PATH, or a path
     * @param frame   which frame of each camera (index in the camera folder's sorted image list)
     * @param workDir where images, database, sparse model and log go ({@code null}: {@code FOLDER/colmap})
     * @param out     the {@code poses_bounds.npy} to write ({@code null}: {@code FOLDER/poses_bounds.npy})
     * @param threads threads for each COLMAP step (≤ 0: COLMAP's default, all cores)
     * @param minTriAngle the mapper's {@code init_min_tri_angle} in degrees (released: 4); a rig of nearly parallel
     *                    cameras with a small baseline may need less for COLMAP to find an initial pair
     * @param focal   a known focal length in pixels of the frames (NaN: COLMAP estimates one per camera, as
     *                released); with it the intrinsics are fixed (principal point at the centre) and only poses are
     *                solved — far more reliable for a small-baseline rig whose undistorted focal length is known
     *                (the authors' frames: a 90° field of view, f = W/2)
     * @param attempts mapper runs before giving up (each with its own {@code --random_seed}; after the first, half the
     *                 previous {@code init_min_tri_angle}); the first that registers every camera is kept
     */
    public record Options(String colmap, int frame, Path workDir, Path out, int threads, double minTriAngle, double focal,
                          int attempts) {
        /** The options with the default number of mapper attempts ({@link #DEFAULT_ATTEMPTS}). */
        public Options(String colmap, int frame, Path workDir, Path out, int threads, double minTriAngle, double focal) {
            this(colmap, frame, workDir, out, threads, minTriAngle, focal, DEFAULT_ATTEMPTS);
        }

        public Options {
            if (attempts < 1) throw new InputException("--attempts must be ≥ 1, got " + attempts);
            if (frame < 0) throw new InputException("--frame must be ≥ 0, got " + frame);
            if (!(minTriAngle > 0)) throw new InputException("--min-tri-angle must be positive, got " + minTriAngle);
            if (!Double.isNaN(focal) && !(focal > 0)) throw new InputException("--focal must be positive, got " + focal);
        }
        /** The released settings ({@code init_min_tri_angle 4}). */
        public static final double RELEASED_MIN_TRI_ANGLE = 4;
        /** Mapper runs before giving up: the released angle, then half, then a quarter, each with its own seed. */
        public static final int DEFAULT_ATTEMPTS = 3;
        public Options withAttempts(int n) { return new Options(colmap, frame, workDir, out, threads, minTriAngle, focal, n); }
        public static Options defaults() { return new Options("colmap", 0, null, null, -1, RELEASED_MIN_TRI_ANGLE, Double.NaN); }
        public Options withWorkDir(Path w) { return new Options(colmap, frame, w, out, threads, minTriAngle, focal, attempts); }
        public Options withOut(Path o) { return new Options(colmap, frame, workDir, o, threads, minTriAngle, focal, attempts); }
        public Options withFrame(int f) { return new Options(colmap, f, workDir, out, threads, minTriAngle, focal, attempts); }
        public Options withThreads(int t) { return new Options(colmap, frame, workDir, out, t, minTriAngle, focal, attempts); }
        public Options withColmap(String c) { return new Options(c, frame, workDir, out, threads, minTriAngle, focal, attempts); }
        public Options withFocal(double f) { return new Options(colmap, frame, workDir, out, threads, minTriAngle, f, attempts); }
        public Options withMinTriAngle(double a) { return new Options(colmap, frame, workDir, out, threads, a, focal, attempts); }
    }

    /**
     * What a run produced.
     *
     * @param poses       one LLFF row per camera, camera folder order
     * @param cameraNames the camera folders (cam00, …)
     * @param out         the {@code poses_bounds.npy} written
     * @param workDir     the COLMAP work folder (images, database.db, sparse/, colmap_output.txt)
     * @param model       the reconstruction
     * @param seconds     wall time of the COLMAP steps and conversion
     */
    public record Result(List<Llff.PoseBounds> poses, List<String> cameraNames, Path out, Path workDir, ColmapModel model,
                         double seconds) {}

    /** The camera folders of a scene: {@code FOLDER/frames/camNN} if {@code FOLDER/frames} exists, else {@code FOLDER/camNN}. */
    public static List<Path> cameraFolders(Path folder) {
        if (!Files.isDirectory(folder)) throw new InputException("scene folder not found: " + folder);
        Path root = VideoFolderScene.cameraRoot(folder);
        List<Path> cams = list(root, p -> Files.isDirectory(p) && CAM.matcher(p.getFileName().toString()).matches());
        if (cams.isEmpty()) {
            throw new InputException(root + ": no camera folders (expected cam00, cam01, … with one image per frame)");
        }
        return cams;
    }

    /** Finds the COLMAP executable, or throws {@link #NOT_FOUND}. */
    public static Path findColmap(String colmap) { return findColmap(colmap, System.getenv("PATH")); }

    /** Finds the COLMAP executable on the given search path ({@code PATH}'s format), or throws {@link #NOT_FOUND}. */
    static Path findColmap(String colmap, String path) {
        if (colmap.contains(File.separator)) {
            Path p = Path.of(colmap);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            throw new InputException("colmap not found at " + colmap + ": apt-get install colmap, or point --colmap at it");
        }
        if (path != null) {
            for (String d : path.split(Pattern.quote(File.pathSeparator))) {
                if (d.isEmpty()) continue;
                Path p = Path.of(d, colmap);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            }
        }
        throw new InputException(colmap.equals("colmap") ? NOT_FOUND : colmap + " not found on PATH: apt-get install colmap");
    }

    /** Whether COLMAP is on PATH. */
    public static boolean available() {
        try {
            findColmap("colmap");
            return true;
        } catch (InputException e) {
            return false;
        }
    }

    /**
     * Runs COLMAP on frame {@code o.frame()} of every camera of {@code folder} and writes {@code poses_bounds.npy}.
     *
     * @param progress receives one line per step (may be null)
     * @throws InputException if COLMAP is missing, the folder has no cameras or a camera lacks the frame, a COLMAP
     *         step fails (the message names the log), or the mapper leaves any camera unregistered (named)
     */
    public static Result run(Path folder, Options o, Consumer<String> progress) {
        Consumer<String> say = progress == null ? s -> {} : progress;
        List<Path> camDirs = cameraFolders(folder);
        Path colmap = findColmap(o.colmap());
        long t0 = System.nanoTime();
        Path work = o.workDir() != null ? o.workDir() : folder.resolve("colmap");
        Path out = o.out() != null ? o.out() : folder.resolve("poses_bounds.npy");

        // 1. frame N of each camera -> WORK/images/NNN.ext; stale database and models go (get_pose.delete_calib_data)
        Path images = work.resolve("images");
        List<String> camNames = new ArrayList<>(), imageNames = new ArrayList<>();
        try {
            deleteRecursively(images);
            deleteRecursively(work.resolve("sparse"));
            deleteRecursively(work.resolve("sparse_txt"));
            Files.deleteIfExists(work.resolve("database.db"));
            Files.createDirectories(images);
            for (int c = 0; c < camDirs.size(); c++) {
                Path cd = camDirs.get(c);
                List<Path> frames = list(cd, p -> Files.isRegularFile(p) && IMG.matcher(p.getFileName().toString()).matches());
                if (o.frame() >= frames.size()) {
                    throw new InputException(cd + ": has " + frames.size() + " frames (png/jpg), no frame " + o.frame()
                            + " (--frame counts from 0 in name order)");
                }
                Path src = frames.get(o.frame());
                String fn = src.getFileName().toString();
                String name = String.format("%03d%s", c, fn.substring(fn.lastIndexOf('.')).toLowerCase(Locale.ROOT));
                Files.copy(src, images.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                camNames.add(cd.getFileName().toString());
                imageNames.add(name);
            }
        } catch (IOException e) {
            throw new InputException("cannot prepare the COLMAP work folder " + work + ": " + e.getMessage(), e);
        }
        if (camDirs.size() < 2) throw new InputException(folder + ": only one camera folder (" + camNames.get(0) + "); COLMAP needs at least 2");
        say.accept(String.format("copied frame %d of %d cameras to %s", o.frame(), camDirs.size(), images));

        // 2. COLMAP
        Path log = work.resolve("colmap_output.txt");
        Path db = work.resolve("database.db");
        Path sparse = work.resolve("sparse");
        String th = Integer.toString(o.threads() > 0 ? o.threads() : -1);
        try {
            Files.writeString(log, "", StandardCharsets.UTF_8);
            Files.createDirectories(sparse);
        } catch (IOException e) {
            throw new InputException("cannot write " + log + ": " + e.getMessage(), e);
        }
        List<String> fe = new ArrayList<>(List.of(
                "--database_path", db.toString(), "--image_path", images.toString(),
                "--ImageReader.camera_model", "SIMPLE_PINHOLE", "--ImageReader.single_camera", "0",
                "--SiftExtraction.estimate_affine_shape", "1", "--SiftExtraction.domain_size_pooling", "1",
                "--SiftExtraction.use_gpu", "0", "--SiftExtraction.num_threads", th));
        boolean fixed = !Double.isNaN(o.focal());
        if (fixed) {
            int[] wh = org.mask3d.io.Images.size(images.resolve(imageNames.get(0)));
            fe.addAll(List.of("--ImageReader.camera_params", String.format(Locale.ROOT, "%s,%s,%s", o.focal(), wh[0] / 2.0, wh[1] / 2.0)));
        }
        colmapStep(colmap, log, say, "feature_extractor", fe);
        colmapStep(colmap, log, say, "exhaustive_matcher", List.of(
                "--database_path", db.toString(), "--SiftMatching.guided_matching", "1",
                "--SiftMatching.use_gpu", "0", "--SiftMatching.num_threads", th));
        // few images: keep sub-models down to 2 images (default 10 would drop a small rig's partial model, hiding
        // which cameras failed) and accept an initial pair with 50 inliers (default 100) for small images
        // the mapper is randomised (RANSAC): up to o.attempts() runs, each with another seed and, after the first,
        // half the previous init_min_tri_angle (a small-baseline rig of parallel cameras needs a small one)
        ColmapModel best = null;
        List<String> missing = List.of();
        List<String> tried = new ArrayList<>();
        double angle = o.minTriAngle();
        for (int a = 0; a < o.attempts(); a++, angle /= 2) {
            try {
                deleteRecursively(sparse);
                deleteRecursively(work.resolve("sparse_txt"));
                Files.createDirectories(sparse);
            } catch (IOException e) {
                throw new InputException("cannot prepare the COLMAP work folder " + work + ": " + e.getMessage(), e);
            }
            colmapStep(colmap, log, say, "mapper", List.of("--random_seed", Integer.toString(a),
                    "--database_path", db.toString(), "--image_path", images.toString(), "--output_path", sparse.toString(),
                    "--Mapper.init_min_tri_angle", String.valueOf(angle), "--Mapper.min_model_size", "2",
                    "--Mapper.init_min_num_inliers", "50", "--Mapper.num_threads", th,
                    "--Mapper.ba_refine_focal_length", fixed ? "0" : "1", "--Mapper.ba_refine_principal_point", "0",
                    "--Mapper.ba_refine_extra_params", fixed ? "0" : "1"));
            ColmapModel model = largestModel(colmap, log, work, sparse);
            int registered = model == null ? 0 : model.images().size();
            String line = String.format(Locale.ROOT, "attempt %d of %d (seed %d, init_min_tri_angle %s): registered %d of %d cameras",
                    a + 1, o.attempts(), a, degrees(angle), registered, camNames.size());
            say.accept(line);
            tried.add(registered + " (angle " + degrees(angle) + ")");
            if (model != null && (best == null || registered > best.images().size())) {
                best = model;
                List<String> miss = new ArrayList<>();
                for (int c = 0; c < imageNames.size(); c++) {
                    if (best.imageNamed(imageNames.get(c)) == null) miss.add(camNames.get(c));
                }
                missing = miss;
            }
            if (best != null && missing.isEmpty()) break;
        }
        if (best == null || !missing.isEmpty()) {
            String what = best == null ? "COLMAP's mapper registered no cameras of " + folder
                    : "COLMAP registered " + best.images().size() + " of " + camNames.size() + " cameras of " + folder
                    + " (not registered: " + String.join(", ", missing) + ")";
            throw new InputException(what + " in " + tried.size() + " attempt(s), cameras registered per attempt: "
                    + String.join(", ", tried) + ". Try " + fixHint(o) + " (full log: " + log + ")");
        }
        say.accept(String.format("mapper registered all %d cameras, %d points", camNames.size(), best.points().size()));

        List<Llff.PoseBounds> poses = toLlff(best, imageNames);
        Llff.write(out, poses);
        return new Result(poses, camNames, out, work, best, (System.nanoTime() - t0) / 1e9);
    }

    /** An angle in degrees, 3 significant digits, no trailing zeros. */
    private static String degrees(double a) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3g", a)).stripTrailingZeros().toPlainString();
    }

    /** The flags that most often fix a failed registration, for the message. */
    static String fixHint(Options o) {
        List<String> h = new ArrayList<>();
        if (Double.isNaN(o.focal())) h.add("--focal PX (the frames' focal length in pixels, if known: fixes the intrinsics)");
        h.add("--min-tri-angle " + degrees(Math.min(1, o.minTriAngle() / 8)) + " (lower, for a small baseline between cameras)");
        h.add("--frame N (another frame, with more texture and less motion; now " + o.frame() + ")");
        h.add("--attempts N (more mapper runs; now " + o.attempts() + ")");
        return String.join(", ", h);
    }

    /** The model of {@code sparse}'s sub-models with the most registered images, or null when there is none. */
    private static ColmapModel largestModel(Path colmap, Path log, Path work, Path sparse) {
        ColmapModel best = null;
        for (Path m : list(sparse, Files::isDirectory)) {
            Path txt = work.resolve("sparse_txt").resolve(m.getFileName().toString());
            try {
                Files.createDirectories(txt);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            colmapStep(colmap, log, s -> {}, "model_converter", List.of("--input_path", m.toString(),
                    "--output_path", txt.toString(), "--output_type", "TXT"));
            ColmapModel cm = ColmapModel.readText(txt);
            if (best == null || cm.images().size() > best.images().size()) best = cm;
        }
        return best;
    }

    /**
     * LLFF rows of the named images of a model, in the given order: see the class comment for the exact conversion.
     *
     * @throws InputException if an image is missing, its camera is not SIMPLE_PINHOLE, or it sees no 3-D point
     */
    public static List<Llff.PoseBounds> toLlff(ColmapModel m, List<String> imageNames) {
        Map<Integer, List<ColmapModel.Point>> seen = m.pointsByImage();
        List<Llff.PoseBounds> out = new ArrayList<>();
        for (String name : imageNames) {
            ColmapModel.Image im = m.imageNamed(name);
            if (im == null) throw new InputException("the COLMAP model has no image " + name);
            ColmapModel.CameraModel cam = m.cameras().get(im.cameraId());
            if (!cam.model().equals("SIMPLE_PINHOLE")) {
                throw new InputException("image " + name + ": camera model " + cam.model() + ", expected SIMPLE_PINHOLE (f, cx, cy)");
            }
            double[] r = im.rotation(), t = im.tvec();
            List<ColmapModel.Point> pts = seen.get(im.id());
            if (pts.isEmpty()) throw new InputException("image " + name + " sees no triangulated point: no depth bounds");
            double[] z = new double[pts.size()];
            for (int i = 0; i < z.length; i++) {
                double[] p = pts.get(i).xyz();
                z[i] = r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2];
            }
            Arrays.sort(z);
            out.add(new Llff.PoseBounds(llffC2w(r, t), cam.height(), cam.width(), cam.params()[0],
                    percentile(z, 1), percentile(z, 99.9)));
        }
        return out;
    }

    /**
     * LLFF's [3,4] camera-to-world of a COLMAP (OpenCV-axes) world-to-camera {@code [R | t]}: the columns of
     * {@code [Rᵀ | −Rᵀt]} reordered to {@code [col1, col0, −col2, col3]} = [down, right, backwards, centre].
     */
    public static double[] llffC2w(double[] r, double[] t) {
        double[] c2w = Mat.inverse(Mat.rigid(r, t));
        double[] out = new double[12];
        for (int i = 0; i < 3; i++) {
            out[i * 4] = c2w[i * 4 + 1];
            out[i * 4 + 1] = c2w[i * 4];
            out[i * 4 + 2] = -c2w[i * 4 + 2];
            out[i * 4 + 3] = c2w[i * 4 + 3];
        }
        return out;
    }

    /** numpy's default {@code np.percentile(sorted, q)}: linear interpolation between closest ranks. */
    public static double percentile(double[] sorted, double q) {
        double pos = q / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void colmapStep(Path colmap, Path log, Consumer<String> say, String step, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(colmap.toString());
        cmd.add(step);
        cmd.addAll(args);
        long t0 = System.nanoTime();
        say.accept("colmap " + step + " …");
        int code;
        try {
            Files.writeString(log, "\n$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("QT_QPA_PLATFORM", "offscreen");   // headless: COLMAP links Qt
            Process p = pb.start();
            p.getOutputStream().close();
            code = p.waitFor();
        } catch (IOException e) {
            throw new InputException("cannot run " + colmap + " " + step + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputException("interrupted while running colmap " + step, e);
        }
        if (code != 0) {
            throw new InputException("colmap " + step + " failed (exit code " + code + "): " + lastLine(log) + " (full log: " + log + ")");
        }
        say.accept(String.format("colmap %s done in %.1f s", step, (System.nanoTime() - t0) / 1e9));
    }

    private static String lastLine(Path log) {
        try {
            List<String> l = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = l.size() - 1; i >= 0; i--) if (!l.get(i).isBlank()) return l.get(i).strip();
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable)";
        }
        return "(no output)";
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
