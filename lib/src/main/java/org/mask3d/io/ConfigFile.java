package org.mask3d.io;

import org.mask3d.InputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A text config in the released code's configargparse format: one {@code key = value} per line, {@code #} starts
 * a comment, lists are written {@code [640, 360]}. Values stay strings until a typed getter reads them, and every
 * error names the file, the line and the key. {@link #requireKnown} rejects keys a consumer does not know, with
 * the nearest known key as a suggestion (a typo never passes silently). Typed configs are tables of
 * {@link ConfigKey}s ({@link ConfigSchema}) read through this parser.
 */
public final class ConfigFile {
    private final Path path;
    private final Map<String, String> values;
    private final Map<String, Integer> lines;

    private ConfigFile(Path path, Map<String, String> values, Map<String, Integer> lines) {
        this.path = path;
        this.values = values;
        this.lines = lines;
    }

    /** Parses a config file. */
    public static ConfigFile read(Path path) {
        List<String> text;
        if (Files.exists(path)) Untrusted.requireRegularFile(path, "a config file (key = value lines)");
        if (Files.exists(path) && Files.isRegularFile(path)) {
            try {
                if (Files.size(path) > (1 << 20)) throw new InputException(path + ": a config file of " + Files.size(path) + " bytes, expected at most 1 MB of key = value lines");
            } catch (IOException e) {
                throw new InputException("cannot read config " + path + ": " + Untrusted.reason(e), e);
            }
        }
        try {
            text = Files.readAllLines(path);
        } catch (NoSuchFileException e) {
            throw new InputException("config not found: " + path);
        } catch (IOException e) {
            throw new InputException("cannot read config " + path + ": " + Untrusted.reason(e), e);
        }
        Map<String, String> v = new LinkedHashMap<>();
        Map<String, Integer> ln = new LinkedHashMap<>();
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new InputException(path + ":" + (i + 1) + ": expected 'key = value', got '" + line + "'");
            String key = line.substring(0, eq).strip();
            String val = line.substring(eq + 1).strip();
            if (v.containsKey(key)) {
                throw new InputException(path + ":" + (i + 1) + ": '" + key + "' is set twice (first on line " + ln.get(key) + ")");
            }
            v.put(key, val);
            ln.put(key, i + 1);
        }
        return new ConfigFile(path, v, ln);
    }

    /**
     * This config with command-line values laid over it ({@code --set key=value}); errors about an overridden key
     * name the command line instead of a file line.
     */
    public ConfigFile withOverrides(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, Integer> ln = new LinkedHashMap<>(lines);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            v.put(e.getKey(), e.getValue().strip());
            ln.put(e.getKey(), -1);
        }
        return new ConfigFile(path, v, ln);
    }

    /**
     * This config with key {@code from} replaced by {@code to = value} at {@code from}'s place and line (an alias
     * rewritten to its canonical key); a {@code to} already present is replaced.
     */
    public ConfigFile renamed(String from, String to, String value) {
        Map<String, String> v = new LinkedHashMap<>();
        Map<String, Integer> ln = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().equals(to)) continue;
            boolean alias = e.getKey().equals(from);
            v.put(alias ? to : e.getKey(), alias ? value : e.getValue());
            ln.put(alias ? to : e.getKey(), lines.get(e.getKey()));
        }
        return new ConfigFile(path, v, ln);
    }

    /** A config of the given values only (e.g. command-line settings without a file). */
    public static ConfigFile of(Path path, Map<String, String> values) {
        return new ConfigFile(path, new LinkedHashMap<>(), new LinkedHashMap<>()).withOverrides(values);
    }

    /** Every key and its raw value, in file order (overrides last). */
    public Map<String, String> values() { return Collections.unmodifiableMap(values); }

    public Path path() { return path; }
    public Set<String> keys() { return Collections.unmodifiableSet(values.keySet()); }
    public boolean has(String key) { return values.containsKey(key); }

    /** Throws on the first key not in {@code known}, suggesting the nearest known key. */
    public ConfigFile requireKnown(Set<String> known) {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                String best = null;
                int bestD = Integer.MAX_VALUE;
                for (String c : known) {
                    int d = editDistance(k, c);
                    if (d < bestD) { bestD = d; best = c; }
                }
                String hint = best != null && bestD <= Math.max(2, k.length() / 3) ? "; did you mean '" + best + "'?" : "";
                throw new InputException(where(k) + ": unknown key '" + k + "'" + hint + " (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
        return this;
    }

    public String string(String key, String def) { return values.getOrDefault(key, def); }

    public int integer(String key, int def) {
        String s = values.get(key);
        if (s == null) return def;
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new InputException(where(key) + ": '" + key + "' must be an integer, got '" + s + "'");
        }
    }

    public double number(String key, double def) {
        String s = values.get(key);
        if (s == null) return def;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InputException(where(key) + ": '" + key + "' must be a number, got '" + s + "'");
        }
    }

    public boolean bool(String key, boolean def) {
        String s = values.get(key);
        if (s == null) return def;
        if (s.equalsIgnoreCase("true")) return true;
        if (s.equalsIgnoreCase("false")) return false;
        throw new InputException(where(key) + ": '" + key + "' must be True or False, got '" + s + "'");
    }

    /**
     * An integer list {@code [a, b, …]} of exactly {@code n} entries (n ≤ 0: any length).
     */
    public int[] integers(String key, int n, int[] def) {
        String s = values.get(key);
        if (s == null) return def;
        String body = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        List<Integer> out = new ArrayList<>();
        for (String part : body.split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                throw new InputException(where(key) + ": '" + key + "' must be a list of integers like [640, 360], got '" + s + "'");
            }
        }
        if (n > 0 && out.size() != n) {
            throw new InputException(where(key) + ": '" + key + "' must have " + n + " entries, got " + out.size() + " ('" + s + "')");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Where {@code key}'s value came from, for error messages: {@code file:line}, or {@code --set key} for an
     * override.
     */
    public String location(String key) { return where(key); }

    private String where(String key) {
        Integer line = lines.get(key);
        return line == null || line < 0 ? "--set " + key : path + ":" + line;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
