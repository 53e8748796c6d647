package org.mask3d.render;

/**
 * The result of rendering an MPI to a view.
 *
 * @param rgb       [3, H, W], not clamped (the released code clamps only for display)
 * @param alpha     [H, W] accumulated alpha {@code Σ w_i}
 * @param disparity [H, W] expected disparity {@code Σ w_i / d_i}
 */
public record Rendering(float[] rgb, float[] alpha, float[] disparity, int height, int width) {
    public Rendering {
        int n = height * width;
        if (rgb.length != 3 * n || alpha.length != n || disparity.length != n) {
            throw new IllegalArgumentException("rendering arrays do not match " + height + "x" + width);
        }
    }
}
