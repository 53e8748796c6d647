package org.mask3d.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.mask3d.render.Psv;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The start-up check that keeps a GPU network backend only where it agrees with DJL. */
class NetworkCheckTest {

    /** A backend that delegates, with its outputs shifted by {@code delta} or failing. */
    static NetworkBackend wrap(NetworkBackend b, float delta, boolean fail, boolean[] closed) {
        return new NetworkBackend() {
            @Override public float[] mpi(Psv psv) {
                if (fail) throw new IllegalStateException("CUDA_ERROR_LAUNCH_FAILED");
                float[] o = b.mpi(psv);
                o[o.length / 2] += delta;
                return o;
            }
            @Override public float[] mask(Psv psv12) { return b.mask(psv12); }
            @Override public boolean hasMaskNet() { return b.hasMaskNet(); }
            @Override public String name() { return "candidate"; }
            @Override public void close() { closed[0] = true; }
        };
    }

    @Test void keepsAnAgreeingBackendAndFallsBackOtherwise() {
        try (NDManager m = NDManager.newBaseManager()) {
            MpiNet3d mpi = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            MaskNet3d mask = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            DjlNetworks ref = new DjlNetworks(mpi, mask, m);
            for (Object[] c : new Object[][]{{0f, false, true}, {1e-5f, false, true}, {0.01f, false, false}, {0f, true, false}}) {
                boolean[] closed = {false};
                NetworkBackend cand = wrap(new DjlNetworks(mpi, mask, m), (float) c[0], (boolean) c[1], closed);
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                NetworkBackend got = NetworkCheck.checked(cand, ref, Device.FP32_CHECK, new PrintStream(log, true, StandardCharsets.UTF_8));
                String line = log.toString(StandardCharsets.UTF_8).trim();
                assertEquals(1, line.lines().count(), line);
                if ((boolean) c[2]) {
                    assertSame(cand, got, line);
                    assertTrue(line.startsWith("networks: candidate (checked against djl-"), line);
                    assertFalse(closed[0]);
                } else {
                    assertSame(ref, got, line);
                    assertTrue(line.contains("candidate not used: "), line);
                    assertTrue(line.contains((boolean) c[1] ? "CUDA_ERROR_LAUNCH_FAILED" : "differs from djl-"), line);
                    assertTrue(closed[0], "the rejected candidate is closed");
                }
            }
        }
    }

    @Test void checkVolumeFitsTheUNet() {
        Psv p = NetworkCheck.volume(4, 1);
        assertEquals(12, p.channels());
        assertEquals(0, NetworkCheck.D % 8);
        CudaUNet.plan(12, 1, NetworkCheck.D, NetworkCheck.H, NetworkCheck.W, CudaUNet.Precision.BF16);   // no exception
    }
}
