package org.mask3d.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The launcher's DJL settings: offline by default, online only on {@code --djl-online} (before the command) or
 * {@code MASK3D_DJL_ONLINE=1}, a local libtorch through {@code PYTORCH_LIBRARY_PATH}. The real {@code ./mask3d} runs in a
 * stand-in checkout (a built jar and deps present, so it does not build) with a {@code java} first on PATH that prints
 * its arguments and the DJL environment instead of starting: nothing goes online.
 */
class LauncherDjlModeTest {
    @TempDir Path tmp;

    private record Run(int rc, List<String> javaArgs, String env, String err) {
        String classPath() { return javaArgs.get(javaArgs.indexOf("-cp") + 1); }
        List<String> mainArgs() { return javaArgs.subList(javaArgs.indexOf("org.mask3d.cli.Main") + 1, javaArgs.size()); }
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        Path root = tmp.resolve("checkout");
        Path deps = Files.createDirectories(root.resolve("lib/target/deps"));
        Files.copy(repositoryRoot().resolve("mask3d"), root.resolve("mask3d"), StandardCopyOption.REPLACE_EXISTING);
        for (String j : List.of("api-0.36.0.jar", "pytorch-engine-0.36.0.jar", "pytorch-jni-2.7.1-0.36.0.jar",
                "pytorch-native-cpu-2.7.1-linux-x86_64.jar")) Files.writeString(deps.resolve(j), "");
        Files.writeString(root.resolve("lib/target/mask3d-lib.jar"), "");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"arg:$a\"; done\n"
                + "echo \"env:DJL_OFFLINE=${DJL_OFFLINE-unset} PYTORCH_LIBRARY_PATH=${PYTORCH_LIBRARY_PATH-unset}"
                + " PYTORCH_VERSION=${PYTORCH_VERSION-unset} PYTORCH_FLAVOR=${PYTORCH_FLAVOR-unset}\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("mask3d").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        for (String k : List.of("DJL_OFFLINE", "MASK3D_DJL_ONLINE", "MASK3D_JAVA_OPTS", "PYTORCH_LIBRARY_PATH",
                "PYTORCH_VERSION", "PYTORCH_FLAVOR")) e.remove(k);
        e.put("PATH", bin + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
        e.putAll(env);
        Path err = tmp.resolve("err.txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        List<String> javaArgs = new ArrayList<>();
        String envLine = "";
        for (String line : out.split("\n")) {
            if (line.startsWith("arg:")) javaArgs.add(line.substring(4));
            else if (line.startsWith("env:")) envLine = line.substring(4);
        }
        return new Run(rc, javaArgs, envLine, Files.readString(err));
    }

    @Test void offlineByDefault() throws Exception {
        Run r = run(Map.of(), "train-mask", "--help");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.javaArgs().contains("-Dai.djl.offline=true"), r.javaArgs().toString());
        assertTrue(r.env().contains("DJL_OFFLINE=true"), r.env());
        assertTrue(r.classPath().endsWith("lib/target/deps/*"), r.classPath());   // the bundled CPU libtorch included
        assertEquals(List.of("train-mask", "--help"), r.mainArgs());
        assertEquals("", r.err());   // nothing printed about libtorch by default
    }

    @Test void flagOptsInAndIsConsumed() throws Exception {
        Run r = run(Map.of(), "--djl-online", "train-mask", "--help");
        assertEquals(0, r.rc(), r.err());
        assertFalse(r.javaArgs().stream().anyMatch(a -> a.contains("djl.offline")), r.javaArgs().toString());
        assertTrue(r.env().contains("DJL_OFFLINE=unset"), r.env());
        assertFalse(r.classPath().contains("pytorch-native-cpu"), r.classPath());
        assertTrue(r.classPath().contains("pytorch-jni-2.7.1-0.36.0.jar") && r.classPath().contains("api-0.36.0.jar"), r.classPath());
        assertEquals(List.of("train-mask", "--help"), r.mainArgs());
        assertTrue(r.err().startsWith("mask3d: DJL online: libtorch 2.7.1") && r.err().strip().lines().count() == 1, r.err());
    }

    @Test void environmentOptsIn() throws Exception {
        Run r = run(Map.of("MASK3D_DJL_ONLINE", "1"), "--help");
        assertEquals(0, r.rc(), r.err());
        assertFalse(r.javaArgs().contains("-Dai.djl.offline=true"), r.javaArgs().toString());
        assertTrue(r.env().contains("DJL_OFFLINE=unset"), r.env());
        Run off = run(Map.of("MASK3D_DJL_ONLINE", "0"), "--help");
        assertTrue(off.javaArgs().contains("-Dai.djl.offline=true"), off.javaArgs().toString());
        Run bad = run(Map.of("MASK3D_DJL_ONLINE", "maybe"), "--help");
        assertEquals(2, bad.rc());
        assertTrue(bad.javaArgs().isEmpty() && bad.err().contains("MASK3D_DJL_ONLINE must be 1 or 0"), bad.err());
    }

    @Test void flagAfterTheCommandIsNotTheLaunchers() throws Exception {
        Run r = run(Map.of(), "train-mask", "--djl-online");
        assertTrue(r.javaArgs().contains("-Dai.djl.offline=true"), r.javaArgs().toString());
        assertEquals(List.of("train-mask", "--djl-online"), r.mainArgs());   // left to the CLI, which rejects it
    }

    @Test void localLibtorchIsPassedThroughAndNamed() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("libtorch/lib"));
        Files.writeString(lib.resolve("libtorch.so"), "");
        Run r = run(Map.of("PYTORCH_LIBRARY_PATH", lib.toString(), "PYTORCH_VERSION", "2.7.1", "PYTORCH_FLAVOR", "cu128"), "--help");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.env().contains("PYTORCH_LIBRARY_PATH=" + lib + " PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128"), r.env());
        assertTrue(r.javaArgs().contains("-Dai.djl.offline=true"), r.javaArgs().toString());   // a local libtorch needs no download
        assertEquals("mask3d: libtorch from PYTORCH_LIBRARY_PATH " + lib + " (PYTORCH_VERSION=2.7.1, PYTORCH_FLAVOR=cu128), DJL offline",
                r.err().strip());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run bad = run(Map.of("PYTORCH_LIBRARY_PATH", empty.toString()), "--help");
        assertEquals(2, bad.rc());
        assertTrue(bad.javaArgs().isEmpty() && bad.err().contains("holds no libtorch.so"), bad.err());
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mask3d")) && Files.isDirectory(dir.resolve("lib/src"))) return dir;
        }
        throw new IllegalStateException("no mask3d checkout above " + System.getProperty("user.dir"));
    }
}
