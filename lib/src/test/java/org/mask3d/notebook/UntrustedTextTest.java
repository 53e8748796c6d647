package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UntrustedTextTest {
    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertEquals("a\\x1b[2Jb\\nc\\td\\re\\x00\\x7f\\x9b", UntrustedText.escape("a\u001b[2Jb\nc\td\re\u0000\u007f\u009b"));
        assertEquals("x\\u2028y\\u2029z", UntrustedText.escape("x\u2028y\u2029z"));
    }

    @Test
    void printableTextIsKept() {
        String s = "unknown magic %nosuch (a/b\\c \"q\" é ✓ 中)";
        assertEquals(s, UntrustedText.escape(s));
        assertEquals("null", UntrustedText.escape(null));
    }

    @Test
    void longTextIsCutWithTheCountLeftOut() {
        String s = "x".repeat(UntrustedText.MAX_CHARS + 55);
        String e = UntrustedText.escape(s);
        assertTrue(e.startsWith("x".repeat(UntrustedText.MAX_CHARS) + "... (55 more characters)"), e);
        assertEquals(UntrustedText.MAX_MESSAGE_CHARS + "... (1 more characters)".length(),
                UntrustedText.message("y".repeat(UntrustedText.MAX_MESSAGE_CHARS + 1)).length());
    }
}
