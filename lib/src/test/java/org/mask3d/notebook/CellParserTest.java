package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CellParserTest {
    @Test
    void plainCodeIsOnePartAtOffsetZero() {
        CellParser.Cell c = CellParser.parse("int x = 1;\nx + 1");
        assertFalse(c.isCellMagic());
        assertEquals(List.of(new CellParser.Code("int x = 1;\nx + 1", 0)), c.parts());
    }

    @Test
    void lineMagicsSplitTheCodeAndKeepOffsets() {
        String cell = "int a = 1;\n%maven g:a:1 'x y'\nint b = 2;";
        CellParser.Cell c = CellParser.parse(cell);
        assertEquals(3, c.parts().size());
        assertEquals(new CellParser.LineMagic("maven", List.of("g:a:1", "x y"), 2), c.parts().get(1));
        CellParser.Code after = (CellParser.Code) c.parts().get(2);
        assertEquals("int b = 2;", after.source());
        assertEquals(cell.indexOf("int b"), after.offset());
    }

    @Test
    void cellMagicTakesTheBody() {
        CellParser.Cell c = CellParser.parse("\n%%loadFromPOM --x\n<dependencies/>\nmore");
        assertTrue(c.isCellMagic());
        assertEquals("loadFromPOM", c.cellMagic().name());
        assertEquals(List.of("--x"), c.cellMagic().args());
        assertEquals("<dependencies/>\nmore", c.cellMagic().body());
    }

    @Test
    void moduloOnANewLineIsNotAMagic() {
        assertFalse(CellParser.isLineMagic("  % 3"));
        assertFalse(CellParser.isLineMagic("%%cell"));
        assertTrue(CellParser.isLineMagic("  %jars a.jar"));
    }

    @Test
    void argumentsQuoteAndEscape() {
        assertEquals(List.of("a b", "c", "d\"e", "f g"), CellParser.splitArgs("\"a b\"  c d\\\"e 'f g'"));
        assertThrows(IllegalArgumentException.class, () -> CellParser.splitArgs("'open"));
    }
}
