package org.mask3d.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.io.TorchCheckpoint;
import org.mask3d.io.TorchCheckpoint.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The evaluation's per-frame metric columns, LPIPS included, read from weight files named in the config. */
class MetricSuiteTest {

    @Test void everyColumnEqualsItsMetricAndLpipsComesFromTheConfiguredFiles(@TempDir Path dir) {
        Map<String, Tensor> bw = LpipsTest.backboneWeights(LpipsTest.ALEX_CONVS, 71);
        Map<String, Tensor> hw = LpipsTest.headWeights(new int[]{64, 192, 384, 256, 256}, 72);
        Path bf = dir.resolve("alexnet-owt-7be5be79.pth"), hf = dir.resolve("alex.pth");
        TorchCheckpoint.writeStateDict(bf, bw);
        TorchCheckpoint.writeStateDict(hf, hw);
        int h = 32, w = 40;
        EvalConfig c = EvalConfig.resolve(null, Map.of("img_wh", "[" + w + ", " + h + "]",
                "metrics", "psnr, psnr_clamped, ssim, ssim_released, lpips_alex, temporal",
                "lpips_alex_backbone", bf.toString(), "lpips_alex_head", hf.toString()));
        Random r = new Random(73);
        float[] gt = LpipsTest.image(r, h, w), pred = LpipsTest.image(r, h, w);
        for (int i = 0; i < pred.length; i += 7) pred[i] = 1.3f;   // out of range: the clamped metrics must differ
        try (MetricSuite s = new MetricSuite(c); Lpips ref = Lpips.fromTensors(Lpips.Backbone.ALEX, bw, hw)) {
            assertEquals(List.of("psnr_db", "psnr_clamped_db", "ssim", "ssim_released", "lpips_alex"),
                    s.columns().stream().map(MetricSuite.Column::name).toList());
            assertTrue(s.temporal());
            double[] v = s.frame(pred, gt, h, w);
            assertEquals(Metrics.psnr(pred, gt), v[0], 0.0);
            assertEquals(Metrics.psnrClamped(pred, gt), v[1], 0.0);
            assertTrue(v[1] > v[0], "clamping the overshoot brings the render closer");
            assertEquals(Metrics.ssim(pred, gt, 3, h, w), v[2], 0.0);
            assertEquals(Metrics.ssimReleased(pred, gt, 3, h, w), v[3], 0.0);
            float[] clamped = pred.clone();
            for (int i = 0; i < clamped.length; i++) clamped[i] = Math.min(1f, Math.max(0f, clamped[i]));
            assertEquals(ref.distance(clamped, gt, h, w), v[4], 0.0, "LPIPS of the clamped render, with the files' weights");
            assertTrue(v[4] > 0);
            assertEquals(0.0, s.frame(gt, gt, h, w)[4], 1e-7, "LPIPS of an image with itself");
        }
    }

    @Test void lpipsNeedsItsFilesAndABigEnoughImage(@TempDir Path dir) {
        EvalConfig small = EvalConfig.resolve(null, Map.of("img_wh", "[24, 16]", "metrics", "psnr, lpips_alex",
                "lpips_alex_backbone", dir.resolve("a.pth").toString(), "lpips_alex_head", dir.resolve("b.pth").toString()));
        var e = assertThrows(InputException.class, () -> new MetricSuite(small));
        assertTrue(e.getMessage().contains("at least 31 pixels"), e.getMessage());
        EvalConfig missing = EvalConfig.resolve(null, Map.of("img_wh", "[48, 32]", "metrics", "psnr, lpips_alex",
                "lpips_alex_backbone", dir.resolve("a.pth").toString(), "lpips_alex_head", dir.resolve("b.pth").toString()));
        var m = assertThrows(InputException.class, () -> new MetricSuite(missing));
        assertTrue(m.getMessage().contains("a.pth"), m.getMessage());
    }
}
