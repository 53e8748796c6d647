package org.mask3d.train;

import org.mask3d.io.AtomicFiles;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code metrics.csv} of a run, through Tablesaw: one row per logged step ({@code kind} train, val or skipped) with
 * step, wall time (seconds of training, over every session of the run), total loss, each loss term, PSNR and
 * learning rate. The whole file is rewritten atomically at each log (small at these sizes), so a kill never leaves
 * a torn row; on resume the rows after the checkpoint's step are dropped (they are recomputed).
 */
public final class MetricsLog {
    private final Path file;
    private final Table table;
    private final List<String> terms;

    private MetricsLog(Path file, Table table, List<String> terms) {
        this.file = file;
        this.table = table;
        this.terms = terms;
    }

    private static Table empty(List<String> terms) {
        Table t = Table.create("metrics", LongColumn.create("step"), DoubleColumn.create("wall_s"), StringColumn.create("kind"),
                DoubleColumn.create("loss"));
        for (String term : terms) t.addColumns(DoubleColumn.create(term));
        t.addColumns(DoubleColumn.create("psnr"), DoubleColumn.create("lr"));
        return t;
    }

    /** A new log, or the existing one's rows up to {@code upToStep} (resume). */
    public static MetricsLog open(Path file, List<String> terms, long upToStep) {
        if (!Files.exists(file) || upToStep <= 0) return new MetricsLog(file, empty(terms), terms);
        try {
            String header = Files.readAllLines(file).get(0);
            String[] names = header.split(",");
            ColumnType[] types = new ColumnType[names.length];
            for (int i = 0; i < names.length; i++) {
                types[i] = switch (names[i]) {
                    case "step" -> ColumnType.LONG;
                    case "kind" -> ColumnType.STRING;
                    default -> ColumnType.DOUBLE;
                };
            }
            Table read = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).columnTypes(types));
            Table t = empty(terms);
            for (Row r : read) {
                if (r.getLong("step") > upToStep) continue;
                t.longColumn("step").append(r.getLong("step"));
                t.stringColumn("kind").append(r.getString("kind"));
                for (String c : t.columnNames()) {
                    if (c.equals("step") || c.equals("kind")) continue;
                    t.doubleColumn(c).append(read.columnNames().contains(c) ? r.getDouble(c) : Double.NaN);
                }
            }
            return new MetricsLog(file, t, terms);
        } catch (IOException | RuntimeException e) {
            throw new org.mask3d.InputException(file + ": unreadable metrics (" + e.getMessage() + ")", e);
        }
    }

    /** Appends a row and rewrites the file. */
    public void log(long step, double wall, String kind, TrainingStage.Stats st, double lr) {
        table.longColumn("step").append(step);
        table.doubleColumn("wall_s").append(wall);
        table.stringColumn("kind").append(kind);
        table.doubleColumn("loss").append(st.loss());
        for (String term : terms) table.doubleColumn(term).append(st.terms().getOrDefault(term, Double.NaN));
        table.doubleColumn("psnr").append(st.psnr());
        table.doubleColumn("lr").append(lr);
        write();
    }

    private void write() { AtomicFiles.writeCsv(file, table); }

    /** The rows so far. */
    public Table table() { return table; }

}
