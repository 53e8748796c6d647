#!/usr/bin/python3
"""Checks the "mask3d" kernel through the Jupyter protocol (jupyter_client), as a front end drives it; used by
KernelIT (mvn verify).

    /usr/bin/python3 lib/src/test/python/kernel_check.py [--kernel mask3d]

Values, compile errors (line and column in the cell), runtime errors (trimmed trace), interrupt of a busy loop
and of a sleeping loop with the kernel surviving, completion, inspection, IJava's magics, display/updateDisplay,
the library's renderers. Prints one line per check; exit status 1 if any failed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[4]
failed = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}", flush=True)
    if not ok:
        failed.append(name)


class Kernel:
    def __init__(self, name, cwd=ROOT):
        self.km = KernelManager(kernel_name=name)
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def run(self, code, timeout=60, interrupt_after=None):
        """(reply status, {msg_type: [content...]}) of one execute request."""
        msg_id = self.kc.execute(code)
        if interrupt_after is not None:
            threading.Timer(interrupt_after, self.km.interrupt_kernel).start()
        out = {}
        deadline = time.monotonic() + timeout
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
            out.setdefault(m["msg_type"], []).append(m["content"])
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["status"], out

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def text(out, kind="execute_result", mime="text/plain"):
    return "".join(c["data"].get(mime, "") for c in out.get(kind, []))


def error(out):
    e = (out.get("error") or [{}])[0]
    return e.get("ename", ""), "\n".join(e.get("traceback", []))


def tiny_jar(folder, class_name, source):
    """A jar of one class compiled with the JDK's javac: on no class path of the kernel."""
    src = folder / "src" / (class_name.replace(".", "/") + ".java")
    classes = folder / ("classes-" + class_name)
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(source)
    subprocess.run(["javac", "-d", str(classes), str(src)], check=True)
    jar = folder / (class_name.rsplit(".", 1)[-1] + ".jar")
    with zipfile.ZipFile(jar, "w") as z:
        for f in classes.rglob("*.class"):
            z.write(f, f.relative_to(classes).as_posix())
    return jar


def install(repo, group, artifact, version, jar):
    """group:artifact:version (the jar and a POM without dependencies) in a local repository's layout."""
    d = repo / group.replace(".", "/") / artifact / version
    d.mkdir(parents=True)
    shutil.copy(jar, d / f"{artifact}-{version}.jar")
    (d / f"{artifact}-{version}.pom").write_text(
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        f"<groupId>{group}</groupId><artifactId>{artifact}</artifactId><version>{version}</version></project>\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kernel", default="mask3d")
    args = p.parse_args()
    os.environ.setdefault("MASK3D_ROOT", str(ROOT))
    k = Kernel(args.kernel)
    try:
        st, out = k.run("int x = 20;\nx + 22")
        check("expression value", st == "ok" and text(out) == "42", f"{st} {out}")
        check("no checkout line for a notebook of the kernel's own checkout", "stream" not in out, str(out))
        st, out = k.run("int a = 1;\nString s = 5;")
        name, tb = error(out)
        check("compile error with position", st == "error" and name == "CompilationException"
              and "cell line 2, column 12" in tb, f"{name} {tb!r}")
        st, out = k.run("void f() {\n  throw new IllegalStateException(\"boom\");\n}\nSystem.out.println(\"x\");\nf();")
        name, tb = error(out)
        check("runtime error trimmed to the cell", st == "error" and "IllegalStateException: boom" in tb
              and "f (cell line 2)" in tb and "(cell line 5)" in tb and "jdk.jshell" not in tb
              and "org.mask3d.notebook" not in tb, tb)
        t0 = time.monotonic()
        st, out = k.run("long n = 0;\nwhile (true) { n++; }", timeout=60, interrupt_after=2)
        name, tb = error(out)
        check("interrupt stops a busy loop", st == "error" and name == "Interrupted"
              and time.monotonic() - t0 < 20, f"{st} {name} after {time.monotonic() - t0:.1f} s")
        st, out = k.run("for (int i = 0; ; i++) Thread.sleep(100);", timeout=60, interrupt_after=2)
        check("interrupt stops a sleeping loop", st == "error" and error(out)[0] == "Interrupted", str(out))
        st, out = k.run("x + 1")
        check("kernel keeps its state after interrupts", st == "ok" and text(out) == "21", f"{st} {out}")

        reply = k.kc.complete("Math.ma", 7, reply=True, timeout=30)["content"]
        check("completion", "max(" in reply["matches"] and reply["cursor_start"] == 5, str(reply))
        reply = k.kc.inspect("Math.max(1, 2)", 6, reply=True, timeout=30)["content"]
        check("inspection", reply["found"] and "max" in reply["data"].get("text/plain", ""), str(reply))

        st, out = k.run("%classpath lib/target/classes\n1")
        check("%classpath", st == "ok" and text(out) == "1", str(out))
        st, out = k.run("%jars no/such/*.jar")
        check("%jars on nothing is a clear error", st == "error" and "matches no jar" in error(out)[1], str(out))
        st, out = k.run("%jars lib/target/deps/commons-math3-*.jar\norg.apache.commons.math3.util.FastMath.sqrt(16.0)")
        check("%jars then code", st == "ok" and text(out) == "4.0", str(out))
        st, out = k.run("%maven org.apache.commons:commons-math3:3.6.1\nnew org.apache.commons.math3.fraction.Fraction(1, 3)")
        check("%maven", st == "ok" and text(out) == "1 / 3", str(out))
        st, out = k.run("%maven org.mask3d.nothing:nothing:0.0.1")
        check("%maven unknown artifact is a clear error", st == "error" and "cannot resolve" in error(out)[1], str(out))
        st, out = k.run("%%loadFromPOM\n<dependencies><dependency><groupId>org.apache.commons</groupId>"
                        "<artifactId>commons-math3</artifactId><version>3.6.1</version></dependency></dependencies>")
        check("%%loadFromPOM", st == "ok" and "resolved" in "".join(c["text"] for c in out.get("stream", [])), str(out))
        with tempfile.TemporaryDirectory() as tmp:
            # jars on no class path of the kernel: %jars / %maven must reach the compiler (an import), not only
            # the class loader (Class.forName)
            jar = tiny_jar(Path(tmp), "outside.Greeter",
                           'package outside; public class Greeter { public static String hi() { return "hi"; } }')
            st, out = k.run(f"%jars {jar}\nimport outside.*;\nGreeter.hi()")
            check("%jars of a jar outside the class path, then import", st == "ok" and text(out) == "hi", str(out))
            repo = Path(tmp) / "repo"
            install(repo, "org.mask3d.testonly", "thrice", "2.0", tiny_jar(Path(tmp), "viamaven.Thrice",
                    "package viamaven; public class Thrice { public static int of(int x) { return 3 * x; } }"))
            st, out = k.run(f'var repoBefore = System.getProperty("maven.repo.local");\n'
                            f'System.setProperty("maven.repo.local", "{repo}");\n'
                            f'%maven org.mask3d.testonly:thrice:2.0\n'
                            f'if (repoBefore == null) System.clearProperty("maven.repo.local");'
                            f' else System.setProperty("maven.repo.local", repoBefore);\n'
                            f'import viamaven.Thrice;\nThrice.of(14)')
            check("%maven of an artifact outside the class path, then import", st == "ok" and text(out) == "42", str(out))
        reply = k.kc.complete("import java.util.concurrent.atomic.AtomicLo", 43, reply=True, timeout=30)["content"]
        check("import completion", any(m.startswith("AtomicLong") for m in reply["matches"]), str(reply))
        st, out = k.run("new int[]{1, 2, 3}")
        check("arrays as JShell shows them", st == "ok" and text(out) == "int[3] { 1, 2, 3 }", str(out))
        st, out = k.run('System.out.printf("%d%n", 5)')
        check("no Out: for a cell ending in printf", st == "ok" and "execute_result" not in out
              and "5" in "".join(c["text"] for c in out.get("stream", [])), str(out))
        st, out = k.run("%time Thread.sleep(50);\n6 * 7")
        streams = "".join(c["text"] for c in out.get("stream", []))
        check("%time", st == "ok" and text(out) == "42" and "Wall time: " in streams, str(out))
        st, out = k.run("%%time\nThread.sleep(20);\n\"done\"")
        streams = "".join(c["text"] for c in out.get("stream", []))
        check("%%time", st == "ok" and "done" in text(out) and "Wall time: " in streams, str(out))
        st, out = k.run('System.err.println("renderer: cpu (GPU not used: no CUDA device)");\nSystem.err.println("bad");')
        names = [(c["name"], c["text"]) for c in out.get("stream", [])]
        check("the renderer's note on stdout, errors on stderr",
              ("stdout", "renderer: cpu (GPU not used: no CUDA device)\n") in names
              and any(n == "stderr" and "bad" in t for n, t in names)
              and not any(n == "stderr" and "renderer" in t for n, t in names), str(names))

        with tempfile.NamedTemporaryFile("w", suffix=".jsh", delete=False) as f:
            f.write("int loaded = 7;\n")
        st, out = k.run(f"%load {f.name}\nloaded * 6")
        os.unlink(f.name)
        check("%load", st == "ok" and text(out) == "42", str(out))
        st, out = k.run("%nosuchmagic")
        check("unknown magic", st == "error" and "unknown magic" in error(out)[1], str(out))
        st, out = k.run("%nosuch\x1b[2J\x1b]0;title\x07magic")
        tb = error(out)[1]
        check("an unknown magic's name is escaped in the error", st == "error" and "%nosuch\\x1b[2J\\x1b]0;title\\x07magic" in tb
              and "\x1b[2J" not in tb and "\x07" not in tb, repr(tb))

        st, out = k.run('var id = display("first");\nupdateDisplay(id, "second");')
        shown = [c["data"]["text/plain"] for c in out.get("display_data", [])]
        updated = [c["data"]["text/plain"] for c in out.get("update_display_data", [])]
        check("display and updateDisplay", st == "ok" and shown == ["first"] and updated == ["second"], str(out))
        st, out = k.run("render(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB))")
        check("render gives display data", st == "ok" and text(out, mime="image/png") != "", str(out)[:300])

        st, out = k.run("Plots.line(\"t\", \"x\", \"y\")")
        check("XChart chart -> png", st == "ok" and text(out, mime="image/png") and "XYChart" in text(out), str(out)[:300])
        st, out = k.run("new MaskVolume(new float[4 * 16 * 16], 4, 16, 16)")
        check("MaskVolume -> png", st == "ok" and text(out, mime="image/png") and "MaskVolume" in text(out), str(out)[:300])
        st, out = k.run("var m = ai.djl.ndarray.NDManager.newBaseManager();\nm.ones(new ai.djl.ndarray.types.Shape(3, 16, 16))")
        check("NDArray [3,H,W] -> png", st == "ok" and text(out, mime="image/png") != "", str(out)[:300])
        st, out = k.run("m.ones(new ai.djl.ndarray.types.Shape(2, 2))")
        check("NDArray [2,2] -> text only", st == "ok" and text(out, mime="image/png") == "" and text(out), str(out)[:300])
        st, out = k.run('Table.create("t", DoubleColumn.create("a", 1, 2), StringColumn.create("b", "x", "<y>"))')
        check("Tablesaw Table -> html", st == "ok" and "<th>a</th>" in text(out, mime="text/html")
              and "&lt;y&gt;" in text(out, mime="text/html"), str(out)[:300])
    finally:
        k.close()
    with tempfile.TemporaryDirectory() as tmp:
        # a notebook in another checkout (a folder with the launcher and kernel.sh) on this checkout's kernel
        other = Path(tmp) / "other-clone"
        (other / "lib/src/main/scripts").mkdir(parents=True)
        (other / "notebooks").mkdir()
        (other / "mask3d").write_text("#!/bin/sh\n")
        (other / "lib/src/main/scripts/kernel.sh").write_text("#!/bin/sh\n")
        k = Kernel(args.kernel, cwd=other / "notebooks")
        try:
            st, out = k.run("1 + 1")
            lines = "".join(c["text"] for c in out.get("stream", [])).splitlines()
            check("a notebook of another checkout: one line saying so", st == "ok" and text(out) == "2" and len(lines) == 1
                  and f"this notebook is in the checkout {other}" in lines[0] and "--name mask3d-other-clone" in lines[0],
                  str(out))
            st, out = k.run("2 + 2")
            check("said once", "stream" not in out, str(out))
        finally:
            k.close()
    print(f"{'FAILED' if failed else 'OK'}: {len(failed)} of the checks failed" if failed else "OK: all checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
