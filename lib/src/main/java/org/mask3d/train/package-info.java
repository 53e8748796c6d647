/**
 * Training both stages of the method on the CPU (METHOD.md §5): {@link org.mask3d.train.Trainer} runs a
 * {@link org.mask3d.train.TrainingStage} ({@link org.mask3d.train.MpiTraining} for stage 1, MPINet3d alone;
 * {@link org.mask3d.train.MaskTraining} for stage 2, MaskNet3d with MPINet3d frozen) with
 * {@link org.mask3d.train.Adam} (the released optimiser) from a {@link org.mask3d.train.TrainConfig} (every released
 * {@code opt.py} key). A run lives in a run directory ({@code config.txt}, {@code metrics.csv}, {@code checkpoints/},
 * {@code samples/}, {@code run.json}) and resumes exactly: the sample of step s is drawn from a
 * {@link java.util.Random} seeded from (seed, s), and a checkpoint holds the parameters, the optimiser state and the
 * step, so a resumed run repeats the arithmetic of an uninterrupted one bit for bit on the CPU.
 */
package org.mask3d.train;
