package org.mask3d.viz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The viewer's file server: files under the folder with their MIME types, nothing outside it, however the path is spelt. */
class ViewerServerTest {
    @Test void servesTheFolderOnlyWithMimeTypes(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("view"));
        ViewerPage.write(dir);
        Files.writeString(dir.resolve("manifest.json"), "{}");
        Files.createDirectories(dir.resolve("frames"));
        Files.write(dir.resolve("frames/000000-blend.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(tmp.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(dir.resolve("link.txt"), tmp.resolve("secret.txt"));
        HttpClient http = HttpClient.newHttpClient();
        try (ViewerServer s = ViewerServer.start(dir, 0)) {
            assertTrue(s.url().startsWith("http://127.0.0.1:"), s.url());
            HttpResponse<String> page = get(http, s.url());
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(page.body().contains("mask3dViewer"));
            assertEquals("application/json", get(http, s.url() + "manifest.json").headers().firstValue("Content-Type").orElseThrow());
            HttpResponse<String> png = get(http, s.url() + "frames/000000-blend.png");
            assertEquals(200, png.statusCode());
            assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(404, get(http, s.url() + "frames/").statusCode());
            assertEquals(404, get(http, s.url() + "nothing.png").statusCode());
            assertEquals(404, get(http, s.url() + "link.txt").statusCode(), "symbolic link leading outside");
            for (String bad : new String[]{"/../secret.txt", "/frames/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                    "/..%2fsecret.txt", "/frames/..%5c..%5csecret.txt", "//etc/passwd", "/" + tmp.resolve("secret.txt")}) {
                String status = raw(s.port(), bad);
                assertTrue(status.startsWith("HTTP/1.1 404") || status.startsWith("HTTP/1.1 400"), bad + " -> " + status);
                assertNull(s.resolve(URI.create("http://x" + bad.replace("\\", "%5c")).getPath()), bad);
            }
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(s.url())).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
        assertThrows(InputException.class, () -> ViewerServer.start(tmp.resolve("missing"), 0));
    }

    @Test void mimeTypes() {
        assertEquals("text/javascript; charset=utf-8", ViewerServer.mime("data.js"));
        assertEquals("image/webp", ViewerServer.mime("a.WEBP"));
        assertEquals("application/octet-stream", ViewerServer.mime("noext"));
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line for a request path sent as is (no client-side normalisation). */
    private static String raw(int port, String path) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", port)) {
            OutputStream out = sock.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = sock.getInputStream();
            String resp = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertFalse(resp.contains("outside"), path + " leaked the file outside: " + resp);
            return resp.lines().findFirst().orElse("");
        }
    }
}
