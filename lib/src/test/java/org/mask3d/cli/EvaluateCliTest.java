package org.mask3d.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./mask3d evaluate} end to end at a tiny size with a few training steps. */
class EvaluateCliTest {
    @TempDir Path tmp;

    static final String[] TINY = {"--set", "img_wh=[24,16]", "--set", "planes=8", "--set", "plane_counts=[16]", "--set", "train_plane_counts=[16]", "--set", "stage1_steps=2",
            "--set", "stage2_steps=2", "--set", "synthetic_frames=3", "--set", "stage1_crop=16", "--set", "strip_frames=2"};

    static String[] args(Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("evaluate", "--config", "../configs/evaluate_synthetic.txt", "--out", out.toString()));
        a.addAll(List.of(TINY));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test void writesEveryOutputAndReusesTraining() throws Exception {
        Path out = tmp.resolve("eval");
        CliTest.Run r = CliTest.run(args(out));
        assertEquals(0, r.code(), r.err() + r.out());
        for (String f : new String[]{"results.csv", "results.md", "per_frame.csv", "protocol.json", "per_frame_curves.png",
                "temporal_error.png", "strips.png", "error_maps.png", "mask_volume.png", "train-mpi/checkpoints/last/state.json",
                "train-mask-l1/checkpoints/last/state.json", "train-mask-l1_no_mask/metrics.csv", "train-mask-l1_full_loss/config.txt"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        Table t = Table.read().csv(out.resolve("results.csv").toString());
        for (String c : List.of("group", "method", "variant", "target", "psnr_db", "psnr_clamped_db", "ssim", "ssim_released",
                "static_change", "gt_static_change", "temporal_error", "dynamic_l1", "disocclusion_l1", "tof", "tlp", "data", "sources", "frames", "size",
                "planes", "device", "model", "metric_variant")) {
            assertTrue(t.columnNames().contains(c), "column " + c + " in " + t.columnNames());
        }
        // methods: 5 × (targets 7, 8, mean); loss ablation: 3 × 3; planes 16 (same networks, then trained at 16):
        // mask3d, per_frame, mask2d × 3 each
        assertEquals(18 + 9 + 9 + 9, t.rowCount());
        assertTrue(t.stringColumn("variant").asList().contains("16 planes, trained at 16"));
        assertTrue(Files.isRegularFile(out.resolve("train-mpi-16p/checkpoints/last/state.json")));
        assertTrue(Files.isRegularFile(out.resolve("train-mask-l1-16p/checkpoints/last/state.json")));
        assertEquals(6, t.where(t.stringColumn("group").isEqualTo("methods").and(t.stringColumn("target").isEqualTo("mean"))).rowCount());
        assertEquals(Set.of("7", "8", "mean"), Set.copyOf(t.stringColumn("target").asList()));
        assertTrue(t.stringColumn("variant").asList().contains("loss full_loss -> l1_full_loss (no vgg_weights)"), t.stringColumn("variant").asList().toString());
        assertEquals(Set.of("24x16"), Set.copyOf(t.stringColumn("size").asList()));
        for (double g : t.numberColumn("gt_static_change").asDoubleArray()) assertEquals(0.0, g, "the rig's static pixels never change");
        assertEquals(t.rowCount(), t.column("tlp").isMissing().size(), "no LPIPS metric: tLP is absent, not a number");
        for (double f : t.numberColumn("tof").asDoubleArray()) assertTrue(f >= 0 && Double.isFinite(f), "tOF " + f);
        assertTrue(Files.readString(out.resolve("results.md")).contains("| tof | tlp |"));
        Table bg = t.where(t.stringColumn("method").isEqualTo("background"));
        for (double c : bg.numberColumn("static_change").asDoubleArray()) assertEquals(0.0, c, 1e-7, "the background MPI is constant in time");
        Table pf = Table.read().csv(out.resolve("per_frame.csv").toString());
        assertEquals((6 * 2 + 3 * 2 + 3 * 2 + 3 * 2) * 3, pf.rowCount());
        assertTrue(Files.readString(out.resolve("results.md")).contains("## Mask-stage loss ablation"));
        assertTrue(Files.readString(out.resolve("protocol.json")).contains("\"static_change\""));
        assertTrue(r.out().contains("mean over targets"), r.out());

        String first = Files.readString(out.resolve("results.csv"));
        CliTest.Run again = CliTest.run(args(out));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("reusing stage 1"), again.out());
        assertTrue(again.out().contains("reusing stage 2 (MaskNet3d, l1_full_loss)"), again.out());
        assertTrue(again.out().contains("reusing stage 2 (MaskNet3d, l1, 16 planes)"), again.out());
        assertEquals(first, Files.readString(out.resolve("results.csv")), "the reused models give the same table");

        // export_viewer: the main model's MPIs at the evaluated frames as a viewer folder, the table unchanged
        String[] withViewer = java.util.stream.Stream.concat(java.util.Arrays.stream(args(out)),
                java.util.stream.Stream.of("--set", "export_viewer=true")).toArray(String[]::new);
        CliTest.Run viewer = CliTest.run(withViewer);
        assertEquals(0, viewer.code(), viewer.err());
        assertEquals(first, Files.readString(out.resolve("results.csv")));
        var manifest = org.mask3d.render.ViewerFolder.read(out.resolve("viewer")).manifest();
        assertEquals(24, manifest.width());
        assertEquals(8, manifest.planes());
        assertEquals(List.of(0, 1, 2), manifest.frames().stream().map(org.mask3d.render.ViewerFolder.Frame::t).toList());

        // the notebook's view of one frame: the same config, the trained model in the output folder
        java.util.Map<String, String> o = new java.util.LinkedHashMap<>();
        for (int i = 1; i < TINY.length; i += 2) o.put(TINY[i].split("=")[0], TINY[i].split("=", 2)[1]);
        org.mask3d.eval.EvalConfig c = org.mask3d.eval.EvalConfig.resolve(Path.of("../configs/evaluate_synthetic.txt"), o);
        try (org.mask3d.eval.EvalSession s = org.mask3d.eval.Evaluation.session(c, out)) {
            var views = s.views(1, 7, c.methods());
            assertEquals(c.methods().size(), views.size());
            for (float[] v : views.values()) assertEquals(3 * 24 * 16, v.length);
            assertEquals(8 * 24 * 16, s.frameMpis(1).mask3d().length);
        }
    }

    @Test void aSceneFolderWithACheckpointFileAsTheAuthorsDataWouldBe() throws Exception {
        Path rig = tmp.resolve("rig");
        assertEquals(0, CliTest.run("synth", "--out", rig.toString(), "--width", "32", "--height", "24", "--rows", "1", "--cols", "4",
                "--frames", "3").code());
        Path ckpt = tmp.resolve("random.ckpt");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.mask3d.model.Networks.exportStateDict(ckpt, java.util.Map.of(
                    "models.mpi_net.", org.mask3d.workflow.NovelViewVideo.newMpiNet(m),
                    "models.mask_net.", org.mask3d.workflow.NovelViewVideo.newMaskNet(m)));
        }
        for (String mask : List.of("foreground", "background")) {
            Path out = tmp.resolve("eval-" + mask);
            CliTest.Run r = CliTest.run("evaluate", "--config", "../configs/evaluate.txt", "--out", out.toString(),
                    "--set", "data=" + rig, "--set", "model=" + ckpt, "--set", "static_mask=" + mask, "--set", "sources=[1, 2]",
                    "--set", "targets=[0, 3]", "--set", "img_wh=[32, 24]", "--set", "planes=8", "--set", "plane_counts=[]");
            assertEquals(0, r.code(), r.err() + r.out());
            Table t = Table.read().csv(out.resolve("results.csv").toString());
            assertEquals(6 * 3, t.rowCount(), "no loss ablation with a given model");
            assertTrue(t.stringColumn("model").asList().contains(ckpt.toString()), t.stringColumn("model").asList().toString());
            assertTrue(t.column("disocclusion_l1").isMissing().size() == t.rowCount(), "no disocclusion truth on a folder scene");
            assertTrue(t.stringColumn("metric_variant").get(0).endsWith("static mask " + mask), t.stringColumn("metric_variant").get(0));
            assertTrue(Files.readString(out.resolve("protocol.json")).contains("loss_ablation"));
            assertTrue(Files.size(out.resolve("error_maps.png")) > 0 && Files.size(out.resolve("mask_volume.png")) > 0);
        }
    }

    @Test void badConfigIsOneLineNamingTheKey() {
        CliTest.Run r = CliTest.run("evaluate", "--out", tmp.resolve("x").toString(), "--set", "planes=12");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("planes must be a positive multiple of 8"), r.err());
        assertFalse(r.err().contains("at org."), "no stack trace");
        CliTest.Run m = CliTest.run("evaluate", "--out", tmp.resolve("x").toString(), "--set", "data=" + tmp.resolve("none"),
                "--set", "static_mask=background", "--set", "model=" + tmp.resolve("ck"));
        assertEquals(2, m.code());
        assertTrue(m.err().contains("data: scene not found"), m.err());
        CliTest.Run lp = CliTest.run("evaluate", "--out", tmp.resolve("x").toString(), "--set", "metrics=psnr, lpips_alex",
                "--set", "lpips_alex_backbone=" + tmp.resolve("alexnet.pth"), "--set", "lpips_alex_head=" + tmp.resolve("alex.pth"));
        assertEquals(2, lp.code());
        assertTrue(lp.err().contains("metric lpips_alex: weight file not found: " + tmp.resolve("alexnet.pth")), lp.err());
        CliTest.Run small = CliTest.run("evaluate", "--out", tmp.resolve("x").toString(), "--set", "metrics=psnr, lpips_alex",
                "--set", "lpips_alex_backbone=a.pth", "--set", "lpips_alex_head=b.pth", "--set", "img_wh=[24, 16]");
        assertEquals(2, small.code());
        assertTrue(small.err().contains("lpips_alex needs images of at least 31 pixels"), small.err());
    }
}
