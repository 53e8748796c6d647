package org.mask3d.io;

import org.mask3d.InputException;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch {@code torch.save} file read without PyTorch and without executing anything: Lightning checkpoints
 * ({@code .ckpt}), plain {@code state_dict} files ({@code .pth}, such as torchvision's {@code vgg19_bn}), or a dict
 * with a {@code model} or {@code state_dict} entry.
 *
 * <h2>Formats</h2>
 * <ul>
 *   <li>The zip format (PyTorch ≥ 1.6): {@code <name>/data.pkl} (the object, pickled), {@code <name>/data/<key>}
 *       (raw storages), {@code <name>/byteorder}, {@code <name>/version}. Entries may be stored or deflated.</li>
 *   <li>The legacy format (PyTorch &lt; 1.6, e.g. torchvision weights uploaded before 2020): five pickles (magic
 *       number, protocol 1001, system info, the object, the storage keys) followed by each storage as an int64
 *       element count and its raw bytes. Read too. The older tar format (PyTorch ≤ 0.3) is rejected.</li>
 * </ul>
 *
 * <h2>Safety</h2>
 * The pickle is read by {@link Pickle}, an allow-list unpickler. Allowed callables (besides {@link Pickle}'s generic
 * {@code collections.OrderedDict}, {@code builtins.set/frozenset}, {@code _codecs.encode} and the inert
 * {@code copyreg} helpers): {@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_tensor},
 * {@code torch._utils._rebuild_parameter}, {@code torch._utils._rebuild_parameter_with_state}, and
 * {@code torch.device} (kept as an inert object). Storage types ({@code torch.FloatStorage}, {@code DoubleStorage},
 * {@code HalfStorage}, {@code BFloat16Storage}, {@code LongStorage}, {@code IntStorage}, {@code ShortStorage},
 * {@code CharStorage}, {@code ByteStorage}, {@code BoolStorage}) are accepted only inside a storage persistent id.
 * Any other global is an inert {@link Pickle.Global}; instances of other classes (Lightning's
 * {@code AttributeDict}, {@code argparse.Namespace}) are inert {@link Pickle.Instance}s; a pickle that would call
 * anything else ({@code posix.system}, {@code builtins.eval}, {@code torch.storage._load_from_bytes}, ...) is refused
 * with an {@link InputException} naming the file and the global. Zip entries whose path is absolute, contains
 * {@code ..}, lies outside the archive's folder, or is duplicated are refused; nothing is ever extracted.
 *
 * <h2>Limits (hostile files)</h2>
 * Every zip record read (the pickle, {@code byteorder}, each storage) is checked against the size and CRC-32 its
 * zip directory declares, so a corrupt byte is an error naming the file and the record, never a silently wrong
 * tensor. The pickle is refused above {@value #MAX_PICKLE_BYTES} bytes before it is read, and read under
 * {@link Pickle}'s depth and memory limits. Declared storage sizes are checked against the record's size (zip) or the
 * file's size (legacy), tensor sizes, strides and offsets against their storage (negative values, products or sums
 * that overflow and views past the storage's end are errors), and all decoded tensors together against the memory
 * budget ({@link Untrusted#maxBytes()}) before their arrays are allocated. Text from the file is escaped in every
 * message ({@link Untrusted#quote}).
 *
 * <h2>Tensors</h2>
 * Each tensor is decoded from its storage with its offset, size and stride (non-contiguous views are gathered into
 * C order; several tensors may share a storage) into a {@link Tensor}: float32 data for float32, float16 and
 * bfloat16 storages, float64 for float64, int64 ({@code long[]}) for integer and bool storages. {@link Tensor#dtype()}
 * names the storage's own dtype.
 */
public final class TorchCheckpoint {

    /**
     * A tensor read from (or to be written to) a checkpoint, in C order. Exactly one of {@code f32}, {@code f64},
     * {@code i64} is non-null. {@code dtype} is PyTorch's name of the source dtype ({@code float32}, {@code float16},
     * {@code bfloat16}, {@code float64}, {@code int64}, {@code int32}, {@code int16}, {@code int8}, {@code uint8},
     * {@code bool}); half-precision data is widened to float32 and integer/bool data to int64.
     */
    public record Tensor(String name, String dtype, int[] shape, float[] f32, double[] f64, long[] i64) {
        public Tensor {
            int nonNull = (f32 != null ? 1 : 0) + (f64 != null ? 1 : 0) + (i64 != null ? 1 : 0);
            if (nonNull != 1) throw new IllegalArgumentException("a tensor holds exactly one of float[], double[], long[]");
            long n = 1;
            for (int s : shape) {
                if (s < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
                n *= s;
            }
            int len = f32 != null ? f32.length : f64 != null ? f64.length : i64.length;
            if (n != len) throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + n + " values, got " + len);
            shape = shape.clone();
        }

        public static Tensor ofFloat(String name, float[] data, int... shape) { return new Tensor(name, "float32", shape, data, null, null); }
        public static Tensor ofDouble(String name, double[] data, int... shape) { return new Tensor(name, "float64", shape, null, data, null); }
        public static Tensor ofLong(String name, long[] data, int... shape) { return new Tensor(name, "int64", shape, null, null, data); }

        @Override public int[] shape() { return shape.clone(); }
        public int ndim() { return shape.length; }
        public int numel() { return f32 != null ? f32.length : f64 != null ? f64.length : i64.length; }
        public boolean isFloatingPoint() { return i64 == null; }

        /** The values as float32 (the backing array when held as float32, else a converted copy). */
        public float[] floats() {
            if (f32 != null) return f32;
            float[] out = new float[numel()];
            for (int i = 0; i < out.length; i++) out[i] = f64 != null ? (float) f64[i] : (float) i64[i];
            return out;
        }

        /** The values as float64 (the backing array when held as float64, else a converted copy). */
        public double[] doubles() {
            if (f64 != null) return f64;
            double[] out = new double[numel()];
            for (int i = 0; i < out.length; i++) out[i] = f32 != null ? f32[i] : (double) i64[i];
            return out;
        }

        /** The values as int64 (integer tensors only). */
        public long[] longs() {
            if (i64 == null) throw new IllegalStateException(name + " is " + dtype + ", not an integer tensor");
            return i64;
        }

        /** Value at a flat C-order index, as double. */
        public double get(int flat) { return f32 != null ? f32[flat] : f64 != null ? f64[flat] : i64[flat]; }

        /** Value at a multi-index, as double. */
        public double at(int... index) {
            if (index.length != shape.length) throw new IllegalArgumentException("index rank " + index.length + " for shape " + shapeString());
            int flat = 0;
            for (int i = 0; i < index.length; i++) flat = flat * shape[i] + index[i];
            return get(flat);
        }

        public String shapeString() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? "," : "").append(shape[i]);
            return sb.append(']').toString();
        }

        /** As an {@link NpyArray} (float32 or float64; integer data as float64). */
        public NpyArray toNpyArray() { return f32 != null ? NpyArray.ofFloat(f32, shape) : NpyArray.ofDouble(doubles(), shape); }

        @Override public boolean equals(Object o) {
            return o instanceof Tensor t && name.equals(t.name) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                    && Arrays.equals(f32, t.f32) && Arrays.equals(f64, t.f64) && Arrays.equals(i64, t.i64);
        }

        @Override public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }

        @Override public String toString() { return "Tensor[" + name + " " + dtype + " " + shapeString() + "]"; }
    }

    /** Storage types torch pickles by name, with element size and the dtype they hold. */
    enum StorageType {
        FLOAT("FloatStorage", "float32", 4), DOUBLE("DoubleStorage", "float64", 8), HALF("HalfStorage", "float16", 2),
        BFLOAT16("BFloat16Storage", "bfloat16", 2), LONG("LongStorage", "int64", 8), INT("IntStorage", "int32", 4),
        SHORT("ShortStorage", "int16", 2), CHAR("CharStorage", "int8", 1), BYTE("ByteStorage", "uint8", 1),
        BOOL("BoolStorage", "bool", 1);

        final String pyName, dtype;
        final int size;

        StorageType(String pyName, String dtype, int size) {
            this.pyName = pyName;
            this.dtype = dtype;
            this.size = size;
        }

        static StorageType of(Object o) {
            if (o instanceof Pickle.Global g && g.module().equals("torch")) {
                for (StorageType t : values()) if (t.pyName.equals(g.name())) return t;
            }
            return null;
        }
    }

    /** A persistent-id storage reference: {@code numel} elements of {@code type}, from element {@code start} of its record. */
    record StorageRef(StorageType type, String key, long numel, long start) {}

    /** The placeholder {@code _rebuild_tensor_v2} returns during unpickling; decoded after the whole pickle is read. */
    static final class TensorRef {
        final StorageRef storage;
        final long offset;
        final long[] size, stride;

        TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
            this.storage = storage;
            this.offset = offset;
            this.size = size;
            this.stride = stride;
        }
    }

    /** Where storage bytes come from. */
    private interface StorageSource {
        /** {@code count} elements from element {@code first} of the storage, in the file's byte order. */
        ByteBuffer read(StorageRef s, long first, long count, String tensor) throws IOException;
    }

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_.\\-]{1,200}");
    /** The largest pickle read (a state dict's pickle is a few kB per thousand tensors; tensors live outside it). */
    static final int MAX_PICKLE_BYTES = 64 << 20;
    private static final int MAX_DEPTH = Pickle.MAX_DEPTH;

    private final Path path;
    private final String format;
    private final String archiveName;
    private final Object root;
    private final String stateDictEntry;
    private final Map<String, Tensor> stateDict;

    private TorchCheckpoint(Path path, String format, String archiveName, Object root) {
        this.path = path;
        this.format = format;
        this.archiveName = archiveName;
        this.root = root;
        Map<?, ?> top = asMap(root);
        String entry = null;
        Map<String, Tensor> sd = null;
        if (top != null) {
            for (String k : new String[]{"state_dict", "model"}) {
                Map<String, Tensor> m = tensorMap(top.get(k), true);
                if (m != null) { entry = k; sd = m; break; }
            }
            if (sd == null) {
                Map<String, Tensor> m = tensorMap(top, false);
                if (m != null) { entry = ""; sd = m; }
            }
        }
        this.stateDictEntry = entry;
        this.stateDict = sd == null ? null : Collections.unmodifiableMap(sd);
    }

    /** The file this was read from. */
    public Path path() { return path; }

    /** {@code "zip"} or {@code "legacy"}. */
    public String format() { return format; }

    /** The zip archive's folder (PyTorch's record prefix, e.g. {@code archive} or {@code model}); null for legacy files. */
    public String archiveName() { return archiveName; }

    /** The whole unpickled object as inert data (maps, lists, {@link Pickle.Tuple}s, {@link Tensor}s, {@link Pickle.Instance}s). */
    public Object root() { return root; }

    /**
     * Where the state dict was found: {@code "state_dict"} (Lightning), {@code "model"}, {@code ""} (the file is a
     * state dict), or null (none).
     */
    public String stateDictEntry() { return stateDictEntry; }

    /** The state dict, keys in file order. */
    public Map<String, Tensor> tensors() {
        if (stateDict == null) {
            Map<?, ?> top = asMap(root);
            throw new InputException("checkpoint " + path + ": no state dict found (expected a 'state_dict' or 'model' "
                    + "entry holding tensors, or a top-level dict of tensors; top level is "
                    + (top == null ? Pickle.describe(root) : "a dict with keys " + Pickle.repr(new ArrayList<>(top.keySet()))) + ")");
        }
        return stateDict;
    }

    /**
     * The state-dict entries under {@code prefix} with the prefix stripped (the released {@code load_ckpt}), in file
     * order; empty if no key starts with it. Tensor names keep the full key.
     */
    public Map<String, Tensor> stateDict(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors().entrySet()) {
            if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
        }
        return out;
    }

    /**
     * The top-level dict without the state dict: for a Lightning checkpoint {@code epoch}, {@code global_step},
     * {@code pytorch-lightning_version}, {@code optimizer_states} (tensors decoded), {@code lr_schedulers},
     * {@code hyper_parameters} (an inert {@link Pickle.Instance} of {@code AttributeDict}; see
     * {@link #hyperParameters()} for it as a map) and the rest. Empty for a plain state-dict file.
     */
    public Map<String, Object> metadata() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<?, ?> top = asMap(root);
        if (top == null || "".equals(stateDictEntry)) return out;
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!k.equals(stateDictEntry)) out.put(k, e.getValue());
        }
        return out;
    }

    /**
     * Lightning's {@code hyper_parameters} (or {@code hparams}) as a plain map, whatever class held it: a dict, a
     * dict subclass such as {@code AttributeDict} (its items), or an object such as {@code argparse.Namespace} (its
     * {@code __dict__} state). Empty when absent.
     */
    public Map<String, Object> hyperParameters() {
        Map<?, ?> top = asMap(root);
        Object hp = top == null ? null : top.containsKey("hyper_parameters") ? top.get("hyper_parameters") : top.get("hparams");
        Map<String, Object> out = new LinkedHashMap<>();
        Map<?, ?> m = null;
        if (hp instanceof Map<?, ?> d) m = d;
        else if (hp instanceof Pickle.Instance i) m = !i.items().isEmpty() ? i.items() : i.state() instanceof Map<?, ?> st ? st : null;
        if (m != null) for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
        return out;
    }

    private static Map<?, ?> asMap(Object o) {
        if (o instanceof Map<?, ?> m) return m;
        if (o instanceof Pickle.Instance i && !i.items().isEmpty()) return i.items();
        return null;
    }

    private static Map<String, Tensor> tensorMap(Object o, boolean allowEmpty) {
        Map<?, ?> m = asMap(o);
        if (m == null || m.isEmpty() && !allowEmpty) return null;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof Tensor t)) return null;
            // named by their state-dict key (the tree names them by their path from the top)
            out.put(k, new Tensor(k, t.dtype(), t.shape(), t.f32(), t.f64(), t.i64()));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------- reading

    /** Reads a {@code torch.save} file (zip or legacy format). Bad input is an {@link InputException} naming the file. */
    public static TorchCheckpoint read(Path path) {
        String src = "checkpoint " + path;
        byte[] head = new byte[512];
        int got;
        try (InputStream in = Files.newInputStream(path)) {
            got = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new InputException("file not found: " + path);
        } catch (IOException e) {
            throw new InputException("cannot read " + path + ": " + Untrusted.reason(e), e);
        }
        try {
            if (got >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
                return readZip(path, src, new Untrusted.Budget(src));
            }
            if (got >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
                return readLegacy(path, src, new Untrusted.Budget(src));
            }
        } catch (ArithmeticException e) {
            throw new InputException(src + ": tensor sizes overflow (" + Untrusted.text(e.getMessage()) + ")");
        }
        if (got >= 262 && new String(head, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
            throw new InputException(src + ": the tar-based torch.save format of PyTorch <= 0.3 is not supported; re-save it "
                    + "with a current PyTorch (torch.save(torch.load(f), g))");
        }
        throw new InputException(src + ": not a PyTorch checkpoint (expected a zip archive written by torch.save, "
                + "starting with 'PK', or a legacy torch.save pickle; " + (got == 0 ? "the file is empty" : "found other bytes") + ")");
    }

    private static TorchCheckpoint readZip(Path path, String src, Untrusted.Budget budget) {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new InputException(src + ": corrupt or truncated zip archive (" + Untrusted.text(e.getMessage()) + ")");
        } catch (IOException e) {
            throw new InputException("cannot read " + path + ": " + Untrusted.reason(e), e);
        }
        try (zip) {
            Map<String, ZipEntry> entries = new HashMap<>();
            String pkl = null;
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                String n = e.getName();
                checkEntryName(n, src);
                if (entries.put(n, e) != null) throw new InputException(src + ": zip entry " + Untrusted.quote(n) + " appears twice");
                if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                    if (pkl != null) {
                        throw new InputException(src + ": two pickles in one archive (" + Untrusted.quote(pkl) + ", " + Untrusted.quote(n) + ")");
                    }
                    pkl = n;
                }
            }
            if (pkl == null) {
                throw new InputException(src + ": no '<name>/data.pkl' record in the zip archive: not a torch.save file"
                        + (entries.keySet().stream().anyMatch(k -> k.contains("/code/")) ? " (it looks like a TorchScript archive)" : ""));
            }
            String prefix = pkl.substring(0, pkl.indexOf('/'));
            for (String n : entries.keySet()) {
                if (!n.startsWith(prefix + "/")) {
                    throw new InputException(src + ": zip entry " + Untrusted.quote(n) + " lies outside the archive folder "
                            + Untrusted.quote(prefix + "/"));
                }
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry bo = entries.get(prefix + "/byteorder");
            if (bo != null) {
                String s = new String(readEntry(zip, bo, 64, src), StandardCharsets.ISO_8859_1).trim();
                if (s.equals("big")) order = ByteOrder.BIG_ENDIAN;
                else if (!s.equals("little")) {
                    throw new InputException(src + ": " + Untrusted.text(prefix) + "/byteorder says " + Untrusted.quote(s) + ", expected little or big");
                }
            }
            ZipEntry pe = entries.get(pkl);
            if (pe.getSize() > MAX_PICKLE_BYTES) {
                throw new InputException(src + ": zip record " + Untrusted.quote(pkl) + " declares " + pe.getSize()
                        + " bytes of pickle, over the limit of " + MAX_PICKLE_BYTES + " (tensors are stored outside the pickle)");
            }
            byte[] pickle = readEntry(zip, pe, MAX_PICKLE_BYTES, src);
            budget.charge(pickle.length, "the pickle");
            Object root = Pickle.load(ByteBuffer.wrap(pickle), src, new Pickle.Options(torchCallables(), TorchCheckpoint::zipPersistentLoad),
                    budget, MAX_PICKLE_BYTES);
            final ByteOrder ord = order;
            Set<String> verified = new HashSet<>();
            StorageSource source = (s, first, count, tensor) -> {
                String name = prefix + "/data/" + s.key();
                ZipEntry e = entries.get(name);
                if (e == null) {
                    throw new InputException(src + ": missing storage record " + Untrusted.quote(name) + " (needed by tensor "
                            + Untrusted.text(tensor) + ")");
                }
                long need = multiply(s.numel(), s.type().size, src, "storage " + Untrusted.quote(s.key()));
                if (e.getSize() >= 0 && e.getSize() < need) {
                    throw new InputException(src + ": storage record " + Untrusted.quote(name) + " holds " + e.getSize() + " bytes, but its "
                            + s.type().pyName + " of " + s.numel() + " elements needs " + need + " (tensor " + Untrusted.text(tensor) + ")");
                }
                if (e.getSize() > budget.max()) {
                    throw new InputException(src + ": storage record " + Untrusted.quote(name) + " declares " + e.getSize()
                            + " bytes, over the memory budget of " + budget.max() + " bytes (-D" + Untrusted.MAX_BYTES_PROPERTY + ")");
                }
                int len = (int) (count * s.type().size); // count * size <= storage bytes <= budget, checked by the caller
                try (CheckedZipEntry in = CheckedZipEntry.open(zip, e, src)) {
                    long skip = first * s.type().size;
                    byte[] b = in.skip(skip) == skip ? in.readNBytes(len) : new byte[0];
                    if (b.length < len) {
                        throw new InputException(src + ": storage record " + Untrusted.quote(name) + " is shorter than declared (tensor "
                                + Untrusted.text(tensor) + ")");
                    }
                    if (verified.add(name)) in.readToEnd();
                    return ByteBuffer.wrap(b).order(ord);
                }
            };
            Object resolved = resolveTree(root, source, src, budget);
            return new TorchCheckpoint(path, "zip", prefix, resolved);
        } catch (ZipException e) {
            throw new InputException(src + ": corrupt zip archive (" + Untrusted.text(e.getMessage()) + ")");
        } catch (IOException e) {
            throw new InputException(src + ": cannot read (" + Untrusted.text(Untrusted.reason(e)) + ")", e);
        }
    }

    /** Zip entry names: relative, no {@code ..} segment, no backslash or drive letter. */
    static void checkEntryName(String n, String src) {
        if (n.isEmpty() || n.startsWith("/") || n.startsWith("\\") || n.matches("^[A-Za-z]:.*") || n.contains("\\")) {
            throw new InputException(src + ": zip entry " + Untrusted.quote(n) + " has an absolute or non-portable path");
        }
        for (String seg : n.split("/", -1)) {
            if (seg.equals("..")) throw new InputException(src + ": zip entry " + Untrusted.quote(n) + " escapes its folder ('..')");
        }
        if (n.indexOf('\0') >= 0) throw new InputException(src + ": zip entry name contains a NUL byte");
    }

    /** A whole record (at most {@code max} bytes), its size and CRC-32 checked. */
    private static byte[] readEntry(ZipFile zip, ZipEntry e, int max, String src) throws IOException {
        try (CheckedZipEntry in = CheckedZipEntry.open(zip, e, src)) {
            byte[] b = in.readNBytes(max);
            if (in.read() >= 0) throw new InputException(src + ": zip record " + Untrusted.quote(e.getName()) + " is larger than " + max + " bytes");
            return b;
        }
    }

    /** {@code a * b}, or an error naming {@code what} when it overflows. */
    private static long multiply(long a, long b, String src, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new InputException(src + ": " + what + " declares a size whose byte count overflows (" + a + " x " + b + ")");
        }
    }

    private static Object zipPersistentLoad(Object pid) {
        if (!(pid instanceof Pickle.Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw new InputException("unexpected persistent id " + Pickle.repr(pid) + ", expected ('storage', type, key, location, numel)");
        }
        return storageRef(t.get(1), t.get(2), t.get(4), 0L);
    }

    private static StorageRef storageRef(Object type, Object key, Object numel, long start) {
        StorageType st = StorageType.of(type);
        if (st == null) {
            throw new InputException("unknown storage type " + (type instanceof Pickle.Global g ? Untrusted.text(g.qualifiedName()) : Pickle.describe(type))
                    + " (supported: " + Arrays.stream(StorageType.values()).map(s -> "torch." + s.pyName).reduce((a, b) -> a + ", " + b).orElse("") + ")");
        }
        if (!(key instanceof String k) || !STORAGE_KEY.matcher(k).matches() || k.equals("..") || k.equals(".")) {
            throw new InputException("bad storage key " + Pickle.repr(key));
        }
        if (!(numel instanceof Long n) || n < 0) throw new InputException("bad storage size " + Pickle.repr(numel) + " for storage " + Pickle.repr(key));
        return new StorageRef(st, k, n, start);
    }

    static Map<String, Pickle.Callable> torchCallables() {
        Map<String, Pickle.Callable> m = new LinkedHashMap<>();
        m.put("torch._utils._rebuild_tensor_v2", new Pickle.Callable("torch._utils._rebuild_tensor_v2", false, args -> {
            if (args.size() < 4 || args.size() > 7) throw new InputException("_rebuild_tensor_v2 with " + args.size() + " arguments");
            return tensorRef(args);
        }));
        m.put("torch._utils._rebuild_tensor", new Pickle.Callable("torch._utils._rebuild_tensor", false, args -> {
            if (args.size() != 4) throw new InputException("_rebuild_tensor with " + args.size() + " arguments");
            return tensorRef(args);
        }));
        m.put("torch._utils._rebuild_parameter", new Pickle.Callable("torch._utils._rebuild_parameter", false,
                TorchCheckpoint::parameterData));
        m.put("torch._utils._rebuild_parameter_with_state", new Pickle.Callable("torch._utils._rebuild_parameter_with_state",
                false, TorchCheckpoint::parameterData));
        m.put("torch.device", new Pickle.Callable("torch.device", true,
                args -> new Pickle.Instance(new Pickle.Global("torch", "device"), args)));
        return m;
    }

    private static Object parameterData(Pickle.Tuple args) {
        if (args.isEmpty() || !(args.get(0) instanceof TensorRef)) {
            throw new InputException("_rebuild_parameter expects a tensor, got " + (args.isEmpty() ? "nothing" : Pickle.describe(args.get(0))));
        }
        return args.get(0);
    }

    private static TensorRef tensorRef(Pickle.Tuple a) {
        if (!(a.get(0) instanceof StorageRef s)) throw new InputException("tensor rebuilt from " + Pickle.describe(a.get(0)) + ", expected a storage");
        if (!(a.get(1) instanceof Long off) || off < 0) throw new InputException("bad storage offset " + Pickle.repr(a.get(1)));
        long[] size = longs(a.get(2), "size"), stride = longs(a.get(3), "stride");
        if (size.length != stride.length) {
            throw new InputException("tensor size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in rank");
        }
        return new TensorRef(s, off, size, stride);
    }

    private static long[] longs(Object o, String what) {
        if (!(o instanceof List<?> l)) throw new InputException("tensor " + what + " is " + Pickle.describe(o) + ", expected a tuple");
        if (l.size() > 64) throw new InputException("tensor " + what + " has " + l.size() + " dimensions (at most 64)");
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long v) || v < 0) throw new InputException("bad tensor " + what + " " + Pickle.repr(l) + " (expected integers >= 0)");
            out[i] = v;
        }
        return out;
    }

    private static TorchCheckpoint readLegacy(Path path, String src, Untrusted.Budget budget) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize > Integer.MAX_VALUE) throw new InputException(src + ": legacy-format files over 2 GiB are not supported");
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize);
            Pickle.Options plain = new Pickle.Options(Map.of(), null);
            Object magic = Pickle.load(buf, src, plain, budget, MAX_PICKLE_BYTES);
            if (!(magic instanceof BigInteger mg) || !mg.equals(LEGACY_MAGIC)) {
                throw new InputException(src + ": a pickle, but not a torch.save file (no torch magic number); plain pickles are not read");
            }
            Object proto = Pickle.load(buf, src, plain, budget, MAX_PICKLE_BYTES);
            if (!Long.valueOf(1001).equals(proto)) {
                throw new InputException(src + ": legacy torch.save protocol " + Pickle.repr(proto) + " is not supported (expected 1001)");
            }
            Object sys = Pickle.load(buf, src, plain, budget, MAX_PICKLE_BYTES);
            ByteOrder order = sys instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("little_endian")) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            Map<String, StorageRef> roots = new LinkedHashMap<>();
            Object root = Pickle.load(buf, src, new Pickle.Options(torchCallables(), pid -> {
                if (!(pid instanceof Pickle.Tuple t) || t.size() < 1) throw new InputException("unexpected persistent id " + Pickle.repr(pid));
                if ("module".equals(t.get(0))) {
                    throw new InputException("the file pickles a whole nn.Module with its source code; only state dicts are read");
                }
                if (!"storage".equals(t.get(0)) || t.size() != 6) {
                    throw new InputException("unexpected persistent id " + Pickle.repr(pid) + ", expected ('storage', type, key, location, size, view)");
                }
                StorageRef r = storageRef(t.get(1), t.get(2), t.get(4), 0L);
                StorageRef prev = roots.putIfAbsent(r.key(), r);
                if (prev != null && (prev.type() != r.type() || prev.numel() != r.numel())) {
                    throw new InputException("storage " + Untrusted.quote(r.key()) + " declared twice with different types or sizes");
                }
                Object view = t.get(5);
                if (view == null) return r;
                if (!(view instanceof Pickle.Tuple v) || v.size() != 3 || !(v.get(1) instanceof Long vo) || !(v.get(2) instanceof Long vs)
                        || vo < 0 || vs < 0 || vo > r.numel() || vs > r.numel() - vo) {
                    throw new InputException("bad storage view " + Pickle.repr(view) + " of storage " + Untrusted.quote(r.key())
                            + " (offset and size must lie within its " + r.numel() + " elements)");
                }
                return new StorageRef(r.type(), r.key(), vs, vo);
            }), budget, MAX_PICKLE_BYTES);
            Object keys = Pickle.load(buf, src, plain, budget, MAX_PICKLE_BYTES);
            if (!(keys instanceof List<?> keyList)) throw new InputException(src + ": legacy storage key list is " + Pickle.describe(keys));
            Map<String, Long> dataAt = new HashMap<>();
            long pos = buf.position();
            for (Object k : keyList) {
                StorageRef r = k instanceof String ks ? roots.get(ks) : null;
                if (r == null) throw new InputException(src + ": storage " + Pickle.repr(k) + " is listed but no tensor uses it");
                if (dataAt.containsKey(r.key())) throw new InputException(src + ": storage " + Pickle.repr(k) + " is listed twice");
                if (pos + 8 > fileSize) throw new InputException(src + ": truncated: storage " + Pickle.repr(k) + " is missing");
                long n = buf.duplicate().order(order).getLong((int) pos);
                if (n != r.numel()) throw new InputException(src + ": storage " + Pickle.repr(k) + " holds " + n + " elements, declared " + r.numel());
                if (n > (fileSize - pos - 8) / r.type().size) {
                    throw new InputException(src + ": truncated: storage " + Pickle.repr(k) + " of " + n + " elements runs past the end of the file");
                }
                dataAt.put(r.key(), pos + 8);
                pos += 8 + n * r.type().size;
            }
            StorageSource source = (s, first, count, tensor) -> {
                Long at = dataAt.get(s.key());
                if (at == null) {
                    throw new InputException(src + ": missing storage " + Untrusted.quote(s.key()) + " (needed by tensor " + Untrusted.text(tensor) + ")");
                }
                ByteBuffer b = buf.duplicate();
                b.position((int) (at + first * s.type().size));
                b.limit((int) (at + (first + count) * s.type().size));
                return b.slice().order(order);
            };
            return new TorchCheckpoint(path, "legacy", null, resolveTree(root, source, src, budget));
        } catch (IOException e) {
            throw new InputException(src + ": cannot read (" + Untrusted.text(Untrusted.reason(e)) + ")", e);
        }
    }

    // ---------------------------------------------------------------------------------- tensors after unpickling

    /** Replaces every {@link TensorRef} in the tree by its decoded {@link Tensor}, naming tensors by their path. */
    private static Object resolveTree(Object root, StorageSource source, String src, Untrusted.Budget budget) throws IOException {
        Resolver r = new Resolver(source, src, budget);
        return r.walk(root, "");
    }

    private static final class Resolver {
        final StorageSource source;
        final String src;
        final IdentityHashMap<Object, Object> done = new IdentityHashMap<>();
        final Untrusted.Budget budget;

        Resolver(StorageSource source, String src, Untrusted.Budget budget) {
            this.source = source;
            this.src = src;
            this.budget = budget;
        }

        int depth;

        Object walk(Object o, String name) throws IOException {
            if (++depth > MAX_DEPTH) throw new InputException(src + ": the pickled object has " + Pickle.tooDeep());
            try {
                return walkInner(o, name);
            } finally {
                depth--;
            }
        }

        Object walkInner(Object o, String name) throws IOException {
            if (o instanceof TensorRef t) {
                Object d = done.get(t);
                if (d == null) {
                    d = decode(t, name, source, src, budget);
                    done.put(t, d);
                }
                return d;
            }
            if (o == null || done.containsKey(o)) return o;
            if (o instanceof Map<?, ?> || o instanceof List<?> || o instanceof Set<?> || o instanceof Pickle.Instance) done.put(o, o);
            if (o instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked") Map<Object, Object> mm = (Map<Object, Object>) m;
                for (Map.Entry<Object, Object> e : mm.entrySet()) e.setValue(walk(e.getValue(), child(name, e.getKey())));
            } else if (o instanceof Pickle.Tuple t) {
                for (int i = 0; i < t.size(); i++) t.replace(i, walk(t.get(i), child(name, i)));
            } else if (o instanceof List<?> l) {
                @SuppressWarnings("unchecked") List<Object> ll = (List<Object>) l;
                for (int i = 0; i < ll.size(); i++) ll.set(i, walk(ll.get(i), child(name, i)));
            } else if (o instanceof Pickle.Instance i) {
                walk(i.args(), child(name, "args"));
                for (Map.Entry<Object, Object> e : i.items().entrySet()) e.setValue(walk(e.getValue(), child(name, e.getKey())));
                for (int k = 0; k < i.listItems().size(); k++) i.listItems().set(k, walk(i.listItems().get(k), child(name, k)));
                i.state(walk(i.state(), child(name, "state")));
            } else if (o instanceof Set<?> s) {
                @SuppressWarnings("unchecked") Set<Object> ss = (Set<Object>) s;
                List<Object> items = new ArrayList<>(ss);
                ss.clear();
                for (Object x : items) ss.add(walk(x, name));
            }
            return o;
        }

        static String child(String parent, Object key) {
            String k = key instanceof String s ? s : key instanceof Long || key instanceof Integer ? key.toString() : Pickle.repr(key);
            return parent.isEmpty() ? k : parent + "." + k;
        }
    }

    /** Gathers a tensor from its storage with offset, size and stride into C order. */
    static Tensor decode(TensorRef t, String name, StorageSource source, String src, Untrusted.Budget budget) throws IOException {
        StorageRef s = t.storage;
        int nd = t.size.length;
        int[] shape = new int[nd];
        long numel = 1, span = 0;
        String what = "tensor " + Untrusted.text(name) + " (size " + Arrays.toString(t.size) + ", stride " + Arrays.toString(t.stride)
                + ", offset " + t.offset + ")";
        for (int i = 0; i < nd; i++) {
            if (t.size[i] > Integer.MAX_VALUE) throw new InputException(src + ": tensor " + Untrusted.text(name) + " dimension " + t.size[i] + " is too large");
            shape[i] = (int) t.size[i];
            try {
                numel = Math.multiplyExact(numel, t.size[i]);
                if (t.size[i] > 0) span = Math.addExact(span, Math.multiplyExact(t.size[i] - 1, t.stride[i]));
            } catch (ArithmeticException e) {
                throw new InputException(src + ": " + what + ": its element count or extent overflows 64 bits");
            }
        }
        if (numel > Integer.MAX_VALUE - 16) {
            throw new InputException(src + ": tensor " + Untrusted.text(name) + " has " + numel + " elements, too many for one Java array");
        }
        int n = (int) numel;
        long count = numel == 0 ? 0 : span + 1;
        if (numel > 0 && (t.offset > s.numel() || count > s.numel() - t.offset)) {
            throw new InputException(src + ": " + what + " needs " + (t.offset > Long.MAX_VALUE - count ? "more than 2^63" : String.valueOf(t.offset + count))
                    + " elements, but its storage " + Untrusted.quote(s.key()) + " holds " + s.numel() + " " + s.type().dtype + " elements");
        }
        StorageType st0 = s.type();
        int outWidth = st0 == StorageType.FLOAT || st0 == StorageType.HALF || st0 == StorageType.BFLOAT16 ? 4 : 8;
        // count <= storage numel; the decoded array is charged, and the storage bytes read for it (dropped after
        // decoding) must fit beside it, before either is allocated
        budget.charge((long) n * outWidth, what);
        budget.require(count * st0.size, what + "'s storage bytes");
        ByteBuffer b = numel == 0 ? ByteBuffer.allocate(0) : source.read(s, s.start() + t.offset, count, name);
        // element index (relative to the tensor's first element) for each C-order position
        int[] idx = new int[nd];
        boolean contiguous = true;
        long expect = 1;
        for (int i = nd - 1; i >= 0; i--) {
            if (t.size[i] != 1 && t.stride[i] != expect) contiguous = false;
            expect *= t.size[i];
        }
        StorageType st = s.type();
        boolean floating = st == StorageType.FLOAT || st == StorageType.HALF || st == StorageType.BFLOAT16;
        float[] f32 = floating ? new float[n] : null;
        double[] f64 = st == StorageType.DOUBLE ? new double[n] : null;
        long[] i64 = !floating && st != StorageType.DOUBLE ? new long[n] : null;
        long pos = 0;
        for (int k = 0; k < n; k++) {
            int at = (int) (contiguous ? k : pos);
            switch (st) {
                case FLOAT: f32[k] = b.getFloat(at * 4); break;
                case HALF: f32[k] = halfToFloat(b.getShort(at * 2)); break;
                case BFLOAT16: f32[k] = Float.intBitsToFloat((b.getShort(at * 2) & 0xffff) << 16); break;
                case DOUBLE: f64[k] = b.getDouble(at * 8); break;
                case LONG: i64[k] = b.getLong(at * 8); break;
                case INT: i64[k] = b.getInt(at * 4); break;
                case SHORT: i64[k] = b.getShort(at * 2); break;
                case CHAR: i64[k] = b.get(at); break;
                case BYTE: i64[k] = b.get(at) & 0xff; break;
                case BOOL: i64[k] = b.get(at) != 0 ? 1 : 0; break;
                default: throw new IllegalStateException();
            }
            if (!contiguous) {
                for (int d = nd - 1; d >= 0; d--) {
                    pos += t.stride[d];
                    if (++idx[d] < shape[d]) break;
                    pos -= t.stride[d] * shape[d];
                    idx[d] = 0;
                }
            }
        }
        return new Tensor(name, st.dtype, shape, f32, f64, i64);
    }

    /** IEEE 754 half → float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    // ------------------------------------------------------------------------------------------------- writing

    /**
     * Writes a state dict as a PyTorch zip archive that {@code torch.load} reads as an {@code OrderedDict} of tensors:
     * {@code archive/data.pkl} (protocol 2: {@code collections.OrderedDict} of
     * {@code torch._utils._rebuild_tensor_v2(persistent storage, 0, shape, contiguous stride, False, OrderedDict())}),
     * {@code archive/data/<i>} (one little-endian storage per tensor), {@code archive/version} ({@code 3}),
     * {@code archive/byteorder} ({@code little}), {@code archive/.format_version} ({@code 1}),
     * {@code archive/.storage_alignment} ({@code 64}). Entries are stored uncompressed with their data aligned to 64
     * bytes, as PyTorch's own writer does (padding in an {@code FB} extra field of the local header). float32 tensors
     * (also those read from float16/bfloat16) are written as {@code FloatStorage}, float64 as {@code DoubleStorage},
     * integer tensors as {@code LongStorage}. Written atomically.
     */
    public static void writeStateDict(Path path, Map<String, Tensor> stateDict) {
        ByteArrayOutputStream pk = new ByteArrayOutputStream();
        PickleOut p = new PickleOut(pk);
        p.op(0x80); p.op(2);
        p.global("collections", "OrderedDict"); p.op(')'); p.op('R');
        p.op('(');
        int key = 0;
        List<byte[]> storages = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            Tensor t = e.getValue();
            String storageType = t.f32() != null ? "FloatStorage" : t.f64() != null ? "DoubleStorage" : "LongStorage";
            int[] shape = t.shape();
            p.unicode(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            p.op('(');
            p.unicode("storage"); p.global("torch", storageType); p.unicode(Integer.toString(key)); p.unicode("cpu"); p.integer(t.numel());
            p.op('t');
            p.op('Q');
            p.integer(0);
            p.op('(');
            for (int s : shape) p.integer(s);
            p.op('t');
            p.op('(');
            long st = 1;
            long[] stride = new long[shape.length];
            for (int i = shape.length - 1; i >= 0; i--) { stride[i] = st; st *= shape[i]; }
            for (long s : stride) p.integer(s);
            p.op('t');
            p.op(0x89);
            p.global("collections", "OrderedDict"); p.op(')'); p.op('R');
            p.op('t');
            p.op('R');
            storages.add(storageBytes(t));
            key++;
        }
        p.op('u');
        p.op('.');
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        records.add(Map.entry("archive/data.pkl", pk.toByteArray()));
        records.add(Map.entry("archive/.format_version", "1".getBytes(StandardCharsets.US_ASCII)));
        records.add(Map.entry("archive/.storage_alignment", "64".getBytes(StandardCharsets.US_ASCII)));
        records.add(Map.entry("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII)));
        for (int i = 0; i < storages.size(); i++) records.add(Map.entry("archive/data/" + i, storages.get(i)));
        records.add(Map.entry("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
        AtomicFiles.write(path, out -> writeZipStored(out, records, 64));
    }

    private static byte[] storageBytes(Tensor t) {
        int n = t.numel();
        ByteBuffer b;
        if (t.f32() != null) {
            b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.f32());
        } else if (t.f64() != null) {
            b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(t.f64());
        } else {
            b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(t.i64());
        }
        return b.array();
    }

    /** Protocol-2 pickle opcodes, just those the state-dict writer needs. */
    private static final class PickleOut {
        final ByteArrayOutputStream o;

        PickleOut(ByteArrayOutputStream o) { this.o = o; }

        void op(int c) { o.write(c); }

        void global(String module, String name) {
            op('c');
            o.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        void unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            le32(b.length);
            o.writeBytes(b);
        }

        void integer(long v) {
            if (v >= 0 && v < 256) { op('K'); op((int) v); }
            else if (v >= 0 && v < 65536) { op('M'); op((int) (v & 0xff)); op((int) (v >>> 8)); }
            else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) { op('J'); le32((int) v); }
            else {
                byte[] be = BigInteger.valueOf(v).toByteArray();
                op(0x8a); op(be.length);
                for (int i = be.length - 1; i >= 0; i--) op(be[i] & 0xff);
            }
        }

        void le32(int v) { for (int i = 0; i < 4; i++) op((v >>> (8 * i)) & 0xff); }
    }

    /**
     * A zip of stored (uncompressed) entries whose data start at multiples of {@code align}, padded like PyTorch's
     * writer with an {@code FB} extra field in the local header. No zip64: at most 65,535 entries and 4 GiB.
     */
    static void writeZipStored(OutputStream out, List<Map.Entry<String, byte[]>> records, int align) throws IOException {
        if (records.size() > 0xffff) throw new IOException("too many zip entries for a non-zip64 archive: " + records.size());
        ByteArrayOutputStream cen = new ByteArrayOutputStream();
        long pos = 0;
        int dosTime = 0, dosDate = (2000 - 1980) << 9 | 1 << 5 | 1; // fixed 2000-01-01 00:00 for reproducible files
        for (Map.Entry<String, byte[]> r : records) {
            byte[] name = r.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] data = r.getValue();
            CRC32 crc = new CRC32();
            crc.update(data);
            long start = pos + 30 + name.length + 4;
            int pad = (int) ((align - start % align) % align);
            byte[] extra = new byte[4 + pad];
            extra[0] = 'F'; extra[1] = 'B'; extra[2] = (byte) pad; extra[3] = (byte) (pad >>> 8);
            Arrays.fill(extra, 4, extra.length, (byte) 'Z');
            if (pos + 30 + name.length + extra.length + (long) data.length > 0xffffffffL) {
                throw new IOException("archive larger than 4 GiB (zip64 is not written)");
            }
            ByteBuffer h = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                    .putShort((short) dosTime).putShort((short) dosDate).putInt((int) crc.getValue())
                    .putInt(data.length).putInt(data.length).putShort((short) name.length).putShort((short) extra.length);
            out.write(h.array());
            out.write(name);
            out.write(extra);
            out.write(data);
            ByteBuffer c = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                    .putShort((short) dosTime).putShort((short) dosDate).putInt((int) crc.getValue())
                    .putInt(data.length).putInt(data.length).putShort((short) name.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) pos);
            cen.writeBytes(c.array());
            cen.writeBytes(name);
            pos += 30 + name.length + extra.length + data.length;
        }
        byte[] cd = cen.toByteArray();
        out.write(cd);
        ByteBuffer e = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) records.size())
                .putShort((short) records.size()).putInt(cd.length).putInt((int) pos).putShort((short) 0);
        out.write(e.array());
    }
}
