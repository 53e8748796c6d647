package org.mask3d.render;

import org.mask3d.geometry.Camera;

/**
 * Renders an MPI to a novel view: per-plane homography warp (bilinear, zero padding, pixel centres at +0.5,
 * i.e. grid_sample with align_corners=False), then back-to-front over-compositing
 * <pre>  w_i = α_i · Π_{j>i} (1 − α_j + 1e−8),   rgb = Σ w_i c_i,   acc = Σ w_i,   disp = Σ w_i / d_i </pre>
 * (METHOD.md §4.1–4.2). Implementations must agree with each other to float32 rounding.
 *
 * <p>Checklist for a new backend: same homography ({@link org.mask3d.geometry.Homography#targetToReference}),
 * same sampling (sample at {@code (u − 0.5, v − 0.5)} in pixel-index space, zero outside), the 1e−8 term,
 * and a cross-check test against {@link CpuRenderer}.
 */
public interface MpiRenderer {
    /** Renders {@code mpi} to {@code target} (output size = the target camera's image size). */
    Rendering render(Mpi mpi, Camera target);

    /** A short name for tables and benchmarks. */
    String name();

    /**
     * An MPI made ready for rendering to many views: a GPU backend keeps it resident (uploaded once), the CPU backend
     * simply holds it. Close it when done.
     */
    interface Prepared extends AutoCloseable {
        /** Renders the prepared MPI to {@code target}. */
        Rendering render(Camera target);

        @Override void close();
    }

    /** Prepares {@code mpi} for rendering to several views (default: no preparation, each view renders from host memory). */
    default Prepared prepare(Mpi mpi) {
        return new Prepared() {
            @Override public Rendering render(Camera target) { return MpiRenderer.this.render(mpi, target); }
            @Override public void close() {}
        };
    }
}
