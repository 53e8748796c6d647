package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's message boundary ({@code lib/src/test/python/kernel_boundary.py}, on jupyter_client): execute
 * requests signed with the wrong key, unsigned, or correctly signed but malformed (header not JSON, header
 * fields missing, unknown message type, frames missing, no delimiter) are dropped, run nothing and are logged
 * one line each on the kernel's stderr naming the channel and the reason; after each, a valid request on the
 * same kernel is answered within 5 s. Run by failsafe in {@code mvn verify} (about 10 s).
 */
class KernelBoundaryIT {
    @Test
    void untrustedMessagesAreDroppedAndTheKernelKeepsServing() throws Exception {
        Path root = NotebooksIT.repositoryRoot();
        List<String> command = List.of("/usr/bin/python3", "-u",
                root.resolve("lib/src/test/python/kernel_boundary.py").toString(), "--within", "5");
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("[kernel_boundary] " + line);
                out.append(line).append('\n');
            }
        }
        if (p.waitFor() != 0) fail("kernel_boundary.py failed:\n" + out + "rerun alone: " + String.join(" ", command));
    }
}
