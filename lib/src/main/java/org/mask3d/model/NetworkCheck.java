package org.mask3d.model;

import org.mask3d.render.Psv;

import java.io.PrintStream;
import java.util.Random;

/**
 * A candidate network backend checked against a reference one before it is used: both run MPINet3d (+ head) and, where
 * both have it, MaskNet3d on one small random volume; the candidate is kept only if it answers without error and
 * within the tolerance. {@link Device#networks} checks mask3d's CUDA networks against DJL this way, so a GPU whose
 * driver, PTX or arithmetic misbehaves falls back to the CPU with one line instead of rendering wrong images.
 */
public final class NetworkCheck {
    private NetworkCheck() {}

    /** Planes × height × width of the check volume (the smallest the U-Net takes, with an odd coarse level). */
    public static final int D = 8, H = 20, W = 28;

    /** The outcome: kept or not, the largest differences found, and why not. */
    public record Result(boolean ok, double mpiError, double maskError, String reason) {}

    /** A random volume with the sweep's value range: colours in [0, 1] and −1 outside a view. */
    static Psv volume(int views, long seed) {
        Random r = new Random(seed);
        float[] d = new float[3 * views * D * H * W];
        for (int i = 0; i < d.length; i++) d[i] = r.nextInt(10) == 0 ? -1f : r.nextFloat();
        return new Psv(d, views, D, H, W);
    }

    /** Runs both backends on the check volumes and compares. */
    public static Result compare(NetworkBackend candidate, NetworkBackend reference, double tolerance) {
        try {
            Psv p12 = volume(4, 11);
            double mpi = maxDiff(candidate.mpi(p12.views(0, 2)), reference.mpi(p12.views(0, 2)));
            double mask = candidate.hasMaskNet() && reference.hasMaskNet() ? maxDiff(candidate.mask(p12), reference.mask(p12)) : 0;
            if (!(mpi <= tolerance) || !(mask <= tolerance)) {
                return new Result(false, mpi, mask, String.format(java.util.Locale.ROOT,
                        "differs from %s by %.2g (MPI) / %.2g (mask), over %.0g", reference.name(), mpi, mask, tolerance));
            }
            return new Result(true, mpi, mask, "");
        } catch (RuntimeException | LinkageError e) {
            return new Result(false, Double.NaN, Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * The candidate if it passes {@link #compare}, else the reference (the candidate closed); one line to {@code log}
     * either way.
     */
    public static NetworkBackend checked(NetworkBackend candidate, NetworkBackend reference, double tolerance, PrintStream log) {
        Result r = compare(candidate, reference, tolerance);
        if (r.ok()) {
            log.printf(java.util.Locale.ROOT, "networks: %s (checked against %s on a %dx%dx%d volume: max |diff| %.1e MPI, %.1e mask)%n",
                    candidate.name(), reference.name(), D, H, W, r.mpiError(), r.maskError());
            return candidate;
        }
        log.println("networks: " + reference.name() + " (" + candidate.name() + " not used: " + r.reason() + ")");
        try {
            candidate.close();
        } catch (RuntimeException ignored) {
            // already failing: the reference is what matters now
        }
        return reference;
    }

    static double maxDiff(float[] a, float[] b) {
        if (a.length != b.length) return Double.POSITIVE_INFINITY;
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double e = Math.abs(a[i] - b[i]);
            if (!(e <= m)) m = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
        }
        return m;
    }
}
