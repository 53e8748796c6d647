package org.mask3d.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Time to read one released-size (360×640) LZF frame. Skipped unless a full-size file is named, because making one
 * needs h5py:
 * <pre>
 *   /usr/bin/python3 lib/src/test/python/make_h5_fixture.py --full /tmp/h5full/scene900.h5
 *   MASK3D_H5BENCH=/tmp/h5full/scene900.h5 mvn -B -q test -Dtest=H5ReadBenchTest   (from lib/)
 * </pre>
 * Prints the median of repeated reads (the file is in the page cache after the first): the whole
 * {@link AuthorsH5Scene#frame} call, jhdf's decoding of the one chunk alone, and, for comparison, jhdf's own
 * slicing {@code Dataset.getData(offset, shape)} of the same image.
 */
class H5ReadBenchTest {
    @Test void oneFullSizeFrame() {
        String p = System.getenv("MASK3D_H5BENCH");
        if (p == null) p = System.getProperty("mask3d.h5bench");
        assumeTrue(p != null && Files.isRegularFile(Path.of(p)), "set MASK3D_H5BENCH to a full-size h5 file");
        Path file = Path.of(p);
        long t0 = System.nanoTime();
        try (AuthorsH5Scene s = AuthorsH5Scene.open(file)) {
            double openMs = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            float[] first = s.frame(0, 0);
            double firstMs = (System.nanoTime() - t0) / 1e6;
            assertEquals(3 * s.height() * s.width(), first.length);
            int n = 200;
            double[] frame = new double[n], fg = new double[n], chunk = new double[n], slice = new double[20];
            for (int i = 0; i < n; i++) {
                int t = i % s.numFrames();
                long a = System.nanoTime();
                s.frame(0, t);
                frame[i] = (System.nanoTime() - a) / 1e6;
                a = System.nanoTime();
                s.foreground(0, t);
                fg[i] = (System.nanoTime() - a) / 1e6;
            }
            try (HdfFile h = new HdfFile(file)) {
                ChunkedDataset d = (ChunkedDataset) h.getDatasetByPath("rgb");
                for (int i = 0; i < n; i++) {
                    long a = System.nanoTime();
                    d.getDecompressedChunk(new int[]{0, i % s.numFrames(), 0, 0, 0});
                    chunk[i] = (System.nanoTime() - a) / 1e6;
                }
                Dataset ds = h.getDatasetByPath("rgb");
                for (int i = 0; i < slice.length; i++) {
                    long a = System.nanoTime();
                    ds.getData(new long[]{0, i % s.numFrames(), 0, 0, 0}, new int[]{1, 1, s.height(), s.width(), 3});
                    slice[i] = (System.nanoTime() - a) / 1e6;
                }
            }
            System.out.printf("h5 read %s (%dx%d): open %.1f ms, first frame %.1f ms; median of %d: frame() %.2f ms, "
                            + "foreground() %.2f ms, jhdf decode of the chunk alone %.2f ms; jhdf getData slice %.1f ms%n",
                    file.getFileName(), s.width(), s.height(), openMs, firstMs, n, median(frame), median(fg),
                    median(chunk), median(slice));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
