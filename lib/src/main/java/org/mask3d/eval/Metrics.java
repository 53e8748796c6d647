package org.mask3d.eval;

/** Image metrics. Images are [3,H,W] (or any equal-length arrays) with values nominally in [0,1]. */
public final class Metrics {
    private Metrics() {}

    /** Mean squared error over every value. */
    public static double mse(float[] prediction, float[] target) {
        if (prediction.length != target.length) {
            throw new IllegalArgumentException("images differ in size: " + prediction.length + " vs " + target.length + " values");
        }
        double s = 0;
        for (int i = 0; i < prediction.length; i++) {
            double d = prediction[i] - target[i];
            s += d * d;
        }
        return s / prediction.length;
    }

    /**
     * PSNR in dB as the released code logs it: {@code −10·log10(MSE)} on [0,1] images, the prediction not clamped.
     * Identical images give +infinity.
     */
    public static double psnr(float[] prediction, float[] target) { return -10 * Math.log10(mse(prediction, target)); }
}
