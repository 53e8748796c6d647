package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.io.Images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A {@link Scene} whose static backgrounds come from another folder, as the released renderer's {@code bg_dir}: the
 * folder's images ({@code .png}, {@code .jpg}, {@code .jpeg}, any case) in sorted file-name order are cameras 0, 1, …
 * (e.g. {@code cam00.png … cam09.png}). Everything else (frames, mattes, cameras, bounds, {@link #poses()}) is the base
 * scene's. An image of another size than the scene is resized to it with Lanczos-3 (not clamped).
 */
public final class WithBackgrounds implements Scene {
    private final Scene base;
    private final Path dir;
    private final List<Path> files;

    /**
     * Lists the folder's images; they are read when asked for.
     *
     * @throws InputException if {@code dir} is not a folder, cannot be listed, or holds another number of images
     *                        than the scene has cameras
     */
    public WithBackgrounds(Scene base, Path dir) {
        this.base = base;
        this.dir = dir;
        if (!Files.isDirectory(dir)) throw new InputException("background folder not found: " + dir);
        try (Stream<Path> st = Files.list(dir)) {
            files = st.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)")).sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.size() != base.numCameras()) {
            throw new InputException(dir + ": " + files.size() + " background images, the scene has " + base.numCameras() + " cameras");
        }
    }

    /** The scene the frames come from. */
    public Scene base() { return base; }

    /** The background folder. */
    public Path dir() { return dir; }

    /** The background image of each camera, in camera order. */
    public List<Path> files() { return files; }

    @Override public String name() { return base.name(); }
    @Override public int numCameras() { return base.numCameras(); }
    @Override public int numFrames() { return base.numFrames(); }
    @Override public int width() { return base.width(); }
    @Override public int height() { return base.height(); }
    @Override public List<Camera> cameras() { return base.cameras(); }
    @Override public float[] frame(int cam, int t) { return base.frame(cam, t); }
    @Override public boolean hasBackgrounds() { return true; }
    @Override public boolean hasForeground() { return base.hasForeground(); }
    @Override public float[] foreground(int cam, int t) { return base.foreground(cam, t); }
    @Override public double[] nears() { return base.nears(); }
    @Override public double[] fars() { return base.fars(); }
    /** The base scene's rows: other backgrounds do not move the cameras. */
    @Override public List<Llff.PoseBounds> poses() { return base.poses(); }

    /** Camera {@code cam}'s image from the folder, [3,H,W] in [0,1], at the scene's size. */
    @Override public float[] background(int cam) {
        Images.Image img = Images.read(files.get(cam));
        float[] chw = img.chw();
        if (img.width() != width() || img.height() != height()) {
            chw = Images.resizeLanczos(chw, 3, img.height(), img.width(), height(), width());
        }
        return chw;
    }
}
