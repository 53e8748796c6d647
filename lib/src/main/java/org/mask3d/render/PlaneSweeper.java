package org.mask3d.render;

import org.mask3d.geometry.Camera;

import java.util.List;

/**
 * A plane-sweep backend: each source image resampled onto the planes of a reference camera (METHOD.md §2.5; the
 * per-plane constants come from {@link org.mask3d.geometry.PlaneConstants}). Implementations: {@link PlaneSweep}
 * (pure Java, the reference), {@link DjlPlaneSweep} (DJL ops, differentiable), {@link CudaRenderer} (GPU). They agree
 * to float32 rounding (tests cross-check them).
 */
public interface PlaneSweeper {
    /**
     * @param images   V source images, each [3, H_v, W_v] in [0,1] matching its camera's size
     * @param cameras  V source cameras
     * @param ref      the reference camera; its size is the volume's H × W
     * @param depths   [D] plane depths in the reference camera, back to front
     * @param sampling where a source pixel coordinate is sampled (the released quirk or exact pixel centres)
     */
    Psv sweep(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths, PlaneSweep.Sampling sampling);

    /** A short name for tables and messages. */
    String name();
}
