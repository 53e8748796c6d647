package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Llff;
import org.mask3d.io.AtomicFiles;
import org.mask3d.io.ConfigFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * mask3d's training format for dynamic scenes: a folder of raw uint8 arrays read with positional reads (no
 * decoding, no decompression: a 640×360 frame is one 691 KB read, served from the page cache after the first
 * epoch).
 * <pre>
 *   DIR/pack.txt            key = value: cameras, frames, width, height, mattes, source
 *   DIR/poses_bounds.npy    as in the scene folder
 *   DIR/frames.u8           [C, F, H, W, 3] uint8
 *   DIR/backgrounds.u8      [C, H, W, 3] uint8
 *   DIR/mattes.u8           [C, F, H, W, 4] uint8 (only when the source has foreground mattes)
 * </pre>
 * Interleaved HWC bytes, as the authors' h5 files hold them. Thread-safe: positional reads on one channel.
 */
public final class PackedScene implements Scene, AutoCloseable {
    private final Path dir;
    private final int cams, frames, width, height;
    private final boolean mattes;
    private final List<Camera> cameras;
    private final List<Llff.PoseBounds> poses;
    private final FileChannel frameCh, bgCh, matteCh;

    private PackedScene(Path dir, int cams, int frames, int width, int height, boolean mattes, List<Llff.PoseBounds> poses) throws IOException {
        this.dir = dir;
        this.cams = cams;
        this.frames = frames;
        this.width = width;
        this.height = height;
        this.mattes = mattes;
        this.poses = poses;
        this.cameras = poses.stream().map(p -> {
            Camera c = p.toCamera(width);
            return new Camera(c.k(), c.w2c(), width, height);
        }).toList();
        this.frameCh = open(dir.resolve("frames.u8"), (long) cams * frames * height * width * 3);
        this.bgCh = open(dir.resolve("backgrounds.u8"), (long) cams * height * width * 3);
        this.matteCh = mattes ? open(dir.resolve("mattes.u8"), (long) cams * frames * height * width * 4) : null;
    }

    private static FileChannel open(Path p, long expected) throws IOException {
        if (!Files.exists(p)) throw new InputException("packed scene is missing " + p);
        long size = Files.size(p);
        if (size != expected) {
            throw new InputException(p + ": " + size + " bytes, expected " + expected + " from pack.txt (truncated or from another pack?)");
        }
        return FileChannel.open(p, StandardOpenOption.READ);
    }

    /** Opens a packed scene, checking every file's size against {@code pack.txt}. */
    public static PackedScene open(Path dir) {
        ConfigFile meta = ConfigFile.read(dir.resolve("pack.txt"))
                .requireKnown(Set.of("cameras", "frames", "width", "height", "mattes", "source"));
        int c = meta.integer("cameras", -1), f = meta.integer("frames", -1), w = meta.integer("width", -1), h = meta.integer("height", -1);
        if (c < 1 || f < 1 || w < 1 || h < 1) throw new InputException(dir.resolve("pack.txt") + ": cameras, frames, width and height must be positive");
        List<Llff.PoseBounds> poses = Llff.read(dir.resolve("poses_bounds.npy"));
        if (poses.size() != c) {
            throw new InputException(dir.resolve("poses_bounds.npy") + " has " + poses.size() + " cameras, pack.txt says " + c);
        }
        try {
            return new PackedScene(dir, c, f, w, h, meta.bool("mattes", false), poses);
        } catch (IOException e) {
            throw new InputException("cannot open packed scene " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Packs a scene (frames, backgrounds, and mattes when it has them) into {@code out}. Files are written to
     * temporary names and renamed at the end, so a killed pack leaves no half pack behind.
     *
     * @param poses the LLFF rows to store (a folder scene's own rows; for other scenes,
     *              {@link Llff.PoseBounds#fromCamera} of its cameras)
     */
    public static void pack(Scene scene, List<Llff.PoseBounds> poses, Path out, IntConsumer progress) {
        int c = scene.numCameras(), f = scene.numFrames(), w = scene.width(), h = scene.height();
        boolean mattes = scene.hasForeground();
        if (!scene.hasBackgrounds()) throw new InputException(scene.name() + ": no backgrounds to pack (./mask3d prepare background makes them)");
        AtomicFiles.write(out.resolve("frames.u8"), os -> {
            int done = 0;
            for (int cam = 0; cam < c; cam++) {
                for (int t = 0; t < f; t++) {
                    writeHwc(os, scene.frame(cam, t), 3, h, w);
                    if (progress != null) progress.accept(++done);
                }
            }
        });
        AtomicFiles.write(out.resolve("backgrounds.u8"), os -> {
            for (int cam = 0; cam < c; cam++) writeHwc(os, scene.background(cam), 3, h, w);
        });
        if (mattes) {
            AtomicFiles.write(out.resolve("mattes.u8"), os -> {
                for (int cam = 0; cam < c; cam++) for (int t = 0; t < f; t++) writeHwc(os, scene.foreground(cam, t), 4, h, w);
            });
        }
        Llff.write(out.resolve("poses_bounds.npy"), poses);
        String meta = String.format(Locale.ROOT, "# mask3d packed scene (raw uint8, HWC)%ncameras = %d%nframes = %d%nwidth = %d%nheight = %d%nmattes = %s%nsource = %s%n",
                c, f, w, h, mattes ? "True" : "False", scene.name());
        AtomicFiles.write(out.resolve("pack.txt"), meta.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeHwc(OutputStream os, float[] chw, int ch, int h, int w) throws IOException {
        int n = h * w;
        byte[] row = new byte[w * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < ch; k++) {
                    float v = chw[k * n + y * w + x];
                    row[x * ch + k] = (byte) Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
                }
            }
            os.write(row);
        }
    }

    private float[] read(FileChannel ch, long index, int channels) {
        int n = height * width;
        ByteBuffer buf = ByteBuffer.allocate(n * channels);
        long pos = index * n * channels;
        try {
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos + buf.position());
                if (r < 0) throw new InputException(dir + ": unexpected end of data at byte " + (pos + buf.position()));
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + dir + ": " + org.mask3d.io.Untrusted.reason(e), e);
        }
        byte[] b = buf.array();
        float[] out = new float[channels * n];
        for (int p = 0; p < n; p++) for (int k = 0; k < channels; k++) out[k * n + p] = (b[p * channels + k] & 0xff) / 255f;
        return out;
    }

    private void checkIndex(int cam, int t) {
        if (cam < 0 || cam >= cams) throw new IndexOutOfBoundsException("camera " + cam + " of " + cams);
        if (t < 0 || t >= frames) throw new IndexOutOfBoundsException("frame " + t + " of " + frames);
    }

    public Path dir() { return dir; }
    @Override public List<Llff.PoseBounds> poses() { return poses; }
    @Override public String name() { return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(); }
    @Override public int numCameras() { return cams; }
    @Override public int numFrames() { return frames; }
    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public List<Camera> cameras() { return cameras; }
    @Override public float[] frame(int cam, int t) { checkIndex(cam, t); return read(frameCh, (long) cam * frames + t, 3); }
    @Override public boolean hasBackgrounds() { return true; }
    @Override public float[] background(int cam) { checkIndex(cam, 0); return read(bgCh, cam, 3); }
    @Override public boolean hasForeground() { return mattes; }

    @Override public float[] foreground(int cam, int t) {
        if (!mattes) throw new UnsupportedOperationException(name() + " was packed without mattes");
        checkIndex(cam, t);
        return read(matteCh, (long) cam * frames + t, 4);
    }

    @Override public double[] nears() { return poses.stream().mapToDouble(Llff.PoseBounds::near).toArray(); }
    @Override public double[] fars() { return poses.stream().mapToDouble(Llff.PoseBounds::far).toArray(); }

    @Override public void close() {
        try {
            frameCh.close();
            bgCh.close();
            if (matteCh != null) matteCh.close();
        } catch (IOException ignored) {
            // closing a read-only channel
        }
    }
}
