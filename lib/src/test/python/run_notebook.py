#!/usr/bin/python3
"""Executes one notebook on the "mask3d" Java kernel and checks it; used by NotebooksIT (mvn verify).

    /usr/bin/python3 lib/src/test/python/run_notebook.py NOTEBOOK [--out PATH] [--timeout 600] ...

Runs on Debian's /usr/bin/python3 (which has nbclient), not on a pyenv/venv python3 that may come first on PATH.

- The kernel starts with the repository root as its working directory, so a notebook's relative paths
  (runs/..., notebooks/...) mean the same here as in a browser (kernel.sh changes to the root as well).
- MASK3D_ROOT is set to this checkout for the kernel: kernel.sh then runs this checkout's code even when the
  registered kernelspec points at another checkout.
- A kernel that fails to start fails the notebook (no retries: mask3d's own kernel started 200 of 200 times
  under load, see kernel_starts.py). A cell that fails: its source head and error are printed, exit status 1.
- Every code cell whose metadata tags contain "image" must produce at least one image/png output.
- The executed notebook is written (atomically) to --out, default lib/target/notebooks/<name>.ipynb, also
  when a cell failed, so the outputs up to the failure can be read. The kernel's own log (its stdout and
  stderr) goes to <out>.kernel.log; its tail is printed when something fails.

Exit status: 0 passed, 1 the notebook failed (cell error, missing picture, kernel never started), 2 usage or
environment error (no nbclient, no kernelspec).
"""
import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

try:
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async
except ImportError as e:  # pragma: no cover - environment problem
    print(f"run_notebook.py: {sys.executable} cannot import Jupyter's nbclient ({e}); "
          "run ./mask3d setup (it installs python3-nbclient from Debian)", file=sys.stderr)
    sys.exit(2)

ROOT = Path(__file__).resolve().parents[4]  # <root>/lib/src/test/python/run_notebook.py


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebook", type=Path)
    p.add_argument("--out", type=Path, help="executed notebook (default lib/target/notebooks/<name>.ipynb)")
    p.add_argument("--kernel", default="mask3d", help="kernelspec name (default mask3d)")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    p.add_argument("--startup-timeout", type=int, default=20, help="seconds for the kernel to answer (default 20)")
    return p.parse_args()


def write_atomically(nb, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def log_tail(log: Path, lines=40) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("    | " + line for line in text[-lines:])


def kernelspec_problem(name: str):
    """Why the kernelspec cannot start a kernel (missing, or its script gone with a deleted checkout), or None."""
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return f"no Jupyter kernelspec '{name}'"
    for arg in spec.argv[1:2]:
        if arg.startswith("/") and not os.path.exists(arg):
            return f"kernelspec '{name}' ({spec.resource_dir}) runs {arg}, which does not exist"
    return None


def error_text(cell, e) -> str:
    """The error of a failed cell without the cell's full source (nbclient's message repeats it)."""
    text = str(e)
    if isinstance(e, CellExecutionError):
        _, sep, rest = text.partition(cell.source + "\n------------------\n")
        if sep:
            text = rest
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)  # ANSI colours
    return "\n".join("    " + line for line in text.strip().splitlines())


def image_count(cell) -> int:
    return sum(1 for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))


async def start_kernel(nb, args, log_file):
    """Starts a kernel and waits until it answers kernel_info. Returns (client, seconds)."""
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout,
                            startup_timeout=args.startup_timeout, shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(ROOT)}})
    client.reset_execution_trackers()
    client.km = client.create_kernel_manager()
    t0 = time.monotonic()
    try:
        await client.async_start_new_kernel(cwd=str(ROOT), stdout=log_file, stderr=log_file)
        await client.async_start_new_kernel_client()  # waits for kernel_info; cleans up on failure
        info = await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        return client, time.monotonic() - t0
    except (RuntimeError, TimeoutError, asyncio.TimeoutError) as e:
        if client.km is not None:
            try:
                await client._async_cleanup_kernel()
            except Exception:  # the kernel is gone already
                pass
        what = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
        raise RuntimeError(f"kernel '{args.kernel}' failed to start: {what}")


async def run(args) -> int:
    nb_path = args.notebook.resolve()
    name = nb_path.stem
    out = (args.out or ROOT / "lib/target/notebooks" / f"{name}.ipynb").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    log = out.with_name(out.name + ".kernel.log")
    nb = nbformat.read(nb_path, as_version=4)
    os.environ["MASK3D_ROOT"] = str(ROOT)  # the kernel inherits it: run this checkout's code
    problem = kernelspec_problem(args.kernel)
    if problem:
        print(f"run_notebook.py: {problem}: run ./mask3d setup", file=sys.stderr)
        return 2

    t0 = time.monotonic()
    with open(log, "wb") as log_file:
        try:
            client, start_s = await start_kernel(nb, args, log_file)
        except NoSuchKernel:
            print(f"run_notebook.py: no Jupyter kernelspec '{args.kernel}': run ./mask3d setup", file=sys.stderr)
            return 2
        except RuntimeError as e:
            print(f"FAILED {name}: {e}\n  kernel log {log}:\n{log_tail(log)}", flush=True)
            return 1
        failure = None
        try:
            for index, cell in enumerate(nb.cells):
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
            failure = (index, cell, e)
        finally:
            try:
                await client._async_cleanup_kernel()
            except Exception as e:  # a dead kernel cannot be shut down cleanly; the result stands
                print(f"run_notebook.py: kernel shutdown: {type(e).__name__}: {e}", flush=True)
    elapsed = time.monotonic() - t0
    write_atomically(nb, out)

    if failure is not None:
        index, cell, e = failure
        head = "\n".join("    > " + line for line in cell.source.splitlines()[:8])
        if len(cell.source.splitlines()) > 8:
            head += "\n    > ..."
        kind = {CellTimeoutError: f"timed out after {args.timeout} s", DeadKernelError: "killed the kernel"}.get(
            type(e), "raised an error")
        print(f"FAILED {name}: cell {index} {kind}\n{head}\n  error:\n{error_text(cell, e)}\n"
              f"  executed notebook (outputs up to the failure): {out}", flush=True)
        if not isinstance(e, CellExecutionError):
            print(f"  kernel log {log}:\n{log_tail(log)}", flush=True)
        return 1

    missing = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and "image" in c.metadata.get("tags", []) and image_count(c) == 0]
    images = sum(image_count(c) for c in nb.cells if c.cell_type == "code")
    if missing:
        cells = ", ".join(str(i) for i in missing)
        print(f"FAILED {name}: cell(s) {cells} tagged 'image' produced no image/png output\n"
              f"  executed notebook: {out}", flush=True)
        return 1
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"OK {name}: {code_cells} code cells, {images} image(s), {elapsed:.1f} s "
          f"(kernel start {start_s:.1f} s) -> {out}", flush=True)
    return 0


def main():
    args = parse_args()
    if not args.notebook.is_file():
        print(f"run_notebook.py: no notebook {args.notebook}", file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
