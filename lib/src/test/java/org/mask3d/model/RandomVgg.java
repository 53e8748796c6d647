package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random VGG19-BN weights with torchvision's keys and shapes (He-scaled convolutions, batch-norm parameters near 1
 * and 0), generated once per test JVM from a fixed seed. Real torchvision weights are not available here.
 */
final class RandomVgg {
    private static Map<String, float[]> data;

    private RandomVgg() { }

    static synchronized Map<String, float[]> data() {
        if (data != null) return data;
        Random r = new Random(1234);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : Vgg19BnFeatures.expectedKeys("features.").entrySet()) {
            Shape s = e.getValue();
            float[] a = new float[(int) s.size()];
            String k = e.getKey();
            if (s.dimension() == 4) {
                double std = Math.sqrt(2.0 / (s.get(1) * 9));
                for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * std);
            } else if (k.endsWith("running_var")) {
                for (int i = 0; i < a.length; i++) a[i] = (float) (0.5 + r.nextDouble());
            } else if (k.endsWith("running_mean")) {
                for (int i = 0; i < a.length; i++) a[i] = (float) (0.2 * r.nextGaussian());
            } else if (isBnWeight(k)) {
                for (int i = 0; i < a.length; i++) a[i] = (float) (0.8 + 0.4 * r.nextDouble());
            } else {                                                   // conv bias, bn bias
                for (int i = 0; i < a.length; i++) a[i] = (float) (0.1 * r.nextGaussian());
            }
            out.put(k, a);
        }
        data = out;
        return out;
    }

    /** "features.N.weight" where N is a batch-norm index (a conv index + 1). */
    private static boolean isBnWeight(String k) {
        if (!k.endsWith(".weight")) return false;
        int n = Integer.parseInt(k.split("\\.")[1]);
        for (int c : Vgg19BnFeatures.convIndices()) if (c + 1 == n) return true;
        return false;
    }

    /** The weights as float32 NDArrays in {@code m}, plus extra keys that a full torchvision file also holds. */
    static Map<String, NDArray> stateDict(NDManager m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        Map<String, Shape> shapes = Vgg19BnFeatures.expectedKeys("features.");
        for (Map.Entry<String, float[]> e : data().entrySet()) {
            out.put(e.getKey(), m.create(e.getValue(), shapes.get(e.getKey())));
        }
        out.put("features.1.num_batches_tracked", m.create(0L));
        out.put("classifier.0.bias", m.zeros(new Shape(4096)));
        return out;
    }
}
