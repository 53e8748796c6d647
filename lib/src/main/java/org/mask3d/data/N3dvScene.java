package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.io.FfmpegFrames;
import org.mask3d.io.Images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A scene of the Neural 3D Video dataset (N3DV, Li et al. 2022, "DyNeRF") read in its own layout:
 * <pre>
 *   DIR/cam00.mp4 … camNN.mp4   one video per camera; cameras that failed calibration are simply missing, so the
 *                               numbers may have gaps (e.g. coffee_martini has no cam12)
 *   DIR/poses_bounds.npy        LLFF [N,17], one row per PRESENT video, in sorted camera-number order
 * </pre>
 * (the convention of the dataset's own loaders and of the methods that report on it: {@code sorted(glob("cam*.mp4"))}
 * paired row by row with {@code poses_bounds.npy}). {@code cam00} is held out for testing by convention
 * ({@link Options#testCamera()}); {@link #testCamera()} gives its index here. Frames are 2704×2028; methods work at
 * 1352×1014 ({@link #notes()} warns when frames are fed at full size).
 *
 * <p>Frames are decoded on demand, one camera at a time when first asked for, with ffmpeg (Lanczos resize to the
 * chosen size) into a cache folder deleted when the JVM exits; {@code ./mask3d prepare n3dv} decodes once into
 * mask3d's scene-folder layout instead ({@link #writeSceneFolder}). Cameras come from the LLFF rows by the released
 * conversion ({@link Llff.PoseBounds#toCamera(int)}), depth bounds from their near/far as every scene
 * ({@link Scene#depthBounds()}). N3DV has no backgrounds: {@link #background} is the temporal median
 * ({@link Backgrounds#median}) of every {@link #backgroundStride()}-th frame of the chosen range.
 */
public final class N3dvScene implements Scene {
    private static final Pattern VIDEO = Pattern.compile("cam(\\d+)\\.mp4");
    /** N3DV's frame size; methods work at half of it. */
    public static final int FULL_WIDTH = 2704, FULL_HEIGHT = 2028;
    /** Background frames aimed at when the stride is automatic. */
    static final int BACKGROUND_FRAMES = 15;

    /**
     * How to read an N3DV folder.
     *
     * @param width            frame width to decode at (0: the videos' own, with {@code height} 0)
     * @param height           frame height to decode at (0: the videos' own)
     * @param frameStart       first frame of each video used
     * @param frameEnd         one past the last frame used (0: to the end of the shortest video)
     * @param testCamera       the held-out camera's name (N3DV: cam00)
     * @param backgroundStride the background median takes every N-th frame of the range (0: about
     *                         {@value #BACKGROUND_FRAMES} frames spread over it)
     */
    public record Options(int width, int height, int frameStart, int frameEnd, String testCamera, int backgroundStride) {
        public Options {
            if (width < 0 || height < 0 || (width == 0) != (height == 0)) {
                throw new InputException("N3DV size must be WxH with both positive, or neither given; got " + width + "x" + height);
            }
            if (frameStart < 0 || (frameEnd != 0 && frameEnd <= frameStart)) {
                throw new InputException("N3DV frames must be A:B with 0 <= A < B, got " + frameStart + ":" + frameEnd);
            }
            if (testCamera == null || !testCamera.matches("cam\\d+")) {
                throw new InputException("N3DV test camera must be a name like cam00, got " + org.mask3d.io.Untrusted.quote(String.valueOf(testCamera)));
            }
            if (backgroundStride < 0) throw new InputException("background stride must be >= 0, got " + backgroundStride);
        }

        /** The videos' own size, every frame, cam00 held out, automatic background stride. */
        public static Options defaults() { return new Options(0, 0, 0, 0, "cam00", 0); }

        public Options withSize(int w, int h) { return new Options(w, h, frameStart, frameEnd, testCamera, backgroundStride); }

        public Options withTestCamera(String name) { return new Options(width, height, frameStart, frameEnd, name, backgroundStride); }
    }

    private final Path dir, cache;
    private final Options options;
    private final List<String> names;
    private final List<Path> videos;
    private final List<Llff.PoseBounds> poses;
    private final List<Camera> cameras;
    private final int width, height, frames, testIndex, bgStride;
    private final List<String> notes = new ArrayList<>();
    private final boolean[] decoded;
    private final float[][] backgrounds;

    private N3dvScene(Path dir, Options o, List<String> names, List<Path> videos, List<Llff.PoseBounds> poses, int width,
                      int height, int frames, int testIndex, Path cache) {
        this.dir = dir;
        this.options = o;
        this.names = names;
        this.videos = videos;
        this.poses = poses;
        this.width = width;
        this.height = height;
        this.frames = frames;
        this.testIndex = testIndex;
        this.cache = cache;
        this.bgStride = o.backgroundStride() > 0 ? o.backgroundStride() : Math.max(1, (frames + BACKGROUND_FRAMES - 1) / BACKGROUND_FRAMES);
        this.cameras = poses.stream().map(p -> {
            Camera c = p.toCamera(width);
            return new Camera(c.k(), c.w2c(), width, height);
        }).toList();
        this.decoded = new boolean[names.size()];
        this.backgrounds = new float[names.size()][];
    }

    /** Whether a folder is in the N3DV layout: {@code poses_bounds.npy} beside at least one {@code camNN.mp4}. */
    public static boolean isN3dv(Path dir) {
        if (!Files.isDirectory(dir) || !Files.isRegularFile(dir.resolve("poses_bounds.npy"))) return false;
        return !videos(dir).isEmpty();
    }

    /** The {@code camNN.mp4} files of a folder, by camera number. */
    static List<Path> videos(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> VIDEO.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted(Comparator.comparingInt(N3dvScene::number)).toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int number(Path video) {
        Matcher m = VIDEO.matcher(video.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException(video.toString());
        return Integer.parseInt(m.group(1));
    }

    /**
     * Opens an N3DV folder: lists the videos, pairs them with the rows of {@code poses_bounds.npy}, counts every video's
     * frames (ffprobe, no decoding). Nothing is decoded yet.
     *
     * @throws InputException naming the file: no videos, rows ≠ videos, the test camera missing, videos of different
     *                        sizes, a frame range past the shortest video, or ffmpeg missing
     */
    public static N3dvScene open(Path dir, Options o) {
        if (!Files.isDirectory(dir)) throw new InputException("N3DV folder not found: " + dir);
        Path pb = dir.resolve("poses_bounds.npy");
        if (!Files.isRegularFile(pb)) throw new InputException(dir + ": missing poses_bounds.npy (N3DV: LLFF poses, one row per camNN.mp4)");
        List<Path> videos = videos(dir);
        if (videos.isEmpty()) throw new InputException(dir + ": no camNN.mp4 videos (the N3DV layout: cam00.mp4, cam01.mp4, … beside poses_bounds.npy)");
        List<Llff.PoseBounds> poses = Llff.read(pb);
        List<String> names = videos.stream().map(v -> v.getFileName().toString().replace(".mp4", "")).toList();
        if (poses.size() != videos.size()) {
            throw new InputException(pb + " has " + poses.size() + " rows but " + dir + " has " + videos.size() + " camNN.mp4 videos ("
                    + String.join(", ", names) + "): N3DV needs one row per present video, in camera-number order");
        }
        int testIndex = names.indexOf(o.testCamera());
        if (testIndex < 0) {
            throw new InputException(dir + ": test camera " + o.testCamera() + " has no video (" + o.testCamera() + ".mp4); present: "
                    + String.join(", ", names));
        }
        if (!FfmpegFrames.available()) throw new InputException("reading N3DV videos needs ffmpeg and ffprobe (Debian: apt-get install ffmpeg)");
        FfmpegFrames.Probe first = FfmpegFrames.probe(videos.get(0));
        int shortest = Integer.MAX_VALUE, longest = 0;
        for (Path v : videos) {
            FfmpegFrames.Probe p = v.equals(videos.get(0)) ? first : FfmpegFrames.probe(v);
            if (p.width() != first.width() || p.height() != first.height()) {
                throw new InputException(v + ": video is " + p.width() + "x" + p.height() + ", expected " + first.width() + "x"
                        + first.height() + " like " + videos.get(0).getFileName() + " (all cameras share one size)");
            }
            int n = FfmpegFrames.countFrames(v);
            shortest = Math.min(shortest, n);
            longest = Math.max(longest, n);
        }
        int end = o.frameEnd() == 0 ? shortest : o.frameEnd();
        if (end > shortest) {
            throw new InputException(dir + ": frames " + o.frameStart() + ":" + end + " go past the shortest video, which has "
                    + shortest + " frames");
        }
        int w = o.width() == 0 ? first.width() : o.width(), h = o.height() == 0 ? first.height() : o.height();
        Llff.PoseBounds p0 = poses.get(0);
        if (Math.abs(p0.h() * w / p0.w() - h) > 1.0) {
            throw new InputException(pb + ": row 0 says " + (int) p0.w() + "x" + (int) p0.h() + " but the frames would be " + w + "x" + h
                    + " (expected the same aspect ratio)");
        }
        Path cache;
        try {
            cache = Files.createTempDirectory("mask3d-n3dv-");
        } catch (IOException e) {
            throw new InputException("cannot create a cache folder for decoded N3DV frames: " + e.getMessage(), e);
        }
        deleteOnExit(cache);
        N3dvScene s = new N3dvScene(dir, o, names, videos, poses, w, h, end - o.frameStart(), testIndex, cache);
        if (longest != shortest && o.frameEnd() == 0) {
            s.notes.add(String.format(Locale.ROOT, "the videos have %d to %d frames: the first %d (the shortest) are used", shortest, longest, shortest));
        }
        String full = fullSizeWarning(w, h);
        if (full != null) s.notes.add(full);
        s.notes.add(String.format(Locale.ROOT, "backgrounds: N3DV has none; each camera's is the temporal median of every %d-th of frames %d:%d (%d frames)",
                s.bgStride, o.frameStart(), end, (s.frames + s.bgStride - 1) / s.bgStride));
        return s;
    }

    /** A warning when frames are fed at N3DV's full 2704×2028 size (methods work at 1352×1014), else null. */
    public static String fullSizeWarning(int width, int height) {
        if (width < FULL_WIDTH || height < FULL_HEIGHT) return null;
        return "warning: N3DV frames at full size " + width + "x" + height + ": methods on N3DV work at 1352x1014 (--size 1352x1014 or "
                + "--scale 0.5; img_wh = [1352, 1014]); full-size frames are a known pitfall (4x the memory and time, other numbers)";
    }

    /** Camera names in camera order, gaps kept (cam00, cam01, cam03, …). */
    public List<String> cameraNames() { return names; }

    /** Index of the held-out test camera ({@link Options#testCamera()}) in camera order. */
    public int testCamera() { return testIndex; }

    /** Name of the held-out test camera. */
    public String testCameraName() { return names.get(testIndex); }

    /** The options the scene was opened with. */
    public Options options() { return options; }

    /** The background median's frame stride. */
    public int backgroundStride() { return bgStride; }

    /** What a user should know about how the scene was read (frame counts, size, backgrounds), one line each. */
    public List<String> notes() { return List.copyOf(notes); }

    public Path dir() { return dir; }

    @Override public String name() {
        return (dir.getFileName() == null ? dir.toString() : dir.getFileName().toString()) + " (N3DV, test " + testCameraName() + ")";
    }
    @Override public int numCameras() { return names.size(); }
    @Override public int numFrames() { return frames; }
    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public List<Camera> cameras() { return cameras; }
    @Override public List<Llff.PoseBounds> poses() { return poses; }
    @Override public double[] nears() { return poses.stream().mapToDouble(Llff.PoseBounds::near).toArray(); }
    @Override public double[] fars() { return poses.stream().mapToDouble(Llff.PoseBounds::far).toArray(); }

    @Override public float[] frame(int cam, int t) {
        if (t < 0 || t >= frames) throw new InputException(videos.get(cam) + ": frame " + t + " requested, the scene has " + frames);
        Path p = decodedFrame(cam, t);
        Images.Image img = Images.read(p);
        if (img.width() != width || img.height() != height) {
            throw new InputException(p + ": decoded frame is " + img.width() + "x" + img.height() + ", expected " + width + "x" + height);
        }
        return img.chw();
    }

    /** The decoded PNG of frame {@code t} (of the chosen range) of camera {@code cam}, decoding the camera first if needed. */
    public synchronized Path decodedFrame(int cam, int t) {
        Path out = cache.resolve(names.get(cam));
        if (!decoded[cam]) {
            int n = FfmpegFrames.extractRange(videos.get(cam), options.frameStart(), options.frameStart() + frames,
                    options.width(), options.height(), FfmpegFrames.Filter.LANCZOS, out);
            if (n < frames) throw new InputException(videos.get(cam) + ": decoded " + n + " frames of " + options.frameStart() + ":"
                    + (options.frameStart() + frames) + ", expected " + frames);
            decoded[cam] = true;
        }
        return out.resolve(String.format(Locale.ROOT, "%05d.png", t));
    }

    @Override public boolean hasBackgrounds() { return true; }

    @Override public synchronized float[] background(int cam) {
        if (backgrounds[cam] == null) backgrounds[cam] = Backgrounds.median(this, cam, bgStride);
        return backgrounds[cam].clone();
    }

    /**
     * Writes the scene in mask3d's scene-folder layout ({@link VideoFolderScene}): {@code OUT/frames/camNN/00000.png …}
     * (camera names kept, gaps included), {@code OUT/poses_bounds.npy} (the rows as read), {@code OUT/background/camNN.png}
     * (the temporal medians) and {@code OUT/n3dv.txt} (source, test camera, frames, size, background rule).
     *
     * @param progress called with the number of cameras done, may be null
     */
    public void writeSceneFolder(Path out, IntConsumer progress) {
        try {
            Files.createDirectories(out.resolve("frames"));
            Files.createDirectories(out.resolve("background"));
            for (int c = 0; c < numCameras(); c++) {
                decodedFrame(c, 0);
                Path dst = out.resolve("frames").resolve(names.get(c));
                if (Files.exists(dst)) deleteTree(dst);
                Files.createDirectories(dst);
                for (int t = 0; t < frames; t++) {
                    String f = String.format(Locale.ROOT, "%05d.png", t);
                    Files.copy(cache.resolve(names.get(c)).resolve(f), dst.resolve(f));
                }
                Images.writePng(out.resolve("background").resolve(names.get(c) + ".png"), background(c), 3, height, width);
                if (progress != null) progress.accept(c + 1);
            }
            Llff.write(out.resolve("poses_bounds.npy"), poses);
            String meta = "# written by ./mask3d prepare n3dv\n"
                    + "source = " + dir.toAbsolutePath() + "\n"
                    + "test_camera = " + testCameraName() + "\n"
                    + "test_camera_index = " + testIndex + "\n"
                    + "cameras = " + String.join(", ", names) + "\n"
                    + "frames = " + options.frameStart() + ":" + (options.frameStart() + frames) + "\n"
                    + "size = " + width + "x" + height + "\n"
                    + "background = temporal median of every " + bgStride + "-th frame of the range\n";
            org.mask3d.io.AtomicFiles.write(out.resolve("n3dv.txt"), meta.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    private static void deleteOnExit(Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (Files.exists(dir)) deleteTree(dir);
            } catch (IOException ignored) {
                // a temporary folder left behind is not worth failing the exit for
            }
        }));
    }
}
