package org.mask3d.data;

import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.io.Images;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A static test scene that SIFT can match: planar patches covered in multi-scale value noise (no repetition, blobs
 * from ~3 to ~24 pixels across), at depths 3 to 14 with a slanted card and a ground plane, seen by a toed-in rig of
 * cameras with small height, depth, pitch and roll offsets. Ray-cast with 3×3 supersampling; deterministic (the
 * texture is a hash of lattice coordinates, no random state).
 *
 * <p>World coordinates are OpenCV's (x right, y down, z forward), roughly camera 0's. {@link SyntheticScene}'s
 * smooth periodic textures give SIFT too little to hold on to; this scene exists for the COLMAP test.
 */
final class TexturedRig {

    /** A textured parallelogram {@code o + a·u + b·v}, {@code a ∈ [0, lu], b ∈ [0, lv]} (u, v orthonormal). */
    record Patch(double[] o, double[] u, double[] v, double lu, double lv, long seed, double cell) {
        double[] normal() { return Mat.normalize(Mat.cross(u, v)); }
    }

    final int width, height;
    final List<Patch> patches = new ArrayList<>();
    final List<Camera> cameras = new ArrayList<>();

    /**
     * @param width      image width (focal length 0.75·W, principal point centred)
     * @param height     image height
     * @param numCameras cameras on a 1 m wide arc, all looking at a point 7 m ahead
     */
    TexturedRig(int width, int height, int numCameras) {
        this.width = width;
        this.height = height;
        double f = 0.75 * width;
        double inf = 1e4;
        // far wall, a ground plane below the rig (y down), four cards, one of them turned 35° about the vertical
        add(new double[]{-inf / 2, -inf / 2, 14}, new double[]{1, 0, 0}, new double[]{0, 1, 0}, inf, inf, 1, 14, f);
        add(new double[]{-inf / 2, 1.2, 1.0}, new double[]{1, 0, 0}, new double[]{0, 0, 1}, inf, 13, 2, 5, f);
        add(new double[]{-1.7, -0.9, 4}, new double[]{1, 0, 0}, new double[]{0, 1, 0}, 1.3, 1.4, 3, 4, f);
        add(new double[]{0.3, -0.2, 3}, new double[]{1, 0, 0}, new double[]{0, 1, 0}, 0.7, 1.0, 4, 3, f);
        double a = Math.toRadians(35);
        add(new double[]{0.7, -1.0, 6.2}, new double[]{Math.cos(a), 0, Math.sin(a)}, new double[]{0, 1, 0}, 1.4, 1.3, 5, 6.5, f);
        add(new double[]{-2.6, -2.6, 9}, new double[]{1, 0, 0}, new double[]{0, 1, 0}, 3.0, 1.5, 6, 9, f);
        double[] target = {0, 0, 7};
        for (int i = 0; i < numCameras; i++) {
            double s = numCameras == 1 ? 0 : (double) i / (numCameras - 1) - 0.5;   // -0.5 .. 0.5
            double[] c = {s * 1.0, 0.04 * Math.sin(2.1 * i), 0.3 * s * s + 0.05 * Math.cos(1.3 * i)};
            double roll = Math.toRadians(2.5 * Math.sin(1.7 * i + 0.4));
            double pitch = Math.toRadians(2.0 * Math.cos(2.3 * i));
            cameras.add(new Camera(Camera.intrinsics(f, width, height), lookAt(c, target, pitch, roll), width, height));
        }
    }

    /** A patch whose finest noise cell is about 3 pixels at depth {@code z} (coarser cells 6, 12, 24 px). */
    private void add(double[] o, double[] u, double[] v, double lu, double lv, long seed, double z, double f) {
        patches.add(new Patch(o, u, v, lu, lv, seed, 3 * z / f));
    }

    /** OpenCV w2c of a camera at {@code c} looking at {@code target}, then tilted by pitch and rolled. */
    static double[] lookAt(double[] c, double[] target, double pitch, double roll) {
        double[] z = Mat.normalize(new double[]{target[0] - c[0], target[1] - c[1], target[2] - c[2]});
        double[] x = Mat.normalize(Mat.cross(new double[]{0, 1, 0}, z));   // y down: right = down × forward
        double[] y = Mat.cross(z, x);
        double[] r = {x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]};
        double cp = Math.cos(pitch), sp = Math.sin(pitch), cr = Math.cos(roll), sr = Math.sin(roll);
        double[] rx = {1, 0, 0, 0, cp, -sp, 0, sp, cp};
        double[] rz = {cr, -sr, 0, sr, cr, 0, 0, 0, 1};
        r = Mat.mul(rz, Mat.mul(rx, r));
        double[] t = Mat.apply(r, c);
        return Mat.rigid(r, new double[]{-t[0], -t[1], -t[2]});
    }

    /** The scene seen by {@code cam}: [3,H,W] in [0,1]. */
    float[] render(Camera cam) {
        int h = cam.height(), w = cam.width(), ss = 3;
        float[] out = new float[3 * h * w];
        double[] c2w = cam.c2w(), kinv = Mat.inverse(cam.k());
        double[] o = {c2w[3], c2w[7], c2w[11]};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[] acc = new double[3];
                for (int sy = 0; sy < ss; sy++) {
                    for (int sx = 0; sx < ss; sx++) {
                        double[] rc = Mat.apply(kinv, new double[]{x + (sx + 0.5) / ss, y + (sy + 0.5) / ss, 1});
                        double[] d = {c2w[0] * rc[0] + c2w[1] * rc[1] + c2w[2] * rc[2],
                                c2w[4] * rc[0] + c2w[5] * rc[1] + c2w[6] * rc[2],
                                c2w[8] * rc[0] + c2w[9] * rc[1] + c2w[10] * rc[2]};
                        double[] col = shade(o, d);
                        for (int k = 0; k < 3; k++) acc[k] += col[k];
                    }
                }
                for (int k = 0; k < 3; k++) out[k * h * w + y * w + x] = (float) (acc[k] / (ss * ss));
            }
        }
        return out;
    }

    private double[] shade(double[] o, double[] d) {
        double best = Double.POSITIVE_INFINITY;
        Patch hit = null;
        double hu = 0, hv = 0;
        for (Patch p : patches) {
            double[] n = p.normal();
            double den = n[0] * d[0] + n[1] * d[1] + n[2] * d[2];
            if (Math.abs(den) < 1e-12) continue;
            double t = ((p.o()[0] - o[0]) * n[0] + (p.o()[1] - o[1]) * n[1] + (p.o()[2] - o[2]) * n[2]) / den;
            if (!(t > 0 && t < best)) continue;
            double[] q = {o[0] + t * d[0] - p.o()[0], o[1] + t * d[1] - p.o()[1], o[2] + t * d[2] - p.o()[2]};
            double a = q[0] * p.u()[0] + q[1] * p.u()[1] + q[2] * p.u()[2];
            double b = q[0] * p.v()[0] + q[1] * p.v()[1] + q[2] * p.v()[2];
            if (a < 0 || a > p.lu() || b < 0 || b > p.lv()) continue;
            best = t;
            hit = p;
            hu = a;
            hv = b;
        }
        if (hit == null) return new double[]{0.5, 0.5, 0.5};
        double[] col = new double[3];
        for (int k = 0; k < 3; k++) {
            double s = 0, amp = 0.5;
            for (int oct = 3; oct >= 0; oct--) {   // cells 24, 12, 6, 3 px
                double cell = hit.cell() * (1 << oct);
                s += amp * valueNoise(hu / cell, hv / cell, hit.seed() * 131 + k * 17 + oct);
                amp *= 0.75;
            }
            col[k] = Math.max(0, Math.min(1, 0.5 + 1.1 * (s - 0.5 * (0.5 + 0.375 + 0.28125 + 0.2109375))));
        }
        return col;
    }

    /** Smoothly interpolated lattice noise in [0,1]. */
    private static double valueNoise(double u, double v, long seed) {
        double fu = Math.floor(u), fv = Math.floor(v);
        long iu = (long) fu, iv = (long) fv;
        double a = u - fu, b = v - fv;
        a = a * a * (3 - 2 * a);
        b = b * b * (3 - 2 * b);
        double v00 = hash(iu, iv, seed), v10 = hash(iu + 1, iv, seed), v01 = hash(iu, iv + 1, seed), v11 = hash(iu + 1, iv + 1, seed);
        return (v00 * (1 - a) + v10 * a) * (1 - b) + (v01 * (1 - a) + v11 * a) * b;
    }

    private static double hash(long x, long y, long seed) {
        long h = x * 0x9E3779B97F4A7C15L ^ y * 0xC2B2AE3D27D4EB4FL ^ seed * 0x165667B19E3779F9L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Writes frame 0 of every camera as {@code dir/frames/camNN/00000.png}. */
    void writeFrames(Path dir) {
        for (int c = 0; c < cameras.size(); c++) {
            Images.writePng(dir.resolve(String.format("frames/cam%02d/00000.png", c)), render(cameras.get(c)), 3, height, width);
        }
    }
}
