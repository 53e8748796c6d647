package org.mask3d.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The key-table mechanism: every type, checks, suggestions, where errors point, copies and the resolved text. */
class ConfigSchemaTest {
    @TempDir Path tmp;

    enum Colour { RED, GREEN }

    static final ConfigKey<String> NAME = ConfigKey.string("name", "run", "run name");
    static final ConfigKey<Integer> PLANES = ConfigKey.integer("planes", "32", "MPI planes")
            .check(p -> p >= 8 && p % 8 == 0, "a positive multiple of 8");
    static final ConfigKey<Long> SEED = ConfigKey.longInteger("seed", "42", "seed");
    static final ConfigKey<Double> LR = ConfigKey.number("lr", "5e-4", "learning rate").check(v -> v > 0, "positive");
    static final ConfigKey<Boolean> DEBUG = ConfigKey.bool("debug", "False", "debug mode");
    static final ConfigKey<Path> MODEL = ConfigKey.path("model", "", "weights; empty: none");
    static final ConfigKey<int[]> WH = ConfigKey.integers("img_wh", 2, "[640, 360]", "width, height");
    static final ConfigKey<int[]> STEPS = ConfigKey.integers("decay_step", 0, "[20]", "milestones");
    static final ConfigKey<List<String>> METRICS = ConfigKey.names("metrics", "psnr, ssim", "metrics");
    static final ConfigKey<String> DEVICE = ConfigKey.choice("device", "auto", "device", "auto", "cpu", "gpu");
    static final ConfigKey<Colour> COLOUR = ConfigKey.choice("colour", "red", "colour",
            s -> {
                for (Colour c : Colour.values()) if (c.name().equalsIgnoreCase(s)) return c;
                throw new InputException("unknown colour " + s + "; use red or green");
            }, c -> c.name().toLowerCase());

    static final ConfigSchema SCHEMA = new ConfigSchema(List.of(NAME, PLANES, SEED, LR, DEBUG, MODEL, WH, STEPS, METRICS, DEVICE, COLOUR));

    Path write(String text) throws Exception {
        Path p = tmp.resolve("c.txt");
        Files.writeString(p, text);
        return p;
    }

    static String error(Map<String, String> set) {
        return assertThrows(InputException.class, () -> SCHEMA.resolve(null, set)).getMessage();
    }

    @Test void defaultsAreTyped() {
        ConfigSchema.Values d = SCHEMA.defaults();
        assertEquals("run", d.get(NAME));
        assertEquals(32, d.get(PLANES));
        assertEquals(42L, d.get(SEED));
        assertEquals(5e-4, d.get(LR));
        assertFalse(d.get(DEBUG));
        assertNull(d.get(MODEL));
        assertArrayEquals(new int[]{640, 360}, d.get(WH));
        assertArrayEquals(new int[]{20}, d.get(STEPS));
        assertEquals(List.of("psnr", "ssim"), d.get(METRICS));
        assertEquals("auto", d.get(DEVICE));
        assertEquals(Colour.RED, d.get(COLOUR));
        assertEquals("default", d.where("planes"));
        assertTrue(d.given().isEmpty());
    }

    @Test void fileValuesAndOverrides() throws Exception {
        Path f = write("planes = 16   # fewer\nseed = 1e3\ndebug = TRUE\nmodel = m/last\nimg_wh = [48,32]\ndecay_step = []\n"
                + "metrics = [PSNR]\ndevice = GPU\ncolour = Green\n");
        ConfigSchema.Values v = SCHEMA.resolve(f, Map.of("lr", "1e-3"));
        assertEquals(16, v.get(PLANES));
        assertEquals(1000L, v.get(SEED));
        assertTrue(v.get(DEBUG));
        assertEquals(Path.of("m/last"), v.get(MODEL));
        assertArrayEquals(new int[]{48, 32}, v.get(WH));
        assertArrayEquals(new int[0], v.get(STEPS));
        assertEquals(List.of("psnr"), v.get(METRICS));
        assertEquals("gpu", v.get(DEVICE));
        assertEquals(Colour.GREEN, v.get(COLOUR));
        assertEquals(1e-3, v.get(LR));
        assertEquals("[48,32]", v.text("img_wh"), "the text stays as written");
        assertTrue(v.where("planes").endsWith("c.txt:1"), v.where("planes"));
        assertEquals("--set lr", v.where("lr"));
        assertEquals("1e-3", v.given().get("lr"));
    }

    @Test void errorsNameWhereTheKeyAndWhatWasExpected() throws Exception {
        Path f = write("name = x\nplanes = many\n");
        String e = assertThrows(InputException.class, () -> SCHEMA.resolve(f, Map.of())).getMessage();
        assertTrue(e.endsWith("c.txt:2: planes must be an integer, got 'many'"), e);
        assertEquals("--set planes: planes must be a positive multiple of 8, got '12'", error(Map.of("planes", "12")));
        assertEquals("--set seed: seed must be an integer, got '1.5'", error(Map.of("seed", "1.5")));
        assertEquals("--set lr: lr must be positive, got '0'", error(Map.of("lr", "0")));
        assertEquals("--set lr: lr must be a number, got 'fast'", error(Map.of("lr", "fast")));
        assertEquals("--set debug: debug must be True or False, got 'maybe'", error(Map.of("debug", "maybe")));
        assertTrue(error(Map.of("img_wh", "[1, x]")).contains("img_wh must be a list of integers like [640, 360]"));
        assertTrue(error(Map.of("img_wh", "[1, 2, 3]")).contains("img_wh must be a list of 2 integers"));
        assertEquals("--set device: device must be auto, cpu or gpu, got 'tpu'", error(Map.of("device", "tpu")));
        assertEquals("--set colour: unknown colour blue; use red or green", error(Map.of("colour", "blue")));
        String typo = error(Map.of("plane", "8"));
        assertTrue(typo.startsWith("--set plane: unknown key 'plane'; did you mean 'planes'?"), typo);
        Path g = write("name = x\ndevise = cpu\n");
        typo = assertThrows(InputException.class, () -> SCHEMA.resolve(g, Map.of())).getMessage();
        assertTrue(typo.contains("c.txt:2") && typo.contains("did you mean 'device'"), typo);
    }

    @Test void typedCopiesAreCheckedAndLeaveTheOriginal() {
        ConfigSchema.Values d = SCHEMA.defaults();
        ConfigSchema.Values c = d.with(PLANES, 16).with(WH, new int[]{48, 32}).with(COLOUR, Colour.GREEN).with(MODEL, Path.of("w.ckpt"));
        assertEquals(16, c.get(PLANES));
        assertArrayEquals(new int[]{48, 32}, c.get(WH));
        assertEquals(Colour.GREEN, c.get(COLOUR));
        assertEquals("[48, 32]", c.text("img_wh"));
        assertEquals(32, d.get(PLANES));
        assertEquals("with planes: planes must be a positive multiple of 8, got '12'",
                assertThrows(InputException.class, () -> d.with(PLANES, 12)).getMessage());
        ConfigKey<Integer> other = ConfigKey.integer("crop", "256", "not in the table");
        assertThrows(IllegalArgumentException.class, () -> d.with(other, 1));
        ConfigKey<String> wrongType = ConfigKey.string("planes", "8", "a string key of the same name");
        assertThrows(IllegalArgumentException.class, () -> d.get(wrongType));
        assertTrue(assertThrows(InputException.class, () -> d.withText(Map.of("seeds", "1"))).getMessage().contains("did you mean 'seed'"));
    }

    @Test void resolvedTextListsEveryKeyAndReadsBackToTheSameValues() throws Exception {
        ConfigSchema.Values v = SCHEMA.resolve(null, Map.of("planes", "16", "img_wh", "[48, 32]", "metrics", "psnr, ssim_released",
                "model", "runs/a b/last")).with(DEBUG, true);
        String text = v.resolvedText("resolved test config");
        assertTrue(text.startsWith("# resolved test config\n"));
        assertEquals(SCHEMA.keys().size() + 1, text.lines().count());
        assertTrue(text.contains("planes = 16 ") && text.contains("# MPI planes\n"), text);
        assertTrue(text.contains("debug = True "), text);
        assertTrue(text.contains("model = runs/a b/last "), text);
        int col = text.lines().skip(1).findFirst().orElseThrow().indexOf('#');
        assertTrue(text.lines().skip(1).allMatch(l -> l.indexOf('#') == col), "comments aligned:\n" + text);
        ConfigSchema.Values back = SCHEMA.resolve(write(text), Map.of());
        for (String k : SCHEMA.names()) assertEquals(v.text(k), back.text(k), k);
        assertEquals(text, back.resolvedText("resolved test config"));
        assertEquals(Path.of("runs/a b/last"), back.get(MODEL));
        assertTrue(back.get(DEBUG));
    }

    @Test void tablesRejectDuplicateKeys() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigSchema(List.of(NAME, NAME)));
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.string("a b = c", "", "bad name"));
    }
}
