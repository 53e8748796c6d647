package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckoutCheckTest {
    static Path checkout(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib/src/main/scripts"));
        Files.createDirectories(dir.resolve("notebooks"));
        Files.writeString(dir.resolve("mask3d"), "#!/bin/sh\n");
        Files.writeString(dir.resolve("lib/src/main/scripts/kernel.sh"), "#!/bin/sh\n");
        return dir;
    }

    @Test
    void aNotebookOfAnotherCheckoutGetsOneLine(@TempDir Path tmp) throws Exception {
        Path a = checkout(tmp.resolve("first")), b = checkout(tmp.resolve("second"));
        assertEquals(Optional.empty(), CheckoutCheck.mismatch(a, a.resolve("notebooks")));
        assertEquals(Optional.empty(), CheckoutCheck.mismatch(a, tmp));   // a folder of no checkout: nothing to say
        String line = CheckoutCheck.mismatch(a, b.resolve("notebooks")).orElseThrow();
        assertTrue(line.startsWith("mask3d kernel: this notebook is in the checkout " + b + " but the kernel runs the library of " + a), line);
        assertTrue(line.contains("./mask3d setup --name mask3d-second"), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void theRunningLibraryBelongsToThisCheckout() {
        Path root = CheckoutCheck.kernelRoot();   // target/classes under test
        assertTrue(root != null && Files.isRegularFile(root.resolve("mask3d")), String.valueOf(root));
    }
}
