package org.mask3d.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.SyntheticRig;
import org.mask3d.io.FfmpegFrames;
import org.mask3d.io.Npy;
import org.mask3d.io.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input end to end, through {@link Main#run} as the launcher calls it: each case exits non-zero with one error line
 * naming the file (or option) and the field, prints no stack trace without {@code --verbose}, creates or changes no
 * file under the test folder, and is refused within a bound (before any training or rendering starts).
 */
class BadInputCliTest {
    @TempDir Path tmp;

    private static final long BOUND_MS = 30_000;

    private Path scene() {
        Path dir = tmp.resolve("scene");
        if (!Files.exists(dir)) new SyntheticRig(new SyntheticRig.Options(32, 18, 1, 3, 0.1, 2, 0)).write(dir, 2, null);
        return dir;
    }

    private Path sceneWithPoses(int row, int col, double value) {
        Path d = scene();
        Path pb = d.resolve("poses_bounds.npy");
        NpyArray a = Npy.read(pb);
        double[] v = a.doubles();
        v[row * 17 + col] = value;
        Npy.write(pb, NpyArray.ofDouble(v, a.dim(0), 17));
        return d;
    }

    /** Every path under the test folder with its size and modification time. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.toList()) {
                m.put(tmp.relativize(p).toString(), Files.isRegularFile(p)
                        ? Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis() : "dir");
            }
        }
        return m;
    }

    /** Runs the command: non-zero exit, one error line with every fragment, no trace, nothing written, fast. */
    private String refused(int code, String[] args, String... fragments) throws IOException {
        Map<String, String> before = snapshot();
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run(args);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(code, r.code(), r.out() + r.err());
        String err = r.err().strip();
        String line = code == 1 ? r.out() : err;
        for (String f : fragments) assertTrue(line.contains(f), "output lacks '" + f + "': " + line);
        if (code == 2) {
            String[] lines = err.lines().filter(l -> l.startsWith("mask3d: error:")).toArray(String[]::new);
            assertEquals(1, lines.length, err);
        }
        assertFalse(r.err().contains("\tat org.") || r.err().contains("Exception:") && !r.err().contains("mask3d: error"), r.err());
        assertFalse(r.err().contains("\tat "), "stack trace without --verbose: " + r.err());
        assertEquals(before, snapshot(), "files created or changed");
        assertTrue(ms < BOUND_MS, "took " + ms + " ms");
        return line;
    }

    private String refused(String[] args, String... fragments) throws IOException { return refused(2, args, fragments); }

    private static String[] a(String... s) { return s; }

    @Test void psvOnNanPoses() throws IOException {
        Path d = sceneWithPoses(1, 5, Double.NaN);
        refused(a("psv", "--scene", d.toString(), "--src", "0,1", "--out", tmp.resolve("psv").toString()),
                d.resolve("poses_bounds.npy").toString(), "row 1", "R[1][0]", "NaN");
    }

    @Test void prepareCheckOnInfiniteFar() throws IOException {
        Path d = sceneWithPoses(2, 16, Double.POSITIVE_INFINITY);
        refused(1, a("prepare", "check", d.toString()), "row 2", "far", "Infinity");
    }

    @Test void prepareCheckOnDegenerateRotation() throws IOException {
        Path d = sceneWithPoses(0, 0, 5.0);
        refused(1, a("prepare", "check", d.toString()), "row 0", "not orthonormal");
    }

    @Test void renderOnNearBeyondFar() throws IOException {
        Path d = sceneWithPoses(1, 15, 1e6);
        refused(a("render", "--scene", d.toString(), "--ckpt", tmp.resolve("none.ckpt").toString(), "--out", tmp.resolve("video").toString(),
                "--indices", "0,1", "--size", "32x18"), "row 1", "near < far");
    }

    @Test void trainMaskOnNanPoses() throws IOException {
        Path d = sceneWithPoses(1, 14, Double.NaN);
        refused(a("train-mask", "--config", "../configs/train_mask_demo.txt", "--set", "root_dir=" + d, "--set", "log_dir=" + tmp.resolve("runs")),
                "row 1", "f (column 14)");
    }

    @Test void renderAt1920x1080IsRefusedWithItsEstimate() throws IOException {
        Assumptions.assumeTrue(org.mask3d.model.Footprint.inference("r", 1920, 1080, 32).totalBytes()
                > Math.min(org.mask3d.io.MemoryLimit.physical(), Long.MAX_VALUE), "this machine may render 1920x1080");
        refused(a("render", "--scene", scene().toString(), "--ckpt", tmp.resolve("none.ckpt").toString(), "--out", tmp.resolve("video").toString(),
                "--indices", "0,1", "--size", "1920x1080"), "render at 1920x1080", "needs about", "GB", "max heap", "physical memory", "--size");
    }

    @Test void renderAtAnAbsurdSize() throws IOException {
        refused(a("render", "--scene", scene().toString(), "--ckpt", tmp.resolve("none.ckpt").toString(), "--out", tmp.resolve("video").toString(),
                "--size", "100000x100000"), "render at 100000x100000", "needs about");
    }

    @Test void synthAtAnAbsurdSize() throws IOException {
        refused(a("synth", "--out", tmp.resolve("synth").toString(), "--width", "100000", "--height", "100000"),
                "synth at 100000x100000", "needs about");
    }

    @Test void demoAtAnAbsurdSize() throws IOException {
        refused(a("demo", "--out", tmp.resolve("demo").toString(), "--width", "100000", "--height", "100000", "--no-train"),
                "demo at 100000x100000", "needs about");
    }

    @Test void trainMaskAtAnAbsurdSizeMakesNoRunFolder() throws IOException {
        refused(a("train-mask", "--config", "../configs/train_mask_demo.txt", "--set", "img_hw=[100000,100000]",
                "--set", "log_dir=" + tmp.resolve("runs")), "train-mask at 100000x100000", "img_hw");
    }

    @Test void trainMpiWithAbsurdPlanes() throws IOException {
        refused(a("train-mpi", "--config", "../configs/train_mpi_demo.txt", "--set", "planes=800000",
                "--set", "log_dir=" + tmp.resolve("runs")), "800000 planes", "needs about");
    }

    @Test void trainMaskWithNegativeSteps() throws IOException {
        refused(a("train-mask", "--config", "../configs/train_mask_demo.txt", "--set", "num_steps=-5",
                "--set", "log_dir=" + tmp.resolve("runs")), "num_steps must be 0 or more");
    }

    @Test void evaluateAtAnAbsurdSize() throws IOException {
        refused(a("evaluate", "--config", "../configs/evaluate_synthetic.txt", "--set", "img_wh=[100000,100000]",
                "--out", tmp.resolve("eval").toString()), "evaluate at 100000x100000", "needs about");
    }

    @Test void packIntoItsOwnInput() throws IOException {
        Path d = scene();
        refused(a("prepare", "pack", d.toString(), "--out", d.toString()), "--out", "is the input folder");
        refused(a("prepare", "pack", d.toString(), "--out", d.resolve("packed").toString()), "inside the input folder");
    }

    @Test void psvOnATruncatedFrame() throws IOException {
        Path d = scene();
        Path f = d.resolve("frames/cam00/00000.png");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        refused(a("psv", "--scene", d.toString(), "--src", "0,1", "--out", tmp.resolve("psv").toString()), f.toString(), "truncated");
    }

    @Test void prepareCheckOnAPngBomb() throws IOException {
        Path d = scene();
        Path f = d.resolve("frames/cam01/00001.png");
        byte[] b = Files.readAllBytes(f);
        java.nio.ByteBuffer.wrap(b).putInt(16, 48000).putInt(20, 32000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 12, 17);
        java.nio.ByteBuffer.wrap(b).putInt(29, (int) crc.getValue());
        Files.write(f, b);
        refused(1, a("prepare", "check", d.toString()), f.toString(), "48000x32000");
    }

    @Test void configThatIsAFolder() throws IOException {
        Path c = Files.createDirectories(tmp.resolve("cfg.txt"));
        refused(a("train-mask", "--config", c.toString()), c.toString(), "folder");
    }

    @Test void brokenMp4ForPrepareVideo() throws IOException {
        Assumptions.assumeTrue(FfmpegFrames.available(), "ffmpeg is not installed");
        Path videos = Files.createDirectories(tmp.resolve("videos"));
        byte[] junk = new byte[4096];
        new java.util.Random(3).nextBytes(junk);
        System.arraycopy(new byte[]{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2'}, 0, junk, 0, 12);
        Files.write(videos.resolve("cam00.mp4"), junk);
        Files.write(videos.resolve("cam01.mp4"), junk);
        Path out = tmp.resolve("scene-from-video");
        Map<String, String> before = snapshot();
        CliTest.Run r = CliTest.run("prepare", "video", "--videos", videos.toString(), "--out", out.toString());
        assertNotEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cam00.mp4"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        Map<String, String> after = snapshot();
        after.keySet().removeIf(k -> k.startsWith("scene-from-video") && !k.contains("cam"));
        before.keySet().forEach(k -> assertEquals(before.get(k), after.get(k), k));
        assertFalse(Files.exists(out.resolve("poses_bounds.npy")));
    }
}
