package org.mask3d.notebook;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a cell into Java code and IJava-style magics.
 *
 * <ul>
 *   <li>A cell magic: the cell's first non-blank line is {@code %%name args...}; the rest of the cell is its body.</li>
 *   <li>A line magic: a line whose first non-blank characters are {@code %name} (a letter after one {@code %});
 *       it runs in order with the code around it, so {@code %maven} above a snippet can serve that snippet.</li>
 * </ul>
 * Arguments are split on white space; single or double quotes group (and are removed), a backslash escapes the
 * next character, as in IJava. Code keeps its offset in the cell so diagnostics point into the cell.
 */
public final class CellParser {
    private CellParser() {}

    /** A part of a cell. */
    public sealed interface Part permits Code, LineMagic {}

    /** Java source at {@code offset} (characters from the cell's start). */
    public record Code(String source, int offset) implements Part {}

    /** {@code %name args} on line {@code line} (1-based). */
    public record LineMagic(String name, List<String> args, int line) implements Part {}

    /** {@code %%name args} and the body below it. */
    public record CellMagic(String name, List<String> args, String body) {}

    /** A parsed cell: either a cell magic, or parts (code and line magics) in order. */
    public record Cell(CellMagic cellMagic, List<Part> parts) {
        public boolean isCellMagic() { return cellMagic != null; }
    }

    public static Cell parse(String cell) {
        String[] lines = cell.split("\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) first++;
        if (first < lines.length && lines[first].stripLeading().startsWith("%%")) {
            String head = lines[first].strip().substring(2);
            List<String> words = splitArgs(head);
            if (words.isEmpty()) throw new IllegalArgumentException("a cell magic needs a name after %%");
            StringBuilder body = new StringBuilder();
            for (int i = first + 1; i < lines.length; i++) {
                if (i > first + 1) body.append('\n');
                body.append(lines[i]);
            }
            return new Cell(new CellMagic(words.get(0), words.subList(1, words.size()), body.toString()), List.of());
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder code = new StringBuilder();
        int codeStart = 0, pos = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (isLineMagic(line)) {
                if (!code.toString().isBlank()) parts.add(new Code(code.toString(), codeStart));
                String text = line.strip().substring(1);
                String name = text.split("\\s+", 2)[0];
                // %time's argument is Java code, which the kernel reads from the cell itself: not split as words
                List<String> words = name.equals("time") ? List.of(name) : splitArgs(text);
                parts.add(new LineMagic(words.get(0), List.copyOf(words.subList(1, words.size())), i + 1));
                code.setLength(0);
                codeStart = pos + line.length() + 1;   // the next line's first character
            } else {
                code.append(line);
                if (i < lines.length - 1) code.append('\n');
            }
            pos += line.length() + 1;
        }
        if (!code.toString().isBlank()) parts.add(new Code(code.toString(), codeStart));
        return new Cell(null, parts);
    }

    static boolean isLineMagic(String line) {
        String s = line.stripLeading();
        return s.length() > 1 && s.charAt(0) == '%' && Character.isLetter(s.charAt(1));
    }

    /** Splits magic arguments: white space separates, quotes group, backslash escapes. */
    public static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) quote = 0; else cur.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) { out.add(cur.toString()); cur.setLength(0); inWord = false; }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unclosed " + quote + " in magic arguments: " + s);
        if (inWord) out.add(cur.toString());
        return out;
    }
}
