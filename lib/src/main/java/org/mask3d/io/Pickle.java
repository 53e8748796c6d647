package org.mask3d.io;

import org.mask3d.InputException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A Python pickle reader (protocols 0–5) that never executes anything: an allow-list unpickler.
 *
 * <p>Python's {@code pickle.load} imports every global a pickle names and calls whatever a {@code REDUCE},
 * {@code INST} or {@code OBJ} opcode applies, so a pickle can run any command. This reader instead:
 * <ul>
 *   <li>maps plain data to Java: {@code None} → {@code null}, {@code bool} → {@link Boolean}, {@code int} →
 *       {@link Long} (or {@link BigInteger} beyond 64 bits), {@code float} → {@link Double}, {@code str} →
 *       {@link String}, {@code bytes}/{@code bytearray} → {@code byte[]}, {@code list} → {@link ArrayList},
 *       {@code tuple} → {@link Tuple} (an unmodifiable {@link List}), {@code dict} → {@link LinkedHashMap}
 *       (insertion order kept), {@code set}/{@code frozenset} → {@link LinkedHashSet};</li>
 *   <li>resolves a global ({@code GLOBAL}, {@code STACK_GLOBAL}) to a Java function only when its qualified
 *       name is in the allow-list given by the caller plus the generic safe ones here
 *       ({@code collections.OrderedDict}, {@code builtins.set}, {@code builtins.frozenset},
 *       {@code _codecs.encode}, {@code copyreg._reconstructor}, {@code copyreg.__newobj__}); every other global
 *       becomes an inert {@link Global} reference (module, name): never imported, never called;</li>
 *   <li><b>refuses</b> ({@link InputException}) a {@code REDUCE}, {@code INST} or {@code OBJ} that would call a
 *       global not in the allow-list (for example {@code posix.system}, {@code builtins.eval},
 *       {@code builtins.getattr}, {@code subprocess.Popen}): that is where Python would run code;</li>
 *   <li>reads {@code NEWOBJ}/{@code NEWOBJ_EX} on an inert class reference (how Python pickles instances of
 *       ordinary classes such as Lightning's {@code AttributeDict} or {@code argparse.Namespace}) as an inert
 *       {@link Instance}: class name, constructor arguments, dict items ({@code SETITEMS} on a dict subclass),
 *       list items ({@code APPENDS} on a list subclass) and {@code BUILD} state, all plain data. Python would
 *       only call the class's {@code __new__} here and set attributes, never the class's own code paths such as
 *       {@code __init__} or {@code __reduce__}; this reader calls nothing at all.</li>
 * </ul>
 * Extension codes ({@code EXT1/2/4}), string persistent ids ({@code PERSID}) and out-of-band buffers are refused.
 * Persistent ids ({@code BINPERSID}) go to the caller's {@code persistentLoad} function.
 *
 * <p>Why not Pyrolite ({@code net.razorvine:pickle:1.5}): its class resolution cannot be locked down. Constructors
 * live in a JVM-wide static registry ({@code Unpickler.registerConstructor}) preloaded with datetime, decimal, array,
 * bytearray and {@code copy_reg._reconstructor} handlers; an unknown global silently becomes a
 * {@code ClassDictConstructor} rather than a refusal naming it; the methods that resolve globals and apply
 * {@code REDUCE}/{@code BUILD} ({@code load_global_sub}, {@code load_reduce}, {@code load_build}) are package-private,
 * and {@code BUILD} calls {@code __setstate__} through reflection. This reader is small, has no dependency, and its
 * whole allow-list is the map passed to {@link #load}.
 *
 * <p>Dict keys must be hashable in Python's sense (no list, dict or set keys), which also keeps self-referencing
 * structures out of Java's {@code hashCode}.
 *
 * <h2>Limits (hostile pickles)</h2>
 * <ul>
 *   <li>One depth limit, {@link #MAX_DEPTH}, for every recursive path: each container made while reading records its
 *       nesting depth (tuples, lists, dicts, sets, instances, what a callable or a persistent id returns), and one
 *       deeper than the limit ends the read with an {@link InputException} naming the source and "nesting deeper than
 *       {@value #MAX_DEPTH} levels". The recursive walks over the result (hashing tuple keys, {@link #repr},
 *       {@code TorchCheckpoint}'s tensor pass) stop at the same limit, so cyclic structures (made through the memo)
 *       cannot recurse without end.</li>
 *   <li>Memory: every value pushed, memoised or marked is charged to the caller's budget
 *       ({@link Untrusted#maxBytes()}), a pickle is read up to a byte cap, and decimal integers are limited to
 *       {@value #MAX_INT_DIGITS} digits (Python's own limit; binary ones to the same size).</li>
 *   <li>Time: equal hashable tuples, strings and big integers are shared (one object each), and tuples cache their
 *       hash, so using a large key many times costs its size once, not each time.</li>
 *   <li>Text from the pickle is escaped in every message ({@link Untrusted#quote}).</li>
 * </ul>
 */
public final class Pickle {
    private Pickle() {}

    /**
     * The deepest nesting of containers a pickle may hold. Checkpoints nest a few levels (a Lightning checkpoint's
     * optimizer state: 5); 200 keeps every recursive walk of the result within a 256 KiB thread stack.
     */
    public static final int MAX_DEPTH = 200;

    /** Python's {@code sys.int_info.default_max_str_digits}: the longest int a pickle may hold, in decimal digits. */
    public static final int MAX_INT_DIGITS = 4300;

    /** The message part every depth refusal carries. */
    static String tooDeep() { return "nesting deeper than " + MAX_DEPTH + " levels"; }

    /** An inert reference to a Python global (a class or function) that was never imported. */
    public record Global(String module, String name) {
        public String qualifiedName() { return module + "." + name; }
        @Override public String toString() { return Untrusted.text(qualifiedName()); }
    }

    /** An allow-listed callable: the Java function that stands in for a Python global. */
    public record Callable(String qualifiedName, boolean isClass, Function<Tuple, Object> function) {
        @Override public String toString() { return qualifiedName; }
    }

    /**
     * An instance of a class that is not in the allow-list, kept as data: its class reference, the arguments
     * given to {@code __new__}, the items set on it (a dict subclass) or appended to it (a list subclass), and the
     * state given by {@code BUILD} (usually the instance's {@code __dict__}). Identity semantics, as a Python object.
     */
    public static final class Instance {
        private final Global type;
        private final Tuple args;
        private final Map<Object, Object> items = new LinkedHashMap<>();
        private final List<Object> listItems = new ArrayList<>();
        private Object state;

        Instance(Global type, Tuple args) {
            this.type = type;
            this.args = args;
        }

        public Global type() { return type; }
        public Tuple args() { return args; }
        /** Items set with {@code SETITEM(S)} (a dict subclass such as {@code AttributeDict}); insertion order. */
        public Map<Object, Object> items() { return items; }
        /** Items added with {@code APPEND(S)} (a list subclass). */
        public List<Object> listItems() { return listItems; }
        /** The {@code BUILD} state, or {@code null}. */
        public Object state() { return state; }
        void state(Object s) { this.state = s; }

        @Override public String toString() { return repr(this); }
    }

    /** A Python tuple: an unmodifiable list, hashable when its elements are. */
    public static final class Tuple extends AbstractList<Object> implements RandomAccess {
        private final Object[] items;
        private int hash;
        private boolean hashed;
        /** Set by the reader when every item is hashable (no list, dict or set at any depth). */
        private boolean hashable;

        Tuple(Object[] items) { this.items = items; }

        public static Tuple of(Object... items) { return new Tuple(items.clone()); }

        @Override public Object get(int i) { return items[i]; }
        @Override public int size() { return items.length; }
        /** For the post-load pass that replaces placeholders (package-private: tuples stay immutable to users). */
        void replace(int i, Object v) {
            items[i] = v;
            hashed = false;
        }

        /** As {@link List#hashCode()}, cached (a tuple's items are fixed once it is read). */
        @Override public int hashCode() {
            if (!hashed) {
                hash = super.hashCode();
                hashed = true;
            }
            return hash;
        }

        @Override public boolean equals(Object o) {
            if (o == this) return true;
            if (o instanceof Tuple t && (t.items.length != items.length || t.hashCode() != hashCode())) return false;
            return super.equals(o);
        }

        @Override public String toString() { return repr(this); }
    }

    /** What the caller supplies: the allow-listed callables and the handler for persistent ids. */
    public record Options(Map<String, Callable> allowed, Function<Object, Object> persistentLoad) {}

    private static final Map<String, String> ALIASES = Map.of(
            "__builtin__", "builtins",
            "copy_reg", "copyreg");

    /** The generic callables every load allows (pure data constructors; nothing here runs user code). */
    static Map<String, Callable> genericCallables() {
        Map<String, Callable> m = new LinkedHashMap<>();
        m.put("collections.OrderedDict", new Callable("collections.OrderedDict", true, args -> {
            LinkedHashMap<Object, Object> d = new LinkedHashMap<>();
            if (args.size() == 1 && args.get(0) != null) {
                for (Object pair : iterable(args.get(0), "OrderedDict argument")) {
                    if (!(pair instanceof List<?> p) || p.size() != 2) {
                        throw new PickleError("OrderedDict argument holds " + repr(pair) + ", expected (key, value) pairs");
                    }
                    d.put(hashable(p.get(0)), p.get(1));
                }
            } else if (args.size() > 1) {
                throw new PickleError("OrderedDict called with " + args.size() + " arguments");
            }
            return d;
        }));
        m.put("builtins.set", new Callable("builtins.set", true, args -> toSet(args, "set")));
        m.put("builtins.frozenset", new Callable("builtins.frozenset", true, args -> toSet(args, "frozenset")));
        m.put("_codecs.encode", new Callable("_codecs.encode", false, args -> {
            if (args.size() < 1 || !(args.get(0) instanceof String s)) throw new PickleError("_codecs.encode expects a str");
            String enc = args.size() > 1 && args.get(1) instanceof String e ? e.toLowerCase().replace('_', '-') : "utf-8";
            switch (enc) {
                case "latin1": case "latin-1": case "iso-8859-1": return s.getBytes(StandardCharsets.ISO_8859_1);
                case "utf-8": case "utf8": return s.getBytes(StandardCharsets.UTF_8);
                case "ascii": return s.getBytes(StandardCharsets.US_ASCII);
                default: throw new PickleError("_codecs.encode with encoding " + Untrusted.quote(enc) + " is not supported");
            }
        }));
        // copyreg helpers that protocol 0/1 pickles use to make instances of ordinary classes: read them as inert
        m.put("copyreg._reconstructor", new Callable("copyreg._reconstructor", false, args -> {
            if (args.size() != 3) throw new PickleError("copyreg._reconstructor expects 3 arguments, got " + args.size());
            Object obj = newObject(args.get(0), Tuple.of());
            Object init = args.get(2);
            if (init instanceof Map<?, ?> st && obj instanceof Instance inst) {
                for (Map.Entry<?, ?> e : st.entrySet()) inst.items().put(e.getKey(), e.getValue());
            }
            return obj;
        }));
        m.put("copyreg.__newobj__", new Callable("copyreg.__newobj__", false, args -> {
            if (args.size() < 1) throw new PickleError("copyreg.__newobj__ without a class");
            return newObject(args.get(0), new Tuple(Arrays.copyOfRange(args.items, 1, args.size())));
        }));
        return m;
    }

    private static Set<Object> toSet(Tuple args, String what) {
        Set<Object> s = new LinkedHashSet<>();
        if (args.size() == 1) for (Object o : iterable(args.get(0), what + " argument")) s.add(hashable(o));
        else if (args.size() > 1) throw new PickleError(what + " called with " + args.size() + " arguments");
        return s;
    }

    private static Iterable<?> iterable(Object o, String what) {
        if (o instanceof Collection<?> c) return c;
        if (o instanceof Map<?, ?> m) return m.keySet();
        throw new PickleError(what + " is " + describe(o) + ", expected a list or tuple");
    }

    /** Python's {@code cls.__new__(cls, *args)} for an inert class, or the allow-listed class itself. */
    static Object newObject(Object cls, Tuple args) {
        if (cls instanceof Global g) return new Instance(g, args);
        if (cls instanceof Callable c && c.isClass()) return c.function().apply(Tuple.of());
        throw new PickleError("cannot create an object of " + describe(cls) + " (not a class)");
    }

    /** An internal error; {@link #load} turns it into an {@link InputException} naming the source. */
    static final class PickleError extends RuntimeException {
        PickleError(String m) { super(m); }
    }

    /**
     * Reads one pickle from {@code buf} (starting at its position, which is left just after the {@code STOP}).
     *
     * @param source named at the start of every error message, e.g. {@code "checkpoint x.ckpt"}
     */
    public static Object load(ByteBuffer buf, String source, Options options) {
        return load(buf, source, options, new Untrusted.Budget(source), Integer.MAX_VALUE);
    }

    /**
     * As {@link #load(ByteBuffer, String, Options)}, charging what the pickle makes to {@code budget}, and reading at
     * most {@code maxBytes} bytes of pickle.
     */
    static Object load(ByteBuffer buf, String source, Options options, Untrusted.Budget budget, int maxBytes) {
        Map<String, Callable> allowed = new LinkedHashMap<>(genericCallables());
        allowed.putAll(options.allowed());
        Reader r = new Reader(buf, allowed, options.persistentLoad(), budget, maxBytes);
        try {
            return r.run();
        } catch (java.nio.BufferUnderflowException e) {
            if (r.capped) throw new InputException(source + ": the pickle is longer than the limit of " + maxBytes + " bytes");
            throw new InputException(source + ": pickle is truncated or corrupt (ends inside an opcode at byte "
                    + r.opPos + ")");
        } catch (PickleError e) {
            throw new InputException(source + ": " + e.getMessage() + " (pickle byte " + r.opPos + ")");
        } catch (IndexOutOfBoundsException e) {
            throw new InputException(source + ": pickle is truncated or corrupt (ends inside an opcode at byte "
                    + r.opPos + ")");
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InputException(source + ": malformed pickle at byte " + r.opPos + " (bad number: " + Untrusted.text(e.getMessage()) + ")");
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new InputException(source + ": malformed pickle at byte " + r.opPos + " (" + Untrusted.text(e.getMessage()) + ")");
        } catch (InputException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(source + ": ")) throw e;
            throw new InputException(source + ": " + e.getMessage(), e);
        }
    }

    /** The sorted allow-list, as named in refusals. */
    static String allowList(Map<String, Callable> allowed) { return String.join(", ", new TreeSet<>(allowed.keySet())); }

    private static final class Reader {
        final ByteBuffer in;
        final Map<String, Callable> allowed;
        final Function<Object, Object> persistentLoad;
        final ArrayList<Object> stack = new ArrayList<>();
        final ArrayList<Integer> marks = new ArrayList<>();
        final Map<Long, Object> memo = new HashMap<>();
        /** Nesting depth of each container made here (1 for an empty one); atoms are depth 0. */
        final IdentityHashMap<Object, Integer> depths = new IdentityHashMap<>();
        /** One object per distinct hashable tuple, str and big int: equal keys are then compared by identity. */
        final HashMap<Object, Object> shared = new HashMap<>();
        final Untrusted.Budget budget;
        final boolean capped;
        Tuple empty;
        int opPos;

        Reader(ByteBuffer buf, Map<String, Callable> allowed, Function<Object, Object> persistentLoad,
               Untrusted.Budget budget, int maxBytes) {
            ByteBuffer sl = buf.slice();
            this.capped = sl.remaining() > maxBytes;
            if (capped) sl.limit(maxBytes);
            this.in = sl.order(ByteOrder.LITTLE_ENDIAN);
            this.allowed = allowed;
            this.persistentLoad = persistentLoad;
            this.base = buf;
            this.budget = budget;
        }

        static final Object[] NO_ITEMS = new Object[0];

        /** Rough heap cost of one pushed reference (with the stack's growth), and of a container with its bookkeeping. */
        static final int SLOT = 16, CONTAINER = 96;

        int depthOf(Object o) {
            if (o == null) return 0;
            Integer d = depths.get(o);
            return d == null ? 0 : d;
        }

        /** Records that {@code container} holds {@code items}; refuses nesting deeper than {@link #MAX_DEPTH}. */
        <T> T nest(T container, Collection<?> items) {
            int d = depthOf(container);
            for (Object o : items) d = Math.max(d, depthOf(o) + 1);
            if (d == 0) d = 1;
            if (d > MAX_DEPTH) throw new PickleError(tooDeep());
            depths.put(container, d);
            budget.charge(CONTAINER + 8L * items.size(), "the pickle's data");
            return container;
        }

        /** A result made from {@code args} (a call or a persistent id): at most as deep as they are. */
        Object derived(Object result, Object args) {
            if (result == null || result instanceof String || result instanceof Number || result instanceof Boolean) return result;
            int d = Math.max(depthOf(result), depthOf(args));
            if (d > MAX_DEPTH) throw new PickleError(tooDeep());
            if (d > 0) depths.put(result, d);
            return result;
        }

        /** A new tuple: shared with an equal one read before when hashable. */
        Tuple tuple(Object[] items) {
            int d = 1;
            for (Object o : items) d = Math.max(d, depthOf(o) + 1);
            if (d > MAX_DEPTH) throw new PickleError(tooDeep());
            if (items.length == 0 && empty != null) return empty;
            Tuple t = new Tuple(items);
            if (items.length == 0) empty = t;
            boolean hashable = true;
            for (Object o : items) {
                if (o instanceof Tuple u ? !u.hashable : o instanceof List<?> || o instanceof Map<?, ?> || o instanceof Set<?>) {
                    hashable = false;
                    break;
                }
            }
            if (hashable) {
                t.hashable = true;
                Object prev = shared.putIfAbsent(t, t);
                if (prev != null) return (Tuple) prev;
            }
            budget.charge(CONTAINER + 8L * items.length, "the pickle's data");
            depths.put(t, d);
            return t;
        }

        String str(String v) {
            budget.charge(40L + 2L * v.length(), "the pickle's strings");
            Object prev = shared.putIfAbsent(v, v);
            return prev != null ? (String) prev : v;
        }

        Object integer(BigInteger v) {
            Object n = normalise(v);
            if (!(n instanceof BigInteger)) return n;
            Object prev = shared.putIfAbsent(n, n);
            return prev != null ? prev : n;
        }

        byte[] charged(byte[] b) {
            budget.charge(16L + b.length, "the pickle's bytes");
            return b;
        }

        final ByteBuffer base;

        Object run() {
            while (true) {
                opPos = in.position();
                int op = in.get() & 0xff;
                switch (op) {
                    case 0x80: { // PROTO
                        int p = in.get() & 0xff;
                        if (p > 5) throw new PickleError("unsupported pickle protocol " + p);
                        break;
                    }
                    case 0x95: in.getLong(); break; // FRAME: framing is transparent when reading from memory
                    case '.': { // STOP
                        Object v = pop();
                        base.position(base.position() + in.position());
                        return v;
                    }
                    case '(': budget.charge(SLOT, "the pickle's marks"); marks.add(stack.size()); break;
                    case '0': pop(); break;
                    case '1': popMark(); break;
                    case '2': push(peek()); break;
                    case 'N': push(null); break;
                    case 0x88: push(Boolean.TRUE); break;
                    case 0x89: push(Boolean.FALSE); break;
                    case 'I': { // INT (protocol 0): also True/False as 01/00
                        String s = line();
                        if (s.equals("01")) push(Boolean.TRUE);
                        else if (s.equals("00")) push(Boolean.FALSE);
                        else push(integer(decimal(s.trim())));
                        break;
                    }
                    case 'J': push((long) in.getInt()); break;
                    case 'K': push((long) (in.get() & 0xff)); break;
                    case 'M': push((long) (in.getShort() & 0xffff)); break;
                    case 'L': { // LONG (protocol 0)
                        String s = line().trim();
                        if (s.endsWith("L")) s = s.substring(0, s.length() - 1);
                        push(integer(decimal(s)));
                        break;
                    }
                    case 0x8a: push(readLong(in.get() & 0xff)); break;
                    case 0x8b: {
                        int n = in.getInt();
                        if (n < 0) throw new PickleError("negative LONG4 length");
                        push(readLong(n));
                        break;
                    }
                    case 'F': push(Double.parseDouble(line().trim())); break;
                    case 'G': push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); in.order(ByteOrder.LITTLE_ENDIAN); break;
                    case 'S': push(str(unquote(line()))); break;
                    case 'T': push(str(new String(bytes(in.getInt()), StandardCharsets.UTF_8))); break;
                    case 'U': push(str(new String(bytes(in.get() & 0xff), StandardCharsets.UTF_8))); break;
                    case 'B': push(charged(bytes(in.getInt()))); break;
                    case 'C': push(charged(bytes(in.get() & 0xff))); break;
                    case 0x8e: push(charged(bytes(in.getLong()))); break;
                    case 0x96: push(charged(bytes(in.getLong()))); break; // BYTEARRAY8
                    case 'V': push(str(rawUnicode(line(StandardCharsets.ISO_8859_1)))); break;
                    case 'X': push(str(new String(bytes(in.getInt()), StandardCharsets.UTF_8))); break;
                    case 0x8c: push(str(new String(bytes(in.get() & 0xff), StandardCharsets.UTF_8))); break;
                    case 0x8d: push(str(new String(bytes(in.getLong()), StandardCharsets.UTF_8))); break;
                    case ')': push(tuple(NO_ITEMS)); break;
                    case 't': push(tuple(popMark().toArray())); break;
                    case 0x85: push(tuple(new Object[]{pop()})); break;
                    case 0x86: { Object b = pop(), a = pop(); push(tuple(new Object[]{a, b})); break; }
                    case 0x87: { Object c = pop(), b = pop(), a = pop(); push(tuple(new Object[]{a, b, c})); break; }
                    case ']': push(nest(new ArrayList<>(), List.of())); break;
                    case 'l': { List<Object> items = popMark(); push(nest(new ArrayList<>(items), items)); break; }
                    case '}': push(nest(new LinkedHashMap<>(), List.of())); break;
                    case 'd': {
                        List<Object> items = popMark();
                        Map<Object, Object> d = new LinkedHashMap<>();
                        putAll(d, items);
                        push(nest(d, items));
                        break;
                    }
                    case 0x8f: push(nest(new LinkedHashSet<>(), List.of())); break;
                    case 0x91: {
                        List<Object> items = popMark();
                        Set<Object> s = new LinkedHashSet<>();
                        for (Object o : items) s.add(hashable(o));
                        push(nest(s, items));
                        break;
                    }
                    case 0x90: { // ADDITEMS
                        List<Object> items = popMark();
                        Object target = peek();
                        if (!(target instanceof Set<?>)) throw new PickleError("ADDITEMS on " + describe(target));
                        @SuppressWarnings("unchecked") Set<Object> s = (Set<Object>) target;
                        for (Object o : items) s.add(hashable(o));
                        nest(s, items);
                        break;
                    }
                    case 'a': { Object v = pop(); append(peek(), Arrays.asList(v)); break; }
                    case 'e': { List<Object> items = popMark(); append(peek(), items); break; }
                    case 's': { Object v = pop(), k = pop(); setItems(peek(), Arrays.asList(k, v)); break; }
                    case 'u': { List<Object> items = popMark(); setItems(peek(), items); break; }
                    case 'g': push(memoGet(Long.parseLong(line().trim()))); break;
                    case 'h': push(memoGet(in.get() & 0xff)); break;
                    case 'j': push(memoGet(Integer.toUnsignedLong(in.getInt()))); break;
                    case 'p': memoPut(Long.parseLong(line().trim())); break;
                    case 'q': memoPut(in.get() & 0xff); break;
                    case 'r': memoPut(Integer.toUnsignedLong(in.getInt())); break;
                    case 0x94: memoPut(memo.size()); break;
                    case 'c': { // GLOBAL
                        String module = line(), name = line();
                        push(resolve(module, name));
                        break;
                    }
                    case 0x93: { // STACK_GLOBAL
                        Object name = pop(), module = pop();
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw new PickleError("STACK_GLOBAL needs two str, got " + describe(module) + ", " + describe(name));
                        }
                        push(resolve(m, n));
                        break;
                    }
                    case 'R': { // REDUCE: Python calls func(*args)
                        Object args = pop(), func = pop();
                        push(derived(call(func, args, "REDUCE"), args));
                        break;
                    }
                    case 'i': { // INST (protocol 0): Python calls module.name(*args)
                        String module = line(), name = line();
                        List<Object> args = popMark();
                        Tuple t = tuple(args.toArray());
                        push(derived(call(resolve(module, name), t, "INST"), t));
                        break;
                    }
                    case 'o': { // OBJ (protocol 1): Python calls cls(*args)
                        List<Object> items = popMark();
                        if (items.isEmpty()) throw new PickleError("OBJ without a class");
                        Tuple t = tuple(items.subList(1, items.size()).toArray());
                        push(derived(call(items.get(0), t, "OBJ"), t));
                        break;
                    }
                    case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
                        Object args = pop(), cls = pop();
                        Object o = newObject(cls, asTuple(args, "NEWOBJ arguments"));
                        push(o instanceof Instance ? nest(o, List.of(args)) : derived(o, args));
                        break;
                    }
                    case 0x92: { // NEWOBJ_EX
                        Object kwargs = pop(), args = pop(), cls = pop();
                        if (kwargs instanceof Map<?, ?> kw && !kw.isEmpty()) {
                            throw new PickleError("NEWOBJ_EX with keyword arguments for " + describe(cls) + " is not supported");
                        }
                        Object o = newObject(cls, asTuple(args, "NEWOBJ_EX arguments"));
                        push(o instanceof Instance ? nest(o, List.of(args)) : derived(o, args));
                        break;
                    }
                    case 'b': { // BUILD: inst.__setstate__(state) or inst.__dict__.update(state)
                        Object state = pop();
                        Object inst = peek();
                        if (inst instanceof Instance i) {
                            i.state(state);
                            nest(i, Collections.singletonList(state));
                        }
                        else if (inst instanceof Map<?, ?>) {
                            // attributes on an OrderedDict (torch's state_dict()._metadata): kept out of the mapping
                        } else if (state != null && !(state instanceof Map<?, ?> m && m.isEmpty())) {
                            throw new PickleError("BUILD with state on " + describe(inst) + " is not supported");
                        }
                        break;
                    }
                    case 'Q': { // BINPERSID
                        Object pid = pop();
                        if (persistentLoad == null) throw new PickleError("persistent id " + repr(pid) + " where none is expected");
                        push(derived(persistentLoad.apply(pid), pid));
                        break;
                    }
                    case 'P': throw new PickleError("string persistent ids (PERSID) are not supported");
                    case 0x82: case 0x83: case 0x84:
                        throw new PickleError("extension-registry opcodes (EXT1/2/4) are not supported");
                    case 0x97: case 0x98:
                        throw new PickleError("out-of-band buffers (protocol 5) are not supported");
                    default:
                        throw new PickleError(String.format("unknown pickle opcode 0x%02x", op));
                }
            }
        }

        Object resolve(String module, String name) {
            module = str(ALIASES.getOrDefault(module, module));
            name = str(name);
            String q = module + "." + name;
            Callable c = allowed.get(q);
            return c != null ? c : new Global(module, name);
        }

        Object call(Object func, Object args, String op) {
            if (func instanceof Callable c) return c.function().apply(asTuple(args, c.qualifiedName() + " arguments"));
            if (func instanceof Global g) {
                throw new PickleError("pickle calls " + Untrusted.text(g.qualifiedName()) + " (" + op + "), which is not allowed (allowed: "
                        + allowList(allowed) + ")");
            }
            throw new PickleError("pickle calls " + describe(func) + " (" + op + "), which is not callable");
        }

        Tuple asTuple(Object o, String what) {
            if (o instanceof Tuple t) return t;
            throw new PickleError(what + " are " + describe(o) + ", expected a tuple");
        }

        void append(Object target, List<Object> items) {
            List<Object> list;
            if (target instanceof ArrayList<?>) {
                @SuppressWarnings("unchecked") List<Object> l = (List<Object>) target;
                list = l;
            } else if (target instanceof Instance i) {
                list = i.listItems();
            } else {
                throw new PickleError("APPEND on " + describe(target));
            }
            list.addAll(items);
            nest(target, items);
        }

        void setItems(Object target, List<Object> kv) {
            Map<Object, Object> d;
            if (target instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) target;
                d = m;
            } else if (target instanceof Instance i) {
                d = i.items();
            } else {
                throw new PickleError("SETITEM on " + describe(target));
            }
            putAll(d, kv);
            nest(target, kv);
        }

        void putAll(Map<Object, Object> d, List<Object> kv) {
            if (kv.size() % 2 != 0) throw new PickleError("odd number of items for a dict");
            for (int i = 0; i < kv.size(); i += 2) d.put(hashable(kv.get(i)), kv.get(i + 1));
        }

        Object memoGet(long key) {
            if (!memo.containsKey(key)) throw new PickleError("memo key " + key + " is not defined");
            return memo.get(key);
        }

        void memoPut(long key) {
            Object v = peek();
            if (memo.put(key, v) == null) budget.charge(80, "the pickle's memo");
        }

        void push(Object o) {
            budget.charge(SLOT, "the pickle's stack");
            stack.add(o);
        }

        Object pop() {
            int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
            if (stack.size() <= floor) throw new PickleError("pickle stack underflow");
            return stack.remove(stack.size() - 1);
        }

        Object peek() {
            int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
            if (stack.size() <= floor) throw new PickleError("pickle stack underflow");
            return stack.get(stack.size() - 1);
        }

        List<Object> popMark() {
            if (marks.isEmpty()) throw new PickleError("MARK expected");
            int m = marks.remove(marks.size() - 1);
            List<Object> sub = new ArrayList<>(stack.subList(m, stack.size()));
            stack.subList(m, stack.size()).clear();
            return sub;
        }

        byte[] bytes(long n) {
            if (n < 0 || n > in.remaining()) {
                throw new PickleError(capped ? "the pickle is longer than the limit of " + in.limit() + " bytes"
                        : "pickle is truncated (a " + n + "-byte value runs past its end)");
            }
            byte[] b = new byte[(int) n];
            in.get(b);
            return b;
        }

        Object readLong(int n) {
            if (n > MAX_INT_DIGITS / 2) throw new PickleError("an int of " + n + " bytes (at most " + MAX_INT_DIGITS / 2 + ")");
            byte[] b = bytes(n);
            if (n == 0) return 0L;
            byte[] be = new byte[n];
            for (int i = 0; i < n; i++) be[i] = b[n - 1 - i];
            return integer(new BigInteger(be));
        }

        String line() { return line(StandardCharsets.UTF_8); }

        String line(java.nio.charset.Charset cs) {
            int start = in.position();
            while (true) {
                if (!in.hasRemaining()) {
                    throw new PickleError(capped ? "the pickle is longer than the limit of " + in.limit() + " bytes"
                            : "pickle is truncated (unterminated text line)");
                }
                if (in.get() == '\n') break;
            }
            int end = in.position() - 1;
            byte[] b = new byte[end - start];
            in.get(start, b);
            return new String(b, cs);
        }
    }

    static Object normalise(BigInteger v) { return v.bitLength() < 64 ? (Object) v.longValue() : v; }

    /** A decimal int of at most {@link #MAX_INT_DIGITS} digits (Java's parsing is quadratic in the length). */
    static BigInteger decimal(String s) {
        if (s.length() > MAX_INT_DIGITS + 1) {
            throw new PickleError("an int of " + s.length() + " digits (at most " + MAX_INT_DIGITS + ")");
        }
        return new BigInteger(s);
    }

    /** Protocol-0 STRING: a Python repr with quotes; decodes the common escapes. */
    static String unquote(String s) {
        s = s.trim();
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            s = s.substring(1, s.length() - 1);
        } else {
            throw new PickleError("malformed STRING " + Untrusted.quote(s));
        }
        return unescape(s);
    }

    /** Protocol-0 UNICODE: raw-unicode-escape (latin-1 bytes, only \\uXXXX and \\UXXXXXXXX escaped). */
    static String rawUnicode(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
                sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\' && i + 9 < s.length() && s.charAt(i + 1) == 'U') {
                sb.appendCodePoint(Integer.parseInt(s.substring(i + 2, i + 10), 16));
                i += 9;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) { sb.append(c); continue; }
            char n = s.charAt(++i);
            switch (n) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case '\\': sb.append('\\'); break;
                case '\'': sb.append('\''); break;
                case '"': sb.append('"'); break;
                case 'x': sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16)); i += 2; break;
                case 'u': sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; break;
                default: sb.append('\\').append(n);
            }
        }
        return sb.toString();
    }

    /** Checks that a dict key / set member is hashable in Python (no list, dict, set), recursively for tuples. */
    static Object hashable(Object k) { return hashable(k, 0); }

    private static Object hashable(Object k, int depth) {
        if (k instanceof Tuple t) {
            if (depth >= MAX_DEPTH) throw new PickleError(tooDeep());
            for (Object o : t) hashable(o, depth + 1);
            return k;
        }
        if (k instanceof List<?> || k instanceof Map<?, ?> || k instanceof Set<?>) {
            throw new PickleError("unhashable dict key or set member of type " + describe(k));
        }
        return k;
    }

    /** Python-like type name of a value, for messages. */
    public static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof Global g) return "the global " + Untrusted.text(g.qualifiedName());
        if (o instanceof Callable c) return "the allowed callable " + c.qualifiedName();
        if (o instanceof Instance i) return "an inert " + Untrusted.text(i.type().qualifiedName()) + " object";
        if (o instanceof Tuple) return "a tuple";
        if (o instanceof List<?>) return "a list";
        if (o instanceof Map<?, ?>) return "a dict";
        if (o instanceof Set<?>) return "a set";
        if (o instanceof String) return "a str";
        if (o instanceof Long || o instanceof BigInteger) return "an int";
        if (o instanceof Double) return "a float";
        if (o instanceof Boolean) return "a bool";
        if (o instanceof byte[]) return "bytes";
        return "a " + o.getClass().getSimpleName();
    }

    /** How deep {@link #repr} looks into containers. */
    private static final int REPR_DEPTH = 4;

    /**
     * A short Python-like rendering of pickled data for messages: one line, containers shown {@value #REPR_DEPTH}
     * levels deep, text escaped ({@link Untrusted#quote}), at most about {@value Untrusted#MAX_ECHO} characters.
     * Safe on cyclic and deeply nested data.
     */
    public static String repr(Object o) {
        StringBuilder sb = new StringBuilder();
        repr(o, sb, REPR_DEPTH);
        if (sb.length() > Untrusted.MAX_ECHO) {
            sb.setLength(Untrusted.MAX_ECHO);
            sb.append("...");
        }
        return sb.toString();
    }

    private static void repr(Object o, StringBuilder sb, int depth) {
        if (sb.length() > Untrusted.MAX_ECHO) return;
        if (o == null) sb.append("None");
        else if (o instanceof String s) sb.append(Untrusted.quote(s));
        else if (o instanceof Boolean b) sb.append(b ? "True" : "False");
        else if (o instanceof BigInteger b) sb.append(b.bitLength() > 256 ? "<int of " + b.bitLength() + " bits>" : b.toString());
        else if (o instanceof Long || o instanceof Double) sb.append(o);
        else if (o instanceof byte[] b) sb.append("b<").append(b.length).append(" bytes>");
        else if (o instanceof Global g) sb.append(Untrusted.text(g.qualifiedName()));
        else if (o instanceof Callable c) sb.append(c.qualifiedName());
        else if (o instanceof Instance i) {
            sb.append("<inert ").append(Untrusted.text(i.type().qualifiedName()));
            if (depth == 0) {
                sb.append(" ...");
            } else {
                if (!i.items().isEmpty()) repr(i.items(), sb.append(' '), depth - 1);
                if (!i.listItems().isEmpty()) repr(i.listItems(), sb.append(' '), depth - 1);
                if (i.state() != null) repr(i.state(), sb.append(" state="), depth - 1);
            }
            sb.append('>');
        } else if (o instanceof Tuple t) {
            elements(t, sb, "(", t.size() == 1 ? ",)" : ")", depth);
        } else if (o instanceof List<?> l) {
            elements(l, sb, "[", "]", depth);
        } else if (o instanceof Set<?> st) {
            elements(st, sb, "{", "}", depth);
        } else if (o instanceof Map<?, ?> m) {
            sb.append('{');
            if (depth == 0 && !m.isEmpty()) sb.append("...");
            else {
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (sb.length() > Untrusted.MAX_ECHO) break;
                    if (!first) sb.append(", ");
                    first = false;
                    repr(e.getKey(), sb, depth - 1);
                    sb.append(": ");
                    repr(e.getValue(), sb, depth - 1);
                }
            }
            sb.append('}');
        } else {
            sb.append(Untrusted.text(String.valueOf(o)));
        }
    }

    private static void elements(Collection<?> c, StringBuilder sb, String open, String close, int depth) {
        sb.append(open);
        if (depth == 0 && !c.isEmpty()) {
            sb.append("...");
        } else {
            boolean first = true;
            for (Object x : c) {
                if (sb.length() > Untrusted.MAX_ECHO) break;
                if (!first) sb.append(", ");
                first = false;
                repr(x, sb, depth - 1);
            }
        }
        sb.append(close);
    }
}
