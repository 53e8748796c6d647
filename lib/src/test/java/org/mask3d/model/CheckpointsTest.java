package org.mask3d.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.io.TorchCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The project's own checkpoints and the PyTorch export, round-tripped. */
class CheckpointsTest {
    @TempDir Path tmp;

    @Test void ownCheckpointRoundTripsAndRejectsAnotherArchitecture() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskNet3d a = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            ModelCheckpoint.save(tmp.resolve("ck"), Map.of("mask_net", a), Map.of("step", 42, "loss", "vgg_only"));
            MaskNet3d b = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            var meta = ModelCheckpoint.load(tmp.resolve("ck"), Map.of("mask_net", b));
            assertEquals(42, meta.get("step").getAsInt());
            for (var e : Networks.weights(a).entrySet()) assertArrayEquals(e.getValue().data(), Networks.weights(b).get(e.getKey()).data());
            MpiNet3d other = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            InputException x = assertThrows(InputException.class, () -> ModelCheckpoint.load(tmp.resolve("ck"), Map.of("mask_net", other)));
            assertTrue(x.getMessage().contains("expected MpiNet3d"), x.getMessage());
            byte[] p = Files.readAllBytes(tmp.resolve("ck/mask_net.params"));
            Files.write(tmp.resolve("ck/mask_net.params"), java.util.Arrays.copyOf(p, p.length / 2));
            assertThrows(InputException.class, () -> ModelCheckpoint.load(tmp.resolve("ck"), Map.of("mask_net", b)));
        }
    }

    @Test void exportedStateDictReadsBackAsTheReleasedKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            MpiNet3d mpi = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            MaskNet3d mask = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            Path f = tmp.resolve("export.pth");
            Networks.exportStateDict(f, Map.of("models.mpi_net.", mpi, "models.mask_net.", mask));
            TorchCheckpoint ck = TorchCheckpoint.read(f);
            assertEquals(116, ck.tensors().size());
            MaskNet3d back = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            Networks.load(back, f, "models.mask_net.");
            for (var e : Networks.weights(mask).entrySet()) assertArrayEquals(e.getValue().data(), Networks.weights(back).get(e.getKey()).data());
            InputException x = assertThrows(InputException.class, () -> Networks.load(back, f, "models.nope."));
            assertTrue(x.getMessage().contains("no tensors under the prefix"), x.getMessage());
        }
    }
}
