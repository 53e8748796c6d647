package org.mask3d.render;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Host values and constants handed to libtorch stay valid after their Java wrapper is closed and collected (issue 13:
 * DJL's blob-backed arrays are freed by the JVM while libtorch still reads them). Each case closes the wrapper, lets the
 * GC free what it owned, fills the freed native memory with other values ({@link #churn}), then reads.
 */
class HostArraysTest {

    /** Frees what closed wrappers held (GC + the cleaner thread), then reuses that memory with 7777 everywhere. */
    static List<ByteBuffer> churn() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(30);
        }
        List<ByteBuffer> keep = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + 4 * (i % 16)).order(ByteOrder.nativeOrder());
            while (b.remaining() >= 4) b.putFloat(7777f);
            keep.add(b);
        }
        return keep;
    }

    @Test
    void aViewOnAnotherManagerKeepsItsValuesAfterTheBaseIsClosedAndCollected() throws InterruptedException {
        float[] data = {1, 2, 3, 4, 5, 6};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray view;
            try (NDManager sub = m.newSubManager()) {
                NDArray base = HostArrays.of(sub, data, new Shape(2, 3));
                view = base.reshape(3, 2).transpose(1, 0);
                view.attach(m);
            }
            List<ByteBuffer> keep = churn();
            assertArrayEquals(new float[]{1, 3, 5, 2, 4, 6}, view.toFloatArray());
            keep.clear();
        }
    }

    @Test
    void aConstantOfARecordedOpSurvivesAGcBeforeTheBackwardPass() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = HostArrays.of(m, new float[]{-1, 2, -3, 4}, new Shape(4));
            NDArray xd = HostArrays.of(m, new double[]{-1, 2, -3, 4}, new Shape(4));
            x.setRequiresGradient(true);
            xd.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray xs = x, xds = xd;
                // the released ReLU and the loss weights: max(x, 0) · 3 / 2, in float32 and float64
                NDArray y = xs.maximum(HostArrays.scalar(xs, 0)).mul(HostArrays.scalar(xs, 3)).div(HostArrays.scalar(xs, 2)).sum();
                NDArray yd = xds.maximum(HostArrays.scalar(xds, 0)).mul(HostArrays.scalar(xds, 3)).div(HostArrays.scalar(xds, 2)).sum();
                List<ByteBuffer> keep = churn();
                gc.backward(y);
                gc.backward(yd);
                keep.clear();
            }
            assertArrayEquals(new float[]{0, 1.5f, 0, 1.5f}, x.getGradient().toFloatArray());
            assertArrayEquals(new double[]{0, 1.5, 0, 1.5}, xd.getGradient().toDoubleArray());
        }
    }
}
