package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JShell evaluation as the kernel does it, without Jupyter. One shell for the class: JShell starts in about a second. */
class CellEvaluatorTest {
    static CellEvaluator ev;

    @BeforeAll
    static void start() { ev = new CellEvaluator(); }

    @AfterAll
    static void stop() { ev.close(); }

    @Test
    void expressionGivesTheObjectItself() throws Exception {
        Object v = ev.eval("var img = new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB);\nimg");
        assertInstanceOf(BufferedImage.class, v);   // the same object, shared class loader: renderers can use it
        assertEquals(42, ev.eval("int x = 40;\nx + 2"));
    }

    @Test
    void statementsHaveNoValue() throws Exception {
        assertSame(CellEvaluator.NO_VALUE, ev.eval("int y = 5;"));
        assertSame(CellEvaluator.NO_VALUE, ev.eval("System.out.print(\"\");"));
    }

    @Test
    void compileErrorNamesLineAndColumnInTheCell() {
        CellException e = assertThrows(CellException.class, () -> ev.eval("int a = 1;\n\nString s = 5;"));
        assertEquals("CompilationException", e.name());
        assertTrue(e.traceback().get(0).startsWith("cell line 3, column 12: incompatible types"), e.toString());
        assertEquals("    String s = 5;", e.traceback().get(1));
        assertEquals("               ^", e.traceback().get(2));
    }

    @Test
    void runtimeErrorIsTrimmedToTheCell() {
        CellException e = assertThrows(CellException.class,
                () -> ev.eval("void boom() {\n  throw new IllegalStateException(\"no\");\n}\nboom();"));
        assertEquals("java.lang.IllegalStateException", e.name());
        assertEquals("java.lang.IllegalStateException: no", e.traceback().get(0));
        assertEquals("\tat boom (cell line 2)", e.traceback().get(1));
        assertEquals("\tat (cell line 4)", e.traceback().get(2));
        assertEquals(3, e.traceback().size(), e.toString());
    }

    @Test
    void libraryClassesAreOnTheCompilerClassPath() throws Exception {
        assertEquals("org.mask3d.render.Mpi", ev.eval("org.mask3d.render.Mpi.class.getName()"));
    }

    @Test
    void aJarAddedLaterReachesTheCompilerAndTheRuntime(@TempDir Path dir) throws Exception {
        // a class that is on no class path of this JVM: compiled here into a jar of its own
        Path jar = TestJars.jar(dir, "later.Greeter", "package later; public class Greeter {"
                + " public static String hi(String who) { return \"hello \" + who; } }");
        assertThrows(CellException.class, () -> ev.eval("later.Greeter.hi(\"x\")"));
        assertTrue(ev.addToClasspath(jar.toString()));
        assertEquals(false, ev.addToClasspath(jar.toString()));   // once only
        ev.eval("import later.*;");   // the compiler sees the package
        assertEquals("hello you", ev.eval("Greeter.hi(\"you\")"));
        assertEquals("later.Greeter", ev.eval("Class.forName(\"later.Greeter\").getName()"));   // so does the runtime
    }

    @Test
    void importCompletion() {
        CellEvaluator.Completions c = ev.complete("import java.util.concurrent.atomic.AtomicLo", 43);
        assertTrue(c.options().stream().anyMatch(o -> o.startsWith("AtomicLong")), c.toString());
        c = ev.complete("import java.util.conc", 21);
        assertTrue(c.options().stream().anyMatch(o -> o.startsWith("concurrent")), c.toString());
    }

    @Test
    void completionAndIsComplete() {
        CellEvaluator.Completions c = ev.complete("int q = 1;\nMath.ma", "int q = 1;\nMath.ma".length());
        assertTrue(c.options().contains("max("), c.toString());
        assertEquals("int q = 1;\nMath.".length(), c.start());
        assertEquals("incomplete", ev.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("complete", ev.isComplete("int z = 3;"));
    }

    @Test
    void interruptStopsABusyLoop() throws Exception {
        Thread t = new Thread(() -> {
            try { Thread.sleep(500); } catch (InterruptedException e) { return; }
            ev.interrupt();
        });
        t.start();
        long t0 = System.nanoTime();
        CellException e = assertThrows(CellException.class, () -> ev.eval("long n = 0;\nwhile (true) n++;"));
        assertEquals("InterruptedException", e.name());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
        assertEquals(3, ev.eval("1 + 2"));   // the shell survives
    }
}
