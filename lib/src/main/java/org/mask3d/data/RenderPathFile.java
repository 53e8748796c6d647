package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The render-path text file the released pipeline writes ({@code qual_path.txt}, LLFF's {@code imgs2renderpath.py}):
 * line 1 the pose count; then one line per pose with the 15 numbers of its 3×5 camera-to-world matrix
 * {@code [R | t | hwf]} written column by column, with the rotation's columns in [right, up, backwards] order. In
 * memory poses are LLFF [down, right, backwards] c2w 3×4 (as {@link org.mask3d.geometry.RenderPath} makes them),
 * plus (H, W, f).
 */
public final class RenderPathFile {
    private RenderPathFile() {}

    /** A path pose: LLFF c2w [3,4] row-major and the image's (H, W, f). */
    public record Pose(double[] c2w, double h, double w, double f) {}

    public static void write(Path file, List<Pose> poses) {
        StringBuilder sb = new StringBuilder().append(poses.size()).append('\n');
        for (Pose p : poses) {
            double[] m = p.c2w();
            double[][] cols = new double[5][3];
            for (int i = 0; i < 3; i++) {
                cols[0][i] = m[i * 4 + 1];        // right = LLFF column 1
                cols[1][i] = -m[i * 4];           // up = −down
                cols[2][i] = m[i * 4 + 2];        // backwards
                cols[3][i] = m[i * 4 + 3];
            }
            cols[4] = new double[]{p.h(), p.w(), p.f()};
            List<String> nums = new ArrayList<>();
            for (double[] c : cols) for (double v : c) nums.add(String.format(Locale.ROOT, "%.17g", v));
            sb.append(String.join(" ", nums)).append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static List<Pose> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new InputException("render path not found: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + org.mask3d.io.Untrusted.reason(e), e);
        }
        if (lines.isEmpty()) throw new InputException(file + ": empty; expected the pose count on line 1");
        int n;
        try {
            n = Integer.parseInt(lines.get(0).strip());
        } catch (NumberFormatException e) {
            throw new InputException(file + ":1: expected the pose count, got '" + lines.get(0).strip() + "'");
        }
        List<Pose> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (k + 1 >= lines.size()) throw new InputException(file + ": says " + n + " poses but has " + k);
            String[] parts = lines.get(k + 1).strip().split("\\s+");
            if (parts.length != 15) {
                throw new InputException(file + ":" + (k + 2) + ": expected 15 numbers (a 3x5 pose, column by column), got " + parts.length);
            }
            double[] v = new double[15];
            for (int i = 0; i < 15; i++) {
                try {
                    v[i] = Double.parseDouble(parts[i]);
                } catch (NumberFormatException e) {
                    throw new InputException(file + ":" + (k + 2) + ": '" + parts[i] + "' is not a number");
                }
            }
            double[] c2w = new double[12];
            for (int i = 0; i < 3; i++) {
                c2w[i * 4] = -v[3 + i];     // down = −up
                c2w[i * 4 + 1] = v[i];      // right
                c2w[i * 4 + 2] = v[6 + i];
                c2w[i * 4 + 3] = v[9 + i];
            }
            out.add(new Pose(c2w, v[12], v[13], v[14]));
        }
        return out;
    }
}
