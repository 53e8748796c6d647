package org.mask3d.data;

import org.mask3d.geometry.Camera;

/**
 * One stage-2 (mask training) sample, as the released {@code mvcam} dataset returns it (METHOD.md §2.2): one frame
 * of a scene, a target camera and two source cameras; source 0 is the MPI reference. Images are [3,H,W] in [0,1].
 *
 * @param scene      the scene's name
 * @param frame      the frame index t
 * @param targetCam  the target camera's index in the scene
 * @param sourceCams the two source cameras' indices (0 is the reference)
 * @param srcRgb     [2][3·H·W] current frames of the sources
 * @param srcBg      [2][3·H·W] the sources' static backgrounds
 * @param srcCams    the two source cameras
 * @param tgtCam     the target camera
 * @param tgtRgb     [3·H·W] the target's frame
 * @param tgtBg      [3·H·W] the target's background
 * @param tgtFg      [4·H·W] the target's foreground matte (RGBA), or null when the scene has none
 * @param tgtMask    [H·W] {@code fg alpha > 0.5} as 0/1, or null when the scene has no mattes
 * @param bounds     {near, far} of the MPI: the scene's {@link Scene#depthBounds()}
 */
public record MaskSample(String scene, int frame, int targetCam, int[] sourceCams, float[][] srcRgb, float[][] srcBg,
                         Camera[] srcCams, Camera tgtCam, float[] tgtRgb, float[] tgtBg, float[] tgtFg, float[] tgtMask,
                         double[] bounds, int height, int width) {
}
