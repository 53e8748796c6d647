package org.mask3d.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.dataset.DatasetBase;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import org.mask3d.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only access to the datasets of an HDF5 file, one slab at a time: {@link #read} returns
 * {@code dataset[i0, i1, …, :, …, :]} (the leading indices fixed, every trailing dimension whole) and reads and
 * decodes only the chunks that overlap it. Parsing the file (superblock, object headers, chunk indices, filters: LZF,
 * deflate, shuffle) is jhdf's; this class adds what jhdf 0.9.4 gets wrong or lacks for such reads:
 * <ul>
 *   <li>slabs assembled from whole decoded chunks of any shape, partial chunks at the edges included (jhdf's own
 *   slicing, {@code Dataset.getData(offset, shape)}, touches only the overlapping chunks but copies byte by byte and
 *   looks chunks up by chunk <em>index</em> where its index is keyed by element <em>offset</em>, so it returns
 *   zeros for chunks that are not one slab wide); a chunk that is exactly the slab is returned as decoded;</li>
 *   <li>chunks never written read as the dataset's fill value (0 when none is defined, as h5py writes);</li>
 *   <li>contiguous and compact layouts read the slab's bytes directly;</li>
 *   <li>a truncated file is found at {@link #open} (its size is below the superblock's end-of-file address).</li>
 * </ul>
 * Slabs are for datasets of 1-byte elements (uint8, int8): the bytes are the elements in file (row-major) order.
 *
 * <p><b>Threads.</b> One instance may be read from several threads: every access to the file is serialised on one
 * lock. A thread interrupted during a read closes the file's channel (a property of
 * {@link java.nio.channels.FileChannel}); that read throws an {@link UncheckedIOException} whose cause is a
 * {@link ClosedByInterruptException}, and the next read, from any thread, reopens the file.
 *
 * <p>Bad input (a missing, non-HDF5 or truncated file, a missing key, a node that is not a dataset, an unreadable
 * header) is an {@link InputException} naming the file and the key; a chunk that fails to decode is a
 * {@link CorruptDataException}, found when it is read.
 */
public final class Hdf5File implements AutoCloseable {

    /**
     * What a dataset's header says.
     *
     * @param key     its name in the root group
     * @param dims    its shape
     * @param dtype   numpy-style element type ({@code uint8}, {@code int16}, {@code float32}, …; other classes by
     *                jhdf's type name and size)
     * @param bytes   bytes per element
     * @param chunks  chunk shape, or null if the dataset is not chunked
     * @param filters filter names in pipeline order, as jhdf reports them (e.g. {@code [lzf]}; empty for none)
     */
    public record DatasetInfo(String key, int[] dims, String dtype, int bytes, int[] chunks, List<String> filters) {}

    /** A chunk of a dataset that cannot be decoded: the file is corrupt where {@link #read} looked. */
    public static final class CorruptDataException extends InputException {
        private final String detail;

        CorruptDataException(Path file, String key, int[] lead, String detail, Throwable cause) {
            super(file + ": cannot read dataset '" + key + "' at " + Arrays.toString(lead) + " (" + detail
                    + "): the file is corrupt", cause);
            this.detail = detail;
        }

        /** The decoder's own one-line message. */
        public String detail() { return detail; }
    }

    private final Path path;
    private final Object lock = new Object();
    private HdfFile hdf;                                            // guarded by lock
    private final Map<String, Dataset> datasets = new LinkedHashMap<>();   // guarded by lock; cleared on reopen
    private boolean closed;                                         // guarded by lock

    private Hdf5File(Path path, HdfFile hdf) {
        this.path = path;
        this.hdf = hdf;
    }

    /**
     * Opens a file and reads its superblock (datasets are resolved when asked for).
     *
     * @throws InputException if the file is missing, not HDF5 ({@code "FILE: not a readable HDF5 file (…)"}) or
     *                        shorter than its superblock says ({@code "FILE: truncated HDF5 file: …"})
     */
    public static Hdf5File open(Path path) {
        if (!Files.isRegularFile(path)) throw new InputException("HDF5 file not found: " + path);
        return new Hdf5File(path, openHdf(path));
    }

    /** The file. */
    public Path path() { return path; }

    /** The names in the file's root group, in jhdf's order. */
    public List<String> rootNames() {
        synchronized (lock) {
            checkOpen();
            return List.copyOf(children(path, hdf).keySet());
        }
    }

    /**
     * The headers of datasets in the root group: first every key is resolved (links followed), then each header is
     * read, so a missing key is reported before a bad header.
     *
     * @throws InputException {@code "h5 file FILE has no dataset 'KEY' (has: …)"}, a broken link, a node that is
     *                        not a dataset, or a header that cannot be read, naming the file and the key
     */
    public Map<String, DatasetInfo> datasets(String... keys) {
        synchronized (lock) {
            checkOpen();
            for (String key : keys) resolve(key);
            Map<String, DatasetInfo> out = new LinkedHashMap<>();
            for (String key : keys) {
                Dataset d = datasets.get(key);
                try {
                    DataType t = d.getDataType();
                    out.put(key, new DatasetInfo(key, d.getDimensions(), dtypeName(t), t.getSize(),
                            d instanceof ChunkedDataset c ? c.getChunkDimensions() : null,
                            d.getFilters().stream().map(PipelineFilterWithData::getName).toList()));
                } catch (RuntimeException e) {
                    throw new InputException(path + ": cannot read a dataset header (" + oneLine(e) + ")", e);
                }
            }
            return out;
        }
    }

    /** The header of one dataset: {@link #datasets(String...)} of one key. */
    public DatasetInfo dataset(String key) { return datasets(key).get(key); }

    /**
     * The slab {@code key[lead[0], …, lead[k-1], :, …, :]} of a dataset of 1-byte elements: its
     * {@code dims[k] × … × dims[rank-1]} bytes in file order. Reads and decodes only the chunks that overlap it.
     *
     * @param lead the leading indices, fewer than the dataset's rank
     * @throws CorruptDataException     if a chunk fails to decode (the file stays usable for other slabs)
     * @throws UncheckedIOException     caused by {@link ClosedByInterruptException} if this thread was interrupted
     * @throws IllegalStateException    after {@link #close}
     * @throws IllegalArgumentException for elements wider than a byte, or too many leading indices
     * @throws IndexOutOfBoundsException for a leading index outside the dataset
     */
    public byte[] read(String key, int... lead) {
        synchronized (lock) {
            checkOpen();
            if (!channelOpen()) reopen();
            Dataset ds = resolve(key);
            check(key, ds, lead);
            try {
                return readLocked(ds, lead);
            } catch (RuntimeException e) {
                if (!channelOpen()) {
                    // the channel was closed under the read: an interrupt of this thread (FileChannel closes
                    // itself then), or another cause; the next read reopens the file
                    if (Thread.currentThread().isInterrupted()) {
                        throw new UncheckedIOException(new ClosedByInterruptException());
                    }
                    reopen();
                    return readLocked(resolve(key), lead);
                }
                throw new CorruptDataException(path, key, lead, oneLine(e), e);
            }
        }
    }

    /** Releases the file; later reads throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            closeQuietly(hdf);
        }
    }

    @Override public String toString() { return "Hdf5File(" + path + ")"; }

    // ---------------------------------------------------------------- opening

    private void checkOpen() {
        if (closed) throw new IllegalStateException(path + " is closed");
    }

    private boolean channelOpen() { return hdf.getHdfBackingStorage().getFileChannel().isOpen(); }

    private void reopen() {
        closeQuietly(hdf);
        datasets.clear();
        hdf = openHdf(path);
    }

    private static HdfFile openHdf(Path file) {
        HdfFile hdf;
        try {
            hdf = new HdfFile(file);
        } catch (RuntimeException e) {
            throw new InputException(file + ": not a readable HDF5 file (" + oneLine(e) + ")", e);
        }
        try {
            long size = Files.size(file);
            var sb = hdf.getHdfBackingStorage().getSuperblock();
            long eof = sb.getBaseAddressByte() + sb.getEndOfFileAddress();
            if (size < eof) {
                throw new InputException(file + ": truncated HDF5 file: " + size + " bytes, its superblock says " + eof
                        + " (an interrupted download or copy?)");
            }
        } catch (IOException e) {
            closeQuietly(hdf);
            throw new InputException(file + ": cannot read: " + Untrusted.reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(hdf);
            throw e;
        }
        return hdf;
    }

    private static Map<String, Node> children(Path file, HdfFile hdf) {
        try {
            return hdf.getChildren();
        } catch (RuntimeException e) {
            throw new InputException(file + ": cannot read the HDF5 root group (" + oneLine(e) + ")", e);
        }
    }

    /** The dataset {@code key} of the root group (cached until a reopen). */
    private Dataset resolve(String key) {
        Dataset cached = datasets.get(key);
        if (cached != null) return cached;
        Map<String, Node> children = children(path, hdf);
        Node n = children.get(key);
        try {
            if (n instanceof Link link) n = link.getTarget();
        } catch (RuntimeException e) {
            throw new InputException(path + ": dataset '" + key + "' is a broken link (" + oneLine(e) + ")", e);
        }
        if (n == null) {
            throw new InputException("h5 file " + path + " has no dataset '" + key + "' (has: "
                    + (children.isEmpty() ? "nothing" : String.join(", ", children.keySet())) + ")");
        }
        if (!(n instanceof Dataset d)) {
            throw new InputException(path + ": '" + key + "' is a " + n.getType().toString().toLowerCase()
                    + ", expected a dataset");
        }
        datasets.put(key, d);
        return d;
    }

    private static String dtypeName(DataType t) {
        if (t instanceof FixedPoint fp) return (fp.isSigned() ? "int" : "uint") + 8 * fp.getSize();
        if (t instanceof FloatingPoint) return "float" + 8 * t.getSize();
        return t.getClass().getSimpleName() + " of " + t.getSize() + " bytes";
    }

    private void check(String key, Dataset ds, int[] lead) {
        int[] dims = ds.getDimensions();
        if (ds.getDataType().getSize() != 1) {
            throw new IllegalArgumentException(path + ": dataset '" + key + "' has " + ds.getDataType().getSize()
                    + "-byte elements; slabs are read for 1-byte elements only");
        }
        if (lead.length >= dims.length) {
            throw new IllegalArgumentException("dataset '" + key + "' of rank " + dims.length + ": " + lead.length
                    + " leading indices given, expected fewer than the rank");
        }
        for (int i = 0; i < lead.length; i++) {
            if (lead[i] < 0 || lead[i] >= dims[i]) {
                throw new IndexOutOfBoundsException("dataset '" + key + "' " + Arrays.toString(dims) + ": index "
                        + lead[i] + " in dimension " + i);
            }
        }
    }

    // ---------------------------------------------------------------- reading

    private static byte[] readLocked(Dataset ds, int[] lead) {
        int[] dims = ds.getDimensions();
        int rank = dims.length;
        int n = 1;
        for (int i = lead.length; i < rank; i++) n *= dims[i];
        if (ds instanceof ChunkedDataset cds) {
            int[] cd = cds.getChunkDimensions();
            long[] sel = new long[rank];
            int[] shp = new int[rank];
            for (int i = 0; i < rank; i++) {
                sel[i] = i < lead.length ? lead[i] : 0;
                shp[i] = i < lead.length ? 1 : dims[i];
            }
            boolean oneChunk = true;
            for (int i = 0; i < rank; i++) oneChunk &= cd[i] == shp[i];
            if (oneChunk) {
                int[] origin = new int[rank];
                for (int i = 0; i < lead.length; i++) origin[i] = lead[i];
                byte[] b = chunk(cds, origin, n);
                return b != null ? b : filled(ds, n);
            }
            return assemble(cds, dims, cd, sel, shp, fillValue(ds));
        }
        long off = 0;
        for (int i = 0; i < lead.length; i++) off = off * dims[i] + lead[i];
        off *= n;
        if (ds instanceof ContiguousDataset cont) {
            ByteBuffer b = ds.getHdfFile().getHdfBackingStorage()
                    .readBufferFromAddress(cont.getDataAddress() + off, n);
            byte[] out = new byte[n];
            b.get(out);
            return out;
        }
        // compact (at most 64 KiB): the whole dataset is in the object header
        ByteBuffer all = ((DatasetBase) ds).getDataBuffer();
        byte[] out = new byte[n];
        all.position((int) off);
        all.get(out);
        return out;
    }

    /**
     * One decoded chunk at element offset {@code origin}, or null for a chunk never written (HDF5 reads those as the
     * dataset's fill value). jhdf 0.9.4 says "never written" only through its messages: a version-1 B-tree index
     * has no entry ("No chunk with offset …"), a version-4 fixed-array index has an entry at the undefined address
     * ("… at address -1").
     */
    private static byte[] chunk(ChunkedDataset cds, int[] origin, int expectedBytes) {
        byte[] b;
        try {
            b = cds.getDecompressedChunk(origin);
        } catch (io.jhdf.exceptions.HdfException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("No chunk with offset") || m.endsWith(" at address -1")) return null;
            throw e;
        }
        if (b.length != expectedBytes) {
            throw new IllegalStateException("chunk at " + Arrays.toString(origin) + " decoded to " + b.length
                    + " bytes, expected " + expectedBytes);
        }
        return b;
    }

    /** The dataset's fill value as a byte (0 when none is defined, as h5py writes). */
    private static byte fillValue(Dataset ds) {
        Object v = ds.getFillValue();
        return v instanceof Number num ? (byte) num.intValue() : 0;
    }

    private static byte[] filled(Dataset ds, int n) {
        byte[] b = new byte[n];
        byte v = fillValue(ds);
        if (v != 0) Arrays.fill(b, v);
        return b;
    }

    /** A slab {@code shp} at {@code sel} from chunks of any shape (partial chunks at the edges included). */
    private static byte[] assemble(ChunkedDataset cds, int[] dims, int[] cd, long[] sel, int[] shp, byte fill) {
        int rank = dims.length;
        int chunkBytes = 1;
        for (int v : cd) chunkBytes *= v;
        int[] cStride = new int[rank], sStride = new int[rank];
        cStride[rank - 1] = 1;
        sStride[rank - 1] = 1;
        for (int i = rank - 2; i >= 0; i--) {
            cStride[i] = cStride[i + 1] * cd[i + 1];
            sStride[i] = sStride[i + 1] * shp[i + 1];
        }
        int total = 1;
        for (int v : shp) total *= v;
        byte[] out = new byte[total];
        if (fill != 0) Arrays.fill(out, fill);
        int[] first = new int[rank], last = new int[rank], origin = new int[rank];
        for (int i = 0; i < rank; i++) {
            first[i] = (int) (sel[i] / cd[i]) * cd[i];
            last[i] = (int) ((sel[i] + shp[i] - 1) / cd[i]) * cd[i];
            origin[i] = first[i];
        }
        while (true) {
            byte[] b = chunk(cds, origin, chunkBytes);
            if (b != null) copyIntersection(b, origin, cd, cStride, sel, shp, sStride, dims, out);
            int d = rank - 1;
            while (d >= 0) {
                origin[d] += cd[d];
                if (origin[d] <= last[d]) break;
                origin[d] = first[d];
                d--;
            }
            if (d < 0) break;
        }
        return out;
    }

    private static void copyIntersection(byte[] chunk, int[] origin, int[] cd, int[] cStride, long[] sel, int[] shp,
                                         int[] sStride, int[] dims, byte[] out) {
        int rank = origin.length;
        int[] lo = new int[rank], hi = new int[rank];
        for (int i = 0; i < rank; i++) {
            lo[i] = (int) Math.max(sel[i], origin[i]);
            hi[i] = (int) Math.min(Math.min(sel[i] + shp[i], origin[i] + cd[i]), dims[i]);
            if (hi[i] <= lo[i]) return;
        }
        int run = hi[rank - 1] - lo[rank - 1];
        int[] idx = lo.clone();
        while (true) {
            int src = 0, dst = 0;
            for (int i = 0; i < rank; i++) {
                src += (idx[i] - origin[i]) * cStride[i];
                dst += (int) (idx[i] - sel[i]) * sStride[i];
            }
            System.arraycopy(chunk, src, out, dst, run);
            int d = rank - 2;
            while (d >= 0) {
                if (++idx[d] < hi[d]) break;
                idx[d] = lo[d];
                d--;
            }
            if (d < 0) return;
        }
    }

    private static void closeQuietly(HdfFile f) {
        try {
            f.close();
        } catch (RuntimeException ignored) {
            // closing a read-only file: nothing to save
        }
    }

    /** A throwable and its causes as one line (at most about 300 characters). */
    static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
            if (sb.length() > 0) sb.append(": ");
            sb.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            if (t.getCause() == t) break;
        }
        return sb.toString().replaceAll("\\s+", " ").trim();
    }
}
