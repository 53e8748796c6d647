package org.mask3d.model;

import org.mask3d.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that loads network weights for the method, from any of the three sources a user has:
 * <ul>
 *   <li>the authors' PyTorch Lightning {@code .ckpt} (tensors under {@code models.mpi_net.} and
 *       {@code models.mask_net.}),</li>
 *   <li>a plain state dict {@code .pth}, such as the one {@link Networks#exportStateDict} writes (same prefixes),</li>
 *   <li>a mask3d checkpoint folder ({@link ModelCheckpoint}: {@code mpi_net.params}, {@code mask_net.params},
 *       {@code checkpoint.json}).</li>
 * </ul>
 * Files are read with the allow-list unpickler ({@link org.mask3d.io.TorchCheckpoint}): nothing in them is executed.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** The method's networks: their name in a mask3d checkpoint and their state-dict prefix in the release. */
    public enum Net {
        MPI_NET("mpi_net", "models.mpi_net."),
        MASK_NET("mask_net", "models.mask_net.");

        private final String folderName, prefix;

        Net(String folderName, String prefix) {
            this.folderName = folderName;
            this.prefix = prefix;
        }

        /** The network's name in a mask3d checkpoint folder ({@code <name>.params}). */
        public String folderName() { return folderName; }

        /** The network's key prefix in a released checkpoint or exported state dict. */
        public String prefix() { return prefix; }
    }

    /**
     * Loads initialised networks from {@code from}.
     *
     * @param what names the source in errors (a config key such as {@code mpi_model}, or empty)
     * @throws InputException when the path does not exist or the weights do not fit (missing, unexpected and
     *                        mis-shaped keys by name)
     */
    public static void load(Path from, String what, Map<Net, ? extends UNet3d> nets) {
        String prefix = what == null || what.isEmpty() ? "" : what + ": ";
        if (!Files.exists(from)) throw new InputException(prefix + "checkpoint not found: " + from);
        if (Files.isDirectory(from)) {
            Map<String, UNet3d> byName = new LinkedHashMap<>();
            nets.forEach((k, v) -> byName.put(k.folderName(), v));
            ModelCheckpoint.load(from, byName);
        } else {
            nets.forEach((k, v) -> Networks.load(v, from, k.prefix()));
        }
    }

    /**
     * Loads a training run's own checkpoint folder (networks by their names in the folder) and returns its metadata
     * (step, optimiser state path, …): what {@code --resume} reads.
     */
    public static com.google.gson.JsonObject loadRun(Path dir, Map<String, ? extends UNet3d> netsByName) {
        return ModelCheckpoint.load(dir, new LinkedHashMap<>(netsByName));
    }

    /** Loads one network. */
    public static void load(Path from, String what, Net which, UNet3d net) { load(from, what, Map.of(which, net)); }

    /** Loads MPINet3d and MaskNet3d (both must be in {@code from}). */
    public static void load(Path from, String what, MpiNet3d mpiNet, MaskNet3d maskNet) {
        Map<Net, UNet3d> m = new LinkedHashMap<>();
        m.put(Net.MPI_NET, mpiNet);
        m.put(Net.MASK_NET, maskNet);
        load(from, what, m);
    }
}
