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
 * A multi-camera video scene in the released rendering layout (METHOD.md §2.4):
 * <pre>
 *   DIR/poses_bounds.npy          one LLFF row per camera, in camera-folder order
 *   DIR/cam00/00000.jpg …         frames of each static camera (png or jpg), sorted by name
 *   DIR/background/cam00.png …    optional per-camera static backgrounds (temporal medians)
 * </pre>
 * Opening validates the layout eagerly: the number of camera folders must match the rows of
 * {@code poses_bounds.npy}, every camera must have frames, and each camera's image size must have the aspect
 * ratio of its pose's (H, W). Cameras are scaled to the images' width as the released loader does.
 */
public final class LlffScene {
    private static final Pattern CAM = Pattern.compile("cam\\d+");
    private static final Pattern IMG = Pattern.compile("(?i).*\\.(png|jpe?g|bmp)");

    private final Path dir;
    private final List<Llff.PoseBounds> poses;
    private final List<Path> camDirs;
    private final List<List<Path>> frames;
    private final List<Camera> cameras;

    private LlffScene(Path dir, List<Llff.PoseBounds> poses, List<Path> camDirs, List<List<Path>> frames,
                      List<Camera> cameras) {
        this.dir = dir;
        this.poses = poses;
        this.camDirs = camDirs;
        this.frames = frames;
        this.cameras = cameras;
    }

    /** Opens and validates a scene folder. */
    public static LlffScene open(Path dir) {
        if (!Files.isDirectory(dir)) throw new InputException("scene folder not found: " + dir);
        Path pb = dir.resolve("poses_bounds.npy");
        if (!Files.exists(pb)) throw new InputException(dir + ": missing poses_bounds.npy (LLFF poses, one row per camera)");
        List<Llff.PoseBounds> poses = Llff.read(pb);
        List<Path> camDirs = list(dir, p -> Files.isDirectory(p) && CAM.matcher(p.getFileName().toString()).matches());
        if (camDirs.size() != poses.size()) {
            throw new InputException(dir + ": poses_bounds.npy has " + poses.size() + " cameras but " + camDirs.size()
                    + " camera folders (cam00, cam01, …) were found" + (camDirs.isEmpty() ? "" : ": " + names(camDirs)));
        }
        List<List<Path>> frames = new ArrayList<>();
        List<Camera> cams = new ArrayList<>();
        for (int c = 0; c < camDirs.size(); c++) {
            List<Path> f = list(camDirs.get(c), p -> Files.isRegularFile(p) && IMG.matcher(p.getFileName().toString()).matches());
            if (f.isEmpty()) throw new InputException(camDirs.get(c) + ": no frames (expected 00000.png/.jpg, …)");
            frames.add(f);
            Images.Image first = Images.read(f.get(0));
            Llff.PoseBounds p = poses.get(c);
            double expectH = p.h() * first.width() / p.w();
            if (Math.abs(expectH - first.height()) > 1.0) {
                throw new InputException(f.get(0) + ": image is " + first.width() + "x" + first.height()
                        + " but poses_bounds.npy row " + c + " says " + (int) p.w() + "x" + (int) p.h()
                        + " (expected the same aspect ratio)");
            }
            Camera cam = p.toCamera(first.width());
            cams.add(new Camera(cam.k(), cam.w2c(), first.width(), first.height()));
        }
        return new LlffScene(dir, poses, camDirs, frames, cams);
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
    public int numCameras() { return cameras.size(); }
    /** Frames of camera {@code cam}. */
    public int numFrames(int cam) { return frames.get(cam).size(); }
    /** The cameras at the images' size (released conversion, see {@link Llff}). */
    public List<Camera> cameras() { return cameras; }
    public List<Llff.PoseBounds> poses() { return poses; }

    /** Frame {@code index} of camera {@code cam}, [3,H,W] in [0,1]; its size must match the camera's. */
    public float[] frame(int cam, int index) {
        List<Path> f = frames.get(cam);
        if (index < 0 || index >= f.size()) {
            throw new InputException(camDirs.get(cam) + ": frame " + index + " requested, the camera has " + f.size());
        }
        return checked(f.get(index), cameras.get(cam));
    }

    /** Whether {@code background/camNN.png} (or .jpg) exists for every camera. */
    public boolean hasBackgrounds() {
        for (int c = 0; c < numCameras(); c++) if (backgroundPath(c) == null) return false;
        return true;
    }

    /** The static background of camera {@code cam}, [3,H,W]. */
    public float[] background(int cam) {
        Path p = backgroundPath(cam);
        if (p == null) {
            throw new InputException(dir.resolve("background") + ": no background for " + camDirs.get(cam).getFileName()
                    + " (expected " + camDirs.get(cam).getFileName() + ".png or .jpg)");
        }
        return checked(p, cameras.get(cam));
    }

    private Path backgroundPath(int cam) {
        String name = camDirs.get(cam).getFileName().toString();
        for (String ext : new String[]{".png", ".jpg", ".jpeg"}) {
            Path p = dir.resolve("background").resolve(name + ext);
            if (Files.exists(p)) return p;
        }
        return null;
    }

    private static float[] checked(Path p, Camera cam) {
        Images.Image img = Images.read(p);
        if (img.width() != cam.width() || img.height() != cam.height()) {
            throw new InputException(p + ": image is " + img.width() + "x" + img.height() + ", expected "
                    + cam.width() + "x" + cam.height() + " like the camera's other frames");
        }
        return img.chw();
    }
}
