"""The local Xtream-compatible panel: HTTP server, player API, streams, faults, operator API,
beacon sink and control API.  Python standard library only."""

import argparse
import base64
import datetime
import fnmatch
import gzip
import html
import itertools
import json
import os
import re
import secrets
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from . import catalog as C
from . import media as M

DEFAULT_TZ = "Asia/Dubai"
TOKEN_TTL = 30.0
HUGE_ID = 9016
HLS_IDLE = 12.0
NGINX_404 = (b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found"
             b"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
HTML_ERROR = (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>"
              b"Bad Gateway</h1><p>The web server reported a bad gateway error.</p>"
              b"<p>cloudflare</p></body></html>")

ACTIONS = {"200": "get_vod_categories", "201": "get_live_categories", "202": "get_live_streams",
           "203": "get_vod_streams", "204": "get_series_info", "205": "get_short_epg",
           "206": "get_series_categories", "207": "get_simple_data_table", "208": "get_series",
           "209": "get_vod_info"}

SCENARIOS = {
    "none": [],
    "burst": [dict(match=r"^/(live/|sauth/|[^/_][^/]*/[^/]+/\d+$)", kind="burst")],
    "slow": [dict(match=r"^/player_api\.php", kind="latency", ms=1500)],
    "flaky": [dict(match=r"^/player_api\.php", kind="status", status=503, count=2,
                   body="Service Unavailable")],
    "expired-clip": [dict(match=r"^/(live|sauth)/", kind="expired_clip")],
    "huge-vod": [dict(match=r"action=(get_vod_streams|203)(&|$)", kind="huge_vod", items=100000)],
    "xmltv-gzip": [dict(match=r"^/xmltv\.php", kind="gzip_body")],
    "xmltv-refused": [dict(match=r"^/xmltv\.php", kind="status", status=403)],
    "html": [dict(match=r"^/player_api\.php", kind="html")],
    "truncated": [dict(match=r"action=(get_live_streams|202)(&|$)", kind="truncate", bytes=1000)],
    "stall": [dict(match=r"^/(live|sauth)/.*\.ts$", kind="stall_after", bytes=300000)],
    "drop": [dict(match=r"^/(live|sauth)/.*\.ts$", kind="drop_after", bytes=500000)],
    "trickle": [dict(match=r"^/player_api\.php", kind="trickle", rate=2000)],
    "drip": [dict(match=r"action=(get_live_streams|202)(&|$)", kind="drip", rate=4)],
    "beacon-429": [dict(match=r"^/qoe/", kind="status", status=429, headers={"Retry-After": "2"})],
    "beacon-503": [dict(match=r"^/qoe/", kind="status", status=503)],
    "beacon-410": [dict(match=r"^/qoe/", kind="status", status=410)],
}

REDACT = [
    (re.compile(r"/(live|movie|series|timeshift|hls)/[^/\s?]+/[^/\s?]+/"), r"/\1/*/*/"),
    (re.compile(r"(password|username)=[^&\s]*"), r"\1=*"),
    (re.compile(r"(\s)/(?!_control|api|qoe|images|player_api|xmltv|get\.php|streaming|sauth|vauth|hlsr|tsseg|renew)"
                r"[^/\s?]+/[^/\s?]+/(\d+)"), r"\1/*/*/\2"),
]


def redact(s):
    for rx, rep in REDACT:
        s = rx.sub(rep, s)
    return s


class Abort(Exception):
    pass


class Conn:
    ids = itertools.count(1)

    def __init__(self, user, stream, kind, remote, token=None):
        self.id = next(Conn.ids)
        self.user, self.stream, self.kind, self.remote = user, stream, kind, remote
        self.started = time.time()
        self.last_seen = self.started
        self.kicked = False
        self.ended = None
        self.event = threading.Event()
        self.token = token
        self.token_kind = None
        self.clip = None

    def as_json(self):
        return dict(id=self.id, user=self.user, stream=self.stream, kind=self.kind,
                    started=round(self.started, 3), kicked=self.kicked, remote=self.remote,
                    ended=None if self.ended is None else round(self.ended, 3))


class State:
    def __init__(self, args, media):
        self.args = args
        self.flavor = args.flavor
        self.tz = ZoneInfo(args.tz)
        self.strict_cmcd = args.strict_cmcd
        self.media = media
        self.started = time.time()
        self.accounts = C.Accounts(self.started)
        self.channels = C.build_channels()
        self.chan = {c.id: c for c in self.channels}
        self.movies = C.build_movies()
        self.movie = {m["id"]: m for m in self.movies}
        self.series = C.build_series()
        self.series_by_id = {s["id"]: s for s in self.series}
        self.episode = {}
        for s in self.series:
            for season, eps in s["eps"].items():
                for e in eps:
                    self.episode[e["id"]] = (s, e)
        self.epg = C.EPG(self.tz, self.channels)
        h = self.huge_channel = C.Channel()
        h.id, h.name, h.media, h.cats, h.stream_type, h.phase = HUGE_ID, "Huge 16000x16000", "huge", [1], \
            "live", 0.0
        h.epg_id = h.xmltv_id = "huge.qanat"
        h.archive_days, h.icon, h.added = 0, None, "1767225600"
        self.lock = threading.RLock()
        self.faults = []
        self.fault_ids = itertools.count(1)
        self.drips = 0  # responses dripping now (fault "drip"), for GET /_control/state
        self.conns = {}
        self.recent = []
        self.tokens = {}
        self.beacons = []
        self.tickets = []
        self.idem = {}
        self.used_vouchers = set()
        self.messages = [
            dict(id="m1", title="Welcome", body="Welcome to the Qanat test panel.", severity="info",
                 starts_at=int(self.started) - 3600, ends_at=None),
            dict(id="m2", title="Maintenance", body="Maintenance tonight 02:00-03:00.",
                 severity="warning", starts_at=int(self.started) - 60,
                 ends_at=int(self.started) + 86400),
            dict(id="m3", title="تنبيه", body="اشتراكك ينتهي قريبا", severity="critical",
                 starts_at=int(self.started), ends_at=int(self.started) + 7 * 86400),
        ]
        self.stop = threading.Event()
        self.port = None
        self.token_port = None
        self.xmltv_cache = {}
        self.burst = False
        self.tls_port = None
        self.tls_connections = 0  # TCP connections accepted on --tls-port
        self.tls_handshake_failures = 0
        self.requests = []  # the last 500 requests (redacted targets), GET /_control/requests
        self.outage_until = 0.0

    # --- faults ---------------------------------------------------------------------------
    def add_fault(self, f):
        if not isinstance(f, dict) or "kind" not in f:
            raise ValueError("a fault needs kind and match (regex) or glob")
        if f["kind"] == "outage":
            return self.start_outage(f)
        if not (f.get("match") or f.get("glob")):
            raise ValueError("a fault needs kind and match (regex) or glob")
        if f.get("match"):
            re.compile(f["match"])
        if f.get("body_b64") is not None:
            base64.b64decode(f["body_b64"], validate=True)
        f = dict(f)
        with self.lock:
            f["id"] = next(self.fault_ids)
            self.faults.append(f)
        return f

    def start_outage(self, f):
        """Fault "outage": every live connection dropped now, new ones 503 for `seconds`."""
        secs = float(f.get("seconds", 20))
        f = dict(f)
        with self.lock:
            f["id"] = next(self.fault_ids)
            self.outage_until = time.time() + secs
            f["until"] = round(self.outage_until, 3)
            n = 0
            for c in self.conns.values():
                if c.kind == "live":  # TS; HLS sessions get 503 on every playlist and segment
                    c.kicked = True
                    c.event.set()
                    n += 1
        M.log("outage for %.1f s: %d live connection(s) dropped" % (secs, n))
        return f

    def in_outage(self):
        return time.time() < self.outage_until

    def note_request(self, port_kind, method, target, headers=None):
        h = headers or {}
        with self.lock:
            self.requests.append(dict(port=port_kind, method=method, target=redact(target),
                                      at=round(time.time(), 3), user_agent=h.get("User-Agent"),
                                      referer=h.get("Referer"), x_qanat=h.get("X-Qanat")))
            del self.requests[:-500]

    def load_scenario(self, names):
        for name in [n for n in names.split(",") if n]:
            if name not in SCENARIOS:
                raise ValueError("unknown scenario %r (known: %s)" % (name, ", ".join(sorted(SCENARIOS))))
            for f in SCENARIOS[name]:
                self.add_fault(f)

    def match_faults(self, target, path, port_kind):
        hits = []
        with self.lock:
            for f in list(self.faults):
                if f.get("port") and f["port"] != port_kind:
                    continue
                ok = False
                if f.get("match") and re.search(f["match"], target):
                    ok = True
                if f.get("glob") and fnmatch.fnmatch(path, f["glob"]):
                    ok = True
                if not ok:
                    continue
                hits.append(dict(f))
                if f.get("count") is not None:
                    f["count"] -= 1
                    if f["count"] <= 0:
                        self.faults.remove(f)
        return hits

    def channel(self, sid):
        """A channel by id, including 9016 "Huge 16000x16000" (only reachable by URL)."""
        if sid == HUGE_ID:
            return self.huge_channel
        return self.chan.get(sid)

    # --- connections ----------------------------------------------------------------------
    def register(self, user, stream, kind, remote, token=None):
        acc = self.accounts.users[user]
        c = Conn(user, stream, kind, remote, token)
        with self.lock:
            self._expire_hls()
            maxc = int(acc["max_connections"] or 0)
            if maxc > 0:
                active = sorted((x for x in self.conns.values() if x.user == user and not x.kicked),
                                key=lambda x: x.started)
                while len(active) >= maxc:
                    old = active.pop(0)
                    old.kicked = True
                    old.event.set()
                    M.log("max connections: user %s kicked connection %d (%s %s)" %
                          (user, old.id, old.kind, old.stream))
            self.conns[c.id] = c
        return c

    def unregister(self, c):
        with self.lock:
            c.ended = time.time()
            self.conns.pop(c.id, None)
            self.recent.append(c)
            del self.recent[:-100]

    def _expire_hls(self):
        now = time.time()
        for c in list(self.conns.values()):
            if c.kind in ("hls", "archive-hls") and now - c.last_seen > HLS_IDLE:
                c.ended = now
                self.conns.pop(c.id, None)
                self.recent.append(c)

    def active_cons(self, user):
        with self.lock:
            self._expire_hls()
            return sum(1 for c in self.conns.values() if c.user == user and not c.kicked)

    # --- tokens ---------------------------------------------------------------------------
    def new_token(self, **kw):
        t = secrets.token_hex(12)
        with self.lock:
            now = time.time()
            for k in [k for k, v in self.tokens.items() if now - v["last_used"] > 600]:
                del self.tokens[k]
            kw.update(issued=now, last_used=now)
            self.tokens[t] = kw
        return t

    def use_token(self, t, ttl=TOKEN_TTL):
        with self.lock:
            v = self.tokens.get(t)
            if v is None or time.time() - v["last_used"] > ttl:
                return None
            v["last_used"] = time.time()
            return v


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, addr, handler, state, kind, tls=None):
        super().__init__(addr, handler)
        self.state = state
        self.kind = kind
        self.tls = tls  # an ssl.SSLContext: the same panel over TLS (--tls-port)
        self.scheme = "https" if tls else "http"

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls is not None:
            # the handshake runs in the request's own thread (finish_request), never in accept
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request, client_address):
        if self.tls is not None:
            with self.state.lock:
                self.state.tls_connections += 1
            request.settimeout(15)
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError) as e:
                with self.state.lock:
                    self.state.tls_handshake_failures += 1
                M.log("TLS handshake with %s failed: %s" % (client_address[0], e))
                return
            request.settimeout(None)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        et, ev, _ = sys.exc_info()
        if et in (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, Abort, TimeoutError):
            return
        M.log("error serving %s: %s: %s" % (client_address[0], et.__name__, redact(str(ev))))


def _int(v, default=None):
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return default


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    # ------------------------------------------------------------------ plumbing -----------
    def log_message(self, fmt, *args):
        sys.stderr.write("panel: %s %s\n" % (self.address_string(), redact(fmt % args)))

    def do_GET(self):
        self.dispatch("GET")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PUT(self):
        self.dispatch("PUT")

    @property
    def st(self):
        return self.server.state

    def out(self, data):
        """Writes body bytes, applying the active stream fault (stall/drop/trickle/truncate)."""
        if self.method == "HEAD" or not data:
            return
        f = self.fault
        if f is None:
            self.wfile.write(data)
            self.sent += len(data)
            return
        kind = f["kind"]
        if kind == "trickle":
            rate = max(1, int(f.get("rate", 1000)))
            piece = max(1, rate // 10)
            for i in range(0, len(data), piece):
                if self.st.stop.is_set():
                    raise Abort()
                self.wfile.write(data[i:i + piece])
                self.wfile.flush()
                time.sleep(piece / rate)
            self.sent += len(data)
            return
        limit = int(f.get("bytes", 0))
        remaining = limit - self.sent
        if len(data) <= remaining:
            self.wfile.write(data)
            self.sent += len(data)
            return
        if remaining > 0:
            self.wfile.write(data[:remaining])
            self.sent += remaining
        self.wfile.flush()
        if kind == "stall_after":
            secs = f.get("seconds")
            if secs is None or float(secs) <= 0:
                self.st.stop.wait()
            else:
                self.st.stop.wait(float(secs))
            self.close_connection = True
            raise Abort()
        # drop_after / truncate on a stream: close the connection
        if f.get("rst"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        raise Abort()

    DRIP_HEADS = {
        "/xmltv.php": (b'<?xml version="1.0" encoding="UTF-8"?>\n<tv generator-info-name="qanat-panel">\n'
                       b'<channel id="drip.qanat"><display-name>Drip ', "application/xml"),
        "/get.php": (b"#EXTM3U\n#EXTINF:-1 tvg-id=\"drip.qanat\" group-title=\"Drip\",Drip ",
                     "audio/x-mpegurl"),
    }
    DRIP_JSON = b'[{"num":1,"name":"Drip ', "application/json"

    def drip(self, f, path):
        """200 with plausible headers and the start of a plausible body (a JSON list, an XMLTV or an
        M3U by path, or `body`), then `rate` bytes a second (default 4) of a name that never ends,
        chunked, until the client goes away, the panel stops, or `seconds` (absent/0: forever)."""
        head, ctype = self.DRIP_HEADS.get(path, self.DRIP_JSON)
        if f.get("body") is not None:
            head = f["body"].encode("utf-8")
        ctype = f.get("content_type", ctype)
        rate = max(1, int(f.get("rate", 4)))
        secs = float(f.get("seconds") or 0)
        piece = max(1, rate // 10)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        if self.method == "HEAD":
            return

        def chunk(b):
            self.wfile.write(b"%x\r\n" % len(b) + b + b"\r\n")
            self.wfile.flush()
        st = self.st
        with st.lock:
            st.drips += 1
        try:
            chunk(head)
            end = time.time() + secs if secs > 0 else None
            while not st.stop.wait(piece / rate):
                if end is not None and time.time() >= end:
                    break
                chunk(b"a" * piece)  # raises BrokenPipe/ConnectionReset once the client has gone
        finally:
            with st.lock:
                st.drips -= 1
        raise Abort()

    GZIP_TYPES = {"/xmltv.php": "application/xml", "/get.php": "audio/x-mpegurl"}

    def gzip_bomb(self, f, path):
        """200, chunked, a gzip stream made while sending that inflates to `size` bytes (default
        4 GiB): `prefix` then spaces (or NULs with "fill":"zero").  `Content-Encoding: gzip` unless
        "header": false (then the gzip magic only, like xmltv.php?gzip=1).  Never holds more than one
        1 MiB block: the block is deflated once after a full flush and repeated."""
        size = int(f.get("size", 4 << 30))
        prefix = str(f.get("prefix", "")).encode("utf-8")[:size]
        fill = b"\0" if f.get("fill") == "zero" else b" "
        ctype = f.get("content_type", self.GZIP_TYPES.get(path, "application/json"))
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if f.get("header", True):
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        if self.method == "HEAD":
            return

        def chunk(b):
            if b:
                self.wfile.write(b"%x\r\n" % len(b) + b + b"\r\n")
        BLOCK = 1 << 20
        block = fill * BLOCK
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        rep_block = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)  # no history: repeatable
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")
        chunk(co.compress(prefix) + co.flush(zlib.Z_FULL_FLUSH))
        crc = zlib.crc32(prefix)
        left = size - len(prefix)
        while left >= BLOCK:
            if self.st.stop.is_set():
                raise Abort()
            chunk(rep_block)
            crc = zlib.crc32(block, crc)
            left -= BLOCK
        tail = fill * left
        crc = zlib.crc32(tail, crc)
        chunk(co.compress(tail) + co.flush(zlib.Z_FINISH))
        chunk(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def hls_loop(self, f):
        """A master playlist whose only variant is this very URL; with `depth` N, a chain of N
        nested masters (?qanat_hls_chain=k/N) ending in the real media playlist."""
        depth = _int(f.get("depth"), 0) or 0
        if depth > 0:
            sep = "&" if "?" in self.path else "?"
            uri = self.own_url() + sep + "qanat_hls_chain=1/%d" % depth
        else:
            uri = self.own_url()
        self.master(uri)

    def master(self, uri):
        body = ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=480x270\n"
                "%s\n" % uri).encode()
        self.send_bytes(200, body, "application/vnd.apple.mpegurl", {"Cache-Control": "no-cache"})

    def hls_chain(self):
        mt = re.fullmatch(r"(\d+)/(\d+)", self.q.get("qanat_hls_chain", ""))
        if not mt:
            return self.empty(400)
        k, n = int(mt.group(1)), int(mt.group(2))
        if k < n:
            return self.master(re.sub(r"qanat_hls_chain=\d+/\d+", "qanat_hls_chain=%d/%d" % (k + 1, n),
                                      self.own_url()))
        return self.route(self.method, urlsplit(self.path).path)

    def read_body(self):
        n = _int(self.headers.get("Content-Length"), 0)
        if n > 0:
            return self.rfile.read(n)
        return b""

    def send_bytes(self, code, body, ctype="application/json", headers=None, close=False):
        f = self.fault
        if f is not None and f["kind"] == "truncate" and body:
            body = body[:int(f.get("bytes", 0))]
            self.fault = None
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.out(body)

    def send_json(self, obj, code=200, php=True, ctype=None, headers=None):
        body = (C.php_json(obj) if php else json.dumps(obj, ensure_ascii=False)).encode("utf-8")
        if ctype is None:
            ctype = "text/html; charset=UTF-8" if self.flavor == "xc2" else "application/json"
        self.send_bytes(code, body, ctype, headers)

    def api_json(self, obj, code=200, headers=None):
        self.send_bytes(code, json.dumps(obj, ensure_ascii=False).encode("utf-8"),
                        "application/json; charset=utf-8", headers)

    def nginx404(self):
        self.send_bytes(404, NGINX_404, "text/html")

    def empty(self, code):
        self.send_bytes(code, b"", None)

    def host_name(self):
        h = self.headers.get("Host") or ""
        if h.startswith("["):
            return h.split("]")[0] + "]"
        return h.rsplit(":", 1)[0] if h else self.st.args.host

    def base_url(self, port=None):
        return "%s://%s:%d" % (self.server.scheme if port is None else "http", self.host_name(),
                               port or self.server.server_address[1])

    def own_url(self):
        return self.base_url() + self.path

    # ------------------------------------------------------------------ dispatch -----------
    def dispatch(self, method):
        self.method = method
        self.fault = None
        self.hits = {}
        self.sent = 0
        self.flavor = self.st.flavor
        try:
            u = urlsplit(self.path)
            path = u.path
            self.q = {k: v[-1] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
            self.body = b""
            if method in ("POST", "PUT", "DELETE"):
                self.body = self.read_body()
                ct = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if ct == "application/x-www-form-urlencoded" and path.endswith(".php"):
                    for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items():
                        self.q.setdefault(k, v[-1])
            if path.startswith("/_control/"):
                return self.control(method, path)
            target = self.path
            self.st.note_request(self.server.kind, method, target, self.headers)
            if path.endswith(".m3u8") and "qanat_hls_chain" in self.q:
                return self.hls_chain()
            hits = self.st.match_faults(target, path, self.server.kind)
            for f in hits:
                if f["kind"] == "latency":
                    time.sleep(float(f.get("ms", 1000)) / 1000.0)
            action_faults = [f for f in hits if f["kind"] != "latency"]
            self.hits = {f["kind"]: f for f in action_faults}
            first = action_faults[0] if action_faults else None
            if first is not None:
                if first["kind"] == "status":
                    code = int(first.get("status", 500))
                    if first.get("body_b64") is not None:
                        body = base64.b64decode(first["body_b64"])
                    else:
                        body = first.get("body", "")
                        body = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode()
                    return self.send_bytes(code, body, first.get("content_type", "text/plain"),
                                           first.get("headers"))
                if first["kind"] == "gzip_bomb":
                    return self.gzip_bomb(first, path)
                if first["kind"] == "redirect_loop":
                    return self.send_bytes(int(first.get("status", 302)), b"", "text/html",
                                           {"Location": self.own_url()})
                if first["kind"] == "redirect":
                    return self.send_bytes(int(first.get("status", 302)), b"", "text/html",
                                           {"Location": first.get("location", self.own_url())})
                if first["kind"] == "hls_loop" and path.endswith(".m3u8"):
                    return self.hls_loop(first)
                if first["kind"] == "html":
                    body = first.get("body")
                    return self.send_bytes(200, body.encode() if body else HTML_ERROR, "text/html")
                if first["kind"] == "drip":
                    return self.drip(first, path)
                if first["kind"] in ("stall_after", "drop_after", "truncate", "trickle"):
                    self.fault = first
            return self.route(method, path)
        except Abort:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    def route(self, method, path):
        st = self.st
        if path in ("/player_api.php", "/panel_api.php"):
            return self.player_api()
        if path == "/get.php":
            return self.get_php()
        if path == "/xmltv.php":
            return self.xmltv()
        if path == "/streaming/timeshift.php":
            q = self.q
            return self.timeshift(q.get("username"), q.get("password"), q.get("duration"),
                                  q.get("start"), q.get("stream"), "ts")
        if path.startswith("/api/v1/"):
            return self.operator(method, path[len("/api/v1"):])
        if path in ("/qoe/cmcd", "/qoe/json", "/qoe"):
            return self.beacon(method)
        if path == "/renew":
            return self.renew()
        if path.startswith("/images/"):
            return self.image(path)
        parts = [unquote(p) for p in path.split("/")[1:]]
        if parts and parts[0] in ("live", "movie", "series") and len(parts) == 4:
            sid, _, ext = parts[3].partition(".")
            return self.stream_entry(parts[0], parts[1], parts[2], sid, ext.lower())
        if parts and parts[0] == "timeshift" and len(parts) == 6:
            sid, _, ext = parts[5].partition(".")
            return self.timeshift(parts[1], parts[2], parts[3], parts[4], sid, ext.lower() or "ts")
        if parts and parts[0] in ("sauth", "vauth") and len(parts) == 3:
            return self.token_entry(parts[0], parts[1], parts[2])
        if parts and parts[0] == "hlsr" and len(parts) == 4:
            return self.hls_segment(parts[1], parts[2], parts[3])
        if parts and parts[0] == "tsseg" and len(parts) == 5:
            return self.archive_segment(parts[1], parts[2], parts[3], parts[4])
        if len(parts) == 3 and parts[2].split(".")[0].isdigit():
            sid, _, ext = parts[2].partition(".")
            return self.stream_entry("live", parts[0], parts[1], sid, ext.lower() or "ts")
        if path == "/":
            return self.send_bytes(200, b"<html><body>Qanat test panel</body></html>", "text/html")
        return self.nginx404()

    # ------------------------------------------------------------------ player API ----------
    def account_flavor(self, user):
        a = self.st.accounts.users.get(user or "")
        if a and a.get("flavor"):
            self.flavor = a["flavor"]
        return self.flavor

    def user_info(self, user, a):
        st = self.st
        xui = self.flavor == "xui"
        ac = st.active_cons(user)
        ui = dict(username=user, password=a["password"], message=a["message"], auth=1,
                  status=st.accounts.status(a),
                  exp_date=None if a["exp_date"] is None else str(int(a["exp_date"])),
                  is_trial=a["is_trial"], active_cons=ac if xui else str(ac),
                  created_at=a["created_at"], max_connections=a["max_connections"],
                  allowed_output_formats=["m3u8", "ts", "rtmp"])
        now = time.time()
        si = dict(url=self.host_name(), port=str(self.server.server_address[1]),
                  https_port="" if xui else "443", server_protocol="http",
                  rtmp_port="" if xui else "8880", timezone=str(st.tz), timestamp_now=int(now),
                  time_now=st.epg.local_str(now))
        if xui:
            si = dict(xui=True, version="1.5.12", revision=2, **si, process=True)
        return {"user_info": ui, "server_info": si}

    def player_api(self):
        q = self.q
        user, pw = q.get("username"), q.get("password")
        self.account_flavor(user)
        xui = self.flavor == "xui"
        if user is None or pw is None or user == "" or pw == "":
            return self.nginx404() if xui else self.send_bytes(200, b"", "text/html; charset=UTF-8")
        a = self.st.accounts.check(user, pw)
        if a is None:
            return self.nginx404() if xui else self.send_json({"user_info": {"auth": 0}})
        status = self.st.accounts.status(a)
        if status != "Active":
            return self.nginx404() if xui else self.send_json(self.user_info(user, a))
        action = q.get("action", "")
        action = ACTIONS.get(action, action)
        fn = getattr(self, "act_" + action, None) if action in ACTIONS.values() else None
        if fn is None:
            return self.send_json(self.user_info(user, a))
        return fn()

    def cats_json(self, cats):
        return [{"category_id": str(i), "category_name": n, "parent_id": p} for i, n, p in cats]

    def act_get_live_categories(self):
        self.send_json(self.cats_json(C.LIVE_CATEGORIES))

    def act_get_vod_categories(self):
        self.send_json(self.cats_json(C.VOD_CATEGORIES))

    def act_get_series_categories(self):
        self.send_json(self.cats_json(C.SERIES_CATEGORIES))

    def icon(self, rel):
        if rel is None:
            return None
        if rel == "":
            return ""
        return "%s/images/%s" % (self.base_url(), rel)

    def live_item(self, c, num, cat):
        xui = self.flavor == "xui"
        arch = 1 if c.archive_days else 0
        it = {"num": num, "name": c.name, "stream_type": c.stream_type, "stream_id": c.id,
              "stream_icon": self.icon(c.icon), "epg_channel_id": c.epg_id, "added": c.added}
        if xui:
            it.update(custom_sid="", tv_archive=arch, direct_source="", tv_archive_duration=c.archive_days,
                      category_id=str(cat), category_ids=list(c.cats), thumbnail="")
        else:
            it.update(category_id=None if c.id == 13 else str(cat), custom_sid="", tv_archive=arch,
                      direct_source="", tv_archive_duration=str(c.archive_days) if arch else 0)
            if c.id == 14:
                it["stream_id"] = "14"
                it["num"] = str(num)
            if c.id == 20:
                it["tv_archive"] = "1"
        if c.id == 15:
            it["name"] = None  # invalid UTF-8 in the panel database
        return it

    def act_get_live_streams(self):
        cat = self.q.get("category_id")
        out = []
        n = 0
        for c in self.st.channels:
            if cat not in (None, ""):
                if _int(cat) not in c.cats:
                    continue
                n += 1
                out.append(self.live_item(c, n, _int(cat)))
            elif self.flavor == "xui":
                for k in c.cats:
                    n += 1
                    out.append(self.live_item(c, n, k))
            else:
                n += 1
                out.append(self.live_item(c, n, c.cats[0]))
        self.send_json(out)

    def movie_item(self, m, num):
        xui = self.flavor == "xui"
        it = {"num": num, "name": m["name"], "stream_type": "movie", "stream_id": m["id"],
              "stream_icon": self.icon("poster/%d.png" % m["id"]),
              "rating": str(m["rating"]) if not xui else m["rating"],
              "rating_5based": round(m["rating"] / 2, 1), "added": m["added"],
              "category_id": str(m["cat"]), "container_extension": m["ext"], "custom_sid": "",
              "direct_source": ""}
        if xui:
            it.update(title=m["name"], year=m["year"], plot="A test movie: %s." % m["name"],
                      cast="Actor One, Actor Two", director="Director X", genre="Drama",
                      release_date="%s-01-01" % m["year"], episode_run_time=str(m["dur"] // 60),
                      category_ids=[m["cat"]])
        elif m["id"] == 1010:
            del it["container_extension"]
        return it

    def act_get_vod_streams(self):
        if "huge_vod" in self.hits:
            return self.huge_vod(int(self.hits["huge_vod"].get("items", 100000)))
        cat = self.q.get("category_id")
        out = []
        for m in self.st.movies:
            if cat not in (None, "") and _int(cat) != m["cat"]:
                continue
            out.append(self.movie_item(m, len(out) + 1))
        self.send_json(out)

    def huge_vod(self, n):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        movies = self.st.movies

        def chunk(b):
            self.out(b"%x\r\n" % len(b) + b + b"\r\n")
        buf = [b"["]
        for i in range(n):
            m = dict(movies[i % len(movies)])
            it = self.movie_item(m, i + 1)
            it["stream_id"] = 100000 + i
            it["name"] = "%s #%d" % (m["name"], i)
            buf.append((b"," if i else b"") + C.php_json(it).encode())
            if len(buf) >= 500:
                chunk(b"".join(buf))
                buf = []
        buf.append(b"]")
        chunk(b"".join(buf))
        self.out(b"0\r\n\r\n")

    def series_item(self, s, num):
        xui = self.flavor == "xui"
        sid = s["id"]
        bd = [self.icon("backdrop/s%d.png" % sid)]
        if not xui and sid == 3:
            bd = self.icon("backdrop/s%d.png" % sid)
        elif not xui and sid == 4:
            bd = None
        it = {"num": num, "name": s["name"], "title": s["name"], "year": "2024", "series_id": sid,
              "cover": self.icon("cover/s%d.png" % sid), "plot": "Series %s plot." % s["name"],
              "cast": "Cast A, Cast B", "director": "Director Y", "genre": "Drama",
              "release_date": "2024-02-24", "releaseDate": "2024-02-24",
              "last_modified": str(1767225600 + sid * 1000), "rating": "7",
              "rating_5based": 3.5, "backdrop_path": bd, "youtube_trailer": "",
              "episode_run_time": "40", "category_id": str(s["cat"])}
        if xui:
            it["category_ids"] = [s["cat"]]
        return it

    def act_get_series(self):
        cat = self.q.get("category_id")
        out = []
        for s in self.st.series:
            if cat not in (None, "") and _int(cat) != s["cat"]:
                continue
            out.append(self.series_item(s, len(out) + 1))
        self.send_json(out)

    def act_get_vod_info(self):
        m = self.st.movie.get(_int(self.q.get("vod_id")))
        if m is None:
            return self.send_json({"info": []})
        xui = self.flavor == "xui"
        d = m["dur"]
        info = {"kinopoisk_url": "", "tmdb_id": str(500000 + m["id"]), "name": m["name"],
                "o_name": m["name"], "cover_big": self.icon("poster/%d.png" % m["id"]),
                "movie_image": self.icon("poster/%d.png" % m["id"]),
                "release_date": "%s-01-01" % m["year"], "episode_run_time": d // 60,
                "youtube_trailer": "", "director": "Director X", "actors": "Actor One, Actor Two",
                "cast": "Actor One, Actor Two", "description": "A test movie: %s." % m["name"],
                "plot": "A test movie: %s." % m["name"], "age": "12+", "country": "Saudi Arabia",
                "genre": "Drama", "backdrop_path": [self.icon("backdrop/%d.png" % m["id"])],
                "duration_secs": d, "duration": "%02d:%02d:%02d" % (d // 3600, d // 60 % 60, d % 60),
                "bitrate": 260, "rating": m["rating"] if xui else str(m["rating"])}
        langs = m.get("langs") or ["und"]
        if xui:
            info["subtitles"] = ([{"index": 0, "language": "eng", "title": "English"}]
                                 if m.get("sub") else [])
        else:
            info["video"] = {"index": 0, "codec_name": "h264", "profile": "Constrained Baseline",
                             "width": 320, "height": 180, "r_frame_rate": "15/1"}
            info["audio"] = {"index": 1, "codec_name": "aac", "channels": 2, "sample_rate": "48000",
                             "tags": {"language": langs[0]}}
        md = {"stream_id": m["id"], "name": m["name"], "title": m["name"], "year": m["year"],
              "added": m["added"], "category_id": str(m["cat"]), "container_extension": m["ext"],
              "custom_sid": "", "direct_source": ""}
        if xui:
            md["category_ids"] = [m["cat"]]
        self.send_json({"info": info, "movie_data": md})

    def act_get_series_info(self):
        s = self.st.series_by_id.get(_int(self.q.get("series_id")))
        xui = self.flavor == "xui"
        if s is None:
            if xui:
                return self.send_json({"seasons": [], "info": {"name": None, "cover": None, "plot": None,
                                                               "cast": None, "director": None,
                                                               "genre": None, "rating": None,
                                                               "backdrop_path": [], "category_id": None}})
            return self.send_json([])
        item = self.series_item(s, 1)
        info = {k: item[k] for k in ("name", "cover", "plot", "cast", "director", "genre",
                                     "release_date", "releaseDate", "last_modified", "rating",
                                     "rating_5based", "backdrop_path", "youtube_trailer",
                                     "episode_run_time", "category_id")}
        if xui:
            info["category_ids"] = [s["cat"]]
        seasons = []
        eps = {}
        for season in sorted(s["eps"]):
            lst = s["eps"][season]
            seasons.append({"air_date": "2024-02-%02d" % (10 + season), "episode_count": len(lst),
                            "id": 380000 + s["id"] * 10 + season, "name": "Season %d" % season,
                            "overview": "", "season_number": season, "vote_average": 0,
                            "cover": self.icon("cover/s%d.png" % s["id"]),
                            "cover_big": self.icon("cover/s%d.png" % s["id"])})
            out = []
            for e in lst:
                f = next(x for x in M.EPISODES if x["key"] == e["file"])
                d = f["dur"]
                einfo = {"duration_secs": d, "duration": "00:%02d:%02d" % (d // 60, d % 60),
                         "movie_image": self.icon("cover/e%d.png" % e["id"]),
                         "plot": "Episode %d of %s." % (e["num"], s["name"]), "rating": 10,
                         "release_date": "2024-02-%02d" % (10 + e["num"]), "bitrate": 250}
                if s["id"] == 1 and season == 2 and e["num"] == 3:
                    einfo = []
                out.append({"id": str(e["id"]), "episode_num": e["num"] if xui else str(e["num"]),
                            "title": "%s S%02dE%02d" % (s["name"], season, e["num"]),
                            "container_extension": "mp4", "info": einfo, "subtitles": [],
                            "custom_sid": "", "added": str(1767225600 + e["id"]),
                            "season": season, "direct_source": ""})
            eps[str(season)] = out
        if s["id"] == 5:
            seasons = []
        keys = sorted(s["eps"])
        episodes = [eps[str(k)] for k in keys] if keys == list(range(len(keys))) else eps
        self.send_json({"seasons": seasons, "info": info, "episodes": episodes})

    def listing(self, c, p, now, table=False):
        xui = self.flavor == "xui"
        st = self.st
        title = p["title_ar"] or p["title_en"]
        it = {"id": p["id"], "epg_id": str(c.id), "title": C.b64(title),
              "lang": "ar" if p["title_ar"] else "en",
              "start": st.epg.local_str(p["start"]),
              "end": str(p["stop"]) if xui else st.epg.local_str(p["stop"]),
              "description": C.b64(p["desc"]), "channel_id": c.xmltv_id,
              "start_timestamp": str(p["start"]), "stop_timestamp": str(p["stop"]),
              "stop": st.epg.local_str(p["stop"])}
        if table:
            it["now_playing"] = 1 if p["start"] <= now < p["stop"] else 0
            it["has_archive"] = 1 if (c.archive_days and p["stop"] <= now and
                                      p["start"] >= now - c.archive_days * 86400) else 0
        return it

    def act_get_short_epg(self):
        ids = [x for x in (self.q.get("stream_id") or "").split(",") if x.strip()]
        limit = _int(self.q.get("limit"), 4) or 4
        now = time.time()

        def one(sid):
            c = self.st.chan.get(_int(sid))
            if c is None:
                return []
            progs = [p for p in self.st.epg.window(c, now) if p["stop"] > now]
            return [self.listing(c, p, now) for p in progs[:limit]]
        if len(ids) > 1 and self.flavor == "xui":
            return self.send_json({"epg_listings": {str(_int(i)): one(i) for i in ids}})
        self.send_json({"epg_listings": one(ids[0]) if ids else []})

    def act_get_simple_data_table(self):
        c = self.st.chan.get(_int(self.q.get("stream_id")))
        now = time.time()
        if c is None:
            return self.send_json({"epg_listings": []})
        self.send_json({"epg_listings": [self.listing(c, p, now, True)
                                         for p in self.st.epg.window(c, now)]})

    # ------------------------------------------------------------------ get.php / xmltv ------
    def login_generic(self, user, pw):
        """Returns the account when it may use the service, else answers and returns None."""
        self.account_flavor(user)
        a = self.st.accounts.check(user, pw)
        if a is None:
            if self.flavor == "xui":
                self.nginx404()
            else:
                self.empty(401)
            return None
        if self.st.accounts.status(a) != "Active":
            if self.flavor == "xui":
                self.nginx404()
            else:
                self.empty(403)
            return None
        return a

    def cred_path(self, user, pw):
        return "%s/%s" % (quote(user, safe="@:&+=$,;~!*'()"), quote(pw, safe="@:&+=$,;~!*'()"))

    def get_php(self):
        q = self.q
        user, pw = q.get("username"), q.get("password")
        if self.login_generic(user, pw) is None:
            return
        typ = q.get("type", "m3u")
        outp = q.get("output", "ts")
        ext = "m3u8" if outp in ("m3u8", "hls") else "ts"
        base = self.base_url()
        cp = self.cred_path(user, pw)
        plus = typ == "m3u_plus"
        idattr = "tvg-ID" if self.flavor == "xc2" else "tvg-id"
        catname = {i: n for i, n, _ in C.LIVE_CATEGORIES + C.VOD_CATEGORIES + C.SERIES_CATEGORIES}
        lines = []
        if plus:
            lines.append('#EXTM3U url-tvg="%s/xmltv.php?username=%s&password=%s"' % (
                base, quote(user), quote(pw)))
        else:
            lines.append("#EXTM3U")
        for c in self.st.channels:
            name = c.name
            if plus:
                extra = ' timeshift="%d"' % c.archive_days if c.archive_days else ""
                lines.append('#EXTINF:-1 %s="%s" tvg-name="%s" tvg-logo="%s" group-title="%s"%s,%s' % (
                    idattr, (c.epg_id or "").strip(), name, self.icon(c.icon) or "",
                    catname.get(c.cats[0], ""), extra, name))
            else:
                lines.append("#EXTINF:-1,%s" % name)
            lines.append("%s/live/%s/%d.%s" % (base, cp, c.id, ext))
        for m in self.st.movies:
            if plus:
                lines.append('#EXTINF:-1 %s="" tvg-name="%s" tvg-logo="%s" group-title="%s",%s' % (
                    idattr, m["name"], self.icon("poster/%d.png" % m["id"]), catname[m["cat"]], m["name"]))
            else:
                lines.append("#EXTINF:-1,%s" % m["name"])
            lines.append("%s/movie/%s/%d.%s" % (base, cp, m["id"], m["ext"]))
        for s in self.st.series:
            for season in sorted(s["eps"]):
                for e in s["eps"][season]:
                    t = "%s S%02dE%02d" % (s["name"], season, e["num"])
                    if plus:
                        lines.append('#EXTINF:-1 %s="" tvg-name="%s" tvg-logo="%s" group-title="%s",%s' % (
                            idattr, t, self.icon("cover/s%d.png" % s["id"]), catname[s["cat"]], t))
                    else:
                        lines.append("#EXTINF:-1,%s" % t)
                    lines.append("%s/series/%s/%d.mp4" % (base, cp, e["id"]))
        body = ("\r\n".join(lines) + "\r\n").encode("utf-8")
        self.send_bytes(200, body, "audio/x-mpegurl",
                        {"Content-Disposition": 'attachment; filename="tv_channels_%s_plus.m3u"' % quote(user)
                         if plus else 'attachment; filename="tv_channels_%s.m3u"' % quote(user)})

    BAD_BYTES = b"\xff\xc3\x28\xe2\x82"  # a lone 0xFF, an invalid pair, a cut 3-byte sequence
    BAD_MARK = "\ue000"

    def xmltv_body(self, shift_days=0, bad_bytes=False):
        st = self.st
        now = time.time()
        shift = int(round(float(shift_days) * 86400))
        key = (self.flavor, int(now // 300), self.base_url(), shift, bad_bytes)
        with st.lock:
            v = st.xmltv_cache.get(key)
        if v is not None:
            return v
        one_line = self.flavor == "xc2"
        nl = "" if one_line else "\n"
        ind = "" if one_line else "  "
        e = html.escape
        parts = ['<?xml version="1.0" encoding="utf-8" ?>', '<!DOCTYPE tv SYSTEM "xmltv.dtd">',
                 '<tv generator-info-name="Xtream Codes" generator-info-url="%s">' % e(self.base_url())]
        chans = [c for c in st.channels if st.epg.has_epg(c)]
        for c in chans:
            parts.append('%s<channel id="%s"><display-name>%s</display-name><icon src="%s" /></channel>' % (
                ind, e(c.xmltv_id), e(c.name or ""), e(self.icon(c.icon) or "")))
        nprog = 0
        for c in chans:
            for p in st.epg.window(c, now):
                t = ['%s<programme start="%s" stop="%s" channel="%s">' % (
                    ind, st.epg.xmltv_time(p["start"] + shift), st.epg.xmltv_time(p["stop"] + shift),
                    e(c.xmltv_id))]
                title = e(p["title_en"])
                nprog += 1
                if bad_bytes and nprog % 5 == 1:  # every 5th programme, the first one included
                    title = title[:3] + self.BAD_MARK + title[3:]
                t.append('<title lang="en">%s</title>' % title)
                if p["title_ar"]:
                    t.append('<title lang="ar">%s</title>' % e(p["title_ar"]))
                t.append('<desc lang="en">%s</desc>' % e(p["desc"]))
                t.append('<category lang="en">%s</category>' % e(p["genre"]))
                t.append('<episode-num system="xmltv_ns">%s</episode-num>' % p["ep"])
                t.append('<icon src="%s" />' % e(self.icon("logo/%d.png" % c.id)))
                t.append("</programme>")
                parts.append("".join(t))
        parts.append("</tv>")
        body = (nl.join(parts) + nl).encode("utf-8")
        if bad_bytes:
            body = body.replace(self.BAD_MARK.encode("utf-8"), self.BAD_BYTES)
        with st.lock:
            if len(st.xmltv_cache) > 8:
                st.xmltv_cache.clear()
            st.xmltv_cache[key] = body
        return body

    def xmltv(self):
        q = self.q
        user, pw = q.get("username"), q.get("password")
        if self.login_generic(user, pw) is None:
            return
        shift = self.hits["xmltv_shift"].get("days", -30) if "xmltv_shift" in self.hits else 0
        body = self.xmltv_body(shift, "xmltv_bad_bytes" in self.hits)
        gz = q.get("gzip")
        if "gzip_body" in self.hits or gz in ("1", "true"):
            return self.send_bytes(200, gzip.compress(body, 6, mtime=0), "application/xml")
        if gz == "header":
            return self.send_bytes(200, gzip.compress(body, 6, mtime=0), "application/xml",
                                   {"Content-Encoding": "gzip"})
        self.send_bytes(200, body, "application/xml; charset=utf-8")

    # ------------------------------------------------------------------ streams --------------
    def stream_auth(self, user, pw):
        """(account, state): state is 'ok', 'expired' or None (already answered)."""
        self.account_flavor(user)
        a = self.st.accounts.check(user, pw)
        if a is None:
            if self.flavor == "xui":
                self.nginx404()
            else:
                self.empty(401)
            return None, None
        s = self.st.accounts.status(a)
        if s == "Active":
            return a, "ok"
        if s == "Expired":
            return a, "expired"
        if self.flavor == "xui":
            self.nginx404()
        else:
            self.empty(403)
        return None, None

    def stream_entry(self, kind, user, pw, sid, ext):
        a, state = self.stream_auth(user, pw)
        if a is None:
            return
        sid_i = _int(sid)
        if kind == "live":
            c = self.st.channel(sid_i)
            if c is None:
                return self.empty(404)
            if self.st.in_outage():
                return self.outage()
            if state == "expired":
                return self.live_ts(user, c, force_clip="expired") if ext != "m3u8" else \
                    self.live_hls(user, c, None, force_clip="expired")
            if self.flavor == "xui":
                tok = self.st.new_token(user=user, kind="live", id=c.id, ext=ext or "ts")
                return self.redirect("sauth", tok, "%d.%s" % (c.id, ext or "ts"))
            if ext == "m3u8":
                return self.live_hls(user, c, None)
            return self.live_ts(user, c)
        if state == "expired":
            return self.empty(403)
        if kind == "movie":
            m = self.st.movie.get(sid_i)
            if m is None:
                return self.empty(404)
            path = self.st.media.files[m["file"]]
        else:
            se = self.st.episode.get(sid_i)
            if se is None:
                return self.empty(404)
            path = self.st.media.files[se[1]["file"]]
        if self.flavor == "xui":
            tok = self.st.new_token(user=user, kind=kind, id=sid_i, ext=ext, path=path)
            return self.redirect("vauth", tok, "%d.%s" % (sid_i, ext or "mp4"))
        return self.vod_file(user, "%s:%d" % (kind, sid_i), path)

    def redirect(self, prefix, tok, tail):
        loc = "http://%s:%d/%s/%s/%s" % (self.host_name(), self.st.token_port, prefix, tok, tail)
        self.send_bytes(302, b"", "text/html", {"Location": loc})

    def token_entry(self, prefix, tok, tail):
        v = self.st.use_token(tok)
        if v is None:
            return self.empty(403)
        self.flavor = "xui"
        if prefix == "sauth":
            if self.st.in_outage():
                return self.outage()
            c = self.st.channel(v["id"])
            if tail.endswith(".m3u8"):
                return self.live_hls(v["user"], c, tok)
            return self.live_ts(v["user"], c)
        return self.vod_file(v["user"], "%s:%d" % (v["kind"], v["id"]), v["path"])

    def outage(self):
        left = max(1, int(self.st.outage_until - time.time() + 0.999))
        self.send_bytes(503, b"Service Unavailable", "text/plain", {"Retry-After": str(left)})

    def remote(self):
        return "%s:%d" % self.client_address[:2]

    def live_ts(self, user, c, force_clip=None):
        st = self.st
        clip_key = force_clip or ("expired" if "expired_clip" in self.hits else c.media)
        clip = st.media.huge_clip() if clip_key == "huge" else st.media.clips[clip_key]
        burst = st.burst or "burst" in self.hits
        conn = st.register(user, c.id, "live", self.remote())
        try:
            self.send_response(200)
            self.send_header("Content-Type", "video/mp2t")
            self.send_header("Connection", "close")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.close_connection = True
            if self.method == "HEAD":
                return
            self.wfile.flush()

            def stop():
                return conn.kicked or st.stop.is_set()

            def wait(d):
                conn.event.wait(d)
                return stop()
            M.stream_live(clip, c.phase, self.out, stop, burst=burst, wait=wait)
        finally:
            st.unregister(conn)

    def hls_session(self, user, c, tok, clip_key):
        """Finds or creates the HLS session; returns the Conn, or None when kicked."""
        st = self.st
        remote_ip = self.client_address[0]
        with st.lock:
            st._expire_hls()
            for x in list(st.conns.values()):
                if x.kind != "hls" or x.user != user or x.stream != c.id:
                    continue
                if (tok and x.token == tok) or (not tok and x.remote == remote_ip and x.token_kind == "key"):
                    if x.kicked:
                        st.conns.pop(x.id, None)
                        st.recent.append(x)
                        return None
                    x.last_seen = time.time()
                    return x
        conn = st.register(user, c.id, "hls", remote_ip, token=tok or secrets.token_hex(8))
        conn.token_kind = "tok" if tok else "key"
        conn.clip = clip_key
        return conn

    def live_hls(self, user, c, tok, force_clip=None):
        st = self.st
        clip_key = force_clip or ("expired" if "expired_clip" in self.hits else c.media)
        conn = self.hls_session(user, c, tok, clip_key)
        if conn is None:
            return self.empty(403)
        clip = st.media.huge_clip() if conn.clip == "huge" else st.media.clips[conn.clip]
        sd = clip.seg_dur
        T = M.live_abs_time(c.phase)
        cur = int(T // sd) - 1
        first = cur - 4
        lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:%d" % max(2, round(sd + 0.49)),
                 "#EXT-X-MEDIA-SEQUENCE:%d" % first]
        for s in range(first, cur + 1):
            lines.append("#EXTINF:%.3f," % sd)
            lines.append("/hlsr/%s/%d/%d.ts" % (conn.token, c.id, s))
        self.send_bytes(200, ("\n".join(lines) + "\n").encode(), "application/vnd.apple.mpegurl",
                        {"Cache-Control": "no-cache"})

    def hls_segment(self, token, sid, seqname):
        st = self.st
        seq = _int(seqname.split(".")[0])
        with st.lock:
            conn = next((x for x in st.conns.values() if x.kind == "hls" and x.token == token), None)
        if conn is None or conn.kicked or seq is None:
            return self.empty(403)
        if st.in_outage():
            return self.outage()
        conn.last_seen = time.time()
        clip = st.media.huge_clip() if conn.clip == "huge" else st.media.clips[conn.clip]
        self.send_bytes(200, clip.segment(seq), "video/mp2t")

    def vod_file(self, user, label, path):
        st = self.st
        size = os.path.getsize(path)
        ctype = "video/mp4" if path.endswith(".mp4") else "video/x-matroska"
        rng = self.headers.get("Range")
        start, end, code = 0, size - 1, 200
        if rng:
            mt = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", rng)
            if mt and (mt.group(1) or mt.group(2)):
                a, b = mt.group(1), mt.group(2)
                if a == "":
                    n = int(b)
                    start, end = max(0, size - n), size - 1
                    if n == 0:
                        start = size
                else:
                    start = int(a)
                    end = min(int(b), size - 1) if b else size - 1
                if start >= size or start > end:
                    return self.send_bytes(416, b"", None, {"Content-Range": "bytes */%d" % size,
                                                             "Accept-Ranges": "bytes"})
                code = 206
        conn = st.register(user, label, "vod", self.remote())
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start + 1))
            if code == 206:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
            self.end_headers()
            if self.method == "HEAD":
                return
            with open(path, "rb") as f:
                f.seek(start)
                left = end - start + 1
                while left > 0:
                    if conn.kicked or st.stop.is_set():
                        self.close_connection = True
                        raise Abort()
                    b = f.read(min(65536, left))
                    if not b:
                        break
                    self.out(b)
                    left -= len(b)
        finally:
            st.unregister(conn)

    # ------------------------------------------------------------------ catch-up -------------
    def timeshift(self, user, pw, duration, start, sid, ext):
        st = self.st
        a, state = self.stream_auth(user, pw)
        if a is None:
            return
        if state != "ok":
            return self.nginx404() if self.flavor == "xui" else self.empty(403)
        c = st.chan.get(_int(sid))
        if c is None:
            return self.empty(404)
        if not c.archive_days:
            return self.empty(403)
        dur = _int(duration)
        mt = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[:_ T](\d{2})[-:](\d{2})", (start or "").strip())
        if not mt or dur is None or dur <= 0 or dur > 24 * 60:
            return self.empty(400)
        try:
            local = datetime.datetime(*[int(x) for x in mt.groups()], tzinfo=st.tz)
        except ValueError:
            return self.empty(400)
        t0 = int(local.timestamp())
        now = time.time()
        if t0 > now or t0 < now - c.archive_days * 86400:
            return self.empty(404)
        end = min(t0 + dur * 60, int(now // 60) * 60)
        n = max(1, (end - t0) // 60)
        minutes = [t0 + 60 * k for k in range(n)]
        loc = datetime.datetime.fromtimestamp(t0, st.tz)
        hdr = {"X-Qanat-Archive-Start": loc.isoformat(),
               "X-Qanat-Archive-Start-Utc": datetime.datetime.fromtimestamp(
                   t0, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "X-Qanat-Archive-Minutes": str(n)}
        if ext == "m3u8":
            tok = st.new_token(user=user, kind="archive", id=c.id)
            lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:60",
                     "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"]
            for k, m0 in enumerate(minutes):
                lines.append("#EXTINF:60.000,")
                lines.append("/tsseg/%s/%d/%d/%d.ts" % (tok, c.id, m0, k))
            lines.append("#EXT-X-ENDLIST")
            return self.send_bytes(200, ("\n".join(lines) + "\n").encode(),
                                   "application/vnd.apple.mpegurl", hdr)
        conn = st.register(user, c.id, "archive", self.remote())
        try:
            self.send_response(200)
            self.send_header("Content-Type", "video/mp2t")
            self.send_header("Connection", "close")
            for k, v in hdr.items():
                self.send_header(k, v)
            self.end_headers()
            self.close_connection = True
            if self.method == "HEAD":
                return
            ccs = {}
            nxt = None
            for k, m0 in enumerate(minutes):
                if conn.kicked or st.stop.is_set():
                    raise Abort()
                path = st.media.archive_minute(c.id, c.name or "", m0, st.tz)
                if k + 1 < len(minutes):
                    nxt = threading.Thread(target=self._prefetch, args=(c, minutes[k + 1]), daemon=True)
                    nxt.start()
                with open(path, "rb") as f:
                    data = f.read()
                off = k * 60 * 90000
                for i in range(0, len(data), 188 * 64):
                    if conn.kicked or st.stop.is_set():
                        raise Abort()
                    self.out(M.retime(data[i:i + 188 * 64], off, ccs))
        finally:
            st.unregister(conn)

    def _prefetch(self, c, m0):
        try:
            self.st.media.archive_minute(c.id, c.name or "", m0, self.st.tz)
        except Exception as e:  # noqa: BLE001
            M.log("archive prefetch failed: %s" % e)

    def archive_segment(self, tok, sid, m0, kname):
        st = self.st
        v = st.use_token(tok, ttl=3600)
        c = st.chan.get(_int(sid))
        if v is None or c is None or v["id"] != c.id:
            return self.empty(403)
        m0 = _int(m0)
        k = _int(kname.split(".")[0], 0)
        path = st.media.archive_minute(c.id, c.name or "", m0, st.tz)
        with open(path, "rb") as f:
            data = M.retime(f.read(), k * 60 * 90000)
        loc = datetime.datetime.fromtimestamp(m0, st.tz)
        self.send_bytes(200, data, "video/mp2t", {"X-Qanat-Archive-Start": loc.isoformat()})

    # ------------------------------------------------------------------ images ---------------
    def image(self, path):
        mt = re.fullmatch(r"/images/(logo|poster|cover|backdrop)/([a-z]?)(\d+)\.png", path)
        if not mt:
            return self.empty(404)
        kind, pre, num = mt.group(1), mt.group(2), int(mt.group(3))
        text = {"logo": "CH %d", "poster": "VOD %d", "cover": "%s%%d" % pre.upper(),
                "backdrop": "BD %d"}[kind] % num
        color = "0x%02x%02x%02x" % ((num * 53) % 200 + 30, (num * 97) % 200 + 30, (num * 31) % 200 + 30)
        p = self.st.media.image(kind, pre + str(num), text, color)
        with open(p, "rb") as f:
            self.send_bytes(200, f.read(), "image/png", {"Cache-Control": "max-age=86400"})

    # ------------------------------------------------------------------ operator API ---------
    def basic_user(self):
        h = self.headers.get("Authorization") or ""
        if not h.lower().startswith("basic "):
            return None, None
        try:
            u, _, p = base64.b64decode(h[6:].strip()).decode("utf-8").partition(":")
        except Exception:  # noqa: BLE001
            return None, None
        return u, self.st.accounts.check(u, p)

    def operator(self, method, path):
        st = self.st
        user, a = self.basic_user()
        if a is None:
            return self.api_json({"error": "unauthorized"}, 401,
                                 {"WWW-Authenticate": 'Basic realm="qanat-operator"'})
        if a["banned"]:
            return self.api_json({"error": "account_banned"}, 403)
        if method == "GET" and path == "/plans":
            return self.api_json(PLANS)
        if method == "GET" and path == "/messages":
            since = _int(self.q.get("since"))
            now = time.time()
            with st.lock:
                msgs = [m for m in st.messages
                        if (since is None or m["starts_at"] >= since)
                        and (m["ends_at"] is None or m["ends_at"] > now)]
            return self.api_json(msgs)
        if method == "POST" and path in ("/vouchers/redeem", "/support/tickets"):
            ik = self.headers.get("Idempotency-Key")
            if ik:
                with st.lock:
                    prev = st.idem.get((user, path, ik))
                if prev is not None:
                    return self.api_json(prev[1], prev[0], {"Idempotent-Replayed": "true"})
            try:
                req = json.loads(self.body.decode("utf-8") or "{}")
                if not isinstance(req, dict):
                    raise ValueError
            except ValueError:
                return self.api_json({"error": "bad_json"}, 400)
            code, obj, hdr = (self.redeem if path == "/vouchers/redeem" else self.ticket)(user, a, req)
            if ik and code < 500 and code != 429:
                with st.lock:
                    st.idem[(user, path, ik)] = (code, obj)
            return self.api_json(obj, code, hdr)
        return self.api_json({"error": "not_found"}, 404)

    def redeem(self, user, a, req):
        st = self.st
        code = str(req.get("code") or "").strip().upper()
        if code == "USED-1":
            return 409, {"error": "already_used"}, None
        if code == "EXPIRED-1":
            return 410, {"error": "code_expired"}, None
        if code == "RATE-1":
            return 429, {"error": "rate_limited"}, {"Retry-After": "3"}
        days = {"VALID-30": 30, "VALID-7": 7, "VALID-365": 365, "REUSABLE-1": 1}.get(code)
        if days is None:
            return 404, {"error": "unknown_code"}, None
        with st.lock:
            if code != "REUSABLE-1":
                if code in st.used_vouchers:
                    return 409, {"error": "already_used"}, None
                st.used_vouchers.add(code)
            if a["exp_date"] is not None:
                a["exp_date"] = int(max(time.time(), a["exp_date"]) + days * 86400)
            exp = a["exp_date"]
        M.log("voucher %s applied to %s: +%d days" % (code, user, days))
        return 200, {"status": "applied", "exp_date": exp, "days": days}, None

    def ticket(self, user, a, req):
        st = self.st
        diag = req.get("diagnostics", {})
        if len(json.dumps(diag, ensure_ascii=False).encode("utf-8")) > 65536:
            return 413, {"error": "diagnostics_too_large", "limit": 65536}, None
        if not str(req.get("message") or "").strip() and not req.get("category"):
            return 400, {"error": "empty_ticket"}, None
        with st.lock:
            tid = "T-%d" % (1001 + len(st.tickets))
            st.tickets.append(dict(ticket_id=tid, user=user, received_at=time.time(), request=req))
        return 201, {"ticket_id": tid, "eta_minutes": 30}, None

    def renew(self):
        user = self.q.get("u", "")
        a = self.st.accounts.users.get(user)
        e = html.escape
        if a is None:
            return self.send_bytes(404, b"<!DOCTYPE html><html><body><h1>Unknown account</h1></body></html>",
                                   "text/html; charset=utf-8")
        exp = "never" if a["exp_date"] is None else datetime.datetime.fromtimestamp(
            a["exp_date"], self.st.tz).strftime("%Y-%m-%d %H:%M")
        rows = "".join("<li>%s - %s %s / %d days</li>" % (e(p["name"]), p["price"], p["currency"],
                                                         p["period_days"]) for p in PLANS)
        page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Renew %s</title></head><body>"
                "<h1>Renew your subscription</h1><p>Account: <b>%s</b> (%s), expires %s</p><ul>%s</ul>"
                "<form method='post' action='/api/v1/vouchers/redeem'><input name='code'>"
                "<button>Redeem</button></form></body></html>" % (
                    e(user), e(user), e(self.st.accounts.status(a)), e(exp), rows))
        self.send_bytes(200, page.encode("utf-8"), "text/html; charset=utf-8")

    # ------------------------------------------------------------------ beacon sink ----------
    def beacon(self, method):
        st = self.st
        if method != "POST":
            return self.api_json({"error": "method_not_allowed"}, 405, {"Allow": "POST"})
        ct = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self.body
        hdrs = {k: v for k, v in self.headers.items()}
        if ct == "application/cmcd":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return self.api_json({"error": "not_utf8"}, 400)
            if not text:
                return self.api_json({"error": "empty_body"}, 400)
            if st.strict_cmcd and text.endswith("\n"):
                return self.api_json({"error": "trailing_lf", "detail": "body must not end with LF"}, 400)
            records = [r for r in text.split("\n")]
            if st.strict_cmcd and any(r == "" for r in records):
                return self.api_json({"error": "empty_record"}, 400)
            entry = dict(received_at=time.time(), content_type=ct, records=records, headers=hdrs)
        elif ct == "application/json":
            try:
                obj = json.loads(body.decode("utf-8"))
            except ValueError:
                return self.api_json({"error": "bad_json"}, 400)
            records = obj.get("events") if isinstance(obj, dict) else obj
            if not isinstance(records, list):
                return self.api_json({"error": "no_events"}, 400)
            entry = dict(received_at=time.time(), content_type=ct, records=records, headers=hdrs,
                         envelope={k: v for k, v in obj.items() if k != "events"}
                         if isinstance(obj, dict) else None)
        else:
            return self.api_json({"error": "unsupported_media_type"}, 415)
        with st.lock:
            st.beacons.append(entry)
        self.send_bytes(204, b"", None)

    # ------------------------------------------------------------------ control --------------
    def control(self, method, path):
        st = self.st
        parts = path.split("/")[2:]
        what = parts[0] if parts else ""
        if what == "faults":
            if method == "GET":
                with st.lock:
                    return self.api_json(st.faults)
            if method == "POST":
                try:
                    f = json.loads(self.body.decode("utf-8") or "{}")
                    fs = f if isinstance(f, list) else [f]
                    added = [st.add_fault(x) for x in fs]
                except (ValueError, re.error) as e:
                    return self.api_json({"error": str(e)}, 400)
                return self.api_json(added if isinstance(f, list) else added[0], 201)
            if method == "DELETE":
                with st.lock:
                    if len(parts) > 1 and parts[1]:
                        st.faults[:] = [x for x in st.faults if str(x["id"]) != parts[1]]
                    else:
                        st.faults.clear()
                        st.outage_until = 0.0
                return self.api_json({"ok": True})
        if what == "scenario" and method == "POST":
            try:
                st.load_scenario(json.loads(self.body.decode() or "{}").get("name", ""))
            except ValueError as e:
                return self.api_json({"error": str(e)}, 400)
            return self.api_json({"ok": True})
        if what == "connections" and method == "POST":
            # another device of that user starts watching: {"user", "stream"?} (a phantom
            # connection, counted in active_cons until a newer one kicks it as the oldest)
            try:
                req = json.loads(self.body.decode("utf-8") or "{}")
            except ValueError:
                return self.api_json({"error": "bad_json"}, 400)
            if req.get("user") not in st.accounts.users:
                return self.api_json({"error": "unknown_user"}, 404)
            c = st.register(req["user"], int(req.get("stream", 1)), "device", "198.51.100.7:4711")
            return self.api_json(c.as_json(), 201)
        if what == "connections" and method == "GET":
            with st.lock:
                st._expire_hls()
                act = [c.as_json() for c in sorted(st.conns.values(), key=lambda x: x.started)]
                rec = [c.as_json() for c in st.recent]
            return self.api_json({"active": act, "recent": rec})
        if what == "requests":
            with st.lock:
                if method == "DELETE":
                    st.requests.clear()
                    return self.api_json({"ok": True})
                return self.api_json(list(st.requests))
        if what == "beacons":
            with st.lock:
                if method == "DELETE":
                    st.beacons.clear()
                    return self.api_json({"ok": True})
                return self.api_json(list(st.beacons))
        if what == "tickets" and method == "GET":
            with st.lock:
                return self.api_json(list(st.tickets))
        if what == "messages" and method == "POST":
            try:
                m = json.loads(self.body.decode("utf-8"))
            except ValueError:
                return self.api_json({"error": "bad_json"}, 400)
            with st.lock:
                m.setdefault("id", "m%d" % (len(st.messages) + 1))
                m.setdefault("severity", "info")
                m.setdefault("starts_at", int(time.time()))
                m.setdefault("ends_at", None)
                st.messages.append(m)
            return self.api_json(m, 201)
        if what == "accounts":
            with st.lock:
                if method == "GET":
                    return self.api_json({u: dict(a, password="***", status=st.accounts.status(a))
                                          for u, a in st.accounts.users.items()})
                if method == "POST" and len(parts) > 1 and parts[1] in st.accounts.users:
                    try:
                        patch = json.loads(self.body.decode("utf-8"))
                    except ValueError:
                        return self.api_json({"error": "bad_json"}, 400)
                    a = st.accounts.users[parts[1]]
                    for k in ("exp_date", "banned", "disabled", "max_connections", "is_trial",
                              "flavor", "message"):
                        if k in patch:
                            a[k] = patch[k]
                    status = st.accounts.status(a)
                    if status != "Active":
                        # as XUI's cron does: the streams of a line no longer active are closed
                        for c in st.conns.values():
                            if c.user == parts[1] and not c.kicked:
                                c.kicked = True
                                c.event.set()
                    return self.api_json({"ok": True, "status": status})
        if what == "state" and method == "GET":
            return self.api_json(dict(flavor=st.flavor, tz=str(st.tz), port=st.port,
                                      token_port=st.token_port, strict_cmcd=st.strict_cmcd,
                                      media_dir=st.media.dir, started=st.started, burst=st.burst,
                                      drips=st.drips, tls_port=st.tls_port,
                                      tls_connections=st.tls_connections,
                                      tls_handshake_failures=st.tls_handshake_failures,
                                      outage_left=round(max(0.0, st.outage_until - time.time()), 3),
                                      scenarios=sorted(SCENARIOS)))
        return self.api_json({"error": "unknown control endpoint"}, 404)


PLANS = [
    {"id": "monthly", "name": "Monthly", "price": "29.00", "currency": "SAR", "period_days": 30,
     "max_connections": 1, "description": "One screen, 30 days"},
    {"id": "family", "name": "Family", "price": "59.00", "currency": "SAR", "period_days": 30,
     "max_connections": 3, "description": "Three screens, 30 days"},
    {"id": "yearly", "name": "Yearly", "price": "249.00", "currency": "SAR", "period_days": 365,
     "max_connections": 2, "description": "Two screens, one year"},
]


def main(argv=None):
    ap = argparse.ArgumentParser(prog="tests/panel/run", description="Qanat local Xtream test panel")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--flavor", choices=("xc2", "xui"), default="xc2")
    ap.add_argument("--tz", default=DEFAULT_TZ)
    ap.add_argument("--scenario", default="none", help="comma-separated: " + ", ".join(sorted(SCENARIOS)))
    ap.add_argument("--token-port", type=int, default=0, help="port of the xui token server (0: free)")
    ap.add_argument("--strict-cmcd", dest="strict_cmcd", action="store_true", default=True)
    ap.add_argument("--no-strict-cmcd", dest="strict_cmcd", action="store_false")
    ap.add_argument("--generate-only", action="store_true", help="generate the media cache and exit")
    ap.add_argument("--tls-port", type=int, default=None, help="also serve the same panel over TLS here")
    ap.add_argument("--tls-cert", help="PEM certificate (chain) for --tls-port")
    ap.add_argument("--tls-key", help="PEM private key for --tls-port")
    args = ap.parse_args(argv)
    tls = None
    if args.tls_port is not None:
        if not args.tls_cert or not args.tls_key:
            ap.error("--tls-port needs --tls-cert and --tls-key")
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            tls.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as e:
            ap.error("cannot load the TLS certificate or key: %s" % e)
    try:
        ZoneInfo(args.tz)
    except Exception:  # noqa: BLE001
        ap.error("unknown time zone %r" % args.tz)
    t0 = time.time()
    mdir = M.ensure_media()
    if args.generate_only:
        M.log("media ready in %s" % mdir)
        return 0
    media = M.Media(mdir)
    st = State(args, media)
    try:
        st.load_scenario(args.scenario if args.scenario != "none" else "")
    except ValueError as e:
        ap.error(str(e))
    if "burst" in args.scenario.split(","):
        st.burst = True
    main_srv = Server((args.host, args.port), Handler, st, "main")
    tok_srv = Server((args.host, args.token_port), Handler, st, "token")
    st.port = main_srv.server_address[1]
    st.token_port = tok_srv.server_address[1]
    servers = [main_srv, tok_srv]
    if tls is not None:
        tls_srv = Server((args.host, args.tls_port), Handler, st, "tls", tls)
        st.tls_port = tls_srv.server_address[1]
        servers.append(tls_srv)
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
               for s in servers]
    for t in threads:
        t.start()

    def on_signal(signum, frame):
        st.stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    M.log("serving flavor=%s tz=%s on http://%s:%d (token port %d, TLS port %s, scenario %s) after %.2f s" % (
        st.flavor, st.tz, args.host, st.port, st.token_port, st.tls_port, args.scenario, time.time() - t0))
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while not st.stop.wait(0.5):
        pass
    M.log("stopping")
    with st.lock:
        for c in st.conns.values():
            c.event.set()
    for s in servers:
        s.shutdown()
        s.server_close()
    return 0
