#!/usr/bin/python3
"""Start-up reliability of a Jupyter kernel under CPU load: starts it N times in a row, runs one cell each time.

    /usr/bin/python3 lib/src/test/python/kernel_starts.py [--starts 200] [--burners 2] [--kernel mask3d]
    /usr/bin/python3 lib/src/test/python/kernel_starts.py --rapaio-jar /tmp/rjk/rapaio-jupyter-kernel-3.0.1.jar

Not part of ./mask3d test (200 starts take minutes); run it on demand. While it runs, --burners processes spin
on the CPU (busy loops), as a loaded laptop or CI box would. Each start: launch the kernel, wait for kernel_info
(--startup-timeout), execute `1 + 1` and wait for its result `2` (--cell-timeout); anything else is a failure
(its kind is counted). The kernel is then shut down and the next one started.

--rapaio-jar measures rapaio-jupyter-kernel (the kernel mask3d used before its own) for comparison: a temporary
kernelspec in a temporary JUPYTER_PATH runs `java -jar JAR`.

Prints one line per failure, then: starts, failures, median/p90/max time to kernel_info and to the cell's result.
Exit status 0 when no start failed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[4]


def burn(n):
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def rapaio_spec(jar: str) -> str:
    d = Path(tempfile.mkdtemp(prefix="rapaio-spec-"))
    spec = d / "kernels" / "rapaio-check"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["java", "-Djava.awt.headless=true", "-jar", jar, "{connection_file}"],
        "display_name": "rapaio check", "language": "java", "interrupt_mode": "message",
        "env": {"RJK_TIMEOUT_MILLIS": "-1"}}))
    os.environ["JUPYTER_PATH"] = str(d) + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    return "rapaio-check"


def one_start(kernel, startup_timeout, cell_timeout):
    """(seconds to kernel_info, seconds to the cell's result) or raises with the failure kind."""
    km = KernelManager(kernel_name=kernel)
    t0 = time.monotonic()
    km.start_kernel(cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        try:
            kc.wait_for_ready(timeout=startup_timeout)
        except RuntimeError as e:
            raise RuntimeError(f"no kernel_info ({str(e).splitlines()[0]})")
        ready = time.monotonic() - t0
        msg_id = kc.execute("1 + 1")
        result = None
        deadline = time.monotonic() + cell_timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("cell timed out")
            try:
                m = kc.get_iopub_msg(timeout=left)
            except Exception:
                raise RuntimeError("cell timed out")
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "execute_result":
                data = m["content"]["data"]  # rapaio shows values as text/html only
                result = data.get("text/plain") or data.get("text/html", "")
            if m["msg_type"] == "error":
                raise RuntimeError(f"cell error {m['content']['ename']}: {m['content']['evalue'][:80]}")
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        if "2" not in (result or ""):
            raise RuntimeError(f"wrong result {result!r}")
        return ready, time.monotonic() - t0
    finally:
        kc.stop_channels()
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--starts", type=int, default=200)
    p.add_argument("--burners", type=int, default=2)
    p.add_argument("--kernel", default="mask3d")
    p.add_argument("--rapaio-jar", help="measure rapaio-jupyter-kernel from this jar instead")
    p.add_argument("--startup-timeout", type=float, default=30)
    p.add_argument("--cell-timeout", type=float, default=30)
    args = p.parse_args()
    os.environ.setdefault("MASK3D_ROOT", str(ROOT))  # kernel.sh runs this checkout's kernel
    kernel = rapaio_spec(args.rapaio_jar) if args.rapaio_jar else args.kernel
    burners = burn(args.burners)
    ready, done, failures = [], [], {}
    t_all = time.monotonic()
    try:
        for i in range(1, args.starts + 1):
            try:
                r, d = one_start(kernel, args.startup_timeout, args.cell_timeout)
                ready.append(r)
                done.append(d)
            except Exception as e:
                kind = str(e) or type(e).__name__
                failures[kind] = failures.get(kind, 0) + 1
                print(f"start {i}: FAILED: {kind}", flush=True)
            if i % 20 == 0:
                print(f"... {i} starts, {sum(failures.values())} failed", flush=True)
    finally:
        for b in burners:
            b.kill()
            b.wait()

    def stats(xs):
        if not xs:
            return "n/a"
        xs = sorted(xs)
        return (f"median {statistics.median(xs):.2f} s, p90 {xs[int(0.9 * (len(xs) - 1))]:.2f} s, "
                f"max {xs[-1]:.2f} s")
    n_fail = sum(failures.values())
    print(f"kernel {kernel}{' (' + args.rapaio_jar + ')' if args.rapaio_jar else ''}: {args.starts} starts with "
          f"{args.burners} CPU burners on {os.cpu_count()} CPUs, {n_fail} failed "
          f"({', '.join(f'{k}: {v}' for k, v in failures.items()) or 'none'}); {time.monotonic() - t_all:.0f} s")
    print(f"  to kernel_info: {stats(ready)}")
    print(f"  to the cell's result: {stats(done)}")
    sys.exit(0 if n_fail == 0 else 1)


if __name__ == "__main__":
    main()
