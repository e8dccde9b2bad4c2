"""ffprobe reads every generated stream with the expected codecs, GOP, fields and languages."""

import os
import unittest

from paneltest import Panel, ffprobe

P = None
MDIR = None


def setUpModule():
    global P, MDIR
    P = Panel()
    MDIR = P.state["media_dir"]


def tearDownModule():
    assert P.stop() == 0


def streams(name):
    return ffprobe(os.path.join(MDIR, name), "-show_streams", "-show_format")


def key_times(name):
    j = ffprobe(os.path.join(MDIR, name), "-select_streams", "v", "-show_entries",
                "packet=pts_time,flags")
    return [float(p["pts_time"]) for p in j["packets"] if p["flags"].startswith("K")]


class Generated(unittest.TestCase):
    def test_live_h264_gop_2s(self):
        import qpanel.media as M
        for m in M.LIVE_MEDIA:
            j = streams(m["key"] + ".ts")
            v = [s for s in j["streams"] if s["codec_type"] == "video"]
            a = [s for s in j["streams"] if s["codec_type"] == "audio"]
            self.assertEqual(v[0]["codec_name"], m["vcodec"], m["key"])
            self.assertEqual(a[0]["codec_name"], m["acodec"], m["key"])
            kt = key_times(m["key"] + ".ts")
            gaps = {round(b - a_, 3) for a_, b in zip(kt, kt[1:])}
            self.assertEqual(gaps, {2.0}, m["key"])
            self.assertEqual(len(kt), m["dur"] // 2, m["key"])

    def test_1080i_ac3(self):
        j = streams("hd1080i.ts")
        v = j["streams"][0]
        self.assertEqual((v["codec_name"], v["width"], v["height"]), ("h264", 1920, 1080))
        self.assertEqual(v["field_order"], "tt")
        self.assertEqual(j["streams"][1]["codec_name"], "ac3")

    def test_hevc(self):
        self.assertEqual(streams("hevc.ts")["streams"][0]["codec_name"], "hevc")

    def test_two_audio_languages(self):
        a = [s for s in streams("arabia.ts")["streams"] if s["codec_type"] == "audio"]
        self.assertEqual([s["tags"]["language"] for s in a], ["ara", "eng"])

    def test_radio_and_expired(self):
        self.assertEqual([s["codec_type"] for s in streams("radio.ts")["streams"]], ["audio"])
        v = streams("expired.ts")["streams"][0]
        self.assertEqual((v["codec_name"], v["width"]), ("h264", 320))

    def test_movies(self):
        j = streams("movie_desert.mp4")
        self.assertGreaterEqual(float(j["format"]["duration"]), 179)
        j = streams("movie_voices.mkv")
        types = [(s["codec_type"], s["codec_name"], s.get("tags", {}).get("language")) for s in j["streams"]]
        self.assertEqual(types, [("video", "h264", None), ("audio", "aac", "ara"),
                                 ("audio", "aac", "eng"), ("subtitle", "subrip", "eng")])
        j = streams("movie_night.mp4")
        self.assertIn("mov_text", [s["codec_name"] for s in j["streams"]])
        for s in (1, 2):
            for e in (1, 2, 3):
                j = streams("ep_s%de%d.mp4" % (s, e))
                self.assertEqual(round(float(j["format"]["duration"])), 40)

    def test_images(self):
        for path in ("/images/logo/1.png", "/images/poster/1001.png", "/images/cover/s1.png"):
            r = P.get(path)
            self.assertEqual(r.status, 200)
            self.assertEqual(r.body[:8], b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
