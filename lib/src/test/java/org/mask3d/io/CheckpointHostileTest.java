package org.mask3d.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.mask3d.io.Hostile.latin1;
import static org.mask3d.io.Hostile.rejects;

/**
 * Hostile PyTorch checkpoints and pickles: CRC errors, declared sizes, strides and views, recursion in every
 * container and key position, memo and stack abuse, one malformed case per opcode family, escapes.
 */
class CheckpointHostileTest {
    @TempDir Path tmp;

    @BeforeAll static void budget() { Hostile.lowBudget(); }
    @AfterAll static void restore() { Hostile.restoreBudget(); }

    static final String DEEP = "nesting deeper than " + Pickle.MAX_DEPTH + " levels";
    /**
     * Allocation bound for reads that build many small objects: four times the 32 MiB budget, as the thread's
     * allocation count includes garbage (the stack's growth, discarded copies) that the budget does not hold live.
     */
    static final long PICKLE_ALLOC = 128L << 20;

    // ------------------------------------------------------------------------------------------------ builders

    /** LONG1 with 8 bytes: any int64. */
    static String i(long v) {
        StringBuilder sb = new StringBuilder("\u008a\u0008");
        for (int k = 0; k < 8; k++) sb.append((char) ((v >>> (8 * k)) & 0xff));
        return sb.toString();
    }

    /** BINUNICODE of a latin-1 string. */
    static String s(String x) {
        int n = x.length();
        return "X" + (char) (n & 0xff) + (char) ((n >> 8) & 0xff) + (char) ((n >> 16) & 0xff) + (char) (n >>> 24) + x;
    }

    static String tuple(long... v) {
        StringBuilder sb = new StringBuilder("(");
        for (long x : v) sb.append(i(x));
        return sb.append('t').toString();
    }

    /** {'w': _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    static String tensorPickle(String type, String key, long numel, long offset, long[] size, long[] stride) {
        return "\u0080\u0002}" + s("w") + "ctorch._utils\n_rebuild_tensor_v2\n((" + s("storage") + "ctorch\n" + type + "\n" + s(key)
                + s("cpu") + i(numel) + "tQ" + i(offset) + tuple(size) + tuple(stride) + "\u0089ccollections\nOrderedDict\n)RtRs.";
    }

    Path ckpt(String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        List<Map.Entry<String, byte[]>> recs = new ArrayList<>();
        recs.add(Map.entry("archive/data.pkl", pickle));
        for (Map.Entry<String, byte[]> e : storages.entrySet()) recs.add(Map.entry("archive/data/" + e.getKey(), e.getValue()));
        recs.add(Map.entry("archive/version", latin1("3\n")));
        Path p = tmp.resolve(name);
        Files.write(p, Hostile.zip(recs));
        return p;
    }

    Path pickleOnly(String name, String pickle) throws IOException { return ckpt(name, latin1(pickle), Map.of()); }

    Path written() {
        Map<String, TorchCheckpoint.Tensor> sd = new LinkedHashMap<>();
        sd.put("layer.weight", TorchCheckpoint.Tensor.ofFloat("layer.weight", new float[]{1, 2, 3, 4}, 2, 2));
        Path p = tmp.resolve("written.ckpt");
        TorchCheckpoint.writeStateDict(p, sd);
        return p;
    }

    static String src(Path f) { return "checkpoint " + f + ": "; }

    // -------------------------------------------------------------------------------------------- zip and CRC

    @Test void flippedStorageByteFailsItsCrc() throws IOException {
        Path f = written();
        byte[] z = Files.readAllBytes(f);
        z[Hostile.data(z, "archive/data/0") + 5] ^= 0x40; // a float's mantissa: the value would load silently wrong
        Files.write(f, z);
        rejects(() -> TorchCheckpoint.read(f), src(f), "zip record 'archive/data/0' fails its CRC-32 check", "the file is corrupt");
    }

    @Test void flippedPickleByteFailsItsCrc() throws IOException {
        Path f = written();
        byte[] z = Files.readAllBytes(f);
        int at = Hostile.data(z, "archive/data.pkl");
        String pk = new String(z, at, 200, java.nio.charset.StandardCharsets.ISO_8859_1);
        z[at + pk.indexOf("layer.weight")] = 'L'; // still a valid pickle, another key
        Files.write(f, z);
        rejects(() -> TorchCheckpoint.read(f), src(f), "zip record 'archive/data.pkl' fails its CRC-32 check");
    }

    @Test void picklePaddedPastTheCapIsRefusedBeforeReading() throws IOException {
        Path f = tmp.resolve("padded.ckpt");
        try (var zo = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            zo.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            zo.write(latin1("\u0080\u0002}."));
            byte[] pad = new byte[1 << 20];
            for (int k = 0; k < 80; k++) zo.write(pad);
            zo.closeEntry();
        }
        rejects(() -> TorchCheckpoint.read(f), src(f), "zip record 'archive/data.pkl' declares 83886084 bytes of pickle, over the limit of 67108864");
    }

    @Test void pickleRecordThatInflatesPastItsDeclaredSize() throws IOException {
        byte[] pk = Hostile.concat(latin1("\u0080\u0002}."), new byte[100_000]);
        Path f = tmp.resolve("liar.ckpt");
        Files.write(f, Fuzz.npz(List.of(Map.entry("archive/data.pkl", pk)), true));
        byte[] z = Files.readAllBytes(f);
        Hostile.patchSize(z, "archive/data.pkl", 4);
        Files.write(f, z);
        rejects(() -> TorchCheckpoint.read(f), src(f), "zip record 'archive/data.pkl' holds more than the 4 bytes its header declares");
    }

    @Test void storageDeclaringMoreThanItsRecordHolds() throws IOException {
        Path f = ckpt("numel.ckpt", latin1(tensorPickle("FloatStorage", "0", 1L << 40, 0, new long[]{2}, new long[]{1})),
                Map.of("0", new byte[16]));
        rejects(() -> TorchCheckpoint.read(f), src(f), "storage record 'archive/data/0' holds 16 bytes, but its FloatStorage of 1099511627776 elements needs");
    }

    @Test void storageWhoseByteCountOverflows() throws IOException {
        Path f = ckpt("ovf.ckpt", latin1(tensorPickle("DoubleStorage", "0", 1L << 62, 0, new long[]{2}, new long[]{1})),
                Map.of("0", new byte[16]));
        rejects(() -> TorchCheckpoint.read(f), src(f), "storage '0'", "overflows");
    }

    @Test void zeroStrideViewOfOneElementIsCappedByTheBudget() throws IOException {
        // a 1-element storage seen as 40000 x 40000: 6.4 GB of floats from a file of a few hundred bytes
        Path f = ckpt("zero.ckpt", latin1(tensorPickle("FloatStorage", "0", 1, 0, new long[]{40000, 40000}, new long[]{0, 0})),
                Map.of("0", new byte[4]));
        assertTrue(Files.size(f) < 1000);
        rejects(() -> TorchCheckpoint.read(f), src(f), "tensor w (size [40000, 40000], stride [0, 0]", "over the memory budget");
    }

    @Test void negativeStride() throws IOException {
        Path f = ckpt("negstride.ckpt", latin1(tensorPickle("FloatStorage", "0", 4, 0, new long[]{2, 2}, new long[]{-2, 1})),
                Map.of("0", new byte[16]));
        rejects(() -> TorchCheckpoint.read(f), src(f), "bad tensor stride (-2, 1)");
    }

    @Test void strideWhoseExtentOverflows() throws IOException {
        Path f = ckpt("bigstride.ckpt", latin1(tensorPickle("FloatStorage", "0", 4, 0, new long[]{3}, new long[]{Long.MAX_VALUE})),
                Map.of("0", new byte[16]));
        rejects(() -> TorchCheckpoint.read(f), src(f), "tensor w", "overflows 64 bits");
    }

    @Test void viewBeyondItsStorage() throws IOException {
        Path f = ckpt("offset.ckpt", latin1(tensorPickle("FloatStorage", "0", 4, 1L << 62, new long[]{2}, new long[]{1})),
                Map.of("0", new byte[16]));
        rejects(() -> TorchCheckpoint.read(f), src(f), "tensor w", "offset 4611686018427387904", "storage '0' holds 4 float32 elements");
    }

    @Test void compressedStorageBombIsCappedByTheBudget() throws IOException {
        Path f = tmp.resolve("cbomb.ckpt");
        long numel = 16L << 20; // 64 MB of float zeros, about 64 kB deflated
        try (var zo = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            zo.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            zo.write(latin1(tensorPickle("FloatStorage", "0", numel, 0, new long[]{numel}, new long[]{1})));
            zo.putNextEntry(new java.util.zip.ZipEntry("archive/data/0"));
            byte[] zeros = new byte[1 << 20];
            for (int k = 0; k < 64; k++) zo.write(zeros);
            zo.closeEntry();
        }
        assertTrue(Files.size(f) < 1_000_000);
        rejects(() -> TorchCheckpoint.read(f), src(f), "over the memory budget of 33554432 bytes (-Dmask3d.maxBytes)");
    }

    /** A legacy file: the object pickle (protocol 2, 6-tuple persistent ids) and its storage of 4 floats. */
    static byte[] legacy(String objectPickle, long storedCount, int storedBytes) {
        String magic = "\u0080\u0002\u008a\n\u006c\u00fc\u009c\u0046\u00f9\u0020\u006a\u00a8\u0050\u0019.";
        String proto = "\u0080\u0002M\u00e9\u0003.";
        String sys = "\u0080\u0002}(" + s("little_endian") + "\u0088u.";
        String keys = "\u0080\u0002](" + s("0") + "e.";
        StringBuilder count = new StringBuilder();
        for (int k = 0; k < 8; k++) count.append((char) ((storedCount >>> (8 * k)) & 0xff));
        return Hostile.concat(latin1(magic + proto + sys + objectPickle + keys + count), new byte[storedBytes]);
    }

    static String legacyObject(long numel, String view) {
        return "\u0080\u0002}" + s("w") + "ctorch._utils\n_rebuild_tensor\n((" + s("storage") + "ctorch\nFloatStorage\n" + s("0") + s("cpu")
                + i(numel) + view + "tQ" + i(0) + tuple(2) + tuple(1) + "tRs.";
    }

    @Test void legacyFileStillReads() throws IOException {
        Path f = tmp.resolve("legacy.pth");
        Files.write(f, legacy(legacyObject(4, "N"), 4, 16));
        assertEquals("legacy", TorchCheckpoint.read(f).format());
    }

    @Test void legacyViewBeyondItsStorage() throws IOException {
        Path f = tmp.resolve("view.pth");
        Files.write(f, legacy(legacyObject(4, "(" + s("v") + i(2) + i(Long.MAX_VALUE) + "t"), 4, 16));
        rejects(() -> TorchCheckpoint.read(f), src(f), "bad storage view", "of storage '0' (offset and size must lie within its 4 elements)");
    }

    @Test void legacyStorageDeclaredPastTheEndOfTheFile() throws IOException {
        Path f = tmp.resolve("huge.pth");
        Files.write(f, legacy(legacyObject(1L << 60, "N"), 1L << 60, 16));
        rejects(() -> TorchCheckpoint.read(f), src(f), "storage '0' of 1152921504606846976 elements runs past the end of the file");
    }

    // ------------------------------------------------------------------------------------------- depth guard

    @Test void nestedTupleKeys() throws IOException {
        Path f = pickleOnly("tkeys.ckpt", "\u0080\u0002})" + "\u0085".repeat(100_000) + "Ns.");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f), DEEP);
    }

    @Test void nestedListValues() throws IOException {
        Path f = pickleOnly("lists.ckpt", "\u0080\u0002" + "(".repeat(100_000) + "l".repeat(100_000) + ".");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f), DEEP);
    }

    @Test void nestedDictsThroughSetitem() throws IOException {
        Path f = pickleOnly("dicts.ckpt", "\u0080\u0002" + "}K\u0001".repeat(100_000) + "}" + "s".repeat(100_000) + ".");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f), DEEP);
    }

    @Test void nestedSetsAndFrozensets() throws IOException {
        Path f = pickleOnly("sets.ckpt", "\u0080\u0004" + "(".repeat(100_000) + ")" + "\u0091".repeat(100_000) + ".");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f));
    }

    @Test void nestedInstanceStates() throws IOException {
        Path f = pickleOnly("inst.ckpt", "\u0080\u0002cargparse\nNamespace\nq\u00000"
                + "h\u0000)\u0081".repeat(100_000) + "b".repeat(99_999) + ".");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f), DEEP);
    }

    @Test void deepPersistentId() throws IOException {
        Path f = pickleOnly("deeppid.ckpt", "\u0080\u0002)" + "\u0085".repeat(100_000) + "Q.");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f), DEEP);
    }

    @Test void cyclicPersistentIdMessageIsBounded() throws IOException {
        Path f = pickleOnly("cycpid.ckpt", "\u0080\u0002]q\u0000h\u0000ah\u0000aQ.");
        rejects(() -> TorchCheckpoint.read(f), src(f), "unexpected persistent id [[[[", "...], [...]]");
    }

    @Test void nestedPersistentIdUnderTheLimitIsShownShort() throws IOException {
        Path f = pickleOnly("pid450.ckpt", "\u0080\u0002)" + "\u0085".repeat(Pickle.MAX_DEPTH - 10) + "Q.");
        rejects(() -> TorchCheckpoint.read(f), src(f), "unexpected persistent id (((((...,),),),),)");
    }

    @Test void cyclicMemoGrowsAfterBeingNestedAndTheTreeWalkStops() throws IOException {
        // a list nested in a parent first, then made deep through the memo: the depth recorded for the parent is
        // stale, so the post-load tree walk must stop at the same limit
        int chain = Pickle.MAX_DEPTH - 1;
        String pk = "\u0080\u0002]q\u0000]q\u0001h\u0000a0" // P = [L]; P's depth is recorded as 2
                + "h\u0000" + "(".repeat(chain) + "l".repeat(chain) + "a0" // L gets a chain: depth MAX, allowed
                + "h\u0001.";                                             // P is now MAX + 1 deep
        Path f = pickleOnly("stale.ckpt", pk);
        rejects(() -> TorchCheckpoint.read(f), src(f), DEEP);
    }

    @Test void depthJustUnderTheLimitReadsOnASmallStack() throws Exception {
        Path keys = pickleOnly("ok-keys.ckpt", "\u0080\u0002})" + "\u0085".repeat(Pickle.MAX_DEPTH - 2) + "Ns.");
        Path lists = pickleOnly("ok-lists.ckpt", "\u0080\u0002" + "(".repeat(Pickle.MAX_DEPTH) + "l".repeat(Pickle.MAX_DEPTH) + ".");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                for (Path p : List.of(keys, lists)) {
                    TorchCheckpoint c = TorchCheckpoint.read(p);
                    assertTrue(Pickle.repr(c.root()).length() < 300);
                    assertThrows(org.mask3d.InputException.class, c::tensors);
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join();
        assertNull(failed.get(), () -> String.valueOf(failed.get()));
    }

    // ------------------------------------------------------------------------------------------ memory abuse

    @Test void memoAbuse() throws IOException {
        Path f = pickleOnly("memo.ckpt", "\u0080\u0004N" + "\u0094".repeat(2_000_000) + ".");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f), "the pickle's memo", "over the memory budget");
    }

    @Test void stackAbuse() throws IOException {
        Path f = pickleOnly("stack.ckpt", "\u0080\u0002" + ")".repeat(3_000_000) + ".");
        rejects(PICKLE_ALLOC, () -> TorchCheckpoint.read(f), src(f), "the pickle's", "over the memory budget");
    }

    // ---------------------------------------------------------------------------------------------- escapes

    @Test void globalNameWithTerminalEscapes() throws IOException {
        Path f = pickleOnly("escglobal.ckpt", "\u0080\u0002cos\u001b[2J\nsystem\n" + s("ls") + "\u0085R.");
        String m = rejects(() -> TorchCheckpoint.read(f), src(f), "pickle calls os\\x1b[2J.system (REDUCE), which is not allowed");
        assertFalse(m.contains("\u001b"));
    }

    @Test void storageKeyWithNewline() throws IOException {
        Path f = ckpt("esckey.ckpt", latin1(tensorPickle("FloatStorage", "a\nb", 4, 0, new long[]{2}, new long[]{1})), Map.of());
        rejects(() -> TorchCheckpoint.read(f), src(f), "bad storage key 'a\\nb'");
    }

    @Test void byteorderWithEscapes() throws IOException {
        Path f = tmp.resolve("bo.ckpt");
        Files.write(f, Hostile.zip(List.of(Map.entry("archive/data.pkl", latin1("\u0080\u0002}.")),
                Map.entry("archive/byteorder", latin1("mid\u001bdle")))));
        rejects(() -> TorchCheckpoint.read(f), src(f), "archive/byteorder says 'mid\\x1bdle', expected little or big");
    }

    @Test void recordOutsideTheFolderWithEscapes() throws IOException {
        Path f = tmp.resolve("out.ckpt");
        Files.write(f, Hostile.zip(List.of(Map.entry("archive/data.pkl", latin1("\u0080\u0002}.")),
                Map.entry("other\u0007/x", new byte[1]))));
        rejects(() -> TorchCheckpoint.read(f), src(f), "zip entry 'other\\x07/x' lies outside the archive folder 'archive/'");
    }

    // -------------------------------------------------------------------------------- every opcode family

    static Stream<Arguments> malformed() {
        String p2 = "\u0080\u0002";
        return Stream.of(
                Arguments.of("BININT truncated", p2 + "J\u0001\u0000", "truncated"),
                Arguments.of("BINFLOAT truncated", p2 + "G\u0000\u0000", "truncated"),
                Arguments.of("BINUNICODE past the end", p2 + "X\u00ff\u00ff\u00ff\u007fab", "runs past its end"),
                Arguments.of("BINBYTES8 of 2^63-1", "\u0080\u0004\u008e\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u007f", "runs past its end"),
                Arguments.of("LONG4 negative length", p2 + "\u008b\u00ff\u00ff\u00ff\u00ff", "negative LONG4 length"),
                Arguments.of("LONG4 too long", p2 + "\u008b\u0088\u0013\u0000\u0000" + "\u0001".repeat(5000) + ".", "an int of 5000 bytes"),
                Arguments.of("INT of 5000 digits", "I" + "9".repeat(5000) + "\n.", "an int of 5000 digits"),
                Arguments.of("INT not a number", "Iabc\n.", "bad number"),
                Arguments.of("FLOAT not a number", "Fx\n.", "bad number"),
                Arguments.of("STRING unquoted", "Sabc\n.", "malformed STRING 'abc'"),
                Arguments.of("UNICODE bad escape", "V\\U0011ffff\n.", "malformed pickle"),
                Arguments.of("GLOBAL unterminated", p2 + "cos\nsys", "unterminated text line"),
                Arguments.of("FRAME truncated", "\u0080\u0004\u0095\u0001", "truncated"),
                Arguments.of("PROTO without argument", "\u0080", "truncated"),
                Arguments.of("PROTO 9", "\u0080\u0009.", "unsupported pickle protocol 9"),
                Arguments.of("STOP on an empty stack", p2 + ".", "stack underflow"),
                Arguments.of("TUPLE without MARK", p2 + "K\u0001t.", "MARK expected"),
                Arguments.of("SETITEM on a list", p2 + "]K\u0001K\u0002s.", "SETITEM on a list"),
                Arguments.of("APPEND on a dict", p2 + "}K\u0001a.", "APPEND on a dict"),
                Arguments.of("ADDITEMS on a list", "\u0080\u0004](K\u0001\u0090.", "ADDITEMS on a list"),
                Arguments.of("SETITEMS with an odd count", p2 + "}(K\u0001u.", "odd number of items"),
                Arguments.of("REDUCE with an int as arguments", p2 + "ccollections\nOrderedDict\nK\u0001R.", "expected a tuple"),
                Arguments.of("STACK_GLOBAL of ints", "\u0080\u0004K\u0001K\u0002\u0093.", "STACK_GLOBAL needs two str"),
                Arguments.of("NEWOBJ of an int", p2 + "K\u0001)\u0081.", "cannot create an object of an int"),
                Arguments.of("BUILD with state on a list", p2 + "]}K\u0001K\u0001sb.", "BUILD with state on a list"),
                Arguments.of("unknown opcode", p2 + "\u00ff.", "unknown pickle opcode 0xff"),
                Arguments.of("EXT1", p2 + "\u0082\u0001.", "extension-registry opcodes"),
                Arguments.of("PERSID", "P0\n.", "string persistent ids (PERSID)"),
                Arguments.of("NEXT_BUFFER", "\u0080\u0005\u0097.", "out-of-band buffers"),
                Arguments.of("BINGET of an undefined key", p2 + "h\u0007.", "memo key 7 is not defined"),
                Arguments.of("LONG_BINGET of 2^32-1", p2 + "j\u00ff\u00ff\u00ff\u00ff.", "memo key 4294967295 is not defined"),
                Arguments.of("GET not a number", p2 + "gx\n.", "bad number"),
                Arguments.of("BINPUT on an empty stack", p2 + "q\u0000.", "stack underflow"),
                Arguments.of("GLOBAL outside the allow-list (REDUCE)", p2 + "cos\nsystem\n" + s("ls") + "\u0085R.",
                        "pickle calls os.system (REDUCE), which is not allowed"),
                Arguments.of("INST outside the allow-list", "(S'x'\nios\nsystem\n.", "pickle calls os.system (INST)"),
                Arguments.of("OBJ outside the allow-list", "(cos\nsystem\nS'x'\no.", "pickle calls os.system (OBJ)"),
                Arguments.of("dict key that is a list", p2 + "}]K\u0001s.", "unhashable dict key"),
                Arguments.of("frozenset of a list", "\u0080\u0004(]\u0091.", "unhashable"),
                Arguments.of("persistent id that is an int", p2 + "K\u0001Q.", "unexpected persistent id 1"));
    }

    @ParameterizedTest(name = "{0}") @MethodSource("malformed")
    void malformedOpcode(String name, String pickle, String fragment) throws IOException {
        Path f = pickleOnly("op.ckpt", pickle);
        rejects(() -> TorchCheckpoint.read(f), src(f), fragment);
    }
}
