"""Faults switched at run time through /_control/faults, and start-time scenarios."""

import http.client
import json
import time
import unittest

from paneltest import Panel, read_for

P = None


def setUpModule():
    global P
    P = Panel()


def tearDownModule():
    assert P.stop() == 0


class Faults(unittest.TestCase):
    def tearDown(self):
        P.clear_faults()

    def test_latency(self):
        P.add_fault(match=r"action=get_live_categories", kind="latency", ms=700)
        t0 = time.time()
        r = P.api("demo", "demo", action="get_live_categories")
        self.assertGreaterEqual(time.time() - t0, 0.65)
        self.assertEqual(r.status, 200)

    def test_status_with_count(self):
        P.add_fault(match=r"^/player_api\.php", kind="status", status=503, count=2, body="busy")
        self.assertEqual(P.api("demo", "demo").status, 503)
        self.assertEqual(P.api("demo", "demo").body, b"busy")
        self.assertEqual(P.api("demo", "demo").status, 200)
        self.assertEqual(P.get("/_control/faults").json(), [])

    def test_glob_and_delete_one(self):
        f = P.add_fault(glob="/xmltv.php", kind="status", status=403)
        self.assertEqual(P.get("/xmltv.php?username=demo&password=demo").status, 403)
        P.request("/_control/faults/%d" % f["id"], "DELETE")
        self.assertEqual(P.get("/xmltv.php?username=demo&password=demo").status, 200)

    def test_truncate_and_html(self):
        P.add_fault(match=r"action=get_live_streams", kind="truncate", bytes=1000)
        r = P.api("demo", "demo", action="get_live_streams")
        self.assertEqual(len(r.body), 1000)
        with self.assertRaises(ValueError):
            json.loads(r.body)
        P.clear_faults()
        P.add_fault(match=r"^/player_api\.php", kind="html")
        r = P.api("demo", "demo")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.startswith(b"<!DOCTYPE html>"))

    def test_stall_after(self):
        P.add_fault(match=r"^/live/demo/demo/4\.ts$", kind="stall_after", bytes=50000, seconds=3)
        t0 = time.time()
        c, r = P.open_stream("/live/demo/demo/4.ts", timeout=10)
        data, closed = read_for(r, 8.0)
        self.assertTrue(closed)
        self.assertEqual(len(data), 50000)
        self.assertGreater(time.time() - t0, 2.8, "held for the stall seconds, then closed")
        c.close()

    def test_drop_after(self):
        P.add_fault(match=r"^/movie/", kind="drop_after", bytes=10000)
        c, r = P.open_stream("/movie/demo/demo/1001.mp4")
        self.assertEqual(r.status, 200)
        with self.assertRaises(http.client.IncompleteRead):
            r.read()
        c.close()

    def test_trickle(self):
        P.add_fault(match=r"action=get_series_categories", kind="trickle", rate=400)
        t0 = time.time()
        r = P.api("demo", "demo", action="get_series_categories")
        self.assertGreater(time.time() - t0, len(r.body) / 400.0 * 0.7)
        self.assertEqual(len(r.json()), 3)

    def test_drip(self):
        """Drip: a 200 that starts like the real list, then a few bytes a second, never ending; the
        panel lets go as soon as the client does."""
        P.add_fault(match=r"action=get_live_streams", kind="drip", rate=5)
        c, r = P.open_stream("/player_api.php?username=demo&password=demo&action=get_live_streams",
                             timeout=1)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Type"), "application/json")
        self.assertEqual(r.getheader("Transfer-Encoding"), "chunked")
        t0 = time.time()
        data, closed = read_for(r, 2.0)
        self.assertFalse(closed, "a drip never ends by itself")
        self.assertTrue(data.startswith(b'[{"num":1,"name":"Drip '), data[:40])
        body = len(data) - len(b'[{"num":1,"name":"Drip ')
        self.assertGreaterEqual(body, 3, "a few bytes a second (5/s for %.1f s)" % (time.time() - t0))
        self.assertLessEqual(body, 16)
        self.assertEqual(P.get("/_control/state").json()["drips"], 1)
        c.close()
        deadline = time.time() + 3
        while P.get("/_control/state").json()["drips"] and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(P.get("/_control/state").json()["drips"], 0, "released when the client left")

    def test_drip_xmltv_and_seconds(self):
        P.add_fault(glob="/xmltv.php", kind="drip", rate=20, seconds=1)
        c, r = P.open_stream("/xmltv.php?username=demo&password=demo", timeout=1)
        self.assertEqual(r.status, 200)
        data, closed = read_for(r, 4.0)
        self.assertTrue(closed, "seconds=1 closes the connection without ending the document")
        self.assertTrue(data.startswith(b'<?xml version="1.0"'))
        self.assertNotIn(b"</tv>", data)
        c.close()

    def test_drip_stops_with_the_panel(self):
        q = Panel("--scenario", "drip")
        c, r = q.open_stream("/player_api.php?username=demo&password=demo&action=get_live_streams",
                             timeout=1)
        self.assertEqual(r.status, 200)
        read_for(r, 0.5)
        t0 = time.time()
        self.assertEqual(q.stop(), 0)
        self.assertLess(time.time() - t0, 3.0, "SIGTERM ends a dripping response at once")
        c.close()

    def test_expired_clip(self):
        P.add_fault(match=r"^/live/", kind="expired_clip")
        c, r = P.open_stream("/live/demo/demo/6.ts")
        self.assertEqual(r.status, 200)
        data, _ = read_for(r, 1.0)
        c.close()
        self.assertLess(len(data), 60000, "the 320x180 placeholder, not the 640x360 channel")

    def test_huge_vod(self):
        P.add_fault(match=r"action=get_vod_streams", kind="huge_vod", count=1)
        r = P.api("demo", "demo", action="get_vod_streams")
        self.assertGreater(len(r.body), 20_000_000)
        items = r.json()
        self.assertEqual(len(items), 100000)
        self.assertEqual(len({i["stream_id"] for i in items}), 100000)

    def test_beacon_sink_faults(self):
        P.add_fault(match=r"^/qoe/", kind="status", status=429, headers={"Retry-After": "7"}, count=1)
        hdr = {"Content-Type": "application/cmcd"}
        r = P.request("/qoe/cmcd", "POST", b"e=ps,sid=\"a\",sn=0,ts=1,v=2", hdr)
        self.assertEqual((r.status, r.header("Retry-After")), (429, "7"))
        r = P.request("/qoe/cmcd", "POST", b"e=ps,sid=\"a\",sn=0,ts=1,v=2", hdr)
        self.assertEqual(r.status, 204)
        for code in (503, 410, 400):
            P.add_fault(match=r"^/qoe/", kind="status", status=code, count=1)
            self.assertEqual(P.request("/qoe/cmcd", "POST", b"e=b,v=2", hdr).status, code)

    def test_bad_fault_rejected(self):
        r = P.request("/_control/faults", "POST", {"kind": "latency"})
        self.assertEqual(r.status, 400)
        r = P.request("/_control/faults", "POST", {"kind": "latency", "match": "("})
        self.assertEqual(r.status, 400)


class Scenarios(unittest.TestCase):
    def test_scenario_at_start(self):
        q = Panel("--scenario", "flaky,xmltv-gzip")
        try:
            self.assertEqual(q.api("demo", "demo").status, 503)
            self.assertEqual(q.api("demo", "demo").status, 503)
            self.assertEqual(q.api("demo", "demo").status, 200)
            self.assertEqual(q.get("/xmltv.php?username=demo&password=demo").body[:2], b"\x1f\x8b")
        finally:
            self.assertEqual(q.stop(), 0)

    def test_scenario_via_control(self):
        r = P.request("/_control/scenario", "POST", {"name": "html"})
        self.assertEqual(r.status, 200)
        self.assertTrue(P.api("demo", "demo").body.startswith(b"<!DOCTYPE"))
        P.clear_faults()
        self.assertEqual(P.request("/_control/scenario", "POST", {"name": "nope"}).status, 400)


if __name__ == "__main__":
    unittest.main()
