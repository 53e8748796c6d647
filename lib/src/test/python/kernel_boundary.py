#!/usr/bin/python3
"""The "mask3d" kernel's message boundary, tried through jupyter_client as a hostile local process would; used by
KernelBoundaryIT (mvn verify).

    /usr/bin/python3 lib/src/test/python/kernel_boundary.py [--kernel mask3d] [--within 5]

One kernel is started. On its shell channel it is sent, one group at a time, execute_requests whose code would
create a marker file: signed with the wrong key, unsigned, correctly signed but with a header that is not JSON,
a header that lacks fields, a header that is not an object, an unknown message type, too few frames, no
<IDS|MSG> delimiter at all; a wrongly signed shutdown_request goes to the control channel (idle, then
during a running cell, whose output must not receive the log line). After each group:
the marker must not exist, no output may name the bad request as its parent (nothing ran: no busy status), and a
valid execute_request on the same kernel must get its execute_reply (status ok, the next execution count)
within --within seconds. At the end, the kernel's stderr must hold one line per dropped message naming the
channel and the reason. Prints one line per check; exit status 1 if any failed.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

ROOT = Path(__file__).resolve().parents[4]
DELIM = b"<IDS|MSG>"
failed = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}", flush=True)
    if not ok:
        failed.append(name)


def header(msg_type="execute_request", **drop):
    h = {"msg_id": uuid.uuid4().hex, "username": "attacker", "session": uuid.uuid4().hex,
         "date": "2024-01-01T00:00:00.000000Z", "msg_type": msg_type, "version": "5.3"}
    for k in drop:
        h.pop(k, None)
    return h


def execute_content(code):
    return {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
            "stop_on_error": True}


class Boundary:
    def __init__(self, kernel, marker, within, stderr_path):
        self.marker = marker
        self.within = within
        self.stderr = open(stderr_path, "wb")
        self.km = KernelManager(kernel_name=kernel)
        t0 = time.monotonic()
        self.km.start_kernel(cwd=str(ROOT), stderr=self.stderr)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        print(f"kernel ready in {time.monotonic() - t0:.1f} s", flush=True)
        self.code = f'java.nio.file.Files.writeString(java.nio.file.Path.of("{marker}"), "ran");'
        self.count = None
        self.bad_ids = set()

    def valid_execute(self, label):
        """Sends `1 + 1`; checks its execute_reply (ok, next count) arrives within `within` seconds."""
        t0 = time.monotonic()
        msg_id = self.kc.execute("1 + 1")
        reply = None
        while time.monotonic() - t0 < self.within:
            try:
                m = self.kc.get_shell_msg(timeout=max(0.05, self.within - (time.monotonic() - t0)))
            except Exception:
                break
            if m["parent_header"].get("msg_id") == msg_id:
                reply = m
                break
        took = time.monotonic() - t0
        if reply is None:
            check(f"{label}: a valid request is answered", False, f"no execute_reply within {self.within} s (hangs)")
            return False
        c = reply["content"]
        ok = c["status"] == "ok" and (self.count is None or c["execution_count"] == self.count + 1)
        check(f"{label}: a valid request is answered ({took:.2f} s)", ok,
              f"status {c['status']}, count {c.get('execution_count')} after {self.count}")
        self.count = c.get("execution_count")
        return ok

    def nothing_ran(self, label):
        time.sleep(0.5)
        check(f"{label}: nothing ran (no marker file)", not os.path.exists(self.marker), f"{self.marker} exists")
        parents = []
        while True:
            try:
                m = self.kc.get_iopub_msg(timeout=0.2)
            except Exception:
                break
            if m["parent_header"].get("msg_id") in self.bad_ids:
                parents.append(m["msg_type"])
        check(f"{label}: no output names the bad request", not parents, str(parents))

    def send_session(self, session, channel="shell", msg_type="execute_request"):
        """Sends an execute_request (or msg_type) through a jupyter_client Session keyed as `session` is."""
        socket = getattr(self.kc, f"{channel}_channel").socket
        content = execute_content(self.code) if msg_type == "execute_request" else {"restart": False}
        msg = session.msg(msg_type, content)
        self.bad_ids.add(msg["header"]["msg_id"])
        session.send(socket, msg)

    def send_frames(self, h, parent=b"{}", metadata=b"{}", content=None, sign=True, frames=None):
        """Sends raw frames, signed with the kernel's real key (so only the malformation is wrong)."""
        socket = self.kc.shell_channel.socket
        if frames is None:
            hb = h if isinstance(h, bytes) else json.dumps(h).encode()
            cb = content if content is not None else json.dumps(execute_content(self.code)).encode()
            parts = [hb, parent, metadata, cb]
            sig = self.kc.session.sign(parts) if sign else b""
            frames = [DELIM, sig] + parts
            if isinstance(h, dict) and "msg_id" in h:
                self.bad_ids.add(h["msg_id"])
        socket.send_multipart(frames)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self.stderr.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kernel", default="mask3d")
    p.add_argument("--within", type=float, default=5.0, help="seconds a valid request may take (default 5)")
    args = p.parse_args()
    os.environ.setdefault("MASK3D_ROOT", str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="mask3d-boundary-"))
    marker = tmp / "marker"
    stderr_path = tmp / "kernel.stderr"
    t_all = time.monotonic()
    b = Boundary(args.kernel, str(marker), args.within, stderr_path)
    expected_drops = []
    try:
        b.valid_execute("before anything")
        # JShell compiles its first cell slowly: the budget applies from here on.

        b.send_session(Session(key=b"not-the-kernel-key", username="attacker"))
        expected_drops.append(("shell", "wrong signature"))
        b.nothing_ran("wrong key")
        b.valid_execute("after a wrongly signed request")

        b.send_session(Session(key=b"", username="attacker"))
        expected_drops.append(("shell", "no signature"))
        b.nothing_ran("unsigned")
        b.valid_execute("after an unsigned request")

        b.send_frames(b"{not json")
        expected_drops.append(("shell", "header"))
        b.send_frames(header(msg_id=True, session=True))
        expected_drops.append(("shell", "msg_id"))
        b.send_frames(b"[1, 2]")
        expected_drops.append(("shell", "header"))
        b.send_frames(header(), content=b"{\"code\": ")
        expected_drops.append(("shell", "content"))
        b.send_frames(header(msg_type="no_such_request\x1b[2J"))
        expected_drops.append(("shell", "unknown message type"))
        b.nothing_ran("signed but malformed")
        b.valid_execute("after signed malformed requests")

        b.send_frames(None, frames=[DELIM, b"0" * 64, b"{}"])
        expected_drops.append(("shell", "frames"))
        b.send_frames(None, frames=[b"no delimiter", b"at all"])
        expected_drops.append(("shell", "delimiter"))
        b.nothing_ran("too few frames, no delimiter")
        b.valid_execute("after frames without a message")

        if hasattr(b.kc, "control_channel"):
            b.send_session(Session(key=b"not-the-kernel-key", username="attacker"), channel="control",
                           msg_type="shutdown_request")
            expected_drops.append(("control", "wrong signature"))
            time.sleep(0.5)
            check("control: a wrongly signed shutdown_request leaves the kernel alive", b.km.is_alive(), "kernel died")
            msg = b.kc.session.msg("kernel_info_request", {})  # a valid request on the control channel
            b.kc.session.send(b.kc.control_channel.socket, msg)
            t0 = time.monotonic()
            got = False
            while time.monotonic() - t0 < args.within and not got:
                try:
                    m = b.kc.get_control_msg(timeout=max(0.05, args.within - (time.monotonic() - t0)))
                except Exception:
                    break
                got = m["parent_header"].get("msg_id") == msg["header"]["msg_id"]
            check(f"control: a valid kernel_info_request is answered ({time.monotonic() - t0:.2f} s)", got,
                  f"no kernel_info_reply within {args.within} s")
            # While a cell runs, the base library points System.err at the notebook: a bad control message then
            # must still be logged on the kernel's stderr, not into the running cell's output.
            msg_id = b.kc.execute('Thread.sleep(1500);\nSystem.out.println("slept");')
            time.sleep(0.5)
            b.send_session(Session(key=b"not-the-kernel-key", username="attacker"), channel="control",
                           msg_type="shutdown_request")
            expected_drops.append(("control", "wrong signature"))
            streams, deadline = [], time.monotonic() + 30
            while time.monotonic() < deadline:
                m = b.kc.get_iopub_msg(timeout=30)
                if m["parent_header"].get("msg_id") != msg_id:
                    continue
                if m["msg_type"] == "stream":
                    streams.append(m["content"]["text"])
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    break
            reply = b.kc.get_shell_msg(timeout=30)
            b.count = reply["content"].get("execution_count", b.count)
            check("control: a drop during a running cell is not written into the cell's output",
                  "".join(streams).strip() == "slept" and reply["content"]["status"] == "ok", repr(streams))
        b.valid_execute("at the end")
    finally:
        b.close()
    log = [line for line in stderr_path.read_text("utf-8", "replace").splitlines() if "dropped a message" in line]
    print(f"kernel stderr: {len(log)} line(s) on dropped messages", flush=True)
    for line in log:
        print(f"  {line}", flush=True)
    check("one log line per dropped message", len(log) == len(expected_drops),
          f"{len(log)} lines for {len(expected_drops)} dropped messages")
    for i, (channel, why) in enumerate(expected_drops):
        line = log[i] if i < len(log) else ""
        check(f"log line {i + 1} names the {channel} channel and '{why}'",
              f"{channel} channel" in line and why in line, repr(line))
    check("log lines carry no control characters", all(c >= " " for line in log for c in line),
          repr([line for line in log if any(c < " " for c in line)]))
    print(f"{time.monotonic() - t_all:.1f} s in all", flush=True)
    print(f"FAILED: {len(failed)} of the checks failed" if failed else "OK: all checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
