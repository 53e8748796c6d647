package org.mask3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.mask3d.InputException;
import org.mask3d.data.MpiSample;
import org.mask3d.data.MpiStageSampler;
import org.mask3d.data.RealEstate10K;
import org.mask3d.data.Scene;
import org.mask3d.data.Scenes;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.model.Checkpoints;
import org.mask3d.model.Device;
import org.mask3d.model.LossType;
import org.mask3d.model.MpiPipeline;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;
import org.mask3d.model.UNet3d;
import org.mask3d.model.VggBnLoss;
import org.mask3d.render.HostArrays;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Stage 1 (the released {@code train_mpi}): per sample, two sources and a target of a sequence
 * ({@link MpiStageSampler}: RealEstate10K, or a static multi-view scene seen as a sequence of its cameras), the
 * 6-channel sweep of the sources into source 0 at inverse-linear depths ({@link #planeDepths}: the scene's bounds
 * for a {@code scene} dataset, 1..100 as released otherwise or with {@code stage1_depths = released}), MPINet3d, the MPI
 * ({@link MpiPipeline}: MPINet3d, the head, the rendering to the target), and the loss ({@link LossType}: {@code l1},
 * {@code mse} or {@code vgg}).
 */
public final class MpiTraining implements TrainingStage {
    /** Released plane-sweep depth range of stage 1. */
    public static final double NEAR = 1, FAR = 100;
    private static final long VALIDATION_SALT = 0x5EED_0F_7A12L;

    private final TrainConfig cfg;
    private final MpiNet3d mpiNet;
    private final MpiPipeline pipeline;
    private final MpiStageSampler train, val;
    private final LossType loss;
    private final VggBnLoss vgg;
    private final double[] depths;
    private final String depthsText;

    public MpiTraining(TrainConfig c, NDManager m) {
        this.cfg = c;
        int[] wh = c.imageWh();
        int crop = c.integer("crop");
        loss = c.lossType();
        String dataset = c.string("dataset_name").toLowerCase(Locale.ROOT);
        String root = c.string("root_dir");
        if (root.equalsIgnoreCase(StageSupport.SYNTHETIC)) dataset = StageSupport.SYNTHETIC;
        train = sampler(c, dataset, root, wh, crop, MpiStageSampler.Split.TRAIN, 0);
        String valDir = c.string("val_dir");
        String valSet = valDir.equalsIgnoreCase(StageSupport.SYNTHETIC) ? StageSupport.SYNTHETIC : dataset;
        val = sampler(c, valSet, valDir.isEmpty() ? root : valDir, wh, crop, MpiStageSampler.Split.VALIDATION,
                valDir.isEmpty() ? 0 : 1);
        double[] range = planeDepths(c, dataset, dataset.equals("scene") ? Scenes.open(Path.of(root)).depthBounds() : null);
        depths = PlaneDepths.inverseLinear(range[0], range[1], c.planes());
        depthsText = String.format(Locale.ROOT, "inverse-linear %.4g..%.4g", range[0], range[1]);
        mpiNet = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
        Path init = c.path("ckpt_path");
        if (init != null) Checkpoints.load(init, "ckpt_path", Checkpoints.Net.MPI_NET, mpiNet);
        pipeline = new MpiPipeline(mpiNet, Device.cpu(), m);
        vgg = loss.needsVgg() ? StageSupport.vgg(c, m, loss.key()) : null;
    }

    /**
     * Stage 1's plane-depth range {near, far}: {@code stage1_depths = auto} takes the scene's bounds
     * ({@link Scene#depthBounds()}, as stage 2 does) for a {@code scene} dataset and the released {@link #NEAR}..
     * {@link #FAR} otherwise; {@code released} is always 1..100, {@code scene} always the scene's bounds. Prints a
     * warning when the released range covers less than half of a scene's range in disparity.
     *
     * @param bounds the scene's {near, far}, or null when the dataset has none (realestate, synthetic)
     * @throws InputException for {@code stage1_depths = scene} without a scene
     */
    static double[] planeDepths(TrainConfig c, String dataset, double[] bounds) {
        String mode = c.stage1Depths();
        if (mode.equals("scene") && bounds == null) {
            throw new InputException("stage1_depths = scene needs dataset_name = scene (a scene with depth bounds), got dataset_name = "
                    + dataset + "; use stage1_depths = auto or released");
        }
        if (bounds != null && !mode.equals("released")) return bounds.clone();
        if (bounds != null) {
            double lo = Math.max(1 / bounds[1], 1 / FAR), hi = Math.min(1 / bounds[0], 1 / NEAR);
            double covered = Math.max(0, hi - lo) / (1 / bounds[0] - 1 / bounds[1]);
            if (covered < 0.5) {
                System.out.printf(Locale.ROOT, "warning: stage1_depths = released sweeps depths %.0f..%.0f but the scene spans "
                        + "%.4g..%.4g (%.0f%% of its disparity range covered): use stage1_depths = auto%n", NEAR, FAR, bounds[0],
                        bounds[1], 100 * covered);
            }
        }
        return new double[]{NEAR, FAR};
    }

    private static MpiStageSampler sampler(TrainConfig c, String dataset, String root, int[] wh, int crop,
                                           MpiStageSampler.Split split, long seedOffset) {
        MpiStageSampler.Options o = MpiStageSampler.Options.released(split).withSize(wh[0], wh[1], crop);
        List<RealEstate10K.Sequence> seqs;
        switch (dataset) {
            case "realestate" -> {
                if (root.isEmpty()) throw new InputException("root_dir is empty: give the RealEstate10K camera .txt folder");
                Path frames = c.path("frames_dir");
                if (frames == null) throw new InputException("dataset_name realestate needs frames_dir (FRAMES/<sequence>/<timestamp>.png)");
                RealEstate10K.Scan scan = RealEstate10K.scan(Path.of(root), frames, o.requiredFrames());
                seqs = scan.usable();
                if (seqs.isEmpty()) throw new InputException(root + ": no usable sequence (" + scan.pruned().size() + " pruned, e.g. " + scan.pruned().stream().limit(3).toList() + ")");
            }
            case "scene", StageSupport.SYNTHETIC -> {
                Scene s = dataset.equals("scene") ? Scenes.open(Path.of(root)) : StageSupport.rig(c, wh[0], wh[1], seedOffset);
                seqs = List.of(RealEstate10K.Sequence.fromScene(s, 0));
                int n = Math.min(10, s.numCameras());
                if (n < 3) throw new InputException(s.name() + ": stage 1 needs at least 3 cameras, got " + s.numCameras());
                o = o.withFrames(n, 1, 1);
            }
            default -> throw new InputException("dataset_name must be realestate, scene or synthetic for train-mpi, got '" + dataset + "'");
        }
        return new MpiStageSampler(seqs, o);
    }

    @Override public String name() { return "mpi"; }
    @Override public Map<String, UNet3d> networks() { return Map.of("mpi_net", mpiNet); }
    @Override public UNet3d trainable() { return mpiNet; }
    @Override public int dataSize() { return train.size(); }
    @Override public List<String> terms() { return loss.terms(); }

    @Override public Map<String, Object> dataDescription() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("root_dir", cfg.string("root_dir"));
        d.put("dataset_name", cfg.string("dataset_name"));
        d.put("sequences", train.size());
        d.put("first_sequences", train.sequences().stream().limit(5).map(RealEstate10K.Sequence::name).toList());
        d.put("sampler", train.options().toString());
        d.put("planes", depths.length);
        d.put("depths", depthsText);
        return d;
    }

    private record Result(NDArray loss, NDArray rgb, NDArray target) {}

    private Result forward(NDManager s, MpiSample x, boolean training) {
        int h = x.height(), w = x.width();
        var psv = pipeline.sweep(List.of(x.srcRgb()[0], x.srcRgb()[1]), List.of(x.srcCams()[0], x.srcCams()[1]), depths);
        NDArray rgb = pipeline.forward(s, psv, depths, x.refCam(), x.tgtCam(), new ParameterStore(s, false), training).rgb();
        NDArray tgt = HostArrays.of(s, x.tgtRgb(), new Shape(1, 3, h, w));
        NDArray l = loss.compute(LossType.Inputs.images(rgb, tgt), vgg).total();
        return new Result(l, rgb, tgt);
    }

    @Override public Stats step(NDManager m, GradientCollector gc, Random rng, int batchSize, boolean injectNaN) {
        List<MpiSample> batch = train.batch(batchSize, rng);
        double lossSum = 0, psnrSum = 0;
        for (MpiSample x : batch) {
            try (NDManager s = m.newSubManager()) {
                Result r = forward(s, x, true);
                NDArray total = injectNaN ? r.loss().mul(Float.NaN) : r.loss();
                gc.backward(batchSize == 1 ? total : total.div(batchSize));
                lossSum += StageSupport.value(total);
                psnrSum += StageSupport.psnr(r.rgb(), r.target());
            }
        }
        return new Stats(lossSum / batchSize, Map.of(loss.key(), lossSum / batchSize), psnrSum / batchSize);
    }

    @Override public Validation validate(NDManager m) {
        Random rng = new Random(cfg.seed() ^ VALIDATION_SALT);
        MpiSample x = val.sample(rng.nextInt(val.size()), rng);
        try (NDManager s = m.newSubManager()) {
            Result r = forward(s, x, false);
            double l = StageSupport.value(r.loss());
            return new Validation(new Stats(l, Map.of(loss.key(), l), StageSupport.psnr(r.rgb(), r.target())),
                    r.rgb().clip(0, 1).toFloatArray(), x.tgtRgb(), x.height(), x.width());
        }
    }

    @Override public void close() {
        if (vgg != null) vgg.features().close();
    }
}
