#!/usr/bin/env bash
# Runs on the GPU machine (no Java, no Maven there): the CUDA renderer's GPU tests, then its benchmark beside the
# PyTorch reference (../shared/bench/torch_mpi_render.py, plain and --compile) on the same card, in one go.
#   gpu-bench.sh PAYLOAD_DIR OUT_DIR
# PAYLOAD_DIR (made by lib/benchmarks/make-payload.sh on a CPU machine): jre.tar.xz (jlink'd runtime), jars/
# (mask3d-lib.jar, mask3d-lib-tests.jar, jcuda, jcuda-natives, junit-platform-console-standalone), fixtures/*.npz,
# torch_mpi_render.py. Writes OUT_DIR/tests.txt, torch.jsonl, bench.txt.
set -uo pipefail
P="$(cd "$1" && pwd)"; O="$2"; mkdir -p "$O"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.mem --format=csv | tee "$O/gpu.txt"
mkdir -p /tmp/jre && python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$P/jre.tar.xz" /tmp/jre
JAVA="$(ls -d /tmp/jre/*/bin/java)"; "$JAVA" -version 2>&1 | head -1
CP="$P/jars/mask3d-lib.jar:$P/jars/jcuda-12.6.0.jar:$P/jars/jcuda-natives-12.6.0-linux-x86_64.jar"
echo "== GPU tests"
"$JAVA" -Xmx16g -Dmask3d.fixtures="$P/fixtures" -jar "$P/jars/junit-platform-console-standalone.jar" execute \
  -cp "$CP:$P/jars/mask3d-lib-tests.jar" --disable-ansi-colors --select-class org.mask3d.render.CudaRendererGpuTest \
  --select-class org.mask3d.render.CudaRendererTest --details=tree --disable-banner 2>&1 | tee "$O/tests.txt"
echo "== PyTorch reference (same card)"
: > "$O/torch.jsonl"
for s in "360 640" "1080 1920"; do set -- $s
  for c in "" --compile; do
    python3 "$P/torch_mpi_render.py" --height $1 --width $2 --planes 32 --iters 50 $c 2>"$O/torch-err.txt" | tee -a "$O/torch.jsonl"
  done
done
echo "== CUDA renderer benchmark"
"$JAVA" -Xmx40g -cp "$CP" org.mask3d.bench.GpuBenchmark --iters 50 --torch "$O/torch.jsonl" 2>&1 | tee "$O/bench.txt"
