package org.mask3d.train;

import org.mask3d.InputException;
import org.mask3d.io.ConfigFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A training configuration: every key of the released {@code opt.py} of the stage (METHOD.md §5.3) with its
 * released default, plus mask3d's own keys, read from a {@code key = value} file with command-line overrides laid
 * over it. Unknown keys are errors with the nearest known key suggested; released settings this CPU port does not
 * implement ({@code num_gpus > 1}, an optimizer other than {@code adam}, a {@code poly} or {@code cosine} LR schedule,
 * warm-up) are errors saying so. {@link #resolvedText()} is the complete config as used (the run directory's
 * {@code config.txt}).
 */
public final class TrainConfig {
    /** Which stage. */
    public enum Stage { MPI, MASK }

    private record Key(String name, String def, String comment) {}

    private static List<Key> keys(Stage st) {
        boolean mask = st == Stage.MASK;
        List<Key> k = new ArrayList<>();
        // released keys (opt.py)
        k.add(new Key("root_dir", mask ? "synthetic" : "synthetic", mask
                ? "training scenes: a scene or a folder of scenes (h5, multi-camera folders, packed), or 'synthetic' (the built-in rig)"
                : "RealEstate10K camera .txt folder (dataset_name realestate), a static scene (dataset_name scene), or 'synthetic'"));
        k.add(new Key("val_dir", "", "validation data, same kinds as root_dir; empty: a fixed-seed sample of root_dir"));
        k.add(new Key("dataset_name", mask ? "mvcam" : "realestate", mask
                ? "mvcam (any scene source) or synthetic" : "realestate, scene (a static multi-view scene, frame 0) or synthetic"));
        k.add(new Key("seed", "42", "seed of initialisation and of every sample (sample of step s drawn from (seed, s))"));
        if (mask) k.add(new Key("img_hw", "[360, 640]", "training image height, width (scenes are resized, Lanczos)"));
        else k.add(new Key("img_wh", "[640, 360]", "frame width, height before the random scale and crop"));
        k.add(new Key("loss_type", mask ? "full_loss" : "l1", mask
                ? "vgg_only, no_mask, full_loss (need vgg_weights), mse, l1, or the L1 ablation variants l1_no_mask, l1_full_loss (mask3d additions)" : "l1, mse or vgg (needs vgg_weights)"));
        k.add(new Key("batch_size", "1", "samples per step (looped; gradients summed over the batch mean)"));
        k.add(new Key("num_epochs", mask ? "1000000" : "100", "epochs (one epoch: one sample per scene/sequence, in steps of batch_size)"));
        k.add(new Key("num_steps", mask ? "1000000" : "0", "optimiser steps; training stops at num_steps or num_epochs, whichever first (0: epochs only)"));
        k.add(new Key("num_gpus", "1", "1 only (the released code's DDP over several GPUs is not ported)"));
        k.add(new Key("ckpt_path", "", "initial weights of the trained network: an official .ckpt or a mask3d checkpoint folder (resume with --resume)"));
        k.add(new Key("prefixes_to_ignore", mask ? "[loss]" : "[loss, vgg]", "state-dict prefixes skipped when loading ckpt_path (only the network's own prefix is read)"));
        k.add(new Key("optimizer", "adam", "adam only (betas 0.9, 0.999, eps 1e-8)"));
        k.add(new Key("lr", "5e-4", "learning rate"));
        k.add(new Key("momentum", "0.9", "unused by adam (released key)"));
        k.add(new Key("weight_decay", "0", "L2 weight decay added to the gradient (PyTorch Adam)"));
        k.add(new Key("lr_scheduler", "steplr", "steplr (MultiStepLR over decay_step epochs) or constant; poly/cosine are not ported"));
        k.add(new Key("warmup_multiplier", "1.0", "warm-up multiplier (released; only with warmup_epochs > 0, which is not ported)"));
        k.add(new Key("warmup_epochs", "0", "0 only (warm-up is not ported)"));
        k.add(new Key("decay_step", "[20]", "MultiStepLR milestones, in epochs"));
        k.add(new Key("decay_gamma", "1.0", "MultiStepLR factor; 1.0 (released) keeps the LR constant"));
        k.add(new Key("poly_exp", "0.9", "poly schedule exponent (released; the poly schedule is not ported)"));
        k.add(new Key("exp_name", mask ? "3dmask" : "3dmpi", "run name: the run directory is log_dir/exp_name"));
        k.add(new Key("log_dir", "runs", "parent of run directories (released ./logs held TensorBoard logs)"));
        k.add(new Key("ckpt_dir", "", "checkpoint folder parent (ckpt_dir/exp_name); empty: the run directory's checkpoints/"));
        k.add(new Key("debug", "False", "True: 2 steps, validation and checkpoint after each"));
        if (mask) k.add(new Key("mpi_model", "", "the frozen MPINet3d: an official .ckpt (models.mpi_net.*) or a mask3d checkpoint folder; empty: random"));
        // mask3d keys
        k.add(new Key("device", "auto", "auto, cpu or gpu"));
        k.add(new Key("planes", "32", "MPI planes (released 32; a multiple of 8)"));
        if (!mask) {
            k.add(new Key("frames_dir", "", "RealEstate10K frames root (FRAMES/<sequence>/<timestamp>.png)"));
            k.add(new Key("crop", "256", "training crop side (released 256)"));
        }
        k.add(new Key("vgg_weights", "", "torchvision vgg19_bn weights (vgg19_bn-c79401a0.pth) for the VGG losses"));
        k.add(new Key("val_every", "1000", "validate (loss, PSNR, sample PNG) every N steps"));
        k.add(new Key("log_every", "10", "append a metrics.csv row every N steps (mean over those steps)"));
        k.add(new Key("ckpt_every", "0", "write checkpoints/last every N steps (0: at each validation)"));
        k.add(new Key("keep_top_k", "5", "checkpoints kept by validation loss, besides last"));
        k.add(new Key("nan_patience", "5", "stop after this many non-finite steps in a row (each is skipped)"));
        k.add(new Key("synthetic_rows", "2", "synthetic rig: camera rows"));
        k.add(new Key("synthetic_cols", "5", "synthetic rig: camera columns"));
        k.add(new Key("synthetic_frames", "30", "synthetic rig: video frames"));
        k.add(new Key("synthetic_seed", "0", "synthetic rig: scene seed (validation uses seed + 1 when val_dir = synthetic)"));
        return k;
    }

    /** Every key a stage's config may hold. */
    public static Set<String> knownKeys(Stage st) {
        Set<String> out = new LinkedHashSet<>();
        for (Key k : keys(st)) out.add(k.name());
        return out;
    }

    private final Stage stage;
    private final ConfigFile cfg;

    private TrainConfig(Stage stage, ConfigFile cfg) {
        this.stage = stage;
        this.cfg = cfg;
    }

    /**
     * The config of {@code file} (null: defaults only) with {@code overrides} laid over it.
     *
     * @throws InputException on unknown keys (with a suggestion), bad values and unsupported settings
     */
    public static TrainConfig resolve(Stage stage, Path file, Map<String, String> overrides) {
        ConfigFile base = file == null ? ConfigFile.of(Path.of("(command line)"), Map.of()) : ConfigFile.read(file);
        ConfigFile c = base.withOverrides(overrides).requireKnown(knownKeys(stage));
        TrainConfig t = new TrainConfig(stage, c);
        t.check();
        return t;
    }

    private void check() {
        if (integer("num_gpus") > 1) {
            throw new InputException("num_gpus = " + integer("num_gpus") + ": multi-GPU (DDP) training is not supported by mask3d; use num_gpus = 1");
        }
        if (!string("optimizer").equalsIgnoreCase("adam")) {
            throw new InputException("optimizer = " + string("optimizer") + " is not supported by mask3d (released choices sgd, adam, radam, ranger); use adam");
        }
        String sch = string("lr_scheduler").toLowerCase(Locale.ROOT);
        if (!sch.equals("steplr") && !sch.equals("constant")) {
            throw new InputException("lr_scheduler = " + string("lr_scheduler") + " is not supported by mask3d; use steplr (released default) or constant");
        }
        if (integer("warmup_epochs") > 0) throw new InputException("warmup_epochs = " + integer("warmup_epochs") + ": warm-up is not supported by mask3d; use 0");
        int planes = integer("planes");
        if (planes < 8 || planes % 8 != 0) throw new InputException("planes must be a positive multiple of 8, got " + planes);
        if (integer("batch_size") < 1) throw new InputException("batch_size must be at least 1, got " + integer("batch_size"));
        if (!(number("lr") > 0)) throw new InputException("lr must be positive, got " + string("lr"));
        int[] wh = imageWh();
        if (wh[0] < 16 || wh[1] < 16) throw new InputException("image size must be at least 16x16, got " + wh[0] + "x" + wh[1]);
        String dev = string("device").toLowerCase(Locale.ROOT);
        if (!List.of("auto", "cpu", "gpu").contains(dev)) throw new InputException("device must be auto, cpu or gpu, got '" + dev + "'");
        if (integer("nan_patience") < 1) throw new InputException("nan_patience must be at least 1");
        if (integer("val_every") < 1 || integer("log_every") < 1) throw new InputException("val_every and log_every must be at least 1");
    }

    public Stage stage() { return stage; }
    public String string(String key) { return cfg.string(key, def(key)).trim(); }
    public int integer(String key) { return (int) Math.round(number(key)); }
    public long longValue(String key) { return (long) number(key); }
    public double number(String key) {
        String s = string(key);
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InputException("'" + key + "' must be a number, got '" + s + "'");
        }
    }
    public boolean bool(String key) { return cfg.has(key) ? cfg.bool(key, false) : Boolean.parseBoolean(def(key)); }
    public int[] integers(String key) {
        return cfg.has(key) ? cfg.integers(key, 0, null) : ConfigFile.of(Path.of("defaults"), Map.of(key, def(key))).integers(key, 0, null);
    }
    /** The path of a key, or null when empty. */
    public Path path(String key) {
        String s = string(key);
        return s.isEmpty() ? null : Path.of(s);
    }

    /** Image {width, height}: {@code img_wh} (stage 1) or {@code img_hw} reversed (stage 2). */
    public int[] imageWh() {
        if (stage == Stage.MPI) {
            int[] wh = cfg.has("img_wh") ? cfg.integers("img_wh", 2, null) : new int[]{640, 360};
            return wh;
        }
        int[] hw = cfg.has("img_hw") ? cfg.integers("img_hw", 2, null) : new int[]{360, 640};
        return new int[]{hw[1], hw[0]};
    }

    public long seed() { return longValue("seed"); }

    private String def(String key) {
        for (Key k : keys(stage)) if (k.name().equals(key)) return k.def();
        throw new IllegalArgumentException("no key " + key);
    }

    /** Every key with the value in use and its comment, in the released format (the run directory's config.txt). */
    public String resolvedText() {
        StringBuilder sb = new StringBuilder("# resolved " + (stage == Stage.MASK ? "train-mask" : "train-mpi")
                + " config (every key, as used)\n");
        Map<String, String> v = new LinkedHashMap<>();
        for (Key k : keys(stage)) v.put(k.name(), cfg.has(k.name()) ? cfg.string(k.name(), "").trim() : k.def());
        int width = v.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length() + 3).max().orElse(20);
        for (Key k : keys(stage)) {
            String line = k.name() + " = " + v.get(k.name());
            sb.append(line).append(" ".repeat(Math.max(1, width - line.length() + 2))).append("# ").append(k.comment()).append('\n');
        }
        return sb.toString();
    }

    /** The raw values given in the file and overrides (for --resume: the run's config plus new overrides). */
    public Map<String, String> given() { return cfg.values(); }
}
