package org.mask3d.model;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * MaskNet3d(12, 1) (METHOD.md §3.2): the 12-channel volume [frame v0, frame v1, background v0, background v1]
 * [B, 12, D, H, W] → the mask volume {@code sigmoid(x)} [B, 1, D, H, W].
 */
public final class MaskNet3d extends UNet3d {
    public MaskNet3d() { this(12, 1, 8); }

    public MaskNet3d(int inChannels, int outChannels, int nf) { super(inChannels, outChannels, nf); }

    @Override protected long headChannels() { return outChannels(); }

    @Override protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(trunk(ps, inputs.head(), training).getNDArrayInternal().sigmoid());
    }
}
