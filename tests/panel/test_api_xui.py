"""The xui flavour: ints, nginx 404 pages, duplicates, 302 to token URLs on a second port."""

import time
import unittest
from urllib.parse import urlsplit

from paneltest import Panel, ffprobe

P = None


def setUpModule():
    global P
    P = Panel("--flavor", "xui")


def tearDownModule():
    assert P.stop() == 0


class XuiApi(unittest.TestCase):
    def test_login_shape(self):
        j = P.api("demo", "demo").json()
        ui, si = j["user_info"], j["server_info"]
        self.assertEqual(ui["auth"], 1)
        self.assertIsInstance(ui["active_cons"], int)
        self.assertIsInstance(ui["exp_date"], str)
        self.assertIs(si["xui"], True)
        self.assertIn("version", si)
        self.assertEqual(si["https_port"], "")

    def test_failures_are_nginx_404(self):
        for u, p in (("demo", "bad"), ("banned", "banned"), ("disabled", "disabled"),
                     ("expired", "expired"), ("", "")):
            r = P.api(u, p, action="get_live_streams")
            self.assertEqual(r.status, 404, u)
            self.assertIn(b"<center>nginx</center>", r.body)
        r = P.get("/live/demo/bad/1.ts")
        self.assertEqual(r.status, 404)
        self.assertEqual(P.get("/xmltv.php?username=demo&password=bad").status, 404)

    def test_live_streams_types_and_duplicates(self):
        items = P.api("demo", "demo", action="get_live_streams").json()
        ids = [i["stream_id"] for i in items]
        self.assertGreater(len(ids), len(set(ids)), "xui repeats a stream per category")
        self.assertEqual([i["num"] for i in items[:3]], [1, 2, 3])
        one = next(i for i in items if i["stream_id"] == 1)
        self.assertEqual(one["tv_archive_duration"], 3)
        self.assertEqual(one["tv_archive"], 1)
        self.assertEqual(one["category_ids"], [1, 8])
        self.assertIn("thumbnail", one)
        filt = P.api("demo", "demo", action="get_live_streams", category_id="8").json()
        ids = [i["stream_id"] for i in filt]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIn(1, ids)

    def test_vod_items_full(self):
        vod = P.api("demo", "demo", action="get_vod_streams").json()
        for k in ("title", "year", "plot", "cast", "director", "genre", "release_date",
                  "episode_run_time", "category_ids", "container_extension"):
            self.assertIn(k, vod[0])
        info = P.api("demo", "demo", action="get_vod_info", vod_id="1002").json()["info"]
        self.assertEqual(info["subtitles"][0]["language"], "eng")

    def test_series_unknown_and_episode_num_int(self):
        j = P.api("demo", "demo", action="get_series_info", series_id="9999").json()
        self.assertEqual(j["seasons"], [])
        self.assertIsNone(j["info"]["name"])
        self.assertNotIn("episodes", j)
        j = P.api("demo", "demo", action="get_series_info", series_id="1").json()
        self.assertIsInstance(j["episodes"]["1"][0]["episode_num"], int)

    def test_short_epg_end_unix_and_multi(self):
        lst = P.api("demo", "demo", action="get_short_epg", stream_id="1").json()["epg_listings"]
        self.assertEqual(lst[0]["end"], lst[0]["stop_timestamp"])
        j = P.api("demo", "demo", action="get_short_epg", stream_id="1,2", limit="1").json()
        self.assertEqual(sorted(j["epg_listings"]), ["1", "2"])

    def test_xmltv_multiline(self):
        body = P.get("/xmltv.php?username=demo&password=demo").body
        self.assertGreater(body.count(b"\n"), 100)

    def test_per_account_flavor(self):
        r = P.api("demo-xc2", "demo")
        self.assertIsInstance(r.json()["user_info"]["active_cons"], str)
        self.assertEqual(P.api("demo-xc2", "wrong").json(), {"user_info": {"auth": 0}})
        items = P.api("demo-xc2", "demo", action="get_live_streams").json()
        ids = [i["stream_id"] for i in items]
        self.assertEqual(len(ids), len(set(ids)))


class Tokens(unittest.TestCase):
    def test_live_redirect_to_token_port(self):
        r = P.get("/live/demo/demo/1.ts")
        self.assertEqual(r.status, 302)
        u = urlsplit(r.header("Location"))
        self.assertEqual(u.port, P.token_port)
        self.assertTrue(u.path.startswith("/sauth/"))
        c, s = P.open_stream(u.path, port=u.port)
        self.assertEqual(s.status, 200)
        self.assertEqual(s.read(188)[0], 0x47)
        c.close()
        bad = P.get(u.path.replace("/sauth/", "/sauth/00"), port=u.port)
        self.assertEqual(bad.status, 403)

    def test_token_expires(self):
        import qpanel.server as S
        self.assertEqual(S.TOKEN_TTL, 30.0)

    def test_vod_redirect_and_range(self):
        r = P.get("/movie/demo/demo/1001.mp4")
        self.assertEqual(r.status, 302)
        u = urlsplit(r.header("Location"))
        self.assertTrue(u.path.startswith("/vauth/"))
        rr = P.get(u.path, port=u.port, headers={"Range": "bytes=100-199"})
        self.assertEqual(rr.status, 206)
        self.assertEqual(len(rr.body), 100)
        self.assertRegex(rr.header("Content-Range"), r"^bytes 100-199/\d+$")

    def test_live_hls_via_token(self):
        r = P.follow("/live/demo/demo/10.m3u8")
        self.assertEqual(r.status, 200)
        text = r.body.decode()
        self.assertIn("#EXT-X-MEDIA-SEQUENCE:", text)
        seg = [l for l in text.splitlines() if l.endswith(".ts")][-1]
        s = P.get(seg, port=P.token_port)
        self.assertEqual(s.status, 200)
        import tempfile
        with tempfile.NamedTemporaryFile(suffix=".ts") as f:
            f.write(s.body)
            f.flush()
            j = ffprobe(f.name, "-show_streams")
        self.assertEqual([x["codec_name"] for x in j["streams"]], ["hevc", "aac"])


if __name__ == "__main__":
    unittest.main()
