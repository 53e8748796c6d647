#!/usr/bin/env bash
# Eyeball the poses of a multi-camera scene folder (poses_bounds.npy, frames/camNN/ or camNN/, background/):
# for every camera as the reference, the plane-sweep volume of it and its neighbours, with the views'
# disagreement per plane. Correct poses make each surface agree (dark) on the plane at its depth.
# The mask3d counterpart of multiview_preprocessing's batch_check_psv.py.
#
#   data-scripts/check-poses.sh SCENE_DIR [OUT_DIR] [FRAME]
#   data-scripts/check-poses.sh runs/demo/scene runs/check-poses
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scene="${1:?usage: check-poses.sh SCENE_DIR [OUT_DIR] [FRAME]}"
out="${2:-runs/check-poses}"
frame="${3:-0}"
[ -f "$scene/poses_bounds.npy" ] || { echo "check-poses.sh: $scene/poses_bounds.npy not found" >&2; exit 2; }
camroot="$scene"; [ -d "$scene/frames" ] && camroot="$scene/frames"
n=$(find "$camroot" -maxdepth 1 -type d -name 'cam[0-9]*' | wc -l)
[ "$n" -ge 2 ] || { echo "check-poses.sh: $scene has $n camera folders (cam00, cam01, ...); need at least 2" >&2; exit 2; }
for ((r = 0; r < n; r++)); do
  left=$(( (r + n - 1) % n )); right=$(( (r + 1) % n ))
  src="$right"; [ "$left" != "$right" ] && src="$left,$right"
  "$ROOT/mask3d" psv --scene "$scene" --ref "$r" --src "$src" --frame "$frame" --out "$out"
done
echo "check-poses.sh: $n pictures in $out"
