package org.mask3d.train;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.model.ModelCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL at random moments (seeded), {@value #KILLS} times, one stage-2 run: each child JVM resumes the run
 * ({@code train-mask --resume}), is let make progress (a new checkpoint, which proves that the resume continued), then is
 * killed either after a random delay or right inside a checkpoint write (a {@code checkpoints/.tmp-*} folder seen by
 * polling). After every kill the newest complete checkpoint ({@code last}, or {@code .old-last} when the kill fell
 * between the two renames) loads into fresh networks and Adam, {@code metrics.csv} reads, and the next child removes
 * the leftovers. While one child runs, a training of this JVM into the folder is refused, naming the child's PID
 * (the OS lock). Finally the run is resumed here to its end. Tiny sizes (16×24, 8 planes, a checkpoint every step).
 */
class TrainKillTest {
    static final int KILLS = 20;
    static final long SEED = 20240613L;
    @TempDir Path tmp;

    @Test void killedTwentyTimesAtRandomMomentsTheRunAlwaysLoadsAndResumes() throws Exception {
        long t0 = System.nanoTime();
        Path run = tmp.resolve("killed"), ck = run.resolve("checkpoints");
        Random rng = new Random(SEED);
        int insideWrite = 0, lastMissing = 0, leftoversSeen = 0, leftoversRemoved = 0;
        boolean lockChecked = false;
        long step = 0;
        List<String> moments = new ArrayList<>();
        try (Loader loader = new Loader(Trainer.resumeConfig(TrainConfig.Stage.MASK, writeConfigOnly(run), Map.of()))) {
            boolean expectRemoval = false;
            for (int kill = 0; kill < KILLS; kill++) {
                Path log = tmp.resolve("child-" + kill + ".log");
                Process p = child(run, kill == 0, log);
                try {
                    long from = step;
                    long deadline = System.currentTimeMillis() + 120_000;
                    while (checkpointStep(ck) <= from && p.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(5);
                    assertTrue(p.isAlive() && checkpointStep(ck) > from, "child " + kill + " made no progress from step " + from
                            + ": " + Files.readString(log));
                    if (expectRemoval) {
                        if (Files.readString(log).contains("leftover(s) of an interrupted session")) leftoversRemoved++;
                        else throw new AssertionError("child " + kill + " did not report removing leftovers: " + Files.readString(log));
                    }
                    if (!lockChecked) {
                        InputException e = assertThrows(InputException.class, () -> Trainer.run(
                                Trainer.resumeConfig(TrainConfig.Stage.MASK, run, Map.of()), run, Trainer.Mode.RESUME, null));
                        assertTrue(e.getMessage().contains("process " + p.pid()) && e.getMessage().contains(run.toString()), e.getMessage());
                        lockChecked = true;
                    }
                    String moment;
                    if (rng.nextBoolean()) {   // inside a checkpoint write: as soon as a temporary folder appears, plus 0..40 ms
                        while (p.isAlive() && !hasTemporary(ck) && System.currentTimeMillis() < deadline) Thread.onSpinWait();
                        int ms = rng.nextInt(41);
                        if (ms > 0) Thread.sleep(ms);
                        moment = "tmp+" + ms + "ms";
                    } else {
                        int ms = rng.nextInt(800);
                        Thread.sleep(ms);
                        moment = "+" + ms + "ms";
                    }
                    assertTrue(p.isAlive(), "child " + kill + " ended before its kill: " + Files.readString(log));
                    moments.add(moment);
                } finally {
                    p.destroyForcibly();   // SIGKILL
                    p.waitFor();
                }
                boolean tmpLeft = hasTemporary(ck);
                if (tmpLeft) insideWrite++;
                if (!Files.isRegularFile(ck.resolve("last/state.json"))) lastMissing++;
                if (tmpLeft || hasAtomicTemporary(run)) leftoversSeen++;
                expectRemoval = tmpLeft || hasAtomicTemporary(run);
                step = loader.check(run);   // the newest complete checkpoint loads; metrics.csv reads
                assertTrue(step > 0);
            }
            // the kills are over: resume here, to two steps past the last checkpoint
            TrainConfig c = Trainer.resumeConfig(TrainConfig.Stage.MASK, run, Map.of("num_steps", Long.toString(step + 2)));
            List<String> messages = new ArrayList<>();
            Trainer.Result r = Trainer.run(c, run, Trainer.Mode.RESUME, new Trainer.Listener() {
                @Override public void message(String line) { messages.add(line); }
            });
            assertEquals(step + 2, r.step(), messages.toString());
            assertEquals(step + 2, loader.check(run));
        }
        List<Long> trainSteps = TrainResumeTest.lossColumn(run).stream().filter(l -> l.contains(" train "))
                .map(l -> Long.parseLong(l.split(" ")[0])).toList();
        for (int i = 0; i < trainSteps.size(); i++) assertEquals(i + 1, trainSteps.get(i), "metrics.csv: one train row per step, in order");
        assertEquals(0, Files.size(run.resolve(RunLock.NAME)), "released");
        try (Stream<Path> s = Files.list(ck)) {
            assertEquals(List.of(), s.map(q -> q.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "no leftovers at the end");
        }
        System.out.printf("%d SIGKILLs survived (%d inside a checkpoint write, %d between its renames with last missing; "
                        + "%d left temporary files, removed by the next start %d times), every checkpoint loaded and every resume "
                        + "continued; %d steps in all; kill moments %s; %.1f s%n",
                KILLS, insideWrite, lastMissing, leftoversSeen, leftoversRemoved, step + 2, moments, (System.nanoTime() - t0) / 1e9);
        assertTrue(insideWrite >= 3, "at least a few kills fell inside a checkpoint write: " + insideWrite);
    }

    /** The settings of the killed run: a checkpoint every step, a top-k checkpoint at every other step. */
    static Map<String, String> settings() {
        Map<String, String> m = TrainResumeTest.settings(100_000);
        m.put("val_every", "2");
        return m;
    }

    /** Writes RUN/config.txt as a run would, so that the loader builds the same networks (then removes it). */
    private Path writeConfigOnly(Path run) throws IOException {
        Path dir = tmp.resolve("config-only");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.txt"), TrainConfig.resolve(TrainConfig.Stage.MASK, null, settings()).resolvedText());
        return dir;
    }

    private static Process child(Path run, boolean first, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                "org.mask3d.cli.Main", "train-mask"));
        if (first) {
            cmd.addAll(List.of("--run", run.toString()));
            for (Map.Entry<String, String> e : settings().entrySet()) cmd.addAll(List.of("--set", e.getKey() + "=" + e.getValue()));
        } else {
            cmd.addAll(List.of("--resume", run.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    /** The step of the newest complete checkpoint, 0 when none (yet). */
    private static long checkpointStep(Path ck) {
        Path last = Trainer.lastCheckpoint(ck);
        if (last == null) return 0;
        try {
            return Long.parseLong(TrainResumeTest.field(Files.readString(last.resolve("state.json")), "step"));
        } catch (IOException | RuntimeException e) {
            return 0;   // renamed away while read
        }
    }

    private static boolean hasTemporary(Path ck) {
        try (Stream<Path> s = Files.list(ck)) {
            return s.anyMatch(q -> q.getFileName().toString().startsWith(".tmp-"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasAtomicTemporary(Path run) throws IOException {
        try (Stream<Path> s = Files.walk(run, 3)) {
            return s.anyMatch(q -> org.mask3d.io.AtomicFiles.isTemporary(q) && Files.isRegularFile(q));
        }
    }

    /** Loads a run's newest complete checkpoint into one set of stage-2 networks and Adam, as a resume does. */
    static final class Loader implements AutoCloseable {
        private final NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu());
        private final MaskTraining stage;
        private final Adam adam;

        Loader(TrainConfig c) {
            stage = new MaskTraining(c, manager);
            adam = new Adam(new ArrayList<>(stage.trainable().getParameters().values()), c.number("weight_decay"));
        }

        /** The loaded checkpoint's step; fails when nothing complete loads, or metrics.csv does not read. */
        long check(Path run) throws IOException {
            Path last = Trainer.lastCheckpoint(run.resolve("checkpoints"));
            assertTrue(last != null, "no complete checkpoint in " + run);
            ModelCheckpoint.load(last, stage.networks());
            adam.load(last.resolve("optimizer.bin"));
            String state = Files.readString(last.resolve("state.json"));
            assertEquals(Long.parseLong(TrainResumeTest.field(state, "adam_step")), adam.step(), last + ": optimiser step");
            long step = Long.parseLong(TrainResumeTest.field(state, "step"));
            MetricsLog.open(run.resolve("metrics.csv"), stage.terms(), step);
            return step;
        }

        @Override public void close() {
            try {
                stage.close();
                adam.close();
            } finally {
                manager.close();
            }
        }
    }
}
