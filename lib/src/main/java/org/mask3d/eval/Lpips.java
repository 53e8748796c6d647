package org.mask3d.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import org.mask3d.InputException;
import org.mask3d.io.Images;
import org.mask3d.io.TorchCheckpoint;
import org.mask3d.render.HostArrays;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LPIPS v0.1 (Zhang, Isola, Efros, Shechtman, Wang 2018, "The Unreasonable Effectiveness of Deep Features as a
 * Perceptual Metric"; the {@code lpips} package, {@code lpips/lpips.py} and {@code lpips/pretrained_networks.py} of
 * github.com/richzhang/PerceptualSimilarity) with the AlexNet or VGG16 backbone, in DJL, for inference.
 *
 * <h2>Definition</h2>
 * For images x, y ∈ [0,1]^{3×H×W} ({@code normalize=True} in the package):
 * <pre>
 *   x' = (2x − 1 − shift) / scale,  shift = [−0.030, −0.088, −0.188],  scale = [0.458, 0.448, 0.450]  (ScalingLayer)
 *   F_l(x') = the backbone's tap l, l = 1..5, [C_l, H_l, W_l]
 *   F̂_l(h, w) = F_l(h, w) / (sqrt(Σ_c F_l(c, h, w)²) + 1e−10)                         (normalize_tensor)
 *   d(x, y) = Σ_l (1/(H_l·W_l)) Σ_{h,w} Σ_c w_{l,c} · (F̂_l(x')(c,h,w) − F̂_l(y')(c,h,w))²
 * </pre>
 * with w_l the 1×1 linear head {@code lin{l−1}.model.1.weight} [1, C_l, 1, 1] (no bias; dropout is off at eval).
 * Identical images give 0; d is symmetric.
 *
 * <h2>Backbones ({@code torchvision.models.*.features}, frozen)</h2>
 * <ul>
 *   <li>AlexNet: conv 11×11 stride 4 pad 2 (64) [0], ReLU [1] = relu1, max-pool 3/2 [2], conv 5×5 pad 2 (192) [3],
 *       ReLU [4] = relu2, max-pool 3/2 [5], conv 3×3 pad 1 (384) [6], ReLU [7] = relu3, conv 3×3 pad 1 (256) [8],
 *       ReLU [9] = relu4, conv 3×3 pad 1 (256) [10], ReLU [11] = relu5. For a 64×64 input the taps are
 *       64×15×15, 192×7×7, 384×3×3, 256×3×3, 256×3×3. Inputs need H, W ≥ 31.</li>
 *   <li>VGG16 (configuration "D", no batch norm): 3×3 pad 1 convolutions at 0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24,
 *       26, 28, each followed by a ReLU, 2×2 max-pools at 4, 9, 16, 23; taps relu1_2 [3], relu2_2 [8], relu3_3 [15],
 *       relu4_3 [22], relu5_3 [29] with 64, 128, 256, 512, 512 channels at full, 1/2, 1/4, 1/8, 1/16 size (floor).
 *       Inputs need H, W ≥ 16.</li>
 * </ul>
 * Max-pools use floor mode and no padding, as torchvision's.
 *
 * <h2>Weights</h2>
 * Two files the user supplies (nothing is downloaded), read only through {@link TorchCheckpoint}'s allow-list
 * unpickler (zip or legacy {@code torch.save} format):
 * <ul>
 *   <li>the backbone's ImageNet state dict from torchvision, keys {@code features.N.weight} / {@code .bias}
 *       (the classifier is ignored): {@link Backbone#torchvisionFile()} at {@link Backbone#torchvisionUrl()};</li>
 *   <li>the LPIPS v0.1 linear heads, keys {@code lin0.model.1.weight} … {@code lin4.model.1.weight}:
 *       {@link Backbone#headsFile()} ({@code lpips/weights/v0.1/} of the package) at {@link Backbone#headsUrl()}.</li>
 * </ul>
 *
 * <p>Checked: with fixed synthetic weights, against a plain-Java double implementation ({@code LpipsTest}) and
 * against torchvision 0.14's {@code alexnet().features} / {@code vgg16().features} plus the lpips v0.1 forward in
 * float64, 5e−7 relative per layer ({@code lib/benchmarks/lpips-torchvision-check.md}). Not checked here: values
 * with the released weights against the Python package.
 *
 * <p>An instance owns native memory: close it. Inference runs on the CPU engine in float32.
 */
public final class Lpips implements AutoCloseable {
    /** The ScalingLayer's shift (subtracted after mapping [0,1] to [−1,1]). */
    public static final float[] SHIFT = {-0.030f, -0.088f, -0.188f};
    /** The ScalingLayer's scale (divides after the shift). */
    public static final float[] SCALE = {0.458f, 0.448f, 0.450f};
    /** The ε of {@code normalize_tensor}. */
    public static final double EPS = 1e-10;

    /** One layer of a backbone's {@code features}, by torchvision index. */
    record Layer(String kind, int index, int in, int out, int kernel, int stride, int pad) {
        boolean conv() { return kind.equals("conv"); }
    }

    /** The two backbones of the LPIPS package that are implemented here. */
    public enum Backbone {
        /** AlexNet ({@code net='alex'}, the package's default). */
        ALEX("alex", "alexnet-owt-7be5be79.pth", "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
                "alex.pth", "https://github.com/richzhang/PerceptualSimilarity/raw/master/lpips/weights/v0.1/alex.pth"),
        /** VGG16 ({@code net='vgg'}). */
        VGG16("vgg", "vgg16-397923af.pth", "https://download.pytorch.org/models/vgg16-397923af.pth",
                "vgg.pth", "https://github.com/richzhang/PerceptualSimilarity/raw/master/lpips/weights/v0.1/vgg.pth");

        private final String lpipsName, torchvisionFile, torchvisionUrl, headsFile, headsUrl;

        Backbone(String lpipsName, String torchvisionFile, String torchvisionUrl, String headsFile, String headsUrl) {
            this.lpipsName = lpipsName;
            this.torchvisionFile = torchvisionFile;
            this.torchvisionUrl = torchvisionUrl;
            this.headsFile = headsFile;
            this.headsUrl = headsUrl;
        }

        /** The package's {@code net=} name: {@code alex} or {@code vgg}. */
        public String lpipsName() { return lpipsName; }
        /** torchvision's ImageNet weights file name. */
        public String torchvisionFile() { return torchvisionFile; }
        /** Where torchvision publishes it. */
        public String torchvisionUrl() { return torchvisionUrl; }
        /** The LPIPS v0.1 linear-head file name. */
        public String headsFile() { return headsFile; }
        /** Where the LPIPS package publishes it. */
        public String headsUrl() { return headsUrl; }

        /** Channels of the five taps. */
        public int[] tapChannels() {
            return this == ALEX ? new int[]{64, 192, 384, 256, 256} : new int[]{64, 128, 256, 512, 512};
        }

        /** torchvision indices of the five taps (ReLU outputs). */
        public int[] tapIndices() {
            return this == ALEX ? new int[]{1, 4, 7, 9, 11} : new int[]{3, 8, 15, 22, 29};
        }

        /** The smallest H (and W) for which every tap has at least one pixel. */
        public int minSize() { return this == ALEX ? 31 : 16; }

        List<Layer> layers() {
            List<Layer> out = new ArrayList<>();
            if (this == ALEX) {
                out.add(new Layer("conv", 0, 3, 64, 11, 4, 2));
                out.add(new Layer("relu", 1, 0, 0, 0, 0, 0));
                out.add(new Layer("pool", 2, 0, 0, 3, 2, 0));
                out.add(new Layer("conv", 3, 64, 192, 5, 1, 2));
                out.add(new Layer("relu", 4, 0, 0, 0, 0, 0));
                out.add(new Layer("pool", 5, 0, 0, 3, 2, 0));
                out.add(new Layer("conv", 6, 192, 384, 3, 1, 1));
                out.add(new Layer("relu", 7, 0, 0, 0, 0, 0));
                out.add(new Layer("conv", 8, 384, 256, 3, 1, 1));
                out.add(new Layer("relu", 9, 0, 0, 0, 0, 0));
                out.add(new Layer("conv", 10, 256, 256, 3, 1, 1));
                out.add(new Layer("relu", 11, 0, 0, 0, 0, 0));
            } else {
                int[] cfg = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512};
                int i = 0, in = 3;
                for (int c : cfg) {
                    if (c == 0) {
                        out.add(new Layer("pool", i++, 0, 0, 2, 2, 0));
                    } else {
                        out.add(new Layer("conv", i++, in, c, 3, 1, 1));
                        out.add(new Layer("relu", i++, 0, 0, 0, 0, 0));
                        in = c;
                    }
                }
            }
            return out;
        }

        /** The backbone keys this network needs, with their shapes, in layer order. */
        public Map<String, Shape> backboneKeys() {
            Map<String, Shape> out = new LinkedHashMap<>();
            for (Layer l : layers()) {
                if (!l.conv()) continue;
                out.put("features." + l.index() + ".weight", new Shape(l.out(), l.in(), l.kernel(), l.kernel()));
                out.put("features." + l.index() + ".bias", new Shape(l.out()));
            }
            return out;
        }

        /** The linear-head keys, {@code lin{k}.model.1.weight} [1, C_k, 1, 1]. */
        public Map<String, Shape> headKeys() {
            Map<String, Shape> out = new LinkedHashMap<>();
            int[] ch = tapChannels();
            for (int k = 0; k < ch.length; k++) out.put("lin" + k + ".model.1.weight", new Shape(1, ch[k], 1, 1));
            return out;
        }

        /** One line saying which files this backbone needs and where they come from. */
        public String weightsHelp() {
            return "LPIPS-" + lpipsName + " needs torchvision's ImageNet weights " + torchvisionFile + " (" + torchvisionUrl
                    + ", keys features.N.weight/bias) and the LPIPS v0.1 linear heads " + headsFile + " (" + headsUrl
                    + ", keys lin0..lin4.model.1.weight); nothing is downloaded";
        }
    }

    private final Backbone backbone;
    private final NDManager manager;
    private final List<Layer> layers;
    private final Map<Integer, NDArray[]> convs = new LinkedHashMap<>();
    private final NDArray[] heads;
    private final int lastIndex;

    private Lpips(Backbone backbone, NDManager manager) {
        this.backbone = backbone;
        this.manager = manager;
        this.layers = backbone.layers();
        this.heads = new NDArray[5];
        int[] taps = backbone.tapIndices();
        this.lastIndex = taps[taps.length - 1];
    }

    /**
     * Loads the network from the two weight files.
     *
     * @param backboneWeights torchvision's state dict ({@link Backbone#torchvisionFile()})
     * @param headWeights     the LPIPS v0.1 heads ({@link Backbone#headsFile()})
     * @throws InputException naming the file when it is missing or unreadable (with {@link Backbone#weightsHelp()}),
     *                        or naming every missing or mis-shaped key with its expected shape
     */
    public static Lpips load(Backbone backbone, Path backboneWeights, Path headWeights) {
        if (backboneWeights == null || headWeights == null) throw new InputException(backbone.weightsHelp());
        Map<String, TorchCheckpoint.Tensor> b = read(backbone, backboneWeights, "backbone weights");
        Map<String, TorchCheckpoint.Tensor> h = read(backbone, headWeights, "linear-head weights");
        return build(backbone, b, backboneWeights.toString(), h, headWeights.toString());
    }

    /**
     * Builds the network from weights in memory (e.g. fixed synthetic weights in tests), keyed like the files:
     * {@link Backbone#backboneKeys()} and {@link Backbone#headKeys()}; extra keys are ignored.
     *
     * @throws InputException naming every missing or mis-shaped key with its expected shape
     */
    public static Lpips fromTensors(Backbone backbone, Map<String, TorchCheckpoint.Tensor> backboneWeights,
                                    Map<String, TorchCheckpoint.Tensor> headWeights) {
        return build(backbone, backboneWeights, "backbone weights", headWeights, "linear-head weights");
    }

    private static Map<String, TorchCheckpoint.Tensor> read(Backbone backbone, Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("LPIPS " + what + " not found: " + file + " (" + backbone.weightsHelp() + ")");
        }
        return TorchCheckpoint.read(file).tensors();
    }

    private static Lpips build(Backbone backbone, Map<String, TorchCheckpoint.Tensor> b, String bSource,
                               Map<String, TorchCheckpoint.Tensor> h, String hSource) {
        check(bSource, "torchvision's " + backbone.torchvisionFile() + " (" + backbone.torchvisionUrl() + ")",
                b, backbone.backboneKeys(), null);
        check(hSource, "the LPIPS v0.1 heads " + backbone.headsFile() + " (" + backbone.headsUrl() + ")",
                h, backbone.headKeys(), backbone);
        Lpips net = new Lpips(backbone, NDManager.newBaseManager());
        try {
            for (Layer l : net.layers) {
                if (!l.conv() || l.index() > net.lastIndex) continue;
                String k = "features." + l.index() + ".";
                net.convs.put(l.index(), new NDArray[]{net.create(b.get(k + "weight")), net.create(b.get(k + "bias"))});
            }
            int k = 0;
            for (String key : backbone.headKeys().keySet()) {
                TorchCheckpoint.Tensor t = h.containsKey(key) ? h.get(key) : h.get(key.replace(".model.1.", ".model.0."));
                net.heads[k] = net.create(t).reshape(1, backbone.tapChannels()[k], 1, 1);
                k++;
            }
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    /**
     * Every expected key present with its shape and a float type. Heads may also be keyed {@code model.0} (a head
     * saved without its dropout layer).
     */
    private static void check(String source, String expected, Map<String, TorchCheckpoint.Tensor> sd,
                              Map<String, Shape> keys, Backbone headsOf) {
        if (sd == null) throw new InputException(source + ": no weights given; expected " + expected);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Shape> e : keys.entrySet()) {
            TorchCheckpoint.Tensor t = sd.get(e.getKey());
            if (t == null && headsOf != null) t = sd.get(e.getKey().replace(".model.1.", ".model.0."));
            if (t == null) {
                problems.add("missing " + e.getKey() + " (expected shape " + e.getValue() + ")");
            } else if (!new Shape(Arrays.stream(t.shape()).asLongStream().toArray()).equals(e.getValue())) {
                problems.add(e.getKey() + " has shape " + t.shapeString() + ", expected " + e.getValue());
            } else if (!t.isFloatingPoint()) {
                problems.add(e.getKey() + " has data type " + t.dtype() + ", expected a float type");
            }
        }
        if (!problems.isEmpty()) {
            String found = sd.isEmpty() ? "no tensors" : sd.size() + " tensors, e.g. " + sd.keySet().iterator().next();
            throw new InputException(source + ": not " + expected + ": " + String.join("; ", problems)
                    + " (the file holds " + found + ")");
        }
    }

    private NDArray create(TorchCheckpoint.Tensor t) {
        return HostArrays.of(manager, t.floats(), new Shape(Arrays.stream(t.shape()).asLongStream().toArray()));
    }

    /** The backbone. */
    public Backbone backbone() { return backbone; }

    /**
     * The tap shapes [C_l, H_l, W_l] for an H×W input, from the layer arithmetic
     * ({@code ⌊(n + 2·pad − k)/stride⌋ + 1} for convolutions and pools).
     *
     * @throws IllegalArgumentException if a layer would get an empty output (H or W below {@link Backbone#minSize()})
     */
    public static int[][] featureShapes(Backbone backbone, int height, int width) {
        int[] taps = backbone.tapIndices();
        int[][] out = new int[taps.length][];
        int h = height, w = width, c = 3, tap = 0;
        for (Layer l : backbone.layers()) {
            if (l.index() > taps[taps.length - 1]) break;
            if (!l.kind().equals("relu")) {
                int nh = (h + 2 * l.pad() - l.kernel()) / l.stride() + 1, nw = (w + 2 * l.pad() - l.kernel()) / l.stride() + 1;
                if (h + 2 * l.pad() < l.kernel() || w + 2 * l.pad() < l.kernel() || nh < 1 || nw < 1) {
                    throw new IllegalArgumentException("LPIPS-" + backbone.lpipsName() + " needs images of at least "
                            + backbone.minSize() + "×" + backbone.minSize() + " pixels, got H×W = " + height + "×" + width
                            + " (layer " + l.index() + " gets " + h + "×" + w + ")");
                }
                h = nh;
                w = nw;
                if (l.conv()) c = l.out();
            }
            if (l.index() == taps[tap]) out[tap++] = new int[]{c, h, w};
        }
        return out;
    }

    /**
     * LPIPS distance d(a, b) (see the class comment).
     *
     * @param a [3, H, W] in [0, 1]
     * @param b [3, H, W] in [0, 1]
     * @throws IllegalArgumentException if a shape does not match or the images are too small for the backbone
     */
    public double distance(float[] a, float[] b, int height, int width) {
        double s = 0;
        for (double v : distancePerLayer(a, b, height, width)) s += v;
        return s;
    }

    /** The five per-layer terms of {@link #distance} (their sum is the distance; {@code retPerLayer=True}). */
    public double[] distancePerLayer(float[] a, float[] b, int height, int width) {
        double[] out = new double[5];
        List<float[]> maps = layerMaps(a, b, height, width);
        for (int l = 0; l < 5; l++) {
            double s = 0;
            for (float v : maps.get(l)) s += v;
            out[l] = s / maps.get(l).length;
        }
        return out;
    }

    /**
     * The spatial LPIPS map ({@code spatial=True}): each layer's map Σ_c w_{l,c}·(F̂_l(x') − F̂_l(y'))² [H_l, W_l]
     * upsampled to [H, W] bilinearly with {@code align_corners=False} (PyTorch's {@code nn.Upsample}), summed over
     * layers. Its mean is close to, but not exactly, {@link #distance} (upsampling does not preserve the mean).
     *
     * @return [H, W], row-major
     */
    public float[] distanceMap(float[] a, float[] b, int height, int width) {
        List<float[]> maps = layerMaps(a, b, height, width);
        int[][] shapes = featureShapes(backbone, height, width);
        float[] out = new float[height * width];
        for (int l = 0; l < 5; l++) {
            float[] up = upsampleBilinear(maps.get(l), shapes[l][1], shapes[l][2], height, width);
            for (int i = 0; i < out.length; i++) out[i] += up[i];
        }
        return out;
    }

    /**
     * The raw backbone taps (before the unit normalisation) for one image, after the scaling layer.
     *
     * @param image [3, H, W] in [0, 1]
     * @return five arrays [C_l, H_l, W_l] (shapes as {@link #featureShapes})
     */
    public List<float[]> features(float[] image, int height, int width) {
        checkImage(image, "image", height, width);
        try (NDManager m = manager.newSubManager()) {
            NDList taps = forward(input(m, List.of(image), height, width));
            List<float[]> out = new ArrayList<>();
            for (NDArray t : taps) out.add(t.toFloatArray());
            return Collections.unmodifiableList(out);
        }
    }

    /** Per layer, the head's map Σ_c w_c·(F̂(a) − F̂(b))², [H_l·W_l]. */
    private List<float[]> layerMaps(float[] a, float[] b, int height, int width) {
        checkImage(a, "first image", height, width);
        checkImage(b, "second image", height, width);
        featureShapes(backbone, height, width);
        try (NDManager m = manager.newSubManager()) {
            NDList taps = forward(input(m, List.of(a, b), height, width));
            List<float[]> out = new ArrayList<>();
            for (int l = 0; l < taps.size(); l++) {
                NDArray f = taps.get(l);
                NDArray norm = f.square().sum(new int[]{1}, true).sqrt().add(EPS);
                NDArray fn = f.div(norm);
                NDArray d = fn.get(new NDIndex("0:1")).sub(fn.get(new NDIndex("1:2"))).square();
                out.add(d.mul(heads[l]).sum(new int[]{1}).toFloatArray());
            }
            return out;
        }
    }

    /** [N, 3, H, W]: the images mapped to [−1, 1] and through the scaling layer. */
    private static NDArray input(NDManager m, List<float[]> images, int height, int width) {
        int n = height * width;
        float[] all = new float[images.size() * 3 * n];
        for (int i = 0; i < images.size(); i++) {
            float[] img = images.get(i);
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < n; p++) all[(i * 3 + c) * n + p] = (2 * img[c * n + p] - 1 - SHIFT[c]) / SCALE[c];
            }
        }
        return HostArrays.of(m, all, new Shape(images.size(), 3, height, width));
    }

    private NDList forward(NDArray x) {
        int[] taps = backbone.tapIndices();
        NDList out = new NDList(taps.length);
        NDArray h = x;
        int tap = 0;
        for (Layer l : layers) {
            if (l.index() > lastIndex) break;
            switch (l.kind()) {
                case "conv" -> {
                    NDArray[] wb = convs.get(l.index());
                    h = Conv2d.conv2d(h, wb[0], wb[1], new Shape(l.stride(), l.stride()), new Shape(l.pad(), l.pad()),
                            new Shape(1, 1), 1).singletonOrThrow();
                }
                case "relu" -> h = Activation.relu(h);
                case "pool" -> h = Pool.maxPool2d(h, new Shape(l.kernel(), l.kernel()), new Shape(l.stride(), l.stride()),
                        new Shape(0, 0), false);
                default -> throw new IllegalStateException(l.kind());
            }
            if (l.index() == taps[tap]) {
                out.add(h);
                tap++;
            }
        }
        return out;
    }

    /** PyTorch's bilinear upsampling with {@code align_corners=False}: source = (dst + 0.5)·in/out − 0.5, clamped at 0. */
    static float[] upsampleBilinear(float[] src, int h, int w, int oh, int ow) {
        return FarnebackFlow.resize(src, h, w, 1, oh, ow);   // the same half-pixel-centre bilinear, one channel
    }

    private static void checkImage(float[] img, String what, int height, int width) {
        try {
            Images.checkChw(img, 3, height, width);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LPIPS " + what + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() { manager.close(); }

    @Override public String toString() { return "Lpips(v0.1, " + backbone.lpipsName() + ")"; }
}
