package org.mask3d.io;

import org.mask3d.InputException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A seeded mutation fuzzer for the readers of untrusted files: {@code .npy} ({@link Npy}), {@code .npz} ({@link Npz})
 * and PyTorch checkpoints with their pickles ({@link TorchCheckpoint}, {@link Pickle}).
 *
 * <p>It writes its own valid seeds (small float32/float64 arrays in C and Fortran order, both byte orders, format
 * versions 1 and 2; stored and deflated npz archives; a state dict written by {@link TorchCheckpoint#writeStateDict},
 * the same deflated, a checkpoint whose pickle uses most opcode families, and a legacy-format file), then mutates
 * them: bit flips, interesting bytes, byte inserts and deletes, truncation, duplicated chunks, splices with another
 * seed (header of one, body of the other), size fields overwritten with boundary values, and decimal numbers in
 * text headers replaced. For archives, half of the mutants change one record and rebuild the archive with valid
 * CRCs, so the parsers behind the zip layer (npy header, pickle) are reached, not only the CRC check.
 *
 * <p>A mutant passes when the reader returns or throws {@link InputException}. Any other throwable, or a read
 * longer than {@link #TIMEOUT_MS} ms, is a failure: the input is written to the crash folder with the trace beside
 * it. Reads run on a worker thread with a {@value #STACK_BYTES}-byte stack (half the JVM default), under a memory
 * budget of {@code -Dmask3d.maxBytes} (64 MiB when {@link #main} runs and the property is unset).
 *
 * <p>Command line: {@code Fuzz --minutes N --out DIR [--reader npy|npz|checkpoint|all] [--seed S]}; prints the
 * counts per reader and exits with status 1 when anything failed.
 */
public final class Fuzz {
    private Fuzz() {}

    /** The readers fuzzed, by name. */
    public static final List<String> READERS = List.of("npy", "npz", "checkpoint");
    /** A read that takes longer fails. */
    public static final long TIMEOUT_MS = 2000;
    static final long STACK_BYTES = 512 * 1024;

    /** Counts for one reader. */
    public static final class Stats {
        public final String reader;
        public long mutants, rejected, accepted, failures;
        /** Slowest read of a rejected input, nanoseconds, and the most bytes one rejected read allocated. */
        public long worstNanos, worstAllocated;

        Stats(String reader) { this.reader = reader; }

        @Override public String toString() {
            return String.format(Locale.ROOT, "%-10s %8d mutants: %8d rejected (InputException), %7d accepted, %d failures; "
                            + "worst rejected input: %.1f ms, %.1f MB allocated",
                    reader, mutants, rejected, accepted, failures, worstNanos / 1e6, worstAllocated / 1e6);
        }
    }

    public static void main(String[] args) throws Exception {
        double minutes = 1;
        Path out = Path.of("target/fuzz-crashes");
        String reader = "all";
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--minutes": minutes = Double.parseDouble(need(a, v)); i++; break;
                case "--out": out = Path.of(need(a, v)); i++; break;
                case "--reader": reader = need(a, v); i++; break;
                case "--seed": seed = Long.parseLong(need(a, v)); i++; break;
                default: throw new InputException("Fuzz: unknown argument " + Untrusted.quote(a)
                        + " (usage: --minutes N --out DIR [--reader npy|npz|checkpoint|all] [--seed S])");
            }
        }
        List<String> readers = reader.equals("all") ? READERS : List.of(reader);
        if (!READERS.containsAll(readers)) throw new InputException("Fuzz: --reader must be npy, npz, checkpoint or all, got " + Untrusted.quote(reader));
        if (System.getProperty(Untrusted.MAX_BYTES_PROPERTY) == null) System.setProperty(Untrusted.MAX_BYTES_PROPERTY, "64m");
        System.out.println("fuzzing " + readers + " for " + minutes + " min, seed " + seed + ", budget "
                + Untrusted.maxBytes() + " bytes, crashes to " + out);
        Map<String, Stats> stats = run(readers, seed, Long.MAX_VALUE, (long) (minutes * 60e9), out);
        for (Stats s : stats.values()) System.out.println(s);
        long failures = stats.values().stream().mapToLong(s -> s.failures).sum();
        System.exit(failures == 0 ? 0 : 1);
    }

    private static String need(String flag, String v) {
        if (v == null) throw new InputException("Fuzz: " + flag + " needs a value");
        return v;
    }

    /**
     * Runs the loop, readers in turn, until each has had {@code maxPerReader} mutants or {@code nanos} have passed.
     *
     * @param crashDir where failing inputs are written ({@code <reader>-<n>.bin} and {@code .txt})
     */
    public static Map<String, Stats> run(List<String> readers, long seed, long maxPerReader, long nanos, Path crashDir)
            throws IOException, InterruptedException {
        Random rnd = new Random(seed);
        Path work = Files.createTempDirectory("mask3d-fuzz");
        Map<String, Stats> stats = new LinkedHashMap<>();
        Map<String, Corpus> corpora = new LinkedHashMap<>();
        for (String r : readers) {
            stats.put(r, new Stats(r));
            corpora.put(r, corpus(r, work));
        }
        long end = System.nanoTime() + nanos;
        ExecutorService exec = worker();
        try {
            boolean more = true;
            while (more && System.nanoTime() < end) {
                more = false;
                for (String r : readers) {
                    Stats s = stats.get(r);
                    if (s.mutants >= maxPerReader) continue;
                    more = true;
                    byte[] input = corpora.get(r).mutant(rnd);
                    Path file = work.resolve("input-" + r + (r.equals("npy") ? ".npy" : r.equals("npz") ? ".npz" : ".ckpt"));
                    Files.write(file, input);
                    boolean viaStream = r.equals("npy") && (s.mutants & 1) == 1;
                    s.mutants++;
                    Future<long[]> f = exec.submit(() -> readOnce(r, file, input, viaStream));
                    String failure = null;
                    try {
                        long[] res = f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                        if (res[0] == 1) {
                            s.rejected++;
                            s.worstNanos = Math.max(s.worstNanos, res[1]);
                            s.worstAllocated = Math.max(s.worstAllocated, res[2]);
                        } else {
                            s.accepted++;
                        }
                    } catch (TimeoutException e) {
                        f.cancel(true);
                        exec.shutdownNow();
                        exec = worker();
                        failure = "hang: no answer after " + TIMEOUT_MS + " ms";
                    } catch (ExecutionException e) {
                        StringWriter w = new StringWriter();
                        e.getCause().printStackTrace(new PrintWriter(w));
                        failure = w.toString();
                    }
                    if (failure != null) {
                        s.failures++;
                        Files.createDirectories(crashDir);
                        Path bin = crashDir.resolve(r + "-" + s.failures + (viaStream ? "-stream" : "") + ".bin");
                        Files.write(bin, input);
                        Files.writeString(crashDir.resolve(r + "-" + s.failures + ".txt"), failure);
                    }
                }
            }
        } finally {
            exec.shutdownNow();
            try (var files = Files.list(work)) {
                for (Path p : (Iterable<Path>) files::iterator) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(work);
        }
        return stats;
    }

    private static ExecutorService worker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(null, task, "mask3d-fuzz-reader", STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads once: {@code {1 if rejected else 0, nanoseconds, bytes allocated}}; anything but InputException escapes. */
    private static long[] readOnce(String reader, Path file, byte[] input, boolean viaStream) throws IOException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long a0 = mx.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        long rejected = 0;
        try {
            switch (reader) {
                case "npy":
                    if (viaStream) Npy.read(new ByteArrayInputStream(input), "mutant.npy");
                    else Npy.read(file);
                    break;
                case "npz":
                    Npz.read(file);
                    break;
                default: {
                    TorchCheckpoint c = TorchCheckpoint.read(file);
                    Pickle.repr(c.root());
                    c.metadata();
                    c.hyperParameters();
                    c.tensors();
                }
            }
        } catch (InputException e) {
            if (e.getMessage() == null || e.getMessage().indexOf('\n') >= 0 || e.getMessage().indexOf('\u001b') >= 0) {
                throw new AssertionError("message is not one escaped line: " + e.getMessage(), e);
            }
            rejected = 1;
        }
        return new long[]{rejected, System.nanoTime() - t0, mx.getCurrentThreadAllocatedBytes() - a0};
    }

    // ------------------------------------------------------------------------------------------------ mutation

    private static final long[] INTERESTING = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
            0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, 1L << 30, 1L << 40, Long.MAX_VALUE, -1, -2};
    private static final String[] NUMBERS = {"0", "1", "-1", "2147483647", "2147483648", "4294967296", "65536",
            "9223372036854775807", "99999999999999999999", "1000000", "46341", ""};
    private static final byte[] BYTES = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, '\n', '(', ')', '.', 't', 'R',
            'Q', 'h', 'g', 'p', 'q', '}', ']', 'e', 'u', 's', 'a', 'b', (byte) 0x81, (byte) 0x93, (byte) 0x94, (byte) 0x95, 0x1b};

    /** One seed corpus: whole files, and for archives the records each file was built from. */
    private static final class Corpus {
        final List<byte[]> files = new ArrayList<>();
        final List<List<Map.Entry<String, byte[]>>> records = new ArrayList<>();
        final List<Boolean> deflated = new ArrayList<>();
        final boolean torchZip;

        Corpus(boolean torchZip) { this.torchZip = torchZip; }

        byte[] mutant(Random r) throws IOException {
            if (!records.isEmpty() && r.nextBoolean()) {
                int i = r.nextInt(records.size());
                List<Map.Entry<String, byte[]>> recs = new ArrayList<>(records.get(i));
                // mostly the parsed record (the pickle, an array), sometimes any
                int k = r.nextInt(4) > 0 ? 0 : r.nextInt(recs.size());
                Map.Entry<String, byte[]> e = recs.get(k);
                List<byte[]> pool = new ArrayList<>();
                for (var x : recs) pool.add(x.getValue());
                recs.set(k, Map.entry(e.getKey(), mutate(e.getValue(), r, pool)));
                return torchZip ? torchZip(recs, deflated.get(i)) : npz(recs, deflated.get(i));
            }
            return mutate(files.get(r.nextInt(files.size())), r, files);
        }
    }

    static byte[] mutate(byte[] seed, Random r, List<byte[]> pool) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(r.nextInt(8) == 0 ? 8 : 3);
        for (int k = 0; k < rounds; k++) {
            int n = b.length;
            int i = n == 0 ? 0 : r.nextInt(n);
            switch (r.nextInt(10)) {
                case 0: if (n > 0) b[i] ^= (byte) (1 << r.nextInt(8)); break;
                case 1: if (n > 0) b[i] = BYTES[r.nextInt(BYTES.length)]; break;
                case 2: { // insert random bytes
                    byte[] ins = new byte[1 + r.nextInt(r.nextBoolean() ? 4 : 64)];
                    if (r.nextBoolean()) r.nextBytes(ins);
                    else for (int j = 0; j < ins.length; j++) ins[j] = BYTES[r.nextInt(BYTES.length)];
                    b = splice(b, i, 0, ins);
                    break;
                }
                case 3: b = splice(b, i, Math.min(n - i, 1 + r.nextInt(r.nextBoolean() ? 4 : 64)), new byte[0]); break;
                case 4: b = Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n)); break;
                case 5: { // size-field tweak: a boundary value, or the field +-1, written little or big endian
                    int w = new int[]{1, 2, 4, 8}[r.nextInt(4)];
                    if (n < w) break;
                    int at = r.nextInt(n - w + 1);
                    ByteBuffer bb = ByteBuffer.wrap(b).order(r.nextInt(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                    long v = r.nextInt(3) == 0 ? read(bb, at, w) + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(16))
                            : INTERESTING[r.nextInt(INTERESTING.length)];
                    write(bb, at, w, v);
                    break;
                }
                case 6: { // splice: the head of this input and the tail of another (or of itself)
                    byte[] other = pool.get(r.nextInt(pool.size()));
                    int j = other.length == 0 ? 0 : r.nextInt(other.length);
                    byte[] out = Arrays.copyOf(b, i + other.length - j);
                    System.arraycopy(other, j, out, i, other.length - j);
                    b = out;
                    break;
                }
                case 7: { // duplicate a chunk elsewhere
                    if (n == 0) break;
                    int len = 1 + r.nextInt(Math.min(n - i, 256));
                    b = splice(b, r.nextInt(n + 1), 0, Arrays.copyOfRange(b, i, i + len));
                    break;
                }
                case 8: { // a decimal number in text (npy header, protocol-0 pickle) replaced
                    int at = i;
                    while (at < n && !Character.isDigit(b[at])) at++;
                    if (at >= n) break;
                    int e = at;
                    while (e < n && Character.isDigit(b[e])) e++;
                    b = splice(b, at, e - at, NUMBERS[r.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII));
                    break;
                }
                default: { // random bytes over a range
                    if (n == 0) break;
                    byte[] x = new byte[1 + r.nextInt(Math.min(n - i, 16))];
                    r.nextBytes(x);
                    System.arraycopy(x, 0, b, i, x.length);
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    private static long read(ByteBuffer b, int at, int w) {
        switch (w) {
            case 1: return b.get(at) & 0xff;
            case 2: return b.getShort(at) & 0xffff;
            case 4: return b.getInt(at) & 0xffffffffL;
            default: return b.getLong(at);
        }
    }

    private static void write(ByteBuffer b, int at, int w, long v) {
        switch (w) {
            case 1: b.put(at, (byte) v); break;
            case 2: b.putShort(at, (short) v); break;
            case 4: b.putInt(at, (int) v); break;
            default: b.putLong(at, v);
        }
    }

    // ---------------------------------------------------------------------------------------------------- seeds

    private static Corpus corpus(String reader, Path work) throws IOException {
        switch (reader) {
            case "npy": {
                Corpus c = new Corpus(false);
                c.files.addAll(npySeeds());
                return c;
            }
            case "npz": {
                Corpus c = new Corpus(false);
                List<byte[]> arrays = npySeeds();
                List<Map.Entry<String, byte[]>> recs = List.of(Map.entry("a.npy", arrays.get(0)), Map.entry("b.npy", arrays.get(1)),
                        Map.entry("f.npy", arrays.get(2)));
                for (boolean deflate : new boolean[]{false, true}) {
                    c.records.add(recs);
                    c.deflated.add(deflate);
                    c.files.add(npz(recs, deflate));
                }
                return c;
            }
            case "checkpoint": {
                Corpus c = new Corpus(true);
                Map<String, TorchCheckpoint.Tensor> sd = new LinkedHashMap<>();
                sd.put("net.w", TorchCheckpoint.Tensor.ofFloat("net.w", new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
                sd.put("net.d", TorchCheckpoint.Tensor.ofDouble("net.d", new double[]{0.5, -1}, 2));
                sd.put("net.n", TorchCheckpoint.Tensor.ofLong("net.n", new long[]{7}));
                Path p = work.resolve("seed.ckpt");
                TorchCheckpoint.writeStateDict(p, sd);
                byte[] written = Files.readAllBytes(p);
                Files.delete(p);
                List<Map.Entry<String, byte[]>> recs = unzip(written);
                // the pickle first: the record most mutants change
                recs.sort((x, y) -> Boolean.compare(!x.getKey().endsWith("data.pkl"), !y.getKey().endsWith("data.pkl")));
                c.files.add(written);
                c.records.add(recs);
                c.deflated.add(false);
                c.files.add(torchZip(recs, true));
                c.records.add(recs);
                c.deflated.add(true);
                List<Map.Entry<String, byte[]>> rich = new ArrayList<>();
                rich.add(Map.entry("archive/data.pkl", richPickle()));
                rich.add(Map.entry("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII)));
                rich.add(Map.entry("archive/data/0", floats(1, 2, 3, 4)));
                rich.add(Map.entry("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
                c.files.add(torchZip(rich, false));
                c.records.add(rich);
                c.deflated.add(false);
                c.files.add(legacy());
                return c;
            }
            default: throw new IllegalArgumentException(reader);
        }
    }

    /** Valid .npy files: f4 C order, f8 1-d, f4 Fortran 3-d, big-endian f8, format 2.0, 0-d, empty. */
    static List<byte[]> npySeeds() throws IOException {
        List<byte[]> out = new ArrayList<>();
        out.add(npy(NpyArray.ofFloat(new float[]{1, 2, 3, 4, 5, 6}, 2, 3)));
        out.add(npy(NpyArray.ofDouble(new double[]{0.25, -8, 1e300}, 3)));
        out.add(npyRaw(1, "<f4", true, "(2, 2, 2)", floats(1, 2, 3, 4, 5, 6, 7, 8)));
        ByteBuffer be = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 4; i++) be.putDouble(i * 1.5);
        out.add(npyRaw(1, ">f8", false, "(2, 2)", be.array()));
        out.add(npyRaw(2, "<f4", false, "(4,)", floats(9, 8, 7, 6)));
        out.add(npy(NpyArray.ofFloat(new float[]{42}, new int[0])));
        out.add(npy(NpyArray.ofFloat(new float[0], 0, 3)));
        return out;
    }

    private static byte[] npy(NpyArray a) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Npy.write(o, a);
        return o.toByteArray();
    }

    private static byte[] npyRaw(int version, String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int prefix = version == 1 ? 10 : 12;
        int pad = (64 - (prefix + dict.length() + 1) % 64) % 64;
        byte[] h = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) b.putShort((short) h.length);
        else b.putInt(h.length);
        b.put(h).put(data);
        return b.array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    /** A zip of the records, stored or deflated, with correct sizes and CRCs (as numpy's savez writes them). */
    static byte[] npz(List<Map.Entry<String, byte[]>> recs, boolean deflate) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(o)) {
            for (Map.Entry<String, byte[]> e : recs) {
                ZipEntry ze = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    ze.setCompressedSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return o.toByteArray();
    }

    /** A torch.save zip: stored with 64-byte alignment as PyTorch writes it, or deflated. */
    static byte[] torchZip(List<Map.Entry<String, byte[]>> recs, boolean deflate) throws IOException {
        if (deflate) return npz(recs, true);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        TorchCheckpoint.writeZipStored(o, recs, 64);
        return o.toByteArray();
    }

    private static List<Map.Entry<String, byte[]>> unzip(byte[] zip) throws IOException {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        try (var in = new java.util.zip.ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) out.add(Map.entry(e.getName(), in.readAllBytes()));
        }
        return out;
    }

    /** A small pickle writer for the seeds. */
    private static final class P {
        final ByteArrayOutputStream o = new ByteArrayOutputStream();

        P op(int... c) { for (int x : c) o.write(x); return this; }
        P str(String s) { byte[] b = s.getBytes(StandardCharsets.UTF_8); op(0x8c, b.length); o.writeBytes(b); return this; }
        P bin(String s) { byte[] b = s.getBytes(StandardCharsets.UTF_8); op('X'); le(b.length, 4); o.writeBytes(b); return this; }
        P global(String m, String n) { op('c'); o.writeBytes((m + "\n" + n + "\n").getBytes(StandardCharsets.US_ASCII)); return this; }
        P le(long v, int w) { for (int i = 0; i < w; i++) o.write((int) (v >>> (8 * i)) & 0xff); return this; }
        P text(String s) { o.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1)); return this; }
        byte[] bytes() { return o.toByteArray(); }
    }

    /**
     * Protocol 4 with most opcode families: memo (MEMOIZE, BINPUT, BINGET), STACK_GLOBAL, NEWOBJ + BUILD, sets,
     * frozenset, tuples as keys, nested lists and dicts, floats, bytes, ints of every width, protocol-0 text
     * opcodes, and one tensor of a float storage in an OrderedDict state dict.
     */
    static byte[] richPickle() {
        P p = new P();
        p.op(0x80, 4).op('}', 0x94).op('(');
        p.str("epoch").op('K', 3);
        p.str("global_step").op('J').le(70000, 4);
        p.str("big").op(0x8a, 9).le(1, 8).op(1);
        p.str("neg").op('M').le(65535, 2);
        p.str("hyper_parameters").str("argparse").str("Namespace").op(0x93, 0x94).op(')', 0x81).op('}', '(')
                .str("lr").op('G').text(new String(ByteBuffer.allocate(8).putDouble(1e-3).array(), StandardCharsets.ISO_8859_1))
                .str("name").bin("run\u00e9").str("flag").op(0x88).op('u', 'b');
        p.str("set").op(0x8f, '(', 'K', 1, 'K', 2, 0x90);
        p.str("frozen").op('(', 'K', 5, 0x91);
        p.str("nested").op(']', 'q', 2, '(', ']', '(', 'K', 1, 'K', 2, 0x86, 'e', '}', 'K', 1, 'K', 2, 0x86, 'N', 's', 'e');
        p.str("again").op('h', 2);
        p.str("text").text("(I12\nF2.5\nS'a\\nb'\nVx\\u00e9\nL5L\nl");
        p.str("bytes").op('C', 3).text("abc");
        p.str("codec").global("_codecs", "encode").str("\u00ff").str("latin1").op(0x86, 'R');
        p.str("state_dict").global("collections", "OrderedDict").op(')', 'R', '(');
        p.str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").op('K', 4, 't', 'Q');
        p.op('K', 0, 'K', 2, 'K', 2, 0x86, 'K', 2, 'K', 1, 0x86, 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
        p.op('u', 'u', '.');
        return p.bytes();
    }

    /** The legacy (PyTorch < 1.6) format: magic, protocol, system info, the object, storage keys, then the storage. */
    static byte[] legacy() {
        P p = new P();
        byte[] magic = new java.math.BigInteger("1950a86a20f9469cfc6c", 16).toByteArray();
        p.op(0x80, 2, 0x8a, magic.length);
        for (int i = magic.length - 1; i >= 0; i--) p.op(magic[i] & 0xff);
        p.op('.');
        p.op(0x80, 2, 'M').le(1001, 2).op('.');
        p.op(0x80, 2, '}', '(').bin("protocol_version").op('M').le(1001, 2).bin("little_endian").op(0x88).op('u', '.');
        p.op(0x80, 2, '}', '(').bin("w").global("torch._utils", "_rebuild_tensor").op('(');
        p.op('(').bin("storage").global("torch", "FloatStorage").bin("0").bin("cpu").op('K', 4, 'N', 't', 'Q');
        p.op('K', 0, 'K', 2, 'K', 2, 0x86, 'K', 2, 'K', 1, 0x86, 't', 'R', 'u', '.');
        p.op(0x80, 2, ']', '(').bin("0").op('e', '.');
        p.le(4, 8);
        p.o.writeBytes(floats(1, 2, 3, 4));
        return p.bytes();
    }
}
