package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Stage-2 (mask training) sampling as the released {@code mvcam} dataset does it (METHOD.md §2.2): for a scene,
 * one random frame t and three distinct random cameras — the first the target, the other two the sources (the
 * first source is the MPI reference). An epoch visits every scene once in random order; validation draws the same
 * way (the released validation is random too, METHOD.md §7 item 8: pass a fixed-seed {@link Random} for a
 * repeatable one).
 */
public final class MaskStageSampler {
    private final List<? extends Scene> scenes;

    public MaskStageSampler(List<? extends Scene> scenes) {
        if (scenes.isEmpty()) throw new InputException("the mask stage needs at least one scene, got none");
        for (Scene s : scenes) {
            if (s.numCameras() < 3) {
                throw new InputException(s.name() + ": the mask stage needs at least 3 cameras (a target and two sources), got "
                        + s.numCameras());
            }
            if (!s.hasBackgrounds()) {
                throw new InputException(s.name() + ": the mask stage needs a static background per camera "
                        + "(./mask3d prepare background makes them)");
            }
        }
        this.scenes = List.copyOf(scenes);
    }

    public List<? extends Scene> scenes() { return scenes; }

    /** Every scene once, in a random order. */
    public int[] epochOrder(Random rng) {
        int[] order = new int[scenes.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        return order;
    }

    /** A random sample of scene {@code sceneIndex}: random frame, random target and sources. */
    public MaskSample sample(int sceneIndex, Random rng) {
        Scene s = scenes.get(sceneIndex);
        int t = rng.nextInt(s.numFrames());
        int[] cams = choose(s.numCameras(), 3, rng);
        return sample(sceneIndex, t, cams[0], cams[1], cams[2]);
    }

    /** A fixed sample: frame t, target camera, source cameras (source 0 is the reference). */
    public MaskSample sample(int sceneIndex, int t, int target, int source0, int source1) {
        Scene s = scenes.get(sceneIndex);
        int[] src = {source0, source1};
        float[][] rgb = new float[2][], bg = new float[2][];
        Camera[] cams = new Camera[2];
        for (int i = 0; i < 2; i++) {
            rgb[i] = s.frame(src[i], t);
            bg[i] = s.background(src[i]);
            cams[i] = s.cameras().get(src[i]);
        }
        float[] fg = null, mask = null;
        if (s.hasForeground()) {
            fg = s.foreground(target, t);
            int n = s.width() * s.height();
            mask = new float[n];
            for (int p = 0; p < n; p++) mask[p] = fg[3 * n + p] > 0.5f ? 1f : 0f;
        }
        return new MaskSample(s.name(), t, target, src, rgb, bg, cams, s.cameras().get(target), s.frame(target, t),
                s.background(target), fg, mask, s.depthBounds(), s.height(), s.width());
    }

    /** {@code size} samples of random scenes (any batch size; all samples of one scene size stack). */
    public List<MaskSample> batch(int size, Random rng) {
        List<MaskSample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) out.add(sample(rng.nextInt(scenes.size()), rng));
        return out;
    }

    /** {@code k} distinct indices of {@code 0..n-1} in random order (numpy's {@code choice(n, k, replace=False)}). */
    static int[] choose(int n, int k, Random rng) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i]; all[i] = all[j]; all[j] = t;
        }
        int[] out = new int[k];
        System.arraycopy(all, 0, out, 0, k);
        return out;
    }
}
