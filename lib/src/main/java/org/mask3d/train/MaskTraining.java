package org.mask3d.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.mask3d.InputException;
import org.mask3d.data.MaskSample;
import org.mask3d.data.MaskStageSampler;
import org.mask3d.data.Scene;
import org.mask3d.geometry.Camera;
import org.mask3d.geometry.PlaneDepths;
import org.mask3d.model.MaskNet3d;
import org.mask3d.model.Checkpoints;
import org.mask3d.model.Device;
import org.mask3d.model.LossType;
import org.mask3d.model.MaskPipeline;
import org.mask3d.model.MpiNet3d;
import org.mask3d.model.Networks;
import org.mask3d.model.UNet3d;
import org.mask3d.model.VggBnLoss;
import org.mask3d.render.HostArrays;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Stage 2 (the released {@code train_mask}): per sample, a random frame, target and two source cameras of a scene
 * ({@link MaskStageSampler}); the 12-channel sweep (frames and backgrounds of the sources, released sampling) into
 * source 0; {@link MaskPipeline#forward} with MPINet3d frozen; the {@link LossType}; gradients into MaskNet3d
 * only. MPINet3d comes from {@code mpi_model} (official {@code .ckpt}, prefix {@code models.mpi_net.}, or a mask3d
 * checkpoint folder); {@code ckpt_path} may give MaskNet3d's initial weights.
 */
public final class MaskTraining implements TrainingStage {
    private static final long VALIDATION_SALT = 0x5EED_0F_7A11L;

    private final TrainConfig cfg;
    private final MpiNet3d mpiNet;
    private final MaskNet3d maskNet;
    private final MaskPipeline net;
    private final MaskStageSampler train, val;
    private final LossType loss;
    private final VggBnLoss vgg;
    private final int planes;

    public MaskTraining(TrainConfig c, NDManager m) {
        this.cfg = c;
        int[] wh = c.imageWh();
        String dataset = c.string("dataset_name");
        String root = c.string("root_dir");
        if (dataset.equalsIgnoreCase(StageSupport.SYNTHETIC)) root = StageSupport.SYNTHETIC;
        else if (!dataset.equals("mvcam")) throw new InputException("dataset_name must be mvcam or synthetic for train-mask, got '" + dataset + "'");
        if (root.isEmpty()) throw new InputException("root_dir is empty: give the training scenes or 'synthetic'");
        loss = c.lossType();
        List<Scene> scenes = StageSupport.scenes(c, root, wh[0], wh[1], 0);
        train = new MaskStageSampler(scenes);
        String valDir = c.string("val_dir");
        val = valDir.isEmpty() ? train : new MaskStageSampler(StageSupport.scenes(c, valDir, wh[0], wh[1], 1));
        if (loss.needsTargetMask()) {
            for (Scene s : scenes) {
                if (!s.hasForeground()) {
                    throw new InputException("loss_type " + loss.key() + " needs foreground mattes (BackgroundMattingV2), " + s.name() + " has none; use vgg_only or no_mask");
                }
            }
        }
        planes = c.integer("planes");
        mpiNet = Networks.initialize(new MpiNet3d(), m, DataType.FLOAT32);
        maskNet = Networks.initialize(new MaskNet3d(), m, DataType.FLOAT32);
        Path mpiModel = c.path("mpi_model");
        if (mpiModel != null) Checkpoints.load(mpiModel, "mpi_model", Checkpoints.Net.MPI_NET, mpiNet);
        Path init = c.path("ckpt_path");
        if (init != null) Checkpoints.load(init, "ckpt_path", Checkpoints.Net.MASK_NET, maskNet);
        net = new MaskPipeline(mpiNet, maskNet, Device.cpu(), m);
        vgg = loss.needsVgg() ? StageSupport.vgg(c, m, loss.key()) : null;
    }

    @Override public String name() { return "mask"; }
    @Override public Map<String, UNet3d> networks() {
        Map<String, UNet3d> nets = new LinkedHashMap<>();   // in this order in checkpoint.json (Map.of's order changes between JVMs)
        nets.put("mpi_net", mpiNet);
        nets.put("mask_net", maskNet);
        return nets;
    }
    @Override public UNet3d trainable() { return maskNet; }
    @Override public int dataSize() { return train.scenes().size(); }

    @Override public List<String> terms() { return loss.terms(); }

    @Override public Map<String, Object> dataDescription() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("root_dir", cfg.string("root_dir"));
        d.put("scenes", train.scenes().stream().map(Scene::name).toList());
        d.put("cameras", train.scenes().stream().map(Scene::numCameras).toList());
        d.put("frames", train.scenes().stream().map(Scene::numFrames).toList());
        d.put("image_wh", cfg.imageWh());
        d.put("planes", planes);
        d.put("validation", cfg.string("val_dir").isEmpty() ? "a fixed-seed sample of root_dir" : cfg.string("val_dir"));
        return d;
    }

    private record Result(LossType.Result loss, NDArray rgb, NDArray target) {}

    private Result forward(NDManager s, MaskSample x, boolean training) {
        Camera ref = x.srcCams()[0];
        double[] depths = PlaneDepths.inverseLinear(x.bounds()[0], x.bounds()[1], planes);
        int h = x.height(), w = x.width();
        MaskPipeline.Output o = net.forward(s, net.sweep(MaskPipeline.Views.of(x), depths), depths, ref, x.tgtCam(),
                new ParameterStore(s, false), training);
        NDArray rgb = o.rgb().expandDims(0);
        NDArray tgt = HostArrays.of(s, x.tgtRgb(), new Shape(1, 3, h, w));
        NDArray tmask = x.tgtMask() == null ? null : HostArrays.of(s, x.tgtMask(), new Shape(1, h, w));
        LossType.Result r = loss.compute(new LossType.Inputs(rgb, tgt, o.mask(), o.fgAlpha().expandDims(0), tmask), vgg);
        return new Result(r, rgb, tgt);
    }

    @Override public Stats step(NDManager m, GradientCollector gc, Random rng, int batchSize, boolean injectNaN) {
        List<MaskSample> batch = train.batch(batchSize, rng);
        double lossSum = 0, psnrSum = 0;
        Map<String, Double> terms = new LinkedHashMap<>();
        for (MaskSample x : batch) {
            try (NDManager s = m.newSubManager()) {
                Result r = forward(s, x, true);
                NDArray total = r.loss().total();
                if (injectNaN) total = total.mul(Float.NaN);
                gc.backward(batchSize == 1 ? total : total.div(batchSize));
                lossSum += StageSupport.value(total);
                psnrSum += StageSupport.psnr(r.rgb(), r.target());
                for (Map.Entry<String, NDArray> e : r.loss().terms().entrySet()) terms.merge(e.getKey(), StageSupport.value(e.getValue()) / batchSize, Double::sum);
            }
        }
        return new Stats(lossSum / batchSize, terms, psnrSum / batchSize);
    }

    @Override public Validation validate(NDManager m) {
        Random rng = new Random(cfg.seed() ^ VALIDATION_SALT);
        MaskSample x = val.sample(rng.nextInt(val.scenes().size()), rng);
        try (NDManager s = m.newSubManager()) {
            Result r = forward(s, x, false);
            Map<String, Double> terms = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : r.loss().terms().entrySet()) terms.put(e.getKey(), StageSupport.value(e.getValue()));
            Stats st = new Stats(StageSupport.value(r.loss().total()), terms, StageSupport.psnr(r.rgb(), r.target()));
            return new Validation(st, r.rgb().clip(0, 1).toFloatArray(), x.tgtRgb(), x.height(), x.width());
        }
    }

    @Override public void close() {
        if (vgg != null) vgg.features().close();
    }
}
