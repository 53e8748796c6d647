package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.mask3d.geometry.Camera;
import org.mask3d.render.DjlRenderer;

/**
 * The stage-2 forward pass of the released {@code train_mask/net.py} {@code RenderNet} (METHOD.md §4.3), for one
 * sample: the frozen MPINet3d makes the dynamic MPI from the frames' sweep and the background MPI from the
 * backgrounds' sweep (one batch of two, outputs detached), MaskNet3d sees all 12 channels, the blend
 * {@code M·fg + (1−M)·bg} acts on all four channels, and the blended MPI and the masked dynamic MPI {@code M·fg}
 * are warped to the target and composited. Gradients flow only into MaskNet3d.
 */
public final class MaskRenderNet {
    private final MpiNet3d mpiNet;
    private final MaskNet3d maskNet;

    public MaskRenderNet(MpiNet3d mpiNet, MaskNet3d maskNet) {
        this.mpiNet = mpiNet;
        this.maskNet = maskNet;
    }

    public MpiNet3d mpiNet() { return mpiNet; }
    public MaskNet3d maskNet() { return maskNet; }

    /**
     * What one forward pass gives.
     *
     * @param rgb        [3, h, w] the blended MPI at the target (not clamped)
     * @param fgAlpha    [h, w] accumulated alpha of the masked dynamic MPI at the target (MaskLoss's α)
     * @param mask       [D, H, W] the mask volume
     * @param mpinetOut  [3, D, H, W] MPINet3d on the frames' sweep: α, w0, w1
     * @param mpiFg      [D, H, W, 4] the dynamic MPI (detached)
     * @param mpiBg      [D, H, W, 4] the background MPI (detached)
     * @param disparity  [h, w] expected disparity of the blended MPI
     */
    public record Output(NDArray rgb, NDArray fgAlpha, NDArray mask, NDArray mpinetOut, NDArray mpiFg, NDArray mpiBg,
                         NDArray disparity) {}

    /**
     * @param psv      [12, D, H, W]: frame v0, frame v1, background v0, background v1 (RGB each), swept into {@code ref}
     * @param depths   [D] plane depths, back to front
     * @param ps       the parameter store (a training store for MaskNet3d's gradients, or an inference one)
     * @param training whether MaskNet3d runs in training mode (it has no dropout or batch norm: the outputs are the
     *                 same; the flag only decides what the parameter store records)
     */
    public Output forward(NDManager m, NDArray psv, double[] depths, Camera ref, Camera target, ParameterStore ps,
                          boolean training) {
        NDArray vol = psv.expandDims(0);                                                      // [1, 12, D, H, W]
        // the frozen MPI network runs in a sub-manager that is closed right after: its activations are freed at
        // once (DJL keeps every intermediate array until its manager closes) and only the MPIs are kept
        NDArray out, rgba;
        try (NDManager sub = m.newSubManager()) {
            NDArray in = vol.duplicate();
            in.attach(sub);
            NDArray pair = NDArrays.concat(new NDList(in.get(":, 0:6"), in.get(":, 6:12")), 0);   // [2, 6, D, H, W]
            out = mpiNet.forward(ps, new NDList(pair), false).singletonOrThrow().stopGradient();
            rgba = MpiHead.rgba(pair, out).stopGradient();                                      // [2, D, H, W, 4]
            out.attach(m);
            rgba.attach(m);
        }
        NDArray fg = rgba.get(0), bg = rgba.get(1);
        NDArray mask = maskNet.forward(ps, new NDList(vol), training).singletonOrThrow().get(0).get(0);   // [D, H, W]
        NDArray m4 = mask.expandDims(3);
        NDArray full = fg.mul(m4).add(bg.mul(m4.neg().add(1)));
        NDArray masked = fg.mul(m4);
        NDArray[] r = DjlRenderer.render(m, full, depths, ref, target);
        NDArray[] rm = DjlRenderer.render(m, masked, depths, ref, target);
        return new Output(r[0], rm[1], mask, out.get(0), fg, bg, r[2]);
    }
}
