package org.mask3d.render;

import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Cross-check: the DJL-ops renderer (libtorch kernels) against the pure-Java one. */
class DjlRendererTest {
    @Test void agreesWithCpuRenderer() {
        Random r = new Random(21);
        Camera ref = RenderTest.cam(0, 0);
        Mpi mpi = RenderTest.randomMpi(r, ref);
        for (Camera tgt : new Camera[]{ref, RenderTest.cam(0.06, -0.02), RenderTest.cam(-0.2, 0.1)}) {
            Rendering a = new CpuRenderer().render(mpi, tgt), b = new DjlRenderer().render(mpi, tgt);
            assertArrayEquals(a.rgb(), b.rgb(), 2e-6f);
            assertArrayEquals(a.alpha(), b.alpha(), 2e-6f);
            assertArrayEquals(a.disparity(), b.disparity(), 2e-6f);
        }
    }
}
