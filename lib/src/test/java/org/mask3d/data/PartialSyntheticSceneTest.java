package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** synth writes poses_bounds.npy last, so an interrupted write is recognisably partial (the real full disk: DiskFullTest). */
class PartialSyntheticSceneTest {
    @TempDir Path tmp;

    @Test void anInterruptedWriteLeavesAPartialSceneThatTheCheckReports() throws Exception {
        SyntheticRig r = new SyntheticRig(new SyntheticRig.Options(32, 24, 1, 3, 0.08, 3, 1));
        Path dir = tmp.resolve("rig");
        r.write(dir, 2, null);
        List<DatasetCheck.Report> ok = DatasetCheck.scan(dir);
        assertTrue(ok.get(0).ok(), ok.toString());
        // a second write into the folder fails half-way (a folder where a frame goes): the old poses are gone first
        Files.delete(dir.resolve("frames/cam01/00002.png"));
        Files.createDirectories(dir.resolve("frames/cam01/00002.png/blocked"));
        assertThrows(RuntimeException.class, () -> r.write(dir, 2, null));
        assertFalse(Files.exists(dir.resolve("poses_bounds.npy")), "poses_bounds.npy comes last");
        assertTrue(Files.exists(dir.resolve("rig.txt")));
        for (Path scan : List.of(dir, tmp)) {   // the scene itself, and a folder of scenes
            List<DatasetCheck.Report> rep = DatasetCheck.scan(scan);
            assertEquals(1, rep.size(), rep.toString());
            assertFalse(rep.get(0).ok());
            String p = rep.get(0).problems().get(0);
            assertTrue(p.contains("partial synthetic scene") && p.contains(dir.toString()) && p.contains("poses_bounds.npy"), p);
        }
    }
}
