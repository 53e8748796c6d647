#!/usr/bin/env bash
# Your own rig, from per-camera videos to a packed training scene, the way the authors prepared theirs:
#   1. every 4th frame of each camera's video, resized (./mask3d prepare video)
#   2. poses by COLMAP on frame 0 of every camera (./mask3d poses; pass --focal if you know it)
#   3. median backgrounds of every 25th frame (./mask3d prepare background; at least 5 frames)
#   4. a check of the whole folder, then the packed format (./mask3d prepare check, ./mask3d prepare pack)
# Every step's options pass through; nothing existing is replaced without --overwrite.
#
#   data-scripts/prepare-scene.sh VIDEOS_DIR SCENE_DIR [--size WxH] [--skip N]           (prepare video)
#                                 [--focal PX] [--min-tri-angle DEG] [--frame N] [--attempts N]   (poses)
#                                 [--stride N] [--min-frames N]                          (prepare background)
#                                 [--overwrite]                                          (every step)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: prepare-scene.sh VIDEOS_DIR SCENE_DIR [--size WxH] [--skip N] [--focal PX] [--min-tri-angle DEG] [--frame N] [--attempts N] [--stride N] [--min-frames N] [--overwrite]"
videos="${1:?$usage}"
scene="${2:?$usage}"
shift 2
video=(--size 640x360 --skip 4); size=640x360; skip=4; poses=(); background=(); overwrite=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size|--skip)
      [ $# -ge 2 ] || { echo "prepare-scene.sh: $1 needs a value" >&2; exit 2; }
      if [ "$1" = --size ]; then size="$2"; else skip="$2"; fi; shift 2 ;;
    --focal|--min-tri-angle|--frame|--attempts)
      [ $# -ge 2 ] || { echo "prepare-scene.sh: $1 needs a value" >&2; exit 2; }
      poses+=("$1" "$2"); shift 2 ;;
    --stride|--min-frames)
      [ $# -ge 2 ] || { echo "prepare-scene.sh: $1 needs a value" >&2; exit 2; }
      background+=("$1" "$2"); shift 2 ;;
    --overwrite) overwrite=(--overwrite); shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "prepare-scene.sh: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
video=(--size "$size" --skip "$skip")
m="$ROOT/mask3d"
"$m" prepare video --videos "$videos" --out "$scene" "${video[@]}" "${overwrite[@]}"
"$m" poses "$scene" "${poses[@]}" "${overwrite[@]}"
"$m" prepare background "$scene" "${background[@]}" "${overwrite[@]}"
"$m" prepare check "$scene"
"$m" prepare pack "$scene" --out "$scene-pack" "${overwrite[@]}"
echo "prepare-scene.sh: $scene (folder) and $scene-pack (packed) are ready"
