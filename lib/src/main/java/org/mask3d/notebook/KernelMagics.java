package org.mask3d.notebook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import io.github.spencerpark.jupyter.kernel.util.GlobFinder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * IJava's magics on the mask3d kernel:
 * <ul>
 *   <li>{@code %jars GLOB...}: add the jar files the globs match to the class path.</li>
 *   <li>{@code %classpath GLOB...}: add the files and folders the globs match (class folders, jars).</li>
 *   <li>{@code %maven group:artifact:version...}: resolve with their runtime dependencies (local repository,
 *       then Maven Central) and add the jars.</li>
 *   <li>{@code %load FILE}: run a {@code .jsh}/{@code .java} file as a cell (magics allowed), or every code cell of
 *       an {@code .ipynb} in order.</li>
 *   <li>{@code %%loadFromPOM}: the cell's body is a POM (or its {@code <dependencies>}/{@code <repositories>}
 *       fragments); resolve its dependencies and add them.</li>
 * </ul>
 * Relative paths are relative to the kernel's working directory (the repository root). Unlike IJava, a glob that
 * matches nothing is an error (IJava adds nothing silently), and every magic prints what it added.
 */
final class KernelMagics {
    interface Host {
        CellEvaluator evaluator() throws CellException;
        Object runCell(String cell) throws Exception;
    }

    private final Host host;
    private MavenResolver maven;

    KernelMagics(Host host) { this.host = host; }

    void registerAll(Magics magics) {
        magics.registerLineMagic("jars", args -> { jars(args, true); return null; });
        magics.registerLineMagic("classpath", args -> { jars(args, false); return null; });
        magics.registerLineMagic("maven", args -> { maven(args); return null; });
        magics.registerLineMagic("load", args -> { load(args); return null; });
        magics.registerCellMagic("loadFromPOM", (args, body) -> { loadFromPom(body); return null; });
    }

    static MagicError error(String message) {
        return new MagicError(message);
    }

    void jars(List<String> globs, boolean jarsOnly) throws Exception {
        String magic = jarsOnly ? "%jars" : "%classpath";
        if (globs.isEmpty()) throw error(magic + " needs at least one path or glob, e.g. " + magic + " lib/*.jar");
        List<String> added = new ArrayList<>();
        for (String glob : globs) {
            List<Path> found = new ArrayList<>();
            try {
                GlobFinder finder = new GlobFinder(glob);
                for (Path p : jarsOnly ? finder.computeMatchingFiles() : finder.computeMatchingPaths()) {
                    if (jarsOnly && !p.toString().endsWith(".jar")) continue;
                    found.add(p);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // a folder of the glob does not exist: nothing matches
            }
            if (found.isEmpty()) {
                throw error(magic + ": '" + glob + "' matches no " + (jarsOnly ? "jar file" : "file or folder")
                        + " (relative to " + Path.of("").toAbsolutePath() + ")");
            }
            for (Path p : found) if (host.evaluator().addToClasspath(p.toString())) added.add(p.toString());
        }
        System.out.println(magic + ": added " + added.size() + " path(s)" + (added.isEmpty() ? " (all were there)" : ""));
    }

    void maven(List<String> coordinates) throws Exception {
        if (coordinates.isEmpty()) throw error("%maven needs coordinates, e.g. %maven tech.tablesaw:tablesaw-json:0.44.4");
        List<File> files;
        try {
            files = resolver().resolve(coordinates);
        } catch (MavenResolver.ResolutionFailure e) {
            throw error("%maven: " + e.getMessage());
        }
        addAll("%maven", files);
    }

    void loadFromPom(String body) throws Exception {
        if (body.isBlank()) throw error("%%loadFromPOM needs a POM (or <dependencies>...</dependencies>) in the cell");
        List<File> files;
        try {
            files = resolver().resolvePom(body);
        } catch (MavenResolver.ResolutionFailure e) {
            throw error("%%loadFromPOM: " + e.getMessage());
        }
        addAll("%%loadFromPOM", files);
    }

    private void addAll(String magic, List<File> files) throws CellException {
        int added = 0;
        for (File f : files) if (host.evaluator().addToClasspath(f.getPath())) added++;
        System.out.println(magic + ": " + files.size() + " jar(s) resolved, " + added + " added to the class path");
    }

    /** A resolver on the local repository as it is now ({@code System.setProperty("maven.repo.local", ...)} in a cell counts). */
    private synchronized MavenResolver resolver() {
        Path repo = MavenResolver.defaultLocalRepository();
        if (maven == null || !maven.localRepository().equals(repo)) maven = new MavenResolver(repo);
        return maven;
    }

    void load(List<String> args) throws Exception {
        if (args.size() != 1) throw error("%load takes one file: %load path/to/script.jsh (or a notebook .ipynb)");
        Path file = Path.of(args.get(0));
        if (!Files.isRegularFile(file)) {
            throw error("%load: no file " + file.toAbsolutePath());
        }
        String text = Files.readString(file);
        if (file.toString().endsWith(".ipynb")) {
            for (String cell : codeCells(text, file)) host.runCell(cell);
        } else {
            host.runCell(text);
        }
    }

    /** The sources of a notebook's code cells, in order. */
    static List<String> codeCells(String json, Path file) throws MagicError {
        List<String> out = new ArrayList<>();
        try {
            JsonObject nb = JsonParser.parseString(json).getAsJsonObject();
            for (JsonElement c : nb.getAsJsonArray("cells")) {
                JsonObject cell = c.getAsJsonObject();
                if (!"code".equals(cell.get("cell_type").getAsString())) continue;
                JsonElement src = cell.get("source");
                if (src.isJsonArray()) {
                    StringBuilder b = new StringBuilder();
                    for (JsonElement line : (JsonArray) src) b.append(line.getAsString());
                    out.add(b.toString());
                } else {
                    out.add(src.getAsString());
                }
            }
        } catch (RuntimeException e) {
            throw error("%load: " + file + " is not a notebook: " + e.getMessage());
        }
        return out;
    }

    /** A magic's failure (message only, no stack trace). */
    static final class MagicError extends IOException {
        MagicError(String message) { super(message); }
    }
}
