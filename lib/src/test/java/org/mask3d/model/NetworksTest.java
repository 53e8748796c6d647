package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.mask3d.InputException;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class NetworksTest {
    @Test void parameterCountsMatchTheRelease() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(576_994, Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32).parameterCount());
            assertEquals(593_241, Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32).parameterCount());
        }
    }

    @Test void shapesIncludingOddSizes() {
        try (NDManager m = NDManager.newBaseManager()) {
            MpiNet3d mpi = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            for (int[] hw : new int[][]{{16, 24}, {18, 30}}) {
                NDArray x = m.randomUniform(0, 1, new Shape(1, 6, 32, hw[0], hw[1]));
                NDArray y = Networks.forward(mpi, x);
                assertEquals(new Shape(1, 3, 32, hw[0], hw[1]), y.getShape());
                float[] v = y.toFloatArray();
                int n = 32 * hw[0] * hw[1];
                for (int i = 0; i < n; i++) {
                    assertTrue(v[i] > 0 && v[i] < 1, "alpha in (0,1)");
                    assertEquals(1f, v[n + i] + v[2 * n + i], 1e-5f, "view weights sum to 1");
                }
                NDArray rgba = MpiHead.rgba(x, y);
                assertEquals(new Shape(1, 32, hw[0], hw[1], 4), rgba.getShape());
            }
            MaskNet3d mask = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            assertEquals(new Shape(2, 1, 32, 16, 16), Networks.forward(mask, m.randomUniform(0, 1, new Shape(2, 12, 32, 16, 16))).getShape());
        }
    }

    @Test void loadReportsMissingUnexpectedAndMisShapedKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskNet3d net = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            Map<String, Networks.Weight> w = Networks.weights(net);
            Networks.load(net, w, "self");   // round trip
            w.remove("conv1_1.model.0.bias");
            w.put("conv9.weight", new Networks.Weight("conv9.weight", new long[]{1}, new float[1]));
            w.put("conv7_3.model.0.weight", new Networks.Weight("conv7_3.model.0.weight", new long[]{2, 8, 3, 3, 3}, new float[432]));
            InputException e = assertThrows(InputException.class, () -> Networks.load(net, w, "x.ckpt (models.mask_net.)"));
            assertTrue(e.getMessage().contains("missing 1 key(s) [conv1_1.model.0.bias]"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected 1 key(s) [conv9.weight]"), e.getMessage());
            assertTrue(e.getMessage().contains("conv7_3.model.0.weight (expected (1, 8, 3, 3, 3), got (2, 8, 3, 3, 3))"), e.getMessage());
        }
    }
}
