package org.mask3d.io;

import org.mask3d.InputException;

/**
 * Helpers for bytes that come from a file the user did not write: how they are echoed in messages, and how much
 * memory a file may make the readers allocate.
 *
 * <h2>Echoing file content</h2>
 * Every message that repeats text taken from a file (an npz key, a dtype string, a zip record name, a pickled
 * global's name) goes through {@link #quote} or {@link #text}: control characters (terminal escape codes, NUL,
 * newlines, C1 controls, bidirectional overrides, line separators) are escaped as {@code \xNN} / {@code \\uNNNN},
 * so a message stays one printable line, and text longer than {@value #MAX_ECHO} characters is cut.
 *
 * <h2>Memory budget</h2>
 * The readers of {@code .npy}, {@code .npz} and PyTorch checkpoints check every size a file declares against the
 * file's real size and against {@link #maxBytes()} <em>before</em> allocating: the system property
 * {@code mask3d.maxBytes} (bytes; suffixes {@code k}, {@code m}, {@code g} allowed), by default half of the JVM's
 * maximum heap. The budget applies to one file read (all arrays of an npz, all tensors of a checkpoint).
 */
public final class Untrusted {
    private Untrusted() {}

    /** Longest piece of file text echoed in a message; longer text is cut with a note of its length. */
    public static final int MAX_ECHO = 200;

    /** The system property that sets {@link #maxBytes()}. */
    public static final String MAX_BYTES_PROPERTY = "mask3d.maxBytes";

    /**
     * {@code s} in single quotes, control characters escaped and long text cut, e.g. {@code 'a\x1b[31mb'}.
     * {@code null} is {@code None}.
     */
    public static String quote(String s) {
        return s == null ? "None" : "'" + text(s) + "'";
    }

    /** {@code s} with control characters escaped (backslash and single quote too) and long text cut; no quotes. */
    public static String text(String s) {
        if (s == null) return "None";
        String e = escape(s, MAX_ECHO, true);
        return s.length() > MAX_ECHO ? e + "...(" + s.length() + " chars)" : e;
    }

    /**
     * The first {@code max} characters of {@code s} with control characters, invisible format characters and lone
     * surrogates escaped ({@code \n}, {@code \x1b}, {@code \u2028}): the one escaping rule of the project, for
     * messages and logs that echo untrusted text.
     *
     * @param quoting also escape backslash and single quote (for text shown inside single quotes)
     */
    public static String escape(String s, int max, boolean quoting) {
        int n = Math.min(s.length(), max);
        StringBuilder sb = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\': sb.append(quoting ? "\\\\" : "\\"); break;
                case '\'': sb.append(quoting ? "\\'" : "'"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else if (isInvisibleControl(c) || (Character.isSurrogate(c) && !pairedSurrogate(s, i))) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }

    /** Bidirectional overrides/isolates, line/paragraph separators, zero-width and BOM characters. */
    private static boolean isInvisibleControl(char c) {
        return (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f)
                || c == 0xfeff || c == 0x061c || c == 0x00ad;
    }

    private static boolean pairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /**
     * Checks that {@code path} is a regular file before it is opened (opening a FIFO for reading blocks until a writer
     * comes; a folder cannot be read).
     *
     * @param what what the file should be, for the message, e.g. "a PNG/JPEG image"
     * @throws InputException "PATH: expected what, found a folder" (or "a FIFO, socket or device", or "not found: PATH")
     */
    public static void requireRegularFile(java.nio.file.Path path, String what) {
        if (java.nio.file.Files.isRegularFile(path)) return;
        if (!java.nio.file.Files.exists(path)) throw new InputException("file not found: " + path);
        String kind = java.nio.file.Files.isDirectory(path) ? "a folder" : "a FIFO, socket or device, not a regular file";
        throw new InputException(path + ": expected " + what + ", found " + kind);
    }

    /**
     * Why an I/O call failed, for a message: "the file ends early (truncated)" for an end of file, the exception's class
     * when it has no message (never "null"), else its message escaped by {@link #text}.
     */
    public static String reason(Throwable e) {
        if (e instanceof java.io.EOFException) return "the file ends early (truncated)";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        return text(m.strip());
    }

    /**
     * The memory budget for one file read, in bytes: {@code -Dmask3d.maxBytes} or half of the maximum heap.
     *
     * @throws InputException if the property is set but is not a positive size
     */
    public static long maxBytes() {
        String p = System.getProperty(MAX_BYTES_PROPERTY);
        if (p == null || p.isBlank()) return Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 2);
        return MemoryLimit.parseSize(p, MAX_BYTES_PROPERTY);
    }

    /**
     * A running total of what one file read allocates, checked against {@link #maxBytes()}.
     */
    static final class Budget {
        private final String src;
        private final long max;
        private long used;

        Budget(String src) {
            this.src = src;
            this.max = maxBytes();
        }

        long max() { return max; }

        /**
         * Adds {@code bytes} for {@code what}; throws when the total passes the budget.
         *
         * @throws InputException "src: what needs N bytes, over the memory budget of M bytes (-Dmask3d.maxBytes)"
         */
        void charge(long bytes, String what) {
            require(bytes, what);
            used += bytes;
        }

        /** Checks that {@code bytes} more would fit now, for a buffer that is dropped again (not added to the total). */
        void require(long bytes, String what) {
            if (bytes < 0 || bytes > max - used) {
                throw new InputException(src + ": " + what + " needs " + (bytes < 0 ? "more than 2^63" : String.valueOf(bytes))
                        + " bytes" + (used > 0 ? " (after " + used + " already read)" : "") + ", over the memory budget of " + max
                        + " bytes (-D" + MAX_BYTES_PROPERTY + ")");
            }
        }
    }
}
