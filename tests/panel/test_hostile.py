"""The hostile shapes of issue 14 ("Trust"): raw bytes, gzip bombs, HLS self loops, redirect loops,
TLS, the 16000x16000 stream 9016, stale and broken guides, and outages."""

import base64
import gzip
import http.client
import os
import shutil
import ssl
import tempfile
import time
import unittest
import zlib

from paneltest import Panel, ffprobe, free_port, read_for
from qpanel.pki import make_pki

P = None
PKI = None


def setUpModule():
    global P, PKI
    PKI = make_pki(tempfile.mkdtemp(prefix="qanat-pki-"))
    P = Panel("--tls-port", str(free_port()), "--tls-cert", os.path.join(PKI, "server.pem"),
              "--tls-key", os.path.join(PKI, "server.key"))


def tearDownModule():
    assert P.stop() == 0
    shutil.rmtree(PKI, ignore_errors=True)


def https(path, cafile=None, timeout=10):
    ctx = ssl.create_default_context(cafile=cafile) if cafile else ssl.create_default_context()
    c = http.client.HTTPSConnection("127.0.0.1", P.state["tls_port"], context=ctx, timeout=timeout)
    c.request("GET", path)
    r = c.getresponse()
    return c, r


class Bytes(unittest.TestCase):
    def tearDown(self):
        P.clear_faults()

    def test_status_body_b64_raw_bytes(self):
        raw = b'[{"name":"\xff\xfe\x00 nul","stream_id":1}]'
        P.add_fault(match=r"action=get_live_streams", kind="status", status=200,
                    body_b64=base64.b64encode(raw).decode(), content_type="application/json")
        r = P.api("demo", "demo", action="get_live_streams")
        self.assertEqual((r.status, r.body), (200, raw))
        self.assertEqual(P.request("/_control/faults", "POST", {"match": "x", "kind": "status",
                                                                 "body_b64": "!!"}).status, 400)


class GzipBomb(unittest.TestCase):
    def tearDown(self):
        P.clear_faults()

    def test_small_bomb_inflates_to_size_with_prefix(self):
        size = (3 << 20) + 12345
        P.add_fault(match=r"action=get_live_streams", kind="gzip_bomb", size=size, prefix="[")
        r = P.api("demo", "demo", action="get_live_streams")
        self.assertEqual(r.header("Content-Encoding"), "gzip")
        self.assertEqual(r.header("Transfer-Encoding"), "chunked")
        self.assertLess(len(r.body), size // 500, "a bomb: ratio beyond 500:1")
        data = gzip.decompress(r.body)  # checks the CRC and ISIZE trailer too
        self.assertEqual(len(data), size)
        self.assertEqual(data[:1], b"[")
        self.assertEqual(data[1:].strip(b" "), b"")

    def test_default_4gib_without_header_streams_and_lets_go(self):
        P.add_fault(glob="/xmltv.php", kind="gzip_bomb", header=False, fill="zero",
                    prefix='<?xml version="1.0"?><tv>')
        c, r = P.open_stream("/xmltv.php?username=demo&password=demo", timeout=5)
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.getheader("Content-Encoding"), "magic only, like xmltv.php?gzip=1")
        self.assertEqual(r.getheader("Content-Type"), "application/xml")
        body = r.read1(1 << 20)
        while len(body) < (2 << 20):
            body += r.read1(1 << 20)
        self.assertEqual(body[:2], b"\x1f\x8b")
        d = zlib.decompressobj(31)
        out = d.decompress(body, 1 << 30)
        self.assertTrue(out.startswith(b'<?xml version="1.0"?><tv>\x00\x00'))
        self.assertEqual(len(out), 1 << 30, "2 MiB inflate to more than 1 GiB")
        self.assertTrue(d.unconsumed_tail)
        del out
        c.close()
        # the panel is still answering (the bomb is made on the fly, never held)
        self.assertEqual(P.api("demo", "demo").status, 200)


class Loops(unittest.TestCase):
    def tearDown(self):
        P.clear_faults()

    def test_hls_self_loop(self):
        P.add_fault(match=r"\.m3u8", kind="hls_loop")
        r = P.get("/live/demo/demo/1.m3u8")
        text = r.body.decode()
        self.assertIn("#EXT-X-STREAM-INF", text)
        self.assertEqual(text.strip().splitlines()[-1], "%s/live/demo/demo/1.m3u8" % P.base)

    def test_hls_chain_of_masters_ends_in_media(self):
        P.add_fault(match=r"\.m3u8", kind="hls_loop", depth=3)
        path, masters = "/live/demo/demo/2.m3u8", 0
        while True:
            text = P.get(path).body.decode()
            if "#EXT-X-STREAM-INF" not in text:
                break
            masters += 1
            self.assertLess(masters, 10)
            path = text.strip().splitlines()[-1][len(P.base):]
        self.assertEqual(masters, 3)
        self.assertIn("#EXT-X-TARGETDURATION", text)

    def test_redirect_loop_and_redirect(self):
        P.add_fault(match=r"^/player_api\.php", kind="redirect_loop")
        path = "/player_api.php?username=demo&password=demo"
        for _ in range(3):
            r = P.get(path)
            self.assertEqual(r.status, 302)
            self.assertEqual(r.header("Location"), P.base + path)
        P.clear_faults()
        P.add_fault(match=r"^/player_api\.php", kind="redirect", location="ftp://127.0.0.1/x", status=301)
        r = P.get(path)
        self.assertEqual((r.status, r.header("Location")), (301, "ftp://127.0.0.1/x"))


class Tls(unittest.TestCase):
    def tearDown(self):
        P.clear_faults()

    def test_same_panel_over_tls_with_the_ca(self):
        c, r = https("/player_api.php?username=demo&password=demo", os.path.join(PKI, "ca.pem"))
        self.assertEqual(r.status, 200)
        self.assertIn(b'"auth":1', r.read())
        c.close()
        reqs = P.get("/_control/requests").json()
        self.assertEqual(reqs[-1]["port"], "tls")
        self.assertEqual(reqs[-1]["target"], "/player_api.php?username=*&password=*")
        P.add_fault(match=r"\.m3u8", kind="hls_loop")
        c, r = https("/live/demo/demo/1.m3u8", os.path.join(PKI, "ca.pem"))
        self.assertEqual(r.read().decode().strip().splitlines()[-1],
                         "https://127.0.0.1:%d/live/demo/demo/1.m3u8" % P.state["tls_port"])
        c.close()

    def test_without_the_ca_the_handshake_fails_before_any_request(self):
        P.request("/_control/requests", "DELETE")
        st0 = P.get("/_control/state").json()
        before = st0["tls_handshake_failures"]
        with self.assertRaises(ssl.SSLCertVerificationError):
            https("/live/demo/demo/1.ts")
        deadline = time.time() + 3
        while P.get("/_control/state").json()["tls_handshake_failures"] == before and time.time() < deadline:
            time.sleep(0.05)
        st1 = P.get("/_control/state").json()
        self.assertEqual(st1["tls_handshake_failures"], before + 1)
        self.assertEqual(st1["tls_connections"], st0["tls_connections"] + 1)
        self.assertEqual(P.get("/_control/requests").json(), [], "no request reached the panel")

    def test_faults_apply_on_the_tls_port(self):
        P.add_fault(match=r"^/player_api\.php", kind="redirect", port="tls",
                    location=P.base + "/player_api.php?username=demo&password=demo")
        c, r = https("/player_api.php?username=demo&password=demo", os.path.join(PKI, "ca.pem"))
        self.assertEqual(r.status, 302)
        self.assertTrue(r.getheader("Location").startswith("http://127.0.0.1:"))
        c.close()
        self.assertEqual(P.api("demo", "demo").status, 200, "port=tls spares the main port")


class HugeStream(unittest.TestCase):
    def test_9016_is_16000x16000_and_only_by_url(self):
        ids = {s["stream_id"] for s in P.api("demo", "demo", action="get_live_streams").json()}
        self.assertNotIn(9016, ids)
        c, r = P.open_stream("/live/demo/demo/9016.ts", timeout=120)  # first use: ~15 s of ffmpeg
        self.assertEqual(r.status, 200)
        data, _ = read_for(r, 3.0)
        c.close()
        with tempfile.NamedTemporaryFile(suffix=".ts") as f:
            f.write(data)
            f.flush()
            st = ffprobe(f.name, "-show_streams")["streams"][0]
        self.assertEqual((st["codec_name"], st["width"], st["height"]), ("h264", 16000, 16000))


class Guide(unittest.TestCase):
    def tearDown(self):
        P.clear_faults()

    def first_start(self, body):
        i = body.index(b'<programme start="') + len(b'<programme start="')
        return int(body[i:i + 8].decode())

    def test_xmltv_shift_makes_a_stale_guide(self):
        import datetime
        normal = self.first_start(P.get("/xmltv.php?username=demo&password=demo").body)
        P.add_fault(glob="/xmltv.php", kind="xmltv_shift", days=-30)
        r = P.get("/xmltv.php?username=demo&password=demo&gzip=1")
        stale = self.first_start(gzip.decompress(r.body))
        d = lambda v: datetime.date(v // 10000, v // 100 % 100, v % 100)  # noqa: E731
        self.assertEqual((d(normal) - d(stale)).days, 30)

    def test_xmltv_bad_bytes_in_titles(self):
        P.add_fault(glob="/xmltv.php", kind="xmltv_bad_bytes")
        body = P.get("/xmltv.php?username=demo&password=demo").body
        with self.assertRaises(UnicodeDecodeError):
            body.decode("utf-8")
        self.assertIn(b"\xff\xc3\x28\xe2\x82", body)
        clean = body.replace(b"\xff\xc3\x28\xe2\x82", b"")
        clean.decode("utf-8")  # only the titles were spoiled
        self.assertEqual(clean.count(b"<programme"), body.count(b"<programme"))


class Outage(unittest.TestCase):
    def tearDown(self):
        P.clear_faults()

    def test_outage_drops_refuses_then_recovers(self):
        c, r = P.open_stream("/live/demo/demo/3.ts", timeout=5)
        self.assertEqual(r.status, 200)
        read_for(r, 1.0)
        f = P.add_fault(kind="outage", seconds=3)
        self.assertIn("until", f)
        t0 = time.time()
        data, closed = read_for(r, 3.0)
        self.assertTrue(closed, "the live connection is dropped")
        self.assertLess(time.time() - t0, 2.0)
        c.close()
        c2, r2 = P.open_stream("/live/demo/demo/3.ts", timeout=5)  # a 200 here would never end
        self.assertEqual(r2.status, 503)
        self.assertIsNotNone(r2.getheader("Retry-After"))
        c2.close()
        self.assertEqual(P.get("/live/demo/demo/3.m3u8").status, 503)
        time.sleep(max(0, t0 + 3.2 - time.time()))
        c, r = P.open_stream("/live/demo/demo/3.ts", timeout=5)
        self.assertEqual(r.status, 200)
        data, closed = read_for(r, 1.0)
        self.assertFalse(closed)
        self.assertGreater(len(data), 10000)
        c.close()


if __name__ == "__main__":
    unittest.main()
