package org.mask3d.eval;

import org.mask3d.InputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The methods the evaluation compares, all on the same inputs (two source cameras' frames and backgrounds, source 0
 * the MPI reference) and, except {@link #NEAREST_SOURCE}, through the same {@link org.mask3d.render.MpiRenderer} to
 * the held-out target camera. {@code dyn} is MPINet3d on the frames' sweep, {@code bg} the same network on the
 * backgrounds' sweep (METHOD.md §4.3).
 */
public enum EvalMethod {
    /** The method: {@code M·dyn + (1−M)·bg} with M the MaskNet3d volume [D,H,W], on all four channels. */
    MASK3D("mask3d", "3D mask volume (the method)"),
    /** Frame-by-frame static view synthesis: the dynamic MPI alone, no mask. */
    PER_FRAME("per_frame", "per-frame MPI, no mask"),
    /** The background MPI alone (temporally constant; misses the moving objects). */
    BACKGROUND("background", "background MPI only"),
    /**
     * A 2D-mask baseline: a mask constant along depth, from the reference source view's frame–background difference
     * ({@link Mask2d}), broadcast over every plane, then blended as {@link #MASK3D}.
     */
    MASK2D("mask2d", "2D mask (constant along depth)"),
    /**
     * A control for {@link #MASK3D}: the same blend with the 3D mask replaced by its mean over the volume (one number per
     * frame), so {@code m̄·dyn + (1−m̄)·bg}. What mask3d gains over this comes from where the mask puts its weight, not
     * from blending towards the temporally constant background MPI as such.
     */
    CONSTANT_BLEND("constant_blend", "constant blend at the 3D mask's mean (control)"),
    /** A trivial reference: the nearest source camera's frame copied as it is. */
    NEAREST_SOURCE("nearest_source", "nearest source image copied");

    private final String key;
    private final String description;

    EvalMethod(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The config and table name. */
    public String key() { return key; }

    /** One line for legends and tables. */
    public String description() { return description; }

    /** Whether the method needs the trained MaskNet3d. */
    public boolean needsMaskNet() { return this == MASK3D || this == CONSTANT_BLEND; }

    /** The method of a config name, or an {@link InputException} listing the names. */
    public static EvalMethod fromKey(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT);
        for (EvalMethod m : values()) if (m.key.equals(k)) return m;
        throw new InputException("unknown method '" + key + "'; use any of "
                + Arrays.stream(values()).map(EvalMethod::key).collect(Collectors.joining(", ")));
    }
}
