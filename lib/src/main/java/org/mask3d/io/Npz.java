package org.mask3d.io;

import org.mask3d.InputException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** numpy {@code .npz} archives (stored or deflated): a zip of {@code .npy} files, one per key. */
public final class Npz {
    private Npz() {}

    /**
     * Reads every array of an archive, in archive order. Keys are the entry names without {@code .npy}.
     *
     * <p>Each record is checked before its array is allocated: its {@code .npy} header must declare exactly the
     * record's size from the zip directory, and all arrays together must fit the memory budget
     * ({@link Untrusted#maxBytes()}); its data must then match that size and the record's CRC-32 (a flipped byte or
     * a zip bomb whose directory lies is an error naming the record, never a silently wrong array).
     *
     * @throws InputException naming the file on a missing file, a corrupt archive or an unsupported array
     */
    public static Map<String, NpyArray> read(Path path) {
        if (!Files.exists(path)) throw new InputException("file not found: " + path);
        Map<String, NpyArray> out = new LinkedHashMap<>();
        String src = path.toString();
        Untrusted.Budget budget = new Untrusted.Budget(src);
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) continue;
                String key = e.getName().substring(0, e.getName().length() - 4);
                String name = src + ": " + Untrusted.quote(key);
                if (out.containsKey(key)) throw new InputException(name + ": the archive holds this key twice");
                try (CheckedZipEntry in = CheckedZipEntry.open(zip, e, src)) {
                    long size = in.declaredSize();
                    Npy.Header h = Npy.readHeader(in, name, size);
                    if (size >= 0 && h.headerBytes() + h.dataBytes() != size) {
                        throw new InputException(name + ": the .npy header declares " + h.dataBytes() + " bytes of data (shape "
                                + java.util.Arrays.toString(h.shape()) + " " + h.descr() + "), but the record holds "
                                + Math.max(0, size - h.headerBytes()));
                    }
                    if (h.dataBytes() > Integer.MAX_VALUE - 64) {
                        throw new InputException(name + ": array too large (" + h.dataBytes() + " bytes; at most "
                                + (Integer.MAX_VALUE - 64) + " per array)");
                    }
                    budget.charge(h.dataBytes(), "array " + Untrusted.quote(key) + " (shape " + java.util.Arrays.toString(h.shape())
                            + " " + h.descr() + ")");
                    NpyArray a = Npy.readData(in, name, h, size >= 0);
                    in.readToEnd();
                    out.put(key, a);
                }
            }
        } catch (ZipException e) {
            throw new InputException(path + ": not a readable .npz archive (" + Untrusted.text(e.getMessage()) + ")");
        } catch (NoSuchFileException e) {
            throw new InputException("file not found: " + path);
        } catch (EOFException e) {
            throw new InputException(path + ": not a readable .npz archive (a record ends early)");
        } catch (IOException e) {
            throw new InputException("cannot read " + path + ": " + Untrusted.reason(e), e);
        }
        return out;
    }

    /** Returns {@code arrays.get(key)} or throws an error naming the archive and the keys it has. */
    public static NpyArray require(Map<String, NpyArray> arrays, String key, Path source) {
        NpyArray a = arrays.get(key);
        if (a == null) {
            StringBuilder has = new StringBuilder("[");
            for (String k : arrays.keySet()) has.append(has.length() > 1 ? ", " : "").append(Untrusted.text(k));
            throw new InputException(source + ": missing array '" + key + "' (has " + has + "])");
        }
        return a;
    }

    /** Writes arrays as a deflated {@code .npz}, atomically. */
    public static void write(Path path, Map<String, NpyArray> arrays) {
        AtomicFiles.write(path, os -> {
            ZipOutputStream zip = new ZipOutputStream(os);
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                Npy.write(zip, e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
