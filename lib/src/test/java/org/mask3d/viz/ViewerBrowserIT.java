package org.mask3d.viz;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.io.Images;
import org.mask3d.render.CpuRenderer;
import org.mask3d.render.Mpi;
import org.mask3d.render.MpiAtlas;
import org.mask3d.render.ViewerFolder;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The viewer page in a real browser: headless Chromium (Debian's {@code chromium}, software GL) opens an exported
 * folder through {@link ViewerServer} (and a small one from {@code file://}), sets a camera and a frame through
 * {@code window.mask3dViewer}, and its screenshot is compared with {@link CpuRenderer}'s render of the 8-bit-quantised
 * MPI at that camera: PSNR ≥ 35 dB. Any console error, uncaught exception or error log entry fails the test. It also
 * measures the page's frame rate at 640×360×32 and writes the figures to {@code lib/target/viewer-browser.txt}.
 * Without chromium it fails (./mask3d test installs it).
 */
class ViewerBrowserIT {
    static final double MIN_PSNR = 35;
    static Chromium browser;
    static final List<String> report = new ArrayList<>();

    @BeforeAll static void launch() throws Exception {
        assertTrue(Files.isExecutable(Chromium.BINARY), Chromium.BINARY + " not found: the browser test needs Debian's chromium "
                + "(./mask3d test or ./mask3d setup installs it; as root: apt-get install chromium)");
        browser = Chromium.launch();
    }

    @AfterAll static void close() throws Exception {
        Path out = Path.of("target/viewer-browser.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report, StandardCharsets.UTF_8);
        report.forEach(System.out::println);
        if (browser != null) browser.close();
    }

    /**
     * A synthetic MPI: an opaque far plane, and on the others random discs (soft one-pixel edges) of smoothly varying
     * colour; {@code seed} varies the discs (frames differ).
     */
    static Mpi synthetic(int D, int H, int W, long seed) {
        Random r = new Random(seed);
        Camera ref = new Camera(Camera.intrinsics(0.9 * W, W, H), Mat.identity(4), W, H);
        float[] v = new float[D * H * W * 4];
        for (int d = 0; d < D; d++) {
            int discs = d == 0 ? 0 : 1 + r.nextInt(3);
            double[][] c = new double[discs][];
            for (int k = 0; k < discs; k++) c[k] = new double[]{r.nextDouble() * W, r.nextDouble() * H, (0.04 + 0.12 * r.nextDouble()) * W};
            double ph = r.nextDouble() * 6, a0 = 0.5 + 0.5 * r.nextDouble();
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double a = d == 0 ? 1 : 0;
                    for (double[] k : c) a = Math.max(a, Math.min(1, Math.max(0, k[2] - Math.hypot(x + 0.5 - k[0], y + 0.5 - k[1]))) * a0);
                    int o = ((d * H + y) * W + x) * 4;
                    v[o] = (float) (0.5 + 0.45 * Math.sin(ph + 9.0 * x / W));
                    v[o + 1] = (float) (0.5 + 0.45 * Math.sin(ph * 2 + 7.0 * y / H));
                    v[o + 2] = (float) (0.5 + 0.45 * Math.cos(ph + 5.0 * (x + y) / W));
                    v[o + 3] = (float) a;
                }
            }
        }
        return new Mpi(v, D, H, W, PlaneDepths.inverseLinear(1.5, 12, D), ref);
    }

    /** The reference camera moved: {@code yaw} degrees about y around a point at depth 4, plus a sideways step {@code tx}. */
    static Camera moved(Camera ref, double yawDeg, double pitchDeg, double tx) {
        double a = Math.toRadians(yawDeg), b = Math.toRadians(pitchDeg);
        double[] ry = {Math.cos(a), 0, Math.sin(a), 0, 0, 1, 0, 0, -Math.sin(a), 0, Math.cos(a), 0, 0, 0, 0, 1};
        double[] rx = {1, 0, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, 0, Math.sin(b), Math.cos(b), 0, 0, 0, 0, 1};
        double[] t1 = {1, 0, 0, tx, 0, 1, 0, 0, 0, 0, 1, -4, 0, 0, 0, 1}, t2 = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1};
        double[] rel = Mat.mul(Mat.mul(Mat.mul(t1, ry), rx), t2);   // reference-camera coordinates -> new camera's
        return ref.withPose(Mat.mul(rel, ref.w2c()));
    }

    /** Exports frames of synthetic MPIs (blend, dynamic, mask, background) with the page into {@code dir}. */
    static ViewerFolder export(Path dir, int D, int H, int W, int frames) {
        Mpi bg = synthetic(D, H, W, 100);
        ViewerFolder.Writer w = new ViewerFolder.Writer(dir, "synthetic", bg.depths(), bg.ref(), 0, List.of(bg.ref(), moved(bg.ref(), 0, 0, 0.3)), 10, 0);
        w.background(bg);
        for (int t = 0; t < frames; t++) {
            Mpi dyn = synthetic(D, H, W, t);
            float[] mask = new float[D * H * W];
            for (int i = 0; i < mask.length; i++) mask[i] = dyn.rgba()[i * 4 + 3] > 0.5f ? 1 : 0;
            w.frame(t, Mpi.blend(dyn, bg, mask), dyn, mask);
        }
        ViewerFolder f = w.finish();
        ViewerPage.write(dir);
        return f;
    }

    static double psnr(float[] a, float[] b) {
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.min(1, Math.max(0, a[i])) - Math.min(1, Math.max(0, b[i]));
            se += d * d;
        }
        return 10 * Math.log10(1 / (se / a.length));
    }

    /** Opens the page, shows frame {@code frame} at {@code cam}, screenshots the canvas; PSNR against the CPU render. */
    static double compare(String url, ViewerFolder f, int frame, Camera cam, String label) throws Exception {
        int W = f.manifest().width(), H = f.manifest().height();
        browser.viewport(Math.max(900, W + 40), H + 160);
        browser.navigate(url);
        assertEquals(Boolean.TRUE, browser.eval("window.mask3dViewer.ready").getAsBoolean(), label + ": viewer not ready");
        browser.eval("window.mask3dViewer.setFrame(" + frame + ")");
        browser.eval("window.mask3dViewer.setView(" + Chromium.array(cam.w2c()) + ")");
        JsonObject rect = browser.eval("(() => { const r = document.getElementById('view').getBoundingClientRect(); "
                + "return {x: r.x, y: r.y, w: r.width, h: r.height}; })()").getAsJsonObject();
        assertEquals(W, rect.get("w").getAsInt(), label + ": canvas width");
        assertEquals(H, rect.get("h").getAsInt(), label + ": canvas height");
        byte[] png = browser.screenshot(rect.get("x").getAsDouble(), rect.get("y").getAsDouble(), W, H);
        Path shot = Path.of("target/viewer-browser-" + label + ".png");
        Files.write(shot, png);
        float[] page = Images.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png)));
        Mpi q = f.blend(frame);   // as stored: the 8-bit-quantised MPI
        float[] cpu = new CpuRenderer().render(q, cam).rgb();
        Images.writePng(Path.of("target/viewer-browser-" + label + "-cpu.png"), clamp(cpu), 3, H, W);
        assertEquals(cpu.length, page.length, label + ": screenshot size");
        double p = psnr(cpu, page);
        report.add(String.format(Locale.ROOT, "%s: PSNR page vs CpuRenderer (8-bit MPI, %dx%dx%d, frame %d) = %.2f dB", label, W, H,
                f.manifest().planes(), frame, p));
        assertTrue(p >= MIN_PSNR, label + ": PSNR " + p + " dB < " + MIN_PSNR + " (screenshot " + shot + ")");
        assertEquals("[]", browser.eval("JSON.stringify(window.mask3dViewer.errors)").getAsString(), label + ": page errors");
        assertEquals(List.of(), browser.errors(), label + ": console errors");
        return p;
    }

    static float[] clamp(float[] v) {
        float[] o = v.clone();
        for (int i = 0; i < o.length; i++) o[i] = Math.min(1, Math.max(0, o[i]));
        return o;
    }

    @Test void servedPageMatchesCpuRendererAndMeasuresFps() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/viewer-browser/640x360x32"));
        int D = 32, H = 360, W = 640;
        ViewerFolder f = export(dir, D, H, W, 2);
        long perFrame = 0;
        for (String p : f.files()) if (p.startsWith("frames/000001-")) perFrame += Files.size(dir.resolve(p));
        report.add(String.format(Locale.ROOT, "export 640x360x32: %.2f MB per frame (blend + dynamic + mask atlases), background %.2f MB",
                perFrame / 1e6, Files.size(dir.resolve("background.png")) / 1e6));
        try (ViewerServer s = ViewerServer.start(dir, 0)) {
            Camera ref = f.manifest().reference();
            compare(s.url() + "?scale=1", f, 1, moved(ref, 3, -1.5, 0.15), "served-moved");
            compare(s.url() + "?scale=1", f, 0, ref, "served-reference");
            for (String layer : List.of("dynamic", "background", "mask", "blend")) browser.eval("window.mask3dViewer.setLayer('" + layer + "')");
            JsonElement info = browser.eval("window.mask3dViewer.info()");
            double fps = browser.eval("window.mask3dViewer.benchmark(20)").getAsDouble();
            report.add(String.format(Locale.ROOT, "fps at 640x360x32 (headless chromium, blend layer, 20 draws each waited for): %.1f; GL: %s",
                    fps, info));
            assertTrue(fps > 0);
            assertEquals(List.of(), browser.errors(), "console errors");
        }
    }

    @Test void filePageWorksWithInlinedData() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/viewer-browser/file-96x64x8"));
        ViewerFolder f = export(dir, 8, 64, 96, 2);
        assertTrue(Files.exists(dir.resolve(ViewerFolder.DATA_JS)));
        compare(dir.toAbsolutePath().resolve("index.html").toUri() + "?scale=1", f, 1, moved(f.manifest().reference(), -2, 1, -0.1), "file");
    }
}
