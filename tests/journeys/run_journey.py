#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs one headless journey: the local panel, qanat driven by NAME.script, then NAME.check.py.

Usage: run_journey.py --qanat BIN --panel tests/panel/run --script NAME.script --out DIR
                      [--check NAME.check.py] [--clock EPOCH|now] [--size WxH] [--lang LANG]

--lang runs the journey in that UI language (qanat --lang LANG): the screens are mirrored in a
right-to-left language, so `key left` and `key right` of the script swap (a script says where the
viewer goes in reading order); the check gets QANAT_JOURNEY_LANG and QANAT_LOCALE_DIR (the built
catalogues) and compares with the catalogue's translations (tr.py).

The first comment lines of a script may carry directives for this runner:
  # panel: --flavor xui --scenario NAME      arguments for tests/panel/run (default: none)
  # login: USER PASS                         qanat gets --server/--user/--pass (else the login form)
  # args: --lang ar                          more qanat arguments
  # operator: {"name": ...}                  the provisioning file (operator.json) qanat gets, one
                                             line of JSON (${SERVER} replaced); default: none
  # fault: {"match": "^/live/...", "kind": "status", "status": 404}
                                             a fault installed in the panel before qanat starts
                                             (POST /_control/faults, see tests/panel/README.md)
  # when: STATE: hold-stream USER PASS ID SECONDS
                                             once DIR/STATE.json exists, open a second live
                                             connection to stream ID as USER and hold it (the
                                             max-connections kick: "another device")
  # when: STATE: sh COMMAND                  once DIR/STATE.json exists, run COMMAND ($SERVER set, and
                                             $JOURNEYS, this folder: e.g. python3 $JOURNEYS/panel_post.py
                                             /_control/accounts/demo exp_date=NOW-60)
${SERVER} anywhere in the script is replaced by the panel URL.

qanat runs with --clock pinned to the minute the run starts (the panel's guide and archive follow the
real clock, so a fixed date would find no programmes), a throw-away database and cache, the SDL
dummy drivers and TZ=UTC (times on screen do not depend on the machine). Everything lands in DIR:
the script as run, the snapshots (PNG) and states (JSON), qanat.log, panel.log and runner.json
(the panel URL and the actions the runner took, with their times) and panel_records.json (the
beacons, tickets and connections the panel received, saved before it stops). The check gets DIR as argv[1]
and SERVER in its environment. Exit status: 0 when qanat and the check passed.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


RTL = {"ar", "he", "fa", "ur"}


def mirror_keys(text):
    """Swaps `key left` and `key right` lines: on a mirrored screen the next item is to the left."""
    swap = {"left": "right", "right": "left"}
    return re.sub(r"(?m)^(\s*key\s+)(left|right)\b", lambda m: m.group(1) + swap[m.group(2)], text)


def locale_dir(qanat):
    """The catalogues the build compiled beside the binary (BUILD/locale, qanat in BUILD/app)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(qanat))), "locale")


def directives(text):
    out = {"panel": [], "login": None, "args": [], "when": [], "operator": None, "faults": []}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*(panel|login|args|when|operator|fault):\s*(.*)$", line)
        if not m:
            continue
        key, val = m.group(1), m.group(2).strip()
        if key == "panel":
            out["panel"] += shlex.split(val)
        elif key == "args":
            out["args"] += shlex.split(val)
        elif key == "login":
            parts = shlex.split(val)
            if len(parts) != 2:
                raise SystemExit("run_journey: '# login:' wants USER PASS")
            out["login"] = parts
        elif key == "fault":
            out["faults"].append(json.loads(val))
        elif key == "operator":
            out["operator"] = val
        elif key == "when":
            state, _, action = val.partition(":")
            out["when"].append((state.strip(), shlex.split(action.strip())))
    return out


class Panel:
    def __init__(self, run, args, log_path):
        self.port = free_port()
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, run, "--port", str(self.port)] + args,
                                     stdout=subprocess.PIPE, stderr=self.log)
        # the first start generates the media with ffmpeg: allow minutes
        deadline = time.time() + 600
        line = b""
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line or line.strip() == b"ready":
                break
        if line.strip() != b"ready":
            self.stop()
            raise SystemExit("run_journey: the panel did not start (see %s)" % log_path)
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Watcher(threading.Thread):
    """Performs the `# when:` actions once their state file appears."""

    def __init__(self, out, server, actions, journal):
        super().__init__(daemon=True)
        self.out, self.server, self.actions, self.journal = out, server, list(actions), journal
        self.done = threading.Event()
        self.holders = []

    def run(self):
        while self.actions and not self.done.is_set():
            for item in list(self.actions):
                state, action = item
                if os.path.exists(os.path.join(self.out, state + ".json")):
                    self.actions.remove(item)
                    self.perform(state, action)
            self.done.wait(0.05)

    def perform(self, state, action):
        entry = {"after_state": state, "action": action[:1] + ["..."] * (len(action) > 1),
                 "at": time.time()}
        if action and action[0] == "hold-stream" and len(action) == 5:
            user, pw, sid, secs = action[1], action[2], int(action[3]), float(action[4])
            t = threading.Thread(target=self.hold, args=(user, pw, sid, secs, entry), daemon=True)
            t.start()
            self.holders.append(t)
        elif action and action[0] == "sh":
            env = dict(os.environ, SERVER=self.server, JOURNEYS=os.path.dirname(os.path.abspath(__file__)))
            r = subprocess.run(" ".join(action[1:]), shell=True, env=env, timeout=120)
            entry["status"] = r.returncode
        else:
            entry["error"] = "unknown action"
        self.journal.append(entry)

    def hold(self, user, pw, sid, secs, entry):
        url = "%s/live/%s/%s/%d.ts" % (self.server, user, pw, sid)
        got = 0
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                entry["http_status"] = r.status
                until = time.time() + secs
                while time.time() < until and not self.done.is_set():
                    b = r.read(65536)
                    if not b:
                        break
                    got += len(b)
        except Exception as e:  # noqa: BLE001 - reported in runner.json
            entry["error"] = str(e)
        entry["bytes"] = got
        entry["held_until"] = time.time()

    def stop(self):
        self.done.set()
        for t in self.holders:
            t.join(15)


def save_panel_records(server, out):
    """What the operator's side received, for the check (the panel is gone by then):
    DIR/panel_records.json with the beacons, tickets and connections of the panel's control API."""
    rec = {}
    for what in ("beacons", "tickets", "connections"):
        try:
            with urllib.request.urlopen("%s/_control/%s" % (server, what), timeout=10) as r:
                rec[what] = json.load(r)
        except Exception as e:  # noqa: BLE001 - the check says what is missing
            rec[what + "_error"] = str(e)
    with open(os.path.join(out, "panel_records.json"), "w") as f:
        json.dump(rec, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qanat", required=True)
    ap.add_argument("--panel", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--check")
    ap.add_argument("--out", required=True)
    ap.add_argument("--clock", default="now")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--timeout", type=float, default=420)
    ap.add_argument("--lang", default="")
    a = ap.parse_args()

    check = a.check or re.sub(r"\.script$", ".check.py", a.script)
    if not os.path.exists(check):
        raise SystemExit("run_journey: no check %s" % check)
    text = open(a.script, encoding="utf-8").read()
    d = directives(text)
    if a.lang and a.lang in RTL:
        text = mirror_keys(text)

    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    home = os.path.join(a.out, "home")
    os.makedirs(home)
    journal = {"script": os.path.abspath(a.script), "actions": []}

    panel = Panel(a.panel, d["panel"], os.path.join(a.out, "panel.log"))
    watcher = None
    try:
        journal["server"] = panel.url
        for fault in d["faults"]:
            req = urllib.request.Request(panel.url + "/_control/faults", data=json.dumps(fault).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(req, timeout=10) as r:
                journal.setdefault("faults", []).append(json.load(r))
        script_path = os.path.join(a.out, "journey.script")
        with open(script_path, "w", encoding="utf-8") as f:
            f.write(text.replace("${SERVER}", panel.url))
        clock = str(int(time.time()) // 60 * 60) if a.clock == "now" else a.clock
        operator = os.path.join(a.out, "operator.json")
        if d["operator"]:
            text_op = d["operator"].replace("${SERVER}", panel.url)
            json.loads(text_op)  # a broken directive fails here, not as a qanat warning
            with open(operator, "w", encoding="utf-8") as f:
                f.write(text_op)
        journal["clock"] = int(clock)
        cmd = [a.qanat, "--headless", "--script", script_path, "--snap", a.out, "--size", a.size,
               "--clock", clock, "--db", os.path.join(a.out, "qanat.db"), "--operator", operator]
        if d["login"]:
            cmd += ["--server", panel.url, "--user", d["login"][0], "--pass", d["login"][1]]
        cmd += d["args"]
        if a.lang:
            cmd += ["--lang", a.lang]
        env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"),
                   XDG_CACHE_HOME=os.path.join(home, "cache"), XDG_CONFIG_HOME=os.path.join(home, "config"),
                   SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", TZ="UTC", SERVER=panel.url)
        env.pop("QANAT_OPERATOR", None)
        watcher = Watcher(a.out, panel.url, d["when"], journal["actions"])
        watcher.start()
        t0 = time.time()
        with open(os.path.join(a.out, "qanat.log"), "wb") as log:
            try:
                r = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=a.timeout)
                status = r.returncode
            except subprocess.TimeoutExpired:
                status = "timeout"
        journal["qanat_seconds"] = round(time.time() - t0, 1)
        journal["qanat_status"] = status
    finally:
        if watcher:
            watcher.stop()
        save_panel_records(panel.url, a.out)
        panel.stop()
        with open(os.path.join(a.out, "runner.json"), "w") as f:
            json.dump(journal, f, indent=2)

    if status != 0:
        sys.stderr.write("run_journey: qanat exited with %s; its output:\n" % status)
        with open(os.path.join(a.out, "qanat.log"), "rb") as f:
            sys.stderr.write(f.read()[-4000:].decode("utf-8", "replace"))
        return 1
    env = dict(os.environ, SERVER=journal["server"], QANAT_JOURNEY_LANG=a.lang or "en",
               QANAT_LOCALE_DIR=locale_dir(a.qanat))
    r = subprocess.run([sys.executable, check, a.out], env=env)
    if r.returncode != 0:
        sys.stderr.write("run_journey: %s failed (snapshots and states in %s)\n" % (os.path.basename(check), a.out))
        return 1
    print("journey %s passed (%s)" % (os.path.basename(a.script), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
