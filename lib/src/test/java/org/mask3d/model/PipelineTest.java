package org.mask3d.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.data.MaskStageSampler;
import org.mask3d.data.SyntheticRig;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneConstants;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.render.DjlPlaneSweep;
import org.mask3d.render.Mpi;
import org.mask3d.render.PlaneSweep;
import org.mask3d.render.Psv;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The stage pipelines: channel order, backends behind their interfaces, inference against the differentiable path, loading. */
class PipelineTest {
    @TempDir Path tmp;

    private static final SyntheticRig RIG = new SyntheticRig(new SyntheticRig.Options(40, 24, 2, 3, 0.1, 2, 3));

    private static MaskPipeline.Views views() {
        return MaskPipeline.Views.of(new MaskStageSampler(List.of(RIG)).sample(0, 1, 4, 0, 1));
    }

    private static double[] depths(int planes) {
        double[] bd = RIG.depthBounds();
        return PlaneDepths.inverseLinear(bd[0], bd[1], planes);
    }

    @Test void planeConstantsProjectAPointOnAPlaneToWhereTheSourceSeesIt() {
        Camera ref = RIG.cameras().get(0), src = RIG.cameras().get(4);
        double[] depths = {2.5, 7.0};
        PlaneConstants pc = PlaneConstants.of(List.of(ref, src), ref, depths);
        assertEquals(2, pc.views());
        double px = 13.5, py = 7.5;
        for (int d = 0; d < depths.length; d++) {
            // the reference pixel's ray at depth d, in world coordinates, projected by the source camera
            double[] xr = Mat.apply(Mat.inverse(ref.k()), new double[]{px * depths[d], py * depths[d], depths[d]});
            double[] world = Mat.apply(ref.c2w(), new double[]{xr[0], xr[1], xr[2], 1});
            double[] xs = Mat.apply(src.w2c(), world);
            double[] p = Mat.apply(src.k(), new double[]{xs[0], xs[1], xs[2]});
            double[] a = pc.a(1, d), b = pc.b(1);
            for (int i = 0; i < 3; i++) {
                double q = a[3 * i] * px + a[3 * i + 1] * py + a[3 * i + 2] + b[i];
                assertEquals(p[i], q, 1e-9 * Math.max(1, Math.abs(p[i])), "row " + i + " plane " + d);
            }
            // the reference itself: A = d·I, b = 0
            double[] self = pc.a(0, d);
            assertEquals(depths[d], self[0], 1e-12);
            assertEquals(0, self[1], 1e-12);
            assertEquals(0, pc.b(0)[2], 1e-12);
        }
        double[] packed = pc.packed();
        assertEquals(12 * 2 * 2, packed.length);
        assertArrayEquals(pc.a(1, 1), java.util.Arrays.copyOfRange(packed, 12 * 3, 12 * 3 + 9));
    }

    @Test void theSweepBackendsAgreeBehindTheInterface() {
        MaskPipeline.Views v = views();
        double[] depths = depths(6);
        Psv cpu = MaskPipeline.sweep(PlaneSweep.cpu(), v, depths);
        Psv djl = MaskPipeline.sweep(DjlPlaneSweep.host(), v, depths);
        assertEquals(4, cpu.views());
        assertEquals(MaskPipeline.CHANNELS, cpu.channels());
        double max = 0;
        for (int i = 0; i < cpu.data().length; i++) max = Math.max(max, Math.abs(cpu.data()[i] - djl.data()[i]));
        assertTrue(max < 1e-5, "cpu vs djl sweep: " + max);
        // the channel order: frames first (views 0, 1), then backgrounds (views 2, 3)
        Psv frames = PlaneSweep.cpu().sweep(List.of(v.frame0(), v.frame1()), List.of(v.source0(), v.source1()), v.source0(),
                depths, PlaneSweep.Sampling.RELEASED);
        Psv bgs = PlaneSweep.cpu().sweep(List.of(v.background0(), v.background1()), List.of(v.source0(), v.source1()), v.source0(),
                depths, PlaneSweep.Sampling.RELEASED);
        assertArrayEquals(cpu.data(), MaskPipeline.stack(frames, bgs).data());
        assertArrayEquals(frames.data(), cpu.views(0, 2).data());
        assertThrows(IllegalArgumentException.class, () -> MaskPipeline.stack(cpu, frames));
    }

    @Test void aVolumeOfTheWrongSizeIsRefusedWithItsShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Psv(new float[10], 2, 3, 4, 5));
        assertTrue(e.getMessage().contains("[6,3,4,5]"), e.getMessage());
    }

    @Test void inferenceGivesWhatTheDifferentiablePassGives() {
        MaskPipeline.Views v = views();
        double[] depths = depths(8);
        Camera target = RIG.cameras().get(4);
        try (NDManager m = NDManager.newBaseManager(); Device dev = Device.cpu();
             MaskPipeline p = new MaskPipeline(Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32),
                     Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32), dev, m)) {
            MaskPipeline.Output o = p.forward(m, v, depths, target);
            Psv frames = p.sweepPair(v.frame0(), v.frame1(), v.source0(), v.source1(), depths);
            Psv bgs = p.sweepPair(v.background0(), v.background1(), v.source0(), v.source1(), depths);
            Mpi dyn = p.dynamicMpi(frames, depths, v.source0());
            Mpi bg = p.backgroundMpi(bgs, depths, v.source0());
            float[] mask = p.mask(frames, bgs);
            assertClose(o.mpiFg().toFloatArray(), dyn.rgba(), 1e-5, "dynamic MPI");
            assertClose(o.mpiBg().toFloatArray(), bg.rgba(), 1e-5, "background MPI");
            assertClose(o.mask().toFloatArray(), mask, 1e-5, "mask");
            float[] rendered = p.renderer().render(MaskPipeline.blend(dyn, bg, mask), target).rgb();
            assertClose(o.rgb().toFloatArray(), rendered, 1e-4, "blended render");
            // stage 1 on the same network is the per-frame MPI
            assertClose(dyn.rgba(), p.stage1().mpi(List.of(v.frame0(), v.frame1()), List.of(v.source0(), v.source1()), depths).rgba(),
                    0, "stage 1 = dynamic MPI");
        }
    }

    @Test void oneLoaderReadsCheckpointFilesAndFolders() {
        try (NDManager m = NDManager.newBaseManager()) {
            MpiNet3d mpi = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            MaskNet3d mask = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
            Path file = tmp.resolve("export.pth"), dir = tmp.resolve("ck");
            Networks.exportStateDict(file, Map.of("models.mpi_net.", mpi, "models.mask_net.", mask));
            ModelCheckpoint.save(dir, Map.of("mpi_net", mpi, "mask_net", mask), Map.of());
            for (Path from : List.of(file, dir)) {
                MpiNet3d a = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
                MaskNet3d b = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
                Checkpoints.load(from, "", a, b);
                for (var e : Networks.weights(mpi).entrySet()) assertArrayEquals(e.getValue().data(), Networks.weights(a).get(e.getKey()).data(), from + " " + e.getKey());
                for (var e : Networks.weights(mask).entrySet()) assertArrayEquals(e.getValue().data(), Networks.weights(b).get(e.getKey()).data(), from + " " + e.getKey());
            }
            MpiNet3d only = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
            Checkpoints.load(dir, "mpi_model", Checkpoints.Net.MPI_NET, only);
            assertArrayEquals(Networks.weights(mpi).values().iterator().next().data(), Networks.weights(only).values().iterator().next().data());
            InputException e = assertThrows(InputException.class,
                    () -> Checkpoints.load(tmp.resolve("nope.ckpt"), "mpi_model", Checkpoints.Net.MPI_NET, only));
            assertEquals("mpi_model: checkpoint not found: " + tmp.resolve("nope.ckpt"), e.getMessage());
        }
        try (MaskPipeline p = MaskPipeline.open(null, "", Device.cpu())) {
            assertTrue(p.hasMaskNet());
        }
    }

    private static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double max = 0;
        for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - got[i]));
        assertTrue(max <= tol, what + ": max |error| " + max + " > " + tol);
    }
}
