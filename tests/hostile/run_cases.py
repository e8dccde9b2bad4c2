#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hostile harness of issue 14 ("Trust"): every hostile shape the local panel knows, run against
the real CLI, measured and checked.

Usage: tests/hostile/run_cases.py --qanat BUILD/app/qanat [--only NAME[,NAME...]] [--table FILE.md]
                                  [--list] [--keep]

For each case: a fresh panel on its own free port (tests/panel/run, with a TLS port when the case
needs one), a good state first where the case needs one (a good `qanat sync --db X` or `qanat epg
import`), the fault, then the CLI command. Measured: wall time and the child's peak RSS (os.wait4's
ru_maxrss). Checked, for a case expected to fail: a non-zero exit that is not a crash (no signal, no
sanitizer report), one clear sentence matching the case's regex of the TRUE reason (and none of its
`forbid` regex: e.g. "wrong password" for a vanished title), no credentials in what it printed, the
previous data kept (sqlite3 counts of live/vod/series/categories/programmes before and after), and
bounded time and memory. A case expected to succeed checks its own result instead (repaired guide
text, file modes, a player that came back after an outage).

Prints a Markdown table (case | command | exit | what the CLI said | seconds | peak RSS MB | kept |
verdict) and writes it to --table. Exit status: 0 when every case passed (skipped ones aside), 1
otherwise. Python 3 standard library only (plus the openssl CLI for the TLS cases).
"""

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PANEL_RUN = os.path.join(os.path.dirname(HERE), "panel", "run")
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "panel"))
from qpanel.pki import make_pki  # noqa: E402

TIME_BOUND = 120.0  # seconds: generous, proves "bounded"
RSS_BOUND_MB = 400.0
USER, PASS = "demo", "demo"


# ----------------------------------------------------------------------------------------- util
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


REDACT = [
    (re.compile(r"(password|username|pass|user)=[^&\s\"']*"), r"\1=*"),
    (re.compile(r"/(live|movie|series|timeshift)/[^/\s?\"']+/[^/\s?\"']+/"), r"/\1/*/*/"),
    (re.compile(r"(--pass|--user)\s+\S+"), r"\1 *"),
]


def redact(s):
    for rx, rep in REDACT:
        s = rx.sub(rep, s)
    return s


LOG_LINE = re.compile(r"^\s*\d+\.\d+ [EWIDT] ")


def leaks(text):
    """Credentials of the test account visible in what the CLI printed."""
    found = []
    for pat in (r"password=%s\b" % PASS, r"/%s/%s/" % (USER, PASS), r"pass(word)?[\"':= ]+%s\b" % PASS):
        if re.search(pat, text):
            found.append(pat)
    return found


# ---------------------------------------------------------------------------------------- panel
class Panel:
    def __init__(self, work, tls_pki=None):
        self.port = free_port()
        self.log_path = os.path.join(work, "panel.log")
        self.log = open(self.log_path, "w")
        cmd = [sys.executable, PANEL_RUN, "--port", str(self.port)]
        if tls_pki:
            cmd += ["--tls-port", str(free_port()), "--tls-cert", os.path.join(tls_pki, "server.pem"),
                    "--tls-key", os.path.join(tls_pki, "server.key")]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True)
        box = []
        t = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(300)
        if not box or box[0].strip() != "ready":
            self.proc.kill()
            raise RuntimeError("the panel did not start: %r" % box)
        self.base = "http://127.0.0.1:%d" % self.port
        self.state = self.get("/_control/state")
        self.tls_port = self.state.get("tls_port")
        self.tls_base = "https://127.0.0.1:%d" % self.tls_port if self.tls_port else None

    def request(self, path, method="GET", body=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        data = json.dumps(body).encode() if body is not None else None
        c.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        r = c.getresponse()
        out = r.read()
        c.close()
        if r.status >= 400:
            raise RuntimeError("panel %s %s: %d %s" % (method, path, r.status, out[:200]))
        return json.loads(out.decode() or "null")

    def get(self, path):
        return self.request(path)

    def fault(self, f):
        return self.request("/_control/faults", "POST", f)

    def clear(self):
        self.request("/_control/faults", "DELETE")

    def requests(self):
        return self.get("/_control/requests")

    def clear_requests(self):
        self.request("/_control/requests", "DELETE")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.log.close()


# ------------------------------------------------------------------------------------ the child
class Result:
    def __init__(self):
        self.rc = None
        self.signal = None
        self.seconds = 0.0
        self.rss_mb = 0.0
        self.stdout = ""
        self.stderr = ""
        self.timed_out = False


def run_child(argv, env, bound, work, during=None):
    """Runs argv, killing it after `bound` seconds; `during(elapsed_fn)` runs in a thread meanwhile.
    Returns a Result with the wait4 peak RSS."""
    res = Result()
    out = open(os.path.join(work, "stdout"), "w+b")
    err = open(os.path.join(work, "stderr"), "w+b")
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    timer_fired = threading.Event()

    def killer():
        if not done.wait(bound):
            timer_fired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    done = threading.Event()
    threading.Thread(target=killer, daemon=True).start()
    helper = None
    if during is not None:
        helper = threading.Thread(target=during, args=(lambda: time.monotonic() - t0,), daemon=True)
        helper.start()
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped by wait4: keep Popen from waiting again
    done.set()
    res.seconds = time.monotonic() - t0
    res.rss_mb = ru.ru_maxrss / 1024.0
    if os.WIFSIGNALED(status):
        res.signal = os.WTERMSIG(status)
        res.rc = -res.signal
    else:
        res.rc = os.WEXITSTATUS(status)
    res.timed_out = timer_fired.is_set()
    if helper is not None:
        helper.join(5)
    for f, attr in ((out, "stdout"), (err, "stderr")):
        f.seek(0)
        setattr(res, attr, f.read(1 << 20).decode("utf-8", "replace"))
        f.close()
    return res


# ----------------------------------------------------------------------------------------- data
TABLES = [("live", "lib_live"), ("vod", "lib_vod"), ("series", "lib_series"),
          ("categories", "lib_category"), ("programmes", "epg_programme")]


def counts(db):
    if not db or not os.path.exists(db):
        return None
    out = {}
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
    try:
        for name, table in TABLES:
            try:
                out[name] = con.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
            except sqlite3.Error:
                out[name] = None
    finally:
        con.close()
    return out


def fmt_counts(c):
    if c is None:
        return "-"
    return " ".join("%s %s" % (k[:4] if k != "categories" else "cat", v) for k, v in c.items() if v)


# ------------------------------------------------------------------------------------ the cases
class Ctx:
    """What a case sees: the panel, its work folder, the CLI and helpers."""

    def __init__(self, h, work, panel, pki):
        self.h, self.work, self.panel, self.pki = h, work, panel, pki
        self.db = os.path.join(work, "qanat.db")
        self.env = dict(os.environ)
        for k in ("QANAT_OPERATOR", "QANAT_DB", "STATE_DIRECTORY", "CACHE_DIRECTORY", "QANAT_LOG"):
            self.env.pop(k, None)
        home = os.path.join(work, "home")
        os.makedirs(home, exist_ok=True)
        self.env.update(HOME=home, XDG_DATA_HOME=os.path.join(home, "data"),
                        XDG_CACHE_HOME=os.path.join(home, "cache"),
                        XDG_CONFIG_HOME=os.path.join(home, "config"))
        self.notes = []

    def sync_argv(self, base=None, db=None):
        a = [self.h.qanat, "sync", "--server", base or self.panel.base, "--user", USER, "--pass", PASS]
        return a + (["--db", db or self.db] if db is not False else [])

    def epg_argv(self, extra=""):
        url = "%s/xmltv.php?username=%s&password=%s%s" % (self.panel.base, USER, PASS, extra)
        return [self.h.qanat, "epg", "import", url, "--db", self.db]

    def live_url(self, sid, ext="ts", base=None):
        return "%s/live/%s/%s/%s.%s" % (base or self.panel.base, USER, PASS, sid, ext)

    def good(self, argv, what):
        r = run_child(argv, self.env, 300, self.work)
        if r.rc != 0:
            raise RuntimeError("the good %s before the fault failed (exit %s): %s" % (
                what, r.rc, redact((r.stderr or r.stdout).strip()[:300])))

    def good_sync(self):
        self.good(self.sync_argv(), "sync")

    def good_epg(self):
        self.good(self.epg_argv(), "epg import")


def write_operator(ctx, ca=True):
    p = os.path.join(ctx.work, "operator.json")
    cfg = {"name": "Hostile test", "panels": [ctx.panel.tls_base]}
    if ca:
        cfg["ca_file"] = os.path.join(ctx.pki, "ca.pem")
    with open(p, "w") as f:
        json.dump(cfg, f)
    ctx.env["QANAT_OPERATOR"] = p
    return p


def no_request_reached(pattern="", port=None):
    """A check: no request (matching pattern, on port) reached the panel at all."""
    def check(ctx, res):
        bad = [r for r in ctx.panel.requests()
               if re.search(pattern, r["target"]) and (port is None or r["port"] == port)]
        if bad:
            return "%d request(s) reached the panel: %s" % (len(bad), ", ".join(
                "%s %s" % (r["port"], r["target"]) for r in bad[:3]))
        return None
    return check


def tls_refused(ctx, res):
    """The client did contact the TLS port (so "not trusted" is no guess); no_request_reached then
    proves nothing was sent over it. A handshake may fail (OpenSSL style) or complete and be
    dropped (GnuTLS verifies after it): both are a refusal."""
    st = ctx.panel.get("/_control/state")
    if not st.get("tls_connections"):
        return "the client never contacted the TLS port (tls_connections 0)"
    ctx.notes.append("TLS connections %d, handshakes refused %d" % (
        st["tls_connections"], st.get("tls_handshake_failures", 0)))
    return None


def play_json(res):
    for line in reversed(res.stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                pass
    return None


JSON_LIST = r"action=(get_live_streams|202)(&|$)"
DEEP = "[" * 200000 + "]" * 200000
WRONG_TYPES = json.dumps([{"num": [1], "name": {"en": "x"}, "stream_type": 5, "stream_id": {"id": 1},
                           "category_id": [1, 2], "epg_channel_id": 7, "stream_icon": False,
                           "tv_archive": "yes", "added": {"t": 1}}] * 50)
BAD_UTF8 = base64.b64encode(b'[{"num":1,"name":"Qanat \xff\xfe\x00 News","stream_type":"live","stream_id":1,'
                            b'"category_id":"1","epg_channel_id":"ch1.qanat"}]').decode()
XMLTV_HEAD = '<?xml version="1.0" encoding="utf-8" ?>\n<tv generator-info-name="bomb">\n<channel id="b">'

# A case: name, command ("sync", "epg", "play", "api", or a callable argv builder), setup ("sync",
# "epg", None), faults (list, or a callable ctx->list), expect ("fail" or "success"), said (regex of
# the true reason), forbid (regex that must not appear), checks (callables ctx,res -> None or a
# problem), keep (compare counts), tls (needs the TLS port), needs (a precondition, else skipped).
CASES = []


def case(**kw):
    kw.setdefault("expect", "fail")
    kw.setdefault("setup", None)
    kw.setdefault("faults", [])
    kw.setdefault("checks", [])
    kw.setdefault("forbid", None)
    kw.setdefault("tls", False)
    kw.setdefault("bound", TIME_BOUND)
    kw.setdefault("keep", kw["setup"] is not None)
    kw.setdefault("during", None)
    kw.setdefault("env", None)
    kw.setdefault("prepare", None)
    kw.setdefault("needs", None)
    CASES.append(kw)


# --- the player API lists --------------------------------------------------------------------
case(name="list-unauthorized-200", what="live list answers 200 {\"error\":\"Unauthorized\"}",
     command="sync", setup="sync",
     faults=[dict(match=JSON_LIST, kind="status", status=200, body='{"error":"Unauthorized"}',
                  content_type="application/json")],
     said=r"unauthori[sz]ed|not authori[sz]ed|an error (object )?instead|refused the list")
case(name="list-bad-id", what='live list [{"stream_id":"x"}]', command="sync", setup="sync",
     faults=[dict(match=JSON_LIST, kind="status", status=200, body='[{"stream_id":"x"}]',
                  content_type="application/json")],
     said=r"stream.?id|no usable|without (a |an )?(valid |usable )?id|invalid (item|id|entr)|no valid"
          r"|no (channel|item|entry|movie|series) could be read|could not be read|unreadable")
case(name="list-deep-nesting", what="live list: 200000 nested arrays", command="sync", setup="sync",
     faults=[dict(match=JSON_LIST, kind="status", status=200, body=DEEP, content_type="application/json")],
     said=r"nest|too deep|depth|not a (channel|list of)"
          r"|no (channel|item|entry|movie|series) could be read|could not be read|unreadable")
case(name="list-wrong-types", what="live list: every field of the wrong type", command="sync",
     setup="sync",
     faults=[dict(match=JSON_LIST, kind="status", status=200, body=WRONG_TYPES,
                  content_type="application/json")],
     said=r"wrong type|unexpected type|not a (number|string)|no usable|invalid (item|field|entr)|no valid"
          r"|no (channel|item|entry|movie|series) could be read|could not be read|unreadable")
case(name="list-invalid-utf8", what="live list: invalid UTF-8 and a NUL (body_b64)", command="sync",
     setup="sync",
     faults=[dict(match=JSON_LIST, kind="status", status=200, body_b64=BAD_UTF8,
                  content_type="application/json")],
     # the one entry is unusable only for its bytes: "could not be read" is accepted as for the
     # bad id and the wrong types above (not misleading), the encoding named is better
     said=r"utf-?8|invalid (text|byte|character|encoding)|encoding|\bNUL\b|null byte"
          r"|no (channel|item|entry) could be read|could not be read|unreadable")
case(name="categories-empty-streams-truncated", what="live categories [] and the live list cut at 1000 B",
     command="sync", setup="sync",
     faults=[dict(match=r"action=(get_live_categories|201)(&|$)", kind="status", status=200, body="[]",
                  content_type="application/json"),
             dict(match=JSON_LIST, kind="truncate", bytes=1000)],
     said=r"truncat|cut (short|off)|incomplete|ended early|unexpected end|premature|short read")
case(name="html-200", what="every player API answer a 200 HTML error page", command="sync",
     setup="sync", faults=[dict(match=r"^/player_api\.php", kind="html")],
     said=r"html|web page|error page|not (the )?json|bad gateway")
case(name="html-200-list", what="the live list a 200 HTML error page (the login is fine)",
     command="sync", setup="sync", faults=[dict(match=JSON_LIST, kind="html")],
     said=r"html|web page|error page|not (the )?json|bad gateway")
case(name="drip-3Bps", what="the live list drips 3 bytes a second, forever", command="sync",
     setup="sync", faults=[dict(match=JSON_LIST, kind="drip", rate=3)],
     said=r"too slow|slow|timed? ?out|stalled|no progress|(not|n't) (answer|finish|complete) in time")
case(name="gzip-bomb-list", what="the live list a 4 GiB gzip bomb (Content-Encoding: gzip)",
     command="sync", setup="sync",
     faults=[dict(match=JSON_LIST, kind="gzip_bomb", prefix="[", content_type="application/json")],
     said=r"too (large|big)|exceeds|larger than|limit|bomb|expand|inflat|decompress|"
          r"unpacks? to more|more data than")
case(name="gzip-bomb-xmltv", what="xmltv.php a 4 GiB gzip bomb, magic only (no header)",
     command="epg", setup="epg",
     faults=[dict(glob="/xmltv.php", kind="gzip_bomb", header=False, prefix=XMLTV_HEAD)],
     said=r"too (large|big)|exceeds|larger than|limit|bomb|expand|inflat|decompress|"
          r"unpacks? to more|more data than")
case(name="redirect-loop", what="player API: 302 to the same URL forever", command="sync",
     setup="sync", faults=[dict(match=r"^/player_api\.php", kind="redirect_loop")],
     said=r"redirect")


# --- TLS ---------------------------------------------------------------------------------------
def https_to_http(ctx):
    return [dict(match=r"^/player_api\.php", kind="redirect", port="tls",
                 location="%s/player_api.php?username=%s&password=%s" % (ctx.panel.base, USER, PASS))]


case(name="https-to-http-redirect", what="the https panel redirects the login to plain http "
     "(operator CA given)", command=lambda ctx: ctx.sync_argv(ctx.panel.tls_base), setup="sync",
     tls=True, faults=https_to_http, prepare=lambda ctx: write_operator(ctx),
     said=r"https.{0,40}http\b|insecure|downgrad|unencrypted|plain http|not https|clear ?text",
     checks=[no_request_reached(port="main")])
case(name="tls-self-signed-sync", what="sync from an https panel whose certificate is not trusted",
     command=lambda ctx: ctx.sync_argv(ctx.panel.tls_base), setup="sync", tls=True,
     said=r"certificate|self.signed|not trusted|untrusted|unknown (issuer|ca|authority)",
     checks=[no_request_reached(), tls_refused])
case(name="tls-self-signed-play", what="play an https live URL whose certificate is not trusted",
     command=lambda ctx: [ctx.h.qanat, "play", ctx.live_url(1, base=ctx.panel.tls_base), "--seconds",
                          "10", "--json"], tls=True,
     said=r"certificate|self.signed|not trusted|untrusted|unknown (issuer|ca|authority)",
     checks=[no_request_reached(r"^/live/"), tls_refused])


def synced_everything(ctx, res):
    c = counts(ctx.db)
    if not c or not c.get("live") or not c.get("vod") or not c.get("series"):
        return "the sync over TLS stored %s" % fmt_counts(c)
    return None


case(name="tls-operator-ca", what="sync from the https panel with operator.json ca_file "
     "(QANAT_OPERATOR=FILE, read by every sub-command)", expect="success",
     command=lambda ctx: ctx.sync_argv(ctx.panel.tls_base), tls=True,
     prepare=lambda ctx: write_operator(ctx), checks=[synced_everything])


def played(ctx, res):
    j = play_json(res)
    if not j or not j.get("frames_shown"):
        return "no frame shown (%s)" % (j and j.get("state"))
    ctx.notes.append("%s frames, first after %s ms" % (j["frames_shown"], j.get("first_frame_ms")))
    return None


case(name="tls-operator-ca-play", what="play an https live URL with operator.json ca_file",
     expect="success", tls=True, prepare=lambda ctx: write_operator(ctx),
     command=lambda ctx: [ctx.h.qanat, "play", ctx.live_url(1, base=ctx.panel.tls_base), "--seconds",
                          "5", "--json"], checks=[played])


# --- the player --------------------------------------------------------------------------------
def play(sid, ext="ts", seconds=10):
    return lambda ctx: [ctx.h.qanat, "play", ctx.live_url(sid, ext), "--seconds", str(seconds), "--json"]


def warm_huge(ctx):
    """Makes the 16000x16000 clip before the case (its first generation is not the client's time)."""
    c = http.client.HTTPConnection("127.0.0.1", ctx.panel.port, timeout=180)
    c.request("GET", "/live/%s/%s/9016.ts" % (USER, PASS))
    r = c.getresponse()
    r.read(1000)
    c.close()


case(name="hls-self-loop", what="a master playlist whose only variant is itself", command=play(1, "m3u8"),
     faults=[dict(match=r"\.m3u8", kind="hls_loop")],
     said=r"loop|itself|nest|too many (playlists|levels|redirects)|depth|recurs")
case(name="huge-16000x16000", what="live stream 9016, H.264 16000x16000", command=play(9016, "ts", 15),
     prepare=warm_huge,
     said=r"16000|too (large|big)|resolution|exceeds|larger than|beyond|picture size|dimensions")


def outage_during(ctx):
    def run(elapsed):
        while elapsed() < 8:
            time.sleep(0.2)
        ctx.panel.fault(dict(kind="outage", seconds=20))
        ctx.notes.append("outage posted at %.1f s" % elapsed())
    return run


def came_back(ctx, res):
    j = play_json(res)
    if j is None:
        return "no JSON result from qanat play --json"
    probs = []
    if not j.get("stalls"):
        probs.append("no stall counted (stalls %s)" % j.get("stalls"))
    if (j.get("stall_ms") or 0) < 10000:
        probs.append("stall_ms %s below the 20 s outage" % j.get("stall_ms"))
    conns = ctx.panel.get("/_control/connections")
    lives = [c for c in conns["active"] + conns["recent"] if c["kind"] == "live"]
    outage_ends = None
    for c in lives:
        if c["ended"] is not None:
            outage_ends = c["ended"] + 20 if outage_ends is None else min(outage_ends, c["ended"] + 20)
    if outage_ends is None or not any(c["started"] >= outage_ends - 0.5 for c in lives):
        probs.append("the player did not reconnect after the outage (%d live connections)" % len(lives))
    ctx.notes.append("stalls %s (%s ms), frames %s" % (j.get("stalls"), j.get("stall_ms"),
                                                       j.get("frames_shown")))
    return "; ".join(probs) or None


case(name="outage-20s", what="live TS dropped and refused (503) for 20 s, then back", expect="success",
     command=play(1, "ts", 45), during=outage_during, checks=[came_back])


# --- the guide ---------------------------------------------------------------------------------
case(name="stale-guide", what="xmltv.php with every programme 30 days old", command="epg", setup="epg",
     faults=[dict(glob="/xmltv.php", kind="xmltv_shift", days=-30)],
     said=r"stale|out of date|too old|old guide|outdated|no (current|recent|upcoming) programme|"
          r"nothing (current|recent|upcoming)|all .{0,30}(past|ended)")


def repaired_titles(ctx, res):
    con = sqlite3.connect("file:%s?mode=ro" % ctx.db, uri=True)
    try:
        rows = con.execute("SELECT CAST(title AS BLOB) FROM epg_programme").fetchall()
    finally:
        con.close()
    bad, repaired = 0, 0
    for (b,) in rows:
        try:
            t = b.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
            continue
        if "\ufffd" in t:
            repaired += 1
    probs = []
    if bad:
        probs.append("%d titles stored as invalid UTF-8" % bad)
    before = (ctx.before.get("programmes") or 0) if ctx.before else 0
    if len(rows) < 0.95 * before:
        probs.append("%d programmes stored, %d in the good guide: titles dropped, not repaired" % (
            len(rows), before))
    ctx.notes.append("%d programmes, %d titles with U+FFFD" % (len(rows), repaired))
    return "; ".join(probs) or None


case(name="guide-bad-bytes", what="xmltv.php with invalid UTF-8 in every 5th title (import succeeds, "
     "text repaired)", expect="success", command="epg", setup="epg", keep=False,
     faults=[dict(glob="/xmltv.php", kind="xmltv_bad_bytes")], checks=[repaired_titles])


# --- single answers ----------------------------------------------------------------------------
case(name="vod-info-404", what="get_vod_info answers 404 (the title is gone)",
     command=lambda ctx: [ctx.h.qanat, "api", "--server", ctx.panel.base, "--user", USER, "--pass", PASS,
                          "vod-info", "1001"],
     faults=[dict(match=r"action=(get_vod_info|209)(&|$)", kind="status", status=404,
                  body="Not Found")],
     said=r"not found|no longer|gone|removed|does not exist|no such (title|movie)|unavailable",
     forbid=r"password|credential|log ?in|user ?name")
case(name="login-503-retry-after", what="the login answers 503 with Retry-After: 30", command="sync",
     setup="sync",
     faults=[dict(match=r"^/player_api\.php", kind="status", status=503, body="Service Unavailable",
                  headers={"Retry-After": "30"})],
     said=r"unavailable|busy|overload|503|try again",
     forbid=r"password|credential")


# --- the database ------------------------------------------------------------------------------
def fresh_db_modes(ctx, res):
    d = os.path.join(ctx.env["XDG_DATA_HOME"], "qanat")
    f = os.path.join(d, "qanat.db")
    probs = []
    if not os.path.exists(f):
        return "no database at %s" % f
    dm, fm = stat.S_IMODE(os.stat(d).st_mode), stat.S_IMODE(os.stat(f).st_mode)
    ctx.notes.append("folder %04o, file %04o" % (dm, fm))
    if dm != 0o700:
        probs.append("folder mode %04o, not 0700" % dm)
    if fm != 0o600:
        probs.append("file mode %04o, not 0600" % fm)
    for side in ("-wal", "-shm", "-journal"):
        if os.path.exists(f + side):
            m = stat.S_IMODE(os.stat(f + side).st_mode)
            if m & 0o077:
                probs.append("%s mode %04o" % (side, m))
    return "; ".join(probs) or None


case(name="db-modes-fresh-sync", what="a fresh sync into the default place ($XDG_DATA_HOME/qanat)",
     expect="success", command=lambda ctx: ctx.sync_argv(db=False), checks=[fresh_db_modes])


def can_mount_tmpfs():
    if os.geteuid() != 0 or not shutil.which("mount"):
        return "not root: cannot mount a small tmpfs"
    d = tempfile.mkdtemp(prefix="qanat-tmpfs-probe-")
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", d], capture_output=True)
        if r.returncode != 0:
            return "mount -t tmpfs refused: %s" % r.stderr.decode(errors="replace").strip()
        subprocess.run(["umount", d])
        return None
    finally:
        os.rmdir(d)


def disk_full_prepare(ctx):
    """The database on a 8 MiB tmpfs: a good sync there, then the disk filled to the last byte."""
    mnt = os.path.join(ctx.work, "small")
    os.makedirs(mnt)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mnt], check=True)
    ctx.cleanup.append(lambda: subprocess.run(["umount", "-l", mnt]))
    ctx.db = os.path.join(mnt, "qanat.db")
    ctx.good_sync()
    ctx.before = counts(ctx.db)
    fd = os.open(os.path.join(mnt, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for piece in (65536, 4096, 1):
            try:
                while os.write(fd, b"\0" * piece) > 0:
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)


case(name="disk-full-sync", what="sync with the database's disk full (8 MiB tmpfs)", command="sync",
     prepare=disk_full_prepare, keep=True, needs=can_mount_tmpfs,
     said=r"no space|disk (is )?full|storage (is )?full|not enough (space|room)")


# ---------------------------------------------------------------------------------------- runner
def summarize(line):
    """`qanat play --json`'s object in a few words; any other line as it is."""
    if not line.startswith("{"):
        return line
    try:
        j = json.loads(line)
    except ValueError:
        return line
    if "state" not in j:
        return line
    s = "play: %s, stalls %s (%s ms), %s frames, %s reconnects" % (
        j.get("state"), j.get("stalls"), j.get("stall_ms"), j.get("frames_shown"), j.get("reconnects"))
    if isinstance(j.get("error"), dict) and j["error"].get("message"):
        s += ", last error: " + j["error"]["message"]
    return s


def sanitized(path):
    """An AddressSanitizer build (libasan linked dynamically by default: look for its entry)."""
    with open(path, "rb") as f:
        data = f.read()
    return b"__asan_init" in data or b"AddressSanitizer" in data


class Harness:
    def __init__(self, qanat, keep):
        self.qanat = os.path.abspath(qanat)
        self.keep = keep
        self.asan = sanitized(self.qanat)
        # AddressSanitizer's shadow memory and quarantine triple a process's RSS: the Release
        # figure is the real one (400 MB); a sanitized build gets three times that
        self.rss_bound = RSS_BOUND_MB * (3 if self.asan else 1)
        self.root = tempfile.mkdtemp(prefix="qanat-hostile-")
        self._pki = None

    def pki(self):
        if self._pki is None:
            d = os.path.join(self.root, "pki")
            os.makedirs(d)
            self._pki = make_pki(d)
        return self._pki

    def argv(self, c, ctx):
        cmd = c["command"]
        if cmd == "sync":
            return ctx.sync_argv()
        if cmd == "epg":
            return ctx.epg_argv()
        return cmd(ctx)

    def run_case(self, c):
        row = dict(name=c["name"], what=c["what"], command="", exit="", said="", seconds="", rss="",
                   kept="", verdict="", problems=[])
        if c["needs"]:
            why = c["needs"]()
            if why:
                row.update(verdict="SKIP", said=why)
                return row
        work = os.path.join(self.root, c["name"])
        os.makedirs(work)
        panel = Panel(work, self.pki() if c["tls"] else None)
        ctx = Ctx(self, work, panel, self._pki)
        ctx.cleanup = []
        ctx.before = None
        try:
            if c["setup"] == "sync":
                ctx.good_sync()
            elif c["setup"] == "epg":
                ctx.good_epg()
            if c["prepare"]:
                c["prepare"](ctx)
            if ctx.before is None:
                ctx.before = counts(ctx.db)
            faults = c["faults"](ctx) if callable(c["faults"]) else c["faults"]
            for f in faults:
                panel.fault(f)
            panel.clear_requests()
            argv = self.argv(c, ctx)
            row["command"] = redact(" ".join(["qanat"] + [a if " " not in a else "'%s'" % a
                                                          for a in argv[1:]])).replace(work, "$W")
            during = c["during"](ctx) if c["during"] else None
            res = run_child(argv, ctx.env, c["bound"], work, during)
            panel.clear()
            ctx.after = counts(ctx.db)
            self.judge(c, ctx, res, row)
        except Exception as e:  # noqa: BLE001 - a harness problem fails the case, loudly
            row["verdict"] = "FAIL"
            row["problems"].append("harness: %s: %s" % (type(e).__name__, e))
        finally:
            panel.stop()
            for fn in ctx.cleanup:
                fn()
        return row

    def judge(self, c, ctx, res, row):
        p = row["problems"]
        # the work folder's path is the case's name: never let it match a reason ("disk-full-sync")
        out = (res.stderr + "\n" + res.stdout).replace(ctx.work, "$W").replace(self.root, "$R").strip()
        # what the CLI said: its own lines (stderr first), not the log lines ("13855.516 W xtream ...")
        said_lines = [ln.strip() for ln in out.splitlines() if ln.strip() and not LOG_LINE.match(ln)]
        lines = said_lines
        row["exit"] = ("signal %d" % res.signal) if res.signal else str(res.rc)
        row["seconds"] = "%.1f" % res.seconds
        row["rss"] = "%.0f" % res.rss_mb
        if res.timed_out:
            p.append("not bounded: killed after %.0f s" % c["bound"])
        elif res.signal:
            p.append("crashed (signal %d)" % res.signal)
        if res.rss_mb > self.rss_bound:
            p.append("peak RSS %.0f MB above %.0f MB" % (res.rss_mb, self.rss_bound))
        if re.search(r"AddressSanitizer|runtime error:|LeakSanitizer|Segmentation fault", out):
            p.append("a sanitizer report or crash in the output")
        lk = leaks(out)
        if lk:
            p.append("credentials printed (%s)" % ", ".join(lk))
        said_line = ""
        if c["expect"] == "fail":
            if res.rc == 0:
                p.append("exit 0: the failure was not reported as one")
            rx = re.compile(c["said"], re.I)
            hit = next((ln for ln in lines if rx.search(ln)), None)
            if hit is None:
                in_log = any(rx.search(ln) for ln in out.splitlines() if LOG_LINE.match(ln))
                p.append("no line says the true reason (/%s/)%s" % (
                    c["said"], " (only a log line does)" if in_log else ""))
            said_line = hit or next((ln for ln in lines if ln.startswith("qanat")), lines[0] if lines else "")
            if c["forbid"] and re.search(c["forbid"], out, re.I):
                p.append("blames the wrong thing (/%s/)" % c["forbid"])
            if len(said_line) > 400:
                p.append("not one clear sentence (%d characters)" % len(said_line))
        else:
            if res.rc != 0:
                p.append("exit %s, expected success" % res.rc)
            said_line = lines[0] if lines else ""
        if c["keep"]:
            b, a = ctx.before, ctx.after
            if b is None:
                row["kept"] = "no previous data"
                p.append("no good state before the fault")
            elif a == b:
                row["kept"] = "yes (%s)" % fmt_counts(a)
            else:
                row["kept"] = "NO: %s -> %s" % (fmt_counts(b), fmt_counts(a))
                p.append("previous data changed")
        else:
            row["kept"] = fmt_counts(ctx.after) if ctx.after else "-"
        for chk in c["checks"]:
            why = chk(ctx, res)
            if why:
                p.append(why)
        said = redact(summarize(said_line))
        if ctx.notes:
            said += " [" + "; ".join(ctx.notes) + "]"
        row["said"] = said
        row["verdict"] = "FAIL" if p else "PASS"

    def cleanup(self):
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def md_escape(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def table(rows, h):
    out = ["| case | command | exit | what the CLI said | seconds | peak RSS MB | kept | verdict |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        verdict = r["verdict"]
        if r["problems"]:
            verdict += ": " + "; ".join(r["problems"])
        out.append("| %s | `%s` | %s | %s | %s | %s | %s | %s |" % tuple(md_escape(x) for x in (
            "%s (%s)" % (r["name"], r["what"]), r["command"], r["exit"], r["said"], r["seconds"],
            r["rss"], r["kept"], verdict)))
    n = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("PASS", "FAIL", "SKIP")}
    out.append("")
    out.append("%d passed, %d failed, %d skipped (bounds: %.0f s, %.0f MB peak RSS%s)" % (
        n["PASS"], n["FAIL"], n["SKIP"], TIME_BOUND, h.rss_bound,
        ", AddressSanitizer build" if h.asan else ""))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qanat", required=True, help="the qanat binary (BUILD/app/qanat)")
    ap.add_argument("--only", help="comma-separated case names (or regexes)")
    ap.add_argument("--table", help="write the Markdown table here too")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--keep", action="store_true", help="keep the work folders (printed)")
    args = ap.parse_args()
    if args.list:
        for c in CASES:
            print("%-36s %s" % (c["name"], c["what"]))
        return 0
    if not os.access(args.qanat, os.X_OK):
        ap.error("no executable qanat at %s" % args.qanat)
    cases = CASES
    if args.only:
        pats = [p.strip() for p in args.only.split(",") if p.strip()]
        cases = [c for c in CASES if any(p == c["name"] or re.fullmatch(p, c["name"]) for p in pats)]
        if not cases:
            ap.error("no case matches %r (see --list)" % args.only)
    h = Harness(args.qanat, args.keep)
    rows = []
    try:
        for c in cases:
            sys.stderr.write("hostile: %-36s ... " % c["name"])
            sys.stderr.flush()
            r = h.run_case(c)
            sys.stderr.write("%s %s s %s\n" % (r["verdict"], r["seconds"] or "-",
                                               "; ".join(r["problems"])))
            rows.append(r)
    finally:
        if args.keep:
            sys.stderr.write("hostile: work folders kept in %s\n" % h.root)
        h.cleanup()
    text = table(rows, h)
    sys.stdout.write(text)
    if args.table:
        with open(args.table, "w") as f:
            f.write("# Hostile cases (tests/hostile/run_cases.py)\n\n" + text)
    return 1 if any(r["verdict"] == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
