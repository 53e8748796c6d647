package org.mask3d.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** data-scripts/prepare-scene.sh passes every step's flags through, run against a stand-in ./mask3d that logs its arguments. */
class PrepareSceneScriptTest {
    @TempDir Path tmp;

    private Process run(String... args) throws Exception {
        Path scripts = Files.createDirectories(tmp.resolve("data-scripts"));
        Files.copy(Path.of("../data-scripts/prepare-scene.sh"), scripts.resolve("prepare-scene.sh"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path fake = tmp.resolve("mask3d");
        Files.writeString(fake, "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/calls.txt\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", scripts.resolve("prepare-scene.sh").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.waitFor();
        return p;
    }

    @Test void everyStepGetsItsFlags() throws Exception {
        Process p = run("raw", "data/rig", "--size", "320x180", "--skip", "2", "--focal", "160", "--min-tri-angle", "1",
                "--frame", "3", "--attempts", "5", "--stride", "4", "--min-frames", "3", "--overwrite");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        assertEquals(List.of(
                "prepare video --videos raw --out data/rig --size 320x180 --skip 2 --overwrite",
                "poses data/rig --focal 160 --min-tri-angle 1 --frame 3 --attempts 5 --overwrite",
                "prepare background data/rig --stride 4 --min-frames 3 --overwrite",
                "prepare check data/rig",
                "prepare pack data/rig --out data/rig-pack --overwrite"), Files.readAllLines(tmp.resolve("calls.txt")));
    }

    @Test void defaultsAndUnknownFlags() throws Exception {
        assertEquals(0, run("raw", "s").exitValue());
        assertEquals("prepare video --videos raw --out s --size 640x360 --skip 4", Files.readAllLines(tmp.resolve("calls.txt")).get(0));
        assertEquals("poses s", Files.readAllLines(tmp.resolve("calls.txt")).get(1));
        Process bad = run("raw", "s", "--focall", "3");
        assertEquals(2, bad.exitValue());
        assertTrue(new String(bad.getInputStream().readAllBytes()).contains("unknown option '--focall'"));
    }
}
