package org.mask3d.io;

import org.junit.jupiter.api.Test;
import org.mask3d.InputException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Pickle} on hand-written opcode streams. */
class TorchPickleTest {
    static Object load(String ops) {
        return Pickle.load(ByteBuffer.wrap(ops.getBytes(StandardCharsets.ISO_8859_1)), "test", new Pickle.Options(Map.of(), null));
    }

    static String refusal(String ops) {
        return assertThrows(InputException.class, () -> load(ops)).getMessage();
    }

    @Test
    void plainData() {
        assertEquals(Map.of("a", List.of(1L, 2L)), load("\u0080\u0002}X\u0001\u0000\u0000\u0000a](K\u0001K\u0002es."));
        // memo: the same list object twice
        Object o = load("\u0080\u0002]q\u0000h\u0000\u0086.");
        List<?> t = (List<?>) o;
        assertSame(t.get(0), t.get(1));
        // OrderedDict with a list of pairs (protocol 0 style)
        assertEquals(Map.of("k", 1L), load("ccollections\nOrderedDict\n(((S'k'\nI1\ntltR."));
    }

    @Test
    void globalsAreInertUnlessAllowed() {
        Object g = load("\u0080\u0002cos\nsystem\n.");
        assertEquals(new Pickle.Global("os", "system"), g);
        assertTrue(refusal("\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000ls\u0085R.").startsWith(
                "test: pickle calls os.system (REDUCE), which is not allowed (allowed: "));
        assertTrue(refusal("\u0080\u0002c__builtin__\neval\nX\u0001\u0000\u0000\u00001\u0085R.").contains("pickle calls builtins.eval"));
        // INST and OBJ call too
        assertTrue(refusal("(S'x'\nios\nsystem\n.").contains("pickle calls os.system (INST)"));
        assertTrue(refusal("(cos\nsystem\nS'x'\no.").contains("pickle calls os.system (OBJ)"));
        // NEWOBJ of an unknown class is an inert instance; BUILD sets its state
        Object i = load("\u0080\u0002cargparse\nNamespace\n)\u0081}X\u0001\u0000\u0000\u0000aK\u0001sb.");
        Pickle.Instance inst = (Pickle.Instance) i;
        assertEquals("argparse.Namespace", inst.type().qualifiedName());
        assertEquals(Map.of("a", 1L), inst.state());
        // calling something that is not a global
        assertTrue(refusal("\u0080\u0002K\u0001)R.").contains("which is not callable"));
    }

    @Test
    void malformedStreams() {
        assertTrue(refusal("\u0080\u0002}]K\u0001s.").contains("unhashable dict key"));
        assertTrue(refusal("\u0080\u0002h\u0007.").contains("memo key 7 is not defined"));
        assertTrue(refusal("\u0080\u0002.").contains("stack underflow"));
        assertTrue(refusal("\u0080\u0002\u0082\u0001.").contains("extension-registry"));
        assertTrue(refusal("\u0080\u0002X\u00ff\u00ff\u0000\u0000ab").contains("truncated"));
        assertTrue(refusal("\u0080\u0002K").contains("truncated"));
        assertTrue(refusal("\u0080\u0009.").contains("unsupported pickle protocol 9"));
        assertTrue(refusal("\u0080\u0002\u00ff.").contains("unknown pickle opcode 0xff"));
        assertTrue(refusal("\u0080\u0002K\u0001Q.").contains("persistent id"));
    }
}
