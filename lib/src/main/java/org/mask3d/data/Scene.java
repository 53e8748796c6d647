package org.mask3d.data;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.geometry.PlaneDepths;

import java.util.ArrayList;
import java.util.List;

/**
 * A dynamic scene filmed by a rig of static cameras: what stage 2 trains on and what videos are rendered from.
 *
 * <p>All cameras share one image size; images are [3,H,W] in [0,1]; cameras are OpenCV w2c at that size (see
 * {@link org.mask3d.geometry}). Implementations: {@link VideoFolderScene} (the released folder layout),
 * {@link PackedScene} (mask3d's training format), {@link SyntheticRig} (built-in, with ground truth),
 * {@link SyntheticScene} (cards on the MPI planes, with an exact MPI), {@link AuthorsH5Scene} (the authors' h5
 * files); {@link Scenes#open} picks by what a path holds. Wrappers: {@link ResizedScene} (another image size),
 * {@link WithBackgrounds} (backgrounds from another folder).
 */
public interface Scene {
    /** A short name for messages and tables. */
    String name();

    int numCameras();

    /** Frames per camera (every camera has the same number). */
    int numFrames();

    int width();

    int height();

    /** The cameras at {@link #width()} × {@link #height()}. */
    List<Camera> cameras();

    /** Frame {@code t} of camera {@code cam}, [3,H,W] in [0,1]. */
    float[] frame(int cam, int t);

    /** Whether every camera has a static background image. */
    boolean hasBackgrounds();

    /** Camera {@code cam}'s static background (temporal median), [3,H,W]. */
    float[] background(int cam);

    /** Whether foreground mattes (RGBA) exist for every camera and frame. */
    default boolean hasForeground() { return false; }

    /**
     * The foreground matte of camera {@code cam} at frame {@code t}: [4,H,W], RGB premultiplied by nothing (the
     * released {@code fg_rgb}: colour where alpha ≠ 0) and alpha in [0,1].
     *
     * @throws UnsupportedOperationException if {@link #hasForeground()} is false
     */
    default float[] foreground(int cam, int t) {
        throw new UnsupportedOperationException(name() + " has no foreground mattes");
    }

    /** Per-camera near depths (LLFF bounds). */
    double[] nears();

    /** Per-camera far depths (LLFF bounds). */
    double[] fars();

    /**
     * The scene's LLFF {@code poses_bounds} rows, one per camera: c2w in LLFF axes [down, right, backwards], [H, W, f]
     * and [near, far]. What the novel-view render path is generated from (METHOD.md §4.3).
     *
     * <p>Scenes read from an LLFF file return that file's rows as read (their [H, W, f] at the size the file states;
     * {@link Llff.PoseBounds#toCamera(int)} rescales). The default, for scenes without such a file, is
     * {@link Llff.PoseBounds#fromCamera} of each camera with its near and far: its {@code toCamera} gives the camera in
     * the released code's reflected world, so every pose relative to another camera of the rig is the camera's own.
     */
    default List<Llff.PoseBounds> poses() {
        List<Camera> cams = cameras();
        double[] n = nears(), f = fars();
        List<Llff.PoseBounds> out = new ArrayList<>();
        for (int c = 0; c < numCameras(); c++) out.add(Llff.PoseBounds.fromCamera(cams.get(c), n[c], f[c]));
        return out;
    }

    /** The MPI depth range the mask stage and the video renderer use: {@code [0.9·min, 2·max]} of all bounds. */
    default double[] depthBounds() { return PlaneDepths.sceneBounds(nears(), fars()); }
}
