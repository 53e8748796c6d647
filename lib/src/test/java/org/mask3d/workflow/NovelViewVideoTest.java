package org.mask3d.workflow;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.SyntheticRig;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.io.Images;
import org.mask3d.model.Device;
import org.mask3d.model.MaskPipeline;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.PlaneSweep;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NovelViewVideoTest {
    @TempDir Path tmp;

    /** The video's blended view equals the stage-2 forward pass (MaskPipeline's differentiable path, the 12 channels assembled here independently) rendered at the same pose. */
    @Test void blendedViewEqualsTheStageTwoForwardPass() {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(48, 32, 1, 3, 0.1, 2, 5));
        try (NDManager m = NDManager.newBaseManager()) {
            var mpi = NovelViewVideo.newMpiNet(m);
            var mask = NovelViewVideo.newMaskNet(m);
            var o = new NovelViewVideo.Options(48, 32, new int[]{1, 2}, 30, 1, NovelViewVideo.Mode.BLEND);
            var r = NovelViewVideo.render(rig, mpi, mask, new CpuRenderer(), o, tmp, null);
            assertEquals(1, r.views());
            float[] frame = Images.readChw(r.framesDir().resolve("00000.png"));

            Camera c0 = rig.cameras().get(1), c1 = rig.cameras().get(2);
            double[] bd = rig.depthBounds();
            double[] depths = PlaneDepths.inverseLinear(bd[0], bd[1], 32);
            float[] psv = PlaneSweep.volume(List.of(rig.frame(1, 0), rig.frame(2, 0), rig.background(1), rig.background(2)),
                    List.of(c0, c1, c0, c1), c0, depths, PlaneSweep.Sampling.RELEASED);
            var out = new MaskPipeline(mpi, mask, Device.cpu(), m).forward(m, m.create(psv, new Shape(12, 32, 32, 48)), depths, c0,
                    r.path().get(0), new ParameterStore(m, false), false);
            float[] expect = out.rgb().toFloatArray();
            for (int i = 0; i < expect.length; i++) {
                float e = Math.round(Math.max(0, Math.min(1, expect[i])) * 255) / 255f;
                assertEquals(e, frame[i], 1.01f / 255, "pixel value " + i);
            }
        }
    }
}
