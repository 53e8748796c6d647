/**
 * Evaluation: metrics ({@link org.mask3d.eval.Metrics}, {@link org.mask3d.eval.Lpips},
 * {@link org.mask3d.eval.TemporalStability}), the paper's comparison ({@link org.mask3d.eval.EvalMethod} on the same
 * inputs through one renderer, {@link org.mask3d.eval.EvalSession} for the renders of one frame,
 * {@link org.mask3d.eval.Evaluation} for the plan, the measurement and the tables, {@link org.mask3d.eval.EvalConfig}
 * for its settings), and parity checks against the released implementation's outputs.
 *
 * <p>It measures and never trains (no {@code train} import: {@code workflow.EvaluationRun} trains or reuses the models
 * and hands them in) and never draws ({@code viz.EvalFigures} draws its results). The benchmarks are in
 * {@code bench}.
 */
package org.mask3d.eval;
