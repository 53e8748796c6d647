package org.mask3d.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.mask3d.InputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The tolerances of a parity check ({@link ParityCase}), per array: how far mask3d's recomputation may be from the
 * values the released PyTorch code produced.
 *
 * <p><b>Derivation</b> ({@link #derive}): the released code was run in float32 on the CPU and on CUDA (TF32 off) on
 * several generated cases ({@code lib/benchmarks/parity-release-float32-spread.py}); for array {@code a}
 * <pre>  tolerance(a) = max(1e-5, MARGIN · max over cases of max |CPU − CUDA|(a)),   MARGIN = 4 </pre>
 * rounded up to two significant digits. Why 4: the spread between two float32 runs of the release is the size of
 * one run's rounding noise (each device sums in its own order). A case checked by {@code ./mask3d parity} compares
 * two such runs that share nothing either: the release on whatever device made the case, and mask3d's own float32 /
 * double path (DJL on the CPU, its own kernels), so it carries the same kind of noise, and the errors of the two
 * sides add (×2). A user's case is also not one of the measured ones: the largest of n noisy values grows with n and
 * with the image size, and near a view's border or a sigmoid's steep part the noise is amplified differently from
 * case to case (×2 again). A tolerance below the old 1e-5 line is never used: 1e-5 is what float32 geometry on
 * values ≤ 60 px already reaches (see {@link ParityCase#PSV_TOLERANCE}). {@code depths} is not measured (numpy's
 * {@code 1/linspace} in float32, no device involved) and keeps 1e-5.
 *
 * <p>The measured spread covers the whole released path (networks, then rendering of their own outputs), so the
 * same tolerance is used for {@code rgb} and {@code fg_acc_alpha} whether they are rendered from the networks'
 * outputs (with a checkpoint) or from the case's stored MPIs (without one; looser there than rendering alone needs,
 * but still orders of magnitude below what a geometric defect does, see {@code ParityDefectTest}).
 *
 * <p><b>Where the numbers come from</b> ({@link #defaults()}): the resource {@value #RESOURCE} next to this class, a
 * checked-in copy of {@code lib/benchmarks/parity-release-float32-spread-<card>.json}, so a parity check needs
 * nothing at run time. Without it the {@link #handSet() hand-set values} apply (1e-5; psv 3e-5; arrays computed by
 * the networks 1e-4) and {@link #describe()} says so.
 */
public final class ParityTolerances {
    /** Factor between the release's largest measured CPU–CUDA spread and the tolerance (argued in the class doc). */
    public static final double MARGIN = 4;
    /** The old fixed line: no tolerance is set below it, and parity counts the values above it per array. */
    public static final double FLOOR = 1e-5;
    /** The arrays whose spread is measured, in the order a parity check lists them. */
    public static final List<String> MEASURED = List.of("psv", "mpinet_out", "mpi_fg", "mpi_bg", "mask", "rgb", "fg_acc_alpha");
    /** The checked-in measurement, a resource beside this class. */
    public static final String RESOURCE = "parity-release-float32-spread.json";

    private static final List<String> NETWORK_ARRAYS = List.of("mpinet_out", "mpi_fg", "mpi_bg", "mask");
    private static final List<String> RENDERED = List.of("rgb", "fg_acc_alpha");

    /**
     * One array's measurement: the largest {@code max |CPU − CUDA|} over the cases and the case it came from.
     *
     * @param array     e.g. "psv"
     * @param maxAbs    the largest max_abs over the cases that measured it
     * @param worstCase the name of the case with that value
     * @param cases     how many cases measured the array
     */
    public record Spread(String array, double maxAbs, String worstCase, int cases) {}

    private final Map<String, Double> withoutNetworks;   // ParityCase.check: depths, psv, rgb, fg_acc_alpha
    private final Map<String, Double> withNetworks;      // ParityCase.checkWithNetworks: every array
    private final String description;
    private final List<Spread> spreads;                  // empty unless derived

    private ParityTolerances(Map<String, Double> withoutNetworks, Map<String, Double> withNetworks, String description,
                             List<Spread> spreads) {
        this.withoutNetworks = Collections.unmodifiableMap(new LinkedHashMap<>(withoutNetworks));
        this.withNetworks = Collections.unmodifiableMap(new LinkedHashMap<>(withNetworks));
        this.description = description;
        this.spreads = List.copyOf(spreads);
    }

    /**
     * The tolerance of {@code array}.
     *
     * @param array        depths, psv, mpinet_out, mpi_fg, mpi_bg, mask, rgb or fg_acc_alpha
     * @param withNetworks true for {@link ParityCase#checkWithNetworks} (rgb, fg_acc_alpha rendered from the networks'
     *                     outputs), false for {@link ParityCase#check} (rendered from the case's MPIs)
     */
    public double of(String array, boolean withNetworks) {
        Double t = (withNetworks ? this.withNetworks : withoutNetworks).get(array);
        if (t == null) {
            throw new IllegalArgumentException("no parity tolerance for array '" + array + "'"
                    + (withNetworks ? "" : " without networks") + "; known: " + (withNetworks ? this.withNetworks : withoutNetworks).keySet());
        }
        return t;
    }

    /** One line: where these tolerances come from (measurement, card, number of cases, margin) or that they are hand-set. */
    public String describe() { return description; }

    /** Whether the tolerances come from a measurement of the released code (false: hand-set or given on the command line). */
    public boolean measured() { return !spreads.isEmpty(); }

    /** The measured spread per array, in {@link #MEASURED} order (empty unless {@link #measured()}). */
    public List<Spread> spreads() { return spreads; }

    // ------------------------------------------------------------------------------------------ sources

    /**
     * One tolerance per kind of array, as {@code ./mask3d parity --tol --psv-tol --net-tol} gave them before the
     * derivation: {@code geometry} for depths (and, without networks, rgb and fg_acc_alpha), {@code psv} for the
     * plane-sweep volume, {@code network} for the arrays computed by the networks and, with networks, rgb and
     * fg_acc_alpha.
     */
    public static ParityTolerances uniform(double geometry, double psv, double network) {
        return uniform(geometry, psv, network, String.format(Locale.ROOT, "tolerances: %s; psv %s; arrays computed by the networks %s",
                sci(geometry), sci(psv), sci(network)));
    }

    private static ParityTolerances uniform(double geometry, double psv, double network, String description) {
        for (double t : new double[]{geometry, psv, network}) {
            if (!(t >= 0) || Double.isInfinite(t)) throw new IllegalArgumentException("a tolerance must be finite and ≥ 0, got " + t);
        }
        Map<String, Double> without = new LinkedHashMap<>(), with = new LinkedHashMap<>();
        without.put("depths", geometry);
        without.put("psv", psv);
        for (String a : RENDERED) without.put(a, geometry);
        with.put("depths", geometry);
        with.put("psv", psv);
        for (String a : NETWORK_ARRAYS) with.put(a, network);
        for (String a : RENDERED) with.put(a, network);
        return new ParityTolerances(without, with, description, List.of());
    }

    /** The values used before the derivation (and still when no measurement is bundled): 1e-5, psv 3e-5, networks 1e-4. */
    public static ParityTolerances handSet() {
        return uniform(FLOOR, ParityCase.PSV_TOLERANCE, 1e-4,
                "tolerances: hand-set (no measurement of the released code's float32 spread is bundled, " + RESOURCE
                        + "): 1e-5; psv 3e-5; arrays computed by the networks 1e-4");
    }

    /** The derived tolerances of the bundled measurement ({@value #RESOURCE}), or the {@link #handSet()} ones without it. */
    public static ParityTolerances defaults() {
        return bundled().orElseGet(ParityTolerances::handSet);
    }

    /** The tolerances derived from the bundled measurement, if it is there; a malformed resource is an error, not a fallback. */
    public static Optional<ParityTolerances> bundled() {
        try (InputStream in = ParityTolerances.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return Optional.empty();
            return Optional.of(derive(new String(in.readAllBytes(), StandardCharsets.UTF_8), "resource org/mask3d/eval/" + RESOURCE));
        } catch (IOException e) {
            throw new InputException("resource org/mask3d/eval/" + RESOURCE + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@link #derive} on a measurement file ({@code lib/benchmarks/parity-release-float32-spread-<card>.json}). */
    public static ParityTolerances load(Path json) {
        try {
            return derive(Files.readString(json, StandardCharsets.UTF_8), json.toString());
        } catch (NoSuchFileException e) {
            throw new InputException(json + ": file not found");
        } catch (IOException e) {
            throw new InputException(json + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Derives the tolerances from a measurement of the released code's float32 spread (the class doc gives the rule).
     *
     * <p>Expected: {@code {"card": "...", "torch": "...", "cases": [{"name": "gen-0", "arrays": {"psv": {"max_abs": 2.1e-5,
     * ...}, ...}}, ...]}}. Other fields (seed, H, W, p99_abs, n, over_1e-5, vs_f64, fixtures, note) are not used. A case
     * may leave out arrays, but every array of {@link #MEASURED} must be measured by at least one case, and an array name
     * outside it is an error (a typo would otherwise leave an array unmeasured). A case without {@code arrays} but with
     * an {@code error} (the released code failed on it) is skipped and counted; {@code "cuda": false} (a CPU-only run,
     * {@code arrays} null) is refused.
     *
     * @param json   the file's text
     * @param origin the file it came from, named in every error
     * @throws InputException naming {@code origin} and the field (e.g. {@code cases[2].arrays.mask.max_abs})
     */
    public static ParityTolerances derive(String json, String origin) {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) throw new InputException(origin + ": expected a JSON object at the top, got " + kind(e));
            root = e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new InputException(origin + ": not valid JSON: " + e.getMessage());
        }
        String card = string(root, "card", origin);
        String torch = root.has("torch") && !root.get("torch").isJsonNull() ? string(root, "torch", origin) : null;
        JsonElement cuda = root.get("cuda");
        // a run without CUDA measures the release's float32 error against its own float64 run on the CPU instead
        boolean cpuOnly = cuda != null && cuda.isJsonPrimitive() && cuda.getAsJsonPrimitive().isBoolean() && !cuda.getAsBoolean();
        JsonElement casesE = root.get("cases");
        if (casesE == null || !casesE.isJsonArray()) throw bad(origin, "cases", "an array of measured cases", casesE);
        JsonArray cases = casesE.getAsJsonArray();
        if (cases.isEmpty()) throw bad(origin, "cases", "a non-empty array", casesE);

        double[] worst = new double[MEASURED.size()];
        String[] worstCase = new String[MEASURED.size()];
        int[] count = new int[MEASURED.size()];
        int measuredCases = 0, failedCases = 0;
        for (int i = 0; i < cases.size(); i++) {
            String at = "cases[" + i + "]";
            JsonElement c = cases.get(i);
            if (!c.isJsonObject()) throw bad(origin, at, "an object", c);
            String name = string(c.getAsJsonObject(), "name", origin, at + ".name");
            JsonElement arraysE = c.getAsJsonObject().get("arrays");
            if (c.getAsJsonObject().has("error") && (arraysE == null || arraysE.isJsonNull())) { failedCases++; continue; }   // the release failed on it
            if (cpuOnly) {
                JsonElement f64 = c.getAsJsonObject().get("vs_f64");
                arraysE = f64 != null && f64.isJsonObject() ? f64.getAsJsonObject().get("cpu") : null;
                at = at + ".vs_f64.cpu";
                if (arraysE == null || !arraysE.isJsonObject()) throw bad(origin, at, "an object of arrays (a run without CUDA: float32 vs float64 on the CPU)", arraysE);
            }
            if (arraysE == null || !arraysE.isJsonObject()) throw bad(origin, at + ".arrays", "an object of arrays", arraysE);
            measuredCases++;
            for (Map.Entry<String, JsonElement> a : arraysE.getAsJsonObject().entrySet()) {
                String field = at + (cpuOnly ? "." : ".arrays.") + a.getKey();
                int k = MEASURED.indexOf(a.getKey());
                if (k < 0) throw new InputException(origin + ": " + field + ": unknown array '" + a.getKey() + "' (expected one of " + MEASURED + ")");
                if (!a.getValue().isJsonObject()) throw bad(origin, field, "an object with max_abs", a.getValue());
                JsonElement m = a.getValue().getAsJsonObject().get("max_abs");
                if (m == null || !m.isJsonPrimitive() || !m.getAsJsonPrimitive().isNumber()) {
                    throw bad(origin, field + ".max_abs", "a number", m);
                }
                double v = m.getAsDouble();
                if (!Double.isFinite(v) || v < 0) throw bad(origin, field + ".max_abs", "a finite number ≥ 0", m);
                count[k]++;
                if (worstCase[k] == null || v > worst[k]) { worst[k] = v; worstCase[k] = name; }
            }
        }
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < MEASURED.size(); k++) if (count[k] == 0) missing.add(MEASURED.get(k));
        if (!missing.isEmpty()) {
            throw new InputException(origin + ": cases[*].arrays: no case measures " + String.join(", ", missing)
                    + " (every one of " + MEASURED + " must be measured at least once)");
        }

        Map<String, Double> without = new LinkedHashMap<>(), with = new LinkedHashMap<>();
        List<Spread> spreads = new ArrayList<>();
        without.put("depths", FLOOR);
        with.put("depths", FLOOR);
        for (int k = 0; k < MEASURED.size(); k++) {
            String a = MEASURED.get(k);
            double t = tolerance(worst[k]);
            spreads.add(new Spread(a, worst[k], worstCase[k], count[k]));
            with.put(a, t);
            if (a.equals("psv") || RENDERED.contains(a)) without.put(a, t);
        }
        String description = String.format(Locale.ROOT,
                "tolerances: %s × the released code's largest float32 %s per array (at least 1e-5; depths 1e-5), "
                        + "measured on %s%s, %d case%s%s (%s)",
                fmtMargin(), cpuOnly ? "error against its own float64 run on the CPU" : "spread |CPU − CUDA|", card, torch == null ? "" : ", torch " + torch, measuredCases, measuredCases == 1 ? "" : "s",
                failedCases == 0 ? "" : " (" + failedCases + " more on which the released code fails)", origin);
        return new ParityTolerances(without, with, description, spreads);
    }

    /** {@code max(FLOOR, MARGIN · maxAbs)} rounded up to two significant digits. */
    public static double tolerance(double maxAbs) {
        if (!(maxAbs >= 0) || Double.isInfinite(maxAbs)) throw new IllegalArgumentException("a spread must be finite and ≥ 0, got " + maxAbs);
        double t = MARGIN * maxAbs;
        if (t <= FLOOR) return FLOOR;
        double scale = Math.pow(10, Math.floor(Math.log10(t)) - 1);     // two significant digits
        double up = Math.ceil(t / scale - 1e-9) * scale;                // −1e-9: 4 × 2.5e-6 stays 1.0e-5
        return Double.parseDouble(String.format(Locale.ROOT, "%.1e", up));
    }

    /**
     * These tolerances with the command line's overrides (null: not given), as {@code ./mask3d parity} applies them:
     * {@code tol} sets depths (and, without networks, rgb and fg_acc_alpha) and raises psv to at least {@code tol};
     * {@code psvTol} sets psv; {@code netTol} sets the arrays computed by the networks and, with networks, rgb and
     * fg_acc_alpha.
     */
    public ParityTolerances withOverrides(Double tol, Double psvTol, Double netTol) {
        if (tol == null && psvTol == null && netTol == null) return this;
        Map<String, Double> without = new LinkedHashMap<>(withoutNetworks), with = new LinkedHashMap<>(withNetworks);
        List<String> given = new ArrayList<>();
        if (tol != null) {
            check(tol, "--tol");
            given.add("--tol " + sci(tol));
            without.put("depths", tol);
            with.put("depths", tol);
            for (String a : RENDERED) without.put(a, tol);
            without.put("psv", Math.max(tol, without.get("psv")));
            with.put("psv", Math.max(tol, with.get("psv")));
        }
        if (psvTol != null) {
            check(psvTol, "--psv-tol");
            given.add("--psv-tol " + sci(psvTol));
            without.put("psv", psvTol);
            with.put("psv", psvTol);
        }
        if (netTol != null) {
            check(netTol, "--net-tol");
            given.add("--net-tol " + sci(netTol));
            for (String a : NETWORK_ARRAYS) with.put(a, netTol);
            for (String a : RENDERED) with.put(a, netTol);
        }
        return new ParityTolerances(without, with, description + "; overridden by " + String.join(", ", given), spreads);
    }

    private static void check(double t, String flag) {
        if (!(t >= 0) || Double.isInfinite(t)) throw new InputException(flag + " must be a finite number ≥ 0, got " + t);
    }

    private static String string(JsonObject o, String field, String origin) { return string(o, field, origin, field); }

    private static String string(JsonObject o, String field, String origin, String path) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw bad(origin, path, "a string", e);
        return e.getAsString();
    }

    private static InputException bad(String origin, String field, String expected, JsonElement got) {
        return new InputException(origin + ": field '" + field + "' must be " + expected + ", got " + (got == null ? "nothing" : kind(got) + " " + abbreviate(got.toString())));
    }

    private static String kind(JsonElement e) {
        if (e.isJsonNull()) return "null";
        if (e.isJsonArray()) return "an array";
        if (e.isJsonObject()) return "an object";
        return e.getAsJsonPrimitive().isNumber() ? "a number" : e.getAsJsonPrimitive().isString() ? "a string" : "a boolean";
    }

    private static String abbreviate(String s) { return s.length() <= 40 ? s : s.substring(0, 37) + "..."; }

    private static String fmtMargin() { return MARGIN == Math.rint(MARGIN) ? String.valueOf((int) MARGIN) : String.valueOf(MARGIN); }

    /** 1e-5, 2.5e-5, 1e-4: two significant digits at most, no exponent padding. */
    static String sci(double t) {
        return String.format(Locale.ROOT, "%.1e", t).replace(".0e", "e").replaceFirst("e([+-])0+(\\d)", "e$1$2").replace("e+", "e");
    }

    @Override public String toString() { return description + " " + withNetworks; }
}
