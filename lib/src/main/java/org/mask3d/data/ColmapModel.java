package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Mat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A COLMAP sparse model in its text form ({@code cameras.txt}, {@code images.txt}, {@code points3D.txt}, as
 * {@code colmap model_converter --output_type TXT} writes it).
 *
 * <p>COLMAP's camera axes are OpenCV's (x right, y down, z forward); an image's {@code (qw, qx, qy, qz, tx, ty, tz)}
 * is its world-to-camera transform {@code p_cam = R(q) p_world + t}. Image ids, camera ids and file names are three
 * independent numberings: the feature extractor's threads hand out ids in any order, so nothing here assumes that
 * image id k is the k-th file.
 */
public record ColmapModel(Map<Integer, CameraModel> cameras, Map<Integer, Image> images, List<Point> points) {

    /** One line of {@code cameras.txt}: {@code CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]}. */
    public record CameraModel(int id, String model, int width, int height, double[] params) {}

    /** The first line of an image in {@code images.txt}: {@code IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME}. */
    public record Image(int id, double[] qvec, double[] tvec, int cameraId, String name) {
        /** World-to-camera rotation [3,3] (row-major) of the unit quaternion {@code (qw, qx, qy, qz)}. */
        public double[] rotation() { return quaternionToRotation(qvec); }

        /** World-to-camera [4,4], OpenCV camera axes. */
        public double[] w2c() { return Mat.rigid(rotation(), tvec); }
    }

    /** One line of {@code points3D.txt}: position and the ids of the images whose features it is triangulated from. */
    public record Point(long id, double[] xyz, double error, int[] imageIds) {}

    /**
     * The rotation matrix of a quaternion {@code (w, x, y, z)}, normalised first; the formula of COLMAP's
     * {@code QuaternionToRotationMatrix} and of {@code colmap_read_model.qvec2rotmat}.
     */
    public static double[] quaternionToRotation(double[] q) {
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
        return new double[]{
                1 - 2 * y * y - 2 * z * z, 2 * x * y - 2 * w * z, 2 * x * z + 2 * w * y,
                2 * x * y + 2 * w * z, 1 - 2 * x * x - 2 * z * z, 2 * y * z - 2 * w * x,
                2 * x * z - 2 * w * y, 2 * y * z + 2 * w * x, 1 - 2 * x * x - 2 * y * y};
    }

    /** The image called {@code name}, or null. */
    public Image imageNamed(String name) {
        for (Image im : images.values()) if (im.name().equals(name)) return im;
        return null;
    }

    /**
     * Reads {@code dir/cameras.txt}, {@code dir/images.txt} and {@code dir/points3D.txt}.
     *
     * @throws InputException naming the file and line of anything missing or malformed
     */
    public static ColmapModel readText(Path dir) {
        Map<Integer, CameraModel> cams = new LinkedHashMap<>();
        Path cf = dir.resolve("cameras.txt");
        List<String> lines = lines(cf);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] s = l.split("\\s+");
            if (s.length < 5) throw bad(cf, i, "CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]", l);
            try {
                double[] p = new double[s.length - 4];
                for (int j = 0; j < p.length; j++) p[j] = Double.parseDouble(s[4 + j]);
                CameraModel c = new CameraModel(Integer.parseInt(s[0]), s[1], Integer.parseInt(s[2]), Integer.parseInt(s[3]), p);
                cams.put(c.id(), c);
            } catch (NumberFormatException e) {
                throw bad(cf, i, "CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]", l);
            }
        }

        // images.txt: two lines per image, the second (its 2-D points) may be empty, so only leading '#' lines skip
        Map<Integer, Image> imgs = new LinkedHashMap<>();
        Path inf = dir.resolve("images.txt");
        lines = lines(inf);
        int i = 0;
        while (i < lines.size() && lines.get(i).startsWith("#")) i++;
        for (; i < lines.size(); i += 2) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) continue;   // a trailing blank line
            String[] s = l.split("\\s+", 10);
            String form = "IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME";
            if (s.length < 10) throw bad(inf, i, form, l);
            try {
                double[] q = new double[4], t = new double[3];
                for (int j = 0; j < 4; j++) q[j] = Double.parseDouble(s[1 + j]);
                for (int j = 0; j < 3; j++) t[j] = Double.parseDouble(s[5 + j]);
                Image im = new Image(Integer.parseInt(s[0]), q, t, Integer.parseInt(s[8]), s[9]);
                if (!cams.containsKey(im.cameraId())) {
                    throw new InputException(inf + " line " + (i + 1) + ": image " + im.name() + " uses camera "
                            + im.cameraId() + ", which " + cf + " does not list");
                }
                imgs.put(im.id(), im);
            } catch (NumberFormatException e) {
                throw bad(inf, i, form, l);
            }
        }

        List<Point> pts = new ArrayList<>();
        Path pf = dir.resolve("points3D.txt");
        lines = lines(pf);
        for (i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] s = l.split("\\s+");
            String form = "POINT3D_ID X Y Z R G B ERROR (IMAGE_ID POINT2D_IDX)...";
            if (s.length < 8 || (s.length - 8) % 2 != 0) throw bad(pf, i, form, l);
            try {
                int[] ids = new int[(s.length - 8) / 2];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = Integer.parseInt(s[8 + 2 * j]);
                    if (!imgs.containsKey(ids[j])) {
                        throw new InputException(pf + " line " + (i + 1) + ": point " + s[0] + " is seen by image "
                                + ids[j] + ", which " + inf + " does not list");
                    }
                }
                pts.add(new Point(Long.parseLong(s[0]), new double[]{Double.parseDouble(s[1]), Double.parseDouble(s[2]),
                        Double.parseDouble(s[3])}, Double.parseDouble(s[7]), ids));
            } catch (NumberFormatException e) {
                throw bad(pf, i, form, l);
            }
        }
        return new ColmapModel(cams, imgs, pts);
    }

    /** Writes the model as COLMAP text files into {@code dir} (no 2-D points; tracks point at index 0). */
    public void writeText(Path dir) {
        StringBuilder c = new StringBuilder("# CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n");
        for (CameraModel m : cameras.values()) {
            c.append(m.id()).append(' ').append(m.model()).append(' ').append(m.width()).append(' ').append(m.height());
            for (double p : m.params()) c.append(' ').append(p);
            c.append('\n');
        }
        StringBuilder im = new StringBuilder("# IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n# POINTS2D[] as (X, Y, POINT3D_ID)\n");
        for (Image m : images.values()) {
            im.append(m.id());
            for (double q : m.qvec()) im.append(' ').append(q);
            for (double t : m.tvec()) im.append(' ').append(t);
            im.append(' ').append(m.cameraId()).append(' ').append(m.name()).append("\n\n");
        }
        StringBuilder p = new StringBuilder("# POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n");
        for (Point m : points) {
            p.append(m.id()).append(' ').append(m.xyz()[0]).append(' ').append(m.xyz()[1]).append(' ').append(m.xyz()[2])
                    .append(" 128 128 128 ").append(m.error());
            for (int id : m.imageIds()) p.append(' ').append(id).append(" 0");
            p.append('\n');
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("cameras.txt"), c, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("images.txt"), im, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("points3D.txt"), p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("cannot write a COLMAP model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A unit quaternion {@code (w, x, y, z)} of a rotation matrix (Shepperd's method, w ≥ 0). */
    public static double[] rotationToQuaternion(double[] r) {
        double tr = r[0] + r[4] + r[8];
        double w, x, y, z;
        if (tr > 0) {
            double s = Math.sqrt(tr + 1) * 2;
            w = s / 4; x = (r[7] - r[5]) / s; y = (r[2] - r[6]) / s; z = (r[3] - r[1]) / s;
        } else if (r[0] > r[4] && r[0] > r[8]) {
            double s = Math.sqrt(1 + r[0] - r[4] - r[8]) * 2;
            w = (r[7] - r[5]) / s; x = s / 4; y = (r[1] + r[3]) / s; z = (r[2] + r[6]) / s;
        } else if (r[4] > r[8]) {
            double s = Math.sqrt(1 + r[4] - r[0] - r[8]) * 2;
            w = (r[2] - r[6]) / s; x = (r[1] + r[3]) / s; y = s / 4; z = (r[5] + r[7]) / s;
        } else {
            double s = Math.sqrt(1 + r[8] - r[0] - r[4]) * 2;
            w = (r[3] - r[1]) / s; x = (r[2] + r[6]) / s; y = (r[5] + r[7]) / s; z = s / 4;
        }
        double sg = w < 0 ? -1 : 1;
        return new double[]{sg * w, sg * x, sg * y, sg * z};
    }

    /** Images per point: for each image id, the points whose track contains it (each point once). */
    public Map<Integer, List<Point>> pointsByImage() {
        Map<Integer, List<Point>> out = new HashMap<>();
        for (Integer id : images.keySet()) out.put(id, new ArrayList<>());
        for (Point p : points) {
            int[] ids = p.imageIds().clone();
            java.util.Arrays.sort(ids);
            for (int j = 0; j < ids.length; j++) {
                if (j > 0 && ids[j] == ids[j - 1]) continue;
                out.get(ids[j]).add(p);
            }
        }
        return out;
    }

    private static List<String> lines(Path f) {
        if (!Files.isRegularFile(f)) throw new InputException("COLMAP model file not found: " + f);
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("cannot read " + f + ": " + org.mask3d.io.Untrusted.reason(e), e);
        }
    }

    private static InputException bad(Path f, int line, String expected, String got) {
        String g = got.length() > 80 ? got.substring(0, 80) + "…" : got;
        return new InputException(f + " line " + (line + 1) + ": expected '" + expected + "', got '" + g + "'");
    }
}
