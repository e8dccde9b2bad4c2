#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A hostile stream server for the player's limit tests (tests/player/test_player_limits.c), Python
standard library only, for the shapes the local panel does not make. It counts every request it
answers, so a test can tell how hard the player hit it, and serves:
  /wide.m3u8       an HLS master with 2000 variants, each a one-segment media playlist /wide/I.m3u8
                   whose segment is /seg.ts (from --dir): thousands of requests if nothing caps them
  /paced/NAME      the file NAME from --dir sent in a loop at 64 kB/s, never ending (a live stream)
  /NAME            the file NAME from --dir
  /_count          {"requests": N, "paths": {path: count}} (not counted itself)
Prints "ready PORT" once it listens.
Usage: hostile_http.py --port PORT --dir DIR
"""
import argparse
import http.server
import json
import os
import sys
import threading
import time

LOCK = threading.Lock()
COUNTS = {}


def count(path):
    with LOCK:
        COUNTS[path] = COUNTS.get(path, 0) + 1


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    media_dir = "."

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def playlist(self, text):
        self.answer(200, text.encode(), "application/vnd.apple.mpegurl")

    def paced(self, full):
        if not os.path.isfile(full):
            self.answer(404, b"not found", "text/plain")
            return
        with open(full, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "video/mp2t")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = 6400  # 64 kB/s in tenths of a second
        try:
            while True:
                for i in range(0, len(data), chunk):
                    self.wfile.write(data[i:i + chunk])
                    self.wfile.flush()
                    time.sleep(0.1)
        except OSError:
            pass
        self.close_connection = True

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/_count":
            with LOCK:
                body = json.dumps({"requests": sum(COUNTS.values()), "paths": COUNTS}).encode()
            self.answer(200, body, "application/json")
            return
        count(path)
        if path.startswith("/paced/"):
            self.paced(os.path.join(self.media_dir, os.path.basename(path)))
        elif path == "/wide.m3u8":
            lines = ["#EXTM3U"]
            for i in range(2000):
                lines.append("#EXT-X-STREAM-INF:BANDWIDTH=%d" % (100000 + i))
                lines.append("wide/%d.m3u8" % i)
            self.playlist("\n".join(lines) + "\n")
        elif path.startswith("/wide/"):
            self.playlist("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
                          "#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\n/seg.ts\n#EXT-X-ENDLIST\n")
        else:
            name = os.path.basename(path)
            full = os.path.join(self.media_dir, name)
            if not name or not os.path.isfile(full):
                self.answer(404, b"not found", "text/plain")
                return
            with open(full, "rb") as f:
                self.answer(200, f.read(), "video/mp2t")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that leaves mid-body is what these tests are about


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    Handler.media_dir = a.dir
    srv = Server(("127.0.0.1", a.port), Handler)
    print("ready %d" % a.port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
