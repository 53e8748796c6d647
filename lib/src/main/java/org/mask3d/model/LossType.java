package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import org.mask3d.InputException;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The mask-stage {@code loss_type}s of the released code that can run (METHOD.md §5.2, {@code loss_dict} of
 * {@code train_mask/losses.py}). The released config uses {@link #VGG_ONLY}; {@code opt.py}'s default is
 * {@link #FULL_LOSS}. The other released keys ({@code masked_l1}, {@code vgg_video}, {@code fgbgl1},
 * {@code fgbgvgg}) expect outputs that the released RenderNet never produces, so they are not offered.
 *
 * <p>{@link #L1_NO_MASK} and {@link #L1_FULL_LOSS} are mask3d additions, not released keys: {@code no_mask} and
 * {@code full_loss} with the VGG term replaced by L1, so the loss ablation can run without the VGG19-BN weights
 * ({@link #l1Counterpart()}; {@code vgg_only}'s counterpart is the released {@link #L1}).
 */
public enum LossType {
    /** {@code vgg_only}: {@code VggBNLoss(rgb, tgt_rgb)}. */
    VGG_ONLY("vgg_only", true),
    /** {@code no_mask}: {@code VggBNLoss(rgb, tgt_rgb) + 0.10·Sparse(volume)}. */
    NO_MASK("no_mask", true),
    /** {@code full_loss}: {@code VggBNLoss(rgb, tgt_rgb) + 0.25·MaskLoss(alpha, tgt_mask) + 0.10·Sparse(volume)}. */
    FULL_LOSS("full_loss", true),
    /** {@code mse}: {@code MSE(rgb, tgt_rgb)}. */
    MSE("mse", false),
    /** {@code l1}: {@code L1(rgb, tgt_rgb)}. */
    L1("l1", false),
    /** {@code l1_no_mask} (mask3d addition, not released): {@code L1(rgb, tgt_rgb) + 0.10·Sparse(volume)}. */
    L1_NO_MASK("l1_no_mask", false),
    /**
     * {@code l1_full_loss} (mask3d addition, not released):
     * {@code L1(rgb, tgt_rgb) + 0.25·MaskLoss(alpha, tgt_mask) + 0.10·Sparse(volume)}.
     */
    L1_FULL_LOSS("l1_full_loss", false);

    /** Weight of MaskLoss in {@code full_loss}. */
    public static final double MASK_WEIGHT = 0.25;
    /** Weight of Sparse in {@code no_mask} and {@code full_loss}. */
    public static final double SPARSE_WEIGHT = 0.10;

    private final String key;
    private final boolean needsVgg;

    LossType(String key, boolean needsVgg) {
        this.key = key;
        this.needsVgg = needsVgg;
    }

    /** The released {@code loss_type} name. */
    public String key() { return key; }

    /** Whether this loss needs the VGG weights. */
    public boolean needsVgg() { return needsVgg; }

    /** Whether this loss has the MaskLoss term and so needs the target's foreground mask. */
    public boolean needsTargetMask() { return this == FULL_LOSS || this == L1_FULL_LOSS; }

    /**
     * The same loss without VGG: {@code vgg_only → l1}, {@code no_mask → l1_no_mask}, {@code full_loss →
     * l1_full_loss}; a loss that needs no VGG is its own counterpart.
     */
    public LossType l1Counterpart() {
        return switch (this) {
            case VGG_ONLY -> L1;
            case NO_MASK -> L1_NO_MASK;
            case FULL_LOSS -> L1_FULL_LOSS;
            default -> this;
        };
    }

    /**
     * The loss for a released {@code loss_type} name (or one of mask3d's L1 additions).
     *
     * @throws InputException naming the supported keys, and saying why a known but unsupported released key is
     *                        refused
     */
    public static LossType fromKey(String key) {
        for (LossType l : values()) if (l.key.equals(key)) return l;
        String supported = Arrays.stream(values()).map(LossType::key).collect(Collectors.joining(", "));
        if (Arrays.asList("masked_l1", "vgg_video", "fgbgl1", "fgbgvgg").contains(key)) {
            throw new InputException("loss_type " + key + " exists in the released code but needs outputs its "
                    + "RenderNet never produces; use one of " + supported);
        }
        throw new InputException("unknown loss_type " + key + "; use one of " + supported);
    }

    /**
     * The named inputs of a mask-stage loss (the released {@code results} and {@code batch} keys).
     *
     * @param rgb        {@code results['rgb']}: the rendered target view [B, 3, H, W]
     * @param targetRgb  {@code batch['tgt_rgb']}: the target image [B, 3, H, W]
     * @param maskVolume {@code results['volume']}: the mask volume, any shape ([B, 1, D, H, W] in the release);
     *                   needed by {@code no_mask} and {@code full_loss}
     * @param fgAccAlpha {@code results['alpha']}: accumulated alpha of the masked dynamic MPI [B, H, W]; needed by
     *                   {@code full_loss}
     * @param targetMask {@code batch['tgt_mask']}: the target's foreground mask [B, H, W]; needed by
     *                   {@code full_loss}
     */
    public record Inputs(NDArray rgb, NDArray targetRgb, NDArray maskVolume, NDArray fgAccAlpha, NDArray targetMask) { }

    /**
     * A computed loss: the weighted total to back-propagate and its unweighted terms for logging.
     *
     * @param total the scalar to minimise
     * @param terms unweighted components by name ({@code vgg}, {@code mask}, {@code sparse}, {@code mse}, {@code l1})
     */
    public record Result(NDArray total, Map<String, NDArray> terms) { }

    /**
     * Computes this loss.
     *
     * @param in  the named inputs; those this loss does not use may be null
     * @param vgg the VGG loss, required when {@link #needsVgg()} (its batch-norm mode is used as it is)
     * @throws InputException {@link Vgg19BnFeatures#MISSING_WEIGHTS} when the VGG loss is needed but null
     */
    public Result compute(Inputs in, VggBnLoss vgg) {
        require("rgb", in.rgb());
        require("targetRgb", in.targetRgb());
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray total;
        switch (this) {
            case MSE -> { total = Losses.mse(in.rgb(), in.targetRgb()); terms.put("mse", total); }
            default -> {
                if (needsVgg) {
                    if (vgg == null) throw new InputException(Vgg19BnFeatures.MISSING_WEIGHTS);
                    total = vgg.compute(in.rgb(), in.targetRgb());
                    terms.put("vgg", total);
                } else {
                    total = Losses.l1(in.rgb(), in.targetRgb());
                    terms.put("l1", total);
                }
                if (needsTargetMask()) {
                    require("fgAccAlpha", in.fgAccAlpha());
                    require("targetMask", in.targetMask());
                    NDArray mask = Losses.maskLoss(in.fgAccAlpha(), in.targetMask());
                    terms.put("mask", mask);
                    total = total.add(mask.mul(Losses.scalar(mask, MASK_WEIGHT)));
                }
                if (this != VGG_ONLY && this != L1) {
                    require("maskVolume", in.maskVolume());
                    NDArray sparse = Losses.sparse(in.maskVolume());
                    terms.put("sparse", sparse);
                    total = total.add(sparse.mul(Losses.scalar(sparse, SPARSE_WEIGHT)));
                }
            }
        }
        return new Result(total, Collections.unmodifiableMap(terms));
    }

    private void require(String name, NDArray a) {
        if (a == null) throw new IllegalArgumentException("loss_type " + key + " needs " + name + ", got null");
    }
}
