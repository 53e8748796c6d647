package org.mask3d.render;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.Images;
import org.mask3d.io.Untrusted;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The viewer folder: per-frame MPI atlases and a JSON manifest, what the web viewer draws (README, section "Viewer").
 *
 * <pre>
 * DIR/manifest.json             the manifest (below)
 * DIR/background.png            the background MPI's RGBA atlas (stored once), when there is one
 * DIR/frames/NNNNNN-blend.png   frame t's mask-blended MPI (what the method renders)
 * DIR/frames/NNNNNN-dynamic.png frame t's per-frame (dynamic) MPI, when exported
 * DIR/frames/NNNNNN-mask.png    frame t's 3D mask volume, grey, when exported
 * DIR/data.js                   the manifest and every atlas inlined (base64), for file:// pages; small exports only
 * </pre>
 *
 * Atlases follow {@link MpiAtlas} (planes tiled back to front, 8-bit, colours not premultiplied). The manifest:
 * {@code format} "mask3d-viewer", {@code version} 1, {@code scene}, {@code width}, {@code height}, {@code planes},
 * {@code depths} [D] (back to front, decreasing, in the reference camera), {@code atlas} {columns, rows},
 * {@code reference} {camera (rig index), k [9] row-major, w2c [16] row-major, OpenCV axes}, {@code cameras}
 * [{k, w2c}] (the rig at the export size), {@code fps}, {@code background} (path or null), {@code frames}
 * [{t, blend, dynamic, mask}] (paths relative to DIR; dynamic and mask may be null).
 */
public final class ViewerFolder {
    public static final String FORMAT = "mask3d-viewer";
    public static final int VERSION = 1;
    public static final String MANIFEST = "manifest.json";
    public static final String DATA_JS = "data.js";
    /** {@link #DATA_JS} is written when all atlases together are at most this many bytes (32 MiB). */
    public static final long INLINE_LIMIT = 32L << 20;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\\-]*)*");

    /** One exported frame: paths relative to the folder ({@code dynamic}, {@code mask} null when absent). */
    public record Frame(int t, String blend, String dynamic, String mask) {}

    /**
     * The manifest.
     *
     * @param reference      the MPIs' reference camera (its size is width × height)
     * @param referenceIndex its index in the rig (−1: not a rig camera)
     * @param cameras        the rig's cameras at the export size (may be empty)
     * @param background     the background atlas's path, or null
     */
    public record Manifest(String scene, int width, int height, int planes, double[] depths, int columns, Camera reference,
                           int referenceIndex, List<Camera> cameras, double fps, String background, List<Frame> frames) {
        public Manifest {
            depths = depths.clone();
            cameras = List.copyOf(cameras);
            frames = List.copyOf(frames);
        }

        public int rows() { return MpiAtlas.rows(planes, columns); }
    }

    private final Path dir;
    private final Manifest manifest;

    private ViewerFolder(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    public Path dir() { return dir; }
    public Manifest manifest() { return manifest; }

    // ------------------------------------------------------------------------------------------ reading

    /**
     * Reads a viewer folder's manifest (atlases are read on demand).
     *
     * @throws InputException naming the manifest and the field on anything malformed, and on a path that leaves the folder
     */
    public static ViewerFolder read(Path dir) {
        Path f = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(f)) throw new InputException(f + ": not found (a viewer folder has " + MANIFEST + "; ./mask3d export-viewer writes one)");
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) throw new InputException(f + ": expected a JSON object");
            o = e.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (e instanceof InputException ie) throw ie;
            throw new InputException(f + ": not valid JSON (" + Untrusted.text(String.valueOf(e.getMessage())) + ")");
        }
        Json j = new Json(f);
        String format = j.string(o, "format", false);
        if (!FORMAT.equals(format)) throw new InputException(f + ": field 'format' must be \"" + FORMAT + "\", got " + Untrusted.quote(String.valueOf(format)));
        int version = j.integer(o, "version", 1, 1000);
        if (version != VERSION) throw new InputException(f + ": field 'version' must be " + VERSION + ", got " + version);
        int w = j.integer(o, "width", 1, 1 << 14), h = j.integer(o, "height", 1, 1 << 14), d = j.integer(o, "planes", 1, 1024);
        double[] depths = j.numbers(o, "depths", d);
        JsonObject atlas = j.object(o, "atlas");
        int columns = j.integer(atlas, "columns", 1, d);
        JsonObject ref = j.object(o, "reference");
        Camera refCam = j.camera(ref, "reference", w, h);
        int refIndex = ref.has("camera") ? j.integer(ref, "camera", -1, 1 << 16) : -1;
        List<Camera> cams = new ArrayList<>();
        if (o.has("cameras")) {
            JsonArray a = j.array(o, "cameras");
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).isJsonObject()) throw new InputException(f + ": field 'cameras[" + i + "]' must be an object");
                cams.add(j.camera(a.get(i).getAsJsonObject(), "cameras[" + i + "]", w, h));
            }
        }
        double fps = o.has("fps") ? j.number(o, "fps") : 30;
        if (!(fps > 0 && fps <= 1000)) throw new InputException(f + ": field 'fps' must be in (0, 1000], got " + fps);
        String bg = j.path(o, "background", true);
        JsonArray fa = j.array(o, "frames");
        if (fa.isEmpty()) throw new InputException(f + ": field 'frames' must list at least one frame");
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < fa.size(); i++) {
            if (!fa.get(i).isJsonObject()) throw new InputException(f + ": field 'frames[" + i + "]' must be an object");
            JsonObject fr = fa.get(i).getAsJsonObject();
            frames.add(new Frame(j.integer(fr, "t", 0, Integer.MAX_VALUE), j.path(fr, "blend", false), j.path(fr, "dynamic", true),
                    j.path(fr, "mask", true)));
        }
        Manifest m;
        try {
            // Mpi's checks (depths decreasing and positive) through a one-pixel probe
            new Mpi(new float[d * 4], d, 1, 1, depths, new Camera(refCam.k(), refCam.w2c(), 1, 1));
            m = new Manifest(j.string(o, "scene", true), w, h, d, depths, columns, refCam, refIndex, cams, fps, bg, frames);
        } catch (IllegalArgumentException e) {
            throw new InputException(f + ": field 'depths': " + e.getMessage());
        }
        return new ViewerFolder(dir, m);
    }

    /** Frame {@code i}'s (index into {@code frames}) mask-blended MPI, as stored (8-bit values). */
    public Mpi blend(int i) { return mpi(frame(i).blend()); }

    /** Frame {@code i}'s dynamic MPI, or null when not exported. */
    public Mpi dynamic(int i) { return frame(i).dynamic() == null ? null : mpi(frame(i).dynamic()); }

    /** Frame {@code i}'s mask volume, or null when not exported. */
    public MaskVolume mask(int i) {
        String p = frame(i).mask();
        if (p == null) return null;
        Manifest m = manifest;
        return new MaskVolume(MpiAtlas.decodeMask(image(p), m.planes(), m.height(), m.width(), m.columns(), dir.resolve(p).toString()),
                m.planes(), m.height(), m.width());
    }

    /** The background MPI, or null when not exported. */
    public Mpi background() { return manifest.background() == null ? null : mpi(manifest.background()); }

    private Frame frame(int i) {
        if (i < 0 || i >= manifest.frames().size()) {
            throw new InputException(dir.resolve(MANIFEST) + ": frame index " + i + " out of range (" + manifest.frames().size() + " frames)");
        }
        return manifest.frames().get(i);
    }

    private Mpi mpi(String rel) {
        Manifest m = manifest;
        float[] rgba = MpiAtlas.decode(image(rel), m.planes(), m.height(), m.width(), m.columns(), dir.resolve(rel).toString());
        return new Mpi(rgba, m.planes(), m.height(), m.width(), m.depths(), m.reference());
    }

    private BufferedImage image(String rel) {
        Path p = dir.resolve(rel);
        if (!Files.isRegularFile(p)) throw new InputException("image not found: " + p + " (listed in " + dir.resolve(MANIFEST) + ")");
        try {
            BufferedImage img = ImageIO.read(p.toFile());
            if (img == null) throw new InputException(p + ": not a readable PNG");
            return img;
        } catch (IOException e) {
            throw new InputException(p + ": not a readable PNG (" + Untrusted.text(String.valueOf(e.getMessage())) + ")");
        }
    }

    // ------------------------------------------------------------------------------------------ writing

    /** Writes a viewer folder: {@link #background} once, {@link #frame} per frame, then {@link #finish}. */
    public static final class Writer {
        private final Path dir;
        private final String scene;
        private final Camera reference;
        private final int referenceIndex, columns;
        private final List<Camera> cameras;
        private final double fps;
        private final double[] depths;
        private final int planes, height, width;
        private final List<Frame> frames = new ArrayList<>();
        private String background;

        /**
         * @param depths  [D] the MPIs' plane depths (back to front)
         * @param columns atlas columns, or 0 for {@link MpiAtlas#columns}
         */
        public Writer(Path dir, String scene, double[] depths, Camera reference, int referenceIndex, List<Camera> cameras, double fps, int columns) {
            this.dir = dir;
            this.scene = scene;
            this.depths = depths.clone();
            this.reference = reference;
            this.referenceIndex = referenceIndex;
            this.cameras = List.copyOf(cameras);
            this.fps = fps;
            this.planes = depths.length;
            this.height = reference.height();
            this.width = reference.width();
            this.columns = columns > 0 ? columns : MpiAtlas.columns(planes, height, width);
            if (!(fps > 0)) throw new IllegalArgumentException("fps must be positive, got " + fps);
        }

        /** Stores the background MPI (once). */
        public void background(Mpi bg) {
            check(bg);
            background = "background.png";
            Images.writePng(dir.resolve(background), MpiAtlas.encode(bg, columns));
        }

        /**
         * Stores frame {@code t}.
         *
         * @param dynamic the per-frame MPI, or null
         * @param mask    [D,H,W] the 3D mask, or null
         */
        public void frame(int t, Mpi blend, Mpi dynamic, float[] mask) {
            check(blend);
            String stem = String.format("frames/%06d-", t);
            Images.writePng(dir.resolve(stem + "blend.png"), MpiAtlas.encode(blend, columns));
            if (dynamic != null) {
                check(dynamic);
                Images.writePng(dir.resolve(stem + "dynamic.png"), MpiAtlas.encode(dynamic, columns));
            }
            if (mask != null) Images.writePng(dir.resolve(stem + "mask.png"), MpiAtlas.encodeMask(mask, planes, height, width, columns));
            frames.add(new Frame(t, stem + "blend.png", dynamic == null ? null : stem + "dynamic.png", mask == null ? null : stem + "mask.png"));
        }

        private void check(Mpi m) {
            if (m.planes() != planes || m.height() != height || m.width() != width) {
                throw new IllegalArgumentException("MPI must be [" + planes + "," + height + "," + width + ",4], got ["
                        + m.planes() + "," + m.height() + "," + m.width() + ",4]");
            }
        }

        /** Writes the manifest (and {@link #DATA_JS} when the atlases total at most {@link #INLINE_LIMIT}); returns the folder. */
        public ViewerFolder finish() {
            if (frames.isEmpty()) throw new IllegalStateException("no frame was written");
            Manifest m = new Manifest(scene, width, height, planes, depths, columns, reference, referenceIndex, cameras, fps, background, frames);
            String json = toJson(m);
            AtomicFiles.write(dir.resolve(MANIFEST), json.getBytes(StandardCharsets.UTF_8));
            ViewerFolder vf = new ViewerFolder(dir, m);
            Path js = dir.resolve(DATA_JS);
            try {
                if (vf.atlasBytes() <= INLINE_LIMIT) AtomicFiles.write(js, vf.dataScript().getBytes(StandardCharsets.UTF_8));
                else Files.deleteIfExists(js);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return vf;
        }
    }

    /** Every atlas this folder lists. */
    public List<String> files() {
        List<String> out = new ArrayList<>();
        if (manifest.background() != null) out.add(manifest.background());
        for (Frame f : manifest.frames()) {
            out.add(f.blend());
            if (f.dynamic() != null) out.add(f.dynamic());
            if (f.mask() != null) out.add(f.mask());
        }
        return out;
    }

    /** Bytes of every atlas on disk. */
    public long atlasBytes() {
        long n = 0;
        try {
            for (String p : files()) n += Files.size(dir.resolve(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /**
     * The script that lets a page opened from {@code file://} (where browsers refuse to read sibling files) show the
     * folder: {@code window.MASK3D_DATA = {manifest: {...}, files: {path: base64 PNG}}}.
     */
    public String dataScript() {
        StringBuilder b = new StringBuilder("// mask3d viewer data (manifest and atlases inlined for file:// pages)\nwindow.MASK3D_DATA = {\"manifest\": ");
        b.append(toJson(manifest)).append(",\n\"files\": {");
        boolean first = true;
        try {
            for (String p : files()) {
                if (!first) b.append(",");
                first = false;
                b.append("\n\"").append(p).append("\": \"").append(Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(p)))).append('"');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.append("}};\n").toString();
    }

    /** The manifest as JSON (the manifest.json text). */
    public static String toJson(Manifest m) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", VERSION);
        o.addProperty("scene", m.scene());
        o.addProperty("width", m.width());
        o.addProperty("height", m.height());
        o.addProperty("planes", m.planes());
        o.add("depths", numbers(m.depths()));
        JsonObject atlas = new JsonObject();
        atlas.addProperty("columns", m.columns());
        atlas.addProperty("rows", m.rows());
        atlas.addProperty("encoding", "png, 8 bits per channel, RGB not premultiplied; value = round(255 * v)");
        o.add("atlas", atlas);
        JsonObject ref = camera(m.reference());
        if (m.referenceIndex() >= 0) ref.addProperty("camera", m.referenceIndex());
        o.add("reference", ref);
        JsonArray cams = new JsonArray();
        for (Camera c : m.cameras()) cams.add(camera(c));
        o.add("cameras", cams);
        o.addProperty("fps", m.fps());
        if (m.background() != null) o.addProperty("background", m.background());
        JsonArray frames = new JsonArray();
        for (Frame f : m.frames()) {
            JsonObject fo = new JsonObject();
            fo.addProperty("t", f.t());
            fo.addProperty("blend", f.blend());
            if (f.dynamic() != null) fo.addProperty("dynamic", f.dynamic());
            if (f.mask() != null) fo.addProperty("mask", f.mask());
            frames.add(fo);
        }
        o.add("frames", frames);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }

    private static JsonObject camera(Camera c) {
        JsonObject o = new JsonObject();
        o.add("k", numbers(c.k()));
        o.add("w2c", numbers(c.w2c()));
        return o;
    }

    private static JsonArray numbers(double[] v) {
        JsonArray a = new JsonArray();
        for (double x : v) a.add(x);
        return a;
    }

    /** Typed field access that names the file and the field in errors. */
    private record Json(Path file) {
        InputException bad(String field, String expected) {
            return new InputException(file + ": field '" + field + "' must be " + expected);
        }

        JsonElement get(JsonObject o, String field) {
            if (!o.has(field) || o.get(field).isJsonNull()) throw bad(field, "present");
            return o.get(field);
        }

        String string(JsonObject o, String field, boolean optional) {
            if (optional && (!o.has(field) || o.get(field).isJsonNull())) return null;
            JsonElement e = get(o, field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw bad(field, "a string");
            return e.getAsString();
        }

        String path(JsonObject o, String field, boolean optional) {
            String p = string(o, field, optional);
            if (p == null) return null;
            if (!SAFE.matcher(p).matches() || p.contains("..")) {
                throw bad(field, "a relative path inside the folder (letters, digits, _ . - and /, no ..), got " + Untrusted.quote(p));
            }
            return p;
        }

        double number(JsonObject o, String field) {
            JsonElement e = get(o, field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw bad(field, "a number");
            double v = e.getAsDouble();
            if (!Double.isFinite(v)) throw bad(field, "finite");
            return v;
        }

        int integer(JsonObject o, String field, int min, int max) {
            double v = number(o, field);
            if (v != Math.rint(v) || v < min || v > max) throw bad(field, "an integer in [" + min + ", " + max + "], got " + v);
            return (int) v;
        }

        JsonObject object(JsonObject o, String field) {
            JsonElement e = get(o, field);
            if (!e.isJsonObject()) throw bad(field, "an object");
            return e.getAsJsonObject();
        }

        JsonArray array(JsonObject o, String field) {
            JsonElement e = get(o, field);
            if (!e.isJsonArray()) throw bad(field, "an array");
            return e.getAsJsonArray();
        }

        double[] numbers(JsonObject o, String field, int n) {
            JsonArray a = array(o, field);
            if (a.size() != n) throw bad(field, "an array of " + n + " numbers, got " + a.size());
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                JsonElement e = a.get(i);
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || !Double.isFinite(e.getAsDouble())) {
                    throw bad(field, "an array of " + n + " finite numbers");
                }
                v[i] = e.getAsDouble();
            }
            return v;
        }

        Camera camera(JsonObject o, String name, int w, int h) {
            double[] k = numbers(o, "k", 9), w2c = numbers(o, "w2c", 16);
            try {
                return new Camera(k, w2c, w, h);
            } catch (IllegalArgumentException e) {
                throw new InputException(file + ": field '" + name + "': " + e.getMessage());
            }
        }
    }
}
