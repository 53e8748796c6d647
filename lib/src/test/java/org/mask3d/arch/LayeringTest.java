package org.mask3d.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The library's layering, checked over the main sources' imports and fully qualified references (comments and string
 * literals stripped): io → geometry → data | render → model → train | eval → workflow | bench → viz → notebook | cli.
 * A package may use its own classes, the root package ({@code org.mask3d.InputException}) and packages of lower layers
 * only: siblings in one layer never use each other. It fails on any upward or sideways reference and on any package
 * cycle, naming the file and the reference.
 */
class LayeringTest {
    /** Layer of each package, lowest first. */
    static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("io", 0), Map.entry("geometry", 1), Map.entry("data", 2), Map.entry("render", 2),
            Map.entry("model", 3), Map.entry("train", 4), Map.entry("eval", 4), Map.entry("workflow", 5),
            Map.entry("bench", 5), Map.entry("viz", 6), Map.entry("notebook", 7), Map.entry("cli", 7));

    private static final Path MAIN = Path.of("src/main/java/org/mask3d");
    private static final Pattern REF = Pattern.compile("\\borg\\.mask3d\\.([a-z][a-z0-9]*)\\b(?=\\.)");

    /** Every (from package → to package) reference with the files that make it. */
    static Map<String, Map<String, TreeSet<String>>> references() throws IOException {
        Map<String, Map<String, TreeSet<String>>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = MAIN.relativize(f);
                if (rel.getNameCount() < 2) continue;   // the root package
                String from = rel.getName(0).toString();
                String code = strip(Files.readString(f));
                Matcher m = REF.matcher(code);
                while (m.find()) {
                    String to = m.group(1);
                    if (to.equals(from) || !LAYER.containsKey(to) && !Files.isDirectory(MAIN.resolve(to))) continue;
                    out.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(rel.toString());
                }
            }
        }
        return out;
    }

    /** The code without comments, string and character literals (so Javadoc links and messages do not count). */
    static String strip(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '"' && s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && s.charAt(i) != c) i += s.charAt(i) == '\\' ? 2 : 1;
                i++;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    @Test void everyPackageHasALayer() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(MAIN)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                if (!LAYER.containsKey(d.getFileName().toString())) missing.add(d.getFileName().toString());
            }
        }
        assertEquals(List.of(), missing, "packages without a layer in LayeringTest.LAYER (add them to the table and the README)");
    }

    @Test void noPackageUsesAHigherOrSiblingLayer() throws IOException {
        List<String> bad = new ArrayList<>();
        references().forEach((from, tos) -> tos.forEach((to, files) -> {
            if (LAYER.get(to) >= LAYER.get(from)) {
                bad.add(from + " (layer " + LAYER.get(from) + ") → " + to + " (layer " + LAYER.get(to) + ") in " + files);
            }
        }));
        assertEquals(List.of(), bad, "upward or sideways references");
    }

    @Test void thePackageGraphHasNoCycle() throws IOException {
        Map<String, Map<String, TreeSet<String>>> g = references();
        Map<String, Integer> state = new TreeMap<>();
        for (String p : LAYER.keySet()) {
            List<String> path = new ArrayList<>();
            String cycle = visit(p, g, state, path);
            assertNull(cycle, "package cycle: " + cycle);
        }
    }

    private static String visit(String p, Map<String, Map<String, TreeSet<String>>> g, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) return null;
        path.add(p);
        if (s != null && s == 1) return String.join(" → ", path.subList(path.indexOf(p), path.size()));
        state.put(p, 1);
        for (String q : g.getOrDefault(p, Map.of()).keySet()) {
            String c = visit(q, g, state, path);
            if (c != null) return c;
        }
        state.put(p, 2);
        path.remove(path.size() - 1);
        return null;
    }

    @Test void theCheckerSeesReferencesAndIgnoresComments() {
        String code = "import org.mask3d.render.Mpi;\n/** {@link org.mask3d.viz.Plots} */ // org.mask3d.cli.Main\n"
                + "String s = \"org.mask3d.eval.X\"; var x = org.mask3d.model.Networks.forward(null, null);";
        Matcher m = REF.matcher(strip(code));
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group(1));
        assertEquals(List.of("render", "model"), found);
    }
}
