package org.mask3d.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.Mat;
import org.mask3d.io.Images;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.mask3d.data.MpiStageSampler.ColorMode;
import static org.mask3d.data.MpiStageSampler.Split;

/** The stage-1 sampler on small synthetic sequences written by the tests. */
class MpiStageSamplerTest {
    @TempDir Path tmp;

    static final int W = 40, H = 24, CROP = 16;

    /** Sequences of tiny frames, frame i with red channel i/255 (so a sample's images tell which frames they are). */
    List<RealEstate10K.Sequence> sequences(int count, int frames) {
        List<RealEstate10K.Sequence> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            Path txt = RealEstate10KTest.writeSequence(tmp.resolve("txt"), tmp.resolve("frames"), "seq" + s, frames, "png", W, H);
            out.add(RealEstate10K.Sequence.open(txt, tmp.resolve("frames")));
        }
        return out;
    }

    static MpiStageSampler.Options small(Split split) { return MpiStageSampler.Options.released(split).withSize(W, H, CROP); }

    @Test void releasedOptions() {
        MpiStageSampler.Options o = MpiStageSampler.Options.released(Split.TRAIN);
        assertEquals(10, o.numFrames());
        assertEquals(3, o.minStride());
        assertEquals(10, o.maxStride());
        assertEquals(256, o.crop());
        assertEquals(91, o.requiredFrames());
        assertEquals(640, o.width());
        assertEquals(360, o.height());
    }

    @Test void strideStartAndPermutationCoverTheirRanges() {
        MpiStageSampler sampler = new MpiStageSampler(sequences(1, 92), small(Split.VALIDATION));
        Random rng = new Random(7);
        Set<Integer> strides = new HashSet<>();
        int targetInside = 0, targetOutside = 0, srcDescending = 0, n = 600;
        int[] firstSourceRank = new int[10];
        for (int k = 0; k < n; k++) {
            MpiSample s = sampler.sample(0, rng);
            int st = s.stride();
            assertTrue(st >= 3 && st <= 10, "stride " + st);
            strides.add(st);
            int[] f = s.frames();
            assertEquals(3, new HashSet<>(List.of(f[0], f[1], f[2])).size(), "three distinct frames");
            int min = Math.min(f[0], Math.min(f[1], f[2])), max = Math.max(f[0], Math.max(f[1], f[2]));
            assertTrue(min >= 0 && max < 92);
            assertTrue(max - min <= 9 * st, "within one ten-frame subsequence");
            for (int v : f) assertEquals(0, Math.floorMod(v - f[0], st), "on the stride grid");
            int lo = Math.min(f[0], f[1]), hi = Math.max(f[0], f[1]);
            if (f[2] > lo && f[2] < hi) targetInside++; else targetOutside++;
            if (f[0] > f[1]) srcDescending++;
            // the images are those frames (red = frame/255), at the full validation size
            assertEquals(f[0] / 255f, s.srcRgb()[0][0], 1e-6);
            assertEquals(f[1] / 255f, s.srcRgb()[1][W * H - 1], 1e-6);
            assertEquals(f[2] / 255f, s.tgtRgb()[5], 1e-6);
            assertEquals(H, s.height());
            assertEquals(W, s.width());
        }
        assertEquals(8, strides.size(), "every stride 3..10 drawn: " + strides);
        // For three of ten shuffled frames, the target lies between the sources with probability 1/3.
        assertEquals(n / 3.0, targetInside, 60, "inside " + targetInside + ", outside " + targetOutside);
        assertEquals(n / 2.0, srcDescending, 60, "source order is random");

        Random r = new Random(3);
        Set<Integer> starts = new HashSet<>();
        for (int k = 0; k < 4000; k++) {
            MpiStageSampler.Subsequence sub = MpiStageSampler.subsequence(92, 10, 3, 10, r);
            int maxStart = 92 - 9 * sub.stride() - 1;
            assertTrue(sub.start() >= 0 && sub.start() <= maxStart);
            assertEquals(sub.start() + 9 * sub.stride(), sub.frames()[9]);
            if (sub.stride() == 10) starts.add(sub.start());
        }
        assertEquals(Set.of(0, 1), starts, "stride 10 in 92 frames leaves starts 0 and 1");
    }

    @Test void resizeCropIsResizeThenCrop() {
        Random r = new Random(1);
        float[] img = new float[3 * H * W];
        for (int i = 0; i < img.length; i++) img[i] = r.nextFloat();
        int sh = 37, sw = 61, offY = 9, offX = 30;
        float[] full = Images.resizeBilinear(img, 3, H, W, sh, sw);
        float[] crop = MpiStageSampler.resizeCrop(img, H, W, sh, sw, offY, offX, CROP, CROP);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < CROP; y++) {
                for (int x = 0; x < CROP; x++) {
                    assertEquals(full[(c * sh + y + offY) * sw + x + offX], crop[(c * CROP + y) * CROP + x], 0f);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> MpiStageSampler.resizeCrop(img, H, W, sh, sw, 30, 0, CROP, CROP));
    }

    static double[] project(Camera c, double[] xw) {
        double[] xc = Mat.apply(c.w2c(), new double[]{xw[0], xw[1], xw[2], 1});
        double[] k = c.k();
        return new double[]{(k[0] * xc[0] + k[1] * xc[1] + k[2] * xc[2]) / xc[2], (k[4] * xc[1] + k[5] * xc[2]) / xc[2]};
    }

    /** A Gaussian spot of σ = 1.2 px centred at continuous pixel position (u, v) (pixel i's centre at i + 0.5). */
    static float[] spot(double u, double v, int w, int h) {
        float[] img = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d2 = (x + 0.5 - u) * (x + 0.5 - u) + (y + 0.5 - v) * (y + 0.5 - v);
                float g = (float) Math.exp(-d2 / (2 * 1.2 * 1.2));
                for (int c = 0; c < 3; c++) img[(c * h + y) * w + x] = g;
            }
        }
        return img;
    }

    static double[] centroid(float[] img, int w, int h) {
        double s = 0, sx = 0, sy = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double g = img[y * w + x];
                s += g;
                sx += g * (x + 0.5);
                sy += g * (y + 0.5);
            }
        }
        return new double[]{sx / s, sy / s};
    }

    @Test void cropAndScaleKeepProjectionsOnTheImage() {
        // A camera of the sequence and a 3-D point that projects inside the image.
        RealEstate10K.Row row = new RealEstate10K.Row(0, 0.6, 1.0, 0.48, 0.52, 0, 0, RealEstate10KTest.randomPose(new Random(5)));
        RealEstate10K.Sequence seq = RealEstate10K.Sequence.of("s", new RealEstate10K.CameraFile("u", List.of(row)), null);
        Camera cam = seq.camera(0, W, H);
        double[] xc = {0.1, -0.05, 2.0};                          // camera coordinates, in front
        double[] xw = Mat.apply(cam.c2w(), new double[]{xc[0], xc[1], xc[2], 1});
        double[] uv = project(cam, xw);
        float[] img = spot(uv[0], uv[1], W, H);
        assertArrayEquals(uv, centroid(img, W, H), 0.02, "spot drawn where the point projects");

        Random r = new Random(11);
        int checked = 0;
        for (int k = 0; k < 400 && checked < 20; k++) {
            double scale = 1 + r.nextDouble();
            int sh = (int) (scale * H), sw = (int) (scale * W);
            int offY = r.nextInt(sh - CROP + 1), offX = r.nextInt(sw - CROP + 1);
            Camera cc = MpiStageSampler.cropCamera(cam, sw, sh, offX, offY, CROP, CROP);
            double[] p = project(cc, xw);
            // exact: continuous positions scale with the image and shift with the window
            assertEquals(uv[0] * sw / W - offX, p[0], 1e-9);
            assertEquals(uv[1] * sh / H - offY, p[1], 1e-9);
            if (p[0] < 5 || p[0] > CROP - 5 || p[1] < 5 || p[1] > CROP - 5) continue;   // spot must lie inside
            float[] crop = MpiStageSampler.resizeCrop(img, H, W, sh, sw, offY, offX, CROP, CROP);
            assertArrayEquals(p, centroid(crop, CROP, CROP), 0.1, "spot in the crop where the adjusted camera projects");
            checked++;
        }
        assertTrue(checked >= 10, "checked " + checked);
    }

    @Test void trainSamplesAreCroppedWithCamerasAdjusted() {
        List<RealEstate10K.Sequence> seqs = sequences(2, 92);
        MpiStageSampler sampler = new MpiStageSampler(seqs, small(Split.TRAIN));
        Random rng = new Random(2);
        Set<Double> scales = new HashSet<>();
        for (int k = 0; k < 50; k++) {
            MpiSample s = sampler.sample(k % 2, rng);
            assertEquals(CROP, s.height());
            assertEquals(CROP, s.width());
            assertEquals(3 * CROP * CROP, s.tgtRgb().length);
            assertTrue(s.scale() >= 1 && s.scale() < 2);
            scales.add(s.scale());
            int sh = (int) (s.scale() * H), sw = (int) (s.scale() * W);
            assertTrue(s.offsetX() >= 0 && s.offsetX() <= sw - CROP && s.offsetY() >= 0 && s.offsetY() <= sh - CROP);
            RealEstate10K.Sequence seq = seqs.get(k % 2);
            Camera[] cams = {s.srcCams()[0], s.srcCams()[1], s.tgtCam()};
            for (int i = 0; i < 3; i++) {
                Camera orig = seq.camera(s.frames()[i], W, H);
                double[] kk = orig.k();
                assertEquals(kk[0] * sw / W, cams[i].fx(), 1e-9);
                assertEquals(kk[4] * sh / H, cams[i].fy(), 1e-9);
                assertEquals(kk[2] * sw / W - s.offsetX(), cams[i].cx(), 1e-9);
                assertEquals(kk[5] * sh / H - s.offsetY(), cams[i].cy(), 1e-9);
                assertArrayEquals(orig.w2c(), cams[i].w2c(), 0);
                assertEquals(CROP, cams[i].width());
            }
            if (s.augmentation().mode() == ColorMode.NONE) {
                // constant frames stay constant through resize and crop
                assertEquals(s.frames()[2] / 255f, s.tgtRgb()[17], 1e-6);
                assertEquals(128 / 255f, s.tgtRgb()[CROP * CROP + 3], 1e-6);
            }
        }
        assertTrue(scales.size() > 40);
        assertEquals(seqs.get(0).name(), sampler.sample(0, rng).sequence());
    }

    @Test void augmentationFormulasOnAKnownPixel() {
        float[] px = {0.2f, 0.5f, 0.8f};
        assertArrayEquals(new float[]{0.24f, 0.6f, 0.96f}, MpiStageSampler.brightness(px, 1, 1, 1.2f), 1e-6f);
        assertArrayEquals(new float[]{0.26f, 0.65f, 1f}, MpiStageSampler.brightness(px, 1, 1, 1.3f), 1e-6f, "clamped");
        float grey = 0.2989f * 0.2f + 0.587f * 0.5f + 0.114f * 0.8f;
        assertArrayEquals(new float[]{1.5f * 0.2f - 0.5f * grey, 1.5f * 0.5f - 0.5f * grey, 1.5f * 0.8f - 0.5f * grey},
                MpiStageSampler.saturation(px, 1, 1, 1.5f), 1e-6f);
        assertArrayEquals(new float[]{grey, grey, grey}, MpiStageSampler.saturation(px, 1, 1, 0f), 1e-6f);
        // hue: (0.2,0.5,0.8) is h = 7/12, s = 0.75, v = 0.8; +0.1 gives h = 0.6833, sector 4, f = 0.1: (t, p, v)
        assertArrayEquals(new float[]{0.26f, 0.2f, 0.8f}, MpiStageSampler.hue(px, 1, 1, 0.1f), 1e-5f);
        assertArrayEquals(new float[]{0f, 1f, 0f}, MpiStageSampler.hue(new float[]{1, 0, 0}, 1, 1, 1 / 3f), 1e-5f);
        assertArrayEquals(new float[]{1f, 0f, 1f}, MpiStageSampler.hue(new float[]{1, 0, 0}, 1, 1, -1 / 6f), 1e-5f);
        assertArrayEquals(px, MpiStageSampler.hue(px, 1, 1, 0f), 1e-6f);
        assertArrayEquals(new float[]{0.4f, 0.4f, 0.4f}, MpiStageSampler.hue(new float[]{0.4f, 0.4f, 0.4f}, 1, 1, 0.2f), 0f);
        // contrast: blend with the mean grey level of the whole image (two pixels here, CHW)
        float[] two = {0.2f, 1f, 0.5f, 1f, 0.8f, 1f};
        float mean = (grey + (0.2989f + 0.587f + 0.114f)) / 2;   // torchvision's weights sum to 0.9999
        float[] c = MpiStageSampler.contrast(two, 1, 2, 1.2f);
        assertEquals(1.2f * 0.2f - 0.2f * mean, c[0], 1e-6f);
        assertEquals(1f, c[1], 0f, "clamped");
        assertEquals(1.2f * 0.8f - 0.2f * mean, c[4], 1e-6f);
        assertEquals(0f, MpiStageSampler.contrast(two, 1, 2, 1.4f)[0], 0f, "clamped below");
        // an augmentation applies its formula
        assertArrayEquals(MpiStageSampler.contrast(two, 1, 2, 0.9f),
                new MpiStageSampler.Augmentation(ColorMode.CONTRAST, 0.9).apply(two, 1, 2), 0f);
        assertSame(two, MpiStageSampler.Augmentation.NONE.apply(two, 1, 2));
    }

    @Test void augmentationDrawsFiveModesWithTheirRanges() {
        Random r = new Random(9);
        Map<ColorMode, Integer> count = new EnumMap<>(ColorMode.class);
        Map<ColorMode, double[]> range = new EnumMap<>(ColorMode.class);
        int n = 5000;
        for (int k = 0; k < n; k++) {
            MpiStageSampler.Augmentation a = MpiStageSampler.Augmentation.draw(r);
            count.merge(a.mode(), 1, Integer::sum);
            range.computeIfAbsent(a.mode(), m -> new double[]{1e9, -1e9});
            double[] mm = range.get(a.mode());
            mm[0] = Math.min(mm[0], a.factor());
            mm[1] = Math.max(mm[1], a.factor());
        }
        for (ColorMode m : ColorMode.values()) assertEquals(n / 5.0, count.get(m), 120, m + ": " + count);
        assertBetween(range.get(ColorMode.BRIGHTNESS), 0.8, 1.3);
        assertBetween(range.get(ColorMode.SATURATION), 0.8, 1.5);
        assertBetween(range.get(ColorMode.HUE), -0.2, 0.2);
        assertBetween(range.get(ColorMode.CONTRAST), 0.8, 1.4);
        assertArrayEquals(new double[]{1, 1}, range.get(ColorMode.NONE));
    }

    static void assertBetween(double[] minMax, double lo, double hi) {
        assertTrue(minMax[0] >= lo && minMax[0] < lo + 0.01, "min " + minMax[0] + " near " + lo);
        assertTrue(minMax[1] < hi && minMax[1] > hi - 0.01, "max " + minMax[1] + " near " + hi);
    }

    @Test void batchesOfOneAndThreeStackAndTheSeedDecides() {
        MpiStageSampler sampler = new MpiStageSampler(sequences(3, 92), small(Split.TRAIN));
        List<MpiSample> one = sampler.batch(1, new Random(42));
        assertEquals(1, one.size());
        List<MpiSample> three = sampler.batch(3, new Random(42));
        assertEquals(3, three.size());
        for (MpiSample s : three) {
            assertEquals(2, s.srcRgb().length);
            assertEquals(3 * CROP * CROP, s.srcRgb()[0].length);
            assertEquals(3 * CROP * CROP, s.srcRgb()[1].length);
            assertEquals(3 * CROP * CROP, s.tgtRgb().length);
        }
        assertSame(sampler.sampleHeight(), CROP);
        List<MpiSample> again = sampler.batch(3, new Random(42));
        for (int b = 0; b < 3; b++) assertSameSample(three.get(b), again.get(b));
        assertSameSample(one.get(0), three.get(0));               // the first draw of a seed does not depend on the batch size
        List<MpiSample> other = sampler.batch(3, new Random(43));
        boolean differs = false;
        for (int b = 0; b < 3; b++) differs |= !Arrays.equals(other.get(b).frames(), three.get(b).frames()) || other.get(b).scale() != three.get(b).scale();
        assertTrue(differs);
        assertThrows(IllegalArgumentException.class, () -> sampler.batch(0, new Random()));
    }

    static void assertSameSample(MpiSample a, MpiSample b) {
        assertEquals(a.sequence(), b.sequence());
        assertArrayEquals(a.frames(), b.frames());
        assertEquals(a.scale(), b.scale());
        assertEquals(a.offsetX(), b.offsetX());
        assertEquals(a.offsetY(), b.offsetY());
        assertEquals(a.augmentation(), b.augmentation());
        assertArrayEquals(a.srcRgb()[0], b.srcRgb()[0]);
        assertArrayEquals(a.srcRgb()[1], b.srcRgb()[1]);
        assertArrayEquals(a.tgtRgb(), b.tgtRgb());
        assertEquals(a.tgtCam(), b.tgtCam());
        assertEquals(a.srcCams()[0], b.srcCams()[0]);
    }

    @Test void shortSequencesAreRejectedByName() {
        List<RealEstate10K.Sequence> seqs = sequences(1, 60);
        InputException e = assertThrows(InputException.class, () -> new MpiStageSampler(seqs, small(Split.TRAIN)));
        assertTrue(e.getMessage().contains("seq0 has 60 frames; the sampler needs at least 91"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MpiStageSampler.Options.released(Split.TRAIN).withSize(200, 100, 256));
    }

    @Test void aStaticRigIsASequenceToo() {
        Scene rig = RealEstate10KTest.tinyScene(6, 20, 12);
        RealEstate10K.Sequence seq = RealEstate10K.Sequence.fromScene(rig, 2);
        MpiStageSampler.Options o = MpiStageSampler.Options.released(Split.TRAIN).withSize(20, 12, 8).withFrames(6, 1, 1);
        MpiStageSampler sampler = new MpiStageSampler(List.of(seq), o);
        for (MpiSample s : sampler.batch(5, new Random(4))) {
            assertEquals(8, s.width());
            Camera ref = rig.cameras().get(s.frames()[0]);
            assertArrayEquals(ref.w2c(), s.refCam().w2c(), 0);
            if (s.augmentation().mode() == ColorMode.NONE) {
                assertEquals(s.frames()[0] / 10f, s.srcRgb()[0][0], 1e-6);
                assertEquals(0.2f, s.srcRgb()[0][64], 1e-6);
            }
        }
    }
}
