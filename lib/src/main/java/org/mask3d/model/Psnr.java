package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * PSNR, the one definition for training logs and evaluation tables: {@code PSNR = −10·log10(MSE)} in dB on images
 * in [0,1] (data range L = 1), the prediction first, the target second, with two named variants.
 * <ul>
 *   <li>{@link #RELEASED}: the prediction as it is, as the released code logs it (a prediction outside [0,1] is
 *       penalised for its whole error);</li>
 *   <li>{@link #CLAMPED}: the prediction clamped to [0,1] first, as an image written to an 8-bit file would be:
 *       {@code −10·log10((1/N)·Σ_i (clamp(p_i, 0, 1) − t_i)²)}; equal to {@link #RELEASED} when the prediction lies
 *       in [0,1], otherwise at least as high when the target lies in [0,1].</li>
 * </ul>
 * Two entry points compute the MSE: {@link #of(float[], float[])} ({@code float[]} images in CHW order, summed in
 * double precision; identical images give +infinity) for evaluation, and {@link #of(NDArray, NDArray)} (reduced by
 * the engine in float32, the MSE floored at {@link #TRAINING_MSE_FLOOR} so a perfect step logs 120 dB, not
 * infinity) for the training stages' logs.
 */
public enum Psnr {
    /** The prediction not clamped (the released code's PSNR). */
    RELEASED,
    /** The prediction clamped to [0,1] first. */
    CLAMPED;

    /** The smallest MSE {@link #of(NDArray, NDArray)} uses: 1e−12, i.e. at most 120 dB. */
    public static final double TRAINING_MSE_FLOOR = 1e-12;

    /** {@code −10·log10(mse)}. */
    public static double fromMse(double mse) { return -10 * Math.log10(mse); }

    /**
     * PSNR of two images of the same length, summed in double precision.
     *
     * @param prediction [C, H, W] (any layout, the same as {@code target})
     * @param target     [C, H, W]
     * @throws IllegalArgumentException if the lengths differ or the images are empty
     */
    public double of(float[] prediction, float[] target) {
        if (prediction.length != target.length) {
            throw new IllegalArgumentException("images differ in size: " + prediction.length + " vs " + target.length + " values");
        }
        if (prediction.length == 0) throw new IllegalArgumentException("images are empty");
        double s = 0;
        if (this == CLAMPED) {
            for (int i = 0; i < prediction.length; i++) {
                double p = Math.min(1.0, Math.max(0.0, prediction[i]));
                double d = p - target[i];
                s += d * d;
            }
        } else {
            for (int i = 0; i < prediction.length; i++) {
                double d = prediction[i] - target[i];
                s += d * d;
            }
        }
        return fromMse(s / prediction.length);
    }

    /**
     * PSNR of a rendering against its target on the engine: the mean of the squared difference in the arrays'
     * type (float32), the MSE floored at {@link #TRAINING_MSE_FLOOR}.
     *
     * @param prediction e.g. [B, 3, H, W]
     * @param target     the same shape
     */
    public double of(NDArray prediction, NDArray target) {
        NDArray d = (this == CLAMPED ? prediction.clip(0, 1) : prediction).sub(target);
        double mse = d.mul(d).mean().toType(DataType.FLOAT64, false).getDouble();
        return fromMse(Math.max(mse, TRAINING_MSE_FLOOR));
    }
}
