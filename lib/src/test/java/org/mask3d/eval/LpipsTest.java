package org.mask3d.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.io.TorchCheckpoint;
import org.mask3d.io.TorchCheckpoint.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * LPIPS: layer shapes of both backbones, the value with fixed synthetic weights against a plain-Java double-precision
 * implementation written here from the torchvision/lpips definitions, invariants, and the weight-file errors.
 */
class LpipsTest {

    // ------------------------------------------------------------------------ fixed synthetic weights

    /** The conv layers of torchvision's features, as {index, in, out, kernel} (written out independently here). */
    static final int[][] ALEX_CONVS = {{0, 3, 64, 11}, {3, 64, 192, 5}, {6, 192, 384, 3}, {8, 384, 256, 3}, {10, 256, 256, 3}};
    static final int[][] VGG_CONVS = {{0, 3, 64, 3}, {2, 64, 64, 3}, {5, 64, 128, 3}, {7, 128, 128, 3}, {10, 128, 256, 3},
            {12, 256, 256, 3}, {14, 256, 256, 3}, {17, 256, 512, 3}, {19, 512, 512, 3}, {21, 512, 512, 3},
            {24, 512, 512, 3}, {26, 512, 512, 3}, {28, 512, 512, 3}};

    /** He-scaled Gaussian weights, small positive-and-negative biases, so that the ReLUs neither die nor all fire. */
    static Map<String, Tensor> backboneWeights(int[][] convs, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (int[] c : convs) {
            int n = c[2] * c[1] * c[3] * c[3];
            float[] w = new float[n];
            double std = Math.sqrt(2.0 / (c[1] * c[3] * c[3]));
            for (int i = 0; i < n; i++) w[i] = (float) (std * r.nextGaussian());
            float[] b = new float[c[2]];
            for (int i = 0; i < b.length; i++) b[i] = (float) (0.1 * r.nextGaussian());
            sd.put("features." + c[0] + ".weight", Tensor.ofFloat("features." + c[0] + ".weight", w, c[2], c[1], c[3], c[3]));
            sd.put("features." + c[0] + ".bias", Tensor.ofFloat("features." + c[0] + ".bias", b, c[2]));
        }
        // torchvision's files also hold the classifier: extra keys must be ignored
        sd.put("classifier.1.weight", Tensor.ofFloat("classifier.1.weight", new float[6], 2, 3));
        return sd;
    }

    /** Non-negative head weights as the released heads are, keyed lin{k}.model.1.weight [1, C, 1, 1]. */
    static Map<String, Tensor> headWeights(int[] channels, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (int k = 0; k < channels.length; k++) {
            float[] w = new float[channels[k]];
            for (int i = 0; i < w.length; i++) w[i] = (float) (0.2 * r.nextDouble());
            String key = "lin" + k + ".model.1.weight";
            sd.put(key, Tensor.ofFloat(key, w, 1, channels[k], 1, 1));
        }
        return sd;
    }

    static float[] image(Random r, int h, int w) {
        float[] x = new float[3 * h * w];
        for (int y = 0; y < h; y++) for (int xx = 0; xx < w; xx++) for (int c = 0; c < 3; c++) {
            x[c * h * w + y * w + xx] = (float) Math.min(1, Math.max(0,
                    0.5 + 0.3 * Math.sin(0.4 * xx + 0.3 * y + c) + 0.15 * r.nextGaussian()));
        }
        return x;
    }

    // ------------------------------------------------------------------------ shapes

    @Test void alexTapShapesAt64() {
        int[][] expected = {{64, 15, 15}, {192, 7, 7}, {384, 3, 3}, {256, 3, 3}, {256, 3, 3}};
        assertArrayEquals(expected, Lpips.featureShapes(Lpips.Backbone.ALEX, 64, 64));
        try (Lpips l = Lpips.fromTensors(Lpips.Backbone.ALEX, backboneWeights(ALEX_CONVS, 1), headWeights(new int[]{64, 192, 384, 256, 256}, 2))) {
            List<float[]> f = l.features(image(new Random(3), 64, 64), 64, 64);
            assertEquals(5, f.size());
            for (int k = 0; k < 5; k++) assertEquals(expected[k][0] * expected[k][1] * expected[k][2], f.get(k).length, "tap " + k);
        }
    }

    @Test void vggTapShapesAt64() {
        int[][] expected = {{64, 64, 64}, {128, 32, 32}, {256, 16, 16}, {512, 8, 8}, {512, 4, 4}};
        assertArrayEquals(expected, Lpips.featureShapes(Lpips.Backbone.VGG16, 64, 64));
        assertArrayEquals(new int[]{512, 2, 3}, Lpips.featureShapes(Lpips.Backbone.VGG16, 37, 48)[4], "floor at each pool");
        try (Lpips l = Lpips.fromTensors(Lpips.Backbone.VGG16, backboneWeights(VGG_CONVS, 4), headWeights(new int[]{64, 128, 256, 512, 512}, 5))) {
            List<float[]> f = l.features(image(new Random(6), 64, 64), 64, 64);
            for (int k = 0; k < 5; k++) assertEquals(expected[k][0] * expected[k][1] * expected[k][2], f.get(k).length, "tap " + k);
        }
    }

    @Test void tooSmallImagesAreRefused() {
        assertDoesNotThrow(() -> Lpips.featureShapes(Lpips.Backbone.ALEX, 31, 31));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lpips.featureShapes(Lpips.Backbone.ALEX, 30, 40));
        assertTrue(e.getMessage().contains("at least 31×31"), e.getMessage());
        assertDoesNotThrow(() -> Lpips.featureShapes(Lpips.Backbone.VGG16, 16, 16));
        assertThrows(IllegalArgumentException.class, () -> Lpips.featureShapes(Lpips.Backbone.VGG16, 15, 16));
    }

    @Test void expectedKeysAreTorchvisionsAndLpips() {
        Map<String, ai.djl.ndarray.types.Shape> a = Lpips.Backbone.ALEX.backboneKeys();
        assertEquals(10, a.size());
        assertEquals(new ai.djl.ndarray.types.Shape(64, 3, 11, 11), a.get("features.0.weight"));
        assertEquals(new ai.djl.ndarray.types.Shape(256, 256, 3, 3), a.get("features.10.weight"));
        Map<String, ai.djl.ndarray.types.Shape> v = Lpips.Backbone.VGG16.backboneKeys();
        assertEquals(26, v.size());
        assertEquals(new ai.djl.ndarray.types.Shape(512, 512, 3, 3), v.get("features.28.weight"));
        assertEquals(new ai.djl.ndarray.types.Shape(1, 512, 1, 1), Lpips.Backbone.VGG16.headKeys().get("lin4.model.1.weight"));
    }

    // ------------------------------------------------------------------------ values

    @Test void alexValueWithFixedWeightsMatchesPlainJava() {
        int h = 32, w = 36;
        Map<String, Tensor> bw = backboneWeights(ALEX_CONVS, 11);
        Map<String, Tensor> hw = headWeights(new int[]{64, 192, 384, 256, 256}, 12);
        Random r = new Random(13);
        float[] a = image(r, h, w), b = image(r, h, w);
        try (Lpips l = Lpips.fromTensors(Lpips.Backbone.ALEX, bw, hw)) {
            // the first tap alone, by hand loops: conv 11×11/4 pad 2 + ReLU on the scaled input
            double[][][] x = scaled(a, h, w);
            double[][][] relu1 = relu(conv(x, bw.get("features.0.weight"), bw.get("features.0.bias"), 4, 2));
            assertEquals(7, relu1[0].length);   // ⌊(32 + 4 − 11)/4⌋ + 1
            assertEquals(8, relu1[0][0].length);   // ⌊(36 + 4 − 11)/4⌋ + 1
            assertArrayEquals(flatten(relu1), toDouble(l.features(a, h, w).get(0)), 2e-4);

            double[] ref = referenceLayers(x, scaled(b, h, w), bw, hw, true);
            double[] got = l.distancePerLayer(a, b, h, w);
            for (int k = 0; k < 5; k++) assertEquals(ref[k], got[k], 1e-4 * Math.max(1e-3, Math.abs(ref[k])), "layer " + k);
            double sum = ref[0] + ref[1] + ref[2] + ref[3] + ref[4];
            assertEquals(sum, l.distance(a, b, h, w), 1e-4 * sum);
            assertTrue(sum > 1e-3, "a non-trivial value: " + sum);
        }
    }

    @Test void vggValueWithFixedWeightsMatchesPlainJava() {
        int h = 16, w = 18;
        Map<String, Tensor> bw = backboneWeights(VGG_CONVS, 21);
        Map<String, Tensor> hw = headWeights(new int[]{64, 128, 256, 512, 512}, 22);
        Random r = new Random(23);
        float[] a = image(r, h, w), b = image(r, h, w);
        try (Lpips l = Lpips.fromTensors(Lpips.Backbone.VGG16, bw, hw)) {
            double[] ref = referenceLayers(scaled(a, h, w), scaled(b, h, w), bw, hw, false);
            double[] got = l.distancePerLayer(a, b, h, w);
            for (int k = 0; k < 5; k++) assertEquals(ref[k], got[k], 1e-4 * Math.max(1e-3, Math.abs(ref[k])), "layer " + k);
        }
    }

    @Test void identicalImagesAreZeroAndTheDistanceIsSymmetric() {
        try (Lpips l = Lpips.fromTensors(Lpips.Backbone.ALEX, backboneWeights(ALEX_CONVS, 31), headWeights(new int[]{64, 192, 384, 256, 256}, 32))) {
            Random r = new Random(33);
            float[] a = image(r, 40, 40), b = image(r, 40, 40);
            assertEquals(0.0, l.distance(a, a.clone(), 40, 40), 0.0);
            double ab = l.distance(a, b, 40, 40), ba = l.distance(b, a, 40, 40);
            assertEquals(ab, ba, 1e-6 * ab);
            assertTrue(ab > 0);
            float[] map = l.distanceMap(a, b, 40, 40);
            assertEquals(40 * 40, map.length);
            double mean = 0;
            for (float v : map) { assertTrue(v >= 0); mean += v / map.length; }
            assertEquals(ab, mean, 0.3 * ab, "the upsampled map's mean is near the distance");
            for (float v : l.distanceMap(a, a, 40, 40)) assertEquals(0f, v);
        }
    }

    @Test void bilinearUpsamplingIsPyTorchsAlignCornersFalse() {
        // 1×2 → 1×4: sources −0.25 (→0), 0.25, 0.75, 1.25 (→ clamp to the last) give 0, 0.25, 0.75, 1 for [0, 1]
        assertArrayEquals(new float[]{0f, 0.25f, 0.75f, 1f}, Lpips.upsampleBilinear(new float[]{0f, 1f}, 1, 2, 1, 4), 1e-7f);
        // 1×1 → 2×2 is a constant
        assertArrayEquals(new float[]{3f, 3f, 3f, 3f}, Lpips.upsampleBilinear(new float[]{3f}, 1, 1, 2, 2), 0f);
    }

    // ------------------------------------------------------------------------ files and errors

    @Test void loadsBothFilesThroughTheCheckpointReader(@TempDir Path dir) {
        Map<String, Tensor> bw = backboneWeights(ALEX_CONVS, 41);
        Map<String, Tensor> hw = headWeights(new int[]{64, 192, 384, 256, 256}, 42);
        Path bf = dir.resolve("alexnet-owt-7be5be79.pth"), hf = dir.resolve("alex.pth");
        TorchCheckpoint.writeStateDict(bf, bw);
        TorchCheckpoint.writeStateDict(hf, hw);
        Random r = new Random(43);
        float[] a = image(r, 32, 32), b = image(r, 32, 32);
        try (Lpips mem = Lpips.fromTensors(Lpips.Backbone.ALEX, bw, hw);
             Lpips file = Lpips.load(Lpips.Backbone.ALEX, bf, hf)) {
            assertEquals(mem.distance(a, b, 32, 32), file.distance(a, b, 32, 32), 0.0);
        }
    }

    @Test void missingWeightsNameTheFileAndWhereToGetIt(@TempDir Path dir) {
        Path none = dir.resolve("nowhere.pth");
        InputException e = assertThrows(InputException.class, () -> Lpips.load(Lpips.Backbone.VGG16, none, none));
        assertTrue(e.getMessage().contains(none.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("vgg16-397923af.pth") && e.getMessage().contains("https://download.pytorch.org/models/vgg16-397923af.pth"), e.getMessage());
        assertTrue(e.getMessage().contains("lpips/weights/v0.1/vgg.pth"), e.getMessage());
        e = assertThrows(InputException.class, () -> Lpips.load(Lpips.Backbone.ALEX, null, null));
        assertTrue(e.getMessage().contains("alexnet-owt-7be5be79.pth") && e.getMessage().contains("nothing is downloaded"), e.getMessage());
    }

    @Test void wrongWeightsNameTheKeyAndTheExpectedShape(@TempDir Path dir) {
        Map<String, Tensor> bw = backboneWeights(ALEX_CONVS, 51);
        bw.put("features.3.weight", Tensor.ofFloat("features.3.weight", new float[192 * 64 * 3 * 3], 192, 64, 3, 3));
        bw.remove("features.10.bias");
        Path bf = dir.resolve("bad.pth");
        TorchCheckpoint.writeStateDict(bf, bw);
        Path hf = dir.resolve("alex.pth");
        TorchCheckpoint.writeStateDict(hf, headWeights(new int[]{64, 192, 384, 256, 256}, 52));
        InputException e = assertThrows(InputException.class, () -> Lpips.load(Lpips.Backbone.ALEX, bf, hf));
        assertTrue(e.getMessage().contains("bad.pth"), e.getMessage());
        assertTrue(e.getMessage().contains("features.3.weight has shape [192,64,3,3], expected (192, 64, 5, 5)"), e.getMessage());
        assertTrue(e.getMessage().contains("missing features.10.bias (expected shape (256))"), e.getMessage());
        // the heads of the other backbone
        Path vh = dir.resolve("vgg.pth");
        TorchCheckpoint.writeStateDict(vh, headWeights(new int[]{64, 128, 256, 512, 512}, 53));
        TorchCheckpoint.writeStateDict(bf, backboneWeights(ALEX_CONVS, 54));
        e = assertThrows(InputException.class, () -> Lpips.load(Lpips.Backbone.ALEX, bf, vh));
        assertTrue(e.getMessage().contains("vgg.pth") && e.getMessage().contains("lin1.model.1.weight has shape [1,128,1,1]"), e.getMessage());
    }

    // ------------------------------------------------------------------------ the plain-Java reference

    /** (2x − 1 − shift)/scale per channel, as double [3][H][W]. */
    static double[][][] scaled(float[] img, int h, int w) {
        double[] shift = {-0.030, -0.088, -0.188}, scale = {0.458, 0.448, 0.450};
        double[][][] x = new double[3][h][w];
        for (int c = 0; c < 3; c++) for (int y = 0; y < h; y++) for (int xx = 0; xx < w; xx++) {
            x[c][y][xx] = (2.0 * img[c * h * w + y * w + xx] - 1 - shift[c]) / scale[c];
        }
        return x;
    }

    static double[][][] conv(double[][][] in, Tensor wt, Tensor bias, int stride, int pad) {
        int[] s = wt.shape();
        int co = s[0], ci = s[1], k = s[2], h = in[0].length, w = in[0][0].length;
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        double[][][] out = new double[co][oh][ow];
        for (int o = 0; o < co; o++) for (int y = 0; y < oh; y++) for (int x = 0; x < ow; x++) {
            double acc = bias.get(o);
            for (int c = 0; c < ci; c++) for (int u = 0; u < k; u++) for (int v = 0; v < k; v++) {
                int yy = y * stride - pad + u, xx = x * stride - pad + v;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                acc += wt.at(o, c, u, v) * in[c][yy][xx];
            }
            out[o][y][x] = acc;
        }
        return out;
    }

    static double[][][] relu(double[][][] a) {
        for (double[][] p : a) for (double[] row : p) for (int i = 0; i < row.length; i++) row[i] = Math.max(0, row[i]);
        return a;
    }

    static double[][][] maxPool(double[][][] in, int k, int stride) {
        int h = in[0].length, w = in[0][0].length, oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
        double[][][] out = new double[in.length][oh][ow];
        for (int c = 0; c < in.length; c++) for (int y = 0; y < oh; y++) for (int x = 0; x < ow; x++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < k; u++) for (int v = 0; v < k; v++) m = Math.max(m, in[c][y * stride + u][x * stride + v]);
            out[c][y][x] = m;
        }
        return out;
    }

    /** The five taps, following torchvision's alexnet / vgg16 features. */
    static double[][][][] taps(double[][][] x, Map<String, Tensor> bw, boolean alex) {
        double[][][][] t = new double[5][][][];
        if (alex) {
            double[][][] h = relu(conv(x, bw.get("features.0.weight"), bw.get("features.0.bias"), 4, 2));
            t[0] = h;
            h = relu(conv(maxPool(h, 3, 2), bw.get("features.3.weight"), bw.get("features.3.bias"), 1, 2));
            t[1] = h;
            h = relu(conv(maxPool(h, 3, 2), bw.get("features.6.weight"), bw.get("features.6.bias"), 1, 1));
            t[2] = h;
            h = relu(conv(h, bw.get("features.8.weight"), bw.get("features.8.bias"), 1, 1));
            t[3] = h;
            t[4] = relu(conv(h, bw.get("features.10.weight"), bw.get("features.10.bias"), 1, 1));
        } else {
            int[][] blocks = {{0, 2}, {5, 7}, {10, 12, 14}, {17, 19, 21}, {24, 26, 28}};
            double[][][] h = x;
            for (int bl = 0; bl < 5; bl++) {
                if (bl > 0) h = maxPool(h, 2, 2);
                for (int i : blocks[bl]) h = relu(conv(h, bw.get("features." + i + ".weight"), bw.get("features." + i + ".bias"), 1, 1));
                t[bl] = h;
            }
        }
        return t;
    }

    /** Per layer: spatial mean of Σ_c w_c (f̂a − f̂b)², f̂ = f / (‖f‖_c + 1e−10). */
    static double[] referenceLayers(double[][][] xa, double[][][] xb, Map<String, Tensor> bw, Map<String, Tensor> hw, boolean alex) {
        double[][][][] ta = taps(xa, bw, alex), tb = taps(xb, bw, alex);
        double[] out = new double[5];
        for (int l = 0; l < 5; l++) {
            Tensor head = hw.get("lin" + l + ".model.1.weight");
            int c = ta[l].length, h = ta[l][0].length, w = ta[l][0][0].length;
            double s = 0;
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                double na = 0, nb = 0;
                for (int k = 0; k < c; k++) { na += ta[l][k][y][x] * ta[l][k][y][x]; nb += tb[l][k][y][x] * tb[l][k][y][x]; }
                na = Math.sqrt(na) + 1e-10;
                nb = Math.sqrt(nb) + 1e-10;
                for (int k = 0; k < c; k++) {
                    double d = ta[l][k][y][x] / na - tb[l][k][y][x] / nb;
                    s += head.get(k) * d * d;
                }
            }
            out[l] = s / (h * w);
        }
        return out;
    }

    static double[] flatten(double[][][] a) {
        int c = a.length, h = a[0].length, w = a[0][0].length;
        double[] out = new double[c * h * w];
        for (int i = 0; i < c; i++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out[(i * h + y) * w + x] = a[i][y][x];
        return out;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
