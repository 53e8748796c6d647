/**
 * Orchestration: what strings the stages together. The evaluation end to end ({@link org.mask3d.workflow.EvaluationRun}:
 * plan → train or reuse → measure → report), the learning demo ({@link org.mask3d.workflow.LearningDemo}: train both
 * stages, then measure held-out PSNR), novel-view video rendering ({@link org.mask3d.workflow.NovelViewVideo}), and
 * {@code ./mask3d demo} ({@link org.mask3d.workflow.Demo} with its settings; {@link org.mask3d.workflow.SyntheticDemo}
 * for the synthetic scene's exact-MPI renders).
 *
 * <p>It sits above {@code train} and {@code eval} and calls them; it holds no method (that is {@code model}), no metric
 * (that is {@code eval}), no training loop (that is {@code train}) and no drawing: it never imports {@code viz},
 * {@code notebook}, {@code cli} or its sibling {@code bench}. It returns what it computed and writes data files
 * (tables, renders, runs); {@code viz} draws the figures from its results and {@code cli} parses flags and calls it.
 */
package org.mask3d.workflow;
