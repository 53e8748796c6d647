package org.mask3d.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.model.Device;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.MaskPipeline;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.MpiPipeline;
import org.mask3d.model.Networks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Times the networks on this machine (DJL / libtorch, CPU): the stage-1 step (MPINet3d on a 6-channel sweep, MPI,
 * rendering to a target, L1 loss) and the stage-2 step (two frozen MPINet3d passes, MaskNet3d, blend, two
 * renderings, L1 loss), forward only and forward + backward, with the process's peak resident memory after each
 * (VmHWM: libtorch's native memory counts, the JVM heap alone would not show it). Random weights and inputs, 32 planes.
 */
public final class ModelBenchmark {
    private ModelBenchmark() {}

    /** One configuration's figures. */
    public record Result(String step, int height, int width, double forwardMs, double forwardBackwardMs, long peakRssMiB) {}

    public static Result stage1(int h, int w, int reps) {
        try (NDManager m = NDManager.newBaseManager()) {
            MpiPipeline net = new MpiPipeline(Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32), Device.cpu(), m);
            NDArray psv = m.randomUniform(-1, 1, new Shape(1, 6, 32, h, w));
            NDArray target = m.randomUniform(0, 1, new Shape(3, h, w));
            double[] depths = PlaneDepths.inverseLinear(1, 100, 32);
            Camera ref = camera(w, h, 0), tgt = camera(w, h, 0.05);
            Runnable fwd = () -> {
                try (NDManager s = m.newSubManager()) {
                    NDArray in = psv.duplicate();
                    in.attach(s);
                    net.forward(s, in, depths, ref, tgt, new ParameterStore(s, false), false);
                }
            };
            Runnable step = () -> {
                try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray in = psv.duplicate();
                    in.attach(s);
                    NDArray rgb = net.forward(s, in, depths, ref, tgt, new ParameterStore(s, false), true).rgb().get(0);
                    gc.backward(rgb.sub(target).abs().mean());
                }
            };
            return new Result("stage 1 (MPINet3d + render, L1)", h, w, median(fwd, reps), median(step, reps), peakRssMiB());
        }
    }

    public static Result stage2(int h, int w, int reps) {
        try (NDManager m = NDManager.newBaseManager();
             MaskPipeline net = new MaskPipeline(Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32),
                     Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32), Device.cpu(), m)) {
            NDArray psv = m.randomUniform(-1, 1, new Shape(12, 32, h, w));
            NDArray target = m.randomUniform(0, 1, new Shape(3, h, w));
            double[] depths = PlaneDepths.inverseLinear(1, 100, 32);
            Camera ref = camera(w, h, 0), tgt = camera(w, h, 0.05);
            Runnable fwd = () -> {
                try (NDManager s = m.newSubManager()) {
                    NDArray in = psv.duplicate();
                    in.attach(s);
                    net.forward(s, in, depths, ref, tgt, new ParameterStore(s, false), false);
                }
            };
            Runnable step = () -> {
                try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray in = psv.duplicate();
                    in.attach(s);
                    MaskPipeline.Output o = net.forward(s, in, depths, ref, tgt, new ParameterStore(s, false), true);
                    gc.backward(o.rgb().sub(target).abs().mean());
                }
            };
            return new Result("stage 2 (2x MPINet3d frozen + MaskNet3d + 2 renders, L1)", h, w, median(fwd, reps), median(step, reps), peakRssMiB());
        }
    }

    static Camera camera(int w, int h, double tx) {
        double[] w2c = Mat.identity(4);
        w2c[3] = tx;
        return new Camera(Camera.intrinsics(0.8 * w, w, h), w2c, w, h);
    }

    static double median(Runnable r, int reps) {
        r.run();   // warm-up
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        ms.sort(null);
        return ms.get(reps / 2);
    }

    /** The process's peak resident set (VmHWM) in MiB, or −1 where /proc is not available. */
    public static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return -1;
    }
}
