package org.mask3d.viz;

import org.mask3d.data.Scene;
import org.mask3d.io.AtomicFiles;
import org.mask3d.model.MaskPipeline;
import org.mask3d.render.Mpi;
import org.mask3d.render.ViewerFolder;
import org.mask3d.workflow.ViewerExport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The web viewer's page ({@code viewer/index.html}, a resource of this package): one static HTML + JavaScript file
 * (WebGL2, no build step) that draws a {@link ViewerFolder}. It reads {@code manifest.json} and the atlases over HTTP
 * ({@link ViewerServer}), or, opened from {@code file://}, the folder's {@code data.js} (browsers refuse to read sibling
 * files from a {@code file://} page, so small exports carry their data as a script).
 */
public final class ViewerPage {
    private ViewerPage() {}

    public static final String PAGE = "index.html";
    private static final String INLINE_SLOT = "<script id=\"mask3d-inline-data\"></script>";

    /** The page's HTML. */
    public static String html() {
        try (InputStream in = ViewerPage.class.getResourceAsStream("viewer/" + PAGE)) {
            if (in == null) throw new IllegalStateException("resource org/mask3d/viz/viewer/" + PAGE + " missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link ViewerExport#export} and the page: a folder to open with {@code ./mask3d view DIR} (or from file:// when small).
     *
     * @param progress frames done so far (may be null)
     */
    public static ViewerExport.Result export(Scene scene, MaskPipeline pipeline, ViewerExport.Options o, Path out, IntConsumer progress) {
        ViewerExport.Result r = ViewerExport.export(scene, pipeline, o, out, progress);
        write(out);
        return r;
    }

    /** Writes {@code index.html} into a viewer folder; returns its path. */
    public static Path write(Path dir) {
        Path p = dir.resolve(PAGE);
        AtomicFiles.write(p, html().getBytes(StandardCharsets.UTF_8));
        return p;
    }

    /**
     * The page with the folder's manifest and atlases inlined (one self-contained HTML document, as a notebook's
     * iframe {@code srcdoc} shows it). Meant for small exports: the atlases travel base64-encoded.
     */
    public static String inlineHtml(ViewerFolder folder) {
        String data = folder.dataScript();
        return html().replace(INLINE_SLOT, "<script id=\"mask3d-inline-data\">\n" + data.replace("</", "<\\/") + "</script>");
    }

    /**
     * A one-frame viewer folder of a single MPI (no dynamic, background or mask layers) with the page, in {@code dir}.
     *
     * @param fps frame rate written to the manifest (one frame: only informative)
     */
    public static ViewerFolder ofMpi(Mpi mpi, Path dir) {
        ViewerFolder.Writer w = new ViewerFolder.Writer(dir, "mpi", mpi.depths(), mpi.ref(), -1, List.of(), 30, 0);
        w.frame(0, mpi, null, null);
        ViewerFolder f = w.finish();
        write(dir);
        return f;
    }

    /** Whether {@code dir} holds a viewer folder with its page. */
    public static boolean isViewerFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(ViewerFolder.MANIFEST)) && Files.isRegularFile(dir.resolve(PAGE));
    }
}
