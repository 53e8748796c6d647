package org.mask3d.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The one PSNR: both variants, both entry points, and the training floor. */
class PsnrTest {
    @Test void variantsAndEntryPointsAgree() {
        float[] gt = {0.2f, 0.5f, 0.9f, 0.0f};
        float[] pred = {0.3f, 0.4f, 1.2f, -0.1f};
        assertEquals(Psnr.fromMse(mse(pred, gt, false)), Psnr.RELEASED.of(pred, gt), 1e-12);
        assertEquals(Psnr.fromMse(mse(pred, gt, true)), Psnr.CLAMPED.of(pred, gt), 1e-12);
        assertTrue(Psnr.CLAMPED.of(pred, gt) > Psnr.RELEASED.of(pred, gt));
        assertEquals(Double.POSITIVE_INFINITY, Psnr.RELEASED.of(gt, gt.clone()));
        assertEquals(20.0, Psnr.fromMse(0.01), 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            var p = m.create(pred, new Shape(1, 1, 2, 2));
            var t = m.create(gt, new Shape(1, 1, 2, 2));
            assertEquals(Psnr.CLAMPED.of(pred, gt), Psnr.CLAMPED.of(p, t), 1e-4);
            assertEquals(Psnr.RELEASED.of(pred, gt), Psnr.RELEASED.of(p, t), 1e-4);
            assertEquals(120.0, Psnr.CLAMPED.of(t, t), 1e-9, "training logs floor the MSE at 1e-12");
        }
        assertThrows(IllegalArgumentException.class, () -> Psnr.CLAMPED.of(new float[3], new float[4]));
    }

    static double mse(float[] p, float[] t, boolean clamp) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double v = clamp ? Math.min(1, Math.max(0, p[i])) : p[i];
            s += (v - t[i]) * (v - t[i]);
        }
        return s / p.length;
    }
}
