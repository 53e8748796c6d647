package org.mask3d.io;

import org.mask3d.InputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One key of a config table ({@link ConfigSchema}): its name, its value type, its default (as the text a config file
 * would hold), a one-line doc, and the checks its value must pass. Keys are immutable; {@link #check} and
 * {@link #withDefault} return changed copies.
 *
 * <p>Types ({@link #kind()}): {@code string}, {@code integer}, {@code long}, {@code number} (double), {@code boolean}
 * ({@code True}/{@code False}, any case), {@code path} (empty text: null), {@code integers} ({@code [640, 360]},
 * optionally of a fixed length), {@code names} (a comma list, brackets optional, lower-cased), {@code choice} (one of
 * fixed words, lower-cased) and {@code enum} / {@code list} (values of a domain type read by its own parser).
 *
 * <p>Errors are one line naming where the value came from ({@code file:line}, {@code --set key}, {@code default} or
 * {@code with key}), the key and what was expected: {@code c.txt:2: planes must be an integer, got 'many'}.
 *
 * @param <T> the value type ({@code null} only for an empty {@code path})
 */
public final class ConfigKey<T> {
    /**
     * Turns a value's text (stripped, never null) into a value. Throws {@link Expected} saying what was expected,
     * or {@link InputException} with a complete message of its own (e.g. a domain parser listing valid keys).
     */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    /** A parse or check failure: {@code expected} completes "key must be …". */
    public static final class Expected extends RuntimeException {
        public Expected(String expected) { super(expected, null, false, false); }
    }

    private record Rule<T>(Predicate<? super T> ok, String expected) {}

    private final String name;
    private final String kind;
    private final String def;
    private final String doc;
    private final Parser<T> parser;
    private final Function<? super T, String> format;
    private final List<Rule<T>> rules;

    private ConfigKey(String name, String kind, String def, String doc, Parser<T> parser, Function<? super T, String> format,
                      List<Rule<T>> rules) {
        if (name == null || name.isBlank() || !name.equals(name.strip()) || name.contains("=") || name.contains("#")) {
            throw new IllegalArgumentException("bad config key name '" + name + "'");
        }
        this.name = name;
        this.kind = kind;
        this.def = Objects.requireNonNull(def, "default of " + name).strip();
        this.doc = Objects.requireNonNull(doc, "doc of " + name);
        this.parser = parser;
        this.format = format;
        this.rules = List.copyOf(rules);
    }

    /** A key of any type: {@code parser} reads the text, {@code format} writes a value back as text. */
    public static <T> ConfigKey<T> of(String name, String kind, String def, String doc, Parser<T> parser,
                                      Function<? super T, String> format) {
        return new ConfigKey<>(name, kind, def, doc, parser, format, List.of());
    }

    /** Text, stripped. */
    public static ConfigKey<String> string(String name, String def, String doc) {
        return of(name, "string", def, doc, s -> s, s -> s);
    }

    /** An {@code int}; an integral decimal such as {@code 1e6} is accepted. */
    public static ConfigKey<Integer> integer(String name, String def, String doc) {
        return of(name, "integer", def, doc, s -> {
            long v = parseLong(s, "an integer");
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new Expected("an integer (32-bit)");
            return (int) v;
        }, String::valueOf);
    }

    /** A {@code long}; an integral decimal such as {@code 1e6} is accepted. */
    public static ConfigKey<Long> longInteger(String name, String def, String doc) {
        return of(name, "long", def, doc, s -> parseLong(s, "an integer"), String::valueOf);
    }

    /** A finite {@code double} (NaN and infinities are refused). */
    public static ConfigKey<Double> number(String name, String def, String doc) {
        return of(name, "number", def, doc, s -> {
            double v;
            try {
                v = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new Expected("a number");
            }
            if (!Double.isFinite(v)) throw new Expected("a finite number");
            return v;
        }, String::valueOf);
    }

    /** {@code True} or {@code False} (any case), written back as the released code writes them. */
    public static ConfigKey<Boolean> bool(String name, String def, String doc) {
        return of(name, "boolean", def, doc, s -> {
            if (s.equalsIgnoreCase("true")) return true;
            if (s.equalsIgnoreCase("false")) return false;
            throw new Expected("True or False");
        }, b -> b ? "True" : "False");
    }

    /** A path; empty text is {@code null} (not given). */
    public static ConfigKey<Path> path(String name, String def, String doc) {
        return of(name, "path", def, doc, s -> s.isEmpty() ? null : Path.of(s), p -> p == null ? "" : p.toString());
    }

    /** An integer list {@code [a, b, …]} of exactly {@code n} entries (n ≤ 0: any length, {@code []} included). */
    public static ConfigKey<int[]> integers(String name, int n, String def, String doc) {
        return of(name, "integers", def, doc, s -> {
            List<String> parts = items(s);
            int[] out = new int[parts.size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = Integer.parseInt(parts.get(i));
                } catch (NumberFormatException e) {
                    throw new Expected("a list of integers like [640, 360]");
                }
            }
            if (n > 0 && out.length != n) throw new Expected("a list of " + n + " integers like " + (n == 2 ? "[640, 360]" : "[" + "0, ".repeat(n - 1) + "0]"));
            return out;
        }, v -> Arrays.stream(v).mapToObj(String::valueOf).collect(Collectors.joining(", ", "[", "]")));
    }

    /** A list of words, {@code a, b} or {@code [a, b]}, lower-cased ({@code []}: empty). */
    public static ConfigKey<List<String>> names(String name, String def, String doc) {
        return list(name, def, doc, s -> s, s -> s);
    }

    /**
     * A list of domain values ({@code a, b} or {@code [a, b]}; each word lower-cased and read by {@code item}, which
     * throws {@link InputException} or {@link Expected} for a bad word).
     */
    public static <E> ConfigKey<List<E>> list(String name, String def, String doc, Parser<E> item, Function<? super E, String> key) {
        return of(name, "list", def, doc, s -> {
            List<E> out = new ArrayList<>();
            for (String p : items(s)) out.add(item.parse(p.toLowerCase(Locale.ROOT)));
            return List.copyOf(out);
        }, v -> String.join(", ", v.stream().map(key).toList()));
    }

    /** One of {@code allowed} (any case; the value is lower-cased). */
    public static ConfigKey<String> choice(String name, String def, String doc, String... allowed) {
        List<String> ok = List.of(allowed);
        return of(name, "choice", def, doc, s -> {
            String v = s.toLowerCase(Locale.ROOT);
            if (!ok.contains(v)) throw new Expected(words(ok));
            return v;
        }, s -> s);
    }

    /** A domain value read by {@code parse} (which names the valid keys when it fails) and written by {@code key}. */
    public static <E> ConfigKey<E> choice(String name, String def, String doc, Parser<E> parse, Function<? super E, String> key) {
        return of(name, "enum", def, doc, parse, key);
    }

    /** "a, b or c". */
    public static String words(List<String> w) {
        if (w.size() <= 1) return String.join("", w);
        return String.join(", ", w.subList(0, w.size() - 1)) + " or " + w.get(w.size() - 1);
    }

    /** This key with one more check: values failing {@code ok} are errors "key must be {@code expected}". */
    public ConfigKey<T> check(Predicate<? super T> ok, String expected) {
        List<Rule<T>> r = new ArrayList<>(rules);
        r.add(new Rule<>(ok, expected));
        return new ConfigKey<>(name, kind, def, doc, parser, format, r);
    }

    /** This key with another default and doc (a stage whose released default differs). */
    public ConfigKey<T> withDefault(String def, String doc) {
        return new ConfigKey<>(name, kind, def, doc, parser, format, rules);
    }

    /** This key with another parser (e.g. a stage that accepts fewer values); format, default and checks kept. */
    public ConfigKey<T> withParser(Parser<T> parser) {
        return new ConfigKey<>(name, kind, def, doc, parser, format, rules);
    }

    public String name() { return name; }
    /** The type's name (string, integer, long, number, boolean, path, integers, list, choice, enum). */
    public String kind() { return kind; }
    /** The default, as config text. */
    public String defaultText() { return def; }
    /** The one-line doc (the resolved config's comment). */
    public String doc() { return doc; }

    /**
     * Reads and checks {@code text}.
     *
     * @param where where the text came from ({@code file:line}, {@code --set key}, …), for the message
     * @throws InputException "{@code where: key must be …, got 'text'}"
     */
    public T parse(String text, String where) {
        String s = text == null ? "" : text.strip();
        T v;
        try {
            v = parser.parse(s);
        } catch (Expected e) {
            throw new InputException(where + ": " + name + " must be " + e.getMessage() + ", got " + Untrusted.quote(s));
        } catch (InputException e) {
            throw new InputException(where + ": " + e.getMessage(), e);
        }
        for (Rule<T> r : rules) {
            if (!r.ok().test(v)) throw new InputException(where + ": " + name + " must be " + r.expected() + ", got " + Untrusted.quote(s));
        }
        return v;
    }

    /** The default value. */
    public T defaultValue() { return parse(def, "default"); }

    /** A value written as config text (the inverse of {@link #parse} for valid values). */
    public String format(T value) { return format.apply(value); }

    @Override public String toString() { return name + " (" + kind + ", default '" + def + "'): " + doc; }

    private static long parseLong(String s, String expected) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(s);
                if (d == Math.rint(d) && Math.abs(d) < 0x1p63) return (long) d;
            } catch (NumberFormatException ignored) {
                // not a number either
            }
            throw new Expected(expected);
        }
    }

    private static List<String> items(String s) {
        String body = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        List<String> out = new ArrayList<>();
        for (String p : body.split(",")) if (!p.isBlank()) out.add(p.strip());
        return out;
    }
}
