package org.mask3d.viz;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium (Debian's {@code chromium}) driven through the DevTools protocol over the JDK's WebSocket client:
 * one page target; every console error, uncaught exception and error log entry is collected in {@link #errors()}.
 * Software GL (SwiftShader through ANGLE), so it runs on machines without a GPU.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

    private Chromium(Process process, Path profile, WebSocket ws) {
        this.process = process;
        this.profile = profile;
        this.ws = ws;
    }

    static Chromium launch() throws Exception {
        Path profile = Files.createTempDirectory("mask3d-chromium");
        List<String> cmd = List.of(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu-sandbox",
                "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--force-color-profile=srgb", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern ws = Pattern.compile("DevTools listening on (ws://\\S+)");
        String browserWs = null;
        StringBuilder log = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; browserWs == null && System.nanoTime() < deadline && (line = r.readLine()) != null; ) {
            log.append(line).append('\n');
            Matcher m = ws.matcher(line);
            if (m.find()) browserWs = m.group(1);
        }
        if (browserWs == null) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not start:\n" + log);
        }
        Thread drain = new Thread(() -> { try { while (r.readLine() != null) { } } catch (IOException ignored) { } }, "chromium-log");
        drain.setDaemon(true);
        drain.start();
        URI u = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://" + u.getHost() + ":" + u.getPort() + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String pageWs = null;
        for (JsonElement e : JsonParser.parseString(list).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            if (o.get("type").getAsString().equals("page")) { pageWs = o.get("webSocketDebuggerUrl").getAsString(); break; }
        }
        if (pageWs == null) throw new IllegalStateException("no page target: " + list);
        Chromium[] self = new Chromium[1];
        StringBuilder buf = new StringBuilder();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(URI.create(pageWs), new WebSocket.Listener() {
            @Override public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                buf.append(data);
                if (last) {
                    String msg = buf.toString();
                    buf.setLength(0);
                    self[0].onMessage(JsonParser.parseString(msg).getAsJsonObject());
                }
                w.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        Chromium c = new Chromium(p, profile, socket);
        self[0] = c;
        c.call("Runtime.enable", new JsonObject());
        c.call("Log.enable", new JsonObject());
        c.call("Page.enable", new JsonObject());
        return c;
    }

    private void onMessage(JsonObject m) {
        if (m.has("id")) {
            CompletableFuture<JsonObject> f = pending.remove(m.get("id").getAsInt());
            if (f != null) f.complete(m);
            return;
        }
        String method = m.has("method") ? m.get("method").getAsString() : "";
        JsonObject p = m.has("params") ? m.getAsJsonObject("params") : new JsonObject();
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                String type = p.get("type").getAsString();
                if (type.equals("error") || type.equals("assert")) errors.add("console." + type + ": " + p.get("args"));
            }
            case "Runtime.exceptionThrown" -> errors.add("exception: " + p.getAsJsonObject("exceptionDetails"));
            case "Log.entryAdded" -> {
                JsonObject e = p.getAsJsonObject("entry");
                if (e.get("level").getAsString().equals("error")) errors.add("log: " + e.get("text").getAsString()
                        + (e.has("url") ? " (" + e.get("url").getAsString() + ")" : ""));
            }
            default -> { }
        }
    }

    /** Sends a DevTools command; its result, or an exception carrying the protocol error. */
    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        JsonObject msg = new JsonObject();
        msg.addProperty("id", id);
        msg.addProperty("method", method);
        msg.add("params", params);
        CompletableFuture<JsonObject> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
        JsonObject r = f.get(120, TimeUnit.SECONDS);
        if (r.has("error")) throw new IllegalStateException(method + ": " + r.get("error"));
        return r.getAsJsonObject("result");
    }

    /** Evaluates an expression in the page (promises awaited); its JSON value. Throws on a JavaScript exception. */
    JsonElement eval(String expression) throws Exception {
        JsonObject p = new JsonObject();
        p.addProperty("expression", expression);
        p.addProperty("awaitPromise", true);
        p.addProperty("returnByValue", true);
        JsonObject r = call("Runtime.evaluate", p);
        if (r.has("exceptionDetails")) throw new IllegalStateException("page: " + expression + " threw " + r.get("exceptionDetails"));
        JsonObject v = r.getAsJsonObject("result");
        return v.has("value") ? v.get("value") : null;
    }

    /** Loads a URL and waits for its load event. */
    void navigate(String url) throws Exception {
        JsonObject p = new JsonObject();
        p.addProperty("url", url);
        JsonObject r = call("Page.navigate", p);
        if (r.has("errorText")) throw new IllegalStateException("navigate " + url + ": " + r.get("errorText"));
        for (int i = 0; i < 600; i++) {
            JsonElement s = eval("document.readyState");
            if (s != null && s.getAsString().equals("complete")) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException(url + " did not load in 30 s");
    }

    /** Viewport of {@code w × h} CSS pixels at device scale 1. */
    void viewport(int w, int h) throws Exception {
        JsonObject p = new JsonObject();
        p.addProperty("width", w);
        p.addProperty("height", h);
        p.addProperty("deviceScaleFactor", 1);
        p.addProperty("mobile", false);
        call("Emulation.setDeviceMetricsOverride", p);
    }

    /** PNG screenshot of a page rectangle (CSS pixels, scale 1). */
    byte[] screenshot(double x, double y, int w, int h) throws Exception {
        JsonObject clip = new JsonObject();
        clip.addProperty("x", x);
        clip.addProperty("y", y);
        clip.addProperty("width", w);
        clip.addProperty("height", h);
        clip.addProperty("scale", 1);
        JsonObject p = new JsonObject();
        p.addProperty("format", "png");
        p.add("clip", clip);
        p.addProperty("captureBeyondViewport", false);
        return Base64.getDecoder().decode(call("Page.captureScreenshot", p).get("data").getAsString());
    }

    /** Console errors, uncaught exceptions and error log entries so far. */
    List<String> errors() { synchronized (errors) { return List.copyOf(errors); } }

    static JsonArray array(double[] v) {
        JsonArray a = new JsonArray();
        for (double x : v) a.add(x);
        return a;
    }

    @Override public void close() throws Exception {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser goes anyway
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle h : all) {   // the renderer and GPU processes write into the profile until they exit
            h.destroy();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            try (var s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                Thread.sleep(500);   // a file vanished while walking: walk again
            }
        }
    }
}
