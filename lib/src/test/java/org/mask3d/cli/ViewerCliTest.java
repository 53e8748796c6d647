package org.mask3d.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** export-viewer and view: help with examples, and bad input as one error line with exit 2. */
class ViewerCliTest {
    @TempDir Path tmp;

    @Test void helpAndBadInput() throws Exception {
        for (String c : new String[]{"export-viewer", "view"}) {
            CliTest.Run h = CliTest.run(c, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().contains("Examples:"), c);
        }
        CliTest.Run missing = CliTest.run("view", tmp.resolve("nothing").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("mask3d: error: ") && missing.err().contains("manifest.json"), missing.err());
        Files.createDirectories(tmp.resolve("v"));
        Files.writeString(tmp.resolve("v/manifest.json"), "{\"format\": \"other\"}");
        CliTest.Run bad = CliTest.run("view", tmp.resolve("v").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("'format'"), bad.err());
        CliTest.Run frames = CliTest.run("export-viewer", "--scene", "x", "--ckpt", "y", "--out", tmp.resolve("o").toString(), "--frames", "5:2");
        assertEquals(2, frames.code());
        assertTrue(frames.err().contains("--frames must be A:B"), frames.err());
    }

    @Test void framesParse() {
        assertArrayEquals(new int[]{0, -1}, ExportViewerCommand.parseFrames(null));
        assertArrayEquals(new int[]{3, 9}, ExportViewerCommand.parseFrames("3:9"));
        assertArrayEquals(new int[]{0, 4}, ExportViewerCommand.parseFrames(":4"));
        assertArrayEquals(new int[]{2, -1}, ExportViewerCommand.parseFrames("2:"));
        for (String s : new String[]{"3", "a:b", "4:4", "-1:3", "1:2:3"}) assertThrows(InputException.class, () -> ExportViewerCommand.parseFrames(s), s);
    }
}
