package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Executes every notebook headless on the "mask3d" Java kernel, one dynamic test per notebook:
 * {@code notebooks/*.ipynb} (the product notebooks) and {@code lib/src/test/notebooks/*.ipynb} (kernel checks).
 *
 * <p>Each runs {@code /usr/bin/python3 lib/src/test/python/run_notebook.py} (nbclient), which fails on a cell
 * error, on a cell tagged {@code image} without a picture, or on a kernel that never starts (after retries).
 * The executed notebooks land in {@code lib/target/notebooks/} ({@code test/} for the kernel checks), each
 * with its kernel's log beside it. Run by failsafe in {@code mvn verify}, after {@code package} built the jars
 * the kernel loads; {@code ./mask3d test} registers the kernelspec first. Without Jupyter this test fails
 * (it does not skip): the README promises that the notebooks are tested.
 */
class NotebooksIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");   // Debian's, which has nbclient
    private static final String RUNNER = "lib/src/test/python/run_notebook.py";

    @TestFactory
    Stream<DynamicTest> notebooks() throws IOException, InterruptedException {
        Path root = repositoryRoot();
        requireNbclient(root);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path nb : list(root.resolve("notebooks"))) {
            tests.add(test(root, nb, root.resolve("lib/target/notebooks").resolve(nb.getFileName())));
        }
        for (Path nb : list(root.resolve("lib/src/test/notebooks"))) {
            tests.add(test(root, nb, root.resolve("lib/target/notebooks/test").resolve(nb.getFileName())));
        }
        assertFalse(tests.isEmpty(), "no notebooks found under " + root);
        return tests.stream();
    }

    private static DynamicTest test(Path root, Path notebook, Path out) {
        String name = root.relativize(notebook).toString();
        return DynamicTest.dynamicTest(name, notebook.toUri(), () -> run(root, notebook, out, name));
    }

    private static void run(Path root, Path notebook, Path out, String name) throws IOException, InterruptedException {
        List<String> command = List.of(PYTHON.toString(), "-u", root.resolve(RUNNER).toString(),
                notebook.toString(), "--out", out.toString());
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                System.out.println("[" + name + "] " + line);   // streamed, so a long notebook shows progress
                output.append(line).append('\n');
            }
        }
        int exit = process.waitFor();
        if (exit != 0) {
            fail("notebook " + name + " failed (run_notebook.py exit " + exit + "):\n" + output
                    + "rerun alone: " + String.join(" ", command));
        }
    }

    /** Fails (never skips) when Debian's Python lacks nbclient: the notebook tooling is not installed. */
    private static void requireNbclient(Path root) throws IOException, InterruptedException {
        String hint = "the notebook tests need Jupyter (Debian's python3-nbclient) and the 'mask3d' kernelspec:"
                + " run ./mask3d setup (or ./mask3d test) in " + root;
        if (!Files.isExecutable(PYTHON)) fail(PYTHON + " not found; " + hint);
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import nbclient, nbformat, jupyter_client")
                .redirectErrorStream(true).start();
        String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) fail(PYTHON + " cannot import nbclient (" + lastLine(err) + "); " + hint);
    }

    /** The checkout's root: the first folder above the working directory that holds the launcher and the runner. */
    static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mask3d")) && Files.isRegularFile(dir.resolve(RUNNER))) return dir;
        }
        throw new IllegalStateException("no mask3d checkout (a folder with ./mask3d and " + RUNNER + ") above " + start);
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines[lines.length - 1];
    }
}
