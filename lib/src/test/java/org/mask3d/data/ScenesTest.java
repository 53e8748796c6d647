package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;

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

    /**
     * {@link Scene#poses}: a scene read from an LLFF file gives the file's rows as read, a resized scene its source's,
     * a scene without a file the rows made from its cameras (whose {@code toCamera} is the camera in the released
     * code's reflected world: relative poses unchanged).
     */
    @Test void posesAreTheFilesRowsOrMadeFromTheCameras() throws Exception {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(32, 18, 1, 3, 0.1, 2, 0));
        List<Llff.PoseBounds> made = rig.poses();
        assertEquals(3, made.size());
        for (int c = 0; c < 3; c++) {
            Camera cam = rig.cameras().get(c);
            Llff.PoseBounds p = made.get(c);
            assertArrayEquals(Llff.PoseBounds.fromCamera(cam, rig.nears()[c], rig.fars()[c]).toRow(), p.toRow(), 0.0);
            assertArrayEquals(cam.relativeTo(rig.cameras().get(0)),
                    p.toCamera(32).relativeTo(made.get(0).toCamera(32)), 1e-12);
        }
        Path dir = tmp.resolve("rig");
        rig.write(dir, 2, null);
        List<Llff.PoseBounds> file = Llff.read(dir.resolve("poses_bounds.npy"));
        VideoFolderScene folder = VideoFolderScene.open(dir);
        assertSame(folder.poses(), ((Scene) folder).poses());
        for (int c = 0; c < 3; c++) assertArrayEquals(file.get(c).toRow(), folder.poses().get(c).toRow(), 0.0);
        PackedScene.pack(folder, folder.poses(), tmp.resolve("pack"), null);
        try (PackedScene packed = PackedScene.open(tmp.resolve("pack"))) {
            for (int c = 0; c < 3; c++) assertArrayEquals(file.get(c).toRow(), packed.poses().get(c).toRow(), 0.0);
        }
        Scene half = ResizedScene.of(folder, 16, 9);
        assertSame(folder.poses(), half.poses());
        try (AuthorsH5Scene h5 = AuthorsH5Scene.open(resource("released/train/scene003.h5"))) {
            List<Llff.PoseBounds> npy = Llff.read(resource("released/train/scene003_pb.npy"));
            for (int c = 0; c < 3; c++) assertArrayEquals(npy.get(c).toRow(), ((Scene) h5).poses().get(c).toRow(), 0.0);
        }
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
