# SPDX-License-Identifier: MIT
"""What the interactive-UI benchmarks share (static_cpu, sync_gap): a Release build, the local
panel, an X server when asked, the real UI in its interactive mode (not --headless, the scripted
mode) with its log and the loop's exit line (QANAT_LOOP_STATS=1), and /proc figures."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CLK_TCK = os.sysconf("SC_CLK_TCK")
# The log line of the end of the catalogue and guide sync ("sync: 320 channels, 60 movies, ...").
SYNC_DONE = r" I \S+ +sync: \d+ channels"


def qanat_binary(build):
    """build/app/qanat, configured and built as Release when missing (like tests/bench/ui/run)."""
    build = os.path.join(ROOT, build) if not os.path.isabs(build) else build
    exe = os.path.join(build, "app", "qanat")
    if not os.path.exists(exe):
        subprocess.run(["cmake", "-S", ROOT, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                        "-DQANAT_TESTS=OFF", "-DQANAT_WERROR=OFF"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["ninja", "-C", build, "-j2", "qanat"], check=True, stdout=subprocess.DEVNULL)
    return exe


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Panel:
    """tests/panel/run on a free port; faults through POST /_control/faults."""

    def __init__(self, flavor="xc2"):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.proc = subprocess.Popen([os.path.join(ROOT, "tests/panel/run"), "--port", str(self.port),
                                      "--flavor", flavor],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in self.proc.stdout:
            if "ready" in line:
                return
        raise SystemExit("the panel did not start")

    def faults(self, faults):
        req = urllib.request.Request(self.base + "/_control/faults", method="POST",
                                     data=json.dumps(faults).encode(),
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Xvfb:
    """An X server for SDL's x11 driver (apt-get install -y xvfb when missing: Debian 12, root)."""

    def __init__(self):
        if not shutil.which("Xvfb"):
            print("installing xvfb (apt-get install -y xvfb)...", flush=True)
            subprocess.run(["apt-get", "install", "-y", "xvfb"], check=True, stdout=subprocess.DEVNULL)
        for n in range(90, 120):
            if not os.path.exists("/tmp/.X11-unix/X%d" % n) and not os.path.exists("/tmp/.X%d-lock" % n):
                break
        self.display = ":%d" % n
        self.proc = subprocess.Popen(["Xvfb", self.display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists("/tmp/.X11-unix/X%d" % n):
                return
            time.sleep(0.05)
        raise SystemExit("Xvfb did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class UI:
    """The real UI, interactive, logged in to the panel; its stderr (log + exit line) in a file."""

    def __init__(self, qanat, panel, work, x11=None, input_dir=None):
        self.log_path = os.path.join(work, "qanat.log")
        env = dict(os.environ, HOME=work, XDG_CACHE_HOME=os.path.join(work, "cache"),
                   XDG_DATA_HOME=os.path.join(work, "data"), SDL_AUDIODRIVER="dummy",
                   SDL_RENDER_DRIVER="software", DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent",
                   QANAT_LOOP_STATS="1", QANAT_LOG="debug", TZ="UTC")
        if x11:
            env.update(SDL_VIDEODRIVER="x11", DISPLAY=x11.display)
        else:
            env.update(SDL_VIDEODRIVER="dummy", SDL_FRAMEBUFFER_ACCELERATION="0")
        args = [qanat, "--server", panel.base, "--user", "demo", "--pass", "demo",
                "--db", os.path.join(work, "qanat.db")]
        if input_dir:
            args += ["--input", input_dir]
        self.log = open(self.log_path, "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=self.log)

    def lines(self):
        with open(self.log_path, "r", errors="replace") as f:
            return f.read().splitlines()

    def wait_line(self, pattern, timeout_s):
        """The first log line matching pattern (a regex), waiting at most timeout_s; None if none."""
        rx = re.compile(pattern)
        until = time.monotonic() + timeout_s
        while time.monotonic() < until:
            for line in self.lines():
                if rx.search(line):
                    return line
            if self.proc.poll() is not None:
                return None
            time.sleep(0.1)
        return None

    def cpu_s(self):
        """utime + stime of the whole process, seconds."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def ui_thread_sleeps(self):
        """Voluntary context switches of the UI (main) thread: each is a sleep of the loop."""
        with open("/proc/%d/task/%d/status" % (self.proc.pid, self.proc.pid)) as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches:"):
                    return int(line.split()[1])
        return -1

    def quit(self, timeout_s=20):
        """SIGTERM (SDL turns it into SDL_QUIT); returns (exit status, wakeups, longest gap ms)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "killed: it did not quit within %d s of SIGTERM" % timeout_s
        self.log.close()
        for line in self.lines():
            m = re.search(r"qanat: loop: wakeups (\d+), longest frame gap (\d+) ms", line)
            if m:
                return rc, int(m.group(1)), int(m.group(2))
        return rc, None, None


def log_time(line):
    """The monotonic seconds at the start of a log line (plat_log: "  1234.567 I module ...")."""
    m = re.match(r"\s*(\d+\.\d+) ", line or "")
    return float(m.group(1)) if m else None


def workdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)
