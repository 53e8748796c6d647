package org.mask3d.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mask3d.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The derivation of parity tolerances from a measurement of the released code's float32 spread, on synthetic JSON. */
public class ParityTolerancesTest {
    /** A case measuring every array with the same max_abs, except those given as name=value. */
    static String caseJson(String name, double all, String... overrides) {
        StringBuilder b = new StringBuilder("{\"name\": \"" + name + "\", \"seed\": 0, \"H\": 48, \"W\": 64, \"arrays\": {");
        for (int i = 0; i < ParityTolerances.MEASURED.size(); i++) {
            String a = ParityTolerances.MEASURED.get(i);
            double v = all;
            for (String o : overrides) if (o.startsWith(a + "=")) v = Double.parseDouble(o.substring(a.length() + 1));
            b.append(i == 0 ? "" : ", ").append('"').append(a).append("\": {\"max_abs\": ").append(v)
                    .append(", \"p99_abs\": 1e-7, \"n\": 1000, \"over_1e-5\": 3}");
        }
        return b.append("}}").toString();
    }

    static String measurement(String... cases) {
        return "{\"card\": \"Test Card 80GB\", \"torch\": \"2.11.0\", \"cases\": [" + String.join(", ", cases) + "]}";
    }

    @Test void toleranceIsFourTimesTheLargestSpreadNeverBelow1e5() {
        String json = measurement(
                caseJson("gen-0", 1e-6, "psv=2.1e-5", "rgb=3.3e-6", "mpi_fg=4e-6"),
                caseJson("gen-1", 2e-6, "psv=2.4e-5", "mpi_fg=3e-6", "fg_acc_alpha=2.7e-6"),
                caseJson("gen-2", 5e-7, "mpinet_out=8.01e-6"));
        ParityTolerances t = ParityTolerances.derive(json, "spread.json");
        assertTrue(t.measured());
        assertEquals(9.6e-5, t.of("psv", false));          // 4 × 2.4e-5 (gen-1)
        assertEquals(9.6e-5, t.of("psv", true));
        assertEquals(1.4e-5, t.of("rgb", true));           // 4 × 3.3e-6 = 1.32e-5, rounded up to two digits
        assertEquals(1.4e-5, t.of("rgb", false));          // the same without networks (the measurement is end to end)
        assertEquals(1.6e-5, t.of("mpi_fg", true));        // 4 × 4e-6 (gen-0)
        assertEquals(3.3e-5, t.of("mpinet_out", true));    // 4 × 8.01e-6 = 3.204e-5 → 3.3e-5
        assertEquals(1.1e-5, t.of("fg_acc_alpha", true));  // 4 × 2.7e-6 = 1.08e-5 → 1.1e-5
        assertEquals(1e-5, t.of("mask", true));            // 4 × 2e-6 = 8e-6: floor
        assertEquals(1e-5, t.of("mpi_bg", true));
        assertEquals(1e-5, t.of("depths", false));         // not measured: the old line
        assertEquals(1e-5, t.of("depths", true));
        assertThrows(IllegalArgumentException.class, () -> t.of("mask", false), "no mask without networks");
        assertThrows(IllegalArgumentException.class, () -> t.of("disparity", true));

        List<ParityTolerances.Spread> s = t.spreads();
        assertEquals(ParityTolerances.MEASURED, s.stream().map(ParityTolerances.Spread::array).toList());
        assertEquals(new ParityTolerances.Spread("psv", 2.4e-5, "gen-1", 3), s.get(0));
        assertEquals("gen-2", s.get(1).worstCase());
        String d = t.describe();
        assertTrue(d.contains("4 ×") && d.contains("Test Card 80GB") && d.contains("torch 2.11.0") && d.contains("3 cases")
                && d.contains("spread.json") && d.contains("at least 1e-5"), d);
    }

    @ParameterizedTest
    @CsvSource({"0, 1e-5", "2.5e-6, 1e-5", "2.5000001e-6, 1.1e-5", "2.1e-5, 8.4e-5", "2.49e-5, 1e-4", "1.234e-3, 5e-3",
            "2e-4, 8e-4", "3.7e-2, 0.15", "5.5e-6, 2.2e-5"})
    void roundingUpToTwoSignificantDigits(double spread, double tolerance) {
        assertEquals(tolerance, ParityTolerances.tolerance(spread), tolerance * 1e-12);
        assertTrue(ParityTolerances.tolerance(spread) >= ParityTolerances.MARGIN * spread * (1 - 1e-9));
    }

    @Test void casesMayLeaveOutArraysButEachArrayIsMeasuredSomewhere() {
        String partial = "{\"name\": \"shared-a-replay\", \"arrays\": {\"psv\": {\"max_abs\": 5e-5}}}";
        ParityTolerances t = ParityTolerances.derive(measurement(caseJson("gen-0", 1e-6), partial), "x.json");
        assertEquals(2e-4, t.of("psv", true));
        assertEquals(2, t.spreads().get(0).cases());
        assertEquals(1, t.spreads().get(1).cases());

        InputException e = assertThrows(InputException.class, () -> ParityTolerances.derive(measurement(partial), "x.json"));
        assertTrue(e.getMessage().startsWith("x.json: ") && e.getMessage().contains("no case measures mpinet_out, mpi_fg"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{                                                            | not valid JSON",
            "[1, 2]                                                       | expected a JSON object at the top, got an array",
            "{\"cases\": []}                                              | field 'card' must be a string, got nothing",
            "{\"card\": 3, \"cases\": []}                                 | field 'card' must be a string, got a number 3",
            "{\"card\": \"c\"}                                            | field 'cases' must be an array of measured cases, got nothing",
            "{\"card\": \"c\", \"cases\": {}}                             | field 'cases' must be an array of measured cases, got an object",
            "{\"card\": \"c\", \"cases\": []}                             | field 'cases' must be a non-empty array",
            "{\"card\": \"c\", \"cases\": [7]}                            | field 'cases[0]' must be an object, got a number 7",
            "{\"card\": \"c\", \"cases\": [{\"arrays\": {}}]}             | field 'cases[0].name' must be a string, got nothing",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\"}]}            | field 'cases[0].arrays' must be an object of arrays, got nothing",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\", \"arrays\": {\"psvv\": {\"max_abs\": 1}}}]}        | cases[0].arrays.psvv: unknown array 'psvv'",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\", \"arrays\": {\"mask\": 1e-5}}]}                     | field 'cases[0].arrays.mask' must be an object with max_abs, got a number",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\", \"arrays\": {\"mask\": {\"p99_abs\": 1}}}]}        | field 'cases[0].arrays.mask.max_abs' must be a number, got nothing",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\", \"arrays\": {\"mask\": {\"max_abs\": \"2e-5\"}}}]}  | field 'cases[0].arrays.mask.max_abs' must be a number, got a string",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\", \"arrays\": {\"mask\": {\"max_abs\": -1e-6}}}]}    | field 'cases[0].arrays.mask.max_abs' must be a finite number ≥ 0, got a number -1e-6",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\", \"arrays\": {\"mask\": {\"max_abs\": NaN}}}]}      | field 'cases[0].arrays.mask.max_abs' must be a number, got a string \"NaN\"",
            "{\"card\": \"c\", \"cases\": [{\"name\": \"a\", \"arrays\": {\"rgb\": {\"max_abs\": null}}}]}      | field 'cases[0].arrays.rgb.max_abs' must be a number, got null",
    })
    void badJsonNamesTheFileAndTheField(String json, String expected) {
        InputException e = assertThrows(InputException.class, () -> ParityTolerances.derive(json, "lib/benchmarks/s.json"));
        assertTrue(e.getMessage().startsWith("lib/benchmarks/s.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test void theMeasurementScriptsOwnShape() {
        // as lib/benchmarks/parity-release-float32-spread.py writes it: a case the release fails on, extra fields
        String failed = "{\"name\": \"gen-s1-45x80\", \"seed\": 1, \"H\": 45, \"W\": 80, \"error\": \"The size of tensor a (46) must match\"}";
        String ok = caseJson("gen-s0-48x64", 2e-6).replace("\"arrays\"", "\"vs_f64\": {\"cpu\": {\"psv\": {\"max_abs\": 1}}}, \"arrays\"");
        String json = "{\"card\": \"NVIDIA H100 80GB HBM3\", \"torch\": \"2.11.0+cu130\", \"cuda\": true, \"note\": \"n\", "
                + "\"settings\": {\"cudnn.allow_tf32\": false}, \"cases\": [" + ok + ", " + failed + "], "
                + "\"fixtures\": [{\"name\": \"shared-a\", \"device\": \"cuda\", \"arrays\": {\"psv\": {\"max_abs\": 3e-5}}}]}";
        ParityTolerances t = ParityTolerances.derive(json, "p.json");
        assertEquals(1e-5, t.of("psv", true), "the fixtures' replays are not CPU-CUDA spreads: not used");
        assertTrue(t.describe().contains("NVIDIA H100 80GB HBM3, torch 2.11.0+cu130, 1 case (1 more on which the released code fails)"), t.describe());

        // without CUDA: the release's float32 error against its own float64 run on the CPU (vs_f64.cpu) is the basis
        String f64 = caseJson("g", 5e-6, "rgb=2e-5").replace("\"arrays\": {", "\"arrays\": null, \"vs_f64\": {\"cpu\": {") + "}";
        String cpuOnly = "{\"card\": \"cpu-only\", \"torch\": \"1.13.1\", \"cuda\": false, \"cases\": [" + f64 + ", " + failed + "]}";
        ParityTolerances c = ParityTolerances.derive(cpuOnly, "c.json");
        assertEquals(8e-5, c.of("rgb", true), 1e-12);
        assertEquals(2e-5, c.of("mask", true), 1e-12);
        assertTrue(c.describe().contains("error against its own float64 run on the CPU"), c.describe());
        String noF64 = "{\"card\": \"cpu-only\", \"cuda\": false, \"cases\": [{\"name\": \"g\", \"arrays\": null}]}";
        InputException e = assertThrows(InputException.class, () -> ParityTolerances.derive(noF64, "c.json"));
        assertTrue(e.getMessage().contains("cases[0].vs_f64.cpu"), e.getMessage());
        String allFailed = "{\"card\": \"c\", \"cases\": [" + failed + "]}";
        e = assertThrows(InputException.class, () -> ParityTolerances.derive(allFailed, "f.json"));
        assertTrue(e.getMessage().contains("no case measures psv"), e.getMessage());
    }

    @Test void aLaterCaseIsCheckedToo() {
        String json = measurement(caseJson("gen-0", 1e-6), "{\"name\": \"gen-1\", \"arrays\": {\"rgb\": {\"max_abs\": \"x\"}}}");
        InputException e = assertThrows(InputException.class, () -> ParityTolerances.derive(json, "m.json"));
        assertTrue(e.getMessage().contains("'cases[1].arrays.rgb.max_abs'"), e.getMessage());
    }

    @Test void loadNamesTheFile(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("none.json");
        InputException e = assertThrows(InputException.class, () -> ParityTolerances.load(missing));
        assertEquals(missing + ": file not found", e.getMessage());
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"card\": \"c\", \"cases\": [{\"name\": 1}]}");
        e = assertThrows(InputException.class, () -> ParityTolerances.load(bad));
        assertTrue(e.getMessage().startsWith(bad + ": field 'cases[0].name'"), e.getMessage());
        Path good = Files.writeString(tmp.resolve("good.json"), measurement(caseJson("gen-0", 3e-6)));
        ParityTolerances t = ParityTolerances.load(good);
        assertEquals(1.2e-5, t.of("mask", true));
        assertTrue(t.describe().contains(good.toString()) && t.describe().contains("1 case ("), t.describe());
    }

    @Test void handSetAndUniformAreTheOldValues() {
        ParityTolerances h = ParityTolerances.handSet();
        assertFalse(h.measured());
        assertTrue(h.describe().startsWith("tolerances: hand-set (no measurement"), h.describe());
        assertEquals(1e-5, h.of("depths", false));
        assertEquals(ParityCase.PSV_TOLERANCE, h.of("psv", false));
        assertEquals(1e-5, h.of("rgb", false));
        assertEquals(1e-5, h.of("fg_acc_alpha", false));
        assertEquals(1e-5, h.of("depths", true));
        assertEquals(ParityCase.PSV_TOLERANCE, h.of("psv", true));
        for (String a : List.of("mpinet_out", "mpi_fg", "mpi_bg", "mask", "rgb", "fg_acc_alpha")) assertEquals(1e-4, h.of(a, true), a);

        ParityTolerances u = ParityTolerances.uniform(2e-5, 5e-5, 3e-4);
        assertEquals(2e-5, u.of("rgb", false));
        assertEquals(3e-4, u.of("rgb", true));
        assertEquals(5e-5, u.of("psv", true));
        assertThrows(IllegalArgumentException.class, () -> ParityTolerances.uniform(-1, 1, 1));
    }

    @Test void commandLineOverrides() {
        ParityTolerances t = ParityTolerances.derive(measurement(caseJson("gen-0", 3e-6, "psv=2e-5")), "m.json");
        assertSame(t, t.withOverrides(null, null, null));
        ParityTolerances tol = t.withOverrides(1e-4, null, null);
        assertEquals(1e-4, tol.of("depths", true));
        assertEquals(1e-4, tol.of("rgb", false));
        assertEquals(1.2e-5, tol.of("rgb", true), "--tol leaves the network path's arrays alone");
        assertEquals(1e-4, tol.of("psv", false), "psv is raised to --tol");
        assertTrue(tol.describe().endsWith("; overridden by --tol 1e-4"), tol.describe());
        ParityTolerances small = t.withOverrides(1e-6, null, null);
        assertEquals(8e-5, small.of("psv", true), "--tol below psv's tolerance leaves psv's");
        ParityTolerances psv = t.withOverrides(1e-4, 1e-9, 2e-3);
        assertEquals(1e-9, psv.of("psv", false));
        assertEquals(2e-3, psv.of("mask", true));
        assertEquals(2e-3, psv.of("fg_acc_alpha", true));
        assertEquals(1e-4, psv.of("fg_acc_alpha", false));
        assertTrue(psv.describe().endsWith("overridden by --tol 1e-4, --psv-tol 1e-9, --net-tol 2e-3"), psv.describe());
        assertThrows(InputException.class, () -> t.withOverrides(Double.NaN, null, null));
        assertThrows(InputException.class, () -> t.withOverrides(null, -1.0, null));
    }

    /**
     * The measurement bundled with mask3d ({@value ParityTolerances#RESOURCE}): once present it must derive, and its
     * tolerances follow the rule; until then the defaults are the hand-set values and say so. Never skipped.
     */
    @Test void theBundledMeasurementOrTheHandSetValues() {
        var bundled = ParityTolerances.bundled();
        ParityTolerances d = ParityTolerances.defaults();
        if (bundled.isEmpty()) {
            assertFalse(d.measured());
            assertEquals(ParityTolerances.handSet().describe(), d.describe());
            assertEquals(ParityCase.PSV_TOLERANCE, d.of("psv", false));
            System.out.println("no bundled spread measurement: " + d.describe());
            return;
        }
        assertTrue(d.measured(), d.describe());
        // the resource is a copy of a measurement recorded in lib/benchmarks/, byte for byte
        try (var in = ParityTolerances.class.getResourceAsStream(ParityTolerances.RESOURCE);
             var files = Files.list(Path.of("benchmarks"))) {
            byte[] bundledBytes = in.readAllBytes();
            List<Path> same = files.filter(p -> p.getFileName().toString().matches("parity-release-float32-spread-.*\\.json"))
                    .filter(p -> { try { return Arrays.equals(Files.readAllBytes(p), bundledBytes); } catch (IOException e) { throw new UncheckedIOException(e); } })
                    .toList();
            assertFalse(same.isEmpty(), "the bundled " + ParityTolerances.RESOURCE + " is not a copy of any lib/benchmarks/parity-release-float32-spread-*.json");
            System.out.println("bundled measurement = " + same);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(ParityTolerances.MEASURED.size(), d.spreads().size());
        for (ParityTolerances.Spread s : d.spreads()) {
            double t = d.of(s.array(), true);
            assertEquals(ParityTolerances.tolerance(s.maxAbs()), t, s.toString());
            assertTrue(t >= ParityTolerances.FLOOR && t >= ParityTolerances.MARGIN * s.maxAbs() * (1 - 1e-9), s + " → " + t);   // 4 × 5.5e-6 is 2.2e-5
            // a measurement with max |CPU − CUDA| of 1e-3 or more is not float32 noise (TF32 left on, a wrong device)
            assertTrue(s.maxAbs() < 1e-3, "implausible float32 spread, is TF32 on? " + s);
            System.out.printf("bundled spread %-13s max |CPU-CUDA| %.3e (case %s, %d cases) -> tolerance %s%n",
                    s.array(), s.maxAbs(), s.worstCase(), s.cases(), ParityTolerances.sci(t));
        }
        System.out.println(d.describe());
    }
}
