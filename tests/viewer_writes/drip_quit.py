#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A favourite, a zap and quitting while the catalogue sync hangs in a never-ending download.

1. qanat logs in to the local panel and syncs (the catalogue is cached in DIR/qanat.db), then quits.
2. The panel gets the "drip" fault: get_live_streams answers 200 and the start of a list, then four
   bytes a second forever. qanat starts again on the same database and logs in: the UI works from the
   cache while the sync is stuck in that body (the panel reports it dripping).
3. In Live TV the yellow key adds the first channel to the favourites and OK zaps to it: the state
   reports show both at once.
4. `quit`: the process must exit in under a second (the figure is printed: from the state written
   just before `quit` to the exit), and afterwards the favourite must be in the database.

Usage: drip_quit.py --qanat BIN --panel tests/panel/run --out DIR [--lang ar]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

QUIT_BUDGET_S = 1.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fail(msg):
    sys.exit("drip_quit: " + msg)


def control(url, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, headers={"Content-Type": "application/json"},
                                 method="POST" if data else "GET")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def state(out, name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        fail("no state %s.json: the script stopped early (see %s/qanat2.log)" % (name, out))
    with open(path, encoding="utf-8") as f:
        return json.load(f)


SYNC = """idle 90000
wait 300
quit
"""

# The sync starts right after the login and sticks in get_live_streams; `idle` would wait for it
# forever, so real-time sleeps only.
DRIP = """sleep 3000
wait 300
key back
state home
key ok
wait 500
state live
key yellow
wait 300
state favourite
key ok
sleep 3000
state playing
state before_quit
quit
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qanat", required=True)
    ap.add_argument("--panel", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--lang", default=None)
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    home = os.path.join(a.out, "home")
    os.makedirs(home)
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    plog = open(os.path.join(a.out, "panel.log"), "wb")
    panel = subprocess.Popen([sys.executable, a.panel, "--port", str(port)], stdout=subprocess.PIPE,
                             stderr=plog)
    try:
        deadline = time.time() + 600
        while time.time() < deadline:
            line = panel.stdout.readline()
            if not line or line.strip() == b"ready":
                break
        db = os.path.join(a.out, "qanat.db")
        env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"),
                   XDG_CACHE_HOME=os.path.join(home, "cache"), SDL_VIDEODRIVER="dummy",
                   SDL_AUDIODRIVER="dummy", TZ="UTC")
        env.pop("QANAT_OPERATOR", None)
        clock = str(int(time.time()) // 60 * 60)
        base = [a.qanat, "--headless", "--snap", a.out, "--clock", clock, "--db", db, "--operator",
                os.path.join(a.out, "none.json"), "--server", url, "--user", "demo", "--pass", "demo"]
        if a.lang:
            base += ["--lang", a.lang]

        def run(name, script, timeout):
            path = os.path.join(a.out, name + ".script")
            with open(path, "w") as f:
                f.write(script)
            with open(os.path.join(a.out, name + ".log"), "wb") as log:
                p = subprocess.Popen(base + ["--script", path], stdout=log, stderr=subprocess.STDOUT,
                                     env=env)
                try:
                    p.wait(timeout)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                    fail("%s: qanat did not exit within %d s" % (name, timeout))
                return p.returncode, time.time()

        rc, _ = run("qanat1", SYNC, 300)
        if rc != 0:
            fail("the first run (login and sync) exited with %d" % rc)
        control(url, "/_control/faults", {"match": r"action=get_live_streams(&|$)", "kind": "drip",
                                          "rate": 4})
        seen = {"max": 0, "stop": False}

        def watch():  # how many responses drip while the UI is used
            while not seen["stop"]:
                try:
                    seen["max"] = max(seen["max"], control(url, "/_control/state").get("drips", 0))
                except OSError:
                    pass
                time.sleep(0.2)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        rc, exited = run("qanat2", DRIP, 120)
        seen["stop"] = True
        watcher.join()
        drips = seen["max"]
    finally:
        if panel.poll() is None:
            panel.send_signal(signal.SIGTERM)
            try:
                panel.wait(15)
            except subprocess.TimeoutExpired:
                panel.kill()
        plog.close()

    if drips < 1:
        fail("the sync never reached the dripping get_live_streams (the test proves nothing)")
    if rc != 0:
        fail("the second run exited with %d (see %s/qanat2.log)" % (rc, a.out))
    problems = []
    live = state(a.out, "live")
    focused = (live.get("focused") or {}).get("label", "")
    if live.get("screen") != "live" or not focused:
        problems.append("Live TV should open on a channel from the cache, got %r on %r"
                        % (focused, live.get("screen")))
    toast = state(a.out, "favourite").get("toast") or ""
    if not toast:
        problems.append("the yellow key should add the channel at once (a toast), got none")
    play = state(a.out, "playing")
    p = play.get("playing") or {}
    if play.get("screen") != "player" or p.get("kind") != "live" or not p.get("name"):
        problems.append("OK should zap at once, got %r on %r" % (p.get("name"), play.get("screen")))
    quit_at = os.path.getmtime(os.path.join(a.out, "before_quit.json"))
    quit_s = exited - quit_at
    if quit_s >= QUIT_BUDGET_S:
        problems.append("quitting took %.3f s with the sync stuck in a dripping download (budget %.1f s)"
                        % (quit_s, QUIT_BUDGET_S))
    con = sqlite3.connect(db)
    rows = con.execute("SELECT item FROM lib_favourite WHERE kind = 0").fetchall()
    hist = con.execute("SELECT item FROM lib_history WHERE kind = 0").fetchall()
    con.close()
    if not rows:
        problems.append("the favourite added during the stuck sync is not in the database after quit")
    if not hist:
        problems.append("the zap during the stuck sync is not in the history after quit")
    print("drip_quit: favourite %r (toast %r), playing %r (%s); quit to exit %.3f s (budget %.1f s); "
          "favourites in the database %r, live history %r; dripping downloads seen %d"
          % (focused, toast, p.get("name"), p.get("state"), quit_s, QUIT_BUDGET_S,
             [r[0] for r in rows], [h[0] for h in hist], drips))
    for m in problems:
        print("drip_quit: FAIL: " + m)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
