package org.mask3d.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.ColmapPoses;
import org.mask3d.data.OwnRigFrames;
import org.mask3d.io.FfmpegFrames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's own-data recipe end to end, every step through {@link Main#run} as a user types it: a 6-camera
 * 320x240 rig (static textured scene, a moving ball) rendered to one lossless MP4 per camera, then prepare video →
 * poses (COLMAP, --focal) → prepare background → prepare check → prepare pack → train-mpi → train-mask → render →
 * evaluate with configs/own_scene_*.txt at tiny sizes and step counts. Each step's exit code and output are
 * asserted, and the refusals met on the way (a median of too few frames, an existing output without --overwrite);
 * the step times are printed. Skipped, with the reason, without Debian's ffmpeg or colmap.
 */
class OwnDataRecipeTest {
    @TempDir Path tmp;

    private final List<String> times = new ArrayList<>();

    private CliTest.Run step(String name, int expected, String... args) {
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run(args);
        times.add(String.format(Locale.ROOT, "%-22s %6.1f s", name, (System.nanoTime() - t0) / 1e9));
        assertEquals(expected, r.code(), name + ": " + String.join(" ", args) + "\n" + r.out() + r.err());
        return r;
    }

    @Test void videosToAModelAVideoAndAnEvaluation() throws Exception {
        Assumptions.assumeTrue(FfmpegFrames.available(), "ffmpeg not installed (apt-get install ffmpeg): own-data recipe skipped");
        Assumptions.assumeTrue(ColmapPoses.available(), "colmap not installed (apt-get install colmap): own-data recipe skipped");
        int cams = 6, frames = 12;
        long t0 = System.nanoTime();
        double focal = OwnRigFrames.write(tmp.resolve("render"), 320, 240, cams, frames);
        Path videos = Files.createDirectories(tmp.resolve("videos"));
        for (int c = 0; c < cams; c++) {
            Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-framerate", "30", "-i",
                    tmp.resolve(String.format("render/cam%02d/%%05d.png", c)).toString(), "-c:v", "libx264", "-qp", "0",
                    "-pix_fmt", "yuv444p", videos.resolve(String.format("camera_%d.mp4", c)).toString()).inheritIO().start();
            assertEquals(0, p.waitFor());
        }
        times.add(String.format(Locale.ROOT, "%-22s %6.1f s", "rig to 6 MP4s", (System.nanoTime() - t0) / 1e9));
        Path scene = tmp.resolve("myrig"), pack = tmp.resolve("myrig-pack"), runs = tmp.resolve("runs");

        CliTest.Run r = step("prepare video", 0, "prepare", "video", "--videos", videos.toString(), "--out", scene.toString(), "--skip", "1");
        assertTrue(r.out().contains("cam05 <- camera_5.mp4: 12 frames"), r.out());
        r = step("prepare video again", 2, "prepare", "video", "--videos", videos.toString(), "--out", scene.toString(), "--skip", "2");
        assertTrue(r.err().contains("already exists") && r.err().contains("--overwrite"), r.err());

        r = step("poses", 0, "poses", scene.toString(), "--focal", Double.toString(focal), "--threads", "2");
        assertTrue(r.out().contains("registered 6 of 6 cameras"), r.out());
        String attempts = r.out().lines().filter(l -> l.contains("attempt")).reduce((a, b) -> a + "; " + b).orElse("");
        assertTrue(attempts.contains("attempt 1 of 3"), r.out());
        assertTrue(r.out().contains("(6 cameras, 320x240)"), r.out());
        r = step("poses again", 2, "poses", scene.toString(), "--focal", Double.toString(focal));
        assertTrue(r.err().contains("poses_bounds.npy already exists"), r.err());

        r = step("background stride 25", 2, "prepare", "background", scene.toString());
        assertTrue(r.err().contains("only 1 frame(s), fewer than --min-frames 5") && r.err().contains("use --stride 2"), r.err());
        assertFalse(Files.exists(scene.resolve("background")), "nothing written");
        r = step("prepare background", 0, "prepare", "background", scene.toString(), "--stride", "2");
        assertTrue(r.out().contains("from 6 of 12 frames"), r.out());

        r = step("prepare check", 0, "prepare", "check", scene.toString());
        assertTrue(r.out().contains("1 of 1 item(s) ok"), r.out());
        r = step("prepare pack", 0, "prepare", "pack", scene.toString(), "--out", pack.toString());
        assertTrue(r.out().contains("packed 6 cameras x 12 frames (320x240)"), r.out());

        String[] common = {"--set", "log_dir=" + runs, "--set", "planes=8", "--set", "num_steps=2", "--set", "val_every=2",
                "--set", "log_every=1"};
        r = step("train-mpi", 0, concat(new String[]{"train-mpi", "--config", "../configs/own_scene_mpi.txt",
                "--set", "root_dir=" + scene, "--set", "img_hw=[48, 64]", "--set", "crop=32"}, common));
        Path mpi = runs.resolve("myrig-mpi");
        assertTrue(Files.isDirectory(mpi.resolve("checkpoints/last")), r.out() + r.err());
        String resolved = Files.readString(mpi.resolve("config.txt"));
        assertTrue(resolved.contains("img_wh = [64, 48]") && resolved.contains("stage1_depths = auto"), resolved);
        String info = Files.readString(mpi.resolve("run.json"));
        assertTrue(info.contains("\"depths\": \"inverse-linear ") && !info.contains("inverse-linear 1.000..100.0"),
                "stage 1 sweeps the scene's bounds, not the released 1..100: " + info);

        r = step("train-mask", 0, concat(new String[]{"train-mask", "--config", "../configs/own_scene_mask.txt",
                "--set", "root_dir=" + pack, "--set", "mpi_model=" + mpi.resolve("checkpoints/last"), "--set", "img_wh=[64, 48]"}, common));
        Path mask = runs.resolve("myrig-mask");
        assertTrue(Files.isDirectory(mask.resolve("checkpoints/last")), r.out() + r.err());

        Path video = tmp.resolve("video");
        r = step("render", 0, "render", "--scene", pack.toString(), "--ckpt", mask.resolve("checkpoints/last").toString(),
                "--out", video.toString(), "--size", "64x48", "--indices", "2,3", "--max-views", "3", "--device", "cpu");
        try (var l = Files.list(video)) {
            assertTrue(l.findAny().isPresent(), "render wrote nothing: " + r.out());
        }

        r = step("evaluate", 0, "evaluate", "--config", "../configs/own_scene_evaluate.txt", "--set", "data=" + pack,
                "--set", "model=" + mask.resolve("checkpoints/last"), "--set", "img_wh=[64, 48]", "--set", "planes=8",
                "--set", "frames=[0, 4]", "--set", "device=cpu", "--out", tmp.resolve("evaluate").toString());
        assertTrue(r.out().contains("mean over targets") && r.out().contains("mask3d"), r.out());
        r = step("evaluate missing data", 2, "evaluate", "--config", "../configs/own_scene_evaluate.txt",
                "--set", "data=/nonexistent", "--out", tmp.resolve("evaluate2").toString());
        assertTrue(r.err().contains("scene not found: data = '/nonexistent'"), r.err());

        System.out.println("own-data recipe, 6 cameras x 12 frames at 320x240, training at 64x48 with 8 planes, "
                + Runtime.getRuntime().availableProcessors() + " cores:\n  " + String.join("\n  ", times) + "\n  COLMAP: " + attempts);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
