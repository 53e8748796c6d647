package org.mask3d.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a unit test: a stress harness for the determinism of training (issue 13). It trains stage 1 and then stage 2 (on
 * stage 1's checkpoint, so {@code loadParameters} is on the path) at tiny sizes, {@code runs} times in one JVM, while a
 * daemon thread allocates and calls {@link System#gc()} every few milliseconds (so direct buffers whose Java owner is
 * gone are freed at once), and compares each run's losses (metrics.csv without the wall time) and checkpoint bytes with
 * the first run's. Run it with the test class path, e.g.
 * <pre>
 *   java -XX:+UseSerialGC -Xmx256m -cp lib/target/classes:lib/target/test-classes:lib/target/deps/* \
 *        org.mask3d.train.TrainingStress 10 /tmp/stress
 * </pre>
 * Prints one line per run ({@code identical} or what differs first) and a summary line; exit status 1 when any run
 * differs.
 */
public final class TrainingStress {
    private TrainingStress() {}

    static Map<String, String> stage1(int steps) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("root_dir", "synthetic");
        m.put("img_wh", "[24, 16]");
        m.put("crop", "16");
        m.put("planes", "8");
        m.put("synthetic_frames", "1");
        m.put("loss_type", "l1");
        m.put("num_steps", Integer.toString(steps));
        m.put("val_every", "2");
        m.put("log_every", "1");
        m.put("keep_top_k", "1");
        return m;
    }

    static Map<String, String> stage2(int steps, Path mpiModel) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("root_dir", "synthetic");
        m.put("img_hw", "[16, 24]");
        m.put("planes", "8");
        m.put("synthetic_frames", "3");
        m.put("loss_type", "l1");
        m.put("num_steps", Integer.toString(steps));
        m.put("val_every", "2");
        m.put("log_every", "1");
        m.put("keep_top_k", "1");
        m.put("mpi_model", mpiModel.toString());
        m.put("vgg_weights", "");
        return m;
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path out = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("mask3d-stress");
        int steps1 = Integer.getInteger("stress.steps1", 4), steps2 = Integer.getInteger("stress.steps2", 4);
        long gcMillis = Long.getLong("stress.gcMillis", 5);
        Files.createDirectories(out);
        Thread gc = new Thread(() -> {
            List<byte[]> junk = new ArrayList<>();
            while (true) {
                for (int i = 0; i < 8; i++) junk.add(new byte[64 * 1024]);
                if (junk.size() > 64) junk.clear();
                System.gc();
                try {
                    Thread.sleep(gcMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pressure");
        gc.setDaemon(true);
        if (gcMillis > 0) gc.start();
        Path first = null;
        int differ = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            Path dir = out.resolve(String.format("run-%03d", i));
            Path mpi = dir.resolve("mpi"), mask = dir.resolve("mask");
            Trainer.run(TrainConfig.resolve(TrainConfig.Stage.MPI, null, stage1(steps1)), mpi, Trainer.Mode.NEW, null);
            Trainer.run(TrainConfig.resolve(TrainConfig.Stage.MASK, null, stage2(steps2, mpi.resolve("checkpoints/last"))),
                    mask, Trainer.Mode.NEW, null);
            if (first == null) {
                first = dir;
                System.out.println("run " + i + ": reference");
                continue;
            }
            String d = difference(first, dir);
            if (d != null) differ++;
            System.out.println("run " + i + ": " + (d == null ? "identical" : "DIFFERS: " + d));
        }
        System.out.printf("summary: %d runs, %d differ from the first (steps %d + %d, gc every %d ms, %.1f s)%n", runs, differ,
                steps1, steps2, gcMillis, (System.nanoTime() - t0) / 1e9);
        System.exit(differ == 0 ? 0 : 1);
    }

    /** Null when both runs' metrics (without wall time) and last checkpoints are identical, else what differs first. */
    static String difference(Path a, Path b) throws IOException {
        for (String stage : List.of("mpi", "mask")) {
            List<String> la = metrics(a.resolve(stage)), lb = metrics(b.resolve(stage));
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                if (!la.get(i).equals(lb.get(i))) return stage + " metrics line " + (i + 1) + ": '" + la.get(i) + "' vs '" + lb.get(i) + "'";
            }
            if (la.size() != lb.size()) return stage + " metrics: " + la.size() + " vs " + lb.size() + " lines";
            Path ca = a.resolve(stage).resolve("checkpoints/last"), cb = b.resolve(stage).resolve("checkpoints/last");
            for (String f : List.of("mpi_net.params", "mask_net.params", "optimizer.bin")) {
                if (!Files.exists(ca.resolve(f))) continue;
                if (!Arrays.equals(Files.readAllBytes(ca.resolve(f)), Files.readAllBytes(cb.resolve(f)))) return stage + " " + f + " differs";
            }
        }
        return null;
    }

    static List<String> metrics(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
            String[] p = line.split(",", -1);
            StringBuilder sb = new StringBuilder(p[0]);
            for (int i = 2; i < p.length; i++) sb.append(',').append(p[i]);
            out.add(sb.toString());
        }
        return out;
    }
}
