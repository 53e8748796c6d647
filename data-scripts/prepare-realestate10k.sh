#!/usr/bin/env bash
# RealEstate10K frames for stage-1 (MPI) training: for every camera file TXT_DIR/<sequence>.txt, the frame of
# VIDEO_DIR/<id>.mp4 (id = the v= parameter of the file's URL, as the released download_data.py named it; else
# VIDEO_DIR/<sequence>.mp4) nearest to each line's timestamp, resized to 640x360 with an area filter, written to
# OUT_DIR/<sequence>/00000.jpg ... Sequences without a video or already extracted are skipped.
# The mask3d counterpart of the released extract_frames.py; needs ffmpeg (apt-get install --no-install-recommends ffmpeg).
# Downloading the videos is not done here (youtube-dl/yt-dlp, as the released download_data.py).
#
#   data-scripts/prepare-realestate10k.sh TXT_DIR VIDEO_DIR OUT_DIR [more ./mask3d prepare realestate options]
#   data-scripts/prepare-realestate10k.sh RealEstate10K/train videos/train frames/train
#   data-scripts/prepare-realestate10k.sh RealEstate10K/test videos/test frames/test --format png
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: prepare-realestate10k.sh TXT_DIR VIDEO_DIR OUT_DIR [options of ./mask3d prepare realestate]"
txt="${1:?$usage}"; videos="${2:?$usage}"; out="${3:?$usage}"
shift 3
command -v ffmpeg >/dev/null 2>&1 || {
  echo "prepare-realestate10k.sh: ffmpeg not found; as root: apt-get install --no-install-recommends ffmpeg" >&2; exit 2; }
exec "$ROOT/mask3d" prepare realestate --txt "$txt" --videos "$videos" --out "$out" "$@"
