package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class-path magics on a real JShell: what they add is importable in the next snippet (issue 14). */
class KernelMagicsTest {
    static CellEvaluator ev;
    static KernelMagics magics;

    @BeforeAll
    static void start() {
        ev = new CellEvaluator();
        magics = new KernelMagics(new KernelMagics.Host() {
            @Override public CellEvaluator evaluator() { return ev; }
            @Override public Object runCell(String cell) throws Exception { return ev.eval(cell); }
        });
    }

    @AfterAll
    static void stop() { ev.close(); }

    @Test
    void jarsMakesAJarImportable(@TempDir Path dir) throws Exception {
        Path jar = TestJars.jar(dir, "viajars.Twice", "package viajars; public class Twice {"
                + " public static int of(int x) { return 2 * x; } }");
        assertThrows(CellException.class, () -> ev.eval("import viajars.*;"));
        magics.jars(List.of(dir.resolve("*.jar").toString()), true);
        ev.eval("import viajars.*;");
        assertEquals(42, ev.eval("Twice.of(21)"));
    }

    @Test
    void mavenMakesAnArtifactOfTheLocalRepositoryImportable(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        TestJars.install(repo, "org.mask3d.testonly", "thrice", "2.0", TestJars.jar(dir, "viamaven.Thrice",
                "package viamaven; public class Thrice { public static int of(int x) { return 3 * x; } }"));
        String before = System.getProperty("maven.repo.local");
        System.setProperty("maven.repo.local", repo.toString());   // as -Dmaven.repo.local, or a cell, sets it
        try {
            magics.maven(List.of("org.mask3d.testonly:thrice:2.0"));
        } finally {
            if (before == null) System.clearProperty("maven.repo.local"); else System.setProperty("maven.repo.local", before);
        }
        ev.eval("import viamaven.Thrice;");
        assertEquals(63, ev.eval("Thrice.of(21)"));
        assertTrue(ev.classpath().contains(repo.resolve("org/mask3d/testonly/thrice/2.0/thrice-2.0.jar").toString()));
    }
}
