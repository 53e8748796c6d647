/**
 * Evaluation: metrics ({@link org.mask3d.eval.Metrics}, {@link org.mask3d.eval.Lpips},
 * {@link org.mask3d.eval.TemporalStability}), the paper's comparison ({@link org.mask3d.eval.EvalMethod} on the same
 * inputs through one renderer, {@link org.mask3d.eval.EvalSession} for the renders of one frame,
 * {@link org.mask3d.eval.Evaluation} for the tables, {@link org.mask3d.eval.EvalConfig} for its settings), parity
 * checks against the released implementation's outputs, and the benchmarks.
 */
package org.mask3d.eval;
