package org.mask3d.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.N3dvFixture;
import org.mask3d.data.VideoFolderScene;
import org.mask3d.io.FfmpegFrames;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./mask3d prepare n3dv} and {@code ./mask3d evaluate --set data=<N3DV folder>} on a synthetic N3DV-layout scene. */
class N3dvCliTest {
    @TempDir Path tmp;

    Path scene() throws Exception {
        Assumptions.assumeTrue(FfmpegFrames.available(), "ffmpeg not installed (./mask3d setup installs it): skipped");
        Path n3dv = tmp.resolve("n3dv");
        N3dvFixture.write(n3dv, 32, 24, 1, 5, 4, 2);   // cam00, cam01, cam03, cam04
        return n3dv;
    }

    @Test void prepareDecodesOnceWithSizeAndFrames() throws Exception {
        Path n3dv = scene();
        Path out = tmp.resolve("prepared");
        CliTest.Run r = CliTest.run("prepare", "n3dv", n3dv.toString(), out.toString(), "--scale", "0.5", "--frames", "1:4");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("held-out test camera cam00 (index 0)"), r.out());
        assertTrue(r.out().contains("cam00, cam01, cam03, cam04"), r.out());
        VideoFolderScene v = VideoFolderScene.open(out);
        assertEquals(List.of("cam00", "cam01", "cam03", "cam04"), v.cameraNames());
        assertEquals(3, v.numFrames());
        assertEquals(16, v.width());
        assertEquals(12, v.height());
        assertTrue(Files.readString(out.resolve("n3dv.txt")).contains("test_camera = cam00"));
        CliTest.Run both = CliTest.run("prepare", "n3dv", n3dv.toString(), tmp.resolve("x").toString(), "--scale", "0.5", "--size", "16x12");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--size or --scale"), both.err());
    }

    @Test void prepareCheckKnowsTheN3dvLayout() throws Exception {
        Path n3dv = scene();
        CliTest.Run r = CliTest.run("prepare", "check", n3dv.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("N3DV folder"), r.out());
        assertTrue(r.out().contains("4 cameras (cam00, cam01, cam03, cam04), held-out cam00"), r.out());
        Files.delete(n3dv.resolve("cam00.mp4"));
        CliTest.Run bad = CliTest.run("prepare", "check", n3dv.toString());
        assertTrue(bad.code() != 0, bad.out());
        assertTrue((bad.out() + bad.err()).contains("has 4 rows but"), bad.out() + bad.err());
        assertTrue((bad.out() + bad.err()).contains("3 camNN.mp4 videos (cam01, cam03, cam04)"), bad.out() + bad.err());
    }

    @Test void evaluateRunsOnTheN3dvFolder() throws Exception {
        Path n3dv = scene();
        Path ckpt = tmp.resolve("random.ckpt");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            org.mask3d.model.Networks.exportStateDict(ckpt, java.util.Map.of(
                    "models.mpi_net.", org.mask3d.workflow.NovelViewVideo.newMpiNet(m),
                    "models.mask_net.", org.mask3d.workflow.NovelViewVideo.newMaskNet(m)));
        }
        Path out = tmp.resolve("eval");
        CliTest.Run r = CliTest.run("evaluate", "--config", "../configs/evaluate.txt", "--out", out.toString(),
                "--set", "data=" + n3dv, "--set", "model=" + ckpt, "--set", "static_mask=background", "--set", "sources=[1, 2]",
                "--set", "targets=[0, 3]", "--set", "img_wh=[32, 24]", "--set", "planes=8", "--set", "plane_counts=[]");
        assertEquals(0, r.code(), r.err() + r.out());
        Table t = Table.read().csv(out.resolve("results.csv").toString());
        assertEquals(6 * 3, t.rowCount());
        assertTrue(t.columnNames().containsAll(List.of("tof", "tlp")), t.columnNames().toString());
        for (double f : t.numberColumn("tof").asDoubleArray()) assertTrue(f >= 0 && Double.isFinite(f), "tOF " + f);
        assertEquals(t.rowCount(), t.column("tlp").isMissing().size(), "no LPIPS metric: tLP absent");
        assertTrue(t.stringColumn("data").get(0).contains("N3DV, test cam00"), t.stringColumn("data").get(0));
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("held-out test camera cam00 (camera index 0)"), md);
        assertTrue(md.contains("backgrounds: N3DV has none"), md);
        assertTrue(md.contains("n/a"), "tLP shown as n/a");
        assertTrue(Files.readString(out.resolve("protocol.json")).contains("\"test_camera\": \"cam00\""));

        CliTest.Run bad = CliTest.run("evaluate", "--config", "../configs/evaluate.txt", "--out", tmp.resolve("bad").toString(),
                "--set", "data=" + n3dv, "--set", "model=" + ckpt, "--set", "static_mask=background", "--set", "sources=[0, 1]",
                "--set", "targets=[2]", "--set", "img_wh=[32, 24]", "--set", "planes=8", "--set", "plane_counts=[]");
        assertEquals(2, bad.code(), bad.out());
        assertTrue(bad.err().contains("camera 0 is cam00, the held-out test camera"), bad.err());

        // another held-out camera by config key: camera 0 may then be a source
        Path out2 = tmp.resolve("eval-cam01");
        CliTest.Run other = CliTest.run("evaluate", "--config", "../configs/evaluate.txt", "--out", out2.toString(),
                "--set", "data=" + n3dv, "--set", "model=" + ckpt, "--set", "static_mask=background", "--set", "sources=[0, 2]",
                "--set", "targets=[3]", "--set", "img_wh=[32, 24]", "--set", "planes=8", "--set", "plane_counts=[]",
                "--set", "test_camera=cam01", "--set", "methods=[mask3d]", "--set", "frames=[0, 2]");
        assertEquals(0, other.code(), other.err() + other.out());
        assertTrue(Files.readString(out2.resolve("protocol.json")).contains("\"test_camera\": \"cam01\""));
        CliTest.Run typo = CliTest.run("evaluate", "--config", "../configs/evaluate.txt", "--out", tmp.resolve("typo").toString(),
                "--set", "data=" + n3dv, "--set", "test_camera=camera1");
        assertEquals(2, typo.code(), typo.out());
        assertTrue(typo.err().contains("test_camera"), typo.err());
    }
}
