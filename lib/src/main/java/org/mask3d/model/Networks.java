package org.mask3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.mask3d.InputException;
import org.mask3d.render.HostArrays;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Creating, running and loading the networks: initialisation on a manager, inference, and loading weights by the
 * released state-dict keys with every missing, unexpected and mis-shaped key reported by name.
 */
public final class Networks {
    private Networks() {}

    /** A weight tensor by name: row-major values and shape (PyTorch layout). */
    public record Weight(String name, long[] shape, float[] data) {
        public long size() {
            long n = 1;
            for (long s : shape) n *= s;
            return n;
        }
    }

    /** Initialises a network's parameters (PyTorch's default initialisation) for inputs of D planes. */
    public static <N extends UNet3d> N initialize(N net, NDManager manager, DataType dtype) {
        net.initialize(manager, dtype, new Shape(1, net.inChannels(), 8, 16, 16));
        return net;
    }

    /** Inference (no gradient recorded), returning the head's output. */
    public static NDArray forward(UNet3d net, NDArray input) {
        ParameterStore ps = new ParameterStore(input.getManager(), false);
        return net.forward(ps, new NDList(input), false).singletonOrThrow();
    }

    /** Forward pass for training (a GradientCollector records it). */
    public static NDArray forwardTraining(UNet3d net, ParameterStore ps, NDArray input) {
        return net.forward(ps, new NDList(input), true).singletonOrThrow();
    }

    /**
     * Loads weights into an initialised network: every parameter must be present with its exact shape.
     *
     * @param source names the weights' origin in errors (a file and prefix)
     * @throws InputException listing missing, unexpected and mis-shaped keys by name
     */
    public static void load(UNet3d net, Map<String, Weight> weights, String source) {
        Map<String, Shape> expected = net.parameterShapes();
        List<String> missing = new ArrayList<>(), wrong = new ArrayList<>();
        TreeSet<String> unexpected = new TreeSet<>(weights.keySet());
        unexpected.removeAll(expected.keySet());
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            Weight w = weights.get(e.getKey());
            if (w == null) missing.add(e.getKey());
            else if (!new Shape(w.shape()).equals(e.getValue())) {
                wrong.add(e.getKey() + " (expected " + e.getValue() + ", got " + new Shape(w.shape()) + ")");
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !wrong.isEmpty()) {
            StringBuilder sb = new StringBuilder(source + " does not fit " + net + ":");
            if (!missing.isEmpty()) sb.append(" missing ").append(missing.size()).append(" key(s) ").append(head(missing)).append(';');
            if (!unexpected.isEmpty()) sb.append(" unexpected ").append(unexpected.size()).append(" key(s) ").append(head(new ArrayList<>(unexpected))).append(';');
            if (!wrong.isEmpty()) sb.append(" wrong shape: ").append(head(wrong)).append(';');
            throw new InputException(sb.substring(0, sb.length() - 1));
        }
        for (Parameter p : net.getParameters().values()) {
            Weight w = weights.get(p.getName());
            NDArray arr = p.getArray();
            NDArray v = HostArrays.of(arr.getManager(), w.data(), new Shape(w.shape())).toType(arr.getDataType(), false);
            arr.muli(0).addi(v);   // in place; NDArray.set/copyTo make libtorch print a deprecation warning
            v.close();
        }
    }

    private static String head(List<String> keys) {
        return keys.size() <= 4 ? keys.toString() : keys.subList(0, 4) + " …";
    }

    /**
     * Loads a network's weights from a PyTorch checkpoint ({@code .ckpt} of Lightning, or a plain state dict
     * {@code .pth}) by prefix, as the released {@code load_ckpt}: e.g. {@code models.mpi_net.} or
     * {@code models.mask_net.}. The file is read with an allow-list unpickler: nothing in it is executed.
     */
    public static void load(UNet3d net, Path checkpoint, String prefix) {
        org.mask3d.io.TorchCheckpoint ck = org.mask3d.io.TorchCheckpoint.read(checkpoint);
        Map<String, org.mask3d.io.TorchCheckpoint.Tensor> sd = ck.stateDict(prefix);
        if (sd.isEmpty()) {
            throw new InputException(checkpoint + ": no tensors under the prefix '" + prefix + "' (the state dict has "
                    + ck.tensors().size() + " tensors, e.g. " + ck.tensors().keySet().stream().limit(3).toList() + ")");
        }
        load(net, toWeights(sd), checkpoint + " (" + prefix + ")");
    }

    /** Checkpoint tensors as weights (float32). */
    public static Map<String, Weight> toWeights(Map<String, org.mask3d.io.TorchCheckpoint.Tensor> sd) {
        Map<String, Weight> out = new LinkedHashMap<>();
        for (Map.Entry<String, org.mask3d.io.TorchCheckpoint.Tensor> e : sd.entrySet()) {
            int[] sh = e.getValue().shape();
            long[] shape = new long[sh.length];
            for (int i = 0; i < sh.length; i++) shape[i] = sh[i];
            out.put(e.getKey(), new Weight(e.getKey(), shape, e.getValue().floats()));
        }
        return out;
    }

    /**
     * Writes the networks as one PyTorch-loadable state dict ({@code torch.load(path, weights_only=True)} reads it),
     * keys {@code prefix + released name}, e.g. {@code models.mask_net.conv1_1.model.0.weight}: results can go back to
     * PyTorch users.
     */
    public static void exportStateDict(Path file, Map<String, UNet3d> netsByPrefix) {
        Map<String, org.mask3d.io.TorchCheckpoint.Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<String, UNet3d> e : netsByPrefix.entrySet()) {
            for (Weight w : weights(e.getValue()).values()) {
                int[] shape = new int[w.shape().length];
                for (int i = 0; i < shape.length; i++) shape[i] = (int) w.shape()[i];
                String key = e.getKey() + w.name();
                sd.put(key, org.mask3d.io.TorchCheckpoint.Tensor.ofFloat(key, w.data(), shape));
            }
        }
        org.mask3d.io.TorchCheckpoint.writeStateDict(file, sd);
    }

    /** The network's parameters as weights by released key (for saving and export). */
    public static Map<String, Weight> weights(UNet3d net) {
        Map<String, Weight> out = new LinkedHashMap<>();
        for (Parameter p : net.getParameters().values()) {
            NDArray a = p.getArray();
            out.put(p.getName(), new Weight(p.getName(), a.getShape().getShape(), a.toType(DataType.FLOAT32, false).toFloatArray()));
        }
        return out;
    }
}
