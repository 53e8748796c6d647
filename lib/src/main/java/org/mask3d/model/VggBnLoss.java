package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mask3d.InputException;
import org.mask3d.render.HostArrays;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The released perceptual loss {@code VggBNLoss} (METHOD.md §5.1; used by both training stages):
 * <pre>
 *   x̂ = (pred − μ) / σ,  ŷ = (target − μ) / σ      μ = (0.485, 0.456, 0.406), σ = (0.229, 0.224, 0.225) per channel
 *   L = L1(x̂, ŷ) + L1(φ1(x̂), φ1(ŷ))/2.6 + L1(φ2(x̂), φ2(ŷ))/4.8 + L1(φ3(x̂), φ3(ŷ))/3.7
 *                + L1(φ4(x̂), φ4(ŷ))/5.6 + L1(φ5(x̂), φ5(ŷ))·10/1.5
 * </pre>
 * where L1 is the mean absolute error over all elements and φ1 … φ5 are relu1_2, relu2_2, relu3_2, relu4_2,
 * relu5_2 of the frozen {@link Vgg19BnFeatures}. The pixel term is on the normalised images. φ runs on the
 * prediction first and then on the target (the order matters only in {@link BatchNormMode#RELEASED_TRAIN}, where
 * each call updates the running statistics). Gradients flow to {@code pred} (and {@code target}, if it requires
 * them), never to VGG.
 *
 * <p>Batch norm runs in {@link BatchNormMode#EVAL} by default; {@link #withMode} gives a loss over the same network
 * (same running statistics) in another mode, so a training step can use {@code RELEASED_TRAIN} and validation
 * {@code EVAL}, as the released Lightning code effectively did.
 */
public final class VggBnLoss {
    /** ImageNet channel means used by the released normalisation. */
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    /** ImageNet channel standard deviations used by the released normalisation. */
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    private final Vgg19BnFeatures features;
    private final BatchNormMode mode;

    /** A loss over {@code features} with batch norm in eval mode. */
    public VggBnLoss(Vgg19BnFeatures features) { this(features, BatchNormMode.EVAL); }

    /** A loss over {@code features} with the given batch-norm mode. */
    public VggBnLoss(Vgg19BnFeatures features, BatchNormMode mode) {
        if (features == null) throw new InputException(Vgg19BnFeatures.MISSING_WEIGHTS);
        if (mode == null) throw new IllegalArgumentException("mode must not be null");
        this.features = features;
        this.mode = mode;
    }

    /**
     * Loads torchvision's {@code vgg19_bn} weights from the file the user gave (float32, eval mode).
     *
     * @param weights the user's path to {@code vgg19_bn-c79401a0.pth} (or any state dict with torchvision's keys);
     *                null when the user gave none
     * @param reader  how to read the file (the project's PyTorch checkpoint reader)
     * @param manager the parent manager of the network's weights
     * @throws InputException {@link Vgg19BnFeatures#MISSING_WEIGHTS} when {@code weights} is null; a message naming
     *                        the path when it does not exist or cannot be read; missing or mis-shaped keys by name
     */
    public static VggBnLoss load(Path weights, WeightsReader reader, NDManager manager) {
        if (weights == null) throw new InputException(Vgg19BnFeatures.MISSING_WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new InputException("VGG weights file not found: " + weights + " (" + Vgg19BnFeatures.MISSING_WEIGHTS
                    + ")");
        }
        Map<String, NDArray> sd;
        try (NDManager tmp = manager.newSubManager()) {
            try {
                sd = reader.read(weights, tmp);
            } catch (IOException e) {
                throw new InputException("cannot read VGG weights " + weights + ": " + e.getMessage(), e);
            }
            return new VggBnLoss(Vgg19BnFeatures.fromStateDict(manager, sd));
        }
    }

    /** The same network (and running statistics) with another batch-norm mode. */
    public VggBnLoss withMode(BatchNormMode newMode) { return new VggBnLoss(features, newMode); }

    /** This loss's batch-norm mode. */
    public BatchNormMode mode() { return mode; }

    /** The frozen feature network. */
    public Vgg19BnFeatures features() { return features; }

    /**
     * ImageNet normalisation of {@code normalize_batch}: {@code (x − μ_c) / σ_c} per channel c.
     *
     * @param x [B, 3, H, W], float32 or float64
     */
    public static NDArray normalize(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("images must be [B,3,H,W], got " + s);
        }
        Losses.floating("images", x);
        NDManager m = x.getManager();
        DataType t = x.getDataType();
        NDArray mean = HostArrays.of(m, IMAGENET_MEAN, new Shape(1, 3, 1, 1)).toType(t, false);
        NDArray std = HostArrays.of(m, IMAGENET_STD, new Shape(1, 3, 1, 1)).toType(t, false);
        return x.sub(mean).div(std);
    }

    /**
     * The loss value.
     *
     * @param pred   rendered images [B, 3, H, W] in [0, 1] (unclamped), H, W ≥ 16, of the network's data type
     * @param target target images, the same shape and data type
     * @return the scalar loss
     */
    public NDArray compute(NDArray pred, NDArray target) {
        Losses.sameShape("pred", pred, "target", target);
        NDArray src = normalize(pred), tgt = normalize(target);
        NDList fs = features.forward(src, mode);
        NDList ft = features.forward(tgt, mode);
        NDArray total = Losses.l1(src, tgt);
        total = total.add(Losses.l1(fs.get(0), ft.get(0)).div(Losses.scalar(total, 2.6)));
        total = total.add(Losses.l1(fs.get(1), ft.get(1)).div(Losses.scalar(total, 4.8)));
        total = total.add(Losses.l1(fs.get(2), ft.get(2)).div(Losses.scalar(total, 3.7)));
        total = total.add(Losses.l1(fs.get(3), ft.get(3)).div(Losses.scalar(total, 5.6)));
        total = total.add(Losses.l1(fs.get(4), ft.get(4)).mul(Losses.scalar(total, 10)).div(Losses.scalar(total, 1.5)));
        return total;
    }
}
