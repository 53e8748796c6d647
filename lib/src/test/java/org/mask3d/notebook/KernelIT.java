package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drives the "mask3d" kernel through the Jupyter protocol ({@code lib/src/test/python/kernel_check.py}, on
 * jupyter_client): values, compile and runtime errors, interrupt, completion, inspection, magics, display API,
 * renderers. Run by failsafe in {@code mvn verify}; the 200-start reliability loop ({@code kernel_starts.py}) is
 * not, it takes minutes.
 */
class KernelIT {
    @Test
    void kernelAnswersAsIJavaDoes() throws Exception {
        Path root = NotebooksIT.repositoryRoot();
        List<String> command = List.of("/usr/bin/python3", "-u", root.resolve("lib/src/test/python/kernel_check.py").toString());
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("[kernel_check] " + line);
                out.append(line).append('\n');
            }
        }
        if (p.waitFor() != 0) fail("kernel_check.py failed:\n" + out + "rerun alone: " + String.join(" ", command));
    }
}
