#!/usr/bin/env bash
# Regenerates the checked-in PTX of the CUDA renderer from lib/src/main/cuda/*.cu (needs nvcc; Maven runs this
# in generate-resources when nvcc is on the PATH, see lib/pom.xml, and otherwise keeps the checked-in copies).
#   sm_90:      PTX for Hopper (H100/H200), the card the benchmark targets
#   compute_75: portable PTX that any driver for Turing or newer JIT-compiles
#   compute_80: (unet3d only) portable PTX with the bf16 tensor-core kernels, for Ampere and Ada (compute_75 traps there)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../resources/org/mask3d/render/cuda}"
mkdir -p "$out"
for cu in "$here"/*.cu; do
  name="$(basename "$cu" .cu)"
  archs="sm_90 compute_75"
  [ "$name" = unet3d ] && archs="$archs compute_80"
  for arch in $archs; do
    ptx="$out/$name.$arch.ptx"
    if [ "${FORCE:-0}" = 1 ] || [ ! -f "$ptx" ] || [ "$cu" -nt "$ptx" ]; then
      echo "nvcc -ptx -arch=$arch $cu"
      nvcc -ptx -O3 -arch="$arch" -o "$ptx" "$cu"
    fi
  done
done
