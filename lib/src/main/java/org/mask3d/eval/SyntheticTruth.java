package org.mask3d.eval;

import org.mask3d.data.SyntheticScene;
import org.mask3d.geometry.Camera;
import org.mask3d.render.Mpi;

/**
 * The exact answers of a {@link SyntheticScene} as MPIs: its cards lie exactly on the planes of its MPI
 * ({@link SyntheticScene#mpiDepths()}, back to front), so an MPI that holds each card's texture at the reference
 * camera's pixel centres renders camera 0's view exactly. Ground truth beside {@link RigTruth}; it sits in
 * {@code eval} because it needs both {@code data} (the scene) and {@code render} (the {@link Mpi}).
 */
public final class SyntheticTruth {
    private SyntheticTruth() {}

    /**
     * The exact MPI of the scene at {@code frame} on camera 0: each card's texture at the reference pixel centres of
     * its plane with alpha 1 inside the card, RGBA 0 elsewhere.
     *
     * @return an MPI of {@link SyntheticScene#planes()} planes at {@link SyntheticScene#mpiDepths()}, referenced at
     *         camera 0
     */
    public static Mpi exactMpi(SyntheticScene scene, int frame) { return mpi(scene, frame, true); }

    /** The exact MPI of the static background (the moving card left out). */
    public static Mpi backgroundMpi(SyntheticScene scene) { return mpi(scene, 0, false); }

    private static Mpi mpi(SyntheticScene scene, int frame, boolean withDynamic) {
        Camera ref = scene.cameras().get(0);
        int width = scene.width(), height = scene.height(), planes = scene.planes();
        double[] depths = scene.mpiDepths();
        int hw = width * height;
        float[] rgba = new float[planes * hw * 4];
        double fx = ref.fx(), fy = ref.fy(), cx = ref.cx(), cy = ref.cy();
        for (SyntheticScene.Card c : scene.cards()) {
            if (c.dynamic() && !withDynamic) continue;
            double z = depths[c.plane()];
            int base = c.plane() * hw * 4;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double px = z * (x + 0.5 - cx) / fx, py = z * (y + 0.5 - cy) / fy;
                    if (!c.inside(px, py, frame)) continue;
                    float[] col = c.texture(px, py, frame);
                    int o = base + (y * width + x) * 4;
                    rgba[o] = col[0];
                    rgba[o + 1] = col[1];
                    rgba[o + 2] = col[2];
                    rgba[o + 3] = 1f;
                }
            }
        }
        return new Mpi(rgba, planes, height, width, depths, ref);
    }

    /**
     * Per-voxel mask of the dynamic content at {@code frame}: 1 where the moving card is (its exact MPI differs from
     * the background's in alpha or red), else 0. [D,H,W].
     */
    public static float[] exactMask(SyntheticScene scene, int frame) {
        Mpi dyn = exactMpi(scene, frame), bg = backgroundMpi(scene);
        float[] m = new float[scene.planes() * scene.width() * scene.height()];
        float[] a = dyn.rgba(), b = bg.rgba();
        for (int i = 0; i < m.length; i++) {
            boolean differs = a[i * 4 + 3] != b[i * 4 + 3] || a[i * 4] != b[i * 4];
            m[i] = differs ? 1f : 0f;
        }
        return m;
    }
}
