package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** Turning MPINet3d's output into an MPI. */
public final class MpiHead {
    private MpiHead() {}

    /**
     * The released MPI: {@code rgb = Σ_v w_v · PSV_v} (unclamped; −1 outside a view enters as it is) and α.
     *
     * @param psv [B, 3V, D, H, W] the plane-sweep volume MPINet3d saw
     * @param out [B, 1+V, D, H, W] MPINet3d's output {α, w_0 … w_{V−1}}
     * @return [B, D, H, W, 4] RGBA, planes back to front
     */
    public static NDArray rgba(NDArray psv, NDArray out) {
        Shape s = psv.getShape();
        int views = (int) (s.get(1) / 3);
        if (out.getShape().get(1) != 1 + views) {
            throw new IllegalArgumentException("MPINet3d output must have 1 + V = " + (1 + views) + " channels, got " + out.getShape());
        }
        NDArray rgb = null;
        for (int v = 0; v < views; v++) {
            NDArray term = psv.get(":, " + (3 * v) + ":" + (3 * v + 3)).mul(out.get(":, " + (1 + v) + ":" + (2 + v)));
            rgb = rgb == null ? term : rgb.add(term);
        }
        NDArray rgba = NDArrays.concat(new NDList(rgb, out.get(":, 0:1")), 1);   // [B, 4, D, H, W]
        return rgba.transpose(0, 2, 3, 4, 1);
    }
}
