package org.mask3d.model;

/**
 * How the batch-norm layers of {@link Vgg19BnFeatures} normalise (METHOD.md §5.1, "gotcha").
 */
public enum BatchNormMode {
    /**
     * Inference mode, the default and what {@code VggBNLoss.__init__} asks for ({@code vgg.eval()}):
     * {@code y = (x − running_mean) / sqrt(running_var + 1e−5) · γ + β}. Nothing is updated.
     */
    EVAL,
    /**
     * The released training behaviour: Lightning calls {@code train()} on the whole module, loss included, so during
     * training steps VGG's batch norms run in training mode. Each forward call (one for the rendered batch, one for
     * the target batch) normalises with the statistics of its own batch over (B, H, W), using the biased variance:
     * {@code y = (x − μ_B) / sqrt(σ²_B + 1e−5) · γ + β}. It also updates the running statistics in place, PyTorch's
     * way with momentum 0.1 and the unbiased variance: {@code running_mean ← 0.9·running_mean + 0.1·μ_B},
     * {@code running_var ← 0.9·running_var + 0.1·σ²_B·n/(n−1)}, n = B·H·W. The update changes nothing in this
     * mode's outputs; it only matters for later {@link #EVAL} use (the released validation loss used the drifted
     * statistics). Gradients flow through μ_B and σ²_B.
     */
    RELEASED_TRAIN
}
