package org.mask3d.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.eval.ParityCaseTest;
import org.mask3d.geometry.Llff;
import org.mask3d.io.Npy;
import org.mask3d.io.NpyArray;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** End-to-end tests of each command, through the same entry point as the launcher. */
class CliTest {
    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream o = System.out, e = System.err;
        ByteArrayOutputStream bo = new ByteArrayOutputStream(), be = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bo, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(be, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, bo.toString(StandardCharsets.UTF_8), be.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test void helpListsRealCommandsAndEachHasExamples() {
        Run r = run("--help");
        assertEquals(0, r.code());
        for (String c : new String[]{"demo", "psv", "parity", "bench"}) {
            assertTrue(r.out().contains(c), "help lists " + c);
            Run h = run(c, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().contains("Examples:"), c + " --help has examples");
        }
    }

    @Test void unknownOptionIsOneLineAndExit2() {
        Run r = run("demo", "--widht", "10");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown options: '--widht'"), r.err());
        assertTrue(r.err().contains("Did you mean: --width"), r.err());
        assertFalse(r.err().contains("at org."), "no stack trace");
    }

    @Test void demoWritesItsOutputsAndListsThem() throws Exception {
        Path out = tmp.resolve("demo");
        Run r = run("demo", "--out", out.toString(), "--width", "48", "--height", "32", "--cameras", "3", "--frames", "4",
                "--stage1-steps", "2", "--stage2-steps", "2");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[]{"novel_views.gif", "psnr_along_path.png", "psnr_along_path.csv", "mpi_planes.png",
                "cameras_top_view.png", "render_vs_truth.png", "scene/poses_bounds.npy", "scene/frames/cam02/00000.png",
                "scene/background/cam00.png", "rig/poses_bounds.npy", "rig/frames/cam09/00003.png",
                "rig/foreground/cam00/00000.png", "rig_overview.png", "held_out_psnr.csv", "training_curves.png",
                "learned_novel_views.gif", "train-mpi/metrics.csv", "train-mask/checkpoints/last/checkpoint.json"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
            assertTrue(r.out().contains(out.resolve(f.split("/")[0]).toString()), "listed: " + f);
        }
        assertEquals(271, Files.readAllLines(out.resolve("psnr_along_path.csv")).size());
        assertTrue(r.out().contains("mean"), r.out());
        assertTrue(r.out().contains("held-out PSNR") && r.out().contains("nearest source copied"), r.out());
    }

    @Test void psvOnTheDemoSceneAndItsBadInputs() throws Exception {
        Path out = tmp.resolve("demo");
        assertEquals(0, run("demo", "--out", out.toString(), "--width", "40", "--height", "24", "--frames", "2", "--no-train").code());
        Path scene = out.resolve("scene");
        Run ok = run("psv", "--scene", scene.toString(), "--src", "1,2", "--out", tmp.resolve("psv").toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.exists(tmp.resolve("psv/psv_frame00000_ref00.png")));
        assertEquals(0, run("psv", "--scene", scene.toString(), "--background", "--out", tmp.resolve("psv").toString()).code());

        // a camera folder too many
        Files.createDirectories(scene.resolve("frames/cam04"));
        Run bad = run("psv", "--scene", scene.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("poses_bounds.npy has 4 cameras but 5 camera folders"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), "one line: " + bad.err());
        Files.delete(scene.resolve("frames/cam04"));

        // poses_bounds of the wrong shape, then the wrong dtype
        Path pb = scene.resolve("poses_bounds.npy");
        var rows = Llff.read(pb);
        Npy.write(pb, NpyArray.ofDouble(new double[4 * 15], 4, 15));
        Run shape = run("psv", "--scene", scene.toString());
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains("poses_bounds.npy") && shape.err().contains("[N,17]"), shape.err());
        Files.write(pb, NpyTestBytes.int64Npy(4, 17));
        Run dtype = run("psv", "--scene", scene.toString());
        assertTrue(dtype.err().contains("<i8") && dtype.err().contains("float32 or float64"), dtype.err());
        Llff.write(pb, rows);

        // a corrupt image
        Files.write(scene.resolve("frames/cam01/00000.png"), new byte[]{1, 2, 3});
        Run img = run("psv", "--scene", scene.toString());
        assertEquals(2, img.code());
        assertTrue(img.err().contains("cam01/00000.png"), img.err());

        // a missing folder, then --verbose shows the stack trace
        Run missing = run("psv", "--scene", tmp.resolve("nope").toString());
        assertTrue(missing.err().contains("scene not found"), missing.err());
        Run verbose = run("psv", "--scene", tmp.resolve("nope").toString(), "--verbose");
        assertTrue(verbose.err().contains("at org.mask3d"), verbose.err());
    }

    @Test void parityOnTheSharedFixtures() {
        Path a = ParityCaseTest.fixture("shared-a.npz");
        org.junit.jupiter.api.Assumptions.assumeTrue(a != null, "shared fixtures absent: skipped");
        Run r = run("parity", "--case", a.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("psv") && r.out().contains("fg_acc_alpha") && r.out().contains("all arrays within tolerance"));
        assertTrue(r.out().contains("values > 1e-5"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.equals("  " + org.mask3d.eval.ParityTolerances.defaults().describe())),
                "the tolerances' source is printed:\n" + r.out());
        Run loose = run("parity", "--case", a.toString(), "--tol", "1e-4");
        assertEquals(0, loose.code(), loose.out() + loose.err());
        assertTrue(loose.out().contains("overridden by --tol 1e-4") && loose.out().contains("1.0e-04"), loose.out());
        Run withCkpt = run("parity", "--case", a.toString(), "--ckpt", ParityCaseTest.fixture("shared-a.ckpt").toString());
        assertEquals(0, withCkpt.code(), withCkpt.out() + withCkpt.err());
        assertTrue(withCkpt.out().contains("mpinet_out") && withCkpt.out().contains("mask "), withCkpt.out());
        Run wrongCkpt = run("parity", "--case", a.toString(), "--ckpt", a.toString());
        assertEquals(2, wrongCkpt.code());
        Run strict = run("parity", "--case", a.toString(), "--psv-tol", "1e-9");
        assertEquals(1, strict.code(), "a tolerance that cannot hold fails");
        Run missing = run("parity", "--case", tmp.resolve("x.npz").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("file not found"), missing.err());
    }

    @Test void prepareCheckListsEveryBadRealEstateFile() throws Exception {
        Path txt = Files.createDirectories(tmp.resolve("re10k"));
        Files.writeString(txt.resolve("a.txt"), "not a url\n");
        Files.writeString(txt.resolve("b.txt"), "https://www.youtube.com/watch?v=abc\n1 2 3\n");
        Run r = run("prepare", "check", txt.toString(), "--frames", Files.createDirectories(tmp.resolve("frames")).toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("a.txt line 1") && r.out().contains("b.txt line 2") && r.out().contains("2 problem(s)"), r.out());
    }

    @Test void renderAVideoFromAnExportedCheckpointAndItsBadInputs() throws Exception {
        Path rig = tmp.resolve("rig");
        assertEquals(0, run("synth", "--out", rig.toString(), "--width", "48", "--height", "32", "--rows", "1", "--cols", "3",
                "--frames", "2").code());
        Path ckpt = tmp.resolve("random.pth");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.mask3d.model.Networks.exportStateDict(ckpt, java.util.Map.of(
                    "models.mpi_net.", org.mask3d.workflow.NovelViewVideo.newMpiNet(m),
                    "models.mask_net.", org.mask3d.workflow.NovelViewVideo.newMaskNet(m)));
        }
        Path cfg = tmp.resolve("render.txt");
        Path out = tmp.resolve("video");
        Files.writeString(cfg, "root_dir = " + rig + "\nckpt_path = " + ckpt + "\nout_dir = " + out
                + "\nimg_wh = [48, 32]\nindices = [0, 1]\nmax_views = 5\n");
        Run r = run("render", "--config", cfg.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        try (var f = Files.list(out.resolve("frames"))) {
            assertEquals(5, f.count());
        }
        assertTrue(Files.exists(out.resolve("video.mp4")) || Files.exists(out.resolve("video.gif")));
        assertTrue(Files.readString(out.resolve("render.txt")).contains("indices = [0, 1]"));
        Run again = run("render", "--config", cfg.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--overwrite"), again.err());
        assertEquals(0, run("render", "--config", cfg.toString(), "--overwrite", "--mode", "background", "--max-views", "2").code());
        Files.writeString(cfg, "root_dir = " + rig + "\nckpt_pth = x\n");
        assertTrue(run("render", "--config", cfg.toString()).err().contains("did you mean 'ckpt_path'"));
        Run noCkpt = run("render", "--scene", rig.toString(), "--ckpt", tmp.resolve("none.ckpt").toString(), "--out", tmp.resolve("v2").toString());
        assertTrue(noCkpt.err().contains("checkpoint not found"), noCkpt.err());
        Run badSrc = run("render", "--scene", rig.toString(), "--ckpt", ckpt.toString(), "--out", tmp.resolve("v3").toString(), "--indices", "0,7");
        assertTrue(badSrc.err().contains("source camera 7 out of range"), badSrc.err());
    }

    @Test void benchDataRunsSmall() {
        Run r = run("bench", "data", "--width", "64", "--height", "36", "--iters", "3");
        assertEquals(0, r.code(), r.err());
        for (String w : new String[]{"synth:", "frame read, packed", "stage-2 sample", "stage-1 train batch of 4"}) {
            assertTrue(r.out().contains(w), w + " in " + r.out());
        }
    }

    @Test void benchModelRunsSmall() {
        Run r = run("bench", "model", "--sizes", "16x16", "--iters", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stage 1") && r.out().contains("stage 2") && r.out().contains("16x16"), r.out());
    }

    @Test void benchRunsSmall() {
        Run r = run("bench", "render", "--width", "64", "--height", "48", "--planes", "8", "--iters", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("java-1t") && r.out().contains("djl-ops") && r.out().contains("bit-identical across thread counts: yes"), r.out());
    }

    @Test void demoReadsAConfigAndRejectsTypos() throws Exception {
        Path cfg = tmp.resolve("demo.txt");
        Path out = tmp.resolve("from-config");
        Files.writeString(cfg, "out_dir = " + out + "\nimg_wh = [40, 24]\nnum_cams = 2\nnum_frames = 2\n");
        Run r = run("demo", "--config", cfg.toString(), "--no-train");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("40x24, 2 cameras"), r.out());
        assertTrue(Files.exists(out.resolve("novel_views.gif")));
        Files.writeString(cfg, "img_hw = [40, 24]\n");
        Run bad = run("demo", "--config", cfg.toString(), "--no-train");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("did you mean 'img_wh'"), bad.err());
    }
}
