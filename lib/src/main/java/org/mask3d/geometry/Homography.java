package org.mask3d.geometry;

/**
 * Plane-induced homographies between a reference camera (the MPI's) and a target camera.
 *
 * <p>Convention: the plane is {@code z_ref = d} in reference-camera coordinates (normal n = (0,0,1)); with
 * {@code T = E_tgt · E_ref⁻¹ = [R | t]}, the homography maps a <b>target</b> pixel to a <b>reference</b> pixel
 * (it is what a backward warp samples with):
 * <pre>  H = K_ref · ( Rᵀ − Rᵀt · n Rᵀ / (d + (Rᵀt)_z) ) · K_tgt⁻¹ </pre>
 * Pixel coordinates are in the pixel-corner frame (the centre of pixel x is x+0.5) on both sides.
 */
public final class Homography {
    private Homography() {}

    /**
     * @return [3,3] row-major homography from target pixels to reference pixels for the plane at depth d
     */
    public static double[] targetToReference(Camera ref, Camera tgt, double depth) {
        double[] t4 = tgt.relativeTo(ref);
        double[] rt = Mat.transpose(Mat.rotation(t4));
        double[] t = Mat.translation(t4);
        double[] rtt = Mat.apply(rt, t);                       // Rᵀ t
        double[] nR = {rt[6], rt[7], rt[8]};                   // n Rᵀ = third row of Rᵀ
        double denom = depth + rtt[2];
        double[] m = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) m[i * 3 + j] = rt[i * 3 + j] - rtt[i] * nR[j] / denom;
        return Mat.mul(Mat.mul(ref.k(), m), Mat.inverse(tgt.k()));
    }

    /** One homography per plane: {@code [D][9]}, target pixels → reference pixels. */
    public static double[][] targetToReference(Camera ref, Camera tgt, double[] depths) {
        double[][] h = new double[depths.length][];
        for (int i = 0; i < depths.length; i++) h[i] = targetToReference(ref, tgt, depths[i]);
        return h;
    }
}
