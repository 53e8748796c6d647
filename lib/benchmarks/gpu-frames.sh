#!/usr/bin/env bash
# Runs on the GPU machine (no Java, no Maven there): the GPU networks' parity tests on the cases in PAYLOAD/cases,
# then the whole-frame benchmark beside the PyTorch reference (torch_frames.py, same card) when it is in the payload.
#   gpu-frames.sh PAYLOAD_DIR OUT_DIR [SIZES]      (payload: lib/benchmarks/make-payload.sh with GPU_CASES=DIR)
#   env: TORCH_SIZES (space-separated WxH, default SIZES), TORCH_BUDGET_S, TORCH_COMPILE_S, NCU=1 (Nsight Compute pass)
# Writes OUT_DIR/gpu.txt, frames-tests.txt, torch-frames.jsonl, frames.md.
set -uo pipefail
P="$(cd "$1" && pwd)"; O="$2"; SIZES="${3:-640x360,1920x1080}"; mkdir -p "$O"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$O/gpu.txt"
mkdir -p /tmp/jre && python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$P/jre.tar.xz" /tmp/jre
JAVA="$(ls -d /tmp/jre/*/bin/java)"
CP="$P/jars/mask3d-lib.jar:$P/jars/jcuda-12.6.0.jar:$P/jars/jcuda-natives-12.6.0-linux-x86_64.jar"
echo "== GPU network tests"
timeout 300 "$JAVA" -Xmx24g -Dmask3d.gpuCases="$P/cases" -jar "$P/jars/junit-platform-console-standalone.jar" execute \
  -cp "$CP:$P/jars/mask3d-lib-tests.jar" --disable-ansi-colors --select-class org.mask3d.model.CudaNetworksGpuTest \
  --details=tree --disable-banner 2>&1 | tee "$O/frames-tests.txt"
: > "$O/torch-frames.jsonl"
if [ -f "$P/torch_frames.py" ] && [ -z "${SKIP_TORCH:-}" ]; then
  echo "== PyTorch reference (same card)"
  for s in ${TORCH_SIZES:-${SIZES//,/ }}; do w=${s%x*}; h=${s#*x}
    timeout 240 python3 "$P/torch_frames.py" --height "$h" --width "$w" --planes 32 --iters 10 --budget-s ${TORCH_BUDGET_S:-150} --compile-timeout-s ${TORCH_COMPILE_S:-120} 2>>"$O/torch-err.txt" | tee -a "$O/torch-frames.jsonl"
  done
fi
echo "== frame benchmark"
timeout 200 "$JAVA" -Xmx40g -cp "$CP" org.mask3d.bench.FrameBenchmark --iters 20 --sizes "$SIZES" --torch "$O/torch-frames.jsonl" --out "$O/frames.md" 2>&1 | tail -40
if [ "${NCU:-0}" = 1 ] && command -v ncu >/dev/null; then
  echo "== Nsight Compute: one 640x360 frame per precision, network kernels (speed of light)"
  timeout 240 ncu --target-processes all -k regex:'conv3d|gn_finalize|head|to_ndhwc' --launch-skip 0 --launch-count 80 \
    --section SpeedOfLight "$JAVA" -Xmx40g -cp "$CP" org.mask3d.bench.FrameBenchmark --iters 1 --sizes 640x360 > "$O/ncu.txt" 2>&1
  grep -E "conv3d|gn_final|head|Duration|Compute \(SM\) Throughput|Memory Throughput" "$O/ncu.txt" | head -150
fi
