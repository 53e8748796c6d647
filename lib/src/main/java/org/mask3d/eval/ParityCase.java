package org.mask3d.eval;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.io.NpyArray;
import org.mask3d.io.Npz;
import org.mask3d.model.Device;
import org.mask3d.model.MaskPipeline;
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
import java.util.Map;

/**
 * A parity case produced by running the released PyTorch code (an {@code .npz} of inputs and expected outputs, see
 * the fixtures' README): recomputes every array it can from the case's inputs and compares.
 *
 * <p>Without network weights this covers {@code depths} (from {@code bd}), {@code psv} (the 12-channel plane-sweep
 * volume: frame v0, frame v1, background v0, background v1, released sampling), and {@code rgb} +
 * {@code fg_acc_alpha} (the blended and the masked dynamic MPI rendered at the target from the case's
 * {@code mpi_fg}, {@code mpi_bg}, {@code mask}).
 *
 * <p>Tolerances per array come from {@link ParityTolerances} (derived from the released code's own float32 spread
 * when that measurement is bundled); every comparison also counts the values above the old 1e-5 line.
 */
public final class ParityCase {
    /** One compared array: its name, shape and the maximum absolute error against the expected values. */
    public record ArrayError(String name, String shape, double maxAbsError, double tolerance, int above1e5, int count) {
        public boolean ok() { return maxAbsError <= tolerance; }
    }

    private final Path path;
    private final Map<String, NpyArray> arrays;
    private final int height, width;
    private final PlaneSweeper sweeper;

    private ParityCase(Path path, Map<String, NpyArray> arrays, PlaneSweeper sweeper) {
        this.path = path;
        this.arrays = arrays;
        this.sweeper = sweeper;
        NpyArray rgb = need("src_rgb").requireShape(path + ": src_rgb", 1, 2, 1, 3, -1, -1);
        this.height = rgb.dim(4);
        this.width = rgb.dim(5);
    }

    /** Loads a case; errors name the file and the array. */
    public static ParityCase load(Path npz) { return new ParityCase(npz, Npz.read(npz), PlaneSweep.cpu()); }

    /**
     * The same case recomputed with another plane-sweep backend (package-private: the planted-defect tests pass a
     * sweeper that shifts, reorders or transposes what the real {@link PlaneSweep} is given, so the check they run is
     * the real one).
     */
    ParityCase withSweeper(PlaneSweeper s) { return new ParityCase(path, arrays, s); }

    public int height() { return height; }
    public int width() { return width; }

    private NpyArray need(String key) { return Npz.require(arrays, key, path); }

    /** Source camera v (0 is the MPI reference). */
    public Camera sourceCamera(int v) {
        double[] w2c = need("src_w2c").requireShape(path + ": src_w2c", 2, 4, 4).doubles();
        double[] k = need("src_K").requireShape(path + ": src_K", 2, 3, 3).doubles();
        if (v < 0 || v > 1) throw new IllegalArgumentException("source camera must be 0 or 1, got " + v);
        checked("src_K[" + v + "] / src_w2c[" + v + "]", Arrays.copyOfRange(k, v * 9, v * 9 + 9), Arrays.copyOfRange(w2c, v * 16, v * 16 + 16));
        return new Camera(Arrays.copyOfRange(k, v * 9, v * 9 + 9), Arrays.copyOfRange(w2c, v * 16, v * 16 + 16), width, height);
    }

    public Camera targetCamera() {
        double[] k = need("tgt_K").requireShape(path + ": tgt_K", 3, 3).doubles();
        double[] w2c = need("tgt_w2c").requireShape(path + ": tgt_w2c", 4, 4).doubles();
        checked("tgt_K / tgt_w2c", k, w2c);
        return new Camera(k, w2c, width, height);
    }

    private void checked(String field, double[] k, double[] w2c) {
        String bad = Camera.problem(k, w2c);
        if (bad != null) throw new InputException(path + ": " + field + ": " + bad);
    }

    /** Number of planes: the length of the case's {@code depths} when it has one (the method's 32 otherwise). */
    public int planes() {
        NpyArray d = arrays.get("depths");
        return d == null ? PlaneDepths.DEFAULT_PLANES : d.size();
    }

    /** Plane depths from {@code bd} (near, far), {@link #planes()} planes linear in disparity. */
    public double[] depths() {
        double[] bd = need("bd").requireShape(path + ": bd", 2).doubles();
        if (!(Double.isFinite(bd[0]) && Double.isFinite(bd[1]) && bd[0] > 0 && bd[1] > bd[0])) {
            throw new InputException(path + ": bd must be [near, far] with 0 < near < far, finite, got [" + bd[0] + ", " + bd[1] + "]");
        }
        return PlaneDepths.inverseLinear(bd[0], bd[1], planes());
    }

    /** The stage-2 inputs of the case: the sources' frames ({@code src_rgb}) and backgrounds ({@code src_bg}), [3,H,W] each. */
    public MaskPipeline.Views views() {
        float[] rgb = need("src_rgb").floats(), bg = need("src_bg").requireShape(path + ": src_bg", 1, 2, 3, height, width).floats();
        int n = 3 * height * width;
        return new MaskPipeline.Views(Arrays.copyOfRange(rgb, 0, n), Arrays.copyOfRange(rgb, n, 2 * n),
                Arrays.copyOfRange(bg, 0, n), Arrays.copyOfRange(bg, n, 2 * n), sourceCamera(0), sourceCamera(1));
    }

    /** The case's 12-channel plane-sweep volume recomputed on the CPU (the stage-2 pipeline's sweep, released sampling). */
    public Psv psv() {
        return MaskPipeline.sweep(sweeper, views(), depths());
    }

    /** An MPI of the case ({@code mpi_fg} or {@code mpi_bg}) on the reference camera. */
    public Mpi mpi(String key) {
        NpyArray a = need(key).requireShape(path + ": " + key, planes(), height, width, 4);
        return new Mpi(a.floats(), a.dim(0), height, width, depths(), sourceCamera(0));
    }

    /**
     * The default tolerance for {@code psv}. The released code computes source pixel coordinates in float32
     * (u ≈ 60 px: ulp 3.8e-6, several roundings, so about 1e-5 px of noise); where a voxel straddles a view's
     * border its value moves by up to (colour + 1) ≤ 2 per pixel of coordinate, so float32 noise alone reaches
     * 2e-5 there. Interior voxels agree to 1e-5 (their sensitivity is a colour difference ≤ 1).
     */
    public static final double PSV_TOLERANCE = 3e-5;

    /** Compares depths and the 12-channel plane-sweep volume (released sampling); returns the volume. */
    private Psv checkGeometry(List<ArrayError> out, ParityTolerances tol, boolean withNetworks) {
        double[] depths = depths();
        out.add(compare("depths", toFloat(depths), tol.of("depths", withNetworks)));
        Psv psv = psv();
        out.add(compare("psv", psv.data(), tol.of("psv", withNetworks)));
        return psv;
    }

    /**
     * Recomputes and compares depths, psv, rgb and fg_acc_alpha.
     *
     * @param tolerance    max |error| for depths, rgb and fg_acc_alpha
     * @param psvTolerance max |error| for psv (see {@link #PSV_TOLERANCE})
     */
    public List<ArrayError> check(MpiRenderer renderer, double tolerance, double psvTolerance) {
        return check(renderer, ParityTolerances.uniform(tolerance, psvTolerance, tolerance));
    }

    /**
     * Recomputes depths and psv from the case's inputs, renders rgb and fg_acc_alpha from the case's own
     * {@code mpi_fg}, {@code mpi_bg} and {@code mask} with {@code renderer}, and compares each with the tolerance
     * {@code tol.of(array, false)}.
     */
    public List<ArrayError> check(MpiRenderer renderer, ParityTolerances tol) {
        List<ArrayError> out = new ArrayList<>();
        checkGeometry(out, tol, false);
        Mpi fg = mpi("mpi_fg"), bg = mpi("mpi_bg");
        float[] mask = need("mask").requireShape(path + ": mask", planes(), height, width).floats();
        Camera tgt = targetCamera();
        Rendering full = renderer.render(Mpi.blend(fg, bg, mask), tgt);
        out.add(compare("rgb", full.rgb(), tol.of("rgb", false)));
        Rendering masked = renderer.render(Mpi.masked(fg, mask), tgt);
        out.add(compare("fg_acc_alpha", masked.alpha(), tol.of("fg_acc_alpha", false)));
        return out;
    }

    /** {@link #check(MpiRenderer, ParityTolerances)} with the CPU renderer. */
    public List<ArrayError> check(ParityTolerances tol) { return check(new CpuRenderer(), tol); }

    /**
     * Every array of the case from its inputs and the networks alone: depths and psv (geometry, held to
     * {@code geometryTol} and {@code psvTol}), then MPINet3d on the frames' and the backgrounds' sweep
     * ({@code mpinet_out}, {@code mpi_fg}, {@code mpi_bg}), MaskNet3d ({@code mask}), and the rendering of the blended
     * and masked MPIs ({@code rgb}, {@code fg_acc_alpha}) — each from this implementation's own upstream arrays, held
     * to {@code networkTol}.
     */
    public List<ArrayError> checkWithNetworks(org.mask3d.model.MpiNet3d mpiNet, org.mask3d.model.MaskNet3d maskNet,
                                              double geometryTol, double psvTol, double networkTol) {
        return checkWithNetworks(mpiNet, maskNet, ParityTolerances.uniform(geometryTol, psvTol, networkTol));
    }

    /**
     * {@link #checkWithNetworks(org.mask3d.model.MpiNet3d, org.mask3d.model.MaskNet3d, double, double, double)} with
     * the tolerance {@code tol.of(array, true)} per array.
     */
    public List<ArrayError> checkWithNetworks(org.mask3d.model.MpiNet3d mpiNet, org.mask3d.model.MaskNet3d maskNet,
                                              ParityTolerances tol) {
        List<ArrayError> out = new ArrayList<>();
        Psv psv = checkGeometry(out, tol, true);
        double[] depths = depths();
        Camera c0 = sourceCamera(0);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
             MaskPipeline net = new MaskPipeline(mpiNet, maskNet, Device.cpu(), m)) {
            var o = net.forward(m, psv, depths, c0, targetCamera(), new ai.djl.training.ParameterStore(m, false), false);
            out.add(compare("mpinet_out", o.mpinetOut().toFloatArray(), tol.of("mpinet_out", true)));
            out.add(compare("mpi_fg", o.mpiFg().toFloatArray(), tol.of("mpi_fg", true)));
            out.add(compare("mpi_bg", o.mpiBg().toFloatArray(), tol.of("mpi_bg", true)));
            out.add(compare("mask", o.mask().toFloatArray(), tol.of("mask", true)));
            out.add(compare("rgb", o.rgb().toFloatArray(), tol.of("rgb", true)));
            out.add(compare("fg_acc_alpha", o.fgAlpha().toFloatArray(), tol.of("fg_acc_alpha", true)));
        }
        return out;
    }

    /** The errors as a table: array, shape, max |error|, tolerance, values above 1e-5, ok. */
    public static tech.tablesaw.api.Table table(String title, List<ArrayError> errors) {
        return tech.tablesaw.api.Table.create(title,
                tech.tablesaw.api.StringColumn.create("array", errors.stream().map(ArrayError::name).toList()),
                tech.tablesaw.api.StringColumn.create("shape", errors.stream().map(ArrayError::shape).toList()),
                tech.tablesaw.api.DoubleColumn.create("max_abs_error", errors.stream().mapToDouble(ArrayError::maxAbsError).toArray()),
                tech.tablesaw.api.DoubleColumn.create("tolerance", errors.stream().mapToDouble(ArrayError::tolerance).toArray()),
                tech.tablesaw.api.IntColumn.create("values_above_1e-5", errors.stream().mapToInt(ArrayError::above1e5).toArray()),
                tech.tablesaw.api.BooleanColumn.create("ok", errors.stream().map(ArrayError::ok).toList()));
    }

    /** {@link #check(MpiRenderer, double, double)} with the CPU renderer. */
    public List<ArrayError> check(double tolerance, double psvTolerance) {
        return check(new CpuRenderer(), tolerance, psvTolerance);
    }

    private ArrayError compare(String key, float[] actual, double tol) {
        NpyArray expected = need(key);
        if (expected.size() != actual.length) {
            throw new InputException(path + ": " + key + " has " + expected.size() + " values " + expected.shapeString()
                    + ", recomputed " + actual.length);
        }
        double max = 0;
        int above = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = Math.abs(actual[i] - expected.get(i));
            if (!(e <= max)) max = e;   // NaN propagates as the maximum
            if (!(e <= 1e-5)) above++;
        }
        return new ArrayError(key, expected.shapeString(), max, tol, above, actual.length);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
