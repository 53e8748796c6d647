package org.mask3d.model;

/**
 * The stage-2 losses as their own type, for call sites not yet switched to {@link LossType} (eval's training of
 * the comparison models). Every constant is its {@link LossType} of the same name ({@link #type()}); keys,
 * weights and the computation live there only.
 */
public enum MaskStageLoss {
    VGG_ONLY, NO_MASK, FULL_LOSS, MSE, L1, L1_NO_MASK, L1_FULL_LOSS;

    /** The one loss enum's constant. */
    public LossType type() { return LossType.valueOf(name()); }

    /** The stage-2 constant of {@code t}. */
    public static MaskStageLoss of(LossType t) { return valueOf(t.name()); }

    /** The released {@code loss_type} name. */
    public String key() { return type().key(); }

    /** Whether this loss needs the VGG weights. */
    public boolean needsVgg() { return type().needsVgg(); }

    /** Whether this loss has the MaskLoss term and so needs the target's foreground mask. */
    public boolean needsTargetMask() { return type().needsTargetMask(); }

    /** {@link LossType#l1Counterpart()}. */
    public MaskStageLoss l1Counterpart() { return of(type().l1Counterpart()); }

    /** {@link LossType#forStage} of stage 2. */
    public static MaskStageLoss fromKey(String key) { return of(LossType.forStage(key, LossType.Stage.MASK)); }
}
