package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.io.Images;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class WithBackgroundsTest {
    @TempDir Path tmp;

    static float[] solid(float v, int h, int w) {
        float[] a = new float[3 * h * w];
        for (int i = 0; i < a.length; i++) a[i] = v * (1 + i / (h * w)) / 3;
        return a;
    }

    @Test void backgroundsComeFromTheFolderInSortedOrderTheRestFromTheScene() throws Exception {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(32, 18, 1, 3, 0.1, 2, 0));
        Path bg = Files.createDirectories(tmp.resolve("bg"));
        Images.writePng(bg.resolve("cam00.png"), solid(0.3f, 18, 32), 3, 18, 32);
        Images.writePng(bg.resolve("cam01.PNG"), solid(0.6f, 18, 32), 3, 18, 32);
        Images.writePng(bg.resolve("cam02.png"), solid(0.9f, 36, 64), 3, 36, 64);   // another size: resized
        Files.writeString(bg.resolve("notes.txt"), "not an image");
        WithBackgrounds s = new WithBackgrounds(rig, bg);
        assertTrue(s.hasBackgrounds());
        assertEquals(rig.name(), s.name());
        assertEquals(java.util.List.of(bg.resolve("cam00.png"), bg.resolve("cam01.PNG"), bg.resolve("cam02.png")), s.files());
        assertArrayEquals(Images.readChw(bg.resolve("cam00.png")), s.background(0));
        assertArrayEquals(Images.readChw(bg.resolve("cam01.PNG")), s.background(1));
        float[] resized = s.background(2);
        assertEquals(3 * 18 * 32, resized.length);
        assertArrayEquals(Images.resizeLanczos(Images.readChw(bg.resolve("cam02.png")), 3, 36, 64, 18, 32), resized);
        assertEquals(0.9f / 3, resized[5 * 32 + 7], 2f / 255);
        // everything else is the base scene's
        assertArrayEquals(rig.frame(1, 1), s.frame(1, 1));
        assertArrayEquals(rig.foreground(2, 0), s.foreground(2, 0));
        assertEquals(rig.hasForeground(), s.hasForeground());
        assertSame(rig.cameras(), s.cameras());
        assertArrayEquals(rig.nears(), s.nears());
        assertArrayEquals(rig.fars(), s.fars());
        assertArrayEquals(rig.depthBounds(), s.depthBounds());
        assertEquals(rig.numFrames(), s.numFrames());
        for (int c = 0; c < 3; c++) assertArrayEquals(rig.poses().get(c).toRow(), s.poses().get(c).toRow(), 0.0);
    }

    @Test void posesAreTheBaseScenesFileRows() throws Exception {
        Path dir = tmp.resolve("rig");
        new SyntheticRig(new SyntheticRig.Options(32, 18, 1, 2, 0.1, 1, 0)).write(dir, 2, null);
        VideoFolderScene folder = VideoFolderScene.open(dir);
        assertSame(folder.poses(), new WithBackgrounds(folder, dir.resolve("background")).poses());
    }

    @Test void aMissingFolderOrAnotherCountIsOneClearLine() throws Exception {
        SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(32, 18, 1, 3, 0.1, 1, 0));
        InputException e = assertThrows(InputException.class, () -> new WithBackgrounds(rig, tmp.resolve("none")));
        assertEquals("background folder not found: " + tmp.resolve("none"), e.getMessage());
        Path bg = Files.createDirectories(tmp.resolve("bg"));
        Images.writePng(bg.resolve("a.png"), solid(0.5f, 18, 32), 3, 18, 32);
        e = assertThrows(InputException.class, () -> new WithBackgrounds(rig, bg));
        assertEquals(bg + ": 1 background images, the scene has 3 cameras", e.getMessage());
    }
}
