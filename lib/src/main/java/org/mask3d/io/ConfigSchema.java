package org.mask3d.io;

import org.mask3d.InputException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table of config keys ({@link ConfigKey}: name, type, default, one-line doc, checks), the one mechanism behind
 * every {@code key = value} config (training, evaluation, render). {@link #resolve} reads a {@link ConfigFile} with
 * {@code --set} overrides laid over it: unknown keys are errors naming the nearest known key
 * ({@link ConfigFile#requireKnown}), every value is parsed and checked with its file line in the message, and every
 * key not given takes its default. The result, {@link Values}, is immutable: typed reads ({@link Values#get}),
 * typed copies ({@link Values#with}) and the resolved text ({@link Values#resolvedText}: every key with the value in
 * use and its doc as a comment, which reads back to the same values).
 */
public final class ConfigSchema {
    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();

    /** A table of {@code keys}, in the order the resolved text lists them. */
    public ConfigSchema(List<ConfigKey<?>> keys) {
        for (ConfigKey<?> k : keys) {
            if (this.keys.put(k.name(), k) != null) throw new IllegalArgumentException("config key " + k.name() + " listed twice");
        }
    }

    /** Every key, in table order. */
    public List<ConfigKey<?>> keys() { return List.copyOf(keys.values()); }

    /** Every key name, in table order. */
    public Set<String> names() { return Collections.unmodifiableSet(new LinkedHashSet<>(keys.keySet())); }

    public boolean has(String name) { return keys.containsKey(name); }

    /**
     * The key named {@code name}.
     *
     * @throws InputException for an unknown name, suggesting the nearest known one
     */
    public ConfigKey<?> key(String name) {
        ConfigKey<?> k = keys.get(name);
        if (k == null) {
            ConfigFile.of(Path.of("(config)"), Map.of(name, "")).requireKnown(names());
            throw new IllegalStateException(name);
        }
        return k;
    }

    /** Every key at its default. */
    public Values defaults() { return resolve(ConfigFile.of(Path.of("(defaults)"), Map.of())); }

    /**
     * The config of {@code file} (null: defaults only) with {@code overrides} ({@code --set key=value}) laid over it.
     *
     * @throws InputException on an unknown key (with a suggestion) or a bad value (naming file, line, key and what
     *                        was expected)
     */
    public Values resolve(Path file, Map<String, String> overrides) {
        ConfigFile base = file == null ? ConfigFile.of(Path.of("(command line)"), Map.of()) : ConfigFile.read(file);
        return resolve(base.withOverrides(overrides));
    }

    /** The values of a parsed config file (see {@link #resolve(Path, Map)}). */
    public Values resolve(ConfigFile file) {
        file.requireKnown(names());
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, Object> typed = new LinkedHashMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        for (ConfigKey<?> k : keys.values()) {
            boolean given = file.has(k.name());
            String t = given ? file.string(k.name(), "").strip() : k.defaultText();
            String w = given ? file.location(k.name()) : "default";
            typed.put(k.name(), k.parse(t, w));
            text.put(k.name(), t);
            where.put(k.name(), w);
        }
        return new Values(this, text, typed, where, file.values());
    }

    /**
     * Resolved values of a {@link ConfigSchema}: every key's text (as written, or its default), its typed value and
     * where it came from. Immutable.
     */
    public static final class Values {
        private final ConfigSchema schema;
        private final Map<String, String> text;
        private final Map<String, Object> typed;
        private final Map<String, String> where;
        private final Map<String, String> given;

        private Values(ConfigSchema schema, Map<String, String> text, Map<String, Object> typed, Map<String, String> where,
                       Map<String, String> given) {
            this.schema = schema;
            this.text = Collections.unmodifiableMap(text);
            this.typed = Collections.unmodifiableMap(typed);
            this.where = Collections.unmodifiableMap(where);
            this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
        }

        public ConfigSchema schema() { return schema; }

        /**
         * The value of {@code key}, typed. The key is matched by name, so a stage's variant of a key (another
         * default or parser) reads the same value.
         *
         * @throws IllegalArgumentException if this table has no such key, or one of another type
         */
        @SuppressWarnings("unchecked")
        public <T> T get(ConfigKey<T> key) { return (T) typed.get(own(key).name()); }

        /** The typed value of the key named {@code name} (null for an empty path). */
        public Object value(String name) {
            schema.key(name);
            return typed.get(name);
        }

        /** The text of the key named {@code name}: as written in the file or override (stripped), or its default. */
        public String text(String name) {
            schema.key(name);
            return text.get(name);
        }

        /** Where the value of {@code name} came from: {@code file:line}, {@code --set name}, {@code default}, {@code with name}. */
        public String where(String name) {
            schema.key(name);
            return where.get(name);
        }

        /** The raw values given in the file and overrides (not the defaults), in file order. */
        public Map<String, String> given() { return given; }

        /**
         * A copy with {@code key} set to {@code value} (checked as if it had been read from a file).
         *
         * @throws InputException if the value fails the key's checks in this table
         */
        public <T> Values with(ConfigKey<T> key, T value) {
            return withText(Map.of(own(key).name(), key.format(value)));
        }

        /**
         * A copy with values given as text (like {@code --set} overrides), checked.
         *
         * @throws InputException on an unknown key (with a suggestion) or a bad value
         */
        public Values withText(Map<String, String> values) {
            Map<String, String> t = new LinkedHashMap<>(text);
            Map<String, Object> v = new LinkedHashMap<>(typed);
            Map<String, String> w = new LinkedHashMap<>(where);
            Map<String, String> g = new LinkedHashMap<>(given);
            for (Map.Entry<String, String> e : values.entrySet()) {
                ConfigKey<?> k = schema.key(e.getKey());
                String s = e.getValue() == null ? "" : e.getValue().strip();
                String at = "with " + k.name();
                v.put(k.name(), k.parse(s, at));
                t.put(k.name(), s);
                w.put(k.name(), at);
                g.put(k.name(), s);
            }
            return new Values(schema, t, v, w, g);
        }

        /**
         * Every key with the value in use and its doc, in the released format, after a {@code header} comment line:
         * {@code key = value    # doc}, comments aligned. Reading it back ({@link ConfigFile#read},
         * {@link ConfigSchema#resolve(ConfigFile)}) gives the same values.
         */
        public String resolvedText(String header) {
            StringBuilder sb = new StringBuilder("# ").append(header).append('\n');
            int width = text.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length() + 3).max().orElse(20);
            for (ConfigKey<?> k : schema.keys()) {
                String line = k.name() + " = " + text.get(k.name());
                sb.append(line).append(" ".repeat(Math.max(1, width - line.length() + 2))).append("# ").append(k.doc()).append('\n');
            }
            return sb.toString();
        }

        private ConfigKey<?> own(ConfigKey<?> key) {
            ConfigKey<?> k = schema.keys.get(key.name());
            if (k == null) throw new IllegalArgumentException("no key " + key.name() + " in this config (keys: " + schema.names() + ")");
            if (!k.kind().equals(key.kind())) {
                throw new IllegalArgumentException("key " + key.name() + " is a " + k.kind() + " here, not a " + key.kind());
            }
            return k;
        }
    }
}
