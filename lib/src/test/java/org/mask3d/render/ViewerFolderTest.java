package org.mask3d.render;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The viewer folder's round trip: atlases within half a quantisation step, the manifest exact, hostile manifests refused. */
class ViewerFolderTest {
    static final int D = 5, H = 7, W = 11;

    static Camera cam(double tx) {
        double[] w2c = {1, 0, 0, tx, 0, 1, 0, 0.1, 0, 0, 1, 0.2, 0, 0, 0, 1};
        return new Camera(Camera.intrinsics(0.8 * W, W, H), w2c, W, H);
    }

    static Mpi random(Random r) {
        float[] v = new float[D * H * W * 4];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
        v[0] = 0; v[1] = 1; v[2] = -0.3f; v[3] = 1.7f;   // clamped ends
        return new Mpi(v, D, H, W, PlaneDepths.inverseLinear(1, 10, D), cam(0));
    }

    @Test void atlasRoundTripIsWithinHalfAStep() {
        Mpi m = random(new Random(1));
        for (int cols : new int[]{1, 2, 3, D}) {
            float[] back = MpiAtlas.decode(MpiAtlas.encode(m, cols), D, H, W, cols, "test");
            float[] src = m.rgba();
            for (int i = 0; i < src.length; i++) {
                float c = Math.min(1, Math.max(0, src[i]));
                assertEquals(c, back[i], 0.5f / 255 + 1e-6f, "value " + i + " columns " + cols);
                assertEquals(MpiAtlas.quantise(src[i]) / 255f, back[i], 0f);
            }
        }
        assertArrayEquals(MpiAtlas.quantised(m).rgba(), MpiAtlas.decode(MpiAtlas.encode(m, 2), D, H, W, 2, "t"));
    }

    @Test void folderRoundTrip(@TempDir Path dir) throws Exception {
        Random r = new Random(2);
        Mpi bg = random(r), blend0 = random(r), dyn0 = random(r), blend1 = random(r);
        float[] mask = new float[D * H * W];
        for (int i = 0; i < mask.length; i++) mask[i] = r.nextFloat();
        ViewerFolder.Writer w = new ViewerFolder.Writer(dir, "unit", bg.depths(), bg.ref(), 2, List.of(cam(0), cam(0.3)), 12, 0);
        w.background(bg);
        w.frame(3, blend0, dyn0, mask);
        w.frame(4, blend1, null, null);
        w.finish();
        assertTrue(Files.exists(dir.resolve("data.js")));

        ViewerFolder f = ViewerFolder.read(dir);
        ViewerFolder.Manifest m = f.manifest();
        assertEquals("unit", m.scene());
        assertEquals(W, m.width());
        assertEquals(H, m.height());
        assertArrayEquals(bg.depths(), m.depths());
        assertEquals(bg.ref(), m.reference());
        assertEquals(2, m.referenceIndex());
        assertEquals(List.of(cam(0), cam(0.3)), m.cameras());
        assertEquals(12, m.fps());
        assertEquals(List.of(3, 4), m.frames().stream().map(ViewerFolder.Frame::t).toList());
        assertArrayEquals(MpiAtlas.quantised(bg).rgba(), f.background().rgba());
        assertArrayEquals(MpiAtlas.quantised(blend0).rgba(), f.blend(0).rgba());
        assertArrayEquals(MpiAtlas.quantised(dyn0).rgba(), f.dynamic(0).rgba());
        assertArrayEquals(MpiAtlas.quantised(blend1).rgba(), f.blend(1).rgba());
        assertNull(f.dynamic(1));
        assertNull(f.mask(1));
        float[] mb = f.mask(0).values();
        for (int i = 0; i < mask.length; i++) assertEquals(mask[i], mb[i], 0.5f / 255 + 1e-6f);
        String js = Files.readString(dir.resolve("data.js"));
        assertTrue(js.startsWith("// mask3d viewer data") && js.contains("\"frames/000003-blend.png\""), js.substring(0, 80));
    }

    @Test void hostileManifestsAreRefused(@TempDir Path dir) throws Exception {
        Mpi m = random(new Random(3));
        ViewerFolder.Writer w = new ViewerFolder.Writer(dir, "unit", m.depths(), m.ref(), 0, List.of(), 30, 0);
        w.frame(0, m, null, null);
        w.finish();
        String good = Files.readString(dir.resolve("manifest.json"));
        String[][] cases = {
                {"\"frames/000000-blend.png\"", "\"../../etc/passwd\"", "'blend'"},
                {"\"frames/000000-blend.png\"", "\"/etc/passwd\"", "'blend'"},
                {"\"version\": 1", "\"version\": 2", "'version'"},
                {"\"planes\": 5", "\"planes\": 4", "'depths'"},
                {"\"format\": \"mask3d-viewer\"", "\"format\": \"x\"", "'format'"},
                {"\"width\": 11", "\"width\": -1", "'width'"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            Files.writeString(dir.resolve("manifest.json"), good.replace(c[0], c[1]));
            InputException e = assertThrows(InputException.class, () -> ViewerFolder.read(dir), c[1]);
            assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains(c[2]), e.getMessage());
        }
        Files.writeString(dir.resolve("manifest.json"), "{not json");
        assertThrows(InputException.class, () -> ViewerFolder.read(dir));
        Files.writeString(dir.resolve("manifest.json"), good);
        Files.writeString(dir.resolve("frames/000000-blend.png"), "not a png");
        assertThrows(InputException.class, () -> ViewerFolder.read(dir).blend(0));
    }
}
