package org.mask3d.bench;

import org.mask3d.data.AuthorsH5Scene;
import org.mask3d.data.MaskStageSampler;
import org.mask3d.data.MpiStageSampler;
import org.mask3d.data.PackedScene;
import org.mask3d.data.RealEstate10K;
import org.mask3d.data.Scene;
import org.mask3d.data.SyntheticRig;
import org.mask3d.data.VideoFolderScene;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Times the data pipeline on this machine: generating the synthetic rig, reading one frame from each scene format,
 * drawing stage-2 samples and stage-1 batches. Everything runs on data it makes itself (in a temporary folder),
 * except the authors' h5 format, which needs a file ({@code make_h5_fixture.py --full} writes a full-size one).
 */
public final class DataBenchmark {
    private DataBenchmark() {}

    /** One measurement: what, its median and minimum in milliseconds, and how many repetitions. */
    public record Timing(String what, double msMedian, double msMin, int reps) {}

    /**
     * @param width  image width of the generated rig (640 as the released training data)
     * @param height image height
     * @param h5     an authors' h5 scene to time, or null
     */
    public static List<Timing> run(int width, int height, int reps, Path h5) throws IOException {
        List<Timing> out = new ArrayList<>();
        Path tmp = Files.createTempDirectory("mask3d-bench-data");
        try {
            SyntheticRig.Options small = SyntheticRig.Options.defaults();
            Path rigDir = tmp.resolve("rig-default");
            out.add(once("synth: 10 cameras x 30 frames at 320x180, written", () ->
                    new SyntheticRig(small).write(rigDir, Runtime.getRuntime().availableProcessors(), null)));

            SyntheticRig rig = new SyntheticRig(new SyntheticRig.Options(width, height, 2, 5, 0.08, 8, 0));
            Path folder = tmp.resolve("rig");
            rig.write(folder, Runtime.getRuntime().availableProcessors(), null);
            VideoFolderScene vs = VideoFolderScene.open(folder);
            PackedScene.pack(vs, vs.poses(), tmp.resolve("pack"), null);
            String size = width + "x" + height;
            Random rng = new Random(0);
            try (PackedScene ps = PackedScene.open(tmp.resolve("pack"))) {
                out.add(time("frame read, PNG folder, " + size, reps, () -> vs.frame(rng.nextInt(10), rng.nextInt(8))));
                out.add(time("frame read, packed, " + size, reps, () -> ps.frame(rng.nextInt(10), rng.nextInt(8))));
                if (h5 != null) {
                    try (AuthorsH5Scene hs = AuthorsH5Scene.open(h5)) {
                        out.add(time("frame read, authors' h5 (LZF), " + hs.width() + "x" + hs.height(), reps,
                                () -> hs.frame(rng.nextInt(hs.numCameras()), rng.nextInt(hs.numFrames()))));
                    }
                }
                for (Scene s : List.of(vs, ps)) {
                    MaskStageSampler m = new MaskStageSampler(List.of(s));
                    out.add(time("stage-2 sample (3 frames, 3 backgrounds, 1 matte), " + (s == vs ? "PNG folder" : "packed")
                            + ", " + size, reps, () -> m.sample(0, rng)));
                }
                RealEstate10K.Sequence seq = RealEstate10K.Sequence.fromScene(ps, 0);
                MpiStageSampler.Options train = MpiStageSampler.Options.released(MpiStageSampler.Split.TRAIN)
                        .withFrames(10, 1, 1).withSize(width, height, Math.min(256, height));
                MpiStageSampler s1 = new MpiStageSampler(List.of(seq), train);
                for (int b : new int[]{1, 4}) {
                    out.add(time("stage-1 train batch of " + b + " (scale, " + train.crop() + " crop, colour), from " + size, reps,
                            () -> s1.batch(b, rng)));
                }
            }
        } finally {
            try (Stream<Path> w = Files.walk(tmp)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        return out;
    }

    private static Timing once(String what, Runnable body) {
        long t0 = System.nanoTime();
        body.run();
        double ms = (System.nanoTime() - t0) / 1e6;
        return new Timing(what, ms, ms, 1);
    }

    private static Timing time(String what, int reps, Runnable body) {
        for (int i = 0; i < Math.min(5, reps); i++) body.run();   // warm-up: JIT, page cache
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new Timing(what, ms[reps / 2], ms[0], reps);
    }
}
