package org.mask3d.data;

import org.mask3d.InputException;
import org.mask3d.geometry.Camera;
import org.mask3d.io.Images;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The stage-1 (MPI pre-training) sampler of the released {@code train_mpi/datasets/realestate.py} (METHOD.md §2.3),
 * over {@link RealEstate10K.Sequence}s, for batches of any size.
 *
 * <p>Per sample, in the order the random numbers are drawn:
 * <ol>
 *   <li>a stride {@code s ~ U{minStride..maxStride}} (3..10), a start {@code ~ U{0 .. F − (numFrames−1)·s − 1}}, and
 *       the {@code numFrames} (10) frames {@code start, start+s, …};</li>
 *   <li>a random permutation of them: [0] and [1] are the sources (source 0 is the MPI reference), [2] the target,
 *       so the target may lie between the sources or outside them;</li>
 *   <li>the three images are read at {@code width × height} (640×360; frames stored at another size are resized,
 *       area-filtered when shrinking);</li>
 *   <li>{@link Split#TRAIN} only: one scale {@code ~ U[minScale, maxScale)} = U[1,2) for the triplet; the images are
 *       resized to {@code (int)(scale·H) × (int)(scale·W)} bilinearly with pixel-centre alignment (torchvision's
 *       {@code resize} on tensors, {@link Images#resizeBilinear}; the scale is ≥ 1, an enlargement, where
 *       bilinear is the proper filter and antialiasing does nothing); one {@code crop × crop} (256×256) window at
 *       offsets {@code offY ~ U{0..H'−crop}}, then {@code offX ~ U{0..W'−crop}}, the same for all three; intrinsics
 *       {@code K[0,:] *= W'/W, K[1,:] *= H'/H, cx −= offX, cy −= offY}; then one {@link Augmentation} for all
 *       three.</li>
 *   <li>{@link Split#VALIDATION}: full {@code width × height}, no crop, no augmentation.</li>
 * </ol>
 * One deliberate difference: the released code multiplies K by the drawn {@code scale} although the image was
 * resized to the truncated size {@code (int)(scale·W)}; here K is scaled by the factor the image really got
 * ({@code W'/W} and {@code H'/H}), so projections agree with the pixels exactly (the released K is off by up to
 * one pixel at the far edge of the resized image).
 *
 * <p>Deterministic: the same sequences, options and {@link Random} state give the same samples. Every sample of a
 * sampler has the same size, so a batch stacks.
 */
public final class MpiStageSampler {

    /** Which branch of the released dataset. */
    public enum Split { TRAIN, VALIDATION }

    /**
     * Sampler settings.
     *
     * @param numFrames subsequence length (10); at least 3
     * @param minStride smallest stride (3)
     * @param maxStride largest stride (10)
     * @param crop      side of the square training crop (256)
     * @param minScale  smallest training scale (1)
     * @param maxScale  training scale upper bound, exclusive (2); {@code minScale == maxScale == 1} draws no scale
     * @param width     image width before scaling and cropping (640)
     * @param height    image height before scaling and cropping (360)
     * @param split     train (scale, crop, colour augmentation) or validation (none)
     * @param augment   whether the training split applies the colour augmentation (true as released)
     */
    public record Options(int numFrames, int minStride, int maxStride, int crop, double minScale, double maxScale,
                          int width, int height, Split split, boolean augment) {
        public Options {
            Objects.requireNonNull(split, "split");
            if (numFrames < 3) throw new IllegalArgumentException("numFrames must be at least 3 (2 sources + 1 target), got " + numFrames);
            if (minStride < 1 || maxStride < minStride) {
                throw new IllegalArgumentException("strides must satisfy 1 ≤ minStride ≤ maxStride, got " + minStride + ".." + maxStride);
            }
            if (width < 1 || height < 1) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
            if (!(minScale > 0) || maxScale < minScale) {
                throw new IllegalArgumentException("scales must satisfy 0 < minScale ≤ maxScale, got " + minScale + ".." + maxScale);
            }
            if (split == Split.TRAIN && (crop < 1 || crop > (int) (minScale * height) || crop > (int) (minScale * width))) {
                throw new IllegalArgumentException("crop " + crop + " must fit the smallest scaled image "
                        + (int) (minScale * width) + "x" + (int) (minScale * height));
            }
        }

        /** The released settings: 10 frames, strides 3..10, 256² crops, scale [1,2), 640×360, augmentation on. */
        public static Options released(Split split) {
            return new Options(10, 3, 10, 256, 1, 2, RealEstate10K.WIDTH, RealEstate10K.HEIGHT, split, true);
        }

        /** These options at another base image size and crop (e.g. small images in tests and demos). */
        public Options withSize(int newWidth, int newHeight, int newCrop) {
            return new Options(numFrames, minStride, maxStride, newCrop, minScale, maxScale, newWidth, newHeight, split, augment);
        }

        /** These options with another subsequence length and stride range (e.g. a 10-camera rig: 10, 1, 1). */
        public Options withFrames(int newNumFrames, int newMinStride, int newMaxStride) {
            return new Options(newNumFrames, newMinStride, newMaxStride, crop, minScale, maxScale, width, height, split, augment);
        }

        /** Frames a sequence needs: {@code (numFrames − 1)·maxStride + 1}. */
        public int requiredFrames() { return (numFrames - 1) * maxStride + 1; }
    }

    private final List<RealEstate10K.Sequence> sequences;
    private final Options opt;

    /**
     * @throws InputException if a sequence has no images or fewer than {@link Options#requiredFrames()} frames
     *         (naming it; {@link RealEstate10K#scan} prunes such sequences)
     * @throws IllegalArgumentException if there are no sequences
     */
    public MpiStageSampler(List<RealEstate10K.Sequence> sequences, Options options) {
        this.opt = Objects.requireNonNull(options, "options");
        if (sequences.isEmpty()) throw new IllegalArgumentException("no sequences to sample from");
        for (RealEstate10K.Sequence s : sequences) {
            if (!s.hasImages()) throw new InputException(s.name() + ": no frames to sample (cameras only)");
            if (s.numFrames() < opt.requiredFrames()) {
                throw new InputException(s.name() + " has " + s.numFrames() + " frames; the sampler needs at least "
                        + opt.requiredFrames() + " = (" + opt.numFrames() + " − 1)·" + opt.maxStride()
                        + " + 1 (RealEstate10K.scan prunes shorter sequences)");
            }
        }
        this.sequences = List.copyOf(sequences);
    }

    public List<RealEstate10K.Sequence> sequences() { return sequences; }
    public Options options() { return opt; }
    /** Number of sequences (the released dataset's length: one sample per sequence per epoch). */
    public int size() { return sequences.size(); }
    /** Height of every sample's images. */
    public int sampleHeight() { return opt.split() == Split.TRAIN ? opt.crop() : opt.height(); }
    /** Width of every sample's images. */
    public int sampleWidth() { return opt.split() == Split.TRAIN ? opt.crop() : opt.width(); }

    /**
     * {@code batchSize} samples, each from a sequence drawn uniformly (with replacement), then {@link #sample(int,
     * Random)}. All have the same size.
     */
    public List<MpiSample> batch(int batchSize, Random rng) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        List<MpiSample> out = new ArrayList<>(batchSize);
        for (int b = 0; b < batchSize; b++) out.add(sample(rng.nextInt(sequences.size()), rng));
        return out;
    }

    /** One sample of sequence {@code index} (a trainer iterating an epoch in shuffled order calls this). */
    public MpiSample sample(int index, Random rng) {
        RealEstate10K.Sequence s = sequences.get(index);
        Subsequence sub = subsequence(s.numFrames(), opt.numFrames(), opt.minStride(), opt.maxStride(), rng);
        int[] perm = sub.frames().clone();
        shuffle(perm, rng);
        int[] frames = {perm[0], perm[1], perm[2]};
        int w = opt.width(), h = opt.height();
        float[][] img = new float[3][];
        Camera[] cam = new Camera[3];
        for (int i = 0; i < 3; i++) {
            img[i] = s.image(frames[i], w, h);
            cam[i] = s.camera(frames[i], w, h);
        }
        double scale = 1;
        int offX = 0, offY = 0, outH = h, outW = w;
        Augmentation aug = Augmentation.NONE;
        if (opt.split() == Split.TRAIN) {
            if (!(opt.minScale() == 1 && opt.maxScale() == 1)) {
                scale = opt.minScale() + (opt.maxScale() - opt.minScale()) * rng.nextDouble();
            }
            int sh = (int) (scale * h), sw = (int) (scale * w);
            offY = rng.nextInt(sh - opt.crop() + 1);
            offX = rng.nextInt(sw - opt.crop() + 1);
            outH = outW = opt.crop();
            for (int i = 0; i < 3; i++) {
                img[i] = resizeCrop(img[i], h, w, sh, sw, offY, offX, outH, outW);
                cam[i] = cropCamera(cam[i], sw, sh, offX, offY, outW, outH);
            }
            if (opt.augment()) aug = Augmentation.draw(rng);
            for (int i = 0; i < 3; i++) img[i] = aug.apply(img[i], outH, outW);
        }
        return new MpiSample(s.name(), frames, sub.stride(), scale, offX, offY, aug,
                new float[][]{img[0], img[1]}, new Camera[]{cam[0], cam[1]}, cam[2], img[2], outH, outW);
    }

    // ------------------------------------------------------------------------------------------ pieces

    /**
     * A subsequence: {@code numFrames} frame indices {@code start + i·stride}.
     */
    public record Subsequence(int stride, int start, int[] frames) {}

    /**
     * The released {@code random_subsequence}: stride {@code ~ U{minStride..maxStride}} (no draw when they are
     * equal), start {@code ~ U{0 .. length − (numFrames−1)·stride − 1}}.
     *
     * @throws IllegalArgumentException if the sequence is shorter than {@code (numFrames−1)·maxStride + 1}
     */
    public static Subsequence subsequence(int length, int numFrames, int minStride, int maxStride, Random rng) {
        if (length < (numFrames - 1) * maxStride + 1) {
            throw new IllegalArgumentException("a sequence of " + length + " frames is too short for " + numFrames
                    + " frames at stride " + maxStride);
        }
        int stride = minStride == maxStride ? minStride : minStride + rng.nextInt(maxStride - minStride + 1);
        int start = rng.nextInt(length - (numFrames - 1) * stride);
        int[] f = new int[numFrames];
        for (int i = 0; i < numFrames; i++) f[i] = start + i * stride;
        return new Subsequence(stride, start, f);
    }

    /** Fisher–Yates shuffle in place (uniform over permutations, like {@code np.random.permutation}). */
    static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * The camera of an image resized from {@code cam}'s size to {@code sw × sh} and cropped to the window at
     * {@code (offX, offY)} of size {@code cw × ch}: K's row 0 times {@code sw/W}, row 1 times {@code sh/H} (pixel
     * centres at +0.5 move with the corner-anchored scaling), then {@code cx −= offX}, {@code cy −= offY}.
     */
    public static Camera cropCamera(Camera cam, int sw, int sh, int offX, int offY, int cw, int ch) {
        double[] k = cam.resized(sw, sh).k();
        k[2] -= offX;
        k[5] -= offY;
        return new Camera(k, cam.w2c(), cw, ch);
    }

    /**
     * {@code Images.resizeBilinear(chw, 3, h, w, newH, newW)} cropped to rows {@code offY..offY+ch−1} and columns
     * {@code offX..offX+cw−1}, computed for the window only (the same arithmetic, so the same values).
     *
     * @param chw [3,h,w]
     * @return [3,ch,cw]
     */
    public static float[] resizeCrop(float[] chw, int h, int w, int newH, int newW, int offY, int offX, int ch, int cw) {
        return Images.resizeBilinearWindow(chw, 3, h, w, newH, newW, offY, offX, ch, cw);
    }

    // ------------------------------------------------------------------------------------------ colour

    /** The five colour augmentation modes, in the released order ({@code np.random.randint(0, 5)}). */
    public enum ColorMode { BRIGHTNESS, SATURATION, HUE, CONTRAST, NONE }

    /**
     * One colour augmentation, applied with torchvision's semantics (float images; results clamped to [0,1]):
     * <ul>
     *   <li>BRIGHTNESS, factor {@code 1 + U[−0.2, 0.3)}: {@code clamp(f·x)};</li>
     *   <li>SATURATION, factor {@code 1 + U[−0.2, 0.5)}: {@code clamp(f·x + (1−f)·grey)} per pixel, with
     *       {@code grey = 0.2989 R + 0.587 G + 0.114 B};</li>
     *   <li>HUE, shift {@code U[−0.2, 0.2)} as a fraction of the hue circle: RGB → HSV, {@code h = (h + f) mod 1},
     *       → RGB (torchvision's {@code _rgb2hsv}/{@code _hsv2rgb});</li>
     *   <li>CONTRAST, factor {@code 1 + U[−0.2, 0.4)}: {@code clamp(f·x + (1−f)·mean)}, with {@code mean} the mean
     *       grey level of that image (for a stacked triplet torchvision takes it per image);</li>
     *   <li>NONE.</li>
     * </ul>
     *
     * @param mode   which
     * @param factor the drawn factor (the hue shift for HUE; 1 for NONE)
     */
    public record Augmentation(ColorMode mode, double factor) {
        public static final Augmentation NONE = new Augmentation(ColorMode.NONE, 1);

        public Augmentation {
            Objects.requireNonNull(mode, "mode");
        }

        /** The released draw: mode uniform over the five, then its factor (no factor drawn for NONE). */
        public static Augmentation draw(Random rng) {
            ColorMode m = ColorMode.values()[rng.nextInt(5)];
            return switch (m) {
                case BRIGHTNESS -> new Augmentation(m, 1 + uniform(rng, -0.2, 0.3));
                case SATURATION -> new Augmentation(m, 1 + uniform(rng, -0.2, 0.5));
                case HUE -> new Augmentation(m, uniform(rng, -0.2, 0.2));
                case CONTRAST -> new Augmentation(m, 1 + uniform(rng, -0.2, 0.4));
                case NONE -> NONE;
            };
        }

        /** This augmentation applied to one [3,h,w] image; a new array (the input for NONE). */
        public float[] apply(float[] chw, int h, int w) {
            return switch (mode) {
                case BRIGHTNESS -> brightness(chw, h, w, (float) factor);
                case SATURATION -> saturation(chw, h, w, (float) factor);
                case HUE -> hue(chw, h, w, (float) factor);
                case CONTRAST -> contrast(chw, h, w, (float) factor);
                case NONE -> chw;
            };
        }
    }

    private static double uniform(Random rng, double lo, double hi) { return lo + (hi - lo) * rng.nextDouble(); }

    private static float clamp01(float v) { return v < 0f ? 0f : (v > 1f ? 1f : v); }

    /** torchvision {@code adjust_brightness}: {@code clamp(f·x, 0, 1)}. */
    public static float[] brightness(float[] chw, int h, int w, float f) {
        Images.checkChw(chw, 3, h, w);
        float[] out = new float[chw.length];
        for (int i = 0; i < chw.length; i++) out[i] = clamp01(f * chw[i]);
        return out;
    }

    /** torchvision {@code adjust_saturation}: {@code clamp(f·x + (1−f)·grey, 0, 1)}, grey = 0.2989R + 0.587G + 0.114B. */
    public static float[] saturation(float[] chw, int h, int w, float f) {
        Images.checkChw(chw, 3, h, w);
        int n = h * w;
        float[] out = new float[chw.length];
        for (int i = 0; i < n; i++) {
            float g = grey(chw[i], chw[n + i], chw[2 * n + i]);
            for (int c = 0; c < 3; c++) out[c * n + i] = clamp01(f * chw[c * n + i] + (1 - f) * g);
        }
        return out;
    }

    /** torchvision {@code adjust_contrast}: {@code clamp(f·x + (1−f)·mean(grey), 0, 1)}, the mean over this image. */
    public static float[] contrast(float[] chw, int h, int w, float f) {
        Images.checkChw(chw, 3, h, w);
        int n = h * w;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += grey(chw[i], chw[n + i], chw[2 * n + i]);
        float mean = (float) (sum / n);
        float[] out = new float[chw.length];
        for (int i = 0; i < chw.length; i++) out[i] = clamp01(f * chw[i] + (1 - f) * mean);
        return out;
    }

    /**
     * torchvision {@code adjust_hue} on a float image: RGB → HSV, {@code h = (h + shift) mod 1}, HSV → RGB, with
     * torchvision's formulas ({@code _rgb2hsv}, {@code _hsv2rgb}); the result is clamped to [0,1].
     *
     * @param shift hue shift as a fraction of the hue circle, in [−0.5, 0.5]
     */
    public static float[] hue(float[] chw, int h, int w, float shift) {
        Images.checkChw(chw, 3, h, w);
        if (!(shift >= -0.5f && shift <= 0.5f)) throw new IllegalArgumentException("hue shift must be in [-0.5, 0.5], got " + shift);
        int n = h * w;
        float[] out = new float[chw.length];
        for (int i = 0; i < n; i++) {
            float r = chw[i], g = chw[n + i], b = chw[2 * n + i];
            float maxc = Math.max(r, Math.max(g, b)), minc = Math.min(r, Math.min(g, b));
            boolean eqc = maxc == minc;
            float cr = maxc - minc;
            float s = cr / (eqc ? 1f : maxc);
            float crd = eqc ? 1f : cr;
            float rc = (maxc - r) / crd, gc = (maxc - g) / crd, bc = (maxc - b) / crd;
            float hh = 0;
            if (maxc == r) hh += bc - gc;
            if (maxc == g && maxc != r) hh += 2f + rc - bc;
            if (maxc != g && maxc != r) hh += 4f + gc - rc;
            hh = (hh / 6f + 1f) % 1f;                         // torch.fmod of a non-negative value
            hh = hh + shift;
            hh = hh - (float) Math.floor(hh);                 // torch's % (remainder with the divisor's sign)
            if (hh >= 1f) hh = 0f;
            float v = maxc;
            float i6 = (float) Math.floor(hh * 6f);
            float fr = hh * 6f - i6;
            int sector = Math.floorMod((int) i6, 6);
            float p = clamp01(v * (1f - s)), q = clamp01(v * (1f - s * fr)), t = clamp01(v * (1f - s * (1f - fr)));
            float ro, go, bo;
            switch (sector) {
                case 0 -> { ro = v; go = t; bo = p; }
                case 1 -> { ro = q; go = v; bo = p; }
                case 2 -> { ro = p; go = v; bo = t; }
                case 3 -> { ro = p; go = q; bo = v; }
                case 4 -> { ro = t; go = p; bo = v; }
                default -> { ro = v; go = p; bo = q; }
            }
            out[i] = clamp01(ro);
            out[n + i] = clamp01(go);
            out[2 * n + i] = clamp01(bo);
        }
        return out;
    }

    private static float grey(float r, float g, float b) { return 0.2989f * r + 0.587f * g + 0.114f * b; }
}
