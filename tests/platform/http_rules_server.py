#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Small HTTP/HTTPS server for the plat_http rule tests (test_http_rules.c): the shapes a hostile or
broken server sends that the local panel does not (a redirect loop, a scheme-changing redirect, a
gzip bomb, an oversized body), on loopback.

usage: http_rules_server.py --port P [--tls-port Q --tls-cert FILE --tls-key FILE]
Prints "ready" on stdout once every port serves.

Paths:
  /ok                       200 "ok"
  /login, /player_api.php   200 a player_api login answer (an active account)
  /loop                     302 to /loop, forever
  /hop/N                    302 to /hop/N-1, /hop/0 answers 200 "ok"
  /to-http                  302 to http://127.0.0.1:P/ok   (served on both ports)
  /big?n=BYTES              200 with BYTES bytes, Content-Length
  /big-chunked?n=BYTES      200 with BYTES bytes, chunked (no Content-Length)
  /bomb?size=BYTES          200, Content-Encoding: gzip, a body that inflates to BYTES zeros
  /retry?after=VALUE        503 with Retry-After: VALUE
"""
import argparse
import http.server
import socketserver
import ssl
import sys
import threading
import urllib.parse
import zlib


LOGIN = (b'{"user_info":{"username":"demo","password":"demo","message":"","auth":1,"status":"Active",'
         b'"exp_date":"1999999999","is_trial":"0","active_cons":"0","created_at":"1700000000",'
         b'"max_connections":"1","allowed_output_formats":["m3u8","ts"]},"server_info":{"url":"127.0.0.1",'
         b'"port":"80","https_port":"443","server_protocol":"https","timezone":"UTC",'
         b'"timestamp_now":1700000000,"time_now":"2023-11-14 22:13:20"}}')


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    plain_port = 0

    def log_message(self, fmt, *args):
        pass

    def send_simple(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location):
        self.send_simple(302, b"moved", {"Location": location})

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        self.send_simple(200, body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        path = url.path
        try:
            if path == "/ok":
                self.send_simple(200, b"ok", {"Content-Type": "text/plain"})
            elif path == "/player_api.php":
                self.send_simple(200, LOGIN, {"Content-Type": "application/json"})
            elif path == "/login":
                self.send_simple(200, b'{"user_info":{"auth":1,"status":"Active"},"server_info":{}}',
                                 {"Content-Type": "application/json"})
            elif path == "/loop":
                self.redirect("/loop")
            elif path.startswith("/hop/"):
                n = int(path[5:])
                if n <= 0:
                    self.send_simple(200, b"ok")
                else:
                    self.redirect("/hop/%d" % (n - 1))
            elif path == "/to-http":
                self.redirect("http://127.0.0.1:%d/ok" % Handler.plain_port)
            elif path == "/big":
                n = int(q.get("n", ["0"])[0])
                self.send_response(200)
                self.send_header("Content-Length", str(n))
                self.end_headers()
                self.send_bytes(n)
            elif path == "/big-chunked":
                n = int(q.get("n", ["0"])[0])
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.send_bytes(n, chunked=True)
            elif path == "/bomb":
                self.send_bomb(int(q.get("size", [str(4 << 30)])[0]))
            elif path == "/retry":
                self.send_simple(503, b"busy", {"Retry-After": q.get("after", ["2"])[0]})
            else:
                self.send_simple(404, b"not here")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def send_bytes(self, n, chunked=False):
        block = b"x" * 65536
        while n > 0:
            part = block[: min(n, len(block))]
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            else:
                self.wfile.write(part)
            n -= len(part)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def send_bomb(self, size):
        # gzip made while sending: a client that stops reading ends it (BrokenPipe)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = b"\0" * (1 << 20)
        left = size
        while left > 0:
            part = zeros if left >= len(zeros) else zeros[:left]
            left -= len(part)
            data = comp.compress(part)
            if data:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        data = comp.flush()
        self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that stop reading (the point of most paths here) are not errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls-port", type=int, default=0)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    a = ap.parse_args()
    Handler.plain_port = a.port
    servers = [Server(("127.0.0.1", a.port), Handler)]
    if a.tls_port:
        tls = Server(("127.0.0.1", a.tls_port), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        servers.append(tls)
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    # one write: with PYTHONUNBUFFERED print() writes "ready" and "\n" apart, and a test that has
    # read "ready" and closed the pipe would kill this server on the newline (EPIPE)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
