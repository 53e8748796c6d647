package org.mask3d.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.mask3d.InputException;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.ModelCheckpoint;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The networks an evaluation runs: MPINet3d and MaskNet3d, initialised on a manager and loaded from a checkpoint
 * ({@link EvalSession#open}; {@code workflow.NovelViewVideo} forwards to these).
 */
public final class EvalNetworks {
    private EvalNetworks() {}

    /** Loads MPINet3d and MaskNet3d from a Lightning/PyTorch checkpoint file or a mask3d checkpoint folder. */
    public static void loadNetworks(Path ckpt, MpiNet3d mpi, MaskNet3d mask) {
        if (!Files.exists(ckpt)) throw new InputException("checkpoint not found: " + ckpt);
        if (Files.isDirectory(ckpt)) {
            ModelCheckpoint.load(ckpt, Map.of("mpi_net", mpi, "mask_net", mask));
        } else {
            Networks.load(mpi, ckpt, "models.mpi_net.");
            Networks.load(mask, ckpt, "models.mask_net.");
        }
    }

    /** Networks initialised on a manager (to be loaded or used with their initial weights). */
    public static MpiNet3d newMpiNet(NDManager m) { return Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32); }

    public static MaskNet3d newMaskNet(NDManager m) { return Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32); }
}
