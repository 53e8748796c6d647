package org.mask3d.render;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The differentiable DJL path: the plane sweep equals the Java reference, and gradients of the rendering with respect
 * to the MPI's RGBA (and hence to a mask through the blend) match central finite differences in double precision.
 */
class DjlGradientTest {
    static final int D = 4, H = 6, W = 8;

    static Camera cam(double tx, double ty) {
        double[] w2c = Mat.identity(4);
        w2c[3] = tx;
        w2c[7] = ty;
        return new Camera(Camera.intrinsics(0.8 * W, W, H), w2c, W, H);
    }

    @Test void planeSweepEqualsTheJavaReference() {
        Random r = new Random(3);
        Camera ref = cam(0, 0);
        List<Camera> cams = List.of(ref, cam(-0.3, 0.05), cam(0.2, -0.1));
        double[] depths = PlaneDepths.inverseLinear(1, 10, D);
        try (NDManager m = NDManager.newBaseManager()) {
            List<float[]> imgs = new java.util.ArrayList<>();
            List<NDArray> nd = new java.util.ArrayList<>();
            for (int v = 0; v < 3; v++) {
                float[] im = new float[3 * H * W];
                for (int i = 0; i < im.length; i++) im[i] = r.nextFloat();
                imgs.add(im);
                nd.add(m.create(im, new Shape(3, H, W)));
            }
            for (PlaneSweep.Sampling s : PlaneSweep.Sampling.values()) {
                float[] ref1 = PlaneSweep.volume(imgs, cams, ref, depths, s);
                float[] got = DjlPlaneSweep.volume(m, nd, cams, ref, depths, s).toFloatArray();
                assertArrayEquals(ref1, got, 1e-6f, s.toString());
            }
        }
    }

    @Test void renderGradientsMatchFiniteDifferencesInDouble() {
        Random r = new Random(4);
        Camera ref = cam(0, 0), tgt = cam(0.12, -0.05);
        double[] depths = PlaneDepths.inverseLinear(1, 10, D);
        int n = D * H * W * 4;
        double[] base = new double[n];
        for (int i = 0; i < n; i++) base[i] = 0.1 + 0.8 * r.nextDouble();
        double[] probe = new double[3 * H * W];   // a random linear functional of the outputs: L = Σ probe·rgb + Σ acc + Σ disp
        for (int i = 0; i < probe.length; i++) probe[i] = r.nextGaussian();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pr = m.create(probe, new Shape(3, H, W));
            NDArray x = m.create(base, new Shape(D, H, W, 4));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray[] out = DjlRenderer.render(m, x, depths, ref, tgt);
                NDArray loss = out[0].mul(pr).sum().add(out[1].sum()).add(out[2].sum());
                gc.backward(loss);
            }
            double[] grad = x.getGradient().toDoubleArray();
            double eps = 1e-6, maxErr = 0, maxG = 0;
            int checked = 0;
            for (int i = 0; i < n; i += 7) {
                double[] plus = base.clone(), minus = base.clone();
                plus[i] += eps;
                minus[i] -= eps;
                double fd = (value(m, plus, pr, depths, ref, tgt) - value(m, minus, pr, depths, ref, tgt)) / (2 * eps);
                maxErr = Math.max(maxErr, Math.abs(fd - grad[i]));
                maxG = Math.max(maxG, Math.abs(grad[i]));
                checked++;
            }
            assertTrue(checked > 50 && maxG > 0.1, "non-trivial gradients checked");
            assertTrue(maxErr < 1e-6, "max |autograd − finite difference| = " + maxErr);
        }
    }

    static double value(NDManager m, double[] rgba, NDArray probe, double[] depths, Camera ref, Camera tgt) {
        NDArray[] out = DjlRenderer.render(m, m.create(rgba, new Shape(D, H, W, 4)), depths, ref, tgt);
        return out[0].mul(probe).sum().add(out[1].sum()).add(out[2].sum()).toType(DataType.FLOAT64, false).getDouble();
    }
}
