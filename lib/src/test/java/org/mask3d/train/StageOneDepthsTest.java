package org.mask3d.train;

import org.junit.jupiter.api.Test;
import org.mask3d.InputException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** stage1_depths: the scene's bounds by default on a scene, the released 1..100 as an option, with a warning. */
class StageOneDepthsTest {
    private static final double[] COLMAP_SCENE = {131.4, 1380};   // bounds of a scene spanning 146..690 units

    private static String printed(Runnable r) {
        PrintStream o = System.out;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
            r.run();
        } finally {
            System.setOut(o);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static TrainConfig cfg(String mode) {
        return TrainConfig.resolve(TrainConfig.Stage.MPI, null, Map.of("stage1_depths", mode));
    }

    @Test void autoTakesTheScenesBoundsAndKeepsTheReleasedRangeElsewhere() {
        assertArrayEquals(COLMAP_SCENE, MpiTraining.planeDepths(cfg("auto"), "scene", COLMAP_SCENE));
        assertArrayEquals(COLMAP_SCENE, MpiTraining.planeDepths(cfg("scene"), "scene", COLMAP_SCENE));
        assertArrayEquals(new double[]{1, 100}, MpiTraining.planeDepths(cfg("auto"), "realestate", null));
        assertArrayEquals(new double[]{1, 100}, MpiTraining.planeDepths(cfg("auto"), "synthetic", null));
        assertEquals("auto", TrainConfig.defaults(TrainConfig.Stage.MPI).stage1Depths());
    }

    @Test void releasedOnAFarSceneWarns() {
        String out = printed(() -> assertArrayEquals(new double[]{1, 100}, MpiTraining.planeDepths(cfg("released"), "scene", COLMAP_SCENE)));
        assertTrue(out.startsWith("warning: stage1_depths = released sweeps depths 1..100 but the scene spans 131.4..1380 (0% of its "
                + "disparity range covered): use stage1_depths = auto"), out);
        assertEquals("", printed(() -> MpiTraining.planeDepths(cfg("released"), "scene", new double[]{2, 80})), "a scene inside 1..100");
    }

    @Test void sceneWithoutAScene() {
        String e = assertThrows(InputException.class, () -> MpiTraining.planeDepths(cfg("scene"), "realestate", null)).getMessage();
        assertTrue(e.startsWith("stage1_depths = scene needs dataset_name = scene"), e);
        e = assertThrows(InputException.class, () -> cfg("colmap")).getMessage();
        assertTrue(e.contains("stage1_depths"), e);
    }
}
