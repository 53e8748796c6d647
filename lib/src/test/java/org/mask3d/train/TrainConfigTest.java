package org.mask3d.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.model.LossType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Both stages' training configs: typed accessors, typed copies, per-stage keys and losses, errors, round trip. */
class TrainConfigTest {
    @TempDir Path tmp;

    @Test void typedAccessorsReadTheShippedConfigs() {
        TrainConfig mask = TrainConfig.resolve(TrainConfig.Stage.MASK, Path.of("../configs/train_mask.txt"), Map.of());
        assertEquals(LossType.VGG_ONLY, mask.lossType());
        assertArrayEquals(new int[]{640, 360}, mask.imageSize());
        assertEquals(32, mask.planes());
        assertEquals(5e-4, mask.lr());
        assertEquals(400000, mask.numSteps());
        assertEquals(Path.of("ckpts/3dmpi.ckpt"), mask.mpiModel());
        assertNull(mask.ckptDir());
        assertFalse(mask.debug());
        assertEquals("auto", mask.device());
        TrainConfig mpi = TrainConfig.resolve(TrainConfig.Stage.MPI, Path.of("../configs/train_realestate10k.txt"), Map.of("lr", "1e-4"));
        assertEquals(LossType.VGG, mpi.lossType());
        assertEquals(256, mpi.crop());
        assertEquals(1e-4, mpi.lr());
        assertArrayEquals(new int[]{20}, mpi.decaySteps());
        assertEquals(Path.of("runs"), mpi.logDir());
    }

    @Test void typedCopiesInOneLine() {
        TrainConfig c = TrainConfig.defaults(TrainConfig.Stage.MPI).with(TrainConfig.NUM_STEPS, 300).with(TrainConfig.PLANES, 16)
                .with(TrainConfig.LOSS_TYPE, LossType.MSE).withImageSize(48, 32);
        assertEquals(300, c.numSteps());
        assertEquals(16, c.planes());
        assertEquals(LossType.MSE, c.lossType());
        assertArrayEquals(new int[]{48, 32}, c.imageSize());
        assertTrue(c.resolvedText().contains("img_wh = [48, 32] "), c.resolvedText());
        TrainConfig m = TrainConfig.defaults(TrainConfig.Stage.MASK).withImageSize(48, 32).with(TrainConfig.LOSS_TYPE, LossType.L1_FULL_LOSS);
        assertArrayEquals(new int[]{48, 32}, m.imageSize());
        assertTrue(m.resolvedText().contains("img_wh = [48, 32] "), "one canonical size key in both stages");
        assertFalse(m.resolvedText().contains("\nimg_hw "), "no img_hw line");
        assertEquals(1000000, m.numSteps(), "stage 2's released default");
        assertEquals(LossType.FULL_LOSS, TrainConfig.defaults(TrainConfig.Stage.MASK).lossType());
        assertThrows(IllegalArgumentException.class, () -> m.with(TrainConfig.CROP, 32), "crop is a stage-1 key");
        String e = assertThrows(InputException.class, () -> c.with(TrainConfig.LOSS_TYPE, LossType.VGG_ONLY)).getMessage();
        assertEquals("with loss_type: loss_type vgg_only is a train-mask loss; train-mpi accepts mse, l1, vgg", e);
        assertEquals(16, c.with(Map.of("num_steps", "10")).planes());
    }

    @Test void errorsNameTheLineKeyAndExpectation() throws Exception {
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "root_dir = synthetic\nplanes = 12\n");
        String e = assertThrows(InputException.class, () -> TrainConfig.resolve(TrainConfig.Stage.MPI, f, Map.of())).getMessage();
        assertTrue(e.endsWith("t.txt:2: planes must be a positive multiple of 8, got '12'"), e);
        e = assertThrows(InputException.class, () -> TrainConfig.resolve(TrainConfig.Stage.MASK, null, Map.of("loss_type", "vgg"))).getMessage();
        assertTrue(e.startsWith("--set loss_type: loss_type vgg is a train-mpi loss; train-mask accepts vgg_only"), e);
        e = assertThrows(InputException.class, () -> TrainConfig.resolve(TrainConfig.Stage.MPI, null, Map.of("num_gpus", "2"))).getMessage();
        assertTrue(e.startsWith("--set num_gpus: num_gpus = 2: multi-GPU"), e);
        e = assertThrows(InputException.class, () -> TrainConfig.resolve(TrainConfig.Stage.MPI, null, Map.of("img_wh", "[8, 8]"))).getMessage();
        assertTrue(e.contains("img_wh must be at least [16, 16]"), e);
        e = assertThrows(InputException.class, () -> TrainConfig.resolve(TrainConfig.Stage.MPI, null, Map.of("img_hw", "[8, 48]"))).getMessage();
        assertTrue(e.contains("img_hw must be at least [16, 16]"), e);
    }

    @Test void eitherSizeSpellingInEitherStage() throws Exception {
        for (TrainConfig.Stage st : TrainConfig.Stage.values()) {
            assertArrayEquals(new int[]{48, 32}, TrainConfig.resolve(st, null, Map.of("img_hw", "[32, 48]")).imageSize(), st.name());
            assertArrayEquals(new int[]{48, 32}, TrainConfig.resolve(st, null, Map.of("img_wh", "[48, 32]")).imageSize(), st.name());
            assertArrayEquals(new int[]{48, 32}, TrainConfig.resolve(st, null, Map.of("img_wh", "[48, 32]", "img_hw", "[32, 48]"))
                    .imageSize(), "both given and agreeing");
            assertArrayEquals(new int[]{40, 24}, TrainConfig.defaults(st).with(Map.of("img_hw", "[24, 40]")).imageSize());
            Path f = tmp.resolve("size-" + st + ".txt");
            Files.writeString(f, "img_wh = [48, 32]\nimg_hw = [48, 32]\n");
            String e = assertThrows(InputException.class, () -> TrainConfig.resolve(st, f, Map.of())).getMessage();
            assertTrue(e.startsWith(f + ":1 and " + f + ":2: img_wh = [48, 32] (width, height) and img_hw = [48, 32] (height, width) "
                    + "disagree; give one of them (img_hw = [48, 32] means img_wh = [32, 48])"), e);
            TrainConfig c = TrainConfig.resolve(st, null, Map.of("img_hw", "[32, 48]"));
            Files.writeString(f, c.resolvedText());
            assertArrayEquals(new int[]{48, 32}, TrainConfig.resolve(st, f, Map.of()).imageSize(), "the resolved text reads back");
        }
    }

    @Test void resolvedTextReadsBackToTheSameConfig() throws Exception {
        for (TrainConfig.Stage st : TrainConfig.Stage.values()) {
            TrainConfig c = TrainConfig.resolve(st, null, Map.of("num_steps", "12", "lr", "1e-3", "debug", "True"));
            Path f = tmp.resolve(st + ".txt");
            Files.writeString(f, c.resolvedText());
            TrainConfig back = TrainConfig.resolve(st, f, Map.of());
            assertEquals(c.resolvedText(), back.resolvedText());
            assertEquals(TrainConfig.knownKeys(st), back.given().keySet());
            assertEquals(12, back.numSteps());
            assertTrue(back.debug());
            assertEquals(12L, back.longValue("num_steps"));
            assertEquals("1e-3", back.string("lr"));
        }
    }
}
