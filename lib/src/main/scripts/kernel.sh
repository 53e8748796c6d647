#!/usr/bin/env bash
# Starts the Java Jupyter kernel of mask3d (rapaio-jupyter-kernel, JShell-based) on the library's class path.
# The kernelspec "mask3d" (written by setup-notebooks.sh) runs: bash <repo>/lib/src/main/scripts/kernel.sh {connection_file}
#
# Everything that depends on a build is computed here, when the kernel starts, so a kernelspec registered
# before `mvn package` stays valid afterwards:
#   RJK_CLASSPATH    lib/target/mask3d-lib.jar;lib/target/deps/*.jar   (rapaio splits on ';')
#   RJK_INIT_SCRIPT  lib/src/main/notebook/init.jsh                     (the common imports)
# Working directory: the repository root, whatever folder Jupyter starts the kernel in, so a notebook's
# relative paths (runs/..., notebooks/...) mean the same in the tests and in a browser.
# MASK3D_ROOT, when set to another checkout, hands over to that checkout's kernel.sh: the notebook tests set it
# so that they always run the code of their own checkout, whichever checkout last registered the kernelspec.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
if [ -n "${MASK3D_ROOT:-}" ] && [ "$(cd "$MASK3D_ROOT" 2>/dev/null && pwd)" != "$ROOT" ]; then
  if [ -f "$MASK3D_ROOT/lib/src/main/scripts/kernel.sh" ]; then
    exec bash "$MASK3D_ROOT/lib/src/main/scripts/kernel.sh" "$@"
  fi
  echo "mask3d kernel: MASK3D_ROOT=$MASK3D_ROOT holds no lib/src/main/scripts/kernel.sh" >&2; exit 1
fi

KERNEL_JAR="$ROOT/lib/target/kernel/rapaio-jupyter-kernel.jar"
LIB_JAR="$ROOT/lib/target/mask3d-lib.jar"
DEPS="$ROOT/lib/target/deps"
for f in "$KERNEL_JAR" "$LIB_JAR"; do
  [ -f "$f" ] || { echo "mask3d kernel: $f is missing; build first: (cd $ROOT && mvn -B -q package -DskipTests)" >&2; exit 1; }
done
shopt -s nullglob
deps=("$DEPS"/*.jar)
[ ${#deps[@]} -gt 0 ] || { echo "mask3d kernel: no jars in $DEPS; build first: (cd $ROOT && mvn -B -q package -DskipTests)" >&2; exit 1; }
cp="$LIB_JAR"
for j in "${deps[@]}"; do cp="$cp;$j"; done

export RJK_CLASSPATH="$cp"
export RJK_INIT_SCRIPT="$ROOT/lib/src/main/notebook/init.jsh"
export RJK_TIMEOUT_MILLIS="${RJK_TIMEOUT_MILLIS:--1}"   # no per-cell time limit in the kernel; the runner has one
export OMP_NUM_THREADS=1   # libtorch's oneDNN returns NaN gradients at times with 2 threads (STACK.md)
export DJL_OFFLINE=true
cd "$ROOT"
# CudaUtils warns "Failed to detect GPU count" into every notebook on a machine without a GPU driver: quieted
exec java -Djava.awt.headless=true -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error \
  ${MASK3D_KERNEL_JAVA_OPTS:-} -jar "$KERNEL_JAR" "$@"
