package org.mask3d.eval;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mask3d.geometry.Camera;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiRenderer;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.PlaneSweeper;
import org.mask3d.render.Psv;
import org.mask3d.render.Rendering;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Planted defects still fail the parity check under the default tolerances ({@link ParityTolerances#defaults()}:
 * derived from the release's spread when bundled, hand-set otherwise), while the same plumbing without a defect passes.
 *
 * <p>Each defect is planted beneath the real comparison: {@link ParityCase#withSweeper} hands the real
 * {@link PlaneSweep} a shifted reference camera, reversed depths or transposed intrinsics, and the renderer given to
 * {@link ParityCase#check(MpiRenderer, ParityTolerances)} hands the real {@link CpuRenderer} an MPI with its planes
 * reversed or cameras with transposed intrinsics. Without networks the sweep feeds psv and the renderer rgb and
 * fg_acc_alpha; with the networks the sweep feeds every array after depths (the rendering is then the pipeline's own).
 */
public class ParityDefectTest {
    /** A defect in the inputs of the real plane sweep and the real CPU renderer. */
    enum Defect {
        /** None: the wrappers alone, which must change nothing. */
        NONE(c -> c, false, c -> c),
        /** The sweep's reference pixel grid at the pixel corners (x, y) instead of the centres (x + 0.5, y + 0.5). */
        HALF_PIXEL(c -> c, false, c -> c),
        /** The planes front to back where they should be back to front: the sweep's depths and the MPIs' planes reversed. */
        REVERSED_PLANES(c -> c, true, c -> c),
        /** Kᵀ for K, in every camera the sweep and the renderer see. */
        TRANSPOSED_K(ParityDefectTest::transposedK, false, ParityDefectTest::transposedK);

        final UnaryOperator<Camera> sweepCameras;
        final boolean reversePlanes;
        final UnaryOperator<Camera> renderCameras;

        Defect(UnaryOperator<Camera> sweepCameras, boolean reversePlanes, UnaryOperator<Camera> renderCameras) {
            this.sweepCameras = sweepCameras;
            this.reversePlanes = reversePlanes;
            this.renderCameras = renderCameras;
        }

        PlaneSweeper sweeper() {
            Defect d = this;
            return new PlaneSweeper() {
                @Override public Psv sweep(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths, PlaneSweep.Sampling sampling) {
                    List<Camera> cams = cameras.stream().map(d.sweepCameras).toList();
                    Camera r = d.sweepCameras.apply(ref);
                    // K_ref⁻¹ (x + 0.5 − (cx + 0.5)) = K_ref⁻¹ applied to x − cx: the grid at the pixels' corners
                    if (d == HALF_PIXEL) r = shiftedPrincipalPoint(r, 0.5);
                    return PlaneSweep.cpu().sweep(images, cams, r, d.reversePlanes ? reversed(depths) : depths, sampling);
                }

                @Override public String name() { return "cpu+" + d; }
            };
        }

        MpiRenderer renderer() {
            Defect d = this;
            CpuRenderer cpu = new CpuRenderer();
            return new MpiRenderer() {
                @Override public Rendering render(Mpi mpi, Camera target) {
                    Mpi m = new Mpi(d.reversePlanes ? reversedPlanes(mpi.rgba(), mpi.planes()) : mpi.rgba(), mpi.planes(),
                            mpi.height(), mpi.width(), mpi.depths(), d.renderCameras.apply(mpi.ref()));
                    return cpu.render(m, d.renderCameras.apply(target));
                }

                @Override public String name() { return "cpu+" + d; }
            };
        }
    }

    static Camera transposedK(Camera c) {
        double[] k = c.k(), t = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) t[3 * i + j] = k[3 * j + i];
        return new Camera(t, c.w2c(), c.width(), c.height());
    }

    static Camera shiftedPrincipalPoint(Camera c, double by) {
        double[] k = c.k();
        k[2] += by;
        k[5] += by;
        return new Camera(k, c.w2c(), c.width(), c.height());
    }

    static double[] reversed(double[] d) {
        double[] r = new double[d.length];
        for (int i = 0; i < d.length; i++) r[i] = d[d.length - 1 - i];
        return r;
    }

    /** [D, H, W, 4] with the D axis reversed. */
    static float[] reversedPlanes(float[] rgba, int planes) {
        int n = rgba.length / planes;
        float[] out = new float[rgba.length];
        for (int p = 0; p < planes; p++) System.arraycopy(rgba, p * n, out, (planes - 1 - p) * n, n);
        return out;
    }

    static ParityCase fixtureCase(String name) {
        Path f = ParityCaseTest.fixture(name);
        Assumptions.assumeTrue(f != null, "parity fixture " + name + " not found beside the checkout: skipped");
        return ParityCase.load(f);
    }

    /** Asserts exactly {@code failing} fail, each by at least {@code factor} × its tolerance; prints every ratio. */
    static void assertFails(String label, List<ParityCase.ArrayError> errors, Set<String> failing, double factor) {
        List<String> wrong = new ArrayList<>();
        for (ParityCase.ArrayError e : errors) {
            double ratio = e.maxAbsError() / e.tolerance();
            System.out.printf(Locale.ROOT, "planted %-36s %-13s max |err| %.3e  tolerance %.1e  ratio %9.3g  > 1e-5: %7d / %-8d %s%n",
                    label, e.name(), e.maxAbsError(), e.tolerance(), ratio, e.above1e5(), e.count(), e.ok() ? "ok" : "FAIL");
            boolean shouldFail = failing.contains(e.name());
            if (shouldFail == e.ok()) wrong.add(e.name() + (shouldFail ? " passed" : " failed") + " (" + e + ")");
            else if (shouldFail && !(ratio >= factor)) wrong.add(e.name() + " failed by only " + ratio + " × its tolerance, expected ≥ " + factor);
        }
        assertTrue(wrong.isEmpty(), label + ": " + wrong);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "shared-a.npz, NONE,",
            "shared-a.npz, HALF_PIXEL,      psv",
            "shared-a.npz, REVERSED_PLANES, psv rgb fg_acc_alpha",
            "shared-a.npz, TRANSPOSED_K,    psv rgb fg_acc_alpha",
            "shared-b.npz, NONE,",
            "shared-b.npz, HALF_PIXEL,      psv",
            "shared-b.npz, REVERSED_PLANES, psv rgb fg_acc_alpha",
            "shared-b.npz, TRANSPOSED_K,    psv rgb fg_acc_alpha",
    })
    void withoutNetworks(String fixture, Defect defect, String failing) {
        ParityCase pc = fixtureCase(fixture).withSweeper(defect.sweeper());
        ParityTolerances tol = ParityTolerances.defaults();
        List<ParityCase.ArrayError> errors = pc.check(defect.renderer(), tol);
        assertEquals(List.of("depths", "psv", "rgb", "fg_acc_alpha"), errors.stream().map(ParityCase.ArrayError::name).toList());
        assertFails(fixture + " " + defect, errors, failing == null ? Set.of() : Set.of(failing.trim().split("\\s+")), 100);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"shared-a, NONE", "shared-a, HALF_PIXEL", "shared-a, REVERSED_PLANES", "shared-a, TRANSPOSED_K",
            "shared-b, NONE", "shared-b, HALF_PIXEL", "shared-b, REVERSED_PLANES", "shared-b, TRANSPOSED_K"})
    void withNetworks(String fixture, Defect defect) {
        Path ckpt = ParityCaseTest.fixture(fixture + ".ckpt");
        ParityCase pc = fixtureCase(fixture + ".npz").withSweeper(defect.sweeper());
        Assumptions.assumeTrue(ckpt != null, "parity checkpoint " + fixture + ".ckpt not found beside the checkout: skipped");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            var mpi = org.mask3d.model.Networks.initialize(new org.mask3d.model.MpiNet3d(), m, ai.djl.ndarray.types.DataType.FLOAT32);
            var mask = org.mask3d.model.Networks.initialize(new org.mask3d.model.MaskNet3d(), m, ai.djl.ndarray.types.DataType.FLOAT32);
            org.mask3d.model.Checkpoints.load(ckpt, "ckpt", mpi, mask);
            var errors = pc.checkWithNetworks(mpi, mask, ParityTolerances.defaults());
            Set<String> failing = defect == Defect.NONE ? Set.of()
                    : Set.of("psv", "mpinet_out", "mpi_fg", "mpi_bg", "mask", "rgb", "fg_acc_alpha");
            assertFails(fixture + " " + defect + " (networks)", errors, failing, 10);
        }
    }

    /**
     * How small a shift of the sweep's reference grid the psv comparison still catches under the default tolerances
     * (printed for the record; asserted down to 0.01 px, a fiftieth of the planted defect).
     */
    @org.junit.jupiter.api.Test void smallerShiftsOfTheReferenceGrid() {
        ParityCase pc = fixtureCase("shared-a.npz");
        ParityTolerances tol = ParityTolerances.defaults();
        double smallestCaught = Double.NaN;
        for (double shift : new double[]{0.5, 0.1, 0.03, 0.01, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5}) {
            PlaneSweeper shifted = new PlaneSweeper() {
                @Override public Psv sweep(List<float[]> images, List<Camera> cameras, Camera ref, double[] depths, PlaneSweep.Sampling sampling) {
                    return PlaneSweep.cpu().sweep(images, cameras, shiftedPrincipalPoint(ref, shift), depths, sampling);
                }

                @Override public String name() { return "cpu+shift"; }
            };
            ParityCase.ArrayError psv = pc.withSweeper(shifted).check(tol).get(1);
            assertEquals("psv", psv.name());
            System.out.printf(Locale.ROOT, "reference grid shifted by %.0e px: psv max |err| %.3e (tolerance %.1e, %d values > 1e-5) %s%n",
                    shift, psv.maxAbsError(), psv.tolerance(), psv.above1e5(), psv.ok() ? "ok" : "FAIL");
            if (shift >= 0.01) assertFalse(psv.ok(), "a shift of " + shift + " px passed: " + psv);
            if (!psv.ok() && (Double.isNaN(smallestCaught) || shift < smallestCaught)) smallestCaught = shift;
        }
        System.out.println("smallest reference-grid shift caught on shared-a: " + smallestCaught + " px");
    }

    @org.junit.jupiter.api.Test void theWrappersReachTheRealComputation() {
        // the planted sweep is the real one: with no defect it gives exactly PlaneSweep.cpu()'s volume
        ParityCase pc = fixtureCase("shared-b.npz");
        assertArrayEquals(pc.psv().data(), pc.withSweeper(Defect.NONE.sweeper()).psv().data());
        assertFalse(Arrays.equals(pc.psv().data(), pc.withSweeper(Defect.HALF_PIXEL.sweeper()).psv().data()));
    }
}
