package org.mask3d.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mask3d.InputException;
import org.mask3d.eval.ParityCaseTest;
import org.mask3d.io.TorchCheckpoint.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link TorchCheckpoint} on fixtures written by {@code lib/src/test/python/make_torch_fixtures.py} (Python's pickle
 * with a stand-in torch module: no PyTorch here) and on the shared Lightning checkpoints of the released code.
 */
class TorchCheckpointTest {
    @TempDir Path tmp;

    static Path res(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource("/torch/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("test resource torch/" + name + " missing", e);
        }
    }

    // ------------------------------------------------------------------------------------ generated fixtures

    @ParameterizedTest @ValueSource(strings = {"lightning-like.ckpt", "protocol4.ckpt", "protocol1.ckpt"})
    void tensorsMatchAnIndependentPythonGather(String file) throws IOException {
        TorchCheckpoint c = TorchCheckpoint.read(res(file));
        assertEquals("state_dict", c.stateDictEntry());
        JsonObject expected = JsonParser.parseString(Files.readString(res("expected.json"))).getAsJsonObject();
        Map<String, Tensor> t = c.tensors();
        assertEquals(expected.keySet(), t.keySet());
        for (String k : expected.keySet()) {
            JsonObject e = expected.getAsJsonObject(k);
            Tensor x = t.get(k);
            assertEquals(k, x.name());
            assertEquals(e.get("dtype").getAsString(), x.dtype(), k);
            int[] shape = new Gsonish(e.get("shape")).ints();
            assertArrayEquals(shape, x.shape(), k);
            double[] v = new Gsonish(e.get("values")).doubles();
            assertEquals(v.length, x.numel(), k);
            for (int i = 0; i < v.length; i++) assertEquals(v[i], x.get(i), 0.0, k + "[" + i + "]");
        }
        // Java array kinds
        assertNotNull(t.get("net.a.weight").f32());
        assertNotNull(t.get("net.d.double").f64());
        assertNotNull(t.get("net.e.half").f32());
        assertNotNull(t.get("net.f.bf16").f32());
        assertArrayEquals(new long[]{123456789012L}, t.get("net.bn.num_batches_tracked").longs());
        assertArrayEquals(new int[0], t.get("net.bn.num_batches_tracked").shape());
        assertArrayEquals(new long[]{-1, 2, 300000}, t.get("net.h.int").longs());
        assertArrayEquals(new long[]{1, 0, 1}, t.get("net.i.bool").longs());
        assertArrayEquals(new long[]{255, 0, 17}, t.get("net.j.byte").longs());
        // transposed view of the same storage
        Tensor a = t.get("net.a.weight"), at = t.get("net.a.weight_t");
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            assertEquals(a.at(i, j, k), at.at(k, j, i));
        }
    }

    @Test
    void lightningMetadataIsInertData() {
        TorchCheckpoint c = TorchCheckpoint.read(res("lightning-like.ckpt"));
        assertEquals("zip", c.format());
        assertEquals("lightning-like", c.archiveName());
        Map<String, Object> m = c.metadata();
        assertFalse(m.containsKey("state_dict"));
        assertEquals(3L, m.get("epoch"));
        assertEquals(1234L, m.get("global_step"));
        assertEquals("1.4.9", m.get("pytorch-lightning_version"));
        // AttributeDict: an inert instance, never instantiated; its items as a plain map
        Pickle.Instance hp = (Pickle.Instance) m.get("hyper_parameters");
        assertEquals(new Pickle.Global("pytorch_lightning.utilities.parsing", "AttributeDict"), hp.type());
        Map<String, Object> h = c.hyperParameters();
        assertEquals("3dmask_test", h.get("exp_name"));
        assertEquals(List.of(48L, 64L), h.get("img_hw"));
        assertEquals(0.0005, h.get("lr"));
        assertEquals(false, h.get("debug"));
        // argparse.Namespace: NEWOBJ + BUILD, its __dict__ as state
        Pickle.Instance ns = (Pickle.Instance) m.get("namespace");
        assertEquals("argparse.Namespace", ns.type().qualifiedName());
        assertEquals(Map.of("alpha", 1L, "name", "ns"), ns.state());
        // optimizer state: tensors decoded, int keys, tuples
        @SuppressWarnings("unchecked") List<Map<Object, Object>> opt = (List<Map<Object, Object>>) m.get("optimizer_states");
        @SuppressWarnings("unchecked") Map<Object, Object> s0 = (Map<Object, Object>) ((Map<Object, Object>) opt.get(0).get("state")).get(0L);
        assertEquals(2.0, ((Tensor) s0.get("step")).get(0));
        assertArrayEquals(new int[]{2, 3, 4}, ((Tensor) s0.get("exp_avg")).shape());
        @SuppressWarnings("unchecked") Map<Object, Object> pg = ((List<Map<Object, Object>>) opt.get(0).get("param_groups")).get(0);
        assertEquals(List.of(0.9, 0.999), pg.get("betas"));
        assertInstanceOf(Pickle.Tuple.class, pg.get("betas"));
        @SuppressWarnings("unchecked") Map<Object, Object> misc = (Map<Object, Object>) m.get("misc");
        assertEquals(Set.of(1L, 2L), misc.get("set"));
        assertArrayEquals(new byte[]{0, 1, (byte) 0xff}, (byte[]) misc.get("bytes"));
        assertEquals(BigInteger.TWO.pow(70), misc.get("big"));
        assertEquals(-5L, misc.get("neg"));
        assertTrue(misc.containsKey("none"));
        assertNull(misc.get("none"));
        assertEquals("torch.device", ((Pickle.Instance) misc.get("device")).type().qualifiedName());
        assertEquals(List.of("cpu"), ((Pickle.Instance) misc.get("device")).args());
        assertEquals(Map.of(Pickle.Tuple.of(1L, "a"), "v"), misc.get("tuple_key"));
    }

    @Test
    void protocolZeroTextOpcodesAndCopyregReconstructor() {
        TorchCheckpoint c = TorchCheckpoint.read(res("protocol0-meta.ckpt"));
        assertNull(c.stateDictEntry());
        Map<String, Object> m = c.metadata();
        assertEquals(3L, m.get("epoch"));
        // copyreg._reconstructor(AttributeDict, dict, {...}): an inert instance with the dict's items
        assertEquals("pytorch_lightning.utilities.parsing.AttributeDict", ((Pickle.Instance) m.get("hyper_parameters")).type().qualifiedName());
        assertEquals("3dmask_test", c.hyperParameters().get("exp_name"));
        assertEquals(List.of(48L, 64L), c.hyperParameters().get("img_hw"));
        assertEquals(false, c.hyperParameters().get("debug"));
        assertEquals(Map.of("alpha", 1L, "name", "ns"), ((Pickle.Instance) m.get("namespace")).state());
        assertEquals(Arrays.asList(1.5, -2L, BigInteger.TWO.pow(70), "caf\u00e9 \\ \n", null, true, false,
                Pickle.Tuple.of(1L, 2L), Map.of("k", List.of(3L))), m.get("values"));
    }

    @Test
    void stateDictPrefixIsStripped() {
        TorchCheckpoint c = TorchCheckpoint.read(res("lightning-like.ckpt"));
        Map<String, Tensor> net = c.stateDict("net.");
        assertEquals(12, net.size());
        assertTrue(net.containsKey("a.weight"));
        assertEquals("net.a.weight", net.get("a.weight").name());
        assertEquals(List.of("scalar"), List.copyOf(c.stateDict("other.").keySet()));
        assertTrue(c.stateDict("nothing.").isEmpty());
    }

    @Test
    void plainStateDictModelEntryAndLegacyFormat() {
        String[] keys = {"features.0.weight", "features.1.running_mean", "features.1.num_batches_tracked", "classifier.0.weight"};
        for (String f : new String[]{"vgg-like.pth", "model-entry.pth", "legacy.pth"}) {
            TorchCheckpoint c = TorchCheckpoint.read(res(f));
            assertEquals(List.of(keys), List.copyOf(c.tensors().keySet()), f);
            assertEquals(f.equals("model-entry.pth") ? "model" : "", c.stateDictEntry(), f);
            assertEquals(f.equals("legacy.pth") ? "legacy" : "zip", c.format(), f);
            Tensor w = c.tensors().get("features.0.weight");
            assertArrayEquals(new int[]{2, 3, 3, 3}, w.shape());
            assertEquals(0.1f * 53, w.get(53), 1e-6, f);
            assertArrayEquals(new long[]{5}, c.tensors().get("features.1.num_batches_tracked").longs(), f);
            assertEquals(0.5f, c.tensors().get("classifier.0.weight").get(7), f);
        }
        assertEquals(Map.of("epoch", 1L), TorchCheckpoint.read(res("model-entry.pth")).metadata());
        assertTrue(TorchCheckpoint.read(res("vgg-like.pth")).metadata().isEmpty());
        // a legacy storage view: elements 2..5 of the root storage, tensor offset 1, stride 2 -> root[3], root[5]
        Tensor v = TorchCheckpoint.read(res("legacy-view.pth")).tensors().get("w");
        assertArrayEquals(new float[]{13f, 15f}, v.f32());
    }

    @Test
    void halfAndBfloatConversion() {
        assertEquals(1.0f, TorchCheckpoint.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, TorchCheckpoint.halfToFloat((short) 0xc000));
        assertEquals(65504f, TorchCheckpoint.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, TorchCheckpoint.halfToFloat((short) 0x0001));
        assertEquals(Float.POSITIVE_INFINITY, TorchCheckpoint.halfToFloat((short) 0x7c00));
        assertTrue(Float.isNaN(TorchCheckpoint.halfToFloat((short) 0x7e00)));
        assertEquals(-0.0f, TorchCheckpoint.halfToFloat((short) 0x8000));
    }

    /**
     * Files written by real PyTorch 2.11 ({@code torch.save}, zip and {@code _use_new_zipfile_serialization=False},
     * on the GPU machine, the only place torch is installed): views, float16/bfloat16/int32/bool, a Parameter, batch
     * norm buffers, an Adam state; {@code e.json} holds torch's own {@code tensor.tolist()} of each.
     */
    @ParameterizedTest @ValueSource(strings = {"z.pth", "l.pth", "c.ckpt"})
    void filesWrittenByRealPytorch(String file) throws IOException {
        TorchCheckpoint c = TorchCheckpoint.read(res("real-torch/" + file));
        assertEquals(file.equals("l.pth") ? "legacy" : "zip", c.format());
        assertEquals(file.equals("c.ckpt") ? "state_dict" : "", c.stateDictEntry());
        JsonObject expected = JsonParser.parseString(Files.readString(res("real-torch/e.json"))).getAsJsonObject();
        Map<String, Tensor> t = c.tensors();
        assertEquals(expected.keySet(), t.keySet());
        for (String k : expected.keySet()) {
            var e = expected.getAsJsonArray(k);
            Tensor x = t.get(k);
            assertEquals(e.get(0).getAsString(), "torch." + x.dtype(), k);
            assertArrayEquals(new Gsonish(e.get(1)).ints(), x.shape(), k);
            double[] v = new Gsonish(e.get(2)).doubles();
            for (int i = 0; i < v.length; i++) assertEquals(v[i], x.get(i), 0.0, k + "[" + i + "]");
        }
        if (file.equals("c.ckpt")) {
            assertEquals(2L, c.metadata().get("epoch"));
            assertTrue(c.metadata().get("opt") instanceof Map<?, ?>);
        }
    }

    // --------------------------------------------------------------------------------------- malicious pickles

    @ParameterizedTest
    @ValueSource(strings = {
            "evil-system.ckpt:posix.system:pwned-mask3d-system",
            "evil-system-p4.ckpt:posix.system:pwned-mask3d-system-p4",
            "evil-eval.ckpt:builtins.eval:pwned-mask3d-eval",
            "evil-subprocess.ckpt:subprocess.call:pwned-mask3d-subprocess",
            "evil-inst.ckpt:os.system:pwned-mask3d-inst",
            "evil-getattr.ckpt:builtins.getattr:",
            "evil-load-from-bytes.ckpt:torch.storage._load_from_bytes:",
            "evil-lightning-reduce.ckpt:pytorch_lightning.utilities.parsing.AttributeDict:"})
    void maliciousPicklesAreRefusedAndNothingRuns(String spec) throws Exception {
        String[] p = spec.split(":", -1);
        Path marker = Path.of("/tmp", p[2].isEmpty() ? "pwned-mask3d-none" : p[2]);
        Files.deleteIfExists(marker);
        Path f = res("bad/" + p[0]);
        InputException e = assertThrows(InputException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().startsWith("checkpoint " + f + ": pickle calls " + p[1] + " "), e.getMessage());
        assertTrue(e.getMessage().contains("which is not allowed (allowed: "), e.getMessage());
        assertTrue(e.getMessage().contains("torch._utils._rebuild_tensor_v2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(marker), "the payload ran: " + marker);
    }

    @Test
    void pythonWouldRunTheSystemPayload() throws Exception {
        // documents that the fixture is live: the pickle names posix.system with the touch command as REDUCE argument
        try (ZipFile z = new ZipFile(res("bad/evil-system.ckpt").toFile())) {
            String pkl = new String(z.getInputStream(z.getEntry("archive/data.pkl")).readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(pkl.contains("cposix\nsystem\n"));
            assertTrue(pkl.contains("touch /tmp/pwned-mask3d-system"));
        }
    }

    // ---------------------------------------------------------------------------------------------- bad input

    @ParameterizedTest
    @ValueSource(strings = {
            "missing-storage.ckpt|missing storage record 'archive/data/0' (needed by tensor state_dict.w)",
            "short-storage.ckpt|storage record 'archive/data/0' holds 10 bytes, but its FloatStorage of 4 elements needs 16",
            "tensor-past-storage.ckpt|tensor state_dict.w (size [2, 2], stride [2, 1], offset 1) needs 5 elements, but its storage '0' holds 3",
            "unknown-storage.ckpt|unknown storage type torch.ComplexFloatStorage",
            "escape.ckpt|zip entry '../evil.txt' escapes its folder",
            "escape-nested.ckpt|zip entry 'archive/../../evil.txt' escapes its folder",
            "absolute.ckpt|zip entry '/tmp/evil.txt' has an absolute or non-portable path",
            "outside.ckpt|zip entry 'other/x' lies outside the archive folder 'archive/'",
            "no-data-pkl.ckpt|no '<name>/data.pkl' record"})
    void badArchivesAreNamedErrors(String spec) {
        String[] p = spec.split("\\|");
        Path f = res("bad/" + p[0]);
        InputException e = assertThrows(InputException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().startsWith("checkpoint " + f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(p[1]), e.getMessage());
    }

    @Test
    void truncatedCorruptLegacyAndForeignFiles() throws IOException {
        byte[] good = Files.readAllBytes(res("lightning-like.ckpt"));
        Path cut = tmp.resolve("cut.ckpt");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        InputException e = assertThrows(InputException.class, () -> TorchCheckpoint.read(cut));
        assertTrue(e.getMessage().startsWith("checkpoint " + cut + ": corrupt or truncated zip archive"), e.getMessage());

        // data.pkl bytes scrambled in place (stored entry, so the zip still opens; the CRC or the pickle fails)
        Path bad = tmp.resolve("scrambled.ckpt");
        byte[] s = good.clone();
        int at = indexOf(s, "\u0080\u0002".getBytes(StandardCharsets.ISO_8859_1));
        for (int i = at + 2; i < at + 200; i++) s[i] = (byte) 0xfe;
        Files.write(bad, s);
        e = assertThrows(InputException.class, () -> TorchCheckpoint.read(bad));
        assertTrue(e.getMessage().startsWith("checkpoint " + bad + ": "), e.getMessage());

        // a pickle that ends early inside a zip
        Path trunc = tmp.resolve("trunc-pickle.ckpt");
        writeZip(trunc, Map.of("archive/data.pkl", new byte[]{(byte) 0x80, 2, '}', 'X', 100, 0, 0, 0, 'a'}));
        e = assertThrows(InputException.class, () -> TorchCheckpoint.read(trunc));
        assertTrue(e.getMessage().contains("pickle is truncated"), e.getMessage());

        Path plain = res("plain-pickle.pkl");
        e = assertThrows(InputException.class, () -> TorchCheckpoint.read(plain));
        assertTrue(e.getMessage().contains("not a torch.save file"), e.getMessage());

        Path legacyCut = tmp.resolve("legacy-cut.pth");
        byte[] lg = Files.readAllBytes(res("legacy.pth"));
        Files.write(legacyCut, Arrays.copyOf(lg, lg.length - 10));
        e = assertThrows(InputException.class, () -> TorchCheckpoint.read(legacyCut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "hello");
        e = assertThrows(InputException.class, () -> TorchCheckpoint.read(text));
        assertTrue(e.getMessage().contains("not a PyTorch checkpoint"), e.getMessage());

        Path none = tmp.resolve("absent.ckpt");
        e = assertThrows(InputException.class, () -> TorchCheckpoint.read(none));
        assertEquals("file not found: " + none, e.getMessage());
    }

    @Test
    void duplicateEntriesAndUnknownStateDict() throws IOException {
        Path noSd = tmp.resolve("no-sd.ckpt");
        // {'a': 1} pickled (protocol 2)
        writeZip(noSd, Map.of("archive/data.pkl", new byte[]{(byte) 0x80, 2, '}', 'X', 1, 0, 0, 0, 'a', 'K', 1, 's', '.'}));
        TorchCheckpoint c = TorchCheckpoint.read(noSd);
        assertNull(c.stateDictEntry());
        InputException e = assertThrows(InputException.class, c::tensors);
        assertTrue(e.getMessage().contains("no state dict found"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------- export

    @Test
    void writeThenReadBackIsEqual() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        float[] w = new float[2 * 3 * 4];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i) * 1e3f;
        sd.put("models.mpi_net.conv1_1.model.0.weight", Tensor.ofFloat("models.mpi_net.conv1_1.model.0.weight", w, 2, 3, 4));
        sd.put("d", Tensor.ofDouble("d", new double[]{Math.PI, -0.0, Double.MIN_VALUE}, 3));
        sd.put("bn.num_batches_tracked", Tensor.ofLong("bn.num_batches_tracked", new long[]{1L << 40}));
        sd.put("big", Tensor.ofFloat("big", new float[70000], 70000));
        sd.put("empty", Tensor.ofFloat("empty", new float[0], 0, 5));
        sd.put("ünï", Tensor.ofFloat("ünï", new float[]{1f}, 1, 1));
        Path out = tmp.resolve("sub/export.pth");
        TorchCheckpoint.writeStateDict(out, sd);
        TorchCheckpoint c = TorchCheckpoint.read(out);
        assertEquals("", c.stateDictEntry());
        assertEquals("archive", c.archiveName());
        assertEquals(sd, c.tensors());
        assertEquals(List.copyOf(sd.keySet()), List.copyOf(c.tensors().keySet()));

        try (ZipFile z = new ZipFile(out.toFile())) {
            assertEquals("3\n", new String(z.getInputStream(z.getEntry("archive/version")).readAllBytes(), StandardCharsets.US_ASCII));
            assertEquals("little", new String(z.getInputStream(z.getEntry("archive/byteorder")).readAllBytes(), StandardCharsets.US_ASCII));
            for (ZipEntry e : java.util.Collections.list(z.entries())) assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
        }
        // every record's data starts at a multiple of 64 (local header 30 + name + extra)
        byte[] bytes = Files.readAllBytes(out);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0, records = 0;
        while (b.getInt(pos) == 0x04034b50) {
            int size = b.getInt(pos + 18), nameLen = b.getShort(pos + 26) & 0xffff, extraLen = b.getShort(pos + 28) & 0xffff;
            int data = pos + 30 + nameLen + extraLen;
            assertEquals(0, data % 64, "record at " + pos);
            pos = data + size;
            records++;
        }
        assertEquals(4 + sd.size() + 1, records);
    }

    @Test
    void exportedPickleIsWellFormedForPython() throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(py), "/usr/bin/python3 not found: pickletools check skipped");
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("a.weight", Tensor.ofFloat("a.weight", new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        sd.put("a.n", Tensor.ofLong("a.n", new long[]{7}));
        Path out = tmp.resolve("export.pth");
        TorchCheckpoint.writeStateDict(out, sd);
        // pickletools.dis validates the opcode stream (stack and memo discipline); then a stand-in unpickler (no torch,
        // globals resolved to recorders) rebuilds the structure torch.load would see, and the storages are checked
        String script = String.join("\n",
                "import sys, zipfile, pickle, pickletools, io, struct, collections",
                "z = zipfile.ZipFile(sys.argv[1])",
                "assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())",
                "assert z.testzip() is None",
                "d = z.read('archive/data.pkl')",
                "pickletools.dis(d, out=io.StringIO())",
                "class U(pickle.Unpickler):",
                "    def find_class(self, m, n):",
                "        if (m, n) == ('collections', 'OrderedDict'): return collections.OrderedDict",
                "        if (m, n) == ('torch._utils', '_rebuild_tensor_v2'): return lambda *a: ('T',) + a",
                "        if m == 'torch' and n in ('FloatStorage', 'LongStorage', 'DoubleStorage'): return n",
                "        raise pickle.UnpicklingError(m + '.' + n)",
                "    def persistent_load(self, pid): return pid",
                "o = U(io.BytesIO(d)).load()",
                "assert type(o) is collections.OrderedDict and list(o) == ['a.weight', 'a.n'], o",
                "t = o['a.weight']",
                "assert t[1] == ('storage', 'FloatStorage', '0', 'cpu', 6) and t[2:] == (0, (2, 3), (3, 1), False, collections.OrderedDict()), t",
                "assert struct.unpack('<6f', z.read('archive/data/0')) == (1, 2, 3, 4, 5, 6)",
                "n = o['a.n']",
                "assert n[1] == ('storage', 'LongStorage', '1', 'cpu', 1) and n[3] == () and n[4] == (), n",
                "assert struct.unpack('<q', z.read('archive/data/1')) == (7,)",
                "print('ok')");
        Process proc = new ProcessBuilder(py.toString(), "-c", script, out.toString()).redirectErrorStream(true).start();
        String output;
        try (InputStream in = proc.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), output);
        assertEquals("ok", output.trim());
    }

    // ----------------------------------------------------------------------------- the released code's checkpoints

    @ParameterizedTest @ValueSource(strings = {"shared-a.ckpt", "shared-b.ckpt"})
    void sharedLightningCheckpoints(String name) {
        Path f = ParityCaseTest.fixture(name);
        Assumptions.assumeTrue(f != null, "parity fixture " + name + " not found beside the checkout: skipped");
        TorchCheckpoint c = TorchCheckpoint.read(f);
        Map<String, Tensor> t = c.tensors();
        assertEquals(116, t.size());
        assertEquals(58, c.stateDict("models.mpi_net.").size());
        assertEquals(58, c.stateDict("models.mask_net.").size());
        assertArrayEquals(new int[]{8, 6, 7, 7, 7}, t.get("models.mpi_net.conv1_1.model.0.weight").shape());
        assertArrayEquals(new int[]{1, 8, 3, 3, 3}, t.get("models.mask_net.conv7_3.model.0.weight").shape());
        assertArrayEquals(new int[]{8, 12, 7, 7, 7}, c.stateDict("models.mask_net.").get("conv1_1.model.0.weight").shape());
        // parameter counts of MPINet3d(6, 2) and MaskNet3d(12, 1) (issue 4)
        assertEquals(576_994, c.stateDict("models.mpi_net.").values().stream().mapToInt(Tensor::numel).sum());
        assertEquals(593_241, c.stateDict("models.mask_net.").values().stream().mapToInt(Tensor::numel).sum());
        for (Tensor x : t.values()) assertEquals("float32", x.dtype());

        Map<String, Object> m = c.metadata();
        assertEquals(3L, m.get("epoch"));
        assertEquals(1234L, m.get("global_step"));
        assertEquals("1.4.9", m.get("pytorch-lightning_version"));
        assertEquals("pytorch_lightning.utilities.parsing.AttributeDict", ((Pickle.Instance) m.get("hyper_parameters")).type().qualifiedName());
        assertEquals("3dmask_vgg_only", c.hyperParameters().get("exp_name"));
        @SuppressWarnings("unchecked") Map<Object, Object> adam = ((List<Map<Object, Object>>) m.get("optimizer_states")).get(0);
        @SuppressWarnings("unchecked") Map<Object, Object> state = (Map<Object, Object>) adam.get("state");
        assertEquals(58, state.size());
        @SuppressWarnings("unchecked") Map<Object, Object> s0 = (Map<Object, Object>) state.get(0L);
        assertEquals(Set.of("step", "exp_avg", "exp_avg_sq"), s0.keySet());
        assertArrayEquals(new int[]{8, 12, 7, 7, 7}, ((Tensor) s0.get("exp_avg")).shape());
        @SuppressWarnings("unchecked") Map<Object, Object> group = ((List<Map<Object, Object>>) adam.get("param_groups")).get(0);
        assertTrue(group.keySet().containsAll(List.of("lr", "betas", "eps", "weight_decay", "amsgrad", "params")));

        if (name.equals("shared-a.ckpt")) {
            // values read by an independent Python script (pickle with stub globals + struct on model/data/<key>)
            Tensor w = t.get("models.mpi_net.conv1_1.model.0.weight");
            assertEquals(-0.00016503449296578765, w.at(0, 0, 0, 0, 0), 0.0);
            assertEquals(0.014620570465922356, w.at(7, 5, 6, 6, 6), 0.0);
            assertEquals(0.0065697310492396355, w.at(3, 2, 1, 4, 5), 0.0);
            assertEquals(0.0009851091308519244, t.get("models.mask_net.conv7_3.model.0.weight").at(0, 7, 2, 1, 0), 0.0);
            assertEquals(1.028303623199463, t.get("models.mpi_net.conv1_1.model.2.weight").at(5), 0.0);
            assertEquals(0.13628393411636353, t.get("models.mask_net.conv7_3.model.0.bias").at(0), 0.0);
            assertEquals(0.0033343418035656214, ((Tensor) s0.get("exp_avg")).at(1, 2, 3, 4, 5), 0.0);
            assertEquals(10.0, ((Tensor) s0.get("step")).get(0), 0.0);
        }
    }

    @Test
    void sharedCheckpointExportRoundTrip() {
        Path f = ParityCaseTest.fixture("shared-a.ckpt");
        Assumptions.assumeTrue(f != null, "parity fixture shared-a.ckpt not found beside the checkout: skipped");
        Map<String, Tensor> mpi = TorchCheckpoint.read(f).stateDict("models.mpi_net.");
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        mpi.forEach((k, v) -> renamed.put(k, new Tensor(k, v.dtype(), v.shape(), v.f32(), v.f64(), v.i64())));
        Path out = tmp.resolve("mpi_net.pth");
        TorchCheckpoint.writeStateDict(out, renamed);
        assertEquals(renamed, TorchCheckpoint.read(out).tensors());
    }

    // ----------------------------------------------------------------------------------------------- helpers

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    static void writeZip(Path path, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        TorchCheckpoint.writeZipStored(o, List.copyOf(entries.entrySet()), 64);
        Files.write(path, o.toByteArray());
    }

    /** Reads JSON arrays of numbers. */
    record Gsonish(JsonElement e) {
        int[] ints() {
            var a = e.getAsJsonArray();
            int[] out = new int[a.size()];
            for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
            return out;
        }

        double[] doubles() {
            var a = e.getAsJsonArray();
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
            return out;
        }
    }
}
