package org.mask3d.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Images;
import org.mask3d.io.Npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A nearly full file system: training, {@code synth} and {@code render} into a small tmpfs (mounted here when running
 * as root; else each command runs in a child JVM under {@code ulimit -f}, a file size limit, which fails a write with
 * EFBIG as a full disk fails it with ENOSPC). Each must end with exit 2 and one line naming the path and saying "no space
 * left", leave no half-written file under a final name (every file left decodes; no temporary file is left), keep the
 * previous checkpoint (it resumes once there is space again), and leave a synthetic scene that {@code prepare check}
 * calls partial. {@code -Dmask3d.diskFull=ulimit} forces the fallback.
 */
class DiskFullTest {
    @TempDir Path tmp;

    static final long MB = 1 << 20;

    @Test void trainingSynthAndRenderReportAFullDiskAndLeaveNothingHalfWritten() throws Exception {
        long t0 = System.nanoTime();
        Path mnt = tmp.resolve("small-disk");
        Files.createDirectories(mnt);
        boolean tmpfs = !"ulimit".equals(System.getProperty("mask3d.diskFull")) && mount(mnt);
        if (!tmpfs) {
            Assumptions.assumeTrue(exec("bash", "-c", "ulimit -f 100 && true") == 0, "neither a tmpfs mount (needs root) nor ulimit -f works here");
        }
        List<String> report = new ArrayList<>();
        try {
            // ---- training: two steps fit; the third step's checkpoint does not
            Path run = mnt.resolve("run");
            List<String> train = new ArrayList<>(List.of("train-mask", "--run", run.toString()));
            for (Map.Entry<String, String> e : settings().entrySet()) train.addAll(List.of("--set", e.getKey() + "=" + e.getValue()));
            CliTest.Run ok = CliTest.run(train.toArray(String[]::new));
            assertEquals(0, ok.code(), ok.out() + ok.err());
            String[] resume = {"train-mask", "--resume", run.toString(), "--steps", "4"};
            CliTest.Run full = tmpfs ? withFree(mnt, MB, () -> CliTest.run(resume)) : underLimit(1024, resume);
            String line = assertNoSpace(full, run, "training");
            assertTrue(line.contains("checkpoint") && line.contains("the previous checkpoint " + run.resolve("checkpoints/last") + " is intact"), line);
            assertNothingHalfWritten(run);
            try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
                assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList(), "temporary checkpoint removed");
            }
            assertTrue(Files.readString(run.resolve("checkpoints/last/state.json")).contains("\"step\": 2"), "the step-2 checkpoint stays");
            CliTest.Run again = CliTest.run("train-mask", "--resume", run.toString(), "--steps", "3");   // space again
            assertEquals(0, again.code(), again.out() + again.err());
            assertTrue(again.out().contains("resuming " + run + " from step 2") && again.out().contains("step 3 of 3"), again.out());
            report.add("training: " + line);

            // ---- synth: a partial scene, recognisable
            Path synth = mnt.resolve("synth");
            String[] synthArgs = {"synth", "--out", synth.toString(), "--width", "160", "--height", "90", "--rows", "1", "--cols", "3",
                    "--frames", "6", "--threads", "2"};
            CliTest.Run s = tmpfs ? withFree(mnt, 300 << 10, () -> CliTest.run(synthArgs)) : underLimit(40, synthArgs);
            line = assertNoSpace(s, synth, "synth");
            assertFalse(Files.exists(synth.resolve("poses_bounds.npy")), "poses_bounds.npy comes last");
            assertNothingHalfWritten(synth);
            CliTest.Run check = CliTest.run("prepare", "check", synth.toString());
            assertEquals(1, check.code(), check.out());
            assertTrue(check.out().contains("partial synthetic scene"), check.out());
            report.add("synth: " + line);

            // ---- render: frames into a nearly full disk
            Path scene = tmp.resolve("scene");
            assertEquals(0, CliTest.run("synth", "--out", scene.toString(), "--width", "48", "--height", "32", "--rows", "1", "--cols", "3",
                    "--frames", "2").code());
            Path ckpt = tmp.resolve("random.pth");
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                org.mask3d.model.Networks.exportStateDict(ckpt, Map.of(
                        "models.mpi_net.", org.mask3d.workflow.NovelViewVideo.newMpiNet(m),
                        "models.mask_net.", org.mask3d.workflow.NovelViewVideo.newMaskNet(m)));
            }
            Path video = mnt.resolve("video");
            String[] renderArgs = {"render", "--scene", scene.toString(), "--ckpt", ckpt.toString(), "--out", video.toString(),
                    "--size", "320x180", "--indices", "0,1", "--max-views", "12"};
            CliTest.Run r = tmpfs ? withFree(mnt, 200 << 10, () -> CliTest.run(renderArgs)) : underLimit(20, renderArgs);
            line = assertNoSpace(r, video, "render");
            assertNothingHalfWritten(video);
            assertFalse(Files.exists(video.resolve("render.txt")), "a failed render is not recorded as done");
            report.add("render: " + line);
        } finally {
            if (tmpfs) umount(mnt);
        }
        System.out.printf("full disk (%s): %d cases, each one line naming the path, nothing half-written, %.1f s%n  %s%n",
                tmpfs ? "tmpfs" : "ulimit -f", report.size(), (System.nanoTime() - t0) / 1e9, String.join("\n  ", report));
    }

    static Map<String, String> settings() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("root_dir", "synthetic");
        m.put("img_hw", "[16, 24]");
        m.put("planes", "8");
        m.put("synthetic_frames", "3");
        m.put("loss_type", "l1");
        m.put("num_steps", "2");
        m.put("val_every", "3");
        m.put("ckpt_every", "1");
        m.put("log_every", "1");
        m.put("keep_top_k", "1");
        m.put("mpi_model", "");
        m.put("vgg_weights", "");
        return m;
    }

    /** Exit 2 and one error line that names a path under {@code under} and says "no space left"; no stack trace. */
    static String assertNoSpace(CliTest.Run r, Path under, String what) {
        assertEquals(2, r.code(), what + ": " + r.out() + r.err());
        List<String> lines = r.err().lines().filter(l -> l.contains("mask3d: error:")).toList();
        assertEquals(1, lines.size(), what + ": " + r.err());
        String line = lines.get(0).substring(lines.get(0).indexOf("mask3d: error:"));
        assertTrue(line.contains("no space left") && line.contains(under.toString()), what + ": " + line);
        assertFalse(r.err().contains("\tat org.") || r.err().contains("Exception:"), what + ": no stack trace: " + r.err());
        return line;
    }

    /** Every file left decodes; no temporary file of AtomicFiles, no partial MP4. */
    static void assertNothingHalfWritten(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String n = f.getFileName().toString();
            assertFalse(AtomicFiles.isTemporary(f) || n.contains(".partial"), "temporary file left: " + f);
            if (n.endsWith(".png")) Images.readChw(f);
            else if (n.endsWith(".npy")) Npy.read(f);
            else if (n.endsWith(".json")) com.google.gson.JsonParser.parseString(Files.readString(f));
            else if (n.endsWith(".csv") || n.endsWith(".txt")) assertTrue(Files.readString(f).endsWith("\n"), "torn text file " + f);
        }
    }

    /** Runs {@code body} with all but {@code keep} bytes of the file system taken by a filler file (removed after). */
    static <T> T withFree(Path mnt, long keep, java.util.concurrent.Callable<T> body) throws Exception {
        Path filler = mnt.resolve("filler.bin");
        long fill = Files.getFileStore(mnt).getUsableSpace() - keep;
        try {
            if (fill > 0) {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
                try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    for (long done = 0; done < fill; ) {
                        chunk.clear().limit((int) Math.min(chunk.capacity(), fill - done));
                        done += ch.write(chunk);
                    }
                }
            }
            return body.call();
        } finally {
            Files.deleteIfExists(filler);
        }
    }

    /** The command in a child JVM whose files may not exceed {@code kb} KiB ({@code ulimit -f}). */
    static CliTest.Run underLimit(long kb, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder("ulimit -f " + kb + "; exec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Dai.djl.offline=true -Djava.awt.headless=true -cp '" + System.getProperty("java.class.path") + "' org.mask3d.cli.Main");
        for (String a : args) cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd.toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Path out = Files.createTempFile("mask3d-ulimit", ".out"), err = Files.createTempFile("mask3d-ulimit", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int code = p.waitFor();
            return new CliTest.Run(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean mount(Path dir) {
        if (!"root".equals(System.getProperty("user.name"))) return false;
        return exec("mount", "-t", "tmpfs", "-o", "size=48m", "mask3d-diskfull", dir.toString()) == 0;
    }

    private static void umount(Path dir) {
        if (exec("umount", dir.toString()) != 0) exec("umount", "-l", dir.toString());
    }

    private static int exec(String... cmd) {
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
