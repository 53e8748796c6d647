package org.mask3d.io;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.eval.EvalConfig;
import org.mask3d.train.TrainConfig;
import org.mask3d.workflow.RenderConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.mask3d.io.Hostile.rejects;

/**
 * Hostile config files, through the real key tables (train, render, evaluate): unknown keys, wrong types, NaN and
 * infinities, negative counts and sizes, sizes whose memory estimate cannot fit, control characters, and folders, FIFOs
 * or huge files in place of a config. Each is one line naming the file and line (or {@code --set key}) and the key.
 */
class ConfigHostileTest {
    @TempDir Path tmp;

    private Path config(String text) throws IOException {
        return Files.writeString(tmp.resolve("c.txt"), "root_dir = synthetic\n" + text + "\n");
    }

    private String mask(String line, String... fragments) throws IOException {
        Path c = config(line);
        String[] all = new String[fragments.length + 1];
        all[0] = c + ":2";
        System.arraycopy(fragments, 0, all, 1, fragments.length);
        return rejects(() -> TrainConfig.resolve(TrainConfig.Stage.MASK, c, Map.of()), all);
    }

    @Test void unknownKeyWithASuggestion() throws IOException {
        mask("planse = 32", "unknown key 'planse'", "planes");
    }

    @Test void wrongTypeOfAnInteger() throws IOException {
        mask("planes = many", "planes must be an integer", "'many'");
    }

    @Test void negativeNumSteps() throws IOException {
        mask("num_steps = -5", "num_steps must be 0 or more");
    }

    @Test void negativeNumEpochs() throws IOException {
        mask("num_epochs = -1", "num_epochs");
    }

    @Test void zeroBatch() throws IOException {
        mask("batch_size = 0", "batch_size must be at least 1");
    }

    @Test void nanLearningRate() throws IOException {
        mask("lr = NaN", "lr must be a finite number");
    }

    @Test void infiniteMomentum() throws IOException {
        mask("momentum = Infinity", "momentum must be a finite number");
    }

    @Test void negativeWeightDecay() throws IOException {
        mask("weight_decay = -1", "weight_decay");
    }

    @Test void zeroImageSize() throws IOException {
        mask("img_hw = [0, 0]", "img_hw must be at least [16, 16]");
    }

    @Test void negativeImageSize() throws IOException {
        mask("img_hw = [-360, 640]", "img_hw");
    }

    @Test void imageSizeOfThreeNumbers() throws IOException {
        mask("img_hw = [360, 640, 3]", "img_hw must be a list of 2 integers");
    }

    @Test void imageSizeBeyondAnInt() throws IOException {
        mask("img_hw = [99999999999, 640]", "img_hw");
    }

    @Test void planesNotAMultipleOf8() throws IOException {
        mask("planes = 12", "planes must be a positive multiple of 8");
    }

    @Test void negativePlanes() throws IOException {
        mask("planes = -8", "planes");
    }

    @Test void integerOverflowIsATypeError() throws IOException {
        mask("val_every = 1e12", "val_every must be an integer (32-bit)");
    }

    @Test void absurdImageSizeIsRefusedByItsMemoryEstimate() throws IOException {
        TrainConfig c = TrainConfig.resolve(TrainConfig.Stage.MASK, config("img_hw = [100000, 100000]\nplanes = 32"), Map.of());
        String m = rejects(c::requireMemory, "train-mask at 100000x100000", "needs about", "physical memory", "img_hw");
        assertTrue(m.contains(tmp.resolve("c.txt") + ":2"), m);
    }

    @Test void absurdPlaneCountIsRefusedByItsMemoryEstimate() throws IOException {
        TrainConfig c = TrainConfig.resolve(TrainConfig.Stage.MPI, null, Map.of("planes", "800000"));
        rejects(c::requireMemory, "800000 planes", "needs about", "--set planes");
    }

    @Test void controlCharactersInAValueAreEscaped() throws IOException {
        String m = mask("planes = \u001b[31mred", "planes must be an integer");
        assertTrue(m.contains("\\x1b"), m);
    }

    @Test void renderConfigNegativeSize() throws IOException {
        Path c = Files.writeString(tmp.resolve("r.txt"), "img_wh = [-640, 360]\n");
        rejects(() -> RenderConfig.resolve(c, Map.of()), c + ":1", "img_wh");
    }

    @Test void renderConfigNegativePathLength() {
        rejects(() -> RenderConfig.resolve(null, Map.of("path_n", "-3")), "--set path_n", "path_n");
    }

    @Test void renderConfigNanFps() {
        rejects(() -> RenderConfig.resolve(null, Map.of("fps", "NaN")), "--set fps", "fps");
    }

    @Test void evalConfigNegativePlanes() {
        rejects(() -> EvalConfig.resolve(null, Map.of("planes", "-16")), "--set planes", "planes");
    }

    @Test void evalConfigUnknownKey() {
        rejects(() -> EvalConfig.resolve(null, Map.of("img_hw", "[32, 48]")), "unknown key 'img_hw'");
    }

    @Test void folderInPlaceOfAConfig() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("conf.txt"));
        rejects(() -> ConfigFile.read(d), d.toString(), "folder");
    }

    @Test void fifoInPlaceOfAConfigDoesNotBlock() throws Exception {
        Path f = tmp.resolve("fifo.txt");
        Process p = new ProcessBuilder("mkfifo", f.toString()).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo is not available");
        rejects(() -> ConfigFile.read(f), f.toString(), "FIFO");
    }

    @Test void hugeFileInPlaceOfAConfig() throws IOException {
        Path big = tmp.resolve("video.mp4");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.position(3L << 20).write(java.nio.ByteBuffer.wrap(new byte[]{1}));
        }
        rejects(() -> ConfigFile.read(big), big.toString(), "at most 1 MB");
    }

    @Test void missingConfig() {
        Path m = tmp.resolve("none.txt");
        rejects(() -> ConfigFile.read(m), m.toString(), "not found");
    }
}
