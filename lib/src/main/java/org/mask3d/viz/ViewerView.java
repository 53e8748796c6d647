package org.mask3d.viz;

import org.mask3d.render.Mpi;
import org.mask3d.render.ViewerFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A viewer folder to show inline (a notebook's display renderer turns it into {@link #html()}): an iframe whose
 * {@code srcdoc} is the page with the data inlined when the atlases total at most {@link #INLINE_LIMIT}, else an iframe
 * on a {@link ViewerServer} started for the folder (127.0.0.1, kept for the life of the process, one per folder).
 *
 * <p>Notebook use: {@code ViewerView.of(Path.of("runs/demo/viewer"))} or {@code ViewerView.of(mpi)}.
 */
public record ViewerView(ViewerFolder folder) {
    /** Inline (srcdoc) up to 8 MiB of atlases. */
    public static final long INLINE_LIMIT = 8L << 20;
    private static final Map<Path, ViewerServer> SERVERS = new ConcurrentHashMap<>();

    /** An exported folder (its page is written if missing). */
    public static ViewerView of(Path dir) {
        ViewerFolder f = ViewerFolder.read(dir);
        if (!Files.isRegularFile(dir.resolve(ViewerPage.PAGE))) ViewerPage.write(dir);
        return new ViewerView(f);
    }

    /** A single MPI, exported as a one-frame folder in a temporary directory. */
    public static ViewerView of(Mpi mpi) {
        try {
            Path dir = Files.createTempDirectory("mask3d-viewer");
            dir.toFile().deleteOnExit();
            return new ViewerView(ViewerPage.ofMpi(mpi, dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The iframe that shows the viewer. */
    public String html() {
        ViewerFolder.Manifest m = folder.manifest();
        int scale = Math.max(1, Math.min(8, 640 / m.width()));
        int w = Math.max(m.width() * scale, 720) + 24, h = m.height() * scale + 110;
        String size = "width=\"" + w + "\" height=\"" + h + "\" style=\"border:0\"";
        if (folder.atlasBytes() <= INLINE_LIMIT) {
            String doc = ViewerPage.inlineHtml(folder).replace("&", "&amp;").replace("\"", "&quot;");
            return "<iframe " + size + " srcdoc=\"" + doc + "\"></iframe>";
        }
        ViewerServer s = SERVERS.computeIfAbsent(folder.dir().toAbsolutePath().normalize(), d -> ViewerServer.start(d, 0));
        return "<iframe " + size + " src=\"" + s.url() + "\"></iframe><div>served at <a href=\"" + s.url() + "\" target=\"_blank\">"
                + s.url() + "</a></div>";
    }

    @Override public String toString() {
        ViewerFolder.Manifest m = folder.manifest();
        return "viewer of " + folder.dir() + ": " + m.frames().size() + " frames, " + m.planes() + " planes, " + m.width() + "x" + m.height();
    }
}
