package org.mask3d.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradient of a scalar DJL function from autograd against central finite differences, in float64. */
final class GradCheck {
    private GradCheck() { }

    /** The autograd gradient of {@code f} at {@code x0} (float64). */
    static double[] autograd(NDManager m, double[] x0, Shape shape, Function<NDArray, NDArray> f) {
        try (NDManager sub = m.newSubManager()) {
            NDArray x = sub.create(x0, shape);
            assertEquals(DataType.FLOAT64, x.getDataType());
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(x);
                assertEquals(DataType.FLOAT64, y.getDataType(), "the loss must stay in float64");
                gc.backward(y);
            }
            return x.getGradient().toDoubleArray();
        }
    }

    /** {@code f} at {@code x} as a double, without gradients. */
    static double value(NDManager m, double[] x, Shape shape, Function<NDArray, NDArray> f) {
        try (NDManager sub = m.newSubManager()) {
            return f.apply(sub.create(x, shape)).getDouble();
        }
    }

    /**
     * Checks d f / d x_i for the given indices: |autograd − FD| ≤ tol · max(1, |FD|), with step h. Also asserts that
     * the gradient is not zero at every checked index, so a detached loss cannot pass.
     */
    static void check(NDManager m, double[] x0, Shape shape, Function<NDArray, NDArray> f, int[] idx, double h,
                      double tol) {
        double[] g = autograd(m, x0, shape, f);
        double maxAbs = 0;
        for (int i : idx) {
            double[] p = x0.clone(), q = x0.clone();
            p[i] += h;
            q[i] -= h;
            double fd = (value(m, p, shape, f) - value(m, q, shape, f)) / (2 * h);
            assertTrue(Math.abs(g[i] - fd) <= tol * Math.max(1, Math.abs(fd)),
                    "d/dx[" + i + "]: autograd " + g[i] + " vs finite differences " + fd);
            maxAbs = Math.max(maxAbs, Math.abs(g[i]));
        }
        assertTrue(maxAbs > 1e-8, "gradient is zero at every checked index");
    }

    /** Every index of an array of size n. */
    static int[] all(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }
}
