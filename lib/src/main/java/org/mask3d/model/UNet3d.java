package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 3-D U-Net both networks of the method share (METHOD.md §3; released {@code MPINet3d}/{@code MaskNet3d}), as a
 * DJL block whose parameter names are the released state-dict keys ({@code conv1_1.model.0.weight}, …), so official
 * checkpoints load by name.
 *
 * <p>Input [B, inC, D, H, W] (D = 32 planes). Each {@code Conv3dBlock} is Conv3d (bias) → ReLU → GroupNorm(1, C) with
 * per-channel affine (normalised over C·D·H·W per sample, eps 1e-5, biased variance); the last one has neither
 * activation nor norm. Encoder: conv1_1 (7³) / conv1_2 (7³, stride 2), conv2_x, conv3_x (3³, the second stride 2),
 * conv4_x (3³). Decoder: skips are concatenated [decoder, skip] at the low resolution <i>before</i> nearest ×2
 * upsampling of D, H and W; {@code safeshape} crops only H and W of the decoder tensor to the skip's (the released
 * code). The head is applied by the subclass. Initialisation: PyTorch's defaults (conv weight and bias
 * U(±1/√fan_in), GroupNorm γ = 1, β = 0).
 */
public abstract class UNet3d extends AbstractBlock {

    /** One Conv3dBlock's layout. */
    private record Layer(String name, int in, int out, int k, int pad, int stride, boolean actNorm) {}

    private final int inChannels, outChannels, nf;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Parameter[]> params = new LinkedHashMap<>();

    protected UNet3d(int inChannels, int outChannels, int nf) {
        super((byte) 1);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.nf = nf;
        for (UNetTopology.Layer l : UNetTopology.layers(inChannels, outChannels, nf)) {
            add(l.name(), l.in(), l.out(), l.k(), l.pad(), l.stride(), l.actNorm());
        }
    }

    private void add(String name, int in, int out, int k, int pad, int stride, boolean actNorm) {
        layers.add(new Layer(name, in, out, k, pad, stride, actNorm));
        float bound = (float) (1.0 / Math.sqrt((double) in * k * k * k));
        List<Parameter> ps = new ArrayList<>();
        ps.add(addParameter(Parameter.builder().setName(name + ".model.0.weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, k, k, k)).optInitializer(new UniformInitializer(bound)).build()));
        ps.add(addParameter(Parameter.builder().setName(name + ".model.0.bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(new UniformInitializer(bound)).build()));
        if (actNorm) {
            ps.add(addParameter(Parameter.builder().setName(name + ".model.2.weight").setType(Parameter.Type.GAMMA)
                    .optShape(new Shape(out)).optInitializer(new ConstantInitializer(1f)).build()));
            ps.add(addParameter(Parameter.builder().setName(name + ".model.2.bias").setType(Parameter.Type.BETA)
                    .optShape(new Shape(out)).optInitializer(new ConstantInitializer(0f)).build()));
        }
        params.put(name, ps.toArray(new Parameter[0]));
    }

    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }

    /** The expected shape of every parameter, by released state-dict key (without a prefix). */
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (Parameter[] ps : params.values()) for (Parameter p : ps) out.put(p.getName(), shapeOf(p));
        return out;
    }

    static Shape shapeOf(Parameter p) {
        // the shape given at construction (Parameter#getShape is only set after initialisation)
        try {
            java.lang.reflect.Field f = Parameter.class.getDeclaredField("shape");
            f.setAccessible(true);
            return (Shape) f.get(p);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parameters as host arrays by released key (PyTorch layouts), e.g. for {@link CudaNetworks}. */
    public Map<String, float[]> hostWeights() {
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Parameter[] ps : params.values()) {
            for (Parameter p : ps) {
                if (!p.isInitialized()) throw new IllegalStateException(this + " is not initialised");
                w.put(p.getName(), p.getArray().toFloatArray());
            }
        }
        return w;
    }

    /** Number of scalar parameters (MPINet3d(6,2): 576,994; MaskNet3d(12,1): 593,241). */
    public long parameterCount() {
        long n = 0;
        for (Shape s : parameterShapes().values()) n += s.size();
        return n;
    }

    private NDArray block(ParameterStore ps, String name, NDArray x, boolean training) {
        Layer l = layers.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
        Parameter[] p = params.get(name);
        NDArray w = ps.getValue(p[0], x.getDevice(), training), b = ps.getValue(p[1], x.getDevice(), training);
        NDArray y = Conv3d.conv3d(x, w, b, new Shape(l.stride(), l.stride(), l.stride()),
                new Shape(l.pad(), l.pad(), l.pad()), new Shape(1, 1, 1), 1).singletonOrThrow();
        if (!l.actNorm()) return y;
        y = y.maximum(Losses.scalar(y, 0));   // not maximum(0f): see HostArrays.scalar
        return groupNorm1(y, ps.getValue(p[2], x.getDevice(), training), ps.getValue(p[3], x.getDevice(), training));
    }

    /** GroupNorm(1, C): per sample over (C, D, H, W), eps 1e-5, biased variance; then per-channel γ, β. */
    static NDArray groupNorm1(NDArray x, NDArray gamma, NDArray beta) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1);
        NDArray flat = x.reshape(b, -1);
        NDArray mean = flat.mean(new int[]{1}, true);
        NDArray centred = flat.sub(mean);
        NDArray var = centred.square().mean(new int[]{1}, true);
        NDArray norm = centred.div(var.add(1e-5f).sqrt()).reshape(s);
        Shape cs = new Shape(1, c, 1, 1, 1);
        return norm.mul(gamma.reshape(cs)).add(beta.reshape(cs));
    }

    /** Nearest ×2 upsampling of D, H and W of [B, C, D, H, W]. */
    static NDArray up2(NDArray x) { return x.repeat(2, 2).repeat(3, 2).repeat(4, 2); }

    /** The released {@code safeshape}: crop the last two axes of {@code sec} to {@code pri}'s. */
    static NDArray safeshape(NDArray sec, NDArray pri) {
        Shape p = pri.getShape();
        return sec.get(":, :, :, :" + p.get(3) + ", :" + p.get(4));
    }

    /** The U-Net without its head: [B, outC, D, H', W'] raw outputs (H' = 2·ceil-ish(H/2), = H for even H). */
    protected NDArray trunk(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 5 || s.get(1) != inChannels) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " input must be [B," + inChannels + ",D,H,W], got " + s);
        }
        if (s.get(2) % 8 != 0) throw new IllegalArgumentException("the number of planes must be a multiple of 8, got " + s.get(2));
        NDArray conv1 = block(ps, "conv1_2", block(ps, "conv1_1", x, training), training);
        NDArray conv2 = block(ps, "conv2_2", block(ps, "conv2_1", conv1, training), training);
        NDArray conv3 = block(ps, "conv3_2", block(ps, "conv3_1", conv2, training), training);
        NDArray conv4 = block(ps, "conv4_2", block(ps, "conv4_1", conv3, training), training);
        NDArray y = NDArrays.concat(new NDList(conv4, conv3), 1);
        NDArray conv5 = block(ps, "conv5_2", block(ps, "conv5_1", up2(y), training), training);
        y = NDArrays.concat(new NDList(safeshape(conv5, conv2), conv2), 1);
        NDArray conv6 = block(ps, "conv6_2", block(ps, "conv6_1", up2(y), training), training);
        y = NDArrays.concat(new NDList(safeshape(conv6, conv1), conv1), 1);
        return block(ps, "conv7_3", block(ps, "conv7_2", block(ps, "conv7_1", up2(y), training), training), training);
    }

    @Override public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long h = s.get(3), w = s.get(4);
        long h1 = (h + 6 - 7) / 2 + 1, w1 = (w + 6 - 7) / 2 + 1;
        return new Shape[]{new Shape(s.get(0), headChannels(), s.get(2), 2 * h1, 2 * w1)};
    }

    /** Channels the head outputs. */
    protected abstract long headChannels();

    @Override public String toString() {
        return getClass().getSimpleName() + "(" + inChannels + ", " + outChannels + ", nf=" + nf + ", " + parameterCount() + " parameters)";
    }

    @Override protected abstract NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                                       PairList<String, Object> params);

    /** Casts the parameters to another data type (float64 for gradient checks). */
    static DataType dtype(NDArray x) { return x.getDataType(); }
}
