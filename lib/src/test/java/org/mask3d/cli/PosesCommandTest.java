package org.mask3d.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.data.ColmapPoses;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./mask3d poses} bad input; COLMAP on a real rig is tested in ColmapPosesTest. */
class PosesCommandTest {
    @TempDir Path tmp;

    @Test void helpAndBadFoldersAreOneLineErrors() throws Exception {
        CliTest.Run r = CliTest.run("poses", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:") && r.out().contains("--workdir"), r.out());

        r = CliTest.run("poses", tmp.resolve("missing").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("scene folder not found"), r.err());

        Files.createDirectories(tmp.resolve("s/frames"));
        r = CliTest.run("poses", tmp.resolve("s").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no camera folders"), r.err());

        r = CliTest.run("poses", tmp.resolve("s").toString(), "--frame", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--frame"), r.err());
    }

    @Test void aCameraWithoutTheFrameIsNamed() throws Exception {
        Assumptions.assumeTrue(ColmapPoses.available(), "colmap is not installed (apt-get install colmap)");
        for (int c = 0; c < 2; c++) Files.createDirectories(tmp.resolve("s/cam0" + c));
        Files.write(tmp.resolve("s/cam00/00000.png"), new byte[]{1});
        CliTest.Run r = CliTest.run("poses", tmp.resolve("s").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("cam01") && r.err().contains("no frame 0"), r.err());
    }
}
