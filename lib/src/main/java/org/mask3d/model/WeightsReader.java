package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
}
