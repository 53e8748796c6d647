package org.mask3d.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mask3d.InputException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The VGG19-BN feature network against a plain-Java reference, in both batch-norm modes; frozen; bad weights. */
class Vgg19BnFeaturesTest {
    static NDManager m;

    @BeforeAll static void start() { m = NDManager.newBaseManager(); }
    @AfterAll static void stop() { m.close(); }

    static double[] randomInput(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
        return x;
    }

    /** max |a − b| / max(1, max |b|). */
    static double relErr(double[] a, double[] b) {
        assertEquals(b.length, a.length);
        double d = 0, s = 1;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
            s = Math.max(s, Math.abs(b[i]));
        }
        return d / s;
    }

    @Test void layerIndicesAreTorchvisions() {
        assertArrayEquals(new int[]{0, 3, 7, 10, 14, 17, 20, 23, 27, 30, 33, 36, 40, 43}, Vgg19BnFeatures.convIndices());
        assertArrayEquals(new int[]{6, 13, 26, 39}, Vgg19BnFeatures.poolIndices());
        Map<String, Shape> keys = Vgg19BnFeatures.expectedKeys("features.");
        assertEquals(14 * 6, keys.size());
        assertEquals(new Shape(64, 3, 3, 3), keys.get("features.0.weight"));
        assertEquals(new Shape(128, 64, 3, 3), keys.get("features.7.weight"));
        assertEquals(new Shape(512, 256, 3, 3), keys.get("features.27.weight"));
        assertEquals(new Shape(512, 512, 3, 3), keys.get("features.43.weight"));
        assertEquals(new Shape(512), keys.get("features.44.running_var"));
        assertFalse(keys.containsKey("features.46.weight"), "relu5_2 is the last layer used");
    }

    @Test void evalModeMatchesPlainJavaReference() {
        Random r = new Random(5);
        int b = 2, h = 32, w = 32;
        double[] x = randomInput(r, b * 3 * h * w);
        List<VggReference.T> ref = VggReference.forward(new VggReference.T(x, b, 3, h, w), RandomVgg.data(),
                VggReference.running(RandomVgg.data()), false, 5);
        try (NDManager s = m.newSubManager();
             Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, RandomVgg.stateDict(s), "features.", DataType.FLOAT64)) {
            NDList out = net.forward(s.create(x, new Shape(b, 3, h, w)), BatchNormMode.EVAL);
            long[][] shapes = {{b, 64, 32, 32}, {b, 128, 16, 16}, {b, 256, 8, 8}, {b, 512, 4, 4}, {b, 512, 2, 2}};
            for (int k = 0; k < 5; k++) {
                assertEquals(new Shape(shapes[k]), out.get(k).getShape(), "slice " + (k + 1));
                double e = relErr(out.get(k).toDoubleArray(), ref.get(k).d());
                assertTrue(e < 1e-10, "slice " + (k + 1) + " float64 error " + e);
            }
            assertTrue(maxAbs(ref.get(4).d()) > 0.1, "the reference's relu5_2 is not all zero");
        }
        try (NDManager s = m.newSubManager(); Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, RandomVgg.stateDict(s))) {
            assertEquals(DataType.FLOAT32, net.dataType());
            NDList out = net.forward(s.create(x, new Shape(b, 3, h, w)).toType(DataType.FLOAT32, false), BatchNormMode.EVAL);
            for (int k = 0; k < 5; k++) {
                double e = relErr(out.get(k).toType(DataType.FLOAT64, false).toDoubleArray(), ref.get(k).d());
                assertTrue(e < 1e-5, "slice " + (k + 1) + " float32 error " + e);
            }
        }
    }

    static double maxAbs(double[] a) {
        double v = 0;
        for (double d : a) v = Math.max(v, Math.abs(d));
        return v;
    }

    @Test void releasedTrainModeUsesBatchStatisticsAndUpdatesRunningStatistics() {
        Random r = new Random(6);
        int b = 2, h = 32, w = 32;
        double[] x = randomInput(r, b * 3 * h * w);
        for (int i = 0; i < x.length; i++) x[i] = 0.5 + 0.8 * x[i];    // batch statistics far from the running ones
        Map<String, double[]> running = VggReference.running(RandomVgg.data());
        List<VggReference.T> refTrain = VggReference.forward(new VggReference.T(x, b, 3, h, w), RandomVgg.data(),
                running, true, 3);
        try (NDManager s = m.newSubManager()) {
            Map<String, NDArray> sd = RandomVgg.stateDict(s);
            double[] givenMean = sd.get("features.1.running_mean").toType(DataType.FLOAT64, false).toDoubleArray();
            try (Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, sd, "features.", DataType.FLOAT64)) {
                NDArray in = s.create(x, new Shape(b, 3, h, w));
                NDList eval = net.forward(in, BatchNormMode.EVAL);
                assertEquals(0, net.batchesTracked(), "eval mode updates nothing");
                NDList train = net.forward(in, BatchNormMode.RELEASED_TRAIN);
                assertEquals(1, net.batchesTracked());
                for (int k = 0; k < 3; k++) {
                    double e = relErr(train.get(k).toDoubleArray(), refTrain.get(k).d());
                    assertTrue(e < 1e-12, "train-mode slice " + (k + 1) + " error " + e);
                    double diff = relErr(eval.get(k).toDoubleArray(), train.get(k).toDoubleArray());
                    assertTrue(diff > 1e-2, "eval and train modes should differ at slice " + (k + 1) + ": " + diff);
                }
                for (int bn : new int[]{1, 4, 8, 11, 15, 18}) {
                    String k = "features." + bn + ".";
                    assertTrue(relErr(net.stateDict().get(k + "running_mean").toDoubleArray(),
                            running.get(k + "running_mean")) < 1e-12, k + "running_mean");
                    assertTrue(relErr(net.stateDict().get(k + "running_var").toDoubleArray(),
                            running.get(k + "running_var")) < 1e-12, k + "running_var");
                }
                assertArrayEquals(givenMean, sd.get("features.1.running_mean").toType(DataType.FLOAT64, false)
                        .toDoubleArray(), 0, "the caller's arrays are not updated");
                // later eval-mode use sees the drifted statistics
                List<VggReference.T> refEvalAfter = VggReference.forward(new VggReference.T(x, b, 3, h, w),
                        RandomVgg.data(), running, false, 3);
                NDList evalAfter = net.forward(in, BatchNormMode.EVAL);
                for (int k = 0; k < 3; k++) {
                    assertTrue(relErr(evalAfter.get(k).toDoubleArray(), refEvalAfter.get(k).d()) < 1e-12);
                    assertTrue(relErr(evalAfter.get(k).toDoubleArray(), eval.get(k).toDoubleArray()) > 1e-3);
                }
            }
        }
    }

    @Test void trainModeBatchNormByHandOnTheFirstLayer() {
        // Zero convolution weights: conv output = bias only, so every channel is constant across the batch:
        // batch mean = bias, biased var = 0 → BN output = β; running_mean ← 0.9·rm + 0.1·bias, running_var ← 0.9·rv.
        try (NDManager s = m.newSubManager()) {
            Map<String, NDArray> sd = new LinkedHashMap<>(RandomVgg.stateDict(s));
            sd.put("features.0.weight", s.zeros(new Shape(64, 3, 3, 3)));
            try (Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, sd, "features.", DataType.FLOAT64)) {
                net.forward(s.randomNormal(new Shape(2, 3, 16, 16)).toType(DataType.FLOAT64, false),
                        BatchNormMode.RELEASED_TRAIN);
                float[] bias = RandomVgg.data().get("features.0.bias");
                float[] rm = RandomVgg.data().get("features.1.running_mean");
                float[] rv = RandomVgg.data().get("features.1.running_var");
                double[] gotM = net.stateDict().get("features.1.running_mean").toDoubleArray();
                double[] gotV = net.stateDict().get("features.1.running_var").toDoubleArray();
                for (int c = 0; c < 64; c++) {
                    assertEquals(0.9 * rm[c] + 0.1 * bias[c], gotM[c], 1e-12);
                    assertEquals(0.9 * rv[c], gotV[c], 1e-12);
                }
            }
        }
    }

    @Test void weightsAreFrozen() {
        for (BatchNormMode mode : BatchNormMode.values()) {
            try (NDManager s = m.newSubManager()) {
                Map<String, NDArray> sd = RandomVgg.stateDict(s);
                sd.values().forEach(a -> { if (a.getDataType().isFloating()) a.setRequiresGradient(true); });
                try (Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, sd)) {
                    VggBnLoss loss = new VggBnLoss(net, mode);
                    NDArray pred = s.randomUniform(0, 1, new Shape(2, 3, 16, 16));
                    NDArray tgt = s.randomUniform(0, 1, new Shape(2, 3, 16, 16));
                    pred.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(loss.compute(pred, tgt));
                    }
                    assertTrue(pred.getGradient().abs().max().getFloat() > 0, "the prediction gets a gradient");
                    for (Map.Entry<String, NDArray> e : net.stateDict().entrySet()) {
                        assertFalse(e.getValue().hasGradient(), mode + ": " + e.getKey() + " requires a gradient");
                    }
                    for (Map.Entry<String, NDArray> e : sd.entrySet()) {
                        if (e.getValue().getDataType().isFloating()) assertNoGradient(e.getKey(), e.getValue());
                    }
                }
            }
        }
    }

    /** A leaf that required a gradient but was never used has none (libtorch: undefined, or zero). */
    static void assertNoGradient(String name, NDArray a) {
        NDArray g;
        try {
            g = a.getGradient();
        } catch (IllegalStateException | ai.djl.engine.EngineException e) {
            return;
        }
        assertEquals(0f, g.abs().sum().toType(DataType.FLOAT32, false).getFloat(), name + " received a gradient");
    }

    @Test void missingOrMisshapedWeightsAreNamed() {
        var e0 = assertThrows(InputException.class, () -> Vgg19BnFeatures.fromStateDict(m, null));
        assertEquals(Vgg19BnFeatures.MISSING_WEIGHTS, e0.getMessage());
        assertTrue(Vgg19BnFeatures.MISSING_WEIGHTS.contains("vgg19_bn-c79401a0.pth"));
        try (NDManager s = m.newSubManager()) {
            Map<String, NDArray> sd = new LinkedHashMap<>(RandomVgg.stateDict(s));
            sd.remove("features.3.weight");
            sd.put("features.1.running_var", s.ones(new Shape(32)));
            sd.put("features.43.weight", s.ones(new Shape(512, 256, 3, 3)));
            var e = assertThrows(InputException.class, () -> Vgg19BnFeatures.fromStateDict(s, sd));
            String msg = e.getMessage();
            assertTrue(msg.contains("missing features.3.weight (expected shape (64, 64, 3, 3))"), msg);
            assertTrue(msg.contains("features.1.running_var has shape (32), expected (64)"), msg);
            assertTrue(msg.contains("features.43.weight has shape (512, 256, 3, 3), expected (512, 512, 3, 3)"), msg);
            assertFalse(msg.contains("features.0.weight"), "only the bad keys are named: " + msg);
        }
    }

    @Test void anotherPrefixReadsTheSameWeights() {
        try (NDManager s = m.newSubManager()) {
            Map<String, NDArray> sd = new LinkedHashMap<>();
            RandomVgg.stateDict(s).forEach((k, v) -> sd.put(k.replace("features.", "loss.vgg.layers."), v));
            assertThrows(InputException.class, () -> Vgg19BnFeatures.fromStateDict(s, sd));
            NDArray x = s.randomNormal(new Shape(1, 3, 16, 16));
            try (Vgg19BnFeatures a = Vgg19BnFeatures.fromStateDict(s, sd, "loss.vgg.layers.", DataType.FLOAT32);
                 Vgg19BnFeatures b = Vgg19BnFeatures.fromStateDict(s, RandomVgg.stateDict(s))) {
                assertEquals(b.forward(x, BatchNormMode.EVAL).get(4), a.forward(x, BatchNormMode.EVAL).get(4));
            }
        }
    }

    @Test void badInputsAreRefusedWithTheirShape() {
        try (NDManager s = m.newSubManager(); Vgg19BnFeatures net = Vgg19BnFeatures.fromStateDict(s, RandomVgg.stateDict(s))) {
            var e1 = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(s.zeros(new Shape(1, 4, 16, 16)), BatchNormMode.EVAL));
            assertTrue(e1.getMessage().contains("(1, 4, 16, 16)"), e1.getMessage());
            assertThrows(IllegalArgumentException.class, () -> net.forward(s.zeros(new Shape(1, 3, 15, 16)), BatchNormMode.EVAL));
            assertThrows(IllegalArgumentException.class,
                    () -> net.forward(s.zeros(new Shape(1, 3, 16, 16), DataType.FLOAT64), BatchNormMode.EVAL));
            // one value per channel at relu5_2: training-mode batch norm is undefined there (PyTorch refuses too)
            var e2 = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(s.zeros(new Shape(1, 3, 16, 16)), BatchNormMode.RELEASED_TRAIN));
            assertTrue(e2.getMessage().contains("more than one value per channel"), e2.getMessage());
        }
    }
}
