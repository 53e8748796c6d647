package org.mask3d.eval;

import org.mask3d.InputException;
import org.mask3d.io.ConfigFile;
import org.mask3d.model.MaskStageLoss;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An evaluation's settings (the {@code ./mask3d evaluate} config), immutable, read from a {@code key = value} file
 * with {@code --set} overrides laid over it. Every key has a default and a one-line comment ({@link #KEYS}); unknown
 * keys are errors naming the nearest known one, and bad values name the key and what was expected.
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
 * @param outDir          default output folder
 */
public record EvalConfig(String data, long syntheticSeed, int syntheticFrames, int width, int height, int[] sources,
                         int[] targets, int frameStart, int frameCount, int planes, int[] planeCounts,
                         int[] trainPlaneCounts, List<EvalMethod> methods, List<String> metrics, EvalSession.Mask2dSettings mask2d,
                         String staticMask, double staticThreshold, int staticDilate, Map<String, String[]> lpipsWeights,
                         Path vggWeights, String device, Path model, long trainSeed, int stage1Steps, int stage2Steps,
                         int stage1Crop, MaskStageLoss maskLoss, List<MaskStageLoss> lossAblation, int stripFrames,
                         Path outDir) {

    /** Metric names a config may list. */
    public static final List<String> METRICS = List.of("psnr", "psnr_clamped", "ssim", "ssim_released", "lpips_alex",
            "lpips_vgg", "temporal");

    private record Key(String name, String def, String comment) {}

    private static final List<Key> KEY_LIST = List.of(
            new Key("data", "synthetic", "'synthetic' (the built-in rig, exact ground truth) or a scene: multi-camera folder, packed scene or the authors' .h5"),
            new Key("synthetic_seed", "1", "seed of the evaluation rig (the training rig uses train_seed: other textures and motion paths)"),
            new Key("synthetic_frames", "8", "frames of the synthetic rigs"),
            new Key("img_wh", "[48, 32]", "evaluation width, height (a scene is resized, Lanczos); training on the rig uses the same"),
            new Key("sources", "[2, 3]", "the two source cameras; the first is the MPI reference (released default [4, 5] on the authors' rig)"),
            new Key("targets", "[7, 8]", "held-out target cameras (not sources); on the rig 7 and 8 are the bottom row below the sources"),
            new Key("frames", "[0, 0]", "first evaluated frame and how many (0: to the last frame); at least 2 for the temporal measures"),
            new Key("planes", "16", "MPI planes of the comparison (and of training on the rig); released 32"),
            new Key("plane_counts", "[8, 32]", "plane-count ablation: the same networks at these plane counts at inference (fully convolutional); [] for none"),
            new Key("train_plane_counts", "[]", "plane-count ablation with training (model empty): stage 1 and stage 2 (mask_loss) trained again at each count; [] for none"),
            new Key("methods", "mask3d, per_frame, background, mask2d, constant_blend, nearest_source", "methods compared (all through the same renderer except nearest_source)"),
            new Key("metrics", "psnr, psnr_clamped, ssim, ssim_released, temporal", "any of psnr, psnr_clamped, ssim, ssim_released, lpips_alex, lpips_vgg (need their weights), temporal"),
            new Key("mask2d_threshold", String.valueOf(Mask2d.DEFAULT_THRESHOLD), "2D mask: threshold on the mean |frame - background| over channels of the reference source view"),
            new Key("mask2d_dilate", String.valueOf(Mask2d.DEFAULT_DILATE), "2D mask: dilation radius in pixels"),
            new Key("mask2d_soft", "False", "2D mask: True for the soft ramp min(1, d / threshold) instead of the hard threshold"),
            new Key("static_mask", "exact", "static pixels of the temporal measure: exact (synthetic rig), foreground (the scene's mattes), background (difference to the target's background), or a folder DIR/camNN/NNNNN.png (white = dynamic)"),
            new Key("static_threshold", "0.05", "static_mask = background: threshold on the mean |frame - background| over channels"),
            new Key("static_dilate", "2", "dilation (pixels) of the dynamic region of foreground/background/folder static masks"),
            new Key("lpips_alex_backbone", "", "lpips_alex: torchvision alexnet weights (alexnet-owt-7be5be79.pth)"),
            new Key("lpips_alex_head", "", "lpips_alex: the lpips package's linear heads (weights/v0.1/alex.pth)"),
            new Key("lpips_vgg_backbone", "", "lpips_vgg: torchvision vgg16 weights (vgg16-397923af.pth)"),
            new Key("lpips_vgg_head", "", "lpips_vgg: the lpips package's linear heads (weights/v0.1/vgg.pth)"),
            new Key("vgg_weights", "", "torchvision vgg19_bn weights (vgg19_bn-c79401a0.pth) for the VGG mask-stage losses; empty: their L1 counterparts run instead"),
            new Key("device", "auto", "renderer: cpu, gpu (CUDA) or auto; the networks run on DJL's CPU engine"),
            new Key("model", "", "a mask3d checkpoint folder (runs/NAME/checkpoints/last) or the authors' .ckpt; empty: train on the synthetic rig first"),
            new Key("train_seed", "0", "training rig seed (model empty)"),
            new Key("stage1_steps", "300", "training: stage-1 (MPINet3d, L1) steps (model empty)"),
            new Key("stage2_steps", "120", "training: stage-2 (MaskNet3d, MPINet3d frozen) steps per mask-stage loss (model empty)"),
            new Key("stage1_crop", "32", "training: stage-1 crop side (at most the image height)"),
            new Key("mask_loss", "vgg_only", "training: the main mask3d model's mask-stage loss (released config vgg_only); without vgg_weights its L1 counterpart"),
            new Key("loss_ablation", "vgg_only, no_mask, full_loss", "training: mask-stage losses of the loss ablation, one MaskNet3d each from the same stage-1 MPINet3d; [] for none"),
            new Key("strip_frames", "6", "consecutive frames in the qualitative strips"),
            new Key("out_dir", "runs/evaluate", "output folder (--out wins)"));

    /** Every key with its default and comment, in file order. */
    public static Map<String, String[]> keys() {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (Key k : KEY_LIST) out.put(k.name(), new String[]{k.def(), k.comment()});
        return out;
    }

    /** The defaults (the synthetic rig, training first). */
    public static EvalConfig defaults() { return resolve(null, Map.of()); }

    /**
     * The config of {@code file} (null: defaults only) with {@code overrides} laid over it.
     *
     * @throws InputException naming the key and what was expected
     */
    public static EvalConfig resolve(Path file, Map<String, String> overrides) {
        ConfigFile base = file == null ? ConfigFile.of(Path.of("(command line)"), Map.of()) : ConfigFile.read(file);
        Set<String> known = new LinkedHashSet<>(keys().keySet());
        ConfigFile c = base.withOverrides(overrides).requireKnown(known);
        return from(c);
    }

    private static String str(ConfigFile c, String key) {
        for (Key k : KEY_LIST) if (k.name().equals(key)) return c.string(key, k.def()).strip();
        throw new IllegalStateException(key);
    }

    private static int[] ints(ConfigFile c, String key, int n) {
        for (Key k : KEY_LIST) {
            if (k.name().equals(key)) {
                return c.has(key) ? c.integers(key, n, null) : ConfigFile.of(Path.of("(defaults)"), Map.of(key, k.def())).integers(key, n, null);
            }
        }
        throw new IllegalStateException(key);
    }

    private static int integer(ConfigFile c, String key) {
        String s = str(c, key);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new InputException(key + " must be an integer, got '" + s + "'");
        }
    }

    private static double number(ConfigFile c, String key) {
        String s = str(c, key);
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InputException(key + " must be a number, got '" + s + "'");
        }
    }

    private static List<String> names(ConfigFile c, String key) {
        String s = str(c, key);
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) if (!p.isBlank()) out.add(p.strip().toLowerCase(Locale.ROOT));
        return out;
    }

    private static Path path(ConfigFile c, String key) {
        String s = str(c, key);
        return s.isEmpty() ? null : Path.of(s);
    }

    private static void atLeast(String key, long v, long min) {
        if (v < min) throw new InputException(key + " must be at least " + min + ", got " + v);
    }

    static EvalConfig from(ConfigFile c) {
        String data = str(c, "data");
        if (data.isEmpty()) throw new InputException("data is empty: give 'synthetic' or a scene path");
        int[] wh = ints(c, "img_wh", 2);
        if (wh[0] < 16 || wh[1] < 16) throw new InputException("img_wh must be at least [16, 16], got [" + wh[0] + ", " + wh[1] + "]");
        int[] sources = ints(c, "sources", 2);
        if (sources[0] == sources[1]) throw new InputException("sources must be two different cameras, got [" + sources[0] + ", " + sources[1] + "]");
        int[] targets = ints(c, "targets", 0);
        if (targets.length == 0) throw new InputException("targets is empty: give at least one held-out camera, e.g. [7]");
        for (int t : targets) {
            if (t == sources[0] || t == sources[1]) throw new InputException("targets must be held out: camera " + t + " is a source");
        }
        int[] frames = ints(c, "frames", 2);
        atLeast("frames[0] (first frame)", frames[0], 0);
        atLeast("frames[1] (frame count)", frames[1], 0);
        if (frames[1] == 1) throw new InputException("frames[1] must be 0 (to the end) or at least 2 (frame pairs for the temporal measures), got 1");
        int planes = integer(c, "planes");
        if (planes < 8 || planes % 8 != 0) throw new InputException("planes must be a positive multiple of 8 (MPINet3d pools depth 3 times), got " + planes);
        int[] pc = ints(c, "plane_counts", 0);
        for (int p : pc) if (p < 8 || p % 8 != 0) throw new InputException("plane_counts must hold positive multiples of 8, got " + p);
        int[] tpc = ints(c, "train_plane_counts", 0);
        for (int p : tpc) if (p < 8 || p % 8 != 0) throw new InputException("train_plane_counts must hold positive multiples of 8, got " + p);
        List<EvalMethod> methods = new ArrayList<>();
        for (String m : names(c, "methods")) methods.add(EvalMethod.fromKey(m));
        if (methods.isEmpty()) throw new InputException("methods is empty: give any of mask3d, per_frame, background, mask2d, constant_blend, nearest_source");
        List<String> metrics = names(c, "metrics");
        for (String m : metrics) {
            if (!METRICS.contains(m)) throw new InputException("metrics: unknown metric '" + m + "'; use any of " + String.join(", ", METRICS));
        }
        if (metrics.isEmpty()) throw new InputException("metrics is empty: give any of " + String.join(", ", METRICS));
        double tau = number(c, "mask2d_threshold");
        if (!(tau > 0)) throw new InputException("mask2d_threshold must be positive, got " + tau);
        int dil = integer(c, "mask2d_dilate");
        atLeast("mask2d_dilate", dil, 0);
        String soft = str(c, "mask2d_soft");
        if (!soft.equalsIgnoreCase("true") && !soft.equalsIgnoreCase("false")) throw new InputException("mask2d_soft must be True or False, got '" + soft + "'");
        String sm = str(c, "static_mask");
        if (sm.isEmpty()) throw new InputException("static_mask is empty: give exact, foreground, background or a mask folder");
        boolean synthetic = data.equalsIgnoreCase("synthetic");
        if (sm.equals("exact") && !synthetic) {
            throw new InputException("static_mask = exact needs data = synthetic (exact ground truth); for " + data + " use foreground, background or a mask folder");
        }
        double st = number(c, "static_threshold");
        if (!(st >= 0)) throw new InputException("static_threshold must be 0 or more, got " + st);
        int sd = integer(c, "static_dilate");
        atLeast("static_dilate", sd, 0);
        Map<String, String[]> lp = new LinkedHashMap<>();
        for (String net : List.of("alex", "vgg")) {
            String b = str(c, "lpips_" + net + "_backbone"), h = str(c, "lpips_" + net + "_head");
            lp.put("lpips_" + net, new String[]{b, h});
            if (metrics.contains("lpips_" + net) && (b.isEmpty() || h.isEmpty())) {
                throw new InputException("metric lpips_" + net + " needs lpips_" + net + "_backbone and lpips_" + net
                        + "_head (torchvision backbone .pth and the lpips linear heads .pth); remove it from metrics or give both paths");
            }
        }
        String device = str(c, "device").toLowerCase(Locale.ROOT);
        if (!List.of("cpu", "gpu", "auto").contains(device)) throw new InputException("device must be cpu, gpu or auto, got '" + device + "'");
        Path model = path(c, "model");
        if (model == null && !synthetic) {
            throw new InputException("model is empty: with data = " + data + " give a checkpoint (a mask3d checkpoint folder or the authors' .ckpt); training is done on the synthetic rig only");
        }
        int s1 = integer(c, "stage1_steps"), s2 = integer(c, "stage2_steps"), crop = integer(c, "stage1_crop");
        if (model != null && tpc.length > 0) {
            throw new InputException("train_plane_counts trains on the synthetic rig; with model given set it to []");
        }
        atLeast("stage1_steps", s1, 1);
        atLeast("stage2_steps", s2, 1);
        atLeast("stage1_crop", crop, 16);
        MaskStageLoss main = MaskStageLoss.fromKey(str(c, "mask_loss"));
        List<MaskStageLoss> abl = new ArrayList<>();
        for (String l : names(c, "loss_ablation")) abl.add(MaskStageLoss.fromKey(l));
        int strip = integer(c, "strip_frames");
        atLeast("strip_frames", strip, 1);
        int sf = integer(c, "synthetic_frames");
        atLeast("synthetic_frames", sf, 2);
        return new EvalConfig(data, integer(c, "synthetic_seed"), sf, wh[0], wh[1], sources, targets,
                frames[0], frames[1], planes, pc, tpc, List.copyOf(methods), List.copyOf(metrics),
                new EvalSession.Mask2dSettings(tau, dil, soft.equalsIgnoreCase("true")), sm, st, sd, lp,
                path(c, "vgg_weights"), device, model, integer(c, "train_seed"), s1, s2, crop, main, List.copyOf(abl),
                strip, Path.of(str(c, "out_dir")));
    }

    /** Whether the data is the built-in rig. */
    public boolean synthetic() { return data.equalsIgnoreCase("synthetic"); }

    /** The loss actually trained for {@code l}: itself, or its L1 counterpart when it needs VGG and no weights are given. */
    public MaskStageLoss effectiveLoss(MaskStageLoss l) { return l.needsVgg() && vggWeights == null ? l.l1Counterpart() : l; }

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
        m.put("loss_ablation", lossAblation.stream().map(MaskStageLoss::key).toList());
        m.put("strip_frames", stripFrames);
        m.put("out_dir", outDir.toString());
        return m;
    }
}
