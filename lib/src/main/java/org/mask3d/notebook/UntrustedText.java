package org.mask3d.notebook;

/**
 * Text from outside the kernel's control (a message's fields, a cell's magic names, a file's content quoted by a
 * parser) made safe to put into an error message or a log line: control characters (C0, DEL, C1; terminal escape
 * sequences start with one) and the line and paragraph separators become visible escapes ({@code \n},
 * {@code \t}, {@code \x1b}; U+2028 and U+2029 likewise), so the message stays one line and a terminal or a notebook shows
 * the bytes instead of obeying them; overlong text is cut with the count of characters left out.
 */
final class UntrustedText {
    /** The most characters of untrusted text one message quotes. */
    static final int MAX_CHARS = 200;

    private UntrustedText() { }

    /** The most characters of a whole message built around untrusted parts ({@link #message}). */
    static final int MAX_MESSAGE_CHARS = 2000;

    /** A whole one-line message that quotes untrusted parts, escaped; at most {@link #MAX_MESSAGE_CHARS} characters. */
    static String message(String text) {
        return escape(text, MAX_MESSAGE_CHARS);
    }

    /** {@code text} with control characters escaped, at most {@link #MAX_CHARS} characters of it; "null" for null. */
    static String escape(String text) {
        return escape(text, MAX_CHARS);
    }

    /** {@code text} with control characters escaped ({@link org.mask3d.io.Untrusted#escape}), at most {@code max} characters of it. */
    static String escape(String text, int max) {
        if (text == null) return "null";
        String e = org.mask3d.io.Untrusted.escape(text, max, false);
        return text.length() > max ? e + "... (" + (text.length() - max) + " more characters)" : e;
    }
}
