#!/usr/bin/env bash
# Builds the folder gpu-bench.sh needs on the GPU machine (run from the repository root after `mvn -o test-compile`):
#   lib/benchmarks/make-payload.sh DEST   (DEST must be a git-ignored folder the device tool carries, e.g. .device/gpu)
set -euo pipefail
D="$1"; M2="${M2:-$HOME/.m2/repository}"
rm -rf "$D"; mkdir -p "$D/jars" "$D/fixtures"
jlink --add-modules java.base,java.logging --strip-debug --no-man-pages --no-header-files --compress=0 --output "$D/jre-tmp"
tar -C "$D" -cJf "$D/jre.tar.xz" jre-tmp && rm -rf "$D/jre-tmp"
jar cf "$D/jars/mask3d-lib.jar" -C lib/target/classes .
jar cf "$D/jars/mask3d-lib-tests.jar" -C lib/target/test-classes org/mask3d/render -C lib/target/test-classes org/mask3d/model/CudaNetworksGpuTest.class \
  -C lib/target/test-classes 'org/mask3d/model/CudaNetworksGpuTest$Case.class'
# the GPU networks' cases (written on a CPU machine with DJL by org.mask3d.model.GpuCases; GPU_CASES=DIR to include)
if [ -n "${GPU_CASES:-}" ]; then mkdir -p "$D/cases" && cp "$GPU_CASES"/*.npz "$D/cases/"; fi
cp "$M2/org/jcuda/jcuda/12.6.0/jcuda-12.6.0.jar" "$M2/org/jcuda/jcuda-natives/12.6.0/jcuda-natives-12.6.0-linux-x86_64.jar" "$D/jars/"
cp "$M2"/org/junit/platform/junit-platform-console-standalone/1.14.1/junit-platform-console-standalone-1.14.1.jar "$D/jars/junit-platform-console-standalone.jar"
cp ../shared/fixtures/original-parity/*.npz "$D/fixtures/"
cp ../shared/bench/torch_mpi_render.py lib/benchmarks/gpu-bench.sh "$D/"
cp lib/benchmarks/*.py "$D/" 2>/dev/null || true
du -sh "$D"
