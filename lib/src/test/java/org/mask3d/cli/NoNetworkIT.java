package org.mask3d.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No network at run time: the demo's rendering core, {@code parity} and the notebook kernel's start run inside a
 * fresh network namespace (only a loopback interface; {@code unshare -n}, or {@code unshare -n -r} for a user
 * without root) and pass. Each runs the built jar and its dependencies ({@code lib/target/mask3d-lib.jar},
 * {@code lib/target/deps/*}) with {@code -Dai.djl.offline=true} and {@code OMP_NUM_THREADS=1}, as
 * {@code ./mask3d} does. Skipped, with the reason, where a network namespace cannot be made (no {@code unshare},
 * or user namespaces not permitted). About 20 s. Run by failsafe in {@code mvn verify}: it needs the packaged jar.
 */
class NoNetworkIT {
    private static final long TIMEOUT_S = 90;
    private static Path root;
    private static List<String> unshare;
    private static Path java;

    @BeforeAll
    static void namespace() throws Exception {
        root = repositoryRoot();
        java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        assertTrue(Files.isRegularFile(root.resolve("lib/target/mask3d-lib.jar")) && Files.isDirectory(root.resolve("lib/target/deps")),
                "no built jar in " + root.resolve("lib/target") + ": run mvn package first");
        String why = "unshare is not installed";
        for (List<String> prefix : List.of(List.of("unshare", "-n"), List.of("unshare", "-n", "-r"))) {
            Result r;
            try {
                r = run(concat(prefix, List.of("cat", "/proc/self/net/dev")), 10);
            } catch (IOException e) {
                break;   // no unshare binary
            }
            if (r.exit == 0) {
                unshare = prefix;
                List<String> interfaces = new ArrayList<>();
                r.out.lines().skip(2).forEach(l -> interfaces.add(l.split(":")[0].strip()));
                assertEquals(List.of("lo"), interfaces, "the namespace of " + prefix + " should hold only the loopback interface");
                return;
            }
            why = String.join(" ", prefix) + " is not permitted here: " + r.out.strip().lines().findFirst().orElse("exit " + r.exit);
        }
        assumeTrue(false, "no network namespace, so no no-network test: " + why);
    }

    @Test
    void demoRendersWithoutNetwork(@TempDir Path out) throws Exception {
        Result r = offline(cli("demo", "--no-train", "--width", "64", "--height", "36", "--frames", "4", "--threads", "1",
                "--out", out.toString()));
        assertEquals(0, r.exit, "demo --no-train in a network namespace failed:\n" + r.out);
        assertTrue(r.out.contains("rendered 270 novel views"), r.out);
        assertTrue(Files.isRegularFile(out.resolve("psnr_along_path.csv")), "no psnr_along_path.csv in " + out + ":\n" + r.out);
    }

    @Test
    void parityRunsWithoutNetwork() throws Exception {
        Path fixtures = root.getParent().resolve("shared/fixtures/original-parity");
        List<Path> cases = new ArrayList<>();
        if (Files.isDirectory(fixtures)) {
            try (Stream<Path> s = Files.list(fixtures)) {
                s.filter(p -> p.getFileName().toString().endsWith(".npz")).sorted().forEach(cases::add);
            }
        }
        assumeTrue(!cases.isEmpty(), "no parity fixture (*.npz) in " + fixtures + ": the parity part is skipped");
        Path npz = cases.get(0);
        Path ckpt = npz.resolveSibling(npz.getFileName().toString().replaceFirst("\\.npz$", ".ckpt"));
        List<String> args = new ArrayList<>(List.of("parity", "--case", npz.toString()));
        if (Files.isRegularFile(ckpt)) args.addAll(List.of("--ckpt", ckpt.toString()));
        Result r = offline(cli(args.toArray(String[]::new)));
        assertEquals(0, r.exit, "parity in a network namespace failed:\n" + r.out);
        assertTrue(r.out.contains("all arrays within tolerance"), r.out);
    }

    @Test
    void kernelStartsWithoutNetwork() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3 (Jupyter): run ./mask3d setup");
        // Jupyter talks to the kernel over 127.0.0.1: the namespace's loopback interface is brought up first.
        assumeTrue(Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").anyMatch(p -> Files.isExecutable(Path.of(p))),
                "no ip command (iproute2) to bring up the namespace's loopback interface: the kernel part is skipped");
        Result r = offline(List.of("sh", "-c", "ip link set lo up && exec \"$@\"", "sh", "/usr/bin/python3", "-u",
                root.resolve("lib/src/test/python/kernel_starts.py").toString(), "--starts", "1", "--burners", "0"));
        assertEquals(0, r.exit, "the kernel's start (kernel_starts.py, one start, one cell) in a network namespace failed:\n" + r.out);
    }

    private static List<String> cli(String... args) {
        List<String> c = new ArrayList<>(List.of(java.toString(), "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                "-cp", root.resolve("lib/target/mask3d-lib.jar") + ":" + root.resolve("lib/target/deps") + "/*",
                "org.mask3d.cli.Main"));
        c.addAll(Arrays.asList(args));
        return c;
    }

    private static Result offline(List<String> command) throws Exception {
        long t0 = System.nanoTime();
        Result r = run(concat(unshare, command), TIMEOUT_S);
        System.out.printf("[no-network] %.1f s, exit %d: %s%n", (System.nanoTime() - t0) / 1e9, r.exit, String.join(" ", command));
        return r;
    }

    private record Result(int exit, String out) { }

    private static Result run(List<String> command, long timeoutS) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("MASK3D_ROOT", root.toString());   // kernel.sh: this checkout's kernel
        Process p = pb.start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output unreadable: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            reader.join(5000);
            return new Result(-1, "timed out after " + timeoutS + " s: " + String.join(" ", command) + "\n"
                    + (out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8)));
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> c = new ArrayList<>(a);
        c.addAll(b);
        return c;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mask3d")) && Files.isDirectory(dir.resolve("lib/src"))) return dir;
        }
        throw new IllegalStateException("no mask3d checkout above " + System.getProperty("user.dir"));
    }
}
