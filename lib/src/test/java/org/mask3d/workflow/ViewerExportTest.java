package org.mask3d.workflow;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.data.SyntheticRig;
import org.mask3d.eval.EvalMethod;
import org.mask3d.eval.EvalSession;
import org.mask3d.model.Device;
import org.mask3d.model.MaskPipeline;
import org.mask3d.render.MpiAtlas;
import org.mask3d.render.ViewerFolder;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The viewer export stores exactly the evaluation's MPIs (8-bit), the background once, and the rig's cameras. */
class ViewerExportTest {
    @TempDir Path tmp;

    @Test void exportHoldsTheEvaluationsMpisQuantised() {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(48, 32, 1, 3, 0.1, 3, 5));
        try (NDManager m = NDManager.newBaseManager();
             MaskPipeline p = new MaskPipeline(NovelViewVideo.newMpiNet(m), NovelViewVideo.newMaskNet(m), Device.cpu(), m)) {
            var o = new ViewerExport.Options(48, 32, new int[]{1, 2}, 1, 3, 8, 12);
            ViewerExport.Result r = ViewerExport.export(rig, p, o, tmp, null);
            assertEquals(2, r.frames());
            assertTrue(r.bytesPerFrame() > 0 && r.bytes() > r.bytesPerFrame());
            ViewerFolder f = ViewerFolder.read(tmp);
            var man = f.manifest();
            assertEquals(java.util.List.of(1, 2), man.frames().stream().map(ViewerFolder.Frame::t).toList());
            assertEquals(8, man.planes());
            assertEquals(1, man.referenceIndex());
            assertEquals(rig.cameras(), man.cameras());
            assertEquals(rig.cameras().get(1), man.reference());
            assertEquals(12, man.fps());
            try (EvalSession s = new EvalSession(rig, new int[]{1, 2}, 8, p, EvalSession.Mask2dSettings.defaults())) {
                var fm = s.frameMpis(2);
                assertArrayEquals(MpiAtlas.quantised(EvalSession.methodMpi(EvalMethod.MASK3D, fm)).rgba(), f.blend(1).rgba());
                assertArrayEquals(MpiAtlas.quantised(fm.dynamic()).rgba(), f.dynamic(1).rgba());
                assertArrayEquals(MpiAtlas.quantised(fm.background()).rgba(), f.background().rgba());
                float[] mask = f.mask(1).values();
                for (int i = 0; i < mask.length; i++) assertEquals(fm.mask3d()[i], mask[i], 0.5f / 255 + 1e-6f);
            }
            assertTrue(Files.exists(tmp.resolve("data.js")));
            assertThrows(InputException.class, () -> ViewerExport.export(rig, p, o.withFrames(2, 9), tmp.resolve("x"), null));
        }
    }
}
