#!/usr/bin/env bash
# Camera poses of your own rig by COLMAP, as multiview_preprocessing/get_pose.py: frame N of every camera folder
# (SCENE/frames/camNN/ or SCENE/camNN/) -> SCENE/poses_bounds.npy (LLFF, per-camera focal length, near/far from the
# 1st/99.9th percentile of point depths). COLMAP's work folder (images, database, model, log) is SCENE/colmap.
# Needs Debian's colmap (apt-get install colmap). Check the result with data-scripts/check-poses.sh SCENE.
#
#   data-scripts/poses.sh SCENE_DIR [FRAME] [more ./mask3d poses options]
#   data-scripts/poses.sh data/myrig
#   data-scripts/poses.sh data/myrig 10 --workdir /tmp/myrig-colmap
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scene="${1:?usage: poses.sh SCENE_DIR [FRAME] [./mask3d poses options]}"
frame="${2:-0}"
shift $(( $# >= 2 ? 2 : 1 ))
exec "$ROOT/mask3d" poses "$scene" --frame "$frame" "$@"
