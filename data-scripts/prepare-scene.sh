#!/usr/bin/env bash
# Your own rig, from per-camera videos to a packed training scene, the way the authors prepared theirs:
#   1. every 4th frame of each camera's video, resized (./mask3d prepare video)
#   2. poses by COLMAP on frame 0 of every camera (./mask3d poses; pass --focal if you know it)
#   3. median backgrounds of every 25th frame (./mask3d prepare background)
#   4. a check of the whole folder, then the packed format (./mask3d prepare check, ./mask3d prepare pack)
#
#   data-scripts/prepare-scene.sh VIDEOS_DIR SCENE_DIR [--size 640x360] [--skip 4] [--focal PX]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
videos="${1:?usage: prepare-scene.sh VIDEOS_DIR SCENE_DIR [--size WxH] [--skip N] [--focal PX]}"
scene="${2:?usage: prepare-scene.sh VIDEOS_DIR SCENE_DIR [--size WxH] [--skip N] [--focal PX]}"
shift 2
size=640x360; skip=4; focal=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --skip) skip="$2"; shift 2 ;;
    --focal) focal=(--focal "$2"); shift 2 ;;
    *) echo "prepare-scene.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
m="$ROOT/mask3d"
"$m" prepare video --videos "$videos" --out "$scene" --skip "$skip" --size "$size"
"$m" poses "$scene" "${focal[@]}"
"$m" prepare background "$scene"
"$m" prepare check "$scene"
"$m" prepare pack "$scene" --out "$scene-pack"
echo "prepare-scene.sh: $scene (folder) and $scene-pack (packed) are ready"
