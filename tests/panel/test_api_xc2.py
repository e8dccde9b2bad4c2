"""Player API, get.php and xmltv.php of the xc2 flavour, checked against shared/XTREAM.md."""

import base64
import gzip
import re
import time
import unittest
from urllib.parse import quote, urlencode

from paneltest import Panel

P = None


def setUpModule():
    global P
    P = Panel("--flavor", "xc2")


def tearDownModule():
    rc = P.stop()
    assert rc == 0, "panel exit code %r" % rc


class Login(unittest.TestCase):
    def test_active_login_shape(self):
        r = P.api("demo", "demo")
        self.assertEqual(r.status, 200)
        j = r.json()
        ui, si = j["user_info"], j["server_info"]
        self.assertEqual(ui["auth"], 1)
        self.assertEqual(ui["status"], "Active")
        for k in ("exp_date", "is_trial", "active_cons", "created_at", "max_connections"):
            self.assertIsInstance(ui[k], str, k)
        self.assertGreater(int(ui["exp_date"]), time.time() + 300 * 86400)
        self.assertEqual(ui["allowed_output_formats"], ["m3u8", "ts", "rtmp"])
        self.assertEqual(si["timezone"], "Asia/Dubai")
        self.assertIsInstance(si["timestamp_now"], int)
        self.assertIsInstance(si["port"], str)
        self.assertRegex(si["time_now"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        self.assertIn(b'"Asia\\/Dubai"', r.body)  # PHP escapes '/'

    def test_time_now_is_panel_local(self):
        si = P.api("demo", "demo").json()["server_info"]
        import datetime
        from zoneinfo import ZoneInfo
        local = datetime.datetime.strptime(si["time_now"], "%Y-%m-%d %H:%M:%S").replace(
            tzinfo=ZoneInfo("Asia/Dubai"))
        self.assertLess(abs(local.timestamp() - si["timestamp_now"]), 5)

    def test_bad_and_missing_credentials(self):
        r = P.api("demo", "wrong")
        self.assertEqual((r.status, r.json()), (200, {"user_info": {"auth": 0}}))
        r = P.get("/player_api.php")
        self.assertEqual((r.status, r.body), (200, b""))
        r = P.get("/player_api.php?username=demo")
        self.assertEqual((r.status, r.body), (200, b""))

    def test_account_states(self):
        now = time.time()
        cases = {"expired": "Expired", "banned": "Banned", "disabled": "Disabled"}
        for user, status in cases.items():
            for action in ("", "get_live_streams", "get_vod_categories", "203"):
                j = P.api(user, user, action=action).json()
                self.assertIsInstance(j, dict, (user, action))
                self.assertEqual(j["user_info"]["status"], status)
        ui = P.api("trial", "trial").json()["user_info"]
        self.assertEqual((ui["is_trial"], ui["status"]), ("1", "Active"))
        ui = P.api("unlimited", "unlimited").json()["user_info"]
        self.assertIsNone(ui["exp_date"])
        self.assertEqual(ui["max_connections"], "0")
        ui = P.api("soon", "soon").json()["user_info"]
        self.assertTrue(now + 1.9 * 86400 < int(ui["exp_date"]) < now + 2.1 * 86400)
        ui = P.api("single", "single").json()["user_info"]
        self.assertEqual(ui["max_connections"], "1")

    def test_password_needing_encoding(self):
        j = P.api("ar", "p@ss:w rd&x").json()
        self.assertEqual(j["user_info"]["auth"], 1)
        self.assertEqual(j["user_info"]["password"], "p@ss:w rd&x")
        c, r = P.open_stream("/live/ar/%s/1.ts" % quote("p@ss:w rd&x", safe=""))
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.read(188)), 188)
        c.close()

    def test_post_and_unknown_action(self):
        body = urlencode(dict(username="demo", password="demo", action="get_live_categories")).encode()
        r = P.request("/player_api.php", "POST", body,
                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertIsInstance(r.json(), list)
        j = P.api("demo", "demo", action="no_such_action").json()
        self.assertEqual(j["user_info"]["auth"], 1)


class Lists(unittest.TestCase):
    def test_numeric_aliases(self):
        for num, name in (("200", "get_vod_categories"), ("201", "get_live_categories"),
                          ("202", "get_live_streams"), ("203", "get_vod_streams"),
                          ("206", "get_series_categories"), ("208", "get_series")):
            self.assertEqual(P.api("demo", "demo", action=num).body,
                             P.api("demo", "demo", action=name).body, num)
        self.assertEqual(P.api("demo", "demo", action="209", vod_id="1001").body,
                         P.api("demo", "demo", action="get_vod_info", vod_id="1001").body)

    def test_categories(self):
        r = P.api("demo", "demo", action="get_live_categories")
        cats = r.json()
        self.assertGreaterEqual(len(cats), 15)
        for c in cats:
            self.assertIsInstance(c["category_id"], str)
            self.assertIsInstance(c["parent_id"], int)
        names = {c["category_name"] for c in cats}
        self.assertIn("Adult XXX", names)
        self.assertIn("أخبار", names)
        self.assertTrue(any(c["parent_id"] for c in cats))
        self.assertIn(b"\\u0623\\u062e\\u0628\\u0627\\u0631", r.body)
        self.assertIn(b"Sports\\/Football", r.body)
        self.assertIn(b"\\ud83c\\udfac", r.body)  # surrogate pair

    def test_live_streams(self):
        items = P.api("demo", "demo", action="get_live_streams").json()
        self.assertGreaterEqual(len(items), 300)
        ids = [i["stream_id"] for i in items]
        self.assertEqual(len(ids), len(set(ids)), "xc2 lists each stream once")
        self.assertEqual([i["num"] for i in items if isinstance(i["num"], int)][:3], [1, 2, 3])
        by = {int(i["stream_id"]): i for i in items}
        self.assertEqual(by[1]["tv_archive"], 1)
        self.assertEqual(by[1]["tv_archive_duration"], "3")
        self.assertEqual(by[100]["tv_archive_duration"], 0)
        self.assertIsNone(by[6]["epg_channel_id"])
        self.assertEqual(by[8]["epg_channel_id"], "  CH8.Qanat ")
        self.assertIsNone(by[13]["category_id"])
        self.assertEqual(by[14]["stream_id"], "14")
        self.assertIsNone(by[15]["name"])
        self.assertEqual(by[11]["stream_type"], "radio_streams")
        self.assertNotIn("category_ids", by[1])
        self.assertTrue(by[1]["stream_icon"].endswith("/images/logo/1.png"))

    def test_category_filter(self):
        items = P.api("demo", "demo", action="get_live_streams", category_id="11").json()
        self.assertTrue(items)
        self.assertTrue(all(i["category_id"] == "11" for i in items))
        self.assertEqual(P.api("demo", "demo", action="get_live_streams", category_id="17").json(), [])
        vod = P.api("demo", "demo", action="get_vod_streams", category_id="102").json()
        self.assertTrue(vod and all(v["category_id"] == "102" for v in vod))
        ser = P.api("demo", "demo", action="get_series", category_id="200").json()
        self.assertTrue(ser and all(s["category_id"] == "200" for s in ser))

    def test_vod_and_series_lists(self):
        vod = P.api("demo", "demo", action="get_vod_streams").json()
        self.assertGreaterEqual(len(vod), 50)
        exts = {v.get("container_extension") for v in vod}
        self.assertTrue({"mp4", "mkv", "MKV", None} <= exts)
        self.assertTrue(all(v["stream_type"] == "movie" for v in vod))
        self.assertIsInstance(vod[0]["rating"], str)
        ser = P.api("demo", "demo", action="get_series").json()
        s1 = ser[0]
        self.assertIsInstance(s1["series_id"], int)
        self.assertEqual(s1["rating"], "7")
        self.assertIn("releaseDate", s1)
        bds = {type(s["backdrop_path"]).__name__ for s in ser}
        self.assertEqual(bds, {"list", "str", "NoneType"})

    def test_vod_info(self):
        j = P.api("demo", "demo", action="get_vod_info", vod_id="1002").json()
        self.assertEqual(j["movie_data"]["stream_id"], 1002)
        self.assertEqual(j["movie_data"]["container_extension"], "mkv")
        self.assertEqual(j["info"]["duration"], "00:02:30")
        self.assertIn("video", j["info"])
        self.assertEqual(P.api("demo", "demo", action="get_vod_info", vod_id="999999").json(), {"info": []})

    def test_series_info(self):
        j = P.api("demo", "demo", action="get_series_info", series_id="1").json()
        self.assertIsInstance(j["episodes"], dict)
        self.assertEqual(sorted(j["episodes"]), ["1", "2"])
        ep = j["episodes"]["1"][0]
        self.assertIsInstance(ep["id"], str)
        self.assertEqual(ep["episode_num"], "1")
        self.assertEqual(j["episodes"]["2"][2]["info"], [])
        j = P.api("demo", "demo", action="get_series_info", series_id="2").json()
        self.assertIsInstance(j["episodes"], list)
        self.assertEqual(j["episodes"][0][0]["season"], 0)
        j = P.api("demo", "demo", action="get_series_info", series_id="5").json()
        self.assertEqual(j["seasons"], [])
        self.assertTrue(j["episodes"])
        self.assertEqual(P.api("demo", "demo", action="get_series_info", series_id="9999").json(), [])


class Epg(unittest.TestCase):
    def test_short_epg(self):
        now = time.time()
        j = P.api("demo", "demo", action="get_short_epg", stream_id="1").json()
        lst = j["epg_listings"]
        self.assertEqual(len(lst), 4)
        first = lst[0]
        self.assertLessEqual(int(first["start_timestamp"]), now)
        self.assertGreater(int(first["stop_timestamp"]), now)
        title = base64.b64decode(first["title"]).decode("utf-8")
        self.assertTrue(title)
        self.assertRegex(first["end"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")  # XC2: a date string
        for a, b in zip(lst, lst[1:]):
            self.assertEqual(a["stop_timestamp"], b["start_timestamp"])
        j = P.api("demo", "demo", action="get_short_epg", stream_id="1", limit="2").json()
        self.assertEqual(len(j["epg_listings"]), 2)
        j = P.api("demo", "demo", action="get_short_epg", stream_id="200").json()
        self.assertEqual(j, {"epg_listings": []})

    def test_simple_data_table(self):
        lst = P.api("demo", "demo", action="get_simple_data_table", stream_id="1").json()["epg_listings"]
        self.assertGreater(len(lst), 100)
        self.assertEqual(sum(p["now_playing"] for p in lst), 1)
        now = time.time()
        past = [p for p in lst if now - 3 * 86400 < int(p["start_timestamp"]) and
                int(p["stop_timestamp"]) < now - 3600]
        self.assertTrue(past and all(p["has_archive"] == 1 for p in past))
        self.assertLessEqual(int(lst[0]["start_timestamp"]), now - 3 * 86400 + 86400)
        self.assertGreaterEqual(int(lst[-1]["stop_timestamp"]), now + 3 * 86400)
        lst = P.api("demo", "demo", action="207", stream_id="21").json()["epg_listings"]
        self.assertTrue(all(p["has_archive"] == 0 for p in lst))

    def test_xmltv(self):
        r = P.get("/xmltv.php?username=demo&password=demo")
        self.assertEqual(r.status, 200)
        body = r.body.decode("utf-8")
        self.assertEqual(body.strip().count("\n"), 0, "XC2 writes XMLTV as one line")
        self.assertIn('<title lang="ar">', body)
        self.assertIn('<title lang="en">', body)
        self.assertIn("<episode-num", body)
        self.assertIn("<category", body)
        starts = re.findall(r'start="(\d{14}) ([+-]\d{4})"', body)
        self.assertTrue(starts)
        self.assertEqual({o for _, o in starts}, {"+0400"})
        self.assertIn('channel id="ch8.qanat"', body)
        import xml.etree.ElementTree as ET
        ET.fromstring(r.body)
        g = P.get("/xmltv.php?username=demo&password=demo&gzip=1")
        self.assertEqual(g.body[:2], b"\x1f\x8b")
        self.assertIsNone(g.header("Content-Encoding"))
        self.assertEqual(gzip.decompress(g.body), r.body)
        bad = P.get("/xmltv.php?username=demo&password=nope")
        self.assertEqual((bad.status, bad.body), (401, b""))


class M3U(unittest.TestCase):
    def test_m3u_plus(self):
        r = P.get("/get.php?username=demo&password=demo&type=m3u_plus&output=ts")
        self.assertEqual(r.status, 200)
        text = r.body.decode("utf-8")
        self.assertTrue(text.startswith("#EXTM3U"))
        self.assertNotIn("\n", text.replace("\r\n", ""))
        self.assertIn('tvg-ID="ch1.qanat"', text)
        self.assertIn('timeshift="3"', text)
        self.assertIn("/live/demo/demo/1.ts\r\n", text)
        self.assertIn("/movie/demo/demo/1002.mkv\r\n", text)
        self.assertRegex(text, r"/series/demo/demo/\d+\.mp4\r\n")

    def test_m3u_plain_and_hls(self):
        text = P.get("/get.php?username=demo&password=demo&type=m3u&output=hls").body.decode()
        self.assertIn("#EXTINF:-1,Qanat News\r\n", text)
        self.assertIn("/live/demo/demo/1.m3u8\r\n", text)
        text = P.get("/get.php?username=demo&password=demo&type=m3u&output=mpegts").body.decode()
        self.assertIn("/live/demo/demo/1.ts\r\n", text)
        r = P.get("/get.php?username=demo&password=x&type=m3u")
        self.assertEqual(r.status, 401)


class Streams(unittest.TestCase):
    def test_stream_auth_failures(self):
        self.assertEqual(P.get("/live/demo/bad/1.ts").status, 401)
        self.assertEqual(P.get("/live/demo/bad/1.ts").body, b"")
        self.assertEqual(P.get("/live/banned/banned/1.ts").status, 403)
        self.assertEqual(P.get("/live/demo/demo/99999.ts").status, 404)
        self.assertEqual(P.get("/movie/demo/demo/5.mp4").status, 404)

    def test_logs_never_show_passwords(self):
        P.get("/live/ar/%s/99999.ts" % quote("p@ss:w rd&x", safe=""))
        P.api("demo", "secretpw")
        P.get("/demo/secretpw/99999")
        time.sleep(0.3)
        log = P.logtext()
        self.assertIn("/live/*/*/99999.ts", log)
        for bad in ("secretpw", "p@ss", "p%40ss"):
            self.assertNotIn(bad, log)


if __name__ == "__main__":
    unittest.main()
