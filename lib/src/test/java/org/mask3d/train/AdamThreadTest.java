package org.mask3d.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** A training step on a thread other than the one that started DJL (a notebook cell, a worker): libtorch's grad mode is per thread. */
class AdamThreadTest {
    @Test void anUpdateOnAnotherThreadWorksAndMatchesTheMainThread() throws Exception {
        float[][] results = new float[2][];
        for (int run = 0; run < 2; run++) {
            AtomicReference<Throwable> err = new AtomicReference<>();
            AtomicReference<float[]> out = new AtomicReference<>();
            Runnable step = () -> {
                try (NDManager m = NDManager.newBaseManager()) {
                    Engine.getInstance().setRandomSeed(3);
                    MpiNet3d net = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
                    List<Parameter> ps = new ArrayList<>(net.getParameters().values());
                    Adam adam = new Adam(ps, 0);
                    NDArray x = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 6, 8, 8, 8));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                        gc.backward(y.mean());
                    }
                    adam.update(1e-3);
                    out.set(ps.get(0).getArray().toFloatArray());
                } catch (Throwable t) {
                    err.set(t);
                }
            };
            if (run == 0) step.run();
            else {
                Thread t = new Thread(step, "not-the-djl-thread");
                t.start();
                t.join();
            }
            if (err.get() != null) throw new AssertionError("run " + run + ": " + err.get(), err.get());
            results[run] = out.get();
        }
        assertArrayEquals(results[0], results[1], "same seed, same step, either thread");
    }

    @Test void aWholeTrainingRunOnAnotherThread(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        AtomicReference<Throwable> err = new AtomicReference<>();
        AtomicReference<Trainer.Result> res = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                res.set(Trainer.run(TrainResumeTest.config(3), tmp.resolve("run"), Trainer.Mode.NEW, null));
            } catch (Throwable e) {
                err.set(e);
            }
        }, "notebook-cell");
        t.start();
        t.join();
        if (err.get() != null) throw new AssertionError(err.get().toString(), err.get());
        assertEquals(3, res.get().step());
    }
}
