package org.mask3d.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.mask3d.model.UNet3d;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One stage of the method as the {@link Trainer} drives it: the networks it checkpoints, the one it trains, a training
 * step (forward and backward of a batch; the trainer owns the optimiser) and a validation on a fixed sample.
 */
public interface TrainingStage extends AutoCloseable {
    /** Loss and statistics of a step or a validation (loss terms unweighted, by name). */
    record Stats(double loss, Map<String, Double> terms, double psnr) {}

    /** A validation: its statistics and the rendered and true target images ([3,H,W] in [0,1]). */
    record Validation(Stats stats, float[] prediction, float[] target, int height, int width) {}

    /** "mpi" or "mask". */
    String name();

    /** The networks a checkpoint holds, by checkpoint name ("mpi_net", "mask_net"). */
    Map<String, UNet3d> networks();

    /** The network the optimiser updates. */
    UNet3d trainable();

    /** Names of the loss terms {@link Stats#terms()} holds (metrics.csv columns). */
    List<String> terms();

    /** Scenes or sequences in the training data (one epoch = this many samples). */
    int dataSize();

    /** A few words on the data, for run.json. */
    Map<String, Object> dataDescription();

    /**
     * Draws {@code batchSize} samples from {@code rng} and back-propagates the batch-mean loss; gradients accumulate
     * into the trainable network's parameters.
     */
    Stats step(NDManager manager, GradientCollector gc, Random rng, int batchSize, boolean injectNaN);

    /** The loss, PSNR and render of the fixed validation sample (no gradient). */
    Validation validate(NDManager manager);

    @Override void close();
}
