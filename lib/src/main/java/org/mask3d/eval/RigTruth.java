package org.mask3d.eval;

import org.mask3d.data.SyntheticRig;
import org.mask3d.geometry.Camera;

import java.util.HashMap;
import java.util.Map;

/**
 * Exact per-pixel truth of the synthetic rig for the evaluation: which target pixels are static, and which are
 * disocclusions (static surface that a moving object hides from the MPI's reference camera). Views are ray-cast once
 * and cached.
 */
public final class RigTruth {
    private final SyntheticRig rig;
    private final Map<String, SyntheticRig.View> views = new HashMap<>();

    public RigTruth(SyntheticRig rig) { this.rig = rig; }

    private synchronized SyntheticRig.View view(int cam, int t, boolean dyn) {
        return views.computeIfAbsent(cam + ":" + t + ":" + dyn, k -> rig.view(cam, t, dyn));
    }

    /** [H,W], true where camera {@code cam} sees a static surface at frame {@code t} (exact: no moving object). */
    public boolean[] staticMask(int cam, int t) {
        float[] m = view(cam, t, true).mask();
        boolean[] out = new boolean[m.length];
        for (int p = 0; p < m.length; p++) out[p] = m[p] == 0f;
        return out;
    }

    /**
     * [H,W] disocclusions of camera {@code target} at frame {@code t} for an MPI referenced at camera {@code ref}:
     * target pixels whose surface is static, and whose 3D point (target ray at its true depth) projects inside the
     * reference image where a moving object lies in front of it (reference depth below 99% of the point's depth).
     * There an MPI built from the frames has to invent what it never saw; the background MPI saw it.
     */
    public boolean[] disocclusions(int target, int ref, int t) {
        SyntheticRig.View tv = view(target, t, true), rv = view(ref, t, true);
        Camera tc = rig.cameras().get(target), rc = rig.cameras().get(ref);
        int h = tv.height(), w = tv.width();
        double[] c2w = tc.c2w(), w2r = rc.w2c();
        boolean[] out = new boolean[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                float z = tv.depth()[p];
                if (tv.mask()[p] != 0f || !(z > 0)) continue;
                double cx = (x + 0.5 - tc.cx()) / tc.fx() * z, cy = (y + 0.5 - tc.cy()) / tc.fy() * z;
                double wx = c2w[0] * cx + c2w[1] * cy + c2w[2] * z + c2w[3];
                double wy = c2w[4] * cx + c2w[5] * cy + c2w[6] * z + c2w[7];
                double wz = c2w[8] * cx + c2w[9] * cy + c2w[10] * z + c2w[11];
                double rx = w2r[0] * wx + w2r[1] * wy + w2r[2] * wz + w2r[3];
                double ry = w2r[4] * wx + w2r[5] * wy + w2r[6] * wz + w2r[7];
                double rz = w2r[8] * wx + w2r[9] * wy + w2r[10] * wz + w2r[11];
                if (!(rz > 0)) continue;
                int u = (int) Math.floor(rc.fx() * rx / rz + rc.cx()), v = (int) Math.floor(rc.fy() * ry / rz + rc.cy());
                if (u < 0 || v < 0 || u >= rv.width() || v >= rv.height()) continue;
                int q = v * rv.width() + u;
                out[p] = rv.mask()[q] != 0f && rv.depth()[q] < 0.99 * rz;
            }
        }
        return out;
    }
}
