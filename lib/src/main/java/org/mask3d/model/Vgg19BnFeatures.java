package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.mask3d.InputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision's {@code vgg19_bn().features} up to index 45 (relu5_2), frozen, as the VGG perceptual loss uses it
 * (METHOD.md §5.1). Layer indices follow torchvision's configuration "E" with batch norm: every channel count gives
 * Conv2d(3×3, padding 1) at i, BatchNorm2d(eps 1e−5) at i+1 and ReLU at i+2; every "M" gives MaxPool2d(2, stride 2,
 * floor) at i. So convolutions sit at 0, 3, 7, 10, 14, 17, 20, 23, 27, 30, 33, 36, 40, 43 (64, 64, 128, 128,
 * 256×4, 512×4, 512×2 output channels) and pools at 6, 13, 26, 39. {@link #forward} returns the outputs of the
 * released slices [0:6], [6:13], [13:20], [20:33], [33:46]: indices 5, 12, 19, 32, 45, that is relu1_2, relu2_2,
 * relu3_2, relu4_2, relu5_2.
 *
 * <p>Weights come from a state dict keyed like torchvision's ({@code features.0.weight}, {@code features.0.bias},
 * {@code features.1.weight|bias|running_mean|running_var}, …; {@code num_batches_tracked}, the classifier and the
 * layers from index 46 on are ignored). They are copied into this object's own manager, so they never require
 * gradients: the network is frozen, gradients flow only to its input. Call {@link #close()} to free them.
 *
 * <p>The input is an ImageNet-normalised batch [B, 3, H, W] (see {@link VggBnLoss#normalize}) with H, W ≥ 16 (four
 * 2×2 pools precede relu5_2), of this network's data type.
 */
public final class Vgg19BnFeatures implements AutoCloseable {
    /** The message for a VGG loss asked for without weights (one place, so the flag name can change once). */
    public static final String MISSING_WEIGHTS = "the VGG loss needs torchvision's vgg19_bn weights "
            + "(vgg19_bn-c79401a0.pth); pass --vgg-weights PATH";
    /** The state-dict prefix of torchvision's {@code vgg19_bn().state_dict()}. */
    public static final String TORCHVISION_PREFIX = "features.";
    /** Batch-norm ε of torchvision's BatchNorm2d. */
    public static final double BN_EPS = 1e-5;
    /** PyTorch's batch-norm momentum (weight of the new batch in the running statistics). */
    public static final double BN_MOMENTUM = 0.1;
    /** torchvision's cfg "E" up to relu5_2 (0 = MaxPool2d(2)); the two later convolutions are not used. */
    private static final int[] CFG = {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512};
    /** Indices of the layers whose outputs are returned: relu1_2, relu2_2, relu3_2, relu4_2, relu5_2. */
    public static final int[] TAPS = {5, 12, 19, 32, 45};

    /** One convolution + batch norm (+ ReLU) of the network, by its torchvision index. */
    private record ConvBn(int index, int in, int out, NDArray w, NDArray b, NDArray gamma, NDArray beta,
                          NDArray runningMean, NDArray runningVar) { }

    private final NDManager manager;
    private final DataType dataType;
    /** Per torchvision index: a ConvBn at a conv index, the string "pool" at a pool index, null elsewhere. */
    private final Object[] layers = new Object[TAPS[TAPS.length - 1] + 1];
    private final List<ConvBn> convs = new ArrayList<>();
    private long batchesTracked;

    private Vgg19BnFeatures(NDManager manager, DataType dataType) {
        this.manager = manager;
        this.dataType = dataType;
    }

    /** The torchvision indices of the convolutions this network uses: 0, 3, 7, …, 43. */
    public static int[] convIndices() {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        for (int c : CFG) {
            if (c == 0) { i += 1; } else { out.add(i); i += 3; }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The torchvision indices of the max-pool layers below index 46: 6, 13, 26, 39. */
    public static int[] poolIndices() {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        for (int c : CFG) {
            if (c == 0) { out.add(i); i += 1; } else { i += 3; }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The keys and shapes this network needs from a torchvision-style state dict, in layer order.
     *
     * @param prefix the key prefix, {@link #TORCHVISION_PREFIX} for torchvision's own file
     */
    public static Map<String, Shape> expectedKeys(String prefix) {
        Map<String, Shape> out = new LinkedHashMap<>();
        int i = 0, in = 3;
        for (int c : CFG) {
            if (c == 0) { i += 1; continue; }
            out.put(prefix + i + ".weight", new Shape(c, in, 3, 3));
            out.put(prefix + i + ".bias", new Shape(c));
            for (String k : new String[]{"weight", "bias", "running_mean", "running_var"}) {
                out.put(prefix + (i + 1) + "." + k, new Shape(c));
            }
            in = c;
            i += 3;
        }
        return out;
    }

    /** {@link #fromStateDict(NDManager, Map, String, DataType)} for torchvision's keys, in float32. */
    public static Vgg19BnFeatures fromStateDict(NDManager parent, Map<String, NDArray> stateDict) {
        return fromStateDict(parent, stateDict, TORCHVISION_PREFIX, DataType.FLOAT32);
    }

    /**
     * Builds the frozen network from a state dict.
     *
     * @param parent    the manager under which this network's own manager is made
     * @param stateDict torchvision-style tensors; extra keys are ignored; null is the missing-weights error
     * @param prefix    the key prefix: {@code "features."} for torchvision's file; a checkpoint that holds the loss
     *                  module (the released Lightning ckpt stores it as {@code loss.vgg.layers.}) may use its own
     * @param dataType  float32 (training) or float64 (gradient checks); weights are converted to it
     * @throws InputException with {@link #MISSING_WEIGHTS} if {@code stateDict} is null, or naming every missing or
     *                        mis-shaped key with its expected and actual shape
     */
    public static Vgg19BnFeatures fromStateDict(NDManager parent, Map<String, NDArray> stateDict, String prefix,
                                                DataType dataType) {
        if (stateDict == null) throw new InputException(MISSING_WEIGHTS);
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64) {
            throw new IllegalArgumentException("dataType must be float32 or float64, got " + dataType);
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Shape> e : expectedKeys(prefix).entrySet()) {
            NDArray a = stateDict.get(e.getKey());
            if (a == null) {
                problems.add("missing " + e.getKey() + " (expected shape " + e.getValue() + ")");
            } else if (!a.getShape().equals(e.getValue())) {
                problems.add(e.getKey() + " has shape " + a.getShape() + ", expected " + e.getValue());
            } else if (!a.getDataType().isFloating()) {
                problems.add(e.getKey() + " has data type " + a.getDataType() + ", expected a float type");
            }
        }
        if (!problems.isEmpty()) {
            throw new InputException("VGG19-BN weights do not fit torchvision's vgg19_bn().features: "
                    + String.join("; ", problems));
        }
        Vgg19BnFeatures net = new Vgg19BnFeatures(parent.newSubManager(), dataType);
        int i = 0, in = 3;
        for (int c : CFG) {
            if (c == 0) { net.layers[i] = "pool"; i += 1; continue; }
            String conv = prefix + i + ".", bn = prefix + (i + 1) + ".";
            ConvBn l = new ConvBn(i, in, c, net.own(stateDict.get(conv + "weight")), net.own(stateDict.get(conv + "bias")),
                    net.own(stateDict.get(bn + "weight")), net.own(stateDict.get(bn + "bias")),
                    net.own(stateDict.get(bn + "running_mean")), net.own(stateDict.get(bn + "running_var")));
            net.layers[i] = l;
            net.convs.add(l);
            in = c;
            i += 3;
        }
        return net;
    }

    /** A detached copy in this network's manager and data type; never requires gradients. */
    private NDArray own(NDArray a) {
        NDArray detached = a.stopGradient();
        NDArray copy = detached.toType(dataType, true);
        detached.close();
        copy.attach(manager);
        return copy;
    }

    /** The data type of the weights and of the inputs this network accepts. */
    public DataType dataType() { return dataType; }

    /** How many {@link BatchNormMode#RELEASED_TRAIN} forward calls have updated the running statistics. */
    public long batchesTracked() { return batchesTracked; }

    /**
     * The network's tensors under torchvision's keys (running statistics as they are now, after any
     * {@link BatchNormMode#RELEASED_TRAIN} updates). The arrays are this network's own: read them, do not change them.
     */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (ConvBn l : convs) {
            String c = TORCHVISION_PREFIX + l.index() + ".", b = TORCHVISION_PREFIX + (l.index() + 1) + ".";
            out.put(c + "weight", l.w());
            out.put(c + "bias", l.b());
            out.put(b + "weight", l.gamma());
            out.put(b + "bias", l.beta());
            out.put(b + "running_mean", l.runningMean());
            out.put(b + "running_var", l.runningVar());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Runs the network up to relu5_2.
     *
     * @param x    ImageNet-normalised images [B, 3, H, W], H and W ≥ 16, of {@link #dataType()}
     * @param mode batch-norm behaviour; {@link BatchNormMode#RELEASED_TRAIN} updates the running statistics
     * @return the five slice outputs: relu1_2 [B,64,H,W], relu2_2 [B,128,H/2,W/2], relu3_2 [B,256,H/4,W/4],
     *         relu4_2 [B,512,H/8,W/8], relu5_2 [B,512,H/16,W/16] (floor division at each pool)
     */
    public NDList forward(NDArray x, BatchNormMode mode) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("VGG input must be [B,3,H,W], got " + s);
        }
        if (s.get(2) < 16 || s.get(3) < 16) {
            throw new IllegalArgumentException("VGG input must be at least 16×16 (four 2×2 pools before relu5_2), got "
                    + s);
        }
        if (x.getDataType() != dataType) {
            throw new IllegalArgumentException("VGG input must be " + dataType + " like its weights, got "
                    + x.getDataType());
        }
        boolean train = mode == BatchNormMode.RELEASED_TRAIN;
        NDList taps = new NDList(TAPS.length);
        NDArray h = x;
        int tap = 0;
        for (int i = 0; i <= TAPS[TAPS.length - 1]; i++) {
            Object layer = layers[i];
            if (layer instanceof ConvBn l) {
                h = Conv2d.conv2d(h, l.w(), l.b(), new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                        .singletonOrThrow();
                if (train) {
                    Shape hs = h.getShape();
                    if (hs.get(0) * hs.get(2) * hs.get(3) < 2) {
                        throw new IllegalArgumentException("training-mode batch norm needs more than one value per "
                                + "channel; layer " + (i + 1) + " got " + hs);
                    }
                }
                h = batchNorm(h, l, train);
                h = Activation.relu(h);
                i += 2;
            } else if ("pool".equals(layer)) {
                h = Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            }
            if (tap < TAPS.length && i == TAPS[tap]) {
                taps.add(h);
                tap++;
            }
        }
        if (train) batchesTracked++;
        return taps;
    }

    /**
     * libtorch's {@code batch_norm} with PyTorch's momentum 0.1 and ε 1e−5 as doubles. DJL's
     * {@code BatchNorm.batchNorm} takes them as floats and hands libtorch {@code (double) (1f − momentum)} (its
     * momentum is the weight of the old value), which is 0.1 only to 2e−8 relative: visible in float64 checks. On
     * another engine that call is the fallback.
     */
    private static NDArray batchNorm(NDArray h, ConvBn l, boolean train) {
        if (h instanceof PtNDArray p) {
            PtNDManager pm = p.getManager();
            return JniUtils.batchNorm(p, pm.from(l.runningMean()), pm.from(l.runningVar()), pm.from(l.gamma()),
                    pm.from(l.beta()), train, BN_MOMENTUM, BN_EPS);
        }
        return BatchNorm.batchNorm(h, l.runningMean(), l.runningVar(), l.gamma(), l.beta(), 1,
                (float) (1 - BN_MOMENTUM), (float) BN_EPS, train).singletonOrThrow();
    }

    @Override public void close() { manager.close(); }

    @Override public String toString() {
        return "Vgg19BnFeatures(" + dataType + ", convs " + Arrays.toString(convIndices()) + ", taps "
                + Arrays.toString(TAPS) + ")";
    }
}
