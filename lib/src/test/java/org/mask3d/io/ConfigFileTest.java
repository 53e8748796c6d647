package org.mask3d.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ConfigFileTest {
    @TempDir Path tmp;

    Path write(String text) throws Exception {
        Path p = tmp.resolve("c.txt");
        Files.writeString(p, text);
        return p;
    }

    @Test void parsesTheReleasedFormat() throws Exception {
        ConfigFile c = ConfigFile.read(write("# comment\nimg_wh = [640, 360]  # trailing\nexp_name = 3dmask_vgg_only\n\ndebug = False\nlr = 5e-4\nnum_steps=400000\n"));
        assertArrayEquals(new int[]{640, 360}, c.integers("img_wh", 2, null));
        assertEquals("3dmask_vgg_only", c.string("exp_name", null));
        assertFalse(c.bool("debug", true));
        assertEquals(5e-4, c.number("lr", 0), 0);
        assertEquals(400000, c.integer("num_steps", 0));
        assertEquals(7, c.integer("missing", 7));
    }

    @Test void commandLineOverridesTheFileAndIsNamedInErrors() throws Exception {
        ConfigFile c = ConfigFile.read(write("lr = 5e-4\nnum_steps = 10\n")).withOverrides(java.util.Map.of("num_steps", "20", "seed", "x"));
        assertEquals(20, c.integer("num_steps", 0));
        assertEquals(5e-4, c.number("lr", 0), 0);
        InputException e = assertThrows(InputException.class, () -> c.integer("seed", 0));
        assertTrue(e.getMessage().startsWith("--set seed"), e.getMessage());
        e = assertThrows(InputException.class, () -> c.withOverrides(java.util.Map.of("num_step", "1")).requireKnown(Set.of("lr", "num_steps", "seed")));
        assertTrue(e.getMessage().contains("did you mean 'num_steps'"), e.getMessage());
    }

    @Test void typoGetsASuggestionAndNamesTheLine() throws Exception {
        ConfigFile c = ConfigFile.read(write("img_wh = [1, 2]\nnum_camz = 3\n"));
        InputException e = assertThrows(InputException.class, () -> c.requireKnown(Set.of("img_wh", "num_cams")));
        assertTrue(e.getMessage().contains("c.txt:2") && e.getMessage().contains("did you mean 'num_cams'"), e.getMessage());
    }

    @Test void badValuesAndLinesAreErrors() throws Exception {
        assertThrows(InputException.class, () -> ConfigFile.read(write("just words\n")));
        assertThrows(InputException.class, () -> ConfigFile.read(write("a = 1\na = 2\n")));
        ConfigFile c = ConfigFile.read(write("n = three\nwh = [1, x]\nb = maybe\nl = [1]\n"));
        assertTrue(assertThrows(InputException.class, () -> c.integer("n", 0)).getMessage().contains("integer"));
        assertThrows(InputException.class, () -> c.integers("wh", 2, null));
        assertThrows(InputException.class, () -> c.bool("b", false));
        assertTrue(assertThrows(InputException.class, () -> c.integers("l", 2, null)).getMessage().contains("2 entries"));
        assertTrue(assertThrows(InputException.class, () -> ConfigFile.read(tmp.resolve("none.txt"))).getMessage().contains("none.txt"));
    }
}
