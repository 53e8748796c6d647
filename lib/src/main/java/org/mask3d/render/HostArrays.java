package org.mask3d.render;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The one way host values enter libtorch in this project: as tensors whose memory libtorch owns.
 *
 * <p>Why: on the CPU, DJL 0.36's {@code NDManager.create(float[] …)} copies the values into a direct
 * {@link java.nio.ByteBuffer} and wraps it with {@code torch::from_blob} (no copy, no deleter: libtorch does not own the
 * memory). The Java wrapper keeps the buffer alive only through a field that {@code close()} drops, and the JVM frees
 * the buffer at its next garbage collection. Every libtorch object that still refers to that memory afterwards — a view
 * ({@code reshape}, {@code get}, {@code expandDims}, {@code transpose}, {@code stopGradient}), a tensor saved by the
 * autograd graph, a gradient, a tensor attached to a longer-lived manager, {@code toType(same, false)} (which returns the
 * same tensor) — then reads freed memory: garbage values (training that differs from run to run) or a segfault in
 * {@code libtorch_cpu.so}. {@link #of} copies the values once more with {@code duplicate()} (libtorch's {@code clone},
 * memory owned by libtorch's allocator and reference-counted with every view) and closes the blob-backed array at once.
 */
public final class HostArrays {
    private HostArrays() {}

    /** A float32 array of {@code shape} on {@code m}, in memory libtorch owns (see the class comment). */
    public static NDArray of(NDManager m, float[] data, Shape shape) {
        return owned(m.create(data, shape));
    }

    /** A float64 array of {@code shape} on {@code m}, in memory libtorch owns (see the class comment). */
    public static NDArray of(NDManager m, double[] data, Shape shape) {
        return owned(m.create(data, shape));
    }

    /**
     * A 0-d array of value {@code v} in {@code like}'s data type (float32: {@code (float) v}; otherwise float64) and
     * manager, in memory libtorch owns: the operand for arithmetic with a constant on arrays that autograd records.
     * DJL's {@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)} … make a blob-backed 0-d array and close
     * it as soon as the op returns, while libtorch's autograd keeps that very tensor to compute the gradient (the
     * backward of {@code a·c}, {@code a/c} and {@code max(a, c)} reads {@code c}): the backward pass would read freed
     * memory.
     */
    public static NDArray scalar(NDArray like, double v) {
        NDManager m = like.getManager();
        return like.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32 ? of(m, new float[]{(float) v}, new Shape())
                : of(m, new double[]{v}, new Shape());
    }

    private static NDArray owned(NDArray blob) {
        try (blob) {
            return blob.duplicate();
        }
    }
}
