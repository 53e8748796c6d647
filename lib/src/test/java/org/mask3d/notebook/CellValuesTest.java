package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A cell's value as the kernel shows it, the notes it moves off standard error, and %time's parts. */
class CellValuesTest {
    @Test
    void arraysAsJShellPrintsThem() {
        assertEquals("int[3] { 1, 2, 3 }", CellValues.arrayText(new int[]{1, 2, 3}));
        assertEquals("int[0] {  }", CellValues.arrayText(new int[0]));
        assertEquals("String[2] { \"a\", null }", CellValues.arrayText(new String[]{"a", null}));
        assertEquals("char[2] { 'x', '\\'' }", CellValues.arrayText(new char[]{'x', '\''}));
        assertEquals("double[2] { 0.5, 1.0 }", CellValues.arrayText(new double[]{0.5, 1}));
        assertEquals("int[2][] { int[2] { 1, 2 }, int[1] { 3 } }", CellValues.arrayText(new int[][]{{1, 2}, {3}}));
        assertTrue(CellValues.arrayText(new byte[1500]).endsWith(", 0, ... (500 more) }"));
    }

    @Test
    void printStreamsAreNotShown() {
        assertTrue(CellValues.isSilent(System.out));
        assertFalse(CellValues.isSilent("text"));
    }

    @Test
    void rendererNotesGoToStandardOutputAndTheRestStays() {
        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        PrintStream s = QuietNotes.wrap(new PrintStream(err, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        s.println("renderer: cpu (GPU not used: UnsatisfiedLinkError: libcuda.so.1)");
        s.println("real error");
        s.print("rend");
        s.println("ering failed: renderer: x");
        s.print("partial");
        s.flush();
        assertEquals("renderer: cpu (GPU not used: UnsatisfiedLinkError: libcuda.so.1)\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("real error\nrendering failed: renderer: x\npartial", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void timeTakesTheRestOfItsLine() {
        String cell = "int a = 1;\n%time int b = \"it's\".length();\nb";
        int[] at = Mask3dKernel.timedCode(cell, 2);
        assertEquals("int b = \"it's\".length();", cell.substring(at[0], at[0] + at[1]));
        assertEquals("time", CellParser.parse(cell).parts().get(1) instanceof CellParser.LineMagic m ? m.name() : "");
        assertEquals("12.3 ms", Mask3dKernel.wallTime(12_300_000));
        assertEquals("2.50 s", Mask3dKernel.wallTime(2_500_000_000L));
    }
}
