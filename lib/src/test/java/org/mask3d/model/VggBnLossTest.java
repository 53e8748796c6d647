package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mask3d.InputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The VGG perceptual loss: formula against a plain-Java reference, float64 gradients in both modes, loading. */
class VggBnLossTest {
    static NDManager m;
    static Vgg19BnFeatures net64;

    @BeforeAll static void start() {
        m = NDManager.newBaseManager();
        net64 = Vgg19BnFeatures.fromStateDict(m, RandomVgg.stateDict(m), "features.", DataType.FLOAT64);
    }

    @AfterAll static void stop() { m.close(); }

    static double[] image(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble();
        return x;
    }

    static double[] normalized(double[] x, int b, int hw) {
        double[] mean = {0.485, 0.456, 0.406}, std = {0.229, 0.224, 0.225};
        double[] o = new double[x.length];
        for (int n = 0; n < b; n++) for (int c = 0; c < 3; c++) for (int p = 0; p < hw; p++) {
            int i = (n * 3 + c) * hw + p;
            o[i] = (x[i] - mean[c]) / std[c];
        }
        return o;
    }

    static double l1(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
        return s / a.length;
    }

    @Test void normalizeIsImageNets() {
        NDArray x = m.create(new float[]{0.485f, 0.456f, 0.406f, 1f, 0f, 0.5f}, new Shape(2, 3, 1, 1));
        float[] n = VggBnLoss.normalize(x).toFloatArray();
        assertArrayEquals(new float[]{0, 0, 0, (1 - 0.485f) / 0.229f, -0.456f / 0.224f, (0.5f - 0.406f) / 0.225f}, n, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> VggBnLoss.normalize(m.zeros(new Shape(1, 1, 4, 4))));
    }

    @Test void lossIsTheReleasedFormula() {
        Random r = new Random(8);
        int b = 1, h = 32, w = 32;
        double[] p = image(r, b * 3 * h * w), t = image(r, b * 3 * h * w);
        double[] pn = normalized(p, b, h * w), tn = normalized(t, b, h * w);
        Map<String, double[]> run = VggReference.running(RandomVgg.data());
        List<VggReference.T> fp = VggReference.forward(new VggReference.T(pn, b, 3, h, w), RandomVgg.data(), run, false, 5);
        List<VggReference.T> ft = VggReference.forward(new VggReference.T(tn, b, 3, h, w), RandomVgg.data(), run, false, 5);
        double want = l1(pn, tn) + l1(fp.get(0).d(), ft.get(0).d()) / 2.6 + l1(fp.get(1).d(), ft.get(1).d()) / 4.8
                + l1(fp.get(2).d(), ft.get(2).d()) / 3.7 + l1(fp.get(3).d(), ft.get(3).d()) / 5.6
                + l1(fp.get(4).d(), ft.get(4).d()) * 10 / 1.5;
        NDArray got = new VggBnLoss(net64).compute(m.create(p, new Shape(b, 3, h, w)), m.create(t, new Shape(b, 3, h, w)));
        assertEquals(DataType.FLOAT64, got.getDataType());
        assertEquals(want, got.getDouble(), 1e-10 * want);
        // a weight changed in any one term would move the value by far more than that
        assertTrue(l1(fp.get(4).d(), ft.get(4).d()) * 10 / 1.5 > 1e-6 * want, "relu5_2 contributes");
        assertEquals(0, new VggBnLoss(net64).compute(m.create(p, new Shape(b, 3, h, w)),
                m.create(p, new Shape(b, 3, h, w))).getDouble(), 0, "zero for identical images");
    }

    @Test void releasedTrainModeRunsThePredictionFirst() {
        Random r = new Random(9);
        int b = 2, h = 16, w = 16;
        double[] p = image(r, b * 3 * h * w), t = image(r, b * 3 * h * w);
        for (int i = 0; i < t.length; i++) t[i] = 0.2 + 0.3 * t[i];
        Map<String, double[]> run = VggReference.running(RandomVgg.data());
        VggReference.forward(new VggReference.T(normalized(p, b, h * w), b, 3, h, w), RandomVgg.data(), run, true, 1);
        VggReference.forward(new VggReference.T(normalized(t, b, h * w), b, 3, h, w), RandomVgg.data(), run, true, 1);
        try (NDManager s = m.newSubManager();
             Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, RandomVgg.stateDict(s), "features.", DataType.FLOAT64)) {
            VggBnLoss train = new VggBnLoss(net).withMode(BatchNormMode.RELEASED_TRAIN);
            assertEquals(BatchNormMode.RELEASED_TRAIN, train.mode());
            assertSame(net, train.features());
            NDArray pa = s.create(p, new Shape(b, 3, h, w)), ta = s.create(t, new Shape(b, 3, h, w));
            double evalValue = new VggBnLoss(net).compute(pa, ta).getDouble();
            double trainValue = train.compute(pa, ta).getDouble();
            assertEquals(2, net.batchesTracked());
            assertNotEquals(evalValue, trainValue, 1e-6);
            // the running mean after (pred, target) is not the one after (target, pred): the order is checked
            double[] got = net.stateDict().get("features.1.running_mean").toDoubleArray();
            assertTrue(Vgg19BnFeaturesTest.relErr(got, run.get("features.1.running_mean")) < 1e-12);
        }
    }

    @Test void gradientsMatchFiniteDifferencesInBothModes() {
        Random r = new Random(10);
        int b = 1, h = 32, w = 32, n = b * 3 * h * w;
        double[] p = image(r, n), t = image(r, n);
        Shape s = new Shape(b, 3, h, w);
        NDArray target = m.create(t, s);
        int[] idx = new int[6];
        for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(n);
        for (BatchNormMode mode : BatchNormMode.values()) {
            // a network of its own: RELEASED_TRAIN drifts the running statistics that other tests read
            try (NDManager sub = m.newSubManager(); Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(sub,
                    RandomVgg.stateDict(sub), "features.", DataType.FLOAT64)) {
                VggBnLoss loss = new VggBnLoss(net, mode);
                GradCheck.check(m, p, s, x -> loss.compute(x, target), idx, 1e-6, 1e-6);
            }
        }
    }

    @Test void float32LossStaysFloat32() {
        try (NDManager s = m.newSubManager(); Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, RandomVgg.stateDict(s))) {
            NDArray v = new VggBnLoss(net).compute(s.randomUniform(0, 1, new Shape(1, 3, 16, 16)),
                    s.randomUniform(0, 1, new Shape(1, 3, 16, 16)));
            assertEquals(DataType.FLOAT32, v.getDataType());
            assertEquals(0, v.getShape().dimension());
        }
    }

    @Test void missingWeightsAreAClearError() throws IOException {
        WeightsReader reader = (f, mm) -> RandomVgg.stateDict(mm);
        var e = assertThrows(InputException.class, () -> VggBnLoss.load(null, reader, m));
        assertEquals(Vgg19BnFeatures.MISSING_WEIGHTS, e.getMessage());
        assertTrue(e.getMessage().contains("--vgg-weights"));
        assertThrows(InputException.class, () -> new VggBnLoss(null));
        Path absent = Path.of("/nonexistent/vgg19_bn-c79401a0.pth");
        var e2 = assertThrows(InputException.class, () -> VggBnLoss.load(absent, reader, m));
        assertTrue(e2.getMessage().contains(absent.toString()), e2.getMessage());
        Path file = Files.createTempFile("vgg", ".pth");
        try {
            var e3 = assertThrows(InputException.class,
                    () -> VggBnLoss.load(file, (f, mm) -> { throw new IOException("truncated zip"); }, m));
            assertTrue(e3.getMessage().contains("truncated zip") && e3.getMessage().contains(file.toString()));
            VggBnLoss ok = VggBnLoss.load(file, reader, m);
            assertEquals(BatchNormMode.EVAL, ok.mode());
            assertEquals(DataType.FLOAT32, ok.features().dataType());
            ok.features().close();
        } finally {
            Files.delete(file);
        }
    }
}
