package org.mask3d.io;

import org.mask3d.InputException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A command's memory estimate, checked against the machine before anything is allocated: commands that size their
 * arrays from user-given numbers (an image size, a plane count, a frame count) add up what they will hold and call
 * {@link Estimate#require} first, so an absurd size ends in one line giving the estimate and the limit instead of an
 * {@code OutOfMemoryError}, a {@code NegativeArraySizeException} or the host's OOM killer.
 *
 * <p>Two kinds of memory are counted: <em>heap</em> (Java arrays: images, MPIs, PSVs) and <em>native</em>
 * (libtorch tensors of the DJL networks, outside the heap). An estimate fits when its heap part is at most the JVM's
 * maximum heap and its total is at most the machine's physical memory ({@code MemTotal} of {@code /proc/meminfo},
 * else the operating system's MXBean). The system property {@value #PROPERTY} (bytes; suffixes {@code k}, {@code m},
 * {@code g}) replaces the physical memory, e.g. to keep a run inside a container's limit.
 *
 * <p>Sizes are counted in {@code long} with saturation: a product that overflows is {@link Long#MAX_VALUE}, which
 * never fits.
 */
public final class MemoryLimit {
    private MemoryLimit() {}

    /** The system property that replaces the physical memory as the limit. */
    public static final String PROPERTY = "mask3d.memoryLimit";

    /** The JVM's maximum heap in bytes. */
    public static long maxHeap() { return Runtime.getRuntime().maxMemory(); }

    /** The physical memory in bytes: {@value #PROPERTY} if set, else MemTotal, else the OS MXBean's total. */
    public static long physical() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) return parseSize(p, PROPERTY);
        long t = meminfo("MemTotal:");
        if (t > 0) return t;
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize();
        return Long.MAX_VALUE;
    }

    private static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key)) {
                    String[] t = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(t[0]) * (t.length > 1 && t[1].equalsIgnoreCase("kB") ? 1024 : 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static long parseSize(String p, String what) {
        String t = p.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Math.multiplyExact(Long.parseLong(t), unit);
            if (v > 0) return v;
        } catch (NumberFormatException | ArithmeticException ignored) {
            // reported below
        }
        throw new InputException("system property " + what + " must be a positive size in bytes (e.g. 8g), got " + Untrusted.quote(p));
    }

    /** {@code a·b·…} saturated at {@link Long#MAX_VALUE} (negative factors count as overflow too). */
    public static long product(long... f) {
        long r = 1;
        for (long v : f) {
            if (v < 0) return Long.MAX_VALUE;
            if (v != 0 && r > Long.MAX_VALUE / v) return Long.MAX_VALUE;
            r *= v;
        }
        return r;
    }

    /** {@code a + b} saturated at {@link Long#MAX_VALUE}. */
    public static long plus(long a, long b) {
        long r = a + b;
        return (a > 0 && b > 0 && r < 0) ? Long.MAX_VALUE : r;
    }

    /** Bytes as "1.2 GB" (powers of 1024; "more than 8 EB" when saturated). */
    public static String human(long bytes) {
        if (bytes == Long.MAX_VALUE) return "more than 8 EB";
        String[] u = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }

    /** A new, empty estimate for {@code what} (e.g. "render at 1920x1080"). */
    public static Estimate estimate(String what) { return new Estimate(what); }

    /** A sum of named parts, each on the heap or native. */
    public static final class Estimate {
        private record Part(String name, long bytes, boolean heap) {}

        private final String what;
        private final List<Part> parts = new ArrayList<>();

        private Estimate(String what) { this.what = what; }

        /** Adds {@code bytes} of Java arrays (saturated; negative counts as overflow). */
        public Estimate heap(String name, long bytes) {
            parts.add(new Part(name, bytes < 0 ? Long.MAX_VALUE : bytes, true));
            return this;
        }

        /** Adds {@code bytes} of native (libtorch) memory. */
        public Estimate nativeMemory(String name, long bytes) {
            parts.add(new Part(name, bytes < 0 ? Long.MAX_VALUE : bytes, false));
            return this;
        }

        public long heapBytes() {
            long s = 0;
            for (Part p : parts) if (p.heap) s = plus(s, p.bytes);
            return s;
        }

        public long nativeBytes() {
            long s = 0;
            for (Part p : parts) if (!p.heap) s = plus(s, p.bytes);
            return s;
        }

        public long totalBytes() { return plus(heapBytes(), nativeBytes()); }

        /** Whether it fits this machine: heap ≤ max heap and total ≤ physical memory. */
        public boolean fits() { return heapBytes() <= maxHeap() && totalBytes() <= physical(); }

        /** "render at 640x360 needs about 1.2 GB (heap 200 MB: images 10 MB, …; native 1.0 GB: networks 1.0 GB)". */
        public String describe() {
            StringBuilder sb = new StringBuilder(what).append(" needs about ").append(human(totalBytes())).append(" (");
            sb.append("heap ").append(human(heapBytes()));
            String hp = list(true), np = list(false);
            if (!hp.isEmpty()) sb.append(": ").append(hp);
            if (nativeBytes() > 0 || !np.isEmpty()) sb.append("; native ").append(human(nativeBytes())).append(": ").append(np);
            return sb.append(")").toString();
        }

        private String list(boolean heap) {
            List<String> s = new ArrayList<>();
            for (Part p : parts) if (p.heap == heap && p.bytes > 0) s.add(p.name + " " + human(p.bytes));
            return String.join(", ", s);
        }

        /**
         * Throws unless the estimate fits.
         *
         * @param hint what to change, e.g. "choose a smaller --size"
         * @throws InputException one line: the estimate, the limit it passes (max heap and physical memory) and the hint
         */
        public Estimate require(String hint) {
            if (fits()) return this;
            long heap = maxHeap(), phys = physical();
            String limit = heapBytes() > heap
                    ? "over the JVM's max heap of " + human(heap) + " (-Xmx; physical memory " + human(phys) + ")"
                    : "over this machine's physical memory of " + human(phys) + " (max heap " + human(heap) + ")";
            throw new InputException(describe() + ", " + limit + (hint == null || hint.isEmpty() ? "" : ": " + hint));
        }
    }
}
