/**
 * Benchmarks (not tests): the renderers ({@link org.mask3d.bench.RenderBenchmark}, the CUDA one in
 * {@link org.mask3d.bench.GpuBenchmark}), data loading ({@link org.mask3d.bench.DataBenchmark}) and the networks'
 * forward and backward passes ({@link org.mask3d.bench.ModelBenchmark}), run by {@code ./mask3d bench} and
 * {@code lib/benchmarks/gpu-bench.sh}.
 *
 * <p>It holds timing code only: it never trains, evaluates or draws, and it imports no {@code workflow}, {@code viz},
 * {@code notebook} or {@code cli} class (it sits beside {@code workflow}, above {@code train} and {@code eval}).
 */
package org.mask3d.bench;
