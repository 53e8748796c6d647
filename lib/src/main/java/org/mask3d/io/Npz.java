package org.mask3d.io;

import org.mask3d.InputException;

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
     * @throws InputException naming the file on a missing file, a corrupt archive or an unsupported array
     */
    public static Map<String, NpyArray> read(Path path) {
        if (!Files.exists(path)) throw new InputException("file not found: " + path);
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) continue;
                String key = e.getName().substring(0, e.getName().length() - 4);
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(key, Npy.read(in, path + ": " + key));
                }
            }
        } catch (ZipException e) {
            throw new InputException(path + ": not a readable .npz archive (" + e.getMessage() + ")");
        } catch (NoSuchFileException e) {
            throw new InputException("file not found: " + path);
        } catch (IOException e) {
            throw new InputException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Returns {@code arrays.get(key)} or throws an error naming the archive and the keys it has. */
    public static NpyArray require(Map<String, NpyArray> arrays, String key, Path source) {
        NpyArray a = arrays.get(key);
        if (a == null) {
            throw new InputException(source + ": missing array '" + key + "' (has " + arrays.keySet() + ")");
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
