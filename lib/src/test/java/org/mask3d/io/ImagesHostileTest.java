package org.mask3d.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;
import static org.mask3d.io.Hostile.rejects;

/**
 * Hostile PNG/JPEG files: truncated files, decompression bombs (a small PNG declaring 48000x32000), zero sizes,
 * folders and FIFOs in place of files. Both the header-only {@link Images#size} (what {@code prepare check} and scene
 * opening use) and the decoders refuse each one with a clean line naming the file, fast and without allocating.
 */
class ImagesHostileTest {
    @TempDir Path tmp;

    @BeforeAll static void budget() { Hostile.lowBudget(); }
    @AfterAll static void restore() { Hostile.restoreBudget(); }

    private Path png(String name, int w, int h) {
        Path p = tmp.resolve(name);
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) chw[i] = (i * 37 % 101) / 100f;
        Images.writePng(p, chw, 3, h, w);
        return p;
    }

    private Path jpeg(String name, int w, int h) {
        Path p = tmp.resolve(name);
        float[] chw = new float[3 * w * h];
        for (int i = 0; i < chw.length; i++) chw[i] = (i * 53 % 97) / 96f;
        Images.writeJpeg(p, chw, 3, h, w, 0.9f);
        return p;
    }

    private static Path cut(Path p, double keep) throws IOException {
        byte[] b = Files.readAllBytes(p);
        Path out = p.resolveSibling("cut-" + p.getFileName());
        Files.write(out, Arrays.copyOf(b, (int) (b.length * keep)));
        return out;
    }

    /** A copy of a PNG whose IHDR declares {@code w × h} (CRC recomputed, pixel data unchanged). */
    private static Path declaring(Path png, int w, int h) throws IOException {
        byte[] b = Files.readAllBytes(png);
        ByteBuffer bb = ByteBuffer.wrap(b);
        bb.putInt(16, w).putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        bb.putInt(29, (int) crc.getValue());
        Path out = png.resolveSibling("decl-" + w + "x" + h + "-" + png.getFileName());
        Files.write(out, b);
        return out;
    }

    /** A copy of a baseline JPEG whose SOF0 declares {@code w × h}. */
    private static Path jpegDeclaring(Path jpg, int w, int h) throws IOException {
        byte[] b = Files.readAllBytes(jpg);
        for (int i = 2; i + 9 < b.length; i++) {
            if ((b[i] & 0xff) == 0xff && ((b[i + 1] & 0xff) == 0xc0 || (b[i + 1] & 0xff) == 0xc2)) {
                b[i + 5] = (byte) (h >> 8);
                b[i + 6] = (byte) h;
                b[i + 7] = (byte) (w >> 8);
                b[i + 8] = (byte) w;
                Path out = jpg.resolveSibling("decl-" + jpg.getFileName());
                Files.write(out, b);
                return out;
            }
        }
        throw new AssertionError("no SOF marker");
    }

    private Path fifo(String name) throws Exception {
        Path p = tmp.resolve(name);
        Process pr;
        try {
            pr = new ProcessBuilder("mkfifo", p.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("mkfifo is not available: " + e.getMessage());
            return null;
        }
        Assumptions.assumeTrue(pr.waitFor() == 0 && Files.exists(p), "mkfifo failed");
        return p;
    }

    @Test void goodFilesStillRead() {
        Path p = png("ok.png", 8, 6), j = jpeg("ok.jpg", 8, 6);
        assertArrayEquals(new int[]{8, 6}, Images.size(p));
        assertArrayEquals(new int[]{8, 6}, Images.size(j));
        assertEquals(6, Images.read(p).height());
        assertEquals(8, Images.read(j).width());
    }

    @Test void truncatedPngRefusedByTheHeaderCheck() throws IOException {
        Path t = cut(png("a.png", 32, 24), 0.6);
        rejects(() -> Images.size(t), t.toString(), "truncated", "IEND");
    }

    @Test void truncatedPngRefusedByTheDecoder() throws IOException {
        Path t = cut(png("a.png", 32, 24), 0.6);
        rejects(() -> Images.read(t), t.toString(), "truncated");
    }

    @Test void truncatedJpegRefusedByTheHeaderCheck() throws IOException {
        Path t = cut(jpeg("a.jpg", 32, 24), 0.7);
        rejects(() -> Images.size(t), t.toString(), "truncated", "EOI");
    }

    @Test void truncatedJpegRefusedByTheDecoder() throws IOException {
        Path t = cut(jpeg("a.jpg", 32, 24), 0.7);
        rejects(() -> Images.readRgba(t), t.toString(), "truncated");
    }

    @Test void pngCutInsideItsHeader() throws IOException {
        Path p = png("a.png", 16, 16);
        Path t = p.resolveSibling("hdr.png");
        Files.write(t, Arrays.copyOf(Files.readAllBytes(p), 20));
        rejects(() -> Images.size(t), t.toString());
        rejects(() -> Images.read(t), t.toString());
    }

    @Test void pngBombDeclaring48000x32000IsRefusedFromItsHeader() throws IOException {
        Path bomb = declaring(png("b.png", 4, 4), 48000, 32000);
        assertTrue(Files.size(bomb) < 1000);
        String m = rejects(() -> Images.size(bomb), bomb.toString(), "48000x32000", "memory budget");
        assertTrue(m.contains("28.6 GB"), m);
    }

    @Test void pngBombIsRefusedBeforeDecoding() throws IOException {
        Path bomb = declaring(png("b.png", 4, 4), 48000, 32000);
        rejects(() -> Images.read(bomb), bomb.toString(), "48000x32000");
        rejects(() -> Images.readRgba(bomb), bomb.toString(), "48000x32000");
    }

    @Test void pngDeclaringMoreThanAnArrayHolds() throws IOException {
        Path bomb = declaring(png("b.png", 4, 4), 0x7fffffff, 0x7fffffff);
        rejects(() -> Images.size(bomb), bomb.toString());
    }

    @Test void pngDeclaringZeroWidth() throws IOException {
        Path z = declaring(png("z.png", 4, 4), 0, 4);
        rejects(() -> Images.size(z), z.toString());
        rejects(() -> Images.read(z), z.toString());
    }

    @Test void jpegBombDeclaring65000x65000() throws IOException {
        Path bomb = jpegDeclaring(jpeg("b.jpg", 16, 16), 65000, 65000);
        rejects(() -> Images.size(bomb), bomb.toString(), "65000x65000", "memory budget");
        rejects(() -> Images.read(bomb), bomb.toString(), "65000x65000");
    }

    @Test void folderInPlaceOfAnImage() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("00000.png"));
        rejects(() -> Images.size(d), d.toString(), "folder");
        rejects(() -> Images.read(d), d.toString(), "folder");
        rejects(() -> Images.readRgba(d), d.toString(), "folder");
    }

    @Test void fifoInPlaceOfAnImageDoesNotBlock() throws Exception {
        Path f = fifo("00001.png");
        rejects(() -> Images.size(f), f.toString(), "FIFO");
        rejects(() -> Images.read(f), f.toString(), "FIFO");
    }

    @Test void fifoInPlaceOfAnNpyDoesNotBlock() throws Exception {
        Path f = fifo("poses_bounds.npy");
        rejects(() -> Npy.read(f), f.toString(), "FIFO");
    }

    @Test void emptyFile() throws IOException {
        Path e = Files.write(tmp.resolve("empty.png"), new byte[0]);
        rejects(() -> Images.size(e), e.toString());
        rejects(() -> Images.read(e), e.toString());
    }

    @Test void textRenamedToPng() throws IOException {
        Path t = Files.writeString(tmp.resolve("notes.png"), "not an image\n");
        rejects(() -> Images.read(t), t.toString(), "unrecognised format");
    }

    @Test void missingImageNamesThePath() {
        Path m = tmp.resolve("nope.jpg");
        rejects(() -> Images.read(m), m.toString(), "not found");
    }
}
