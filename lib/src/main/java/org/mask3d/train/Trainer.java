package org.mask3d.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.mask3d.InputException;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Images;
import org.mask3d.model.Checkpoints;
import org.mask3d.model.ModelCheckpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/**
 * Runs a training stage in a run directory (DESIGN.md "Run directory"):
 * <pre>
 *   RUN/config.txt        the resolved config (every key, as used)
 *   RUN/metrics.csv       step, wall_s, kind (train|val|skipped), loss, loss terms, psnr, lr (Tablesaw)
 *   RUN/checkpoints/last/ and the top keep_top_k by validation loss (step-NNNNNNNN/): each a ModelCheckpoint
 *                         folder (mpi_net.params, [mask_net.params,] checkpoint.json) + optimizer.bin + state.json
 *   RUN/samples/          step-NNNNNNNN.png at each validation: rendering | ground truth
 *   RUN/run.json          versions, seed, device, data, sessions
 *   RUN/.lock             the {@link RunLock} of the training in the folder (PID, host, start; empty when none)
 * </pre>
 * Each step draws its batch from a {@link Random} seeded from (seed, step), so the data of a step does not depend on
 * what ran before; with the parameters and the Adam state restored from {@code last}, a resumed run computes what the
 * uninterrupted run would have, bit for bit on the CPU. A checkpoint is written into a temporary folder and renamed
 * into place (the previous one is kept until then), so a kill at any moment leaves a complete {@code last}.
 * A step whose loss or gradient is not finite is skipped (no update) and logged; {@code nan_patience} in a row
 * stop the run.
 */
public final class Trainer {
    private Trainer() {}

    /** What to do with an existing run directory. */
    public enum Mode { NEW, OVERWRITE, RESUME }

    /** Progress callbacks (the CLI draws a progress bar). */
    public interface Listener {
        default void started(long firstStep, long total) {}
        default void stepped(long step, TrainingStage.Stats stats) {}
        default void validated(long step, TrainingStage.Stats stats) {}
        default void message(String line) {}
    }

    /** How a run ended. */
    public record Result(Path runDir, long step, long total, TrainingStage.Stats lastTrain, TrainingStage.Stats lastValidation,
                         double secondsPerStep, int skipped) {}

    /** Tests: steps whose loss is made NaN (to exercise the guard). */
    static volatile LongPredicate nanInjection = s -> false;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    /** The default run directory of a config: {@code log_dir/exp_name}. */
    public static Path runDir(TrainConfig c) { return c.logDir() == null ? Path.of(c.expName()) : c.logDir().resolve(c.expName()); }

    /** The config of an existing run ({@code RUN/config.txt}) with new overrides (e.g. a larger num_steps). */
    public static TrainConfig resumeConfig(TrainConfig.Stage stage, Path run, Map<String, String> overrides) {
        Path cfg = run.resolve("config.txt");
        if (!Files.isRegularFile(cfg)) throw new InputException("cannot resume " + run + ": no config.txt (not a run directory)");
        Path info = run.resolve("run.json");
        if (Files.isRegularFile(info)) {
            try {
                JsonObject o = GSON.fromJson(Files.readString(info), JsonObject.class);
                String st = o.get("stage").getAsString();
                if (!st.equals(stageName(stage))) {
                    throw new InputException(run + " is a train-" + st + " run; resume it with train-" + st);
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof InputException ie) throw ie;
                throw new InputException(info + ": unreadable (" + e.getMessage() + ")");
            }
        }
        return TrainConfig.resolve(stage, cfg, overrides);
    }

    private static String stageName(TrainConfig.Stage s) { return s == TrainConfig.Stage.MASK ? "mask" : "mpi"; }

    /** The device of the config's {@code device} key: {@code auto} takes DJL's first GPU when the engine sees one. */
    public static Device device(TrainConfig c) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (c.device()) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) throw new InputException("device = gpu, but the engine sees no GPU (use device = auto or cpu)");
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }

    /**
     * The one line saying where training runs, e.g. {@code training on gpu(0) (device = auto; DJL sees 1 GPU)}; on the
     * CPU under {@code auto}, how to let DJL reach a CUDA libtorch.
     */
    static String deviceLine(String choice, int gpus, Device d) {
        String seen = gpus == 0 ? "DJL sees no GPU" : "DJL sees " + gpus + " GPU" + (gpus == 1 ? "" : "s");
        String line = "training on " + (d.isGpu() ? "gpu(" + d.getDeviceId() + ")" : "cpu") + " (device = " + choice + "; " + seen;
        if (d.isGpu() || !"auto".equals(choice)) return line + ")";
        return line + ", libtorch " + Engine.getInstance().getVersion() + "; for a CUDA libtorch run ./mask3d --djl-online"
                + " or set PYTORCH_LIBRARY_PATH, see the README's \"GPU training with DJL\")";
    }

    /**
     * Trains {@code c}'s stage in {@code run}. The folder is locked first ({@link RunLock}: a second training into it
     * is refused at once, naming the holder); on resume, what a killed run left half-written is removed first
     * ({@link #removeLeftovers}).
     */
    public static Result run(TrainConfig c, Path run, Mode mode, Listener listener) {
        Listener l = listener == null ? new Listener() {} : listener;
        c.requireMemory();   // before the run folder is made: a size that cannot fit leaves nothing behind
        if (Files.exists(run) && !Files.isDirectory(run)) throw new InputException(run + " exists and is not a directory");
        boolean fresh = !Files.exists(run);   // the lock creates the folder: a refused new run removes it again
        Path created = run.toAbsolutePath();   // the topmost folder this run creates (its parents too, e.g. runs/)
        while (created.getParent() != null && !Files.exists(created.getParent())) created = created.getParent();
        boolean done = false;
        RunLock lock = RunLock.acquire(run);
        try {
            if (mode == Mode.RESUME) removeLeftovers(run, checkpointsDir(c, run), l);
            Result r = runLocked(c, run, mode, l);
            done = true;
            return r;
        } finally {
            if (!done && fresh && isEmpty(run)) {
                lock.closeAndDelete();
                try {
                    for (Path p = run.toAbsolutePath(); p != null && p.startsWith(created); p = p.getParent()) {
                        if (!Files.deleteIfExists(p) && Files.exists(p)) break;
                    }
                } catch (IOException ignored) {
                    // another process created something in it meanwhile (DirectoryNotEmptyException): leave it
                }
            } else {
                lock.close();
            }
        }
    }

    /**
     * Removes what an interrupted run (SIGKILL, full disk) left in its folder: checkpoint folders being written
     * ({@code checkpoints/.tmp-*}), a kept previous checkpoint whose successor is complete ({@code .old-NAME} beside a
     * complete {@code NAME}), half-deleted top-k folders (no {@code state.json}) and the temporary files of
     * {@link AtomicFiles}. Call only with the run's {@link RunLock} held. Reports one line when it removed anything.
     *
     * @return the removed paths
     */
    static List<Path> removeLeftovers(Path run, Path ckDir, Listener l) {
        List<Path> gone = new ArrayList<>();
        if (Files.isDirectory(ckDir)) {
            try (Stream<Path> s = Files.list(ckDir)) {
                for (Path p : s.sorted().toList()) {
                    String n = p.getFileName().toString();
                    boolean leftover = n.startsWith(".tmp-")
                            || (n.startsWith(".old-") && Files.isRegularFile(ckDir.resolve(n.substring(5)).resolve("state.json")))
                            || (n.startsWith("step-") && Files.isDirectory(p) && !Files.isRegularFile(p.resolve("state.json")));
                    if (leftover) {
                        deleteRecursively(p);
                        gone.add(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + ckDir + ": " + e.getMessage(), e);
            }
        }
        for (Path root : ckDir.startsWith(run) ? List.of(run) : List.of(run, ckDir)) {
            if (!Files.isDirectory(root)) continue;
            try (Stream<Path> s = Files.walk(root, 3)) {
                for (Path p : s.filter(p -> Files.isRegularFile(p) && AtomicFiles.isTemporary(p)).sorted().toList()) {
                    Files.deleteIfExists(p);
                    gone.add(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clean " + root + ": " + e.getMessage(), e);
            }
        }
        if (!gone.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (Path p : gone) names.add(p.startsWith(run) ? run.relativize(p).toString() : p.toString());
            String shown = String.join(", ", names.subList(0, Math.min(names.size(), 10)));
            l.message("removed " + gone.size() + " leftover(s) of an interrupted session in " + run + ": " + shown
                    + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : ""));
            AtomicFiles.syncDirectory(ckDir);
        }
        return gone;
    }

    private static Result runLocked(TrainConfig c, Path run, Mode mode, Listener l) {
        Path last = checkRunDir(run, c, mode);
        Path ckDir = checkpointsDir(c, run);
        Device device = device(c);
        l.message(deviceLine(c.device(), Engine.getInstance().getGpuCount(), device));
        long seed = c.seed();
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            // the data and weights are checked before anything is written or deleted
            TrainingStage stage = c.stage() == TrainConfig.Stage.MASK ? new MaskTraining(c, manager) : new MpiTraining(c, manager);
            createRunDir(run, c, mode);
            try (stage; Adam adam = new Adam(new ArrayList<>(stage.trainable().getParameters().values()), c.weightDecay())) {
                List<Parameter> params = new ArrayList<>(stage.trainable().getParameters().values());
                long step = 0;
                double wall0 = 0;
                int nanRun = 0;
                if (last != null) {
                    JsonObject st = readState(last);
                    Checkpoints.loadRun(last, stage.networks());
                    // DJL's loadParameters replaces the arrays: the trained network records gradients again
                    for (Parameter p : params) p.getArray().setRequiresGradient(true);
                    adam.load(last.resolve("optimizer.bin"));
                    step = st.get("step").getAsLong();
                    wall0 = st.get("wall_s").getAsDouble();
                    nanRun = st.get("nan_run").getAsInt();
                    if (st.get("adam_step").getAsLong() != adam.step()) throw new InputException(last + ": optimiser step does not match state.json");
                    l.message(String.format(Locale.ROOT, "resuming %s from step %d (%s)", run, step, last.getFileName()));
                }
                writeRunJson(run, c, device, stage, last != null, step);
                int batch = c.batchSize();
                long total = totalSteps(c, stage.dataSize());
                if (step >= total) l.message("nothing to do: the run is at step " + step + " of " + total + " (raise num_steps to continue)");
                MetricsLog metrics = MetricsLog.open(run.resolve("metrics.csv"), stage.terms(), step);
                int valEvery = c.debug() ? 1 : c.valEvery();
                int ckEvery = c.debug() ? 1 : c.ckptEvery() > 0 ? c.ckptEvery() : valEvery;
                int logEvery = c.debug() ? 1 : c.logEvery();
                int patience = c.nanPatience(), topK = c.keepTopK();
                l.started(step, total);
                long t0 = System.nanoTime();
                long firstStep = step;
                double accLoss = 0, accPsnr = 0;
                Map<String, Double> accTerms = new LinkedHashMap<>();
                int accN = 0, skipped = 0;
                TrainingStage.Stats lastTrain = null, lastVal = null;
                while (step < total) {
                    long s = step + 1;
                    double lr = learningRate(c, s, stage.dataSize());
                    Random rng = new Random(StageSupport.mix(seed, s));
                    Adam.zeroGradients(params);
                    TrainingStage.Stats stats;
                    try (NDManager sub = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        stats = stage.step(sub, gc, rng, batch, nanInjection.test(s));
                    }
                    boolean finite = Double.isFinite(stats.loss()) && Adam.gradientsFinite(params);
                    step = s;
                    double wall = wall0 + (System.nanoTime() - t0) / 1e9;
                    if (finite) {
                        adam.update(lr);
                        nanRun = 0;
                        lastTrain = stats;
                        accLoss += stats.loss();
                        accPsnr += stats.psnr();
                        for (Map.Entry<String, Double> e : stats.terms().entrySet()) accTerms.merge(e.getKey(), e.getValue(), Double::sum);
                        accN++;
                    } else {
                        nanRun++;
                        skipped++;
                        metrics.log(s, wall, "skipped", stats, lr);
                        l.message(String.format(Locale.ROOT, "step %d: non-finite loss or gradient (loss %s): skipped, no update (%d in a row)",
                                s, stats.loss(), nanRun));
                        if (nanRun >= patience) {
                            throw new InputException("stopped at step " + s + ": " + nanRun + " non-finite steps in a row (nan_patience = "
                                    + patience + "); nothing of them was applied. The last checkpoint (" + ckDir.resolve("last")
                                    + ") is intact: lower lr, check the data, or resume with a larger nan_patience");
                        }
                    }
                    l.stepped(s, stats);
                    if (accN > 0 && (s % logEvery == 0 || s == total)) {
                        Map<String, Double> mean = new LinkedHashMap<>();
                        for (Map.Entry<String, Double> e : accTerms.entrySet()) mean.put(e.getKey(), e.getValue() / accN);
                        metrics.log(s, wall, "train", new TrainingStage.Stats(accLoss / accN, mean, accPsnr / accN), lr);
                        accLoss = accPsnr = 0;
                        accTerms.clear();
                        accN = 0;
                    }
                    Double valLoss = null;
                    if (s % valEvery == 0 || s == total) {
                        TrainingStage.Validation v = stage.validate(manager);
                        lastVal = v.stats();
                        valLoss = v.stats().loss();
                        metrics.log(s, wall, "val", v.stats(), lr);
                        writeSample(run.resolve("samples").resolve(String.format("step-%08d.png", s)), v);
                        l.validated(s, v.stats());
                    }
                    double wallNow = wall0 + (System.nanoTime() - t0) / 1e9;
                    if (s % ckEvery == 0 || s == total) {
                        saveCheckpoint(ckDir, "last", stage, adam, c, s, wallNow, nanRun, valLoss, lr);
                    }
                    if (valLoss != null && topK > 0 && Double.isFinite(valLoss)) {
                        keepTopK(ckDir, topK, stage, adam, c, s, wallNow, nanRun, valLoss, lr);
                    }
                }
                double sec = step > firstStep ? (System.nanoTime() - t0) / 1e9 / (step - firstStep) : Double.NaN;
                return new Result(run, step, total, lastTrain, lastVal, sec, skipped);
            }
        }
    }

    /** Training length: num_steps or num_epochs × ceil(data / batch), whichever is smaller (debug: 2). */
    public static long totalSteps(TrainConfig c, int dataSize) {
        if (c.debug()) return 2;
        long perEpoch = stepsPerEpoch(c, dataSize);
        long byEpochs = (long) c.numEpochs() * perEpoch;
        long steps = c.numSteps();
        return steps > 0 ? Math.min(steps, byEpochs) : byEpochs;
    }

    static long stepsPerEpoch(TrainConfig c, int dataSize) {
        int b = c.batchSize();
        return Math.max(1, (dataSize + b - 1) / b);
    }

    /** The learning rate of step s (1-based): constant, or MultiStepLR over epochs (decay_step, decay_gamma). */
    public static double learningRate(TrainConfig c, long s, int dataSize) {
        double lr = c.lr();
        if (c.lrScheduler().equalsIgnoreCase("constant")) return lr;
        long epoch = (s - 1) / stepsPerEpoch(c, dataSize);
        double gamma = c.decayGamma();
        for (int m : c.decaySteps()) if (epoch >= m) lr *= gamma;
        return lr;
    }

    static Path checkpointsDir(TrainConfig c, Path run) {
        Path d = c.ckptDir();
        return d == null ? run.resolve("checkpoints") : d.resolve(c.expName());
    }

    /** Checks the run directory against the mode; returns the checkpoint to resume from (null for a new run). */
    private static Path checkRunDir(Path run, TrainConfig c, Mode mode) {
        boolean exists = Files.isDirectory(run) && !isEmpty(run);
        if (Files.exists(run) && !Files.isDirectory(run)) throw new InputException(run + " exists and is not a directory");
        Path ckDir = checkpointsDir(c, run);
        switch (mode) {
            case NEW -> {
                if (exists) throw new InputException(run + " already exists: resume it with --resume " + run
                        + ", start again with --overwrite, or choose another exp_name / --run");
            }
            case RESUME -> {
                if (!exists) throw new InputException("cannot resume " + run + ": no such run directory");
                Path last = lastCheckpoint(ckDir);
                if (last == null) throw new InputException("cannot resume " + run + ": no complete checkpoint in " + ckDir
                        + " (the run stopped before its first checkpoint; start it again with --overwrite)");
                return last;
            }
            default -> { }
        }
        return null;
    }

    /** Creates the run directory (emptied first with --overwrite) and writes config.txt. */
    private static void createRunDir(Path run, TrainConfig c, Mode mode) {
        Path ckDir = checkpointsDir(c, run);
        if (mode == Mode.OVERWRITE) {
            deleteRunContents(run);
            if (c.ckptDir() != null) deleteRecursively(ckDir);
        }
        try {
            Files.createDirectories(run.resolve("samples"));
            Files.createDirectories(ckDir);
        } catch (IOException e) {
            throw new InputException("cannot create " + run + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(run.resolve("config.txt"), c.resolvedText().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code last}, or the previous one kept during an interrupted swap. */
    static Path lastCheckpoint(Path ckDir) {
        for (String name : List.of("last", ".old-last")) {
            Path p = ckDir.resolve(name);
            if (Files.isRegularFile(p.resolve("state.json"))) return p;
        }
        return null;
    }

    private static JsonObject readState(Path dir) {
        try {
            return GSON.fromJson(Files.readString(dir.resolve("state.json")), JsonObject.class);
        } catch (IOException | RuntimeException e) {
            throw new InputException(dir.resolve("state.json") + ": unreadable (" + e.getMessage() + ")");
        }
    }

    /**
     * {@link #writeCheckpoint}; on a full disk, the half-written temporary folder is removed (freeing its space) and
     * the error says which checkpoint was not written and that the previous one is intact.
     */
    private static void saveCheckpoint(Path ckDir, String name, TrainingStage stage, Adam adam, TrainConfig c, long step,
                                       double wall, int nanRun, Double valLoss, double lr) {
        try {
            writeCheckpoint(ckDir, name, stage, adam, c, step, wall, nanRun, valLoss, lr);
        } catch (RuntimeException e) {
            if (!AtomicFiles.isDiskFull(e)) throw e;
            Path tmp = ckDir.resolve(".tmp-" + name);
            try {
                deleteRecursively(tmp);
            } catch (RuntimeException ignored) {
                // removed on the next start (removeLeftovers)
            }
            throw new InputException("checkpoint " + ckDir.resolve(name) + " of step " + step + " not written, the previous checkpoint "
                    + lastCheckpoint(ckDir) + " is intact (resume once there is space): " + e.getMessage(), e);
        }
    }

    private static void writeCheckpoint(Path ckDir, String name, TrainingStage stage, Adam adam, TrainConfig c, long step,
                                        double wall, int nanRun, Double valLoss, double lr) {
        Path tmp = ckDir.resolve(".tmp-" + name), target = ckDir.resolve(name), old = ckDir.resolve(".old-" + name);
        deleteRecursively(tmp);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("stage", stage.name());
        meta.put("step", step);
        meta.put("val_loss", valLoss);
        meta.put("seed", c.seed());
        ModelCheckpoint.save(tmp, stage.networks(), meta);
        adam.save(tmp.resolve("optimizer.bin"));
        JsonObject st = new JsonObject();
        st.addProperty("step", step);
        st.addProperty("adam_step", adam.step());
        st.addProperty("wall_s", wall);
        st.addProperty("nan_run", nanRun);
        st.addProperty("lr", lr);
        if (valLoss != null) st.addProperty("val_loss", valLoss);
        JsonObject rng = new JsonObject();
        rng.addProperty("kind", "java.util.Random(mix(seed, step)) per step: nothing else to restore");
        rng.addProperty("seed", c.seed());
        rng.addProperty("next_step", step + 1);
        st.add("rng", rng);
        st.addProperty("written", Instant.now().toString());
        AtomicFiles.write(tmp.resolve("state.json"), GSON.toJson(st).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.syncDirectory(tmp);
        try {
            if (Files.exists(target)) {
                deleteRecursively(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(ckDir);
            deleteRecursively(old);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint " + target + " not written (the previous one is kept): " + e.getMessage(), e);
        }
    }

    private static void keepTopK(Path ckDir, int k, TrainingStage stage, Adam adam, TrainConfig c, long step, double wall,
                                 int nanRun, double valLoss, double lr) {
        record Kept(Path dir, double loss) {}
        List<Kept> kept = new ArrayList<>();
        try (Stream<Path> s = Files.list(ckDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("step-")).toList()) {
                if (!Files.isRegularFile(p.resolve("state.json"))) continue;
                JsonObject st = readState(p);
                if (st.get("step").getAsLong() > step) { deleteRecursively(p); continue; }   // from a run after this point
                kept.add(new Kept(p, st.has("val_loss") ? st.get("val_loss").getAsDouble() : Double.POSITIVE_INFINITY));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kept.sort(Comparator.comparingDouble(Kept::loss));
        if (kept.size() >= k && valLoss >= kept.get(k - 1).loss()) return;
        String name = String.format("step-%08d", step);
        saveCheckpoint(ckDir, name, stage, adam, c, step, wall, nanRun, valLoss, lr);
        kept.add(new Kept(ckDir.resolve(name), valLoss));
        kept.sort(Comparator.comparingDouble(Kept::loss));
        for (int i = k; i < kept.size(); i++) deleteRecursively(kept.get(i).dir());
    }

    /** The validation render beside the target (left: rendered, right: ground truth), enlarged when small. */
    private static void writeSample(Path file, TrainingStage.Validation v) {
        int h = v.height(), w = v.width();
        float[] out = new float[3 * h * 2 * w];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(v.prediction(), (ch * h + y) * w, out, (ch * h + y) * 2 * w, w);
                System.arraycopy(v.target(), (ch * h + y) * w, out, (ch * h + y) * 2 * w + w, w);
            }
        }
        // small training images are written enlarged (nearest neighbour) so that they can be looked at
        int z = Math.max(1, 256 / w);
        if (z > 1) {
            int zh = h * z, zw = 2 * w * z;
            float[] big = new float[3 * zh * zw];
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < zh; y++) {
                    for (int x = 0; x < zw; x++) big[(ch * zh + y) * zw + x] = out[(ch * h + y / z) * 2 * w + x / z];
                }
            }
            Images.writePng(file, big, 3, zh, zw);
        } else {
            Images.writePng(file, out, 3, h, 2 * w);
        }
    }

    private static void writeRunJson(Path run, TrainConfig c, Device device, TrainingStage stage, boolean resumed, long step) {
        Path file = run.resolve("run.json");
        JsonObject o = null;
        if (resumed && Files.isRegularFile(file)) {
            try {
                o = GSON.fromJson(Files.readString(file), JsonObject.class);
            } catch (IOException | RuntimeException ignored) {
                o = null;
            }
        }
        if (o == null) {
            o = new JsonObject();
            o.addProperty("stage", stage.name());
            o.addProperty("command", "train-" + stage.name());
            JsonObject v = new JsonObject();
            v.addProperty("mask3d", "0.1.0");
            v.addProperty("djl", Engine.getDjlVersion());
            v.addProperty("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
            v.addProperty("java", System.getProperty("java.version"));
            v.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            o.add("versions", v);
            o.addProperty("seed", c.seed());
            o.addProperty("device", device.toString());
            o.add("data", GSON.toJsonTree(stage.dataDescription()));
            o.addProperty("created", Instant.now().toString());
            o.add("sessions", new JsonArray());
        }
        JsonObject session = new JsonObject();
        session.addProperty("started", Instant.now().toString());
        session.addProperty("from_step", step);
        session.addProperty("resumed", resumed);
        session.addProperty("omp_num_threads", System.getenv().getOrDefault("OMP_NUM_THREADS", ""));
        o.getAsJsonArray("sessions").add(session);
        AtomicFiles.write(file, GSON.toJson(o).getBytes(StandardCharsets.UTF_8));
    }

    /** Everything in the run folder but its {@link RunLock} file (--overwrite: deleting that would let a second run in). */
    private static void deleteRunContents(Path run) {
        if (!Files.isDirectory(run)) return;
        try (Stream<Path> s = Files.list(run)) {
            for (Path p : s.filter(p -> !p.getFileName().toString().equals(RunLock.NAME)).toList()) deleteRecursively(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + run + ": " + e.getMessage(), e);
        }
    }

    /** Whether the folder holds nothing (a lock file, its own or one a killed run left, does not count). */
    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.noneMatch(p -> !p.getFileName().toString().equals(RunLock.NAME));
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteRecursively(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }
}
