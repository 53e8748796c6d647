package org.mask3d.cli;

import org.mask3d.InputException;
import org.mask3d.io.Fuzz;
import org.mask3d.io.Untrusted;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mask3d fuzz}: the long mode of the readers' seeded mutation fuzzer ({@link Fuzz}). */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Feeds mutated files (bit flips, inserted/deleted bytes, truncation, spliced headers, size fields) to "
                + "the npy, npz and PyTorch checkpoint readers until the time is up. Only the project's one-line input error "
                + "may come out; any other exception, a read over 2 s or a stack overflow is a failure, and its input is "
                + "written to --out. Exit 0 when nothing failed."},
        footer = {"", "Examples:", "  ./mask3d fuzz --minutes 10", "  ./mask3d fuzz --minutes 2 --reader checkpoint --seed 7 --out /tmp/crashes"})
final class FuzzCommand implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "5", description = "How long to fuzz (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--reader", defaultValue = "all", description = "npy, npz, checkpoint or all (default: ${DEFAULT-VALUE}).")
    String reader;

    @Option(names = "--seed", description = "Seed of the mutations (default: the clock; printed so a run can be repeated).")
    Long seed;

    @Option(names = "--out", defaultValue = "fuzz-crashes", description = "Folder for failing inputs (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override public Integer call() throws Exception {
        if (!(minutes > 0) || minutes > 24 * 60) throw new InputException("--minutes must be in (0, 1440], got " + minutes);
        List<String> readers = reader.equals("all") ? Fuzz.READERS : List.of(reader);
        if (!Fuzz.READERS.containsAll(readers)) {
            throw new InputException("--reader must be npy, npz, checkpoint or all, got " + Untrusted.quote(reader));
        }
        if (System.getProperty(Untrusted.MAX_BYTES_PROPERTY) == null) System.setProperty(Untrusted.MAX_BYTES_PROPERTY, "64m");
        long s = seed != null ? seed : System.nanoTime();
        System.out.printf("fuzzing %s for %.1f min, seed %d, memory budget %d bytes per file, failing inputs to %s%n",
                readers, minutes, s, Untrusted.maxBytes(), out);
        Map<String, Fuzz.Stats> stats = Fuzz.run(readers, s, Long.MAX_VALUE, (long) (minutes * 60e9), out);
        stats.values().forEach(System.out::println);
        long failures = stats.values().stream().mapToLong(x -> x.failures).sum();
        System.out.println(failures == 0 ? "no failures" : failures + " failure(s): inputs in " + out);
        return failures == 0 ? 0 : 1;
    }
}
