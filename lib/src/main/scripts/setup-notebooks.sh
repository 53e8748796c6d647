#!/usr/bin/env bash
# Installs what the notebooks (and the COLMAP pose test, the viewer's browser test) need and registers the Java kernel "mask3d" for this checkout.
#   setup-notebooks.sh                 install + register, then check the build and say how to open notebooks
#   setup-notebooks.sh --install-only  install + register only (./mask3d test, before `mvn verify` builds)
#   setup-notebooks.sh --name NAME     register this checkout as kernel NAME instead of "mask3d" (a second
#                                      checkout: --name mask3d-<folder>), shown as "Java (NAME: <folder>)"
# Idempotent and quick when everything is present: apt runs only for missing packages, the kernelspec is
# rewritten only when it differs. As root it installs the Debian packages itself; otherwise it prints the
# apt command and exits 1.
# The kernelspec runs lib/src/main/scripts/kernel.sh, which computes the class path when the kernel starts,
# so it needs no re-registration after a build; it is tied to this checkout's absolute path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
KERNEL_NAME=mask3d
PY=/usr/bin/python3   # Debian's Python, which has nbclient; not a pyenv/venv python3 first on PATH
# ffmpeg: frame extraction (RealEstate10K timestamps, per-camera videos) and its tests: 53 MB download, 155 MB installed
# colmap: `./mask3d poses` and its test (ColmapPosesTest skips without it): Debian 12's 3.8, 42 packages,
# ~20 MB download, ~73 MB installed, ~15 s
# chromium: the web viewer's browser test (ViewerBrowserIT, headless, software GL): Debian 12's, ~120 MB download, ~410 MB installed
PACKAGES=(jupyter-nbconvert jupyter-client jupyter-core python3-nbclient fontconfig fonts-dejavu-core ffmpeg colmap chromium)

install_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --install-only) install_only=true ;;
    --name)
      [ $# -ge 2 ] || { echo "setup-notebooks.sh: --name needs a kernel name, e.g. --name mask3d-$(basename "$ROOT")" >&2; exit 2; }
      KERNEL_NAME="$2"; shift ;;
    --name=*) KERNEL_NAME="${1#--name=}" ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "setup-notebooks.sh: unknown option '$1' (use --install-only, --name NAME or nothing)" >&2; exit 2 ;;
  esac
  shift
done
# Jupyter's rule for kernel names: letters, digits, '.', '_', '-'
if ! [[ "$KERNEL_NAME" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "setup-notebooks.sh: --name '$KERNEL_NAME' is not a kernel name (letters, digits, '.', '_', '-'), e.g. mask3d-$(basename "$ROOT")" >&2
  exit 2
fi
if [ "$KERNEL_NAME" = mask3d ]; then DISPLAY_NAME="Java (mask3d)"; else DISPLAY_NAME="Java ($KERNEL_NAME: $(basename "$ROOT"))"; fi

# 1. Debian packages
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
  done
elif ! "$PY" -c 'import nbclient, jupyter_client' >/dev/null 2>&1; then
  echo "setup-notebooks.sh: no dpkg here and $PY cannot import nbclient; install Jupyter's nbclient," \
       "jupyter_client and nbconvert for $PY by hand" >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-notebooks.sh: missing Debian packages: ${missing[*]}" >&2
    echo "run as root:  sudo sh -c '$cmd'" >&2
    echo "then run ./mask3d setup again" >&2
    exit 1
  fi
  echo "setup-notebooks.sh: installing ${missing[*]} ..." >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
"$PY" -c 'import nbclient, jupyter_client' || {
  echo "setup-notebooks.sh: $PY still cannot import nbclient/jupyter_client" >&2; exit 1; }

# 2. Kernelspec "mask3d", or --name's (user level: works for root and non-root alike, needs no write access to /usr)
spec_dir="$(mktemp -d)"
trap 'rm -rf "$spec_dir"' EXIT
ROOT="$ROOT" NAME="$KERNEL_NAME" DISPLAY="$DISPLAY_NAME" "$PY" - "$spec_dir/kernel.json" <<'PYEOF'
import json, os, sys
root = os.environ["ROOT"]
spec = {
    "argv": ["bash", os.path.join(root, "lib/src/main/scripts/kernel.sh"), "{connection_file}"],
    "display_name": os.environ["DISPLAY"],
    "language": "java",
    "interrupt_mode": "message",
    # kernel.sh sets these too (with -Dai.djl.offline=true -Djava.awt.headless=true and the class path);
    # repeated here so the spec reads whole
    "env": {"OMP_NUM_THREADS": "1", "DJL_OFFLINE": "true"},
    "metadata": {"mask3d_root": root},
}
with open(sys.argv[1], "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
PYEOF
data_dir="$("$PY" -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')"
installed="$data_dir/kernels/$KERNEL_NAME/kernel.json"
previous="$([ -f "$installed" ] && "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("metadata", {}).get("mask3d_root", ""))' "$installed" 2>/dev/null || true)"
if [ -f "$installed" ] && cmp -s "$installed" "$spec_dir/kernel.json"; then
  echo "setup-notebooks.sh: kernelspec '$KERNEL_NAME' already points at $ROOT" >&2
else
  "$PY" -m jupyter kernelspec install --user --replace --name "$KERNEL_NAME" "$spec_dir" >/dev/null 2>&1 || {
    echo "setup-notebooks.sh: 'jupyter kernelspec install' failed:" >&2
    "$PY" -m jupyter kernelspec install --user --replace --name "$KERNEL_NAME" "$spec_dir" >&2; exit 1; }
  cmp -s "$installed" "$spec_dir/kernel.json" || {
    echo "setup-notebooks.sh: kernelspec not found at $installed after install" >&2; exit 1; }
  echo "setup-notebooks.sh: registered kernelspec '$KERNEL_NAME' ($DISPLAY_NAME) -> $ROOT, in $(dirname "$installed")" >&2
fi
if [ -n "${previous:-}" ] && [ "$previous" != "$ROOT" ]; then
  echo "setup-notebooks.sh: '$KERNEL_NAME' pointed at $previous before; to keep that checkout's kernel as well, run there: ./mask3d setup --name mask3d-$(basename "$previous")" >&2
fi
$install_only && exit 0

# 3. The kernel needs the build; say what is missing and how to open the notebooks
for f in lib/target/mask3d-lib.jar lib/target/deps/jupyter-jvm-basekernel-2.3.0.jar; do
  [ -f "$ROOT/$f" ] || { echo "setup-notebooks.sh: $f is missing: build with (cd $ROOT && mvn -B -q package -DskipTests)" >&2; exit 1; }
done
command -v java >/dev/null 2>&1 || { echo "setup-notebooks.sh: no 'java' on PATH; the kernel needs Java 17+" >&2; exit 1; }
echo "setup-notebooks.sh: ready. Run the notebooks: ./mask3d test ; open them in a browser:" >&2
if [ -x /usr/bin/jupyter-notebook ]; then
  echo "  (cd $ROOT && jupyter notebook notebooks/)   and pick the kernel '$DISPLAY_NAME'" >&2
else
  echo "  apt-get install jupyter-notebook, then (cd $ROOT && jupyter notebook notebooks/)" >&2
fi
