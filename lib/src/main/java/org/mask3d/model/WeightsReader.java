package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.mask3d.render.HostArrays;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a state dict (tensor name → array) from a file, for example torchvision's {@code vgg19_bn-c79401a0.pth}
 * through the project's PyTorch checkpoint reader. The arrays must be created in (or attached to) {@code manager}.
 */
@FunctionalInterface
public interface WeightsReader {
    /**
     * @param file    the weights file
     * @param manager where the arrays are created
     * @return every tensor of the file under its state-dict key
     * @throws IOException if the file cannot be read
     */
    Map<String, NDArray> read(Path file, NDManager manager) throws IOException;

    /**
     * The PyTorch reader: a {@code torch.save} file (zip or legacy format; a state-dict {@code .pth} or a checkpoint)
     * read with the allow-list unpickler of {@link org.mask3d.io.TorchCheckpoint}, float tensors as float32 arrays
     * (integer buffers such as {@code num_batches_tracked} are skipped).
     */
    WeightsReader TORCH = (file, manager) -> {
        Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        for (var e : org.mask3d.io.TorchCheckpoint.read(file).tensors().entrySet()) {
            var t = e.getValue();
            if (t.f32() == null && t.f64() == null) continue;
            long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
            out.put(e.getKey(), HostArrays.of(manager, t.floats(), new ai.djl.ndarray.types.Shape(shape)));
        }
        return out;
    };
}
