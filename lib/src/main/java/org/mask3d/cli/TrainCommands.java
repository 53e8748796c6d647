package org.mask3d.cli;

import me.tongfei.progressbar.ProgressBar;
import org.mask3d.InputException;
import org.mask3d.train.TrainConfig;
import org.mask3d.train.Trainer;
import org.mask3d.train.TrainingStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code train-mpi} and {@code train-mask}: thin shells over {@link Trainer}. */
final class TrainCommands {
    private TrainCommands() {}

    /** The {@code --set KEY=VALUE} options of a command as config overrides, in order. */
    static Map<String, String> overrides(List<String> sets) {
        Map<String, String> o = new LinkedHashMap<>();
        if (sets == null) return o;
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new InputException("--set takes KEY=VALUE, got '" + s + "'");
            o.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
        }
        return o;
    }

    /** What both commands accept. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "A training config (key = value, the released format).") Path config;
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable), e.g. --set num_steps=100.") List<String> sets;
        @Option(names = "--run", paramLabel = "DIR", description = "Run directory (default: log_dir/exp_name, i.e. runs/<exp_name>).") Path run;
        @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from checkpoints/last (its config.txt, plus --set overrides).") Path resume;
        @Option(names = "--overwrite", description = "Delete an existing run directory and start again.") boolean overwrite;
        @Option(names = "--device", description = "auto (default), cpu or gpu (the device key).") String device;
        @Option(names = "--steps", description = "Training steps (the num_steps key).") Long steps;

        abstract TrainConfig.Stage stage();

        @Override public Integer call() {
            Map<String, String> o = overrides(sets);
            if (device != null) o.put("device", device);
            if (steps != null) o.put("num_steps", Long.toString(steps));
            if (resume != null && overwrite) throw new InputException("--resume and --overwrite exclude each other");
            TrainConfig cfg;
            Path dir;
            Trainer.Mode mode;
            if (resume != null) {
                if (config != null) throw new InputException("--resume uses the run's own config.txt; change keys with --set");
                cfg = Trainer.resumeConfig(stage(), resume, o);
                dir = resume;
                mode = Trainer.Mode.RESUME;
            } else {
                cfg = TrainConfig.resolve(stage(), config, o);
                dir = run != null ? run : Trainer.runDir(cfg);
                mode = overwrite ? Trainer.Mode.OVERWRITE : Trainer.Mode.NEW;
            }
            // announced once the trainer has accepted the run folder: an existing one fails first, never "new" before "already exists"
            String announce = String.format(Locale.ROOT, "train-%s: run %s, %s", stage() == TrainConfig.Stage.MASK ? "mask" : "mpi", dir,
                    mode == Trainer.Mode.RESUME ? "resuming" : "new");
            ProgressBar[] pb = new ProgressBar[1];
            Trainer.Result r;
            try {
                r = Trainer.run(cfg, dir, mode, new Trainer.Listener() {
                    @Override public void started(long first, long total) {
                        System.out.println(announce);
                        pb[0] = Progress.builder("train", total, 500).startsFrom(first, Duration.ZERO).build();
                    }
                    @Override public void stepped(long step, TrainingStage.Stats st) {
                        pb[0].stepTo(step);
                        pb[0].setExtraMessage(String.format(Locale.ROOT, "loss %.4f psnr %.2f", st.loss(), st.psnr()));
                    }
                    @Override public void validated(long step, TrainingStage.Stats st) {
                        if (pb[0] != null) pb[0].setExtraMessage(String.format(Locale.ROOT, "val %.4f / %.2f dB", st.loss(), st.psnr()));
                    }
                    @Override public void message(String line) { System.out.println(line); }
                });
            } finally {
                if (pb[0] != null) pb[0].close();
            }
            System.out.printf(Locale.ROOT, "step %d of %d; %.2f s per step this session; %d skipped%s%nrun directory: %s%n", r.step(), r.total(),
                    r.secondsPerStep(), r.skipped(), r.lastValidation() == null ? ""
                            : String.format(Locale.ROOT, "; validation loss %.5f, PSNR %.2f dB", r.lastValidation().loss(), r.lastValidation().psnr()),
                    r.runDir());
            return 0;
        }
    }

    @Command(name = "train-mask", mixinStandardHelpOptions = true,
            description = {"Stage 2 (released train_mask): train MaskNet3d with MPINet3d frozen. Per step: a random frame, target "
                    + "and two source cameras of a scene, the 12-channel plane sweep (frames and backgrounds), the mask-blended MPI "
                    + "rendered to the target, the loss (vgg_only, no_mask, full_loss need vgg_weights; mse, l1 need none), Adam "
                    + "(lr 5e-4, eps 1e-8). Data: any scene source (h5, multi-camera folders, packed) or 'synthetic'.",
                    "Writes the run directory (config.txt, metrics.csv, checkpoints/last and top-k, samples/, run.json); "
                            + "--resume continues exactly where the last checkpoint stopped."},
            footer = {"", "Examples:",
                    "  ./mask3d train-mask --config configs/train_mask_demo.txt",
                    "  ./mask3d train-mask --config configs/train_mask.txt --set root_dir=data/scenes --set mpi_model=ckpts/3dmpi.ckpt",
                    "  ./mask3d train-mask --resume runs/mask-demo --steps 40"})
    static final class Mask extends Base {
        @Override TrainConfig.Stage stage() { return TrainConfig.Stage.MASK; }
    }

    @Command(name = "train-mpi", mixinStandardHelpOptions = true,
            description = {"Stage 1 (released train_mpi): train MPINet3d. Per step: two sources and a target of a RealEstate10K "
                    + "sequence (or of a static multi-view scene's cameras), the 6-channel plane sweep at depths 1..100, the MPI "
                    + "rendered to the target, the loss (l1, mse, or vgg with vgg_weights), Adam (lr 5e-4, eps 1e-8).",
                    "Writes the run directory (config.txt, metrics.csv, checkpoints/last and top-k, samples/, run.json); "
                            + "--resume continues exactly where the last checkpoint stopped."},
            footer = {"", "Examples:",
                    "  ./mask3d train-mpi --config configs/train_mpi_demo.txt",
                    "  ./mask3d train-mpi --config configs/train_realestate10k.txt --set root_dir=data/re10k/train --set frames_dir=data/re10k/frames",
                    "  ./mask3d train-mpi --resume runs/mpi-demo --steps 100"})
    static final class Mpi extends Base {
        @Override TrainConfig.Stage stage() { return TrainConfig.Stage.MPI; }
    }
}
