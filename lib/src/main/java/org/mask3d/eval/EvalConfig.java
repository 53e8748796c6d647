package org.mask3d.eval;

import org.mask3d.InputException;
import org.mask3d.io.ConfigFile;
import org.mask3d.io.ConfigKey;
import org.mask3d.io.ConfigSchema;
import org.mask3d.model.LossType;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluation's settings (the {@code ./mask3d evaluate} config), immutable, read from a {@code key = value} file
 * with {@code --set} overrides laid over it, or built in code ({@code EvalConfig.defaults().with(EvalConfig.PLANES, 32)}).
 * Every key is a typed {@link ConfigKey} of the table {@link #SCHEMA} with a default, a one-line comment and its
 * checks; unknown keys are errors naming the nearest known one, and bad values name the file line (or
 * {@code --set key}), the key and what was expected.
 *
 * @param data            "synthetic" (the built-in rig, exact ground truth) or a scene path ({@link org.mask3d.data.Scenes#open})
 * @param syntheticSeed   seed of the evaluation rig (training uses {@code trainSeed}: other textures and motion)
 * @param syntheticFrames frames of the rigs
 * @param width           evaluation width (a scene is resized, Lanczos)
 * @param height          evaluation height
 * @param sources         two source cameras; the first is the MPI reference
 * @param targets         held-out target cameras
 * @param frameStart      first evaluated frame
 * @param frameCount      evaluated frames (0: to the end)
 * @param planes          MPI planes of the comparison (and of training)
 * @param planeCounts     plane-count ablation at inference with the same networks (empty: none)
 * @param trainPlaneCounts plane-count ablation with training: stage 1 and 2 trained at each count (empty: none)
 * @param methods         methods compared
 * @param metrics         metric names ({@link #METRICS})
 * @param mask2d          the 2D-mask baseline's settings
 * @param staticMask      exact, foreground, background, or a folder of masks
 * @param staticThreshold threshold of the background-difference static mask
 * @param staticDilate    dilation (pixels) of the dynamic region of non-exact static masks
 * @param lpipsWeights    per LPIPS metric, {backbone .pth, linear-head .pth} (empty strings when not given)
 * @param vggWeights      torchvision vgg19_bn weights for the VGG mask-stage losses, or null
 * @param device          renderer: cpu, gpu or auto
 * @param model           a mask3d checkpoint folder or the authors' .ckpt; null: train on the rig
 * @param trainSeed       seed of the training rig
 * @param stage1Steps     stage-1 (MPINet3d) steps
 * @param stage2Steps     stage-2 (MaskNet3d) steps per mask-stage loss
 * @param stage1Crop      stage-1 crop side
 * @param maskLoss        the mask-stage loss of the main mask3d model
 * @param lossAblation    mask-stage losses of the ablation (empty: none)
 * @param stripFrames     consecutive frames in the qualitative strips
 * @param exportViewer    also write a viewer folder of the main model's MPIs
 * @param outDir          default output folder
 */
public record EvalConfig(String data, long syntheticSeed, int syntheticFrames, int width, int height, int[] sources,
                         int[] targets, int frameStart, int frameCount, int planes, int[] planeCounts,
                         int[] trainPlaneCounts, List<EvalMethod> methods, List<String> metrics, EvalSession.Mask2dSettings mask2d,
                         String staticMask, double staticThreshold, int staticDilate, Map<String, String[]> lpipsWeights,
                         Path vggWeights, String device, Path model, long trainSeed, int stage1Steps, int stage2Steps,
                         int stage1Crop, LossType maskLoss, List<LossType> lossAblation, int stripFrames,
                         boolean exportViewer, Path outDir, String testCamera) {

    /** Metric names a config may list. */
    public static final List<String> METRICS = List.of("psnr", "psnr_clamped", "ssim", "ssim_released", "lpips_alex",
            "lpips_vgg", "temporal");

    private static ConfigKey<int[]> multiplesOf8(String name, String def, String doc) {
        return ConfigKey.integers(name, 0, def, doc).check(v -> Arrays.stream(v).allMatch(p -> p >= 8 && p % 8 == 0),
                "a list of positive multiples of 8");
    }

    private static ConfigKey<Integer> atLeast(ConfigKey<Integer> k, int min) { return k.check(v -> v >= min, "at least " + min); }

    public static final ConfigKey<String> DATA = ConfigKey.string("data", "synthetic",
            "'synthetic' (the built-in rig, exact ground truth) or a scene: multi-camera folder, packed scene or the authors' .h5")
            .check(s -> !s.isEmpty(), "'synthetic' or a scene path");
    public static final ConfigKey<String> TEST_CAMERA = ConfigKey.string("test_camera", "cam00",
            "N3DV folders (data = a folder of camNN.mp4 + poses_bounds.npy): the held-out test camera, never a source")
            .check(v -> v != null && v.matches("cam\\d+"), "a camera name like cam00");
    public static final ConfigKey<Long> SYNTHETIC_SEED = ConfigKey.longInteger("synthetic_seed", "1",
            "seed of the evaluation rig (the training rig uses train_seed: other textures and motion paths)");
    public static final ConfigKey<Integer> SYNTHETIC_FRAMES = atLeast(ConfigKey.integer("synthetic_frames", "8", "frames of the synthetic rigs"), 2);
    public static final ConfigKey<int[]> IMG_WH = ConfigKey.integers("img_wh", 2, "[48, 32]",
            "evaluation width, height (a scene is resized, Lanczos); training on the rig uses the same")
            .check(v -> v[0] >= 16 && v[1] >= 16, "at least [16, 16]");
    public static final ConfigKey<int[]> SOURCES = ConfigKey.integers("sources", 2, "[2, 3]",
            "the two source cameras; the first is the MPI reference (released default [4, 5] on the authors' rig)");
    public static final ConfigKey<int[]> TARGETS = ConfigKey.integers("targets", 0, "[7, 8]",
            "held-out target cameras (not sources); on the rig 7 and 8 are the bottom row below the sources")
            .check(v -> v.length > 0, "at least one held-out camera, e.g. [7]");
    public static final ConfigKey<int[]> FRAMES = ConfigKey.integers("frames", 2, "[0, 0]",
            "first evaluated frame and how many (0: to the last frame); at least 2 for the temporal measures")
            .check(v -> v[0] >= 0 && v[1] >= 0 && v[1] != 1, "[first, count] with first >= 0 and count 0 (to the end) or at least 2 (frames[1] counts frame pairs for the temporal measures)");
    public static final ConfigKey<Integer> PLANES = ConfigKey.integer("planes", "16",
            "MPI planes of the comparison (and of training on the rig); released 32")
            .check(v -> v >= 8 && v % 8 == 0, "a positive multiple of 8 (MPINet3d pools depth 3 times)");
    public static final ConfigKey<int[]> PLANE_COUNTS = multiplesOf8("plane_counts", "[8, 32]",
            "plane-count ablation: the same networks at these plane counts at inference (fully convolutional); [] for none");
    public static final ConfigKey<int[]> TRAIN_PLANE_COUNTS = multiplesOf8("train_plane_counts", "[]",
            "plane-count ablation with training (model empty): stage 1 and stage 2 (mask_loss) trained again at each count; [] for none");
    public static final ConfigKey<List<EvalMethod>> METHODS = ConfigKey.list("methods",
            "mask3d, per_frame, background, mask2d, constant_blend, nearest_source",
            "methods compared (all through the same renderer except nearest_source)", EvalMethod::fromKey, EvalMethod::key)
            .check(l -> !l.isEmpty(), "any of mask3d, per_frame, background, mask2d, constant_blend, nearest_source");
    public static final ConfigKey<List<String>> METRIC_NAMES = ConfigKey.list("metrics", "psnr, psnr_clamped, ssim, ssim_released, temporal",
            "any of psnr, psnr_clamped, ssim, ssim_released, lpips_alex, lpips_vgg (need their weights), temporal", m -> {
                if (!METRICS.contains(m)) throw new InputException("metrics: unknown metric '" + m + "'; use any of " + String.join(", ", METRICS));
                return m;
            }, m -> m).check(l -> !l.isEmpty(), "any of " + String.join(", ", METRICS));
    public static final ConfigKey<Double> MASK2D_THRESHOLD = ConfigKey.number("mask2d_threshold", String.valueOf(Mask2d.DEFAULT_THRESHOLD),
            "2D mask: threshold on the mean |frame - background| over channels of the reference source view").check(v -> v > 0, "positive");
    public static final ConfigKey<Integer> MASK2D_DILATE = atLeast(ConfigKey.integer("mask2d_dilate", String.valueOf(Mask2d.DEFAULT_DILATE),
            "2D mask: dilation radius in pixels"), 0);
    public static final ConfigKey<Boolean> MASK2D_SOFT = ConfigKey.bool("mask2d_soft", "False",
            "2D mask: True for the soft ramp min(1, d / threshold) instead of the hard threshold");
    public static final ConfigKey<String> STATIC_MASK = ConfigKey.string("static_mask", "exact",
            "static pixels of the temporal measure: exact (synthetic rig), foreground (the scene's mattes), background (difference to the target's background), or a folder DIR/camNN/NNNNN.png (white = dynamic)")
            .check(s -> !s.isEmpty(), "exact, foreground, background or a mask folder");
    public static final ConfigKey<Double> STATIC_THRESHOLD = ConfigKey.number("static_threshold", "0.05",
            "static_mask = background: threshold on the mean |frame - background| over channels").check(v -> v >= 0, "0 or more");
    public static final ConfigKey<Integer> STATIC_DILATE = atLeast(ConfigKey.integer("static_dilate", "2",
            "dilation (pixels) of the dynamic region of foreground/background/folder static masks"), 0);
    public static final ConfigKey<String> LPIPS_ALEX_BACKBONE = ConfigKey.string("lpips_alex_backbone", "",
            "lpips_alex: torchvision alexnet weights (alexnet-owt-7be5be79.pth)");
    public static final ConfigKey<String> LPIPS_ALEX_HEAD = ConfigKey.string("lpips_alex_head", "",
            "lpips_alex: the lpips package's linear heads (weights/v0.1/alex.pth)");
    public static final ConfigKey<String> LPIPS_VGG_BACKBONE = ConfigKey.string("lpips_vgg_backbone", "",
            "lpips_vgg: torchvision vgg16 weights (vgg16-397923af.pth)");
    public static final ConfigKey<String> LPIPS_VGG_HEAD = ConfigKey.string("lpips_vgg_head", "",
            "lpips_vgg: the lpips package's linear heads (weights/v0.1/vgg.pth)");
    public static final ConfigKey<Path> VGG_WEIGHTS = ConfigKey.path("vgg_weights", "",
            "torchvision vgg19_bn weights (vgg19_bn-c79401a0.pth) for the VGG mask-stage losses; empty: their L1 counterparts run instead");
    public static final ConfigKey<String> DEVICE = ConfigKey.choice("device", "auto",
            "renderer: cpu, gpu (CUDA) or auto; the networks run on DJL's CPU engine", "cpu", "gpu", "auto");
    public static final ConfigKey<Path> MODEL = ConfigKey.path("model", "",
            "a mask3d checkpoint folder (runs/NAME/checkpoints/last) or the authors' .ckpt; empty: train on the synthetic rig first");
    public static final ConfigKey<Long> TRAIN_SEED = ConfigKey.longInteger("train_seed", "0", "training rig seed (model empty)");
    public static final ConfigKey<Integer> STAGE1_STEPS = atLeast(ConfigKey.integer("stage1_steps", "300",
            "training: stage-1 (MPINet3d, L1) steps (model empty)"), 1);
    public static final ConfigKey<Integer> STAGE2_STEPS = atLeast(ConfigKey.integer("stage2_steps", "120",
            "training: stage-2 (MaskNet3d, MPINet3d frozen) steps per mask-stage loss (model empty)"), 1);
    public static final ConfigKey<Integer> STAGE1_CROP = atLeast(ConfigKey.integer("stage1_crop", "32",
            "training: stage-1 crop side (at most the image height)"), 16);
    public static final ConfigKey<LossType> MASK_LOSS = ConfigKey.choice("mask_loss", "vgg_only",
            "training: the main mask3d model's mask-stage loss (released config vgg_only); without vgg_weights its L1 counterpart",
            LossType::forMaskStage, LossType::key);
    public static final ConfigKey<List<LossType>> LOSS_ABLATION = ConfigKey.list("loss_ablation", "vgg_only, no_mask, full_loss",
            "training: mask-stage losses of the loss ablation, one MaskNet3d each from the same stage-1 MPINet3d; [] for none",
            LossType::forMaskStage, LossType::key);
    public static final ConfigKey<Integer> STRIP_FRAMES = atLeast(ConfigKey.integer("strip_frames", "6",
            "consecutive frames in the qualitative strips"), 1);
    public static final ConfigKey<Boolean> EXPORT_VIEWER = ConfigKey.bool("export_viewer", "false",
            "also write OUT/viewer: the main model's MPIs at the evaluated frames for the browser viewer (./mask3d view OUT/viewer)");
    public static final ConfigKey<Path> OUT_DIR = ConfigKey.path("out_dir", "runs/evaluate", "output folder (--out wins)")
            .check(p -> p != null, "an output folder");

    /** The key table (names, types, defaults, docs, checks), in file order. */
    public static final ConfigSchema SCHEMA = new ConfigSchema(List.of(DATA, TEST_CAMERA, SYNTHETIC_SEED, SYNTHETIC_FRAMES, IMG_WH, SOURCES, TARGETS,
            FRAMES, PLANES, PLANE_COUNTS, TRAIN_PLANE_COUNTS, METHODS, METRIC_NAMES, MASK2D_THRESHOLD, MASK2D_DILATE, MASK2D_SOFT,
            STATIC_MASK, STATIC_THRESHOLD, STATIC_DILATE, LPIPS_ALEX_BACKBONE, LPIPS_ALEX_HEAD, LPIPS_VGG_BACKBONE, LPIPS_VGG_HEAD,
            VGG_WEIGHTS, DEVICE, MODEL, TRAIN_SEED, STAGE1_STEPS, STAGE2_STEPS, STAGE1_CROP, MASK_LOSS, LOSS_ABLATION, STRIP_FRAMES,
            EXPORT_VIEWER, OUT_DIR));

    /** Every key with its default and comment, in file order. */
    public static Map<String, String[]> keys() {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (ConfigKey<?> k : SCHEMA.keys()) out.put(k.name(), new String[]{k.defaultText(), k.doc()});
        return out;
    }

    /** The defaults (the synthetic rig, training first). */
    public static EvalConfig defaults() { return resolve(null, Map.of()); }

    /**
     * The config of {@code file} (null: defaults only) with {@code overrides} laid over it.
     *
     * @throws InputException naming where the value came from, the key and what was expected
     */
    public static EvalConfig resolve(Path file, Map<String, String> overrides) { return from(SCHEMA.resolve(file, overrides)); }

    static EvalConfig from(ConfigFile c) { return from(SCHEMA.resolve(c)); }

    /**
     * A copy with {@code key} set to {@code value} (e.g. {@code cfg.with(EvalConfig.PLANES, 32)}), checked like a
     * file value.
     */
    public <T> EvalConfig with(ConfigKey<T> key, T value) { return from(values().with(key, value)); }

    /** A copy with values given as text, like {@code --set key=value} overrides. */
    public EvalConfig with(Map<String, String> text) { return from(values().withText(text)); }

    /** This config as resolved key values (every key). */
    public ConfigSchema.Values values() {
        Map<String, String> text = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : asMap().entrySet()) {
            Object v = e.getValue();
            text.put(e.getKey(), v instanceof int[] a ? Arrays.toString(a) : v instanceof List<?> l
                    ? String.join(", ", l.stream().map(String::valueOf).toList()) : v instanceof Boolean b ? (b ? "True" : "False") : String.valueOf(v));
        }
        return SCHEMA.defaults().withText(text);
    }

    /** The resolved config: every key with the value in use and its doc. */
    public String resolvedText() { return values().resolvedText("resolved evaluate config (every key, as used)"); }

    private static EvalConfig from(ConfigSchema.Values v) {
        String data = v.get(DATA);
        boolean synthetic = data.equalsIgnoreCase("synthetic");
        if (!synthetic && !java.nio.file.Files.exists(Path.of(data))) {   // first: a missing scene explains what follows
            throw new InputException(v.where("data") + ": scene not found: data = " + org.mask3d.io.Untrusted.quote(data)
                    + " does not exist; expected 'synthetic' or a scene (a scene folder, a packed scene or an authors' .h5)");
        }
        int[] wh = v.get(IMG_WH);
        int[] sources = v.get(SOURCES);
        if (sources[0] == sources[1]) {
            throw new InputException(v.where("sources") + ": sources must be two different cameras, got [" + sources[0] + ", " + sources[1] + "]");
        }
        int[] targets = v.get(TARGETS);
        for (int t : targets) {
            if (t == sources[0] || t == sources[1]) throw new InputException(v.where("targets") + ": targets must be held out: camera " + t + " is a source");
        }
        int[] frames = v.get(FRAMES);
        List<String> metrics = v.get(METRIC_NAMES);
        Map<String, String[]> lp = new LinkedHashMap<>();
        for (String net : List.of("alex", "vgg")) {
            String b = v.text("lpips_" + net + "_backbone"), h = v.text("lpips_" + net + "_head");
            lp.put("lpips_" + net, new String[]{b, h});
            if (metrics.contains("lpips_" + net) && (b.isEmpty() || h.isEmpty())) {
                throw new InputException(v.where("metrics") + ": metric lpips_" + net + " needs lpips_" + net + "_backbone and lpips_" + net
                        + "_head (torchvision backbone .pth and the lpips linear heads .pth); remove it from metrics or give both paths");
            }
        }
        String sm = v.get(STATIC_MASK);
        if (sm.equals("exact") && !synthetic) {
            throw new InputException(v.where("static_mask") + ": static_mask = exact needs data = synthetic (exact ground truth); for "
                    + data + " use foreground, background or a mask folder");
        }
        Path model = v.get(MODEL);
        if (model == null && !synthetic) {
            throw new InputException(v.where("data") + ": model is empty: with data = " + data
                    + " give a checkpoint (a mask3d checkpoint folder or the authors' .ckpt); training is done on the synthetic rig only");
        }
        int[] tpc = v.get(TRAIN_PLANE_COUNTS);
        if (model != null && tpc.length > 0) {
            throw new InputException(v.where("train_plane_counts") + ": train_plane_counts trains on the synthetic rig; with model given set it to []");
        }
        return new EvalConfig(data, v.get(SYNTHETIC_SEED), v.get(SYNTHETIC_FRAMES), wh[0], wh[1], sources, targets,
                frames[0], frames[1], v.get(PLANES), v.get(PLANE_COUNTS), tpc, v.get(METHODS), metrics,
                new EvalSession.Mask2dSettings(v.get(MASK2D_THRESHOLD), v.get(MASK2D_DILATE), v.get(MASK2D_SOFT)), sm,
                v.get(STATIC_THRESHOLD), v.get(STATIC_DILATE), lp, v.get(VGG_WEIGHTS), v.get(DEVICE), model, v.get(TRAIN_SEED),
                v.get(STAGE1_STEPS), v.get(STAGE2_STEPS), v.get(STAGE1_CROP), v.get(MASK_LOSS), v.get(LOSS_ABLATION),
                v.get(STRIP_FRAMES), v.get(EXPORT_VIEWER), v.get(OUT_DIR), v.get(TEST_CAMERA));
    }

    /** Whether the data is the built-in rig. */
    public boolean synthetic() { return data.equalsIgnoreCase("synthetic"); }

    /** The loss actually trained for {@code l}: itself, or its L1 counterpart when it needs VGG and no weights are given. */
    public LossType effectiveLoss(LossType l) { return l.needsVgg() && vggWeights == null ? l.l1Counterpart() : l; }

    /** This config as {@code key = value} lines (the values in use), for protocol.json and the run folder. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("synthetic_seed", syntheticSeed);
        m.put("synthetic_frames", syntheticFrames);
        m.put("img_wh", new int[]{width, height});
        m.put("sources", sources);
        m.put("targets", targets);
        m.put("frames", new int[]{frameStart, frameCount});
        m.put("planes", planes);
        m.put("plane_counts", planeCounts);
        m.put("train_plane_counts", trainPlaneCounts);
        m.put("methods", methods.stream().map(EvalMethod::key).toList());
        m.put("metrics", metrics);
        m.put("mask2d_threshold", mask2d.threshold());
        m.put("mask2d_dilate", mask2d.dilate());
        m.put("mask2d_soft", mask2d.soft());
        m.put("static_mask", staticMask);
        m.put("static_threshold", staticThreshold);
        m.put("static_dilate", staticDilate);
        for (Map.Entry<String, String[]> e : lpipsWeights.entrySet()) {
            m.put(e.getKey() + "_backbone", e.getValue()[0]);
            m.put(e.getKey() + "_head", e.getValue()[1]);
        }
        m.put("vgg_weights", vggWeights == null ? "" : vggWeights.toString());
        m.put("device", device);
        m.put("model", model == null ? "" : model.toString());
        m.put("train_seed", trainSeed);
        m.put("stage1_steps", stage1Steps);
        m.put("stage2_steps", stage2Steps);
        m.put("stage1_crop", stage1Crop);
        m.put("mask_loss", maskLoss.key());
        m.put("loss_ablation", lossAblation.stream().map(LossType::key).toList());
        m.put("strip_frames", stripFrames);
        m.put("export_viewer", exportViewer);
        m.put("out_dir", outDir.toString());
        return m;
    }
}
