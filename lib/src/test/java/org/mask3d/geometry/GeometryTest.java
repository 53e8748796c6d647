package org.mask3d.geometry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.io.Npy;
import org.mask3d.io.NpyArray;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class GeometryTest {
    @TempDir Path tmp;

    static double[] rotation(double ax, double ay, double az) {
        double[] rx = {1, 0, 0, 0, Math.cos(ax), -Math.sin(ax), 0, Math.sin(ax), Math.cos(ax)};
        double[] ry = {Math.cos(ay), 0, Math.sin(ay), 0, 1, 0, -Math.sin(ay), 0, Math.cos(ay)};
        double[] rz = {Math.cos(az), -Math.sin(az), 0, Math.sin(az), Math.cos(az), 0, 0, 0, 1};
        return Mat.mul(Mat.mul(rz, ry), rx);
    }

    static Camera camera(Random r, int w, int h) {
        double[] rot = rotation(0.1 * r.nextGaussian(), 0.1 * r.nextGaussian(), 0.1 * r.nextGaussian());
        double[] t = {0.2 * r.nextGaussian(), 0.2 * r.nextGaussian(), 0.2 * r.nextGaussian()};
        return new Camera(Camera.intrinsics(0.8 * w, w, h), Mat.rigid(rot, t), w, h);
    }

    @Test void inverseAndRigid() {
        Random r = new Random(1);
        Camera c = camera(r, 64, 48);
        assertArrayEquals(Mat.identity(4), Mat.mul(c.w2c(), c.c2w()), 1e-12);
        double[] m = new double[9];
        for (int i = 0; i < 9; i++) m[i] = r.nextGaussian();
        assertArrayEquals(Mat.identity(3), Mat.mul(m, Mat.inverse(m)), 1e-9);
    }

    @Test void depthsAreLinearInDisparityBackToFront() {
        double[] d = PlaneDepths.inverseLinear(1, 100, 32);
        assertEquals(100, d[0], 0);
        assertEquals(1, d[31], 0);
        for (int i = 1; i < 32; i++) {
            assertTrue(d[i] < d[i - 1]);
            assertEquals(1 / d[i] - 1 / d[i - 1], (1.0 - 0.01) / 31, 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> PlaneDepths.inverseLinear(5, 2, 32));
        assertArrayEquals(new double[]{0.9, 16}, PlaneDepths.sceneBounds(new double[]{1, 2}, new double[]{8, 6}), 1e-12);
    }

    @Test void homographyIdentityForSameCamera() {
        Camera c = camera(new Random(2), 64, 48);
        assertArrayEquals(Mat.identity(3), Homography.targetToReference(c, c, 3.0), 1e-12);
    }

    @Test void homographyMapsPointsOnThePlane() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            Camera ref = camera(r, 64, 48), tgt = camera(r, 80, 40);
            double depth = 1 + 5 * r.nextDouble();
            double[] h = Homography.targetToReference(ref, tgt, depth);
            // a 3-D point on the plane z_ref = depth, projected into both cameras
            double[] pr = {depth * (r.nextDouble() - 0.5), depth * (r.nextDouble() - 0.5), depth, 1};
            double[] world = Mat.apply(ref.c2w(), pr);
            double[] pt = Mat.apply(tgt.w2c(), world);
            double[] uvT = Mat.apply(tgt.k(), new double[]{pt[0], pt[1], pt[2]});
            double[] uvR = Mat.apply(ref.k(), new double[]{pr[0], pr[1], pr[2]});
            double[] q = Mat.apply(h, new double[]{uvT[0] / uvT[2], uvT[1] / uvT[2], 1});
            assertEquals(uvR[0] / uvR[2], q[0] / q[2], 1e-9);
            assertEquals(uvR[1] / uvR[2], q[1] / q[2], 1e-9);
        }
    }

    @Test void llffConversionMatchesReleasedFormula() {
        // c2w in LLFF axes [down, right, back] for a camera at (1,2,3) aligned with the world axes in LLFF form
        double[] c2w = {1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1, 3};
        Llff.PoseBounds pb = new Llff.PoseBounds(c2w, 360, 640, 500, 1, 10);
        Camera c = pb.toCamera(320);
        assertEquals(320, c.width());
        assertEquals(180, c.height());
        assertEquals(250, c.fx(), 1e-12);
        assertEquals(160, c.cx(), 1e-12);
        assertEquals(90, c.cy(), 1e-12);
        // released: inv(E) = [I | -t]; rows [1,0,2]; row 2 negated; column 2 negated
        double[] expect = {0, 1, 0, -2, 1, 0, 0, -1, 0, 0, 1, 3, 0, 0, 0, 1};
        assertArrayEquals(expect, c.w2c(), 1e-12);
    }

    @Test void llffFileRoundTripAndErrors() {
        Random r = new Random(4);
        List<Camera> cams = List.of(camera(r, 64, 48), camera(r, 64, 48));
        Path p = tmp.resolve("poses_bounds.npy");
        Llff.write(p, List.of(Llff.PoseBounds.fromCamera(cams.get(0), 1, 9), Llff.PoseBounds.fromCamera(cams.get(1), 2, 8)));
        List<Llff.PoseBounds> back = Llff.read(p);
        for (int i = 0; i < 2; i++) {
            double[] reflected = cams.get(i).w2c();
            for (int row = 0; row < 4; row++) reflected[row * 4 + 2] = -reflected[row * 4 + 2];
            assertArrayEquals(reflected, back.get(i).toCamera().w2c(), 1e-12);
            assertArrayEquals(cams.get(i).k(), back.get(i).toCamera().k(), 1e-12);
            double[] rot = new double[9];
            double[] c2w = back.get(i).c2w();
            for (int row = 0; row < 3; row++) System.arraycopy(c2w, row * 4, rot, row * 3, 3);
            assertEquals(1.0, det3(rot), 1e-9, "LLFF rows hold proper rotations, as COLMAP writes them");
        }
        assertArrayEquals(cams.get(1).relativeTo(cams.get(0)), back.get(1).toCamera().relativeTo(back.get(0).toCamera()), 1e-12);
        assertEquals(9, back.get(0).far());
        Npy.write(p, NpyArray.ofDouble(new double[30], 2, 15));
        InputException e = assertThrows(InputException.class, () -> Llff.read(p));
        assertTrue(e.getMessage().contains("poses_bounds.npy") && e.getMessage().contains("[N,17]")
                && e.getMessage().contains("[2,15]"), e.getMessage());
    }

    static double det3(double[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }

    @Test void relativePoseIsInvariantToTheLlffWorldFlip() {
        Random r = new Random(5);
        Camera a = camera(r, 64, 48), b = camera(r, 64, 48);
        Camera a2 = Llff.PoseBounds.fromCamera(a, 1, 2).toCamera(), b2 = Llff.PoseBounds.fromCamera(b, 1, 2).toCamera();
        assertArrayEquals(b.relativeTo(a), b2.relativeTo(a2), 1e-12);
    }

    @Test void renderPathHas270PosesAroundTheRig() {
        Random r = new Random(6);
        List<Llff.PoseBounds> poses = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            double[] w2c = Mat.identity(4);
            w2c[3] = -0.1 * i;
            w2c[7] = -0.02 * r.nextGaussian();
            poses.add(Llff.PoseBounds.fromCamera(new Camera(Camera.intrinsics(50, 64, 48), w2c, 64, 48), 2, 20));
        }
        List<double[]> path = RenderPath.generate(poses);
        assertEquals(270, path.size());
        Camera ref = new Camera(Camera.intrinsics(50, 64, 48), Mat.identity(4), 64, 48);
        List<Camera> cams = RenderPath.cameras(path, poses.get(0), ref);
        double meanX = 0.15;
        for (Camera c : cams) {
            double[] ctr = c.center();
            assertTrue(Math.abs(ctr[0] - meanX) < 0.3, "path stays near the rig: " + c);
            assertTrue(c.forward()[2] > 0.9, "path cameras look forward");
            assertTrue(Mat.rotation(c.w2c())[0] > 0.9, "no reflection: x stays x");
        }
        // the same poses relative to the reference as in the released (reflected) world
        List<Camera> llff = RenderPath.cameras(path, poses.get(0).toCamera());
        for (int i = 0; i < path.size(); i += 17) {
            assertArrayEquals(llff.get(i).relativeTo(poses.get(0).toCamera()), cams.get(i).relativeTo(ref), 1e-9);
        }
        assertEquals(2.5, RenderPath.percentile(new double[]{1, 2, 3, 4}, 50), 1e-12);
    }

    @Test void resizeScalesIntrinsics() {
        Camera c = new Camera(Camera.intrinsics(100, 200, 100), Mat.identity(4), 200, 100);
        Camera s = c.resized(100, 50);
        assertEquals(50, s.fx(), 1e-12);
        assertEquals(50, s.cx(), 1e-12);
        assertEquals(25, s.cy(), 1e-12);
    }
}
