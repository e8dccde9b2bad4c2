"""Helpers for the panel's own tests: start tests/panel/run on a free port, talk HTTP to it."""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "run")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Panel:
    def __init__(self, *args, timeout=300):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="panel-", suffix=".log", delete=False)
        cmd = [sys.executable, RUN, "--port", str(self.port)] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True)
        box = []
        t = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(timeout)
        if not box or box[0].strip() != "ready":
            self.proc.kill()
            raise RuntimeError("panel did not start: %r\n%s" % (box, self.logtext()[-3000:]))
        self.base = "http://127.0.0.1:%d" % self.port
        self.state = self.get("/_control/state").json()
        self.token_port = self.state["token_port"]

    def logtext(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        self.proc.stdout.close()
        self.log.close()
        return rc

    def request(self, path, method="GET", body=None, headers=None, port=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout)
        h = {"User-Agent": "qanat-panel-test/1"}
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return Resp(r.status, r.getheaders(), data)

    def get(self, path, **kw):
        return self.request(path, **kw)

    def api(self, user, pw, **params):
        q = dict(username=user, password=pw)
        q.update(params)
        return self.get("/player_api.php?" + urlencode(q))

    def follow(self, path, headers=None):
        """GET following redirects (to other ports too)."""
        r = self.get(path, headers=headers)
        n = 0
        while r.status in (301, 302) and n < 3:
            u = urlsplit(r.header("Location"))
            r = self.request(u.path + ("?" + u.query if u.query else ""), headers=headers, port=u.port)
            n += 1
        return r

    def open_stream(self, path, port=None, headers=None, timeout=15):
        """Opens a streaming GET; returns (connection, response) with the body unread."""
        c = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout)
        h = {"User-Agent": "qanat-panel-test/1"}
        h.update(headers or {})
        c.request("GET", path, headers=h)
        return c, c.getresponse()

    def add_fault(self, **f):
        r = self.request("/_control/faults", "POST", f)
        assert r.status == 201, r.body
        return r.json()

    def clear_faults(self):
        self.request("/_control/faults", "DELETE")


def read_for(resp, seconds, limit=50_000_000):
    """Reads a streaming body for about `seconds`; returns (bytes, closed_by_server)."""
    buf = bytearray()
    end = time.time() + seconds
    while time.time() < end and len(buf) < limit:
        try:
            b = resp.read1(65536)
        except (socket.timeout, TimeoutError):
            continue
        except (ConnectionError, http.client.IncompleteRead):
            return bytes(buf), True
        if not b:
            return bytes(buf), True
        buf += b
    return bytes(buf), False


def ffprobe(path_or_url, *args):
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json"] + list(args) + [path_or_url],
                         capture_output=True, timeout=120)
    return json.loads(out.stdout.decode() or "{}")
