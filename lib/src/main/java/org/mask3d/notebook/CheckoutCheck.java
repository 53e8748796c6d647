package org.mask3d.notebook;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a notebook runs the library of its own checkout. Each checkout registers its own kernelspec
 * ({@code ./mask3d setup} for {@code mask3d}, {@code ./mask3d setup --name mask3d-<folder>} for another); a notebook
 * of checkout A opened on the kernel of checkout B runs B's library and writes into B's {@code runs/}. The kernel
 * says so in one line, in the first cell's output.
 *
 * <p>A checkout is a folder holding the launcher {@code mask3d} and {@code lib/src/main/scripts/kernel.sh}; the
 * notebook's checkout is the first such folder above the notebook's folder ({@code MASK3D_NOTEBOOK_DIR}, set by
 * kernel.sh), the kernel's the one its library jar ({@code <root>/lib/target/mask3d-lib.jar}) or class folder lies in.
 */
final class CheckoutCheck {
    private CheckoutCheck() {}

    /** The line to show, if the notebook's folder lies in a checkout other than {@code kernelRoot}. */
    static Optional<String> mismatch(Path kernelRoot, Path notebookDir) {
        if (kernelRoot == null || notebookDir == null) return Optional.empty();
        Optional<Path> own = checkoutOf(notebookDir);
        if (own.isEmpty() || same(own.get(), kernelRoot)) return Optional.empty();
        Path o = own.get();
        return Optional.of("mask3d kernel: this notebook is in the checkout " + o + " but the kernel runs the library of "
                + kernelRoot + "; to use its own: (cd " + o + " && ./mask3d setup --name mask3d-" + o.getFileName()
                + ") and pick that kernel");
    }

    /** The first folder at or above {@code dir} that is a mask3d checkout. */
    static Optional<Path> checkoutOf(Path dir) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mask3d")) && Files.isRegularFile(p.resolve("lib/src/main/scripts/kernel.sh"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The checkout of the running library: three folders above its jar (or above {@code lib/target/classes}). */
    static Path kernelRoot() {
        try {
            Path code = Path.of(CheckoutCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return checkoutOf(code).orElse(null);
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The line for this kernel, from {@code MASK3D_NOTEBOOK_DIR}. */
    static Optional<String> forThisKernel() {
        String dir = System.getenv("MASK3D_NOTEBOOK_DIR");
        return dir == null || dir.isBlank() ? Optional.empty() : mismatch(kernelRoot(), Path.of(dir));
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
