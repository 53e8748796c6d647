#!/usr/bin/env bash
# Starts mask3d's own Java Jupyter kernel (org.mask3d.notebook.Mask3dKernel: JShell on IJava's base library,
# jupyter-jvm-basekernel) on the library's class path.
# The kernelspec "mask3d" (written by setup-notebooks.sh) runs: bash <repo>/lib/src/main/scripts/kernel.sh {connection_file}
#
# Everything that depends on a build is computed here, when the kernel starts, so a kernelspec registered
# before `mvn package` stays valid afterwards:
#   class path            lib/target/mask3d-lib.jar:lib/target/deps/*  (the kernel is in the library jar)
#   -Dmask3d.kernel.init  lib/src/main/notebook/init.jsh               (the common imports)
# Working directory: the repository root, whatever folder Jupyter starts the kernel in, so a notebook's
# relative paths (runs/..., notebooks/...) mean the same in the tests and in a browser.
# MASK3D_ROOT, when set to another checkout, hands over to that checkout's kernel.sh: the notebook tests set it
# so that they always run the code of their own checkout, whichever checkout last registered the kernelspec.
# MASK3D_NOTEBOOK_DIR: the folder Jupyter started the kernel in (the notebook's), kept for the kernel, which says
# in one line when that folder belongs to another checkout than the library it runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
export MASK3D_NOTEBOOK_DIR="${MASK3D_NOTEBOOK_DIR:-$PWD}"
if [ -n "${MASK3D_ROOT:-}" ] && [ "$(cd "$MASK3D_ROOT" 2>/dev/null && pwd)" != "$ROOT" ]; then
  if [ -f "$MASK3D_ROOT/lib/src/main/scripts/kernel.sh" ]; then
    exec bash "$MASK3D_ROOT/lib/src/main/scripts/kernel.sh" "$@"
  fi
  echo "mask3d kernel: MASK3D_ROOT=$MASK3D_ROOT holds no lib/src/main/scripts/kernel.sh" >&2; exit 1
fi

LIB_JAR="$ROOT/lib/target/mask3d-lib.jar"
DEPS="$ROOT/lib/target/deps"
[ -f "$LIB_JAR" ] || { echo "mask3d kernel: $LIB_JAR is missing; build first: (cd $ROOT && mvn -B -q package -DskipTests)" >&2; exit 1; }
[ -f "$DEPS/jupyter-jvm-basekernel-2.3.0.jar" ] || { echo "mask3d kernel: no kernel libraries in $DEPS; build first: (cd $ROOT && mvn -B -q package -DskipTests)" >&2; exit 1; }

export OMP_NUM_THREADS=1   # libtorch's oneDNN returns NaN gradients at times with 2 threads (STACK.md)
export DJL_OFFLINE=true
cd "$ROOT"
# CudaUtils warns "Failed to detect GPU count" into every notebook on a machine without a GPU driver: quieted.
exec java -Djava.awt.headless=true -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error \
  -Dmask3d.kernel.init="$ROOT/lib/src/main/notebook/init.jsh" \
  ${MASK3D_KERNEL_JAVA_OPTS:-} -cp "$LIB_JAR:$DEPS/*" org.mask3d.notebook.Mask3dKernel "$@"
