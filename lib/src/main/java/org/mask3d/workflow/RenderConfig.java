package org.mask3d.workflow;

import org.mask3d.InputException;
import org.mask3d.io.ConfigKey;
import org.mask3d.io.ConfigSchema;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The novel-view video's settings ({@code ./mask3d render}, the released {@code configs/render_video.txt} keys
 * {@code root_dir}, {@code bg_dir}, {@code out_dir}, {@code ckpt_path}, {@code img_wh}, plus mask3d's own), immutable,
 * as a {@link ConfigSchema} table ({@link #SCHEMA}). Read from a {@code key = value} file with overrides laid over it
 * ({@link #resolve}; the command line's options are such overrides), or built in code:
 * {@code RenderConfig.defaults().with(RenderConfig.ROOT_DIR, scene).with(RenderConfig.CKPT_PATH, ckpt)}. Unknown keys
 * are errors naming the nearest known one; bad values name the file line, the key and what was expected.
 * {@link #resolvedText()} is the output folder's {@code render.txt}.
 */
public final class RenderConfig {
    public static final ConfigKey<Path> ROOT_DIR = ConfigKey.path("root_dir", "",
            "the scene: a folder (poses_bounds.npy, frames/camNN/), a packed scene, or an h5 file");
    public static final ConfigKey<Path> BG_DIR = ConfigKey.path("bg_dir", "",
            "optional: backgrounds elsewhere (camNN.png; sorted order = camera index); empty: the scene's");
    public static final ConfigKey<Path> OUT_DIR = ConfigKey.path("out_dir", "", "output folder (frames/, video, render.txt)");
    public static final ConfigKey<Path> CKPT_PATH = ConfigKey.path("ckpt_path", "",
            "an official Lightning .ckpt (models.mpi_net.*, models.mask_net.*), or a mask3d checkpoint folder");
    public static final ConfigKey<int[]> IMG_WH = ConfigKey.integers("img_wh", 2, "[640, 360]",
            "output width, height (honoured; the release always rendered 640x360)").check(v -> v[0] >= 1 && v[1] >= 1, "positive");
    public static final ConfigKey<int[]> INDICES = ConfigKey.integers("indices", 2, "[4, 5]",
            "the two source cameras; the first is the MPI reference (released default 4 5)")
            .check(v -> v[0] >= 0 && v[1] >= 0 && v[0] != v[1], "two different camera indices");
    public static final ConfigKey<String> MODE = ConfigKey.choice("mode", "blend",
            "blend (the method), frame (frame-by-frame MPI, no mask) or background", "blend", "frame", "background");
    public static final ConfigKey<String> DEVICE = ConfigKey.choice("device", "auto",
            "where the sweep, the networks and the renderer run: auto (CUDA where a driver answers, else the CPU), cpu or gpu", "auto", "cpu", "gpu");
    public static final ConfigKey<String> PRECISION = ConfigKey.choice("precision", "fp32",
            "the GPU networks' arithmetic: fp32 (the reference) or bf16 (tensor cores, float32 accumulation); no effect on the CPU",
            "fp32", "bf16");
    public static final ConfigKey<Integer> PATH_N = ConfigKey.integer("path_n", "30", "LLFF path poses per component (270 in all at 30)")
            .check(v -> v >= 1, "at least 1");
    public static final ConfigKey<Integer> MAX_VIEWS = ConfigKey.integer("max_views", "0", "stop after this many views; 0: the whole path")
            .check(v -> v >= 0, "0 or more");
    public static final ConfigKey<Double> FPS = ConfigKey.number("fps", "30", "video frame rate").check(v -> v > 0, "positive");

    /** The key table (names, types, defaults, docs, checks). */
    public static final ConfigSchema SCHEMA = new ConfigSchema(List.of(ROOT_DIR, BG_DIR, OUT_DIR, CKPT_PATH, IMG_WH, INDICES, MODE,
            DEVICE, PRECISION, PATH_N, MAX_VIEWS, FPS));

    private final ConfigSchema.Values values;

    private RenderConfig(ConfigSchema.Values values) { this.values = values; }

    /**
     * The config of {@code file} (null: defaults only) with {@code overrides} laid over it.
     *
     * @throws InputException on an unknown key (with a suggestion) or a bad value
     */
    public static RenderConfig resolve(Path file, Map<String, String> overrides) {
        return new RenderConfig(SCHEMA.resolve(file, overrides));
    }

    /** Every key at its default (no scene, weights or output folder yet). */
    public static RenderConfig defaults() { return new RenderConfig(SCHEMA.defaults()); }

    /** A copy with {@code key} set to {@code value}, checked like a file value. */
    public <T> RenderConfig with(ConfigKey<T> key, T value) { return new RenderConfig(values.with(key, value)); }

    /**
     * This config, checked complete: a scene, weights and an output folder are given.
     *
     * @throws InputException naming the missing key
     */
    public RenderConfig requireComplete() {
        if (scene() == null) throw new InputException("no scene: give root_dir (render --scene)");
        if (checkpoint() == null) throw new InputException("no weights: give ckpt_path (render --ckpt)");
        if (outDir() == null) throw new InputException("no output folder: give out_dir (render --out)");
        return this;
    }

    /** The scene ({@code root_dir}), or null when not given. */
    public Path scene() { return values.get(ROOT_DIR); }
    /** Backgrounds from another folder ({@code bg_dir}), or null: the scene's own. */
    public Path backgrounds() { return values.get(BG_DIR); }
    /** The output folder ({@code out_dir}), or null when not given. */
    public Path outDir() { return values.get(OUT_DIR); }
    /** The weights ({@code ckpt_path}), or null when not given. */
    public Path checkpoint() { return values.get(CKPT_PATH); }
    public int width() { return values.get(IMG_WH)[0]; }
    public int height() { return values.get(IMG_WH)[1]; }
    /** The two source cameras; the first is the MPI reference. */
    public int[] sources() { return values.get(INDICES).clone(); }
    /** {@code blend}, {@code frame} or {@code background}. */
    public String mode() { return values.get(MODE); }
    /** {@code auto}, {@code cpu} or {@code gpu}. */
    public String device() { return values.get(DEVICE); }

    /** The GPU networks' precision ({@code fp32} or {@code bf16}). */
    public String precision() { return values.get(PRECISION); }
    /** Path poses per component. */
    public int pathN() { return values.get(PATH_N); }
    /** Views to render; 0: the whole path. */
    public int maxViews() { return values.get(MAX_VIEWS); }
    public double fps() { return values.get(FPS); }

    /** Every key with the value in use and its doc (the output folder's {@code render.txt}). */
    public String resolvedText() { return values.resolvedText("resolved by ./mask3d render (every key, as used)"); }
}
