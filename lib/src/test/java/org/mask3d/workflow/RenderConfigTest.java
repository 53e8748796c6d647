package org.mask3d.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The render command's config: the shipped file, overrides, typed copies, errors and render.txt. */
class RenderConfigTest {
    @TempDir Path tmp;

    @Test void shippedConfigOverridesAndCopies() throws Exception {
        RenderConfig c = RenderConfig.resolve(Path.of("../configs/render_video.txt"), Map.of("indices", "[0, 1]", "max_views", "5"));
        assertEquals(Path.of("data/scene018"), c.scene());
        assertEquals(Path.of("ckpts/3dmask.ckpt"), c.checkpoint());
        assertNull(c.backgrounds());
        assertEquals(640, c.width());
        assertArrayEquals(new int[]{0, 1}, c.sources());
        assertEquals(5, c.maxViews());
        assertEquals("blend", c.mode());
        assertEquals(30.0, c.fps());
        RenderConfig d = RenderConfig.defaults().with(RenderConfig.ROOT_DIR, Path.of("s")).with(RenderConfig.MODE, "frame");
        assertEquals("frame", d.mode());
        assertTrue(assertThrows(InputException.class, d::requireComplete).getMessage().contains("ckpt_path"));
        Path f = tmp.resolve("render.txt");
        Files.writeString(f, c.resolvedText());
        assertEquals(c.resolvedText(), RenderConfig.resolve(f, Map.of()).resolvedText());
        assertTrue(c.resolvedText().contains("indices = [0, 1] "));
    }

    @Test void badValuesAreNamed() {
        assertEquals("--set mode: mode must be blend, frame or background, got 'video'",
                assertThrows(InputException.class, () -> RenderConfig.resolve(null, Map.of("mode", "video"))).getMessage());
        assertTrue(assertThrows(InputException.class, () -> RenderConfig.resolve(null, Map.of("indices", "[4, 4]"))).getMessage()
                .contains("indices must be two different camera indices"));
        assertTrue(assertThrows(InputException.class, () -> RenderConfig.resolve(null, Map.of("ckpt_pth", "x"))).getMessage()
                .contains("did you mean 'ckpt_path'"));
    }
}
