package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import org.mask3d.InputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code loss_type}s of both training stages that can run, one table for both (METHOD.md §5.2): each key, the
 * stage(s) that accept it ({@link #forStage}), whether it needs the VGG19-BN weights, and its computation.
 *
 * <p>Stage 1 ({@code train-mpi}, the released {@code train_mpi/opt.py}): {@link #L1} (the default), {@link #MSE}
 * and {@link #VGG}. Stage 2 ({@code train-mask}, {@code loss_dict} of {@code train_mask/losses.py}): the released
 * config uses {@link #VGG_ONLY}; {@code opt.py}'s default is {@link #FULL_LOSS}; {@link #MSE} and {@link #L1} too.
 * The other released stage-2 keys ({@code masked_l1}, {@code vgg_video}, {@code fgbgl1}, {@code fgbgvgg}) expect
 * outputs that the released RenderNet never produces, so they are not offered.
 *
 * <p>{@link #L1_NO_MASK} and {@link #L1_FULL_LOSS} are mask3d additions, not released keys: {@code no_mask} and
 * {@code full_loss} with the VGG term replaced by L1, so the loss ablation can run without the VGG19-BN weights
 * ({@link #l1Counterpart()}; {@code vgg_only}'s and {@code vgg}'s counterpart is the released {@link #L1}).
 */
public enum LossType {
    /** {@code vgg_only} (stage 2): {@code VggBNLoss(rgb, tgt_rgb)}. */
    VGG_ONLY("vgg_only", true, Stage.MASK),
    /** {@code no_mask} (stage 2): {@code VggBNLoss(rgb, tgt_rgb) + 0.10·Sparse(volume)}. */
    NO_MASK("no_mask", true, Stage.MASK),
    /** {@code full_loss} (stage 2): {@code VggBNLoss(rgb, tgt_rgb) + 0.25·MaskLoss(alpha, tgt_mask) + 0.10·Sparse(volume)}. */
    FULL_LOSS("full_loss", true, Stage.MASK),
    /** {@code mse} (both stages): {@code MSE(rgb, tgt_rgb)}. */
    MSE("mse", false, Stage.MPI, Stage.MASK),
    /** {@code l1} (both stages; stage 1's default): {@code L1(rgb, tgt_rgb)}. */
    L1("l1", false, Stage.MPI, Stage.MASK),
    /** {@code l1_no_mask} (mask3d addition, not released): {@code L1(rgb, tgt_rgb) + 0.10·Sparse(volume)}. */
    L1_NO_MASK("l1_no_mask", false, Stage.MASK),
    /**
     * {@code l1_full_loss} (mask3d addition, not released):
     * {@code L1(rgb, tgt_rgb) + 0.25·MaskLoss(alpha, tgt_mask) + 0.10·Sparse(volume)}.
     */
    L1_FULL_LOSS("l1_full_loss", false, Stage.MASK),
    /** {@code vgg} (stage 1): {@code VggBNLoss(rgb, tgt_rgb)}, the same loss as stage 2's {@code vgg_only}. */
    VGG("vgg", true, Stage.MPI);

    /** The training stage that accepts a loss: stage 1 ({@code train-mpi}) or stage 2 ({@code train-mask}). */
    public enum Stage {
        MPI("train-mpi"), MASK("train-mask");

        private final String command;

        Stage(String command) { this.command = command; }

        /** The command that trains this stage. */
        public String command() { return command; }
    }

    /** Weight of MaskLoss in {@code full_loss}. */
    public static final double MASK_WEIGHT = 0.25;
    /** Weight of Sparse in {@code no_mask} and {@code full_loss}. */
    public static final double SPARSE_WEIGHT = 0.10;

    private final String key;
    private final boolean needsVgg;
    private final Set<Stage> stages;

    LossType(String key, boolean needsVgg, Stage... stages) {
        this.key = key;
        this.needsVgg = needsVgg;
        this.stages = Collections.unmodifiableSet(EnumSet.copyOf(Arrays.asList(stages)));
    }

    /** The released {@code loss_type} name. */
    public String key() { return key; }

    /** The stages that accept this loss. */
    public Set<Stage> stages() { return stages; }

    /** Whether {@code stage} accepts this loss. */
    public boolean accepts(Stage stage) { return stages.contains(stage); }

    /** Every loss {@code stage} accepts, in table order. */
    public static List<LossType> of(Stage stage) { return Arrays.stream(values()).filter(l -> l.accepts(stage)).toList(); }

    /** Whether this loss needs the VGG weights. */
    public boolean needsVgg() { return needsVgg; }

    /** Whether this loss has the MaskLoss term and so needs the target's foreground mask. */
    public boolean needsTargetMask() { return this == FULL_LOSS || this == L1_FULL_LOSS; }

    /** Whether this loss has the Sparse term on the mask volume. */
    public boolean hasSparseTerm() { return this == NO_MASK || this == FULL_LOSS || this == L1_NO_MASK || this == L1_FULL_LOSS; }

    /**
     * The unweighted terms {@link #compute} reports, in order (the training log's columns): the image term
     * ({@code vgg}, {@code mse} or {@code l1}), then {@code mask} and {@code sparse} where present.
     */
    public List<String> terms() {
        List<String> t = new ArrayList<>();
        t.add(needsVgg ? "vgg" : this == MSE ? "mse" : "l1");
        if (needsTargetMask()) t.add("mask");
        if (hasSparseTerm()) t.add("sparse");
        return List.copyOf(t);
    }

    /**
     * The same loss without VGG: {@code vgg_only → l1}, {@code no_mask → l1_no_mask}, {@code full_loss →
     * l1_full_loss}; a loss that needs no VGG is its own counterpart.
     */
    public LossType l1Counterpart() {
        return switch (this) {
            case VGG_ONLY, VGG -> L1;
            case NO_MASK -> L1_NO_MASK;
            case FULL_LOSS -> L1_FULL_LOSS;
            default -> this;
        };
    }

    /**
     * The loss of a {@code loss_type} name of either stage (any case).
     *
     * @throws InputException naming the supported keys, and saying why a known but unsupported released key is
     *                        refused
     */
    public static LossType fromKey(String key) { return find(key, List.of(values()), null); }

    /**
     * The loss of a {@code loss_type} name that {@code stage} accepts (any case).
     *
     * @throws InputException naming the keys {@code stage} accepts (and, for a key of the other stage, saying so)
     */
    public static LossType forStage(String key, Stage stage) { return find(key, of(stage), stage); }

    /** {@link #forStage} of stage 2 (the mask stage's {@code loss_type}, the evaluation's {@code mask_loss}). */
    public static LossType forMaskStage(String key) { return forStage(key, Stage.MASK); }

    private static LossType find(String key, List<LossType> allowed, Stage stage) {
        String k = key == null ? "" : key.strip().toLowerCase(Locale.ROOT);
        for (LossType l : allowed) if (l.key.equals(k)) return l;
        String supported = allowed.stream().map(LossType::key).collect(Collectors.joining(", "));
        String forStage = stage == null ? "" : " for " + stage.command();
        for (LossType l : values()) {
            if (l.key.equals(k)) {
                throw new InputException("loss_type " + k + " is a " + l.stages.iterator().next().command()
                        + " loss; " + stage.command() + " accepts " + supported);
            }
        }
        if (Arrays.asList("masked_l1", "vgg_video", "fgbgl1", "fgbgvgg").contains(k)) {
            throw new InputException("loss_type " + k + " exists in the released code but needs outputs its "
                    + "RenderNet never produces; use one of " + supported + forStage);
        }
        throw new InputException("unknown loss_type " + k + "; use one of " + supported + forStage);
    }

    /**
     * The named inputs of a loss (the released {@code results} and {@code batch} keys); stage-1 losses read only
     * the images ({@link #images}).
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
    public record Inputs(NDArray rgb, NDArray targetRgb, NDArray maskVolume, NDArray fgAccAlpha, NDArray targetMask) {
        /** The inputs of an image-only loss ({@code l1}, {@code mse}, {@code vgg}, {@code vgg_only}). */
        public static Inputs images(NDArray rgb, NDArray targetRgb) { return new Inputs(rgb, targetRgb, null, null, null); }
    }

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
                if (hasSparseTerm()) {
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
