package org.mask3d.model;

import java.util.List;

/**
 * The layer list of the 3-D U-Net that MPINet3d and MaskNet3d share (METHOD.md §3.2), free of any engine: the DJL
 * block ({@link UNet3d}) and the CUDA inference ({@link CudaUNet}) are both built from it.
 */
public final class UNetTopology {
    private UNetTopology() {}

    /**
     * One Conv3dBlock: Conv3d(k, stride, pad, bias) → ReLU → GroupNorm(1, out) where {@code actNorm}, else the bare
     * convolution (the last layer). Parameters by released key: {@code NAME.model.0.weight} [out, in, k, k, k],
     * {@code NAME.model.0.bias} [out], and with actNorm {@code NAME.model.2.weight}/{@code .bias} (γ, β) [out].
     */
    public record Layer(String name, int in, int out, int k, int pad, int stride, boolean actNorm) {
        public String weightKey() { return name + ".model.0.weight"; }
        public String biasKey() { return name + ".model.0.bias"; }
        public String gammaKey() { return name + ".model.2.weight"; }
        public String betaKey() { return name + ".model.2.bias"; }
        public int taps() { return k * k * k; }
    }

    /** The 15 layers in execution order for a network with {@code in} input and {@code out} output channels. */
    public static List<Layer> layers(int in, int out, int nf) {
        return List.of(
                new Layer("conv1_1", in, nf, 7, 3, 1, true),
                new Layer("conv1_2", nf, nf * 2, 7, 3, 2, true),
                new Layer("conv2_1", nf * 2, nf * 2, 3, 1, 1, true),
                new Layer("conv2_2", nf * 2, nf * 4, 3, 1, 2, true),
                new Layer("conv3_1", nf * 4, nf * 4, 3, 1, 1, true),
                new Layer("conv3_2", nf * 4, nf * 8, 3, 1, 2, true),
                new Layer("conv4_1", nf * 8, nf * 8, 3, 1, 1, true),
                new Layer("conv4_2", nf * 8, nf * 8, 3, 1, 1, true),
                new Layer("conv5_1", nf * 16, nf * 4, 3, 1, 1, true),
                new Layer("conv5_2", nf * 4, nf * 4, 3, 1, 1, true),
                new Layer("conv6_1", nf * 8, nf * 2, 3, 1, 1, true),
                new Layer("conv6_2", nf * 2, nf * 2, 3, 1, 1, true),
                new Layer("conv7_1", nf * 4, nf * 2, 3, 1, 1, true),
                new Layer("conv7_2", nf * 2, nf, 3, 1, 1, true),
                new Layer("conv7_3", nf, out, 3, 1, 1, false));
    }

    /** Output size of a convolution along one axis: (n + 2·pad − k) / stride + 1. */
    public static int convOut(int n, int k, int pad, int stride) { return (n + 2 * pad - k) / stride + 1; }
}
