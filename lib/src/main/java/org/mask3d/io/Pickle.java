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
 */
public final class Pickle {
    private Pickle() {}

    /** An inert reference to a Python global (a class or function) that was never imported. */
    public record Global(String module, String name) {
        public String qualifiedName() { return module + "." + name; }
        @Override public String toString() { return qualifiedName(); }
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

        @Override public String toString() {
            return "<inert " + type + (items.isEmpty() ? "" : " " + items) + (state == null ? "" : " state=" + state) + ">";
        }
    }

    /** A Python tuple: an unmodifiable list, hashable when its elements are. */
    public static final class Tuple extends AbstractList<Object> implements RandomAccess {
        private final Object[] items;

        Tuple(Object[] items) { this.items = items; }

        public static Tuple of(Object... items) { return new Tuple(items.clone()); }

        @Override public Object get(int i) { return items[i]; }
        @Override public int size() { return items.length; }
        /** For the post-load pass that replaces placeholders (package-private: tuples stay immutable to users). */
        void replace(int i, Object v) { items[i] = v; }
        @Override public String toString() {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < items.length; i++) sb.append(i > 0 ? ", " : "").append(describeShort(items[i]));
            return sb.append(items.length == 1 ? ",)" : ")").toString();
        }
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
                        throw new PickleError("OrderedDict argument holds " + describe(pair) + ", expected (key, value) pairs");
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
                default: throw new PickleError("_codecs.encode with encoding '" + enc + "' is not supported");
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
        Map<String, Callable> allowed = new LinkedHashMap<>(genericCallables());
        allowed.putAll(options.allowed());
        Reader r = new Reader(buf, allowed, options.persistentLoad());
        try {
            return r.run();
        } catch (PickleError e) {
            throw new InputException(source + ": " + e.getMessage() + " (pickle byte " + r.opPos + ")");
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new InputException(source + ": pickle is truncated or corrupt (ends inside an opcode at byte "
                    + r.opPos + ")");
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InputException(source + ": malformed pickle at byte " + r.opPos + " (bad number: " + e.getMessage() + ")");
        } catch (ClassCastException e) {
            throw new InputException(source + ": malformed pickle at byte " + r.opPos + " (" + e.getMessage() + ")");
        } catch (InputException e) {
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
        int opPos;

        Reader(ByteBuffer buf, Map<String, Callable> allowed, Function<Object, Object> persistentLoad) {
            this.in = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
            this.allowed = allowed;
            this.persistentLoad = persistentLoad;
            this.base = buf;
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
                    case '(': marks.add(stack.size()); break;
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
                        else push(normalise(new BigInteger(s.trim())));
                        break;
                    }
                    case 'J': push((long) in.getInt()); break;
                    case 'K': push((long) (in.get() & 0xff)); break;
                    case 'M': push((long) (in.getShort() & 0xffff)); break;
                    case 'L': { // LONG (protocol 0)
                        String s = line().trim();
                        if (s.endsWith("L")) s = s.substring(0, s.length() - 1);
                        push(normalise(new BigInteger(s)));
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
                    case 'S': push(unquote(line())); break;
                    case 'T': push(new String(bytes(in.getInt()), StandardCharsets.UTF_8)); break;
                    case 'U': push(new String(bytes(in.get() & 0xff), StandardCharsets.UTF_8)); break;
                    case 'B': push(bytes(in.getInt())); break;
                    case 'C': push(bytes(in.get() & 0xff)); break;
                    case 0x8e: push(bytes(in.getLong())); break;
                    case 0x96: push(bytes(in.getLong())); break; // BYTEARRAY8
                    case 'V': push(rawUnicode(line(StandardCharsets.ISO_8859_1))); break;
                    case 'X': push(new String(bytes(in.getInt()), StandardCharsets.UTF_8)); break;
                    case 0x8c: push(new String(bytes(in.get() & 0xff), StandardCharsets.UTF_8)); break;
                    case 0x8d: push(new String(bytes(in.getLong()), StandardCharsets.UTF_8)); break;
                    case ')': push(Tuple.of()); break;
                    case 't': push(new Tuple(popMark().toArray())); break;
                    case 0x85: push(Tuple.of(pop())); break;
                    case 0x86: { Object b = pop(), a = pop(); push(Tuple.of(a, b)); break; }
                    case 0x87: { Object c = pop(), b = pop(), a = pop(); push(Tuple.of(a, b, c)); break; }
                    case ']': push(new ArrayList<>()); break;
                    case 'l': push(new ArrayList<>(popMark())); break;
                    case '}': push(new LinkedHashMap<>()); break;
                    case 'd': {
                        List<Object> items = popMark();
                        Map<Object, Object> d = new LinkedHashMap<>();
                        putAll(d, items);
                        push(d);
                        break;
                    }
                    case 0x8f: push(new LinkedHashSet<>()); break;
                    case 0x91: {
                        Set<Object> s = new LinkedHashSet<>();
                        for (Object o : popMark()) s.add(hashable(o));
                        push(s);
                        break;
                    }
                    case 0x90: { // ADDITEMS
                        List<Object> items = popMark();
                        Object target = peek();
                        if (!(target instanceof Set<?>)) throw new PickleError("ADDITEMS on " + describe(target));
                        @SuppressWarnings("unchecked") Set<Object> s = (Set<Object>) target;
                        for (Object o : items) s.add(hashable(o));
                        break;
                    }
                    case 'a': { Object v = pop(); append(peek(), Arrays.asList(v)); break; }
                    case 'e': { List<Object> items = popMark(); append(peek(), items); break; }
                    case 's': { Object v = pop(), k = pop(); setItems(peek(), Arrays.asList(k, v)); break; }
                    case 'u': { List<Object> items = popMark(); setItems(peek(), items); break; }
                    case 'g': push(memoGet(Long.parseLong(line().trim()))); break;
                    case 'h': push(memoGet(in.get() & 0xff)); break;
                    case 'j': push(memoGet(Integer.toUnsignedLong(in.getInt()))); break;
                    case 'p': memo.put(Long.parseLong(line().trim()), peek()); break;
                    case 'q': memo.put((long) (in.get() & 0xff), peek()); break;
                    case 'r': memo.put(Integer.toUnsignedLong(in.getInt()), peek()); break;
                    case 0x94: memo.put((long) memo.size(), peek()); break;
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
                        push(call(func, args, "REDUCE"));
                        break;
                    }
                    case 'i': { // INST (protocol 0): Python calls module.name(*args)
                        String module = line(), name = line();
                        List<Object> args = popMark();
                        push(call(resolve(module, name), new Tuple(args.toArray()), "INST"));
                        break;
                    }
                    case 'o': { // OBJ (protocol 1): Python calls cls(*args)
                        List<Object> items = popMark();
                        if (items.isEmpty()) throw new PickleError("OBJ without a class");
                        push(call(items.get(0), new Tuple(items.subList(1, items.size()).toArray()), "OBJ"));
                        break;
                    }
                    case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
                        Object args = pop(), cls = pop();
                        push(newObject(cls, asTuple(args, "NEWOBJ arguments")));
                        break;
                    }
                    case 0x92: { // NEWOBJ_EX
                        Object kwargs = pop(), args = pop(), cls = pop();
                        if (kwargs instanceof Map<?, ?> kw && !kw.isEmpty()) {
                            throw new PickleError("NEWOBJ_EX with keyword arguments for " + describe(cls) + " is not supported");
                        }
                        push(newObject(cls, asTuple(args, "NEWOBJ_EX arguments")));
                        break;
                    }
                    case 'b': { // BUILD: inst.__setstate__(state) or inst.__dict__.update(state)
                        Object state = pop();
                        Object inst = peek();
                        if (inst instanceof Instance i) i.state(state);
                        else if (inst instanceof Map<?, ?>) {
                            // attributes on an OrderedDict (torch's state_dict()._metadata): kept out of the mapping
                        } else if (state != null && !(state instanceof Map<?, ?> m && m.isEmpty())) {
                            throw new PickleError("BUILD with state on " + describe(inst) + " is not supported");
                        }
                        break;
                    }
                    case 'Q': { // BINPERSID
                        Object pid = pop();
                        if (persistentLoad == null) throw new PickleError("persistent id " + pid + " where none is expected");
                        push(persistentLoad.apply(pid));
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
            module = ALIASES.getOrDefault(module, module);
            String q = module + "." + name;
            Callable c = allowed.get(q);
            return c != null ? c : new Global(module, name);
        }

        Object call(Object func, Object args, String op) {
            if (func instanceof Callable c) return c.function().apply(asTuple(args, c.qualifiedName() + " arguments"));
            if (func instanceof Global g) {
                throw new PickleError("pickle calls " + g.qualifiedName() + " (" + op + "), which is not allowed (allowed: "
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
        }

        void putAll(Map<Object, Object> d, List<Object> kv) {
            if (kv.size() % 2 != 0) throw new PickleError("odd number of items for a dict");
            for (int i = 0; i < kv.size(); i += 2) d.put(hashable(kv.get(i)), kv.get(i + 1));
        }

        Object memoGet(long key) {
            if (!memo.containsKey(key)) throw new PickleError("memo key " + key + " is not defined");
            return memo.get(key);
        }

        void push(Object o) { stack.add(o); }

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
            if (n < 0 || n > in.remaining()) throw new PickleError("pickle is truncated (a " + n + "-byte value runs past its end)");
            byte[] b = new byte[(int) n];
            in.get(b);
            return b;
        }

        Object readLong(int n) {
            byte[] b = bytes(n);
            if (n == 0) return 0L;
            byte[] be = new byte[n];
            for (int i = 0; i < n; i++) be[i] = b[n - 1 - i];
            return normalise(new BigInteger(be));
        }

        String line() { return line(StandardCharsets.UTF_8); }

        String line(java.nio.charset.Charset cs) {
            int start = in.position();
            while (true) {
                if (!in.hasRemaining()) throw new PickleError("pickle is truncated (unterminated text line)");
                if (in.get() == '\n') break;
            }
            int end = in.position() - 1;
            byte[] b = new byte[end - start];
            in.get(start, b);
            return new String(b, cs);
        }
    }

    static Object normalise(BigInteger v) { return v.bitLength() < 64 ? (Object) v.longValue() : v; }

    /** Protocol-0 STRING: a Python repr with quotes; decodes the common escapes. */
    static String unquote(String s) {
        s = s.trim();
        if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
            s = s.substring(1, s.length() - 1);
        } else {
            throw new PickleError("malformed STRING " + s);
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
    static Object hashable(Object k) {
        if (k instanceof Tuple t) {
            for (Object o : t) hashable(o);
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
        if (o instanceof Global g) return "the global " + g.qualifiedName();
        if (o instanceof Callable c) return "the allowed callable " + c.qualifiedName();
        if (o instanceof Instance i) return "an inert " + i.type().qualifiedName() + " object";
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

    private static String describeShort(Object o) {
        if (o instanceof String s) return "'" + s + "'";
        if (o instanceof byte[] b) return "b<" + b.length + " bytes>";
        return String.valueOf(o);
    }
}
