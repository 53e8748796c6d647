package org.mask3d.train;

import org.mask3d.InputException;
import org.mask3d.io.ConfigFile;
import org.mask3d.io.ConfigKey;
import org.mask3d.io.ConfigSchema;
import org.mask3d.model.Footprint;
import org.mask3d.model.LossType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A training configuration of either stage, immutable: every key of the released {@code opt.py} of the stage
 * (METHOD.md §5.3) with its released default, plus mask3d's own keys, as a {@link ConfigSchema} table
 * ({@link #schema}). Read from a {@code key = value} file with {@code --set} overrides laid over it
 * ({@link #resolve}), or built in code: {@code TrainConfig.defaults(Stage.MPI).with(TrainConfig.NUM_STEPS, 300)
 * .with(TrainConfig.PLANES, 16).withImageSize(48, 32)}.
 *
 * <p>Unknown keys are errors with the nearest known key suggested; bad values name the file line (or
 * {@code --set key}), the key and what was expected; released settings this port does not implement
 * ({@code num_gpus > 1}, an optimizer other than {@code adam}, a {@code poly} or {@code cosine} LR schedule,
 * warm-up) are errors saying so. {@link #resolvedText()} is the complete config as used (the run directory's
 * {@code config.txt}), which reads back to the same config.
 *
 * <p>Typed accessors ({@link #lr()}, {@link #planes()}, {@link #imageSize()}, {@link #lossType()}, …) read the
 * values; the string getters ({@link #string}, {@link #integer}, …) read any key by name for call sites that
 * still do.
 */
public final class TrainConfig {
    /** Which stage. */
    public enum Stage { MPI, MASK }

    // ---------------------------------------------------------------------------- keys (defaults: stage 1's)
    // released keys (opt.py)
    public static final ConfigKey<String> ROOT_DIR = ConfigKey.string("root_dir", "synthetic",
            "RealEstate10K camera .txt folder (dataset_name realestate), a static scene (dataset_name scene), or 'synthetic'");
    public static final ConfigKey<String> VAL_DIR = ConfigKey.string("val_dir", "",
            "validation data, same kinds as root_dir; empty: a fixed-seed sample of root_dir");
    public static final ConfigKey<String> DATASET_NAME = ConfigKey.string("dataset_name", "realestate",
            "realestate, scene (a static multi-view scene, frame 0) or synthetic");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger("seed", "42",
            "seed of initialisation and of every sample (sample of step s drawn from (seed, s))");
    /**
     * The released stage 2's spelling of the image size, height first: accepted in either stage's file or
     * {@code --set} and read as {@link #IMG_WH} reversed (an error when both are given and disagree); never in the
     * schema or the resolved text.
     */
    public static final ConfigKey<int[]> IMG_HW = ConfigKey.integers("img_hw", 2, "[360, 640]",
            "image height, width (the released stage 2's spelling; read as img_wh = [width, height])").check(v -> v[0] >= 16 && v[1] >= 16, "at least [16, 16]");
    /** The image size of either stage, width first (the canonical key; {@link #IMG_HW} is accepted as an alias). */
    public static final ConfigKey<int[]> IMG_WH = ConfigKey.integers("img_wh", 2, "[640, 360]",
            "image width, height (stage 1: frames before the random scale and crop; stage 2: training frames, resized "
                    + "Lanczos); img_hw = [height, width] is accepted too").check(v -> v[0] >= 16 && v[1] >= 16, "at least [16, 16]");
    public static final ConfigKey<LossType> LOSS_TYPE = ConfigKey.choice("loss_type", "l1", "l1, mse or vgg (needs vgg_weights)",
            LossType::fromKey, LossType::key);
    public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.integer("batch_size", "1",
            "samples per step (looped; gradients summed over the batch mean)").check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Integer> NUM_EPOCHS = ConfigKey.integer("num_epochs", "100",
            "epochs (one epoch: one sample per scene/sequence, in steps of batch_size)").check(v -> v >= 0, "0 or more");
    public static final ConfigKey<Integer> NUM_STEPS = ConfigKey.integer("num_steps", "0",
            "optimiser steps; training stops at num_steps or num_epochs, whichever first (0: epochs only)").check(v -> v >= 0, "0 or more");
    public static final ConfigKey<Integer> NUM_GPUS = ConfigKey.integer("num_gpus", "1",
            "1 only (the released code's DDP over several GPUs is not ported)");
    public static final ConfigKey<Path> CKPT_PATH = ConfigKey.path("ckpt_path", "",
            "initial weights of the trained network: an official .ckpt or a mask3d checkpoint folder (resume with --resume)");
    public static final ConfigKey<List<String>> PREFIXES_TO_IGNORE = ConfigKey.names("prefixes_to_ignore", "[loss, vgg]",
            "state-dict prefixes skipped when loading ckpt_path (only the network's own prefix is read)");
    public static final ConfigKey<String> OPTIMIZER = ConfigKey.string("optimizer", "adam", "adam only (betas 0.9, 0.999, eps 1e-8)");
    public static final ConfigKey<Double> LR = ConfigKey.number("lr", "5e-4", "learning rate").check(v -> v > 0, "positive");
    public static final ConfigKey<Double> MOMENTUM = ConfigKey.number("momentum", "0.9", "unused by adam (released key)");
    public static final ConfigKey<Double> WEIGHT_DECAY = ConfigKey.number("weight_decay", "0",
            "L2 weight decay added to the gradient (PyTorch Adam)").check(v -> v >= 0, "0 or more");
    public static final ConfigKey<String> LR_SCHEDULER = ConfigKey.string("lr_scheduler", "steplr",
            "steplr (MultiStepLR over decay_step epochs) or constant; poly/cosine are not ported");
    public static final ConfigKey<Double> WARMUP_MULTIPLIER = ConfigKey.number("warmup_multiplier", "1.0",
            "warm-up multiplier (released; only with warmup_epochs > 0, which is not ported)");
    public static final ConfigKey<Integer> WARMUP_EPOCHS = ConfigKey.integer("warmup_epochs", "0", "0 only (warm-up is not ported)");
    public static final ConfigKey<int[]> DECAY_STEP = ConfigKey.integers("decay_step", 0, "[20]", "MultiStepLR milestones, in epochs");
    public static final ConfigKey<Double> DECAY_GAMMA = ConfigKey.number("decay_gamma", "1.0",
            "MultiStepLR factor; 1.0 (released) keeps the LR constant");
    public static final ConfigKey<Double> POLY_EXP = ConfigKey.number("poly_exp", "0.9",
            "poly schedule exponent (released; the poly schedule is not ported)");
    public static final ConfigKey<String> EXP_NAME = ConfigKey.string("exp_name", "3dmpi", "run name: the run directory is log_dir/exp_name");
    public static final ConfigKey<Path> LOG_DIR = ConfigKey.path("log_dir", "runs",
            "parent of run directories (released ./logs held TensorBoard logs)");
    public static final ConfigKey<Path> CKPT_DIR = ConfigKey.path("ckpt_dir", "",
            "checkpoint folder parent (ckpt_dir/exp_name); empty: the run directory's checkpoints/");
    public static final ConfigKey<Boolean> DEBUG = ConfigKey.bool("debug", "False", "True: 2 steps, validation and checkpoint after each");
    /** Stage 2 only. */
    public static final ConfigKey<Path> MPI_MODEL = ConfigKey.path("mpi_model", "",
            "the frozen MPINet3d: an official .ckpt (models.mpi_net.*) or a mask3d checkpoint folder; empty: random");
    // mask3d keys
    public static final ConfigKey<String> DEVICE = ConfigKey.choice("device", "auto", "auto, cpu or gpu", "auto", "cpu", "gpu");
    public static final ConfigKey<Integer> PLANES = ConfigKey.integer("planes", "32", "MPI planes (released 32; a multiple of 8)")
            .check(v -> v >= 8 && v % 8 == 0, "a positive multiple of 8");
    /** Stage 1 only. */
    public static final ConfigKey<Path> FRAMES_DIR = ConfigKey.path("frames_dir", "",
            "RealEstate10K frames root (FRAMES/<sequence>/<timestamp>.png)");
    /** Stage 1 only. */
    public static final ConfigKey<Integer> CROP = ConfigKey.integer("crop", "256", "training crop side (released 256)")
            .check(v -> v >= 1, "at least 1");
    /** Stage 1 only. */
    public static final ConfigKey<String> STAGE1_DEPTHS = ConfigKey.choice("stage1_depths", "auto",
            "stage 1 plane depths: auto (the scene's bounds, inverse-linear, for dataset_name scene; the released 1..100 "
                    + "otherwise), released (1..100 always) or scene (the scene's bounds; not for realestate)",
            "auto", "released", "scene");
    public static final ConfigKey<Path> VGG_WEIGHTS = ConfigKey.path("vgg_weights", "",
            "torchvision vgg19_bn weights (vgg19_bn-c79401a0.pth) for the VGG losses");
    public static final ConfigKey<Integer> VAL_EVERY = ConfigKey.integer("val_every", "1000",
            "validate (loss, PSNR, sample PNG) every N steps").check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Integer> LOG_EVERY = ConfigKey.integer("log_every", "10",
            "append a metrics.csv row every N steps (mean over those steps)").check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Integer> CKPT_EVERY = ConfigKey.integer("ckpt_every", "0",
            "write checkpoints/last every N steps (0: at each validation)").check(v -> v >= 0, "0 or more");
    public static final ConfigKey<Integer> KEEP_TOP_K = ConfigKey.integer("keep_top_k", "5",
            "checkpoints kept by validation loss, besides last").check(v -> v >= 0, "0 or more");
    public static final ConfigKey<Integer> NAN_PATIENCE = ConfigKey.integer("nan_patience", "5",
            "stop after this many non-finite steps in a row (each is skipped)").check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Integer> SYNTHETIC_ROWS = ConfigKey.integer("synthetic_rows", "2", "synthetic rig: camera rows")
            .check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Integer> SYNTHETIC_COLS = ConfigKey.integer("synthetic_cols", "5", "synthetic rig: camera columns")
            .check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Integer> SYNTHETIC_FRAMES = ConfigKey.integer("synthetic_frames", "30", "synthetic rig: video frames")
            .check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Long> SYNTHETIC_SEED = ConfigKey.longInteger("synthetic_seed", "0",
            "synthetic rig: scene seed (validation uses seed + 1 when val_dir = synthetic)");

    private static final ConfigSchema MPI_SCHEMA = table(Stage.MPI), MASK_SCHEMA = table(Stage.MASK);

    private static ConfigSchema table(Stage st) {
        boolean mask = st == Stage.MASK;
        LossType.Stage ls = mask ? LossType.Stage.MASK : LossType.Stage.MPI;
        List<ConfigKey<?>> k = new ArrayList<>();
        k.add(mask ? ROOT_DIR.withDefault("synthetic", "training scenes: a scene or a folder of scenes (h5, multi-camera folders, packed), or 'synthetic' (the built-in rig)") : ROOT_DIR);
        k.add(VAL_DIR);
        k.add(mask ? DATASET_NAME.withDefault("mvcam", "mvcam (any scene source) or synthetic") : DATASET_NAME);
        k.add(SEED);
        k.add(IMG_WH);
        k.add((mask ? LOSS_TYPE.withDefault("full_loss", "vgg_only, no_mask, full_loss (need vgg_weights), mse, l1, or the L1 ablation "
                + "variants l1_no_mask, l1_full_loss (mask3d additions)") : LOSS_TYPE).withParser(s -> LossType.forStage(s, ls)));
        k.add(BATCH_SIZE);
        k.add(mask ? NUM_EPOCHS.withDefault("1000000", NUM_EPOCHS.doc()) : NUM_EPOCHS);
        k.add(mask ? NUM_STEPS.withDefault("1000000", NUM_STEPS.doc()) : NUM_STEPS);
        k.add(NUM_GPUS);
        k.add(CKPT_PATH);
        k.add(mask ? PREFIXES_TO_IGNORE.withDefault("[loss]", PREFIXES_TO_IGNORE.doc()) : PREFIXES_TO_IGNORE);
        k.addAll(List.of(OPTIMIZER, LR, MOMENTUM, WEIGHT_DECAY, LR_SCHEDULER, WARMUP_MULTIPLIER, WARMUP_EPOCHS, DECAY_STEP,
                DECAY_GAMMA, POLY_EXP));
        k.add(mask ? EXP_NAME.withDefault("3dmask", EXP_NAME.doc()) : EXP_NAME);
        k.addAll(List.of(LOG_DIR, CKPT_DIR, DEBUG));
        if (mask) k.add(MPI_MODEL);
        k.addAll(List.of(DEVICE, PLANES));
        if (!mask) k.addAll(List.of(FRAMES_DIR, CROP, STAGE1_DEPTHS));
        k.addAll(List.of(VGG_WEIGHTS, VAL_EVERY, LOG_EVERY, CKPT_EVERY, KEEP_TOP_K, NAN_PATIENCE, SYNTHETIC_ROWS, SYNTHETIC_COLS,
                SYNTHETIC_FRAMES, SYNTHETIC_SEED));
        return new ConfigSchema(k);
    }

    /** The key table of a stage (names, types, defaults, docs, checks). */
    public static ConfigSchema schema(Stage st) { return st == Stage.MASK ? MASK_SCHEMA : MPI_SCHEMA; }

    /** Every key a stage's config may hold. */
    public static Set<String> knownKeys(Stage st) { return schema(st).names(); }

    private final Stage stage;
    private final ConfigSchema.Values values;

    private TrainConfig(Stage stage, ConfigSchema.Values values) {
        this.stage = stage;
        this.values = values;
        check();
    }

    /**
     * The config of {@code file} (null: defaults only) with {@code overrides} laid over it.
     *
     * @throws InputException on unknown keys (with a suggestion), bad values and unsupported settings
     */
    public static TrainConfig resolve(Stage stage, Path file, Map<String, String> overrides) {
        ConfigFile base = file == null ? ConfigFile.of(Path.of("(command line)"), Map.of()) : ConfigFile.read(file);
        // each spelled size canonical on its own side, so that a --set of either spelling overrides the file's
        Map<String, String> set = canonicalSize(ConfigFile.of(Path.of("(command line)"), overrides)).values();
        return new TrainConfig(stage, schema(stage).resolve(canonicalSize(base).withOverrides(set)));
    }

    /**
     * {@code file} with an {@code img_hw = [H, W]} (the released stage 2's spelling) rewritten as the canonical
     * {@code img_wh = [W, H]}, at the same line.
     *
     * @throws InputException if {@code img_hw} is malformed, or both are given and disagree
     */
    static ConfigFile canonicalSize(ConfigFile file) {
        if (!file.has(IMG_HW.name())) return file;
        String at = file.location(IMG_HW.name());
        int[] hw = IMG_HW.parse(file.string(IMG_HW.name(), "").strip(), at);
        String wh = IMG_WH.format(new int[]{hw[1], hw[0]});
        if (file.has(IMG_WH.name())) {
            String whAt = file.location(IMG_WH.name());
            int[] given = IMG_WH.parse(file.string(IMG_WH.name(), "").strip(), whAt);
            if (given[0] != hw[1] || given[1] != hw[0]) {
                throw new InputException(whAt + " and " + at + ": img_wh = " + IMG_WH.format(given) + " (width, height) and img_hw = "
                        + IMG_HW.format(hw) + " (height, width) disagree; give one of them (img_hw = " + IMG_HW.format(hw)
                        + " means img_wh = " + wh + ")");
            }
        }
        return file.renamed(IMG_HW.name(), IMG_WH.name(), wh);
    }

    /** Every key at its released (or mask3d) default. */
    public static TrainConfig defaults(Stage stage) { return new TrainConfig(stage, schema(stage).defaults()); }

    /**
     * A copy with {@code key} set to {@code value}, checked like a file value.
     *
     * @throws IllegalArgumentException if this stage has no such key (e.g. {@link #CROP} in stage 2)
     * @throws InputException           if the value fails the key's checks
     */
    public <T> TrainConfig with(ConfigKey<T> key, T value) { return new TrainConfig(stage, values.with(key, value)); }

    /** A copy with values given as text, like {@code --set key=value} overrides. */
    public TrainConfig with(Map<String, String> text) {
        if (!text.containsKey(IMG_HW.name())) return new TrainConfig(stage, values.withText(text));
        ConfigFile f = canonicalSize(ConfigFile.of(Path.of("(overrides)"), text));
        return new TrainConfig(stage, values.withText(f.values()));
    }

    /** A copy with the image size set, whichever key the stage uses ({@code img_wh} or {@code img_hw}). */
    public TrainConfig withImageSize(int width, int height) {
        return with(IMG_WH, new int[]{width, height});
    }

    private void check() {
        int gpus = numGpus();
        if (gpus > 1) {
            throw new InputException(values.where("num_gpus") + ": num_gpus = " + gpus
                    + ": multi-GPU (DDP) training is not supported by mask3d; use num_gpus = 1");
        }
        if (!optimizer().equalsIgnoreCase("adam")) {
            throw new InputException(values.where("optimizer") + ": optimizer = " + optimizer()
                    + " is not supported by mask3d (released choices sgd, adam, radam, ranger); use adam");
        }
        String sch = lrScheduler().toLowerCase(Locale.ROOT);
        if (!sch.equals("steplr") && !sch.equals("constant")) {
            throw new InputException(values.where("lr_scheduler") + ": lr_scheduler = " + lrScheduler()
                    + " is not supported by mask3d; use steplr (released default) or constant");
        }
        if (values.get(WARMUP_EPOCHS) > 0) {
            throw new InputException(values.where("warmup_epochs") + ": warmup_epochs = " + values.get(WARMUP_EPOCHS)
                    + ": warm-up is not supported by mask3d; use 0");
        }
    }

    /**
     * Checks that a training step and a validation of this config fit the machine ({@link Footprint}): stage 2 trains
     * on whole {@code img_hw} frames, stage 1 on {@code crop × crop} and validates on whole {@code img_wh} frames.
     *
     * @throws InputException one line with the estimate, the machine's limit and the keys to change
     */
    public void requireMemory() {
        int[] wh = imageSize();
        String size = "img_wh";
        String hint = "lower " + size + " (or img_hw)" + (stage == Stage.MPI ? ", crop" : "") + " or planes (" + values.where(size) + ", "
                + values.where("planes") + ")";
        if (stage == Stage.MASK) {
            Footprint.training("train-mask at " + wh[0] + "x" + wh[1] + " (" + planes() + " planes)", wh[0], wh[1], planes()).require(hint);
        } else {
            Footprint.training("train-mpi on " + crop() + "x" + crop() + " crops (" + planes() + " planes)", crop(), crop(), planes())
                    .require(hint);
        }
        Footprint.inference("validation at " + wh[0] + "x" + wh[1] + " (" + planes() + " planes)", wh[0], wh[1], planes()).require(hint);
    }

    public Stage stage() { return stage; }

    /** The key table this config follows ({@link #schema(Stage)}). */
    public ConfigSchema schema() { return values.schema(); }

    /** The typed value of {@code key} (matched by name: a stage's variant of a key reads the same value). */
    public <T> T get(ConfigKey<T> key) { return values.get(key); }

    // ---------------------------------------------------------------------------- typed accessors
    public String rootDir() { return values.get(ROOT_DIR); }
    public String valDir() { return values.get(VAL_DIR); }
    public String datasetName() { return values.get(DATASET_NAME); }
    public long seed() { return values.get(SEED); }
    /** Image {width, height} ({@code img_wh}, or {@code img_hw} reversed when that was given). */
    public int[] imageSize() { return values.get(IMG_WH).clone(); }
    /** Image {width, height} (same as {@link #imageSize()}). */
    public int[] imageWh() { return imageSize(); }
    /** The loss, one this stage accepts. */
    public LossType lossType() { return values.get(LOSS_TYPE); }
    public int batchSize() { return values.get(BATCH_SIZE); }
    public int numEpochs() { return values.get(NUM_EPOCHS); }
    public int numSteps() { return values.get(NUM_STEPS); }
    public int numGpus() { return values.get(NUM_GPUS); }
    /** Initial weights of the trained network, or null. */
    public Path ckptPath() { return values.get(CKPT_PATH); }
    public String optimizer() { return values.get(OPTIMIZER); }
    public double lr() { return values.get(LR); }
    public double weightDecay() { return values.get(WEIGHT_DECAY); }
    /** {@code steplr} or {@code constant}, as written. */
    public String lrScheduler() { return values.get(LR_SCHEDULER); }
    /** MultiStepLR milestones, in epochs. */
    public int[] decaySteps() { return values.get(DECAY_STEP).clone(); }
    public double decayGamma() { return values.get(DECAY_GAMMA); }
    public String expName() { return values.get(EXP_NAME); }
    public Path logDir() { return values.get(LOG_DIR); }
    /** Checkpoint folder parent, or null (the run directory's checkpoints/). */
    public Path ckptDir() { return values.get(CKPT_DIR); }
    public boolean debug() { return values.get(DEBUG); }
    /** Stage 2: the frozen MPINet3d's weights, or null (random). */
    public Path mpiModel() { return values.get(MPI_MODEL); }
    /** {@code auto}, {@code cpu} or {@code gpu}. */
    public String device() { return values.get(DEVICE); }
    public int planes() { return values.get(PLANES); }
    /** Stage 1: the RealEstate10K frames root, or null. */
    public Path framesDir() { return values.get(FRAMES_DIR); }
    /** Stage 1: the training crop side. */
    public int crop() { return values.get(CROP); }
    /** Stage 1: {@code auto}, {@code released} or {@code scene} (see {@link #STAGE1_DEPTHS}). */
    public String stage1Depths() { return values.get(STAGE1_DEPTHS); }
    /** torchvision vgg19_bn weights, or null. */
    public Path vggWeights() { return values.get(VGG_WEIGHTS); }
    public int valEvery() { return values.get(VAL_EVERY); }
    public int logEvery() { return values.get(LOG_EVERY); }
    public int ckptEvery() { return values.get(CKPT_EVERY); }
    public int keepTopK() { return values.get(KEEP_TOP_K); }
    public int nanPatience() { return values.get(NAN_PATIENCE); }
    public int syntheticRows() { return values.get(SYNTHETIC_ROWS); }
    public int syntheticCols() { return values.get(SYNTHETIC_COLS); }
    public int syntheticFrames() { return values.get(SYNTHETIC_FRAMES); }
    public long syntheticSeed() { return values.get(SYNTHETIC_SEED); }

    // ---------------------------------------------------------------------------- by name
    /** The text of a key (as written, stripped; or its default). */
    public String string(String key) { return values.text(key); }
    /** A numeric key as an int (a number key rounded). */
    public int integer(String key) { return (int) Math.round(number(key)); }
    /** A numeric key as a long. */
    public long longValue(String key) {
        return values.value(key) instanceof Number n && !(n instanceof Double) ? n.longValue() : (long) number(key);
    }
    /** A numeric key as a double. */
    public double number(String key) {
        if (values.value(key) instanceof Number n) return n.doubleValue();
        String s = string(key);
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InputException(values.where(key) + ": '" + key + "' must be a number, got '" + s + "'");
        }
    }
    /** A boolean key. */
    public boolean bool(String key) {
        if (values.value(key) instanceof Boolean b) return b;
        throw new IllegalArgumentException(key + " is not a True/False key");
    }
    /** An integer-list key. */
    public int[] integers(String key) {
        if (values.value(key) instanceof int[] v) return v.clone();
        throw new IllegalArgumentException(key + " is not an integer-list key");
    }
    /** The path of a key, or null when empty. */
    public Path path(String key) {
        String s = string(key);
        return s.isEmpty() ? null : Path.of(s);
    }

    /** Every key with the value in use and its comment, in the released format (the run directory's config.txt). */
    public String resolvedText() {
        return values.resolvedText("resolved " + (stage == Stage.MASK ? "train-mask" : "train-mpi") + " config (every key, as used)");
    }

    /** The raw values given in the file and overrides (for --resume: the run's config plus new overrides). */
    public Map<String, String> given() { return values.given(); }
}
