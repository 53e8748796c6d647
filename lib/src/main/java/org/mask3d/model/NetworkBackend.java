package org.mask3d.model;

import org.mask3d.render.Psv;

/**
 * Where the method's networks run for inference: given plane-sweep volumes on the host, MPINet3d with the MPI head and
 * MaskNet3d give host arrays. {@link DjlNetworks} (DJL/libtorch on the CPU) is the implementation today; a GPU
 * backend plugs in here (through {@link Device#networks}) without touching the pipelines' callers.
 */
public interface NetworkBackend extends AutoCloseable {
    /**
     * MPINet3d and the released MPI head ({@link MpiHead#rgba}) on a two-view sweep.
     *
     * @param psv a 2-view volume [6, D, H, W]
     * @return RGBA [D, H, W, 4], planes back to front, colour unclamped
     */
    float[] mpi(Psv psv);

    /**
     * MaskNet3d on the stage-2 volume ({@link MaskPipeline#stack}: frames then backgrounds).
     *
     * @param psv12 a 4-view volume [12, D, H, W]
     * @return the mask volume [D, H, W] in [0, 1]
     * @throws org.mask3d.InputException when the backend has no mask network
     */
    float[] mask(Psv psv12);

    /** Whether {@link #mask} is available. */
    boolean hasMaskNet();

    /** A short name for tables and messages. */
    String name();

    @Override void close();
}
