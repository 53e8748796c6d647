package org.mask3d.eval;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Against the released code's outputs in ../shared/fixtures (skipped, and said so, when they are absent). */
public class ParityCaseTest {
    public static Path fixture(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolveSibling("shared").resolve("fixtures/original-parity").resolve(name);
            if (Files.exists(f)) return f;
        }
        return null;
    }

    @ParameterizedTest @ValueSource(strings = {"shared-a.npz", "shared-b.npz"})
    void everyArrayWithinTolerance(String name) {
        Path f = fixture(name);
        Assumptions.assumeTrue(f != null, "parity fixture " + name + " not found beside the checkout: skipped");
        var errors = ParityCase.load(f).check(1e-5, ParityCase.PSV_TOLERANCE);
        assertEquals(4, errors.size());
        for (var e : errors) {
            assertTrue(e.ok(), e.toString());
            if (!e.name().equals("psv")) assertTrue(e.maxAbsError() <= 1e-5, e.toString());
        }
    }

    @ParameterizedTest @ValueSource(strings = {"shared-a", "shared-b"})
    void everyArrayFromTheCheckpointWithin1e4(String name) {
        Path npz = fixture(name + ".npz"), ckpt = fixture(name + ".ckpt");
        Assumptions.assumeTrue(npz != null && ckpt != null, "parity fixture " + name + " not found beside the checkout: skipped");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            var mpi = org.mask3d.model.Networks.initialize(new org.mask3d.model.MpiNet3d(), m, ai.djl.ndarray.types.DataType.FLOAT32);
            var mask = org.mask3d.model.Networks.initialize(new org.mask3d.model.MaskNet3d(), m, ai.djl.ndarray.types.DataType.FLOAT32);
            org.mask3d.model.Networks.load(mpi, ckpt, "models.mpi_net.");
            org.mask3d.model.Networks.load(mask, ckpt, "models.mask_net.");
            var errors = ParityCase.load(npz).checkWithNetworks(mpi, mask, 1e-5, ParityCase.PSV_TOLERANCE, 1e-4);
            assertEquals(8, errors.size());
            for (var e : errors) assertTrue(e.ok(), e.toString());
        }
    }
}
