package org.mask3d.data;

import org.mask3d.geometry.Camera;

/**
 * One stage-1 (MPI pre-training) sample, as the released {@code RealEstateDataset} returns it (METHOD.md §2.3):
 * two source views (source 0 is the MPI reference) and a target view of one sequence, with the cameras matching
 * the images as cropped and scaled. Images are [3,H,W] row-major in [0,1].
 *
 * @param sequence     the sequence's name
 * @param frames       the frame indices in the sequence: {source 0, source 1, target}
 * @param stride       the stride the ten-frame subsequence was taken with
 * @param scale        the resize factor drawn for the triplet (1 for validation)
 * @param offsetX      the crop's left edge in the resized image (0 for validation)
 * @param offsetY      the crop's top edge in the resized image (0 for validation)
 * @param augmentation the colour augmentation applied to all three images
 * @param srcRgb       [2][3·H·W] the source images
 * @param srcCams      the two source cameras (intrinsics adjusted to the crop)
 * @param tgtCam       the target camera
 * @param tgtRgb       [3·H·W] the target image
 * @param height       H
 * @param width        W
 */
public record MpiSample(String sequence, int[] frames, int stride, double scale, int offsetX, int offsetY,
                        MpiStageSampler.Augmentation augmentation, float[][] srcRgb, Camera[] srcCams, Camera tgtCam,
                        float[] tgtRgb, int height, int width) {
    /** The reference camera (source 0). */
    public Camera refCam() { return srcCams[0]; }
}
