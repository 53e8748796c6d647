package org.mask3d.render;

import org.junit.jupiter.api.Test;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Homography;
import org.mask3d.geometry.Mat;
import org.mask3d.geometry.PlaneDepths;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class RenderTest {
    static final int D = 8, H = 12, W = 16;

    static Camera cam(double tx, double ty) {
        double[] w2c = Mat.identity(4);
        w2c[3] = tx;
        w2c[7] = ty;
        return new Camera(Camera.intrinsics(0.8 * W, W, H), w2c, W, H);
    }

    static Mpi randomMpi(Random r, Camera ref) {
        float[] rgba = new float[D * H * W * 4];
        for (int i = 0; i < rgba.length; i++) rgba[i] = r.nextFloat();
        return new Mpi(rgba, D, H, W, PlaneDepths.inverseLinear(1, 10, D), ref);
    }

    /** The released algorithm written plainly, in double: warp every plane, then exclusive cumprod from the front. */
    static double[][] reference(Mpi mpi, Camera tgt) {
        int h = tgt.height(), w = tgt.width();
        double[][] hom = Homography.targetToReference(mpi.ref(), tgt, mpi.depths());
        double[][][] warped = new double[D][h * w][4];
        float[] src = mpi.rgba();
        for (int i = 0; i < D; i++) {
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                double[] q = Mat.apply(hom[i], new double[]{x + 0.5, y + 0.5, 1});
                double u = q[0] / q[2] - 0.5, v = q[1] / q[2] - 0.5;
                int x0 = (int) Math.floor(u), y0 = (int) Math.floor(v);
                for (int k = 0; k < 4; k++) {
                    int xi = x0 + (k & 1), yi = y0 + (k >> 1);
                    if (xi < 0 || yi < 0 || xi >= W || yi >= H) continue;
                    double wt = ((k & 1) == 1 ? u - x0 : 1 - (u - x0)) * ((k >> 1) == 1 ? v - y0 : 1 - (v - y0));
                    for (int c = 0; c < 4; c++) warped[i][y * w + x][c] += wt * src[((i * H + yi) * W + xi) * 4 + c];
                }
            }
        }
        double[][] out = new double[5][h * w];   // r, g, b, acc, disp
        double[] d = mpi.depths();
        for (int p = 0; p < h * w; p++) {
            for (int i = 0; i < D; i++) {
                double t = 1;
                for (int j = i + 1; j < D; j++) t *= 1 - warped[j][p][3] + 1e-8;
                double wi = warped[i][p][3] * t;
                for (int c = 0; c < 3; c++) out[c][p] += wi * warped[i][p][c];
                out[3][p] += wi;
                out[4][p] += wi / d[i];
            }
        }
        return out;
    }

    @Test void matchesPlainReferenceAtNovelViews() {
        Random r = new Random(7);
        Camera ref = cam(0, 0);
        Mpi mpi = randomMpi(r, ref);
        for (Camera tgt : List.of(cam(-0.05, 0.02), cam(0.1, -0.03), cam(0, 0))) {
            Rendering out = new CpuRenderer(2).render(mpi, tgt);
            double[][] e = reference(mpi, tgt);
            int n = H * W;
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < 3; c++) assertEquals(e[c][p], out.rgb()[c * n + p], 2e-6);
                assertEquals(e[3][p], out.alpha()[p], 2e-6);
                assertEquals(e[4][p], out.disparity()[p], 2e-6);
            }
        }
    }

    @Test void identityPoseRendersTheReferenceComposite() {
        Random r = new Random(8);
        Camera ref = cam(0, 0);
        Mpi mpi = randomMpi(r, ref);
        Rendering out = new CpuRenderer(1).render(mpi, ref);
        float[] a = mpi.rgba();
        int n = H * W;
        for (int p = 0; p < n; p++) {
            double t = 1, rr = 0;
            for (int i = D - 1; i >= 0; i--) {
                rr += t * a[(i * n + p) * 4 + 3] * a[(i * n + p) * 4];
                t *= 1 - a[(i * n + p) * 4 + 3] + 1e-8;
            }
            assertEquals(rr, out.rgb()[p], 1e-5);
        }
    }

    @Test void opaqueFrontPlaneHidesEverythingBehind() {
        Random r = new Random(9);
        Camera ref = cam(0, 0);
        Mpi mpi = randomMpi(r, ref);
        float[] a = mpi.rgba();
        int n = H * W;
        for (int p = 0; p < n; p++) {
            int o = ((D - 1) * n + p) * 4;
            a[o] = 0.25f; a[o + 1] = 0.5f; a[o + 2] = 0.75f; a[o + 3] = 1f;
        }
        Rendering out = new CpuRenderer().render(mpi, ref);
        for (int p = 0; p < n; p++) {
            assertEquals(0.25f, out.rgb()[p], 1e-6);
            assertEquals(0.75f, out.rgb()[2 * n + p], 1e-6);
            assertEquals(1f, out.alpha()[p], 1e-6);
            assertEquals(1.0, out.disparity()[p], 1e-6);   // nearest plane at depth 1
        }
    }

    @Test void transparentMpiRendersZero() {
        Camera ref = cam(0, 0);
        Mpi mpi = new Mpi(new float[D * H * W * 4], D, H, W, PlaneDepths.inverseLinear(1, 10, D), ref);
        Rendering out = new CpuRenderer().render(mpi, cam(0.05, 0));
        for (float v : out.rgb()) assertEquals(0f, v);
        for (float v : out.alpha()) assertEquals(0f, v);
    }

    @Test void bitForBitIndependentOfThreadCount() {
        Random r = new Random(10);
        Camera ref = cam(0, 0), tgt = cam(0.07, -0.02);
        Mpi mpi = randomMpi(r, ref);
        Rendering a = new CpuRenderer(1).render(mpi, tgt), b = new CpuRenderer(3).render(mpi, tgt);
        assertArrayEquals(a.rgb(), b.rgb());
        assertArrayEquals(a.alpha(), b.alpha());
        float[] img = new float[3 * H * W];
        for (int i = 0; i < img.length; i++) img[i] = r.nextFloat();
        double[] d = PlaneDepths.inverseLinear(1, 10, D);
        assertArrayEquals(PlaneSweep.volume(List.of(img), List.of(tgt), ref, d, PlaneSweep.Sampling.RELEASED, 1),
                PlaneSweep.volume(List.of(img), List.of(tgt), ref, d, PlaneSweep.Sampling.RELEASED, 2));
    }

    @Test void blendMixesAllFourChannels() {
        Random r = new Random(11);
        Camera ref = cam(0, 0);
        Mpi fg = randomMpi(r, ref), bg = randomMpi(r, ref);
        float[] m = new float[D * H * W];
        for (int i = 0; i < m.length; i++) m[i] = r.nextFloat();
        Mpi b = Mpi.blend(fg, bg, m), mk = Mpi.masked(fg, m);
        for (int v = 0; v < m.length; v += 37) {
            for (int c = 0; c < 4; c++) {
                assertEquals(m[v] * fg.rgba()[v * 4 + c] + (1 - m[v]) * bg.rgba()[v * 4 + c], b.rgba()[v * 4 + c], 1e-6);
                assertEquals(m[v] * fg.rgba()[v * 4 + c], mk.rgba()[v * 4 + c], 1e-7);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Mpi.blend(fg, bg, new float[3]));
    }

    @Test void mpiValidatesShapesAndDepthOrder() {
        Camera ref = cam(0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Mpi(new float[10], D, H, W, PlaneDepths.inverseLinear(1, 10, D), ref));
        assertTrue(e.getMessage().contains("[8,12,16,4]"), e.getMessage());
        double[] up = PlaneDepths.inverseLinear(1, 10, D);
        java.util.Collections.reverse(java.util.Arrays.asList(up));
        double[] inc = new double[D];
        for (int i = 0; i < D; i++) inc[i] = i + 1;
        assertThrows(IllegalArgumentException.class, () -> new Mpi(new float[D * H * W * 4], D, H, W, inc, ref));
    }

    @Test void psvOfTheReferenceViewIsTheImageWithPixelCentres() {
        Random r = new Random(12);
        Camera ref = cam(0, 0);
        float[] img = new float[3 * H * W];
        for (int i = 0; i < img.length; i++) img[i] = r.nextFloat();
        double[] d = PlaneDepths.inverseLinear(1, 10, D);
        float[] exact = PlaneSweep.volume(List.of(img), List.of(ref), ref, d, PlaneSweep.Sampling.PIXEL_CENTERS);
        float[] released = PlaneSweep.volume(List.of(img), List.of(ref), ref, d, PlaneSweep.Sampling.RELEASED);
        int n = H * W;
        double maxDiff = 0;
        for (int c = 0; c < 3; c++) for (int i = 0; i < D; i++) for (int p = 0; p < n; p++) {
            assertEquals(img[c * n + p], exact[(c * D + i) * n + p], 1e-6);
            maxDiff = Math.max(maxDiff, Math.abs(img[c * n + p] - released[(c * D + i) * n + p]));
        }
        assertTrue(maxDiff > 0.01, "the released sampling resamples the reference view off-centre");
        // released: pixel 0's centre 0.5 lands at index 0.5·(W−1)/W, between pixels 0 and 1
        double s = 0.5 * (W - 1) / W, t = 0.5 * (H - 1) / H;
        double expect = (1 - s) * (1 - t) * img[0] + s * (1 - t) * img[1] + (1 - s) * t * img[W] + s * t * img[W + 1];
        assertEquals(expect, released[0], 1e-6);
    }

    @Test void psvIsMinusOneOutsideAndBehindTheSource() {
        Camera ref = cam(0, 0);
        float[] img = new float[3 * H * W];
        java.util.Arrays.fill(img, 0.5f);
        // a source camera looking the other way sees nothing of the planes in front of the reference
        double[] w2c = Mat.rigid(new double[]{-1, 0, 0, 0, 1, 0, 0, 0, -1}, new double[]{0, 0, 0});
        Camera back = new Camera(Camera.intrinsics(0.8 * W, W, H), w2c, W, H);
        float[] psv = PlaneSweep.volume(List.of(img), List.of(back), ref, PlaneDepths.inverseLinear(1, 10, D),
                PlaneSweep.Sampling.RELEASED);
        for (float v : psv) assertEquals(-1f, v);
        // a shifted source: the left columns of near planes fall outside it
        float[] shifted = PlaneSweep.volume(List.of(img), List.of(cam(-0.5, 0)), ref, PlaneDepths.inverseLinear(1, 10, D),
                PlaneSweep.Sampling.RELEASED);
        int n = H * W;
        assertEquals(-1f, shifted[(D - 1) * n], 0);              // plane nearest, pixel (0,0)
        assertEquals(0.5f, shifted[(D - 1) * n + W - 1], 1e-6); // right edge still inside
    }
}
