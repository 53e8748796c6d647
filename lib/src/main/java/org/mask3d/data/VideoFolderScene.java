package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.io.Images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A multi-camera video scene folder (the released rendering layout, METHOD.md §2.4):
 * <pre>
 *   DIR/poses_bounds.npy              one LLFF row per camera, in camera-folder order (per-camera focal length)
 *   DIR/frames/camNN/NNNNN.jpg|png    frames of each static camera, sorted by name
 *       (or DIR/camNN/…, the layout collect_data.py reads)
 *   DIR/background/camNN.png|jpg      optional per-camera static backgrounds (temporal medians)
 *   DIR/foreground/camNN/NNNNN.png    optional RGBA foreground mattes (gen_fg.py's output)
 * </pre>
 * {@link #check} lists every problem of a folder at once; {@link #open} throws the first as an
 * {@link InputException} naming the file and what was expected. Cameras come from the rows of
 * {@code poses_bounds.npy} by the released conversion, scaled to the images' width.
 */
public final class VideoFolderScene implements Scene {
    private static final Pattern CAM = Pattern.compile("cam\\d+");
    private static final Pattern IMG = Pattern.compile("(?i).*\\.(png|jpe?g|bmp)");

    private final Path dir;
    private final List<Llff.PoseBounds> poses;
    private final List<String> camNames;
    private final List<List<Path>> frames;
    private final List<Camera> cameras;
    private final int width, height;

    private VideoFolderScene(Path dir, List<Llff.PoseBounds> poses, List<String> camNames, List<List<Path>> frames,
                             List<Camera> cameras, int width, int height) {
        this.dir = dir;
        this.poses = poses;
        this.camNames = camNames;
        this.frames = frames;
        this.cameras = cameras;
        this.width = width;
        this.height = height;
    }

    /** Opens a scene folder, validating it eagerly; the first problem found is thrown. */
    public static VideoFolderScene open(Path dir) {
        List<String> problems = new ArrayList<>();
        VideoFolderScene s = scan(dir, problems, true);
        if (!problems.isEmpty()) throw new InputException(problems.get(0));
        return s;
    }

    /** Every problem of a scene folder, one line each (empty: the folder opens). Reads every image's header. */
    public static List<String> check(Path dir) {
        List<String> problems = new ArrayList<>();
        try {
            scan(dir, problems, false);
        } catch (InputException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** Where the camera folders of a scene are: DIR/frames if it exists, else DIR. */
    public static Path cameraRoot(Path dir) {
        Path f = dir.resolve("frames");
        return Files.isDirectory(f) ? f : dir;
    }

    private static VideoFolderScene scan(Path dir, List<String> problems, boolean stopAtFirst) {
        if (!Files.isDirectory(dir)) throw new InputException("scene folder not found: " + dir);
        Path pb = dir.resolve("poses_bounds.npy");
        if (!Files.exists(pb)) throw new InputException(dir + ": missing poses_bounds.npy (LLFF poses, one row per camera)");
        List<Llff.PoseBounds> poses = Llff.read(pb);
        Path root = cameraRoot(dir);
        List<Path> camDirs = list(root, p -> Files.isDirectory(p) && CAM.matcher(p.getFileName().toString()).matches());
        if (camDirs.size() != poses.size()) {
            problems.add(pb + " has " + poses.size() + " cameras but " + camDirs.size()
                    + " camera folders (cam00, cam01, …) are in " + root + (camDirs.isEmpty() ? "" : ": " + names(camDirs)));
            if (stopAtFirst || camDirs.isEmpty()) return null;
        }
        List<List<Path>> frames = new ArrayList<>();
        List<Camera> cams = new ArrayList<>();
        int w = -1, h = -1;
        for (int c = 0; c < camDirs.size(); c++) {
            Path cd = camDirs.get(c);
            // by name alone: a folder or FIFO named like a frame is reported by the image reader, not skipped
            List<Path> f = list(cd, p -> IMG.matcher(p.getFileName().toString()).matches());
            frames.add(f);
            if (f.isEmpty()) {
                problems.add(cd + ": no frames (expected 00000.png or .jpg, …)");
                if (stopAtFirst) return null;
                continue;
            }
            if (c > 0 && f.size() != frames.get(0).size()) {
                problems.add(cd + ": " + f.size() + " frames, but " + camDirs.get(0).getFileName() + " has "
                        + frames.get(0).size() + " (every camera needs the same frames)");
                if (stopAtFirst) return null;
            }
            List<Path> toRead = stopAtFirst ? List.of(f.get(0)) : f;
            for (Path img : toRead) {
                int[] size;
                try {
                    size = Images.size(img);
                } catch (InputException e) {
                    problems.add(e.getMessage());
                    if (stopAtFirst) return null;
                    continue;
                }
                if (w < 0) { w = size[0]; h = size[1]; }
                if (size[0] != w || size[1] != h) {
                    problems.add(img + ": image is " + size[0] + "x" + size[1] + ", expected " + w + "x" + h
                            + " like " + camDirs.get(0).getFileName() + "'s first frame (all cameras share one size)");
                    if (stopAtFirst) return null;
                }
            }
            if (c < poses.size() && w > 0) {
                Llff.PoseBounds p = poses.get(c);
                double expectH = p.h() * w / p.w();
                if (Math.abs(expectH - h) > 1.0) {
                    problems.add(f.get(0) + ": image is " + w + "x" + h + " but row " + c + " of " + pb + " says "
                            + (int) p.w() + "x" + (int) p.h() + " (expected the same aspect ratio)");
                    if (stopAtFirst) return null;
                }
                Camera cam = p.toCamera(w);
                cams.add(new Camera(cam.k(), cam.w2c(), w, h));
            }
        }
        List<String> names = camDirs.stream().map(p -> p.getFileName().toString()).toList();
        Path bgDir = dir.resolve("background");
        if (Files.isDirectory(bgDir)) {
            for (String n : names) {
                Path bg = find(bgDir, n);
                if (bg == null) problems.add(bgDir + ": no background for " + n + " (expected " + n + ".png or .jpg)");
                else if (!stopAtFirst) {
                    try {
                        int[] size = Images.size(bg);
                        if (size[0] != w || size[1] != h) problems.add(bg + ": background is " + size[0] + "x" + size[1] + ", expected " + w + "x" + h);
                    } catch (InputException e) {
                        problems.add(e.getMessage());
                    }
                }
                if (stopAtFirst && !problems.isEmpty()) return null;
            }
        }
        if (!problems.isEmpty()) return null;
        return new VideoFolderScene(dir, poses, names, frames, cams, w, h);
    }

    private static Path find(Path folder, String stem) {
        for (String ext : new String[]{".png", ".jpg", ".jpeg"}) {
            Path p = folder.resolve(stem + ext);
            if (Files.exists(p)) return p;
        }
        return null;
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String names(List<Path> ps) {
        return String.join(", ", ps.stream().map(p -> p.getFileName().toString()).toList());
    }

    public Path dir() { return dir; }
    @Override public String name() { return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(); }
    @Override public int numCameras() { return cameras.size(); }
    @Override public int numFrames() { return frames.get(0).size(); }
    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public List<Camera> cameras() { return cameras; }
    @Override public List<Llff.PoseBounds> poses() { return poses; }
    /** Camera folder names, in camera order. */
    public List<String> cameraNames() { return camNames; }
    /** The file of frame {@code t} of camera {@code cam}. */
    public Path framePath(int cam, int t) { return frames.get(cam).get(t); }
    @Override public double[] nears() { return poses.stream().mapToDouble(Llff.PoseBounds::near).toArray(); }
    @Override public double[] fars() { return poses.stream().mapToDouble(Llff.PoseBounds::far).toArray(); }

    @Override public float[] frame(int cam, int t) {
        List<Path> f = frames.get(cam);
        if (t < 0 || t >= f.size()) {
            throw new InputException(f.get(0).getParent() + ": frame " + t + " requested, the camera has " + f.size());
        }
        return checked(f.get(t));
    }

    @Override public boolean hasBackgrounds() {
        for (String n : camNames) if (find(dir.resolve("background"), n) == null) return false;
        return true;
    }

    @Override public float[] background(int cam) {
        Path p = find(dir.resolve("background"), camNames.get(cam));
        if (p == null) {
            throw new InputException(dir.resolve("background") + ": no background for " + camNames.get(cam)
                    + " (expected " + camNames.get(cam) + ".png or .jpg; ./mask3d prepare background makes them)");
        }
        return checked(p);
    }

    @Override public boolean hasForeground() {
        for (int c = 0; c < camNames.size(); c++) {
            if (!Files.isDirectory(dir.resolve("foreground").resolve(camNames.get(c)))) return false;
        }
        return true;
    }

    @Override public float[] foreground(int cam, int t) {
        Path p = dir.resolve("foreground").resolve(camNames.get(cam)).resolve(frames.get(cam).get(t).getFileName().toString()
                .replaceAll("(?i)\\.(jpe?g|bmp)$", ".png"));
        Images.Image img = Images.readRgba(p);
        if (img.width() != width || img.height() != height) {
            throw new InputException(p + ": matte is " + img.width() + "x" + img.height() + ", expected " + width + "x" + height);
        }
        return img.chw();
    }

    private float[] checked(Path p) {
        Images.Image img = Images.read(p);
        if (img.width() != width || img.height() != height) {
            throw new InputException(p + ": image is " + img.width() + "x" + img.height() + ", expected "
                    + width + "x" + height + " like the scene's other frames");
        }
        return img.chw();
    }
}
