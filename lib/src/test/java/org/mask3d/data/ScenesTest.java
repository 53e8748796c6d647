package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ScenesTest {
    @TempDir Path tmp;

    static Path resource(String rel) throws Exception {
        return Path.of(ScenesTest.class.getResource("/h5/" + rel).toURI());
    }

    @Test void opensEachKindByWhatThePathHolds() throws Exception {
        Path rig = tmp.resolve("rig");
        new SyntheticRig(new SyntheticRig.Options(32, 18, 1, 3, 0.1, 2, 0)).write(rig, 2, null);
        VideoFolderScene folder = VideoFolderScene.open(rig);
        PackedScene.pack(folder, folder.poses(), tmp.resolve("pack"), null);
        assertInstanceOf(VideoFolderScene.class, Scenes.open(rig));
        assertInstanceOf(PackedScene.class, Scenes.open(tmp.resolve("pack")));
        assertInstanceOf(AuthorsH5Scene.class, Scenes.open(resource("released/train/scene003.h5")));
        assertEquals(2, Scenes.openAll(tmp).size());
        assertEquals(2, Scenes.openAll(resource("released")).size(), "released layout: ROOT/*/*.h5");
        assertThrows(InputException.class, () -> Scenes.openAll(tmp.resolve("rig/frames/cam00")));
    }

    @Test void checkReportsEveryBrokenH5() throws Exception {
        List<DatasetCheck.Report> r = DatasetCheck.scan(resource("bad"));
        assertTrue(r.size() >= 8, r.toString());
        for (DatasetCheck.Report x : r) {
            assertFalse(x.ok(), x.toString());
            assertTrue(x.problems().get(0).contains(x.path().getFileName().toString()), x.problems().get(0));
        }
        List<DatasetCheck.Report> ok = DatasetCheck.scan(resource("released"));
        assertEquals(2, ok.size());
        assertTrue(ok.stream().allMatch(DatasetCheck.Report::ok));
        assertTrue(ok.get(0).summary().contains("lzf"), ok.get(0).summary());
        assertFalse(DatasetCheck.scan(Files.createDirectories(tmp.resolve("empty"))).get(0).ok());
    }
}
