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
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One training per run folder (RunLock), and the leftovers of an interrupted session removed on resume. */
class RunFolderTest {
    @TempDir Path tmp;

    static final String PID = Long.toString(ProcessHandle.current().pid());

    @Test void theLockRefusesASecondHolderNamingTheFirstAndGoesAwayOnClose() throws IOException {
        Path run = tmp.resolve("run");
        try (RunLock lock = RunLock.acquire(run)) {
            assertTrue(Files.readString(lock.file()).contains("pid = " + PID));
            InputException e = assertThrows(InputException.class, () -> RunLock.acquire(run));
            assertTrue(e.getMessage().contains("in use by another training") && e.getMessage().contains("process " + PID)
                    && e.getMessage().contains(run.toString()), e.getMessage());
        }
        assertEquals(0, Files.size(run.resolve(RunLock.NAME)), "released: the file names no holder");
        Files.writeString(run.resolve(RunLock.NAME), "pid = 999999\nhost = gone\n");   // as a SIGKILLed holder leaves it
        try (RunLock again = RunLock.acquire(run)) {
            assertTrue(Files.readString(again.file()).contains("pid = " + PID), "a dead holder's file is taken over");
        }
    }

    /**
     * A second training into a busy folder fails at once with the holder's PID; the first ends intact. The first
     * trains on the test's thread (libtorch's grad mode is per thread: DJL turns it off on the thread that starts the
     * engine only), the second ones are tried from another thread while it runs.
     */
    @Test void aSecondTrainingIntoTheSameFolderIsRefusedAndTheFirstFinishes() throws Exception {
        int n = 6;
        Path run = tmp.resolve("busy");
        List<Long> refusals = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread second = new Thread(() -> {
            try {
                long deadline = System.currentTimeMillis() + 120_000;
                while (!Files.exists(run.resolve("config.txt")) && System.currentTimeMillis() < deadline) Thread.sleep(5);
                for (Trainer.Mode mode : Trainer.Mode.values()) {
                    long t0 = System.nanoTime();
                    InputException e = assertThrows(InputException.class, () -> Trainer.run(mode == Trainer.Mode.RESUME
                            ? Trainer.resumeConfig(TrainConfig.Stage.MASK, run, Map.of()) : TrainResumeTest.config(n), run, mode, null));
                    refusals.add((System.nanoTime() - t0) / 1_000_000);
                    assertTrue(e.getMessage().contains("in use by another training") && e.getMessage().contains("process " + PID)
                            && e.getMessage().contains(run.toString()), mode + ": " + e.getMessage());
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                    assertTrue(Files.exists(run.resolve(RunLock.NAME)), "refused while the first held the folder");
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "second-training");
        second.start();
        Trainer.Result r = Trainer.run(TrainResumeTest.config(n), run, Trainer.Mode.NEW, null);
        boolean refusedWhileRunning = !second.isAlive();
        second.join(60_000);
        if (failure.get() != null) throw new AssertionError("the second trainings", failure.get());
        System.out.println("second trainings (new, overwrite, resume) refused in " + refusals + " ms while the first ran");
        assertEquals(3, refusals.size());
        assertTrue(refusedWhileRunning, "the refusals came while the first training ran");
        assertTrue(refusals.stream().allMatch(ms -> ms < 5_000), "refused at once: " + refusals);
        assertEquals(n, r.step());
        Path last = Trainer.lastCheckpoint(run.resolve("checkpoints"));
        assertEquals(run.resolve("checkpoints/last"), last);
        assertLoads(run, n);
        assertTrue(Files.readString(run.resolve("config.txt")).contains("num_steps = " + n));
        assertEquals(n, TrainResumeTest.lossColumn(run).stream().filter(l -> l.contains(" train ")).count(), "one train row per step");
        assertEquals(0, Files.size(run.resolve(RunLock.NAME)), "the lock is released on a normal end");
        RunLock.acquire(run).close();
        assertTrue(Files.exists(run.resolve("samples/step-00000006.png")));
    }

    /** The checkpoint {@code last} of a stage-2 run loads into fresh networks and its optimiser state into Adam. */
    static void assertLoads(Path run, long step) throws IOException {
        TrainConfig c = Trainer.resumeConfig(TrainConfig.Stage.MASK, run, Map.of());
        Path last = Trainer.lastCheckpoint(Trainer.checkpointsDir(c, run));
        assertTrue(last != null, "no complete checkpoint in " + run);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu()); MaskTraining stage = new MaskTraining(c, m);
             Adam adam = new Adam(new ArrayList<>(stage.trainable().getParameters().values()), c.number("weight_decay"))) {
            ModelCheckpoint.load(last, stage.networks());
            adam.load(last.resolve("optimizer.bin"));
            String state = Files.readString(last.resolve("state.json"));
            assertEquals(Long.parseLong(TrainResumeTest.field(state, "adam_step")), adam.step());
            if (step >= 0) assertEquals(Long.toString(step), TrainResumeTest.field(state, "step"));
        }
    }

    @Test void resumeRemovesTheLeftoversOfAnInterruptedSession() throws IOException {
        Path run = tmp.resolve("left");
        assertEquals(2, Trainer.run(TrainResumeTest.config(2), run, Trainer.Mode.NEW, null).step());
        Path ck = run.resolve("checkpoints");
        // what kills and full disks leave: checkpoint folders being written, a kept previous one, a half-deleted top-k
        // folder, AtomicFiles' temporary files
        Files.createDirectories(ck.resolve(".tmp-last"));
        Files.write(ck.resolve(".tmp-last/mask_net.params"), new byte[100]);
        Files.createDirectories(ck.resolve(".tmp-step-00000002"));
        copy(ck.resolve("last"), ck.resolve(".old-last"));
        Files.createDirectories(ck.resolve("step-00000001"));
        Files.write(ck.resolve("step-00000001/mpi_net.params"), new byte[10]);
        Files.write(run.resolve(".metrics.csv4711.tmp"), new byte[10]);
        Files.write(run.resolve("samples/.step-00000002.png815.tmp"), new byte[10]);
        Files.write(ck.resolve("last/.state.json42.tmp"), new byte[10]);
        List<String> messages = new ArrayList<>();
        Trainer.Result r = Trainer.run(Trainer.resumeConfig(TrainConfig.Stage.MASK, run, Map.of("num_steps", "3")), run,
                Trainer.Mode.RESUME, new Trainer.Listener() {
                    @Override public void message(String line) { messages.add(line); }
                });
        assertEquals(3, r.step());
        String removed = messages.stream().filter(m -> m.startsWith("removed")).findFirst().orElse(null);
        assertTrue(removed != null, messages.toString());
        for (String name : List.of("checkpoints/.tmp-last", "checkpoints/.tmp-step-00000002", "checkpoints/.old-last", "checkpoints/step-00000001",
                ".metrics.csv4711.tmp", "samples/.step-00000002.png815.tmp")) {
            assertTrue(removed.contains(name), name + " not named in: " + removed);
        }
        assertTrue(removed.startsWith("removed 7 leftover(s)"), removed);
        for (String name : List.of(".tmp-last", ".tmp-step-00000002", ".old-last", "step-00000001")) assertFalse(Files.exists(ck.resolve(name)), name);
        try (var s = Files.walk(run)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
        assertLoads(run, 3);
        // nothing left: a clean resume says nothing about leftovers
        messages.clear();
        Trainer.run(Trainer.resumeConfig(TrainConfig.Stage.MASK, run, Map.of("num_steps", "3")), run, Trainer.Mode.RESUME,
                new Trainer.Listener() {
                    @Override public void message(String line) { messages.add(line); }
                });
        assertNull(messages.stream().filter(m -> m.startsWith("removed")).findFirst().orElse(null), messages.toString());
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
    }
}
