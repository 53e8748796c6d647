package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.mask3d.InputException;
import org.mask3d.render.Psv;
import org.mask3d.render.HostArrays;

/**
 * The networks on DJL (libtorch) for inference: each call runs in a sub-manager of {@code manager} that is closed
 * right after, so only the returned host arrays survive.
 */
public final class DjlNetworks implements NetworkBackend {
    private final MpiNet3d mpiNet;
    private final MaskNet3d maskNet;
    private final NDManager manager;
    private final ParameterStore ps;

    /**
     * @param mpiNet  MPINet3d (initialised, weights loaded)
     * @param maskNet MaskNet3d, or null (then {@link #mask} is unavailable)
     * @param manager parent of the per-call managers (not closed by this backend)
     */
    public DjlNetworks(MpiNet3d mpiNet, MaskNet3d maskNet, NDManager manager) {
        this.mpiNet = mpiNet;
        this.maskNet = maskNet;
        this.manager = manager;
        this.ps = new ParameterStore(manager, false);
    }

    @Override public float[] mpi(Psv psv) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray in = HostArrays.of(sub, psv.data(), new Shape(1, psv.channels(), psv.planes(), psv.height(), psv.width()));
            NDArray out = mpiNet.forward(ps, new NDList(in), false).singletonOrThrow();
            return MpiHead.rgba(in, out).get(0).toFloatArray();
        }
    }

    @Override public float[] mask(Psv psv12) {
        if (maskNet == null) throw new InputException("no MaskNet3d was loaded: the mask volume is unavailable");
        try (NDManager sub = manager.newSubManager()) {
            NDArray in = HostArrays.of(sub, psv12.data(), new Shape(1, psv12.channels(), psv12.planes(), psv12.height(), psv12.width()));
            return maskNet.forward(ps, new NDList(in), false).singletonOrThrow().toFloatArray();
        }
    }

    @Override public boolean hasMaskNet() { return maskNet != null; }

    @Override public String name() { return "djl-" + manager.getDevice(); }

    @Override public void close() {}
}
