package org.mask3d.io;

import org.mask3d.InputException;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The data of one zip record, checked against the size and CRC-32 its central directory declares.
 *
 * <p>{@link ZipFile#getInputStream} checks neither for stored records and not the CRC for deflated ones, so a
 * flipped data byte would load silently. This stream counts and checksums every byte it hands out, fails as soon
 * as a record inflates past its declared size (a zip bomb whose header lies), and checks the count and the CRC
 * when the record's end is reached ({@link #readToEnd()} reads the rest for callers that need only a part).
 * Errors are {@link InputException}s naming the file and the record.
 */
final class CheckedZipEntry extends InputStream {
    private final InputStream in;
    private final CRC32 crc = new CRC32();
    private final long size;
    private final long expectedCrc;
    private final String src;
    private final String record;
    private long count;
    private boolean finished;

    private CheckedZipEntry(InputStream in, ZipEntry e, String src) {
        this.in = in;
        this.size = e.getSize();
        this.expectedCrc = e.getCrc();
        this.src = src;
        this.record = e.getName();
    }

    /**
     * Opens {@code e} of {@code zip}.
     *
     * @param src the file as named in messages, e.g. {@code "checkpoint x.ckpt"} or {@code "scene.npz"}
     */
    static CheckedZipEntry open(ZipFile zip, ZipEntry e, String src) throws IOException {
        return new CheckedZipEntry(zip.getInputStream(e), e, src);
    }

    /** The record's size as declared by the central directory, or -1. */
    long declaredSize() { return size; }

    /** Bytes handed out so far. */
    long count() { return count; }

    @Override public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
        if (finished) return -1;
        if (len == 0) return 0;
        int n = in.read(b, off, len);
        if (n < 0) {
            finish();
            return -1;
        }
        crc.update(b, off, n);
        count += n;
        if (size >= 0 && count > size) {
            throw new InputException(src + ": zip record " + Untrusted.quote(record) + " holds more than the " + size
                    + " bytes its header declares (corrupt archive or zip bomb)");
        }
        return n;
    }

    @Override public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) break;
            left -= r;
        }
        return n - left;
    }

    /** Reads what is left of the record and checks its size and CRC-32. */
    void readToEnd() throws IOException {
        byte[] buf = new byte[8192];
        while (read(buf, 0, buf.length) >= 0) {
            // checksummed in read
        }
    }

    private void finish() {
        if (finished) return;
        finished = true;
        if (size >= 0 && count != size) {
            throw new InputException(src + ": zip record " + Untrusted.quote(record) + " is truncated (" + count + " of "
                    + size + " bytes)");
        }
        if (expectedCrc >= 0 && crc.getValue() != expectedCrc) {
            throw new InputException(src + ": zip record " + Untrusted.quote(record) + " fails its CRC-32 check (declared "
                    + String.format("%08x", expectedCrc) + ", data gives " + String.format("%08x", crc.getValue())
                    + "): the file is corrupt");
        }
    }

    @Override public void close() throws IOException { in.close(); }
}
