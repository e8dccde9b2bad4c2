#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`qanat sync` as a user runs it, against the local panel, into real SQLite files.

usage: test_sync_cli.py QANAT cli|diskfull

cli       a hostile answer keeps the list: exit 3, the sentence on stdout and stderr, --json with
          outcome/reason; the old catalogue still searchable; a well-formed [] empties the list
          (exit 0); the database 0600 and qanat's folder 0700 (also when they existed wider).
diskfull  the database on a real full filesystem (a small tmpfs mounted in a private mount
          namespace: `unshare -m`, or `unshare -rm` when not root): the sync exits 3 and says the disk
          is full, and the previous catalogue stays readable. When the mount is not possible the test
          says so and exits 77 (ctest's SKIP_RETURN_CODE), never passes silently.
"""
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP = 77


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Panel:
    def __init__(self):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.proc = subprocess.Popen([os.path.join(ROOT, "tests/panel/run"), "--port", str(self.port),
                                      "--flavor", "xc2"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        for line in self.proc.stdout:
            if line.strip() == "ready":
                return
        fail("the local panel did not start")

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, method=method, data=data)
        with urllib.request.urlopen(req) as r:
            return r.status

    def fault_body(self, action, body):
        self.control("POST", "/_control/faults",
                     {"match": "action=%s(&|$)" % action, "kind": "status", "status": 200,
                      "body": body, "content_type": "application/json"})

    def clear(self):
        self.control("DELETE", "/_control/faults")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def sync(qanat, panel, db, *extra, env=None):
    args = [qanat, "sync", "--server", panel.base, "--user", "demo", "--pass", "demo"]
    if db:
        args += ["--db", db]
    p = subprocess.run(args + list(extra), capture_output=True, text=True, timeout=300, env=env)
    print("$ qanat sync %s -> exit %d\n%s%s" % (" ".join(extra), p.returncode, p.stdout, p.stderr))
    return p


def counts(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        live = c.execute("SELECT COUNT(*) FROM lib_live").fetchone()[0]
        cats = c.execute("SELECT COUNT(*) FROM lib_category WHERE kind = 0").fetchone()[0]
        members = c.execute("SELECT COUNT(*) FROM lib_member WHERE kind = 0").fetchone()[0]
        vod = c.execute("SELECT COUNT(*) FROM lib_vod").fetchone()[0]
        return (live, cats, members, vod)
    finally:
        c.close()


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def run_cli(qanat):
    panel = Panel()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.umask(0o022)
            # the box's own database: an older build left the folder 0755
            data = os.path.join(tmp, "data")
            os.makedirs(os.path.join(data, "qanat"), mode=0o755)
            os.chmod(os.path.join(data, "qanat"), 0o755)
            env = dict(os.environ, XDG_DATA_HOME=data, HOME=tmp)
            env.pop("QANAT_DB", None)
            env.pop("STATE_DIRECTORY", None)
            p = sync(qanat, panel, None, env=env)
            check(p.returncode == 0, "a good sync exits 0")
            db = os.path.join(data, "qanat", "qanat.db")
            check(mode(os.path.join(data, "qanat")) == 0o700, "qanat's folder is 0700: %o" % mode(os.path.dirname(db)))
            check(mode(db) == 0o600, "the database is 0600: %o" % mode(db))
            for side in ("-wal", "-shm", "-journal"):
                if os.path.exists(db + side):
                    check(mode(db + side) == 0o600, "%s is 0600" % side)
            good = counts(db)
            check(good[0] == 320 and good[1] == 20, "the first sync stored 320 channels in 20 categories: %s" % (good,))

            # a panel error object where the channel list was expected
            panel.fault_body("get_live_streams", '{"error":"Unauthorized"}')
            p = sync(qanat, panel, db)
            check(p.returncode == 3, "a list kept back exits 3, not %d" % p.returncode)
            check("live    kept the previous catalogue (20 categories, 320 items): the panel answered an error"
                  " instead of the channel list" in p.stdout, "stdout says the live list was kept and why")
            check("kept the previous live list: the panel answered an error" in p.stderr, "stderr says it too")
            check("network or panel error" not in p.stdout + p.stderr, "no vague error")
            check(counts(db) == good, "the catalogue is intact: %s" % (counts(db),))
            p = subprocess.run([qanat, "search", "news", "--db", db, "--kind", "live"], capture_output=True,
                               text=True, timeout=60)
            check(p.returncode == 0 and "Qanat News" in p.stdout, "the old channels are still searchable")

            p = sync(qanat, panel, db, "--json")
            check(p.returncode == 3, "--json exits 3 too")
            out = json.loads(p.stdout)
            live = out["lists"]["live"]
            check(out["ok"] is False and out["kept_back"] is True, "--json: ok false, kept_back true")
            check(live["outcome"] == "kept" and live["ok"] is False, "--json: live kept")
            check(live["reason"].startswith("the panel answered an error instead of the channel list"),
                  "--json: the reason: %s" % live["reason"])
            check(live["items"] == 320 and live["previous_items"] == 320, "--json: the counts kept")
            check(out["lists"]["vod"]["outcome"] == "replaced", "--json: the other lists still synced")

            # a list 99% smaller, then taken when asked
            panel.clear()
            panel.fault_body("get_live_streams", '[{"stream_id":1,"name":"A","category_id":1},'
                                                 '{"stream_id":2,"name":"B","category_id":1}]')
            p = sync(qanat, panel, db)
            check(p.returncode == 3 and "only 2 channels where the last good sync had 320" in p.stdout,
                  "a 99% smaller list is kept back")
            check(counts(db) == good, "the catalogue is intact after the smaller list")
            p = sync(qanat, panel, db, "--accept-smaller")
            check(p.returncode == 0 and counts(db)[0] == 2, "--accept-smaller takes it")

            # a well-formed [] really empties the list
            panel.clear()
            panel.fault_body("get_live_streams", "[]")
            p = sync(qanat, panel, db)
            check(p.returncode == 0, "a well-formed [] exits 0")
            check(counts(db)[0] == 0, "and empties the channel list")
            panel.clear()
            p = sync(qanat, panel, db)
            check(p.returncode == 0 and counts(db) == good, "the next good sync fills it again")
            # an existing 0644 database is narrowed
            os.chmod(db, 0o644)
            p = sync(qanat, panel, db)
            check(p.returncode == 0 and mode(db) == 0o600, "an old 0644 database becomes 0600")
    finally:
        panel.stop()
    print("PASS")


def fill(path, leave):
    """Fills the filesystem of path up to `leave` bytes free."""
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize
    with open(os.path.join(path, "filler"), "wb") as f:
        chunk = b"\0" * 65536
        todo = free - leave
        while todo > 0:
            n = min(len(chunk), todo)
            try:
                f.write(chunk[:n])
                f.flush()
            except OSError:
                break
            todo -= n


def run_diskfull(qanat):
    if os.environ.get("QANAT_IN_MOUNT_NS") != "1":
        cmd = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
        env = dict(os.environ, QANAT_IN_MOUNT_NS="1")
        try:
            p = subprocess.run(cmd + [sys.executable, os.path.abspath(__file__), qanat, "diskfull"], env=env,
                               timeout=600)
        except FileNotFoundError:
            print("SKIP: no unshare(1) here: cannot make a private mount namespace for a small tmpfs")
            return SKIP
        return p.returncode
    tmp = tempfile.mkdtemp()
    mnt = os.path.join(tmp, "box")
    os.mkdir(mnt)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mnt], capture_output=True,
                       text=True)
    if m.returncode != 0:
        print("SKIP: cannot mount a small tmpfs for the database (%s)" % m.stderr.strip())
        return SKIP
    panel = Panel()
    try:
        db = os.path.join(mnt, "qanat.db")
        p = sync(qanat, panel, db)
        check(p.returncode == 0, "the first sync fits")
        good = counts(db)
        fill(mnt, 96 * 1024)  # room to open the database, not to write a list
        p = sync(qanat, panel, db)
        check(p.returncode == 3, "a full disk keeps the lists back: exit 3, not %d" % p.returncode)
        check("the disk is full: " in p.stdout and "bytes free in %s" % mnt in p.stdout,
              "stdout says the disk is full and where")
        check("kept the previous live list: the disk is full" in p.stderr, "stderr says it too")
        check(counts(db) == good, "the previous catalogue stays readable: %s" % (counts(db),))
        s = subprocess.run([qanat, "search", "news", "--db", db, "--kind", "live"], capture_output=True, text=True,
                           timeout=60)
        check(s.returncode == 0 and "Qanat News" in s.stdout, "and searchable with the disk full")
    finally:
        panel.stop()
        subprocess.run(["umount", mnt])
    print("PASS")
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("cli", "diskfull"):
        print(__doc__)
        return 2
    qanat = sys.argv[1]
    if sys.argv[2] == "cli":
        run_cli(qanat)
        return 0
    return run_diskfull(qanat)


if __name__ == "__main__":
    sys.exit(main())
