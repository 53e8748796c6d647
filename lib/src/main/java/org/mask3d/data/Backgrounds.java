package org.mask3d.data;

import org.mask3d.io.Images;

import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * Static backgrounds as the released pipeline makes them ({@code gen_bg.py}, {@code collect_data.py}): the per-pixel,
 * per-channel median of every {@code stride}-th frame (released: 25) of each camera.
 */
public final class Backgrounds {
    private Backgrounds() {}

    /** The released frame stride. */
    public static final int DEFAULT_STRIDE = 25;

    /**
     * Median of frames 0, stride, 2·stride, … of camera {@code cam} on 8-bit values: [3,H,W]. With an even count it
     * is the mean of the two middle values, as numpy's median (the released gen_bg.py) gives.
     */
    public static float[] median(Scene scene, int cam, int stride) {
        if (stride < 1) throw new IllegalArgumentException("stride must be >= 1, got " + stride);
        int nf = (scene.numFrames() + stride - 1) / stride;
        int n = 3 * scene.width() * scene.height();
        byte[][] frames = new byte[nf][];
        for (int i = 0; i < nf; i++) {
            float[] f = scene.frame(cam, i * stride);
            byte[] b = new byte[n];
            for (int p = 0; p < n; p++) b[p] = (byte) Math.round(Math.max(0, Math.min(1, f[p])) * 255);
            frames[i] = b;
        }
        float[] out = new float[n];
        int[] hist = new int[256];
        for (int p = 0; p < n; p++) {
            java.util.Arrays.fill(hist, 0);
            for (int i = 0; i < nf; i++) hist[frames[i][p] & 0xff]++;
            out[p] = medianOfHistogram(hist, nf) / 255f;
        }
        return out;
    }

    static float medianOfHistogram(int[] hist, int count) {
        int lo = (count - 1) / 2, hi = count / 2;   // ranks of the middle value(s)
        int seen = 0, a = -1, b = -1;
        for (int v = 0; v < 256 && b < 0; v++) {
            seen += hist[v];
            if (a < 0 && seen > lo) a = v;
            if (seen > hi) b = v;
        }
        return (a + b) / 2f;
    }

    /**
     * Writes {@code DIR/background/camNN.png} for every camera of a scene folder.
     *
     * @param progress called with the number of cameras done, may be null
     */
    public static void write(VideoFolderScene scene, int stride, IntConsumer progress) {
        for (int c = 0; c < scene.numCameras(); c++) {
            Images.writePng(scene.dir().resolve("background").resolve(scene.cameraNames().get(c) + ".png"),
                    median(scene, c, stride), 3, scene.height(), scene.width());
            if (progress != null) progress.accept(c + 1);
        }
    }

    /** Where a camera's background goes. */
    public static Path path(VideoFolderScene scene, int cam) {
        return scene.dir().resolve("background").resolve(scene.cameraNames().get(cam) + ".png");
    }
}
