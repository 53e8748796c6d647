package org.mask3d.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.model.LossType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The evaluate config: defaults, the shipped configs, ablation keys and the errors for bad values. */
class EvalConfigTest {
    @TempDir Path tmp;

    static EvalConfig with(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return EvalConfig.resolve(null, m);
    }

    static String error(String... kv) { return assertThrows(InputException.class, () -> with(kv)).getMessage(); }

    @Test void defaultsAndShippedConfigs() {
        EvalConfig d = EvalConfig.defaults();
        assertTrue(d.synthetic());
        assertArrayEquals(new int[]{2, 3}, d.sources());
        assertEquals(List.of(EvalMethod.MASK3D, EvalMethod.PER_FRAME, EvalMethod.BACKGROUND, EvalMethod.MASK2D, EvalMethod.CONSTANT_BLEND, EvalMethod.NEAREST_SOURCE), d.methods());
        for (String f : List.of("evaluate_synthetic.txt", "evaluate.txt")) {
            Path p = Path.of("..").resolve("configs").resolve(f);
            EvalConfig c = EvalConfig.resolve(p, Map.of());
            assertEquals(16, c.planes(), f);
            assertEquals(List.of(7, 8), java.util.Arrays.stream(c.targets()).boxed().toList(), f);
        }
        // the template documents every key
        assertEquals(EvalConfig.keys().keySet(), org.mask3d.io.ConfigFile.read(Path.of("../configs/evaluate.txt")).keys());
    }

    @Test void lossAblationKeysAndTheirL1Counterparts() {
        EvalConfig c = with("loss_ablation", "vgg_only, no_mask, full_loss, l1_full_loss");
        assertEquals(List.of(LossType.VGG_ONLY, LossType.NO_MASK, LossType.FULL_LOSS, LossType.L1_FULL_LOSS), c.lossAblation());
        assertEquals(LossType.L1, c.effectiveLoss(LossType.VGG_ONLY));
        assertEquals(LossType.L1_NO_MASK, c.effectiveLoss(LossType.NO_MASK));
        assertEquals(LossType.L1_FULL_LOSS, c.effectiveLoss(LossType.FULL_LOSS));
        EvalConfig v = with("vgg_weights", "/weights/vgg19_bn.pth");
        assertEquals(LossType.FULL_LOSS, v.effectiveLoss(LossType.FULL_LOSS));
        assertEquals(List.of(), with("loss_ablation", "[]").lossAblation());
        assertTrue(error("loss_ablation", "vgg_only, fgbgl1").contains("never produces"));
        assertTrue(error("mask_loss", "l2").contains("unknown loss_type l2"));
    }

    @Test void badValuesNameTheKey() {
        assertEquals("--set planes: planes must be a positive multiple of 8 (MPINet3d pools depth 3 times), got '12'", error("planes", "12"));
        assertTrue(error("targets", "[7, 2]").contains("camera 2 is a source"));
        assertTrue(error("sources", "[3, 3]").contains("sources must be two different cameras"));
        assertTrue(error("metrics", "psnr, lpips").contains("unknown metric 'lpips'"));
        assertTrue(error("metrics", "psnr, lpips_alex").contains("lpips_alex_backbone"));
        assertTrue(error("methods", "mask3d, mask_2d").contains("unknown method 'mask_2d'"));
        assertTrue(error("frames", "[0, 1]").contains("frames[1]"));
        assertTrue(error("img_wh", "[8, 8]").contains("img_wh"));
        assertTrue(error("device", "tpu").contains("device must be cpu, gpu or auto"));
        String scene = System.getProperty("java.io.tmpdir");   // a folder that exists
        assertTrue(error("data", scene).contains("static_mask = exact needs data = synthetic"));
        assertTrue(error("data", scene, "static_mask", "background").contains("model is empty"));
        assertEquals("--set data: scene not found: data = '/nonexistent' does not exist; expected 'synthetic' or a scene (a scene "
                + "folder, a packed scene or an authors' .h5)", error("data", "/nonexistent"), "the missing path first, not other keys");
        assertTrue(error("train_plane_counts", "[12]").contains("train_plane_counts must be a list of positive multiples of 8"));
        assertTrue(error("model", "/m.ckpt", "train_plane_counts", "[8]").contains("with model given set it to []"));
        assertTrue(error("stage2_steps", "0").contains("stage2_steps must be at least 1"));
        assertTrue(error("mask2d_soft", "maybe").contains("mask2d_soft must be True or False"));
        String typo = error("plane_count", "[8]");
        assertTrue(typo.contains("unknown key 'plane_count'") && typo.contains("did you mean 'plane_counts'"), typo);
    }

    @Test void typedCopiesAndResolvedText() throws Exception {
        EvalConfig d = EvalConfig.defaults();
        EvalConfig c = d.with(EvalConfig.PLANES, 32).with(EvalConfig.LOSS_ABLATION, List.of(LossType.NO_MASK))
                .with(EvalConfig.MODEL, Path.of("runs/m/checkpoints/last")).with(EvalConfig.TRAIN_PLANE_COUNTS, new int[0]);
        assertEquals(32, c.planes());
        assertEquals(List.of(LossType.NO_MASK), c.lossAblation());
        assertEquals(Path.of("runs/m/checkpoints/last"), c.model());
        assertEquals(16, d.planes());
        assertTrue(assertThrows(InputException.class, () -> d.with(EvalConfig.PLANES, 12)).getMessage().startsWith("with planes: "));
        Path f = tmp.resolve("resolved.txt");
        Files.writeString(f, c.resolvedText());
        EvalConfig back = EvalConfig.resolve(f, Map.of());
        assertEquals(c.asMap().keySet(), back.asMap().keySet());
        assertEquals(c.resolvedText(), back.resolvedText());
        assertEquals(d.resolvedText(), EvalConfig.resolve(Path.of("../configs/evaluate_synthetic.txt"), Map.of("out_dir", "runs/evaluate")).resolvedText());
    }

    @Test void fileErrorsNameTheLine() throws Exception {
        Path f = tmp.resolve("e.txt");
        Files.writeString(f, "data = synthetic\nplanes = many\n");
        var e = assertThrows(InputException.class, () -> EvalConfig.resolve(f, Map.of()));
        assertTrue(e.getMessage().endsWith("e.txt:2: planes must be an integer, got 'many'"), e.getMessage());
    }
}
