package org.mask3d.notebook;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Array;

/**
 * How the kernel treats a cell's value before the renderers see it:
 * <ul>
 *   <li>{@link #isSilent}: what a cell's last call returns only to allow chaining ({@code System.out.printf(...)}
 *       gives {@code System.out}) is not shown, so no {@code Out: java.io.PrintStream@…} appears;</li>
 *   <li>{@link #arrayText}: arrays as JShell prints them, {@code int[3] { 1, 2, 3 }}, {@code String[1] { "a" }},
 *       nested arrays likewise, at most {@value #MAX_ELEMENTS} elements per array.</li>
 * </ul>
 */
final class CellValues {
    static final int MAX_ELEMENTS = 1000;

    private CellValues() {}

    /** A value not worth an {@code Out:}: a print stream or writer (returned by printf/format/append). */
    static boolean isSilent(Object value) {
        return value instanceof PrintStream || value instanceof PrintWriter;
    }

    /** JShell's text of an array: {@code type[length] { e0, e1 }}; strings and chars quoted as literals. */
    static String arrayText(Object array) {
        StringBuilder b = new StringBuilder();
        append(b, array);
        return b.toString();
    }

    private static void append(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            Class<?> c = v.getClass().getComponentType();
            int dims = 0;
            while (c.isArray()) { c = c.getComponentType(); dims++; }
            b.append(c.getSimpleName()).append('[').append(n).append(']').append("[]".repeat(dims)).append(" { ");
            for (int i = 0; i < Math.min(n, MAX_ELEMENTS); i++) {
                if (i > 0) b.append(", ");
                append(b, Array.get(v, i));
            }
            if (n > MAX_ELEMENTS) b.append(", ... (").append(n - MAX_ELEMENTS).append(" more)");
            b.append(" }");
        } else if (v instanceof String s) {
            b.append('"').append(escape(s, '"')).append('"');
        } else if (v instanceof Character ch) {
            b.append('\'').append(escape(String.valueOf(ch), '\'')).append('\'');
        } else {
            b.append(v);
        }
    }

    private static String escape(String s, char quote) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c == quote) b.append('\\').append(c);
                    else if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
