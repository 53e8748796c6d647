package org.mask3d.data;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.io.Images;

import java.util.List;

/**
 * A {@link Scene} resized to another image size: every frame, background and matte resampled with a chosen filter
 * (Lanczos-3 by default, as the released dynamic-scene pipeline resizes to 640×360; never the accidental bilinear of
 * the released RealEstate10K script unless asked for), cameras rescaled with {@link Camera#resized}.
 */
public final class ResizedScene implements Scene {
    private final Scene base;
    private final int width, height;
    private final Images.Resampling how;
    private final List<Camera> cameras;

    public ResizedScene(Scene base, int width, int height, Images.Resampling how) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        this.base = base;
        this.width = width;
        this.height = height;
        this.how = how;
        this.cameras = base.cameras().stream().map(c -> c.resized(width, height)).toList();
    }

    /** {@code base} at {@code width × height} with Lanczos-3; {@code base} itself when the size already matches. */
    public static Scene of(Scene base, int width, int height) {
        return base.width() == width && base.height() == height ? base : new ResizedScene(base, width, height, Images.Resampling.LANCZOS3);
    }

    private float[] resize(float[] chw, int c) {
        float[] r = Images.resize(chw, c, base.height(), base.width(), height, width, how);
        for (int i = 0; i < r.length; i++) r[i] = Math.max(0f, Math.min(1f, r[i]));   // Lanczos overshoot
        return r;
    }

    @Override public String name() { return base.name() + "@" + width + "x" + height; }
    @Override public int numCameras() { return base.numCameras(); }
    @Override public int numFrames() { return base.numFrames(); }
    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public List<Camera> cameras() { return cameras; }
    @Override public float[] frame(int cam, int t) { return resize(base.frame(cam, t), 3); }
    @Override public boolean hasBackgrounds() { return base.hasBackgrounds(); }
    @Override public float[] background(int cam) { return resize(base.background(cam), 3); }
    @Override public boolean hasForeground() { return base.hasForeground(); }
    @Override public float[] foreground(int cam, int t) { return resize(base.foreground(cam, t), 4); }
    @Override public double[] nears() { return base.nears(); }
    @Override public double[] fars() { return base.fars(); }

    /**
     * The base scene's rows, unchanged: LLFF rows keep the [H, W, f] of the size they were written for and
     * {@link Llff.PoseBounds#toCamera(int)} rescales them, so the rows of a resized scene are its source's (as the
     * released render path, which generates its poses from the file's rows whatever {@code img_wh} is).
     */
    @Override public List<Llff.PoseBounds> poses() { return base.poses(); }
}
