package org.mask3d.viz;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.mask3d.InputException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A static file server for a viewer folder (the JDK's {@code com.sun.net.httpserver}): GET and HEAD of regular files
 * under the folder only (no listing; {@code ..}, absolute paths and symbolic links leading outside are refused with
 * 404), with the MIME type of the extension ({@link #MIME}; others {@code application/octet-stream}). Binds to
 * 127.0.0.1 unless told otherwise. {@code /} serves {@code index.html}.
 */
public final class ViewerServer implements AutoCloseable {
    /** Content types by extension. */
    public static final Map<String, String> MIME = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "json", "application/json",
            "png", "image/png", "webp", "image/webp", "css", "text/css; charset=utf-8", "txt", "text/plain; charset=utf-8",
            "csv", "text/csv; charset=utf-8", "gif", "image/gif", "mp4", "video/mp4");

    private final Path root;
    private final HttpServer server;
    private final ExecutorService pool;

    private ViewerServer(Path root, HttpServer server, ExecutorService pool) {
        this.root = root;
        this.server = server;
        this.pool = pool;
    }

    /** {@link #start(Path, String, int)} on 127.0.0.1. */
    public static ViewerServer start(Path dir, int port) { return start(dir, "127.0.0.1", port); }

    /**
     * Serves {@code dir}.
     *
     * @param host the address to bind (127.0.0.1: this machine only)
     * @param port the port, 0 for any free one
     * @throws InputException if {@code dir} is not a folder or the port cannot be bound
     */
    public static ViewerServer start(Path dir, String host, int port) {
        if (!Files.isDirectory(dir)) throw new InputException(dir + ": not a folder (export one with ./mask3d export-viewer)");
        if (port < 0 || port > 65535) throw new InputException("--port must be in [0, 65535], got " + port);
        Path root;
        try {
            root = dir.toRealPath();
        } catch (IOException e) {
            throw new InputException(dir + ": cannot be read (" + e.getMessage() + ")");
        }
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new InputException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); choose another --port");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "mask3d-viewer-http");
            t.setDaemon(true);
            return t;
        });
        ViewerServer vs = new ViewerServer(root, s, pool);
        s.createContext("/", vs::handle);
        s.setExecutor(pool);
        s.start();
        return vs;
    }

    /** The folder served (its real path). */
    public Path root() { return root; }

    public int port() { return server.getAddress().getPort(); }

    /** The page's URL, {@code http://HOST:PORT/}. */
    public String url() {
        String h = server.getAddress().getAddress().getHostAddress();
        if (h.contains(":")) h = "[" + h + "]";
        return "http://" + h + ":" + port() + "/";
    }

    /**
     * The file a request path names, or null when it is outside the folder, not a regular file, or malformed.
     *
     * @param path the decoded URI path ({@code /frames/000000-blend.png})
     */
    public Path resolve(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) return null;
        String rel = path.equals("/") ? ViewerPage.PAGE : path.substring(1);
        for (String seg : rel.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) return null;
        }
        try {
            Path p = root.resolve(rel).normalize();
            if (!p.startsWith(root) || !Files.isRegularFile(p)) return null;
            Path real = p.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The content type of a file name's extension. */
    public static String mime(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return MIME.getOrDefault(ext, "application/octet-stream");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "method not allowed");
                return;
            }
            Path f = resolve(ex.getRequestURI().getPath());
            if (f == null) {
                send(ex, 404, "not found");
                return;
            }
            long size = Files.size(f);
            ex.getResponseHeaders().set("Content-Type", mime(f.getFileName().toString()));
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            if (method.equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(size));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, size);
            try (OutputStream out = ex.getResponseBody()) {
                Files.copy(f, out);
            }
        }
    }

    private static void send(HttpExchange ex, int code, String text) throws IOException {
        byte[] b = (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** Stops serving (waits up to a second for requests in flight). */
    @Override public void close() {
        server.stop(1);
        pool.shutdownNow();
    }
}
