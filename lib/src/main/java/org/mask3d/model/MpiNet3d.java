package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * MPINet3d(6, 2) (METHOD.md §3.2): the plane-sweep volume of two views [B, 6, D, H, W] → [B, 3, D, H, W] = {α, w0, w1}
 * with {@code α = sigmoid(x0)} and {@code (w0, w1) = softmax([0, x1])}, i.e. {@code w1 = sigmoid(x1)},
 * {@code w0 = 1 − w1}. The MPI's colour is {@code Σ_v w_v · PSV_v}, unclamped ({@link MpiHead#rgba}).
 */
public final class MpiNet3d extends UNet3d {
    public MpiNet3d() { this(6, 2, 8); }

    public MpiNet3d(int inChannels, int outChannels, int nf) { super(inChannels, outChannels, nf); }

    @Override protected long headChannels() { return outChannels() + 1; }

    @Override protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = trunk(ps, inputs.head(), training);
        NDArray alpha = x.get(":, 0:1").getNDArrayInternal().sigmoid();
        NDArray logits = NDArrays.concat(new NDList(x.get(":, 0:1").zerosLike(), x.get(":, 1:")), 1);
        NDArray weights = logits.softmax(1);
        return new NDList(NDArrays.concat(new NDList(alpha, weights), 1));
    }
}
