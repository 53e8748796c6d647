package org.mask3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.mask3d.InputException;
import org.mask3d.io.AtomicFiles;
import org.mask3d.render.HostArrays;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam as PyTorch's {@code torch.optim.Adam} (the released optimiser: β = (0.9, 0.999), eps = 1e-8, L2
 * {@code weight_decay} added to the gradient), acting in place on DJL parameter arrays:
 * <pre>
 *   g ← g + wd·p;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + eps)
 * </pre>
 * The state (step count t, and m and v per parameter) is kept in the optimiser's own manager, saved with
 * {@link #save} and restored bit for bit with {@link #load} (raw float32 values), so a resumed run continues exactly.
 * Parameters without a gradient are skipped (as PyTorch skips {@code p.grad is None}).
 */
public final class Adam implements AutoCloseable {
    public static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;
    private static final int MAGIC = 0x4d33_4144;   // "M3AD"

    private final NDManager manager;
    private final List<Parameter> params;
    private final double weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private long step;

    /** An optimiser over {@code params} (their arrays must be initialised). */
    public Adam(List<Parameter> params, double weightDecay) {
        this.params = List.copyOf(params);
        this.weightDecay = weightDecay;
        this.manager = params.get(0).getArray().getManager().newSubManager();
        for (Parameter p : this.params) {
            NDArray a = p.getArray();
            m.put(p.getName(), manager.zeros(a.getShape(), a.getDataType()));
            v.put(p.getName(), manager.zeros(a.getShape(), a.getDataType()));
        }
    }

    /** Updates taken so far (PyTorch's {@code state['step']}). */
    public long step() { return step; }

    /** One update with learning rate {@code lr} from the parameters' current gradients. */
    public void update(double lr) {
        // libtorch's grad mode is per thread and on by default; DJL turns it off only on the thread that started the
        // engine, so an update from another thread (a notebook cell, a worker) must turn it off itself for the
        // in-place changes of the leaf parameters (restored after)
        boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            apply(lr);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
        }
    }

    private void apply(double lr) {
        step++;
        double bc1 = 1 - Math.pow(BETA1, step), bc2 = 1 - Math.pow(BETA2, step);
        double stepSize = lr / bc1, bc2Sqrt = Math.sqrt(bc2);
        for (Parameter p : params) {
            NDArray w = p.getArray();
            try (NDManager s = manager.newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(s);
                if (weightDecay != 0) {
                    NDArray decay = w.mul((float) weightDecay);
                    decay.attach(s);
                    g = g.add(decay);
                }
                NDArray mm = m.get(p.getName()), vv = v.get(p.getName());
                mm.muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
                vv.muli((float) BETA2).addi(g.mul(g).muli((float) (1 - BETA2)));
                NDArray denom = vv.sqrt();
                denom.attach(s);
                denom.divi((float) bc2Sqrt).addi((float) EPS);
                NDArray delta = mm.div(denom);
                delta.attach(s);
                delta.muli((float) stepSize);
                w.subi(delta);
            }
        }
    }

    /** Sets every parameter's gradient to exactly zero, NaN and ±Inf included ({@code x⁰ = 1} for every x). */
    public static void zeroGradients(List<Parameter> params) {
        for (Parameter p : params) {
            NDArray w = p.getArray();
            NDArray g;
            try {
                g = w.getGradient();
            } catch (RuntimeException e) {
                continue;   // no gradient yet
            }
            if (g == null) continue;
            g.powi(0).subi(1);
            g.close();
        }
    }

    /** Whether every gradient of {@code params} is finite. */
    public static boolean gradientsFinite(List<Parameter> params) {
        for (Parameter p : params) {
            NDArray g;
            try {
                g = p.getArray().getGradient();
            } catch (RuntimeException e) {
                continue;
            }
            if (g == null) continue;
            try (NDManager s = g.getManager().newSubManager()) {
                g.attach(s);
                if (!Double.isFinite(g.sum().toType(DataType.FLOAT64, false).getDouble())) return false;
            }
        }
        return true;
    }

    /** Writes t, and m and v of every parameter (by name, shape, raw float32), atomically. */
    public void save(Path file) {
        AtomicFiles.write(file, os -> {
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os));
            out.writeInt(MAGIC);
            out.writeLong(step);
            out.writeInt(params.size());
            for (Parameter p : params) {
                out.writeUTF(p.getName());
                long[] shape = p.getArray().getShape().getShape();
                out.writeInt(shape.length);
                for (long d : shape) out.writeLong(d);
                for (NDArray a : new NDArray[]{m.get(p.getName()), v.get(p.getName())}) {
                    for (float f : a.toType(DataType.FLOAT32, false).toFloatArray()) out.writeInt(Float.floatToRawIntBits(f));
                }
            }
            out.flush();
        });
    }

    /** Restores the state written by {@link #save}; the parameters must be the same, by name and shape. */
    public void load(Path file) {
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
            if (in.readInt() != MAGIC) throw new InputException(file + ": not a mask3d optimiser state");
            long t = in.readLong();
            int n = in.readInt();
            if (n != params.size()) throw new InputException(file + ": " + n + " parameters, the network has " + params.size());
            for (Parameter p : params) {
                String name = in.readUTF();
                if (!name.equals(p.getName())) throw new InputException(file + ": parameter '" + name + "', expected '" + p.getName() + "'");
                long[] shape = new long[in.readInt()];
                for (int i = 0; i < shape.length; i++) shape[i] = in.readLong();
                if (!new Shape(shape).equals(p.getArray().getShape())) {
                    throw new InputException(file + ": " + name + " has shape " + new Shape(shape) + ", expected " + p.getArray().getShape());
                }
                int size = (int) new Shape(shape).size();
                for (Map<String, NDArray> target : List.of(m, v)) {
                    float[] f = new float[size];
                    for (int i = 0; i < size; i++) f[i] = Float.intBitsToFloat(in.readInt());
                    NDArray old = target.put(name, HostArrays.of(manager, f, new Shape(shape)));
                    if (old != null) old.close();
                }
            }
            step = t;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException("optimiser state missing: " + file);
        } catch (IOException e) {
            throw new InputException(file + ": unreadable or truncated optimiser state (" + e.getMessage() + ")", e);
        }
    }

    @Override public void close() { manager.close(); }
}
