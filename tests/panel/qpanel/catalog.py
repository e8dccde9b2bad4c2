"""Accounts, categories, channels, VOD, series and EPG of the local panel (deterministic)."""

import base64
import datetime
import random
import threading
import time

from . import media as M

DAY = 86400


def php_json(obj):
    """PHP json_encode look-alike: '/' as '\\/', non-ASCII as \\uXXXX (surrogate pairs)."""
    import json
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


# ------------------------------------------------------------------------------------------
# Accounts
# ------------------------------------------------------------------------------------------
class Accounts:
    def __init__(self, start):
        self.start = int(start)
        y = 365 * DAY

        def acc(pw, exp, maxc="2", trial="0", banned=False, disabled=False, flavor=None, msg=None):
            return dict(password=pw, exp_date=exp, max_connections=maxc, is_trial=trial,
                        banned=banned, disabled=disabled, flavor=flavor,
                        created_at=str(1735689600), message=msg)
        s = self.start
        self.users = {
            "demo": acc("demo", s + y, msg="Welcome to Qanat test panel"),
            "expired": acc("expired", s - 10 * DAY),
            "banned": acc("banned", s + y, banned=True),
            "disabled": acc("disabled", s + y, disabled=True),
            "trial": acc("trial", s + DAY, maxc="1", trial="1"),
            "unlimited": acc("unlimited", None, maxc="0", msg=""),
            "soon": acc("soon", s + 2 * DAY),
            "single": acc("single", s + y, maxc="1"),
            "ar": acc("p@ss:w rd&x", s + y, msg="مرحبا بكم"),
            "demo-xc2": acc("demo", s + y, flavor="xc2"),
            "demo-xui": acc("demo", s + y, flavor="xui"),
        }
        self.lock = threading.Lock()

    def check(self, user, pw):
        a = self.users.get(user or "")
        if a is None or pw is None or a["password"] != pw:
            return None
        return a

    @staticmethod
    def status(a, now=None):
        now = now or time.time()
        if a["banned"]:
            return "Banned"
        if a["disabled"]:
            return "Disabled"
        if a["exp_date"] is not None and a["exp_date"] < now:
            return "Expired"
        return "Active"


# ------------------------------------------------------------------------------------------
# Categories and channels
# ------------------------------------------------------------------------------------------
LIVE_CATEGORIES = [
    (1, "News", 0), (2, "Sports", 0), (3, "Sports/Football", 2), (4, "Kids", 0),
    (5, "Documentary", 0), (6, "Music", 0), (7, "Movies 24/7", 0), (10, "Arabic", 0),
    (8, "أخبار", 10), (9, "رياضة", 10), (11, "Adult XXX", 0), (12, "HD / UHD", 0),
    (13, "Radio", 0), (14, "Weather", 0), (15, "Français", 0), (16, "Emoji 🎬 Picks", 0),
    (17, "Empty Category", 0), (18, "International", 0), (19, "Local (UK)", 18),
    (20, "Local (Gulf)", 18),
]
VOD_CATEGORIES = [(100, "Action", 0), (101, "Drama", 0), (102, "أفلام عربية", 0),
                  (103, "Kids Movies", 101), (104, "Adult XXX", 0), (105, "Documentaries", 0)]
SERIES_CATEGORIES = [(200, "Drama Series", 0), (201, "مسلسلات", 0), (202, "Kids Series", 0)]

FILL_CATS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 18, 19, 20]
NAME_STEM = {1: "News 24/7", 2: "Sport", 3: "Football", 4: "Kids", 5: "Docs", 6: "Music",
             7: "Cinema", 8: "قناة الأخبار", 9: "رياضة", 11: "XXX Night", 12: "UHD",
             14: "Weather", 15: "Télé", 16: "Fun 🎬", 18: "World", 19: "UK", 20: "Gulf"}
N_LIVE = 320
EPG_MAX_ID = 60
# channel 26 is the first of "Adult XXX" (locked by its name) and has a guide: its archive is the
# locked catch-up the lock_catchup journey asks the PIN for
ARCHIVE = {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 7: 3, 9: 3, 10: 3, 20: 3, 26: 3, 30: 1, 40: 3, 50: 3}


class Channel:
    __slots__ = ("id", "name", "stream_type", "cats", "media", "phase", "epg_id", "xmltv_id",
                 "archive_days", "icon", "added", "num_label")


def build_channels():
    chans = []
    for m in M.LIVE_MEDIA:
        c = Channel()
        c.id = m["num"]
        c.name = m["label"]
        c.media = m["key"]
        chans.append(c)
    primary = {1: [1, 8], 2: [2, 3], 3: [4], 4: [5], 5: [6], 6: [7], 7: [8, 10], 8: [14],
               9: [12], 10: [12]}
    for c in chans:
        c.cats = primary[c.id]
        c.stream_type = "live"
    for i, nm in ((11, "Qanat Radio FM"), (12, "Quran Radio / إذاعة")):
        c = Channel()
        c.id, c.name, c.media, c.cats, c.stream_type = i, nm, "radio", [13], "radio_streams"
        chans.append(c)
    for i in range(13, N_LIVE + 1):
        c = Channel()
        c.id = i
        cat = FILL_CATS[i % len(FILL_CATS)]
        c.cats = [cat] if i % 9 else [cat, 18 if cat != 18 else 1]
        c.name = "%s %d" % (NAME_STEM[cat], i)
        c.media = M.LIVE_MEDIA[(i - 1) % 8]["key"]
        c.stream_type = "created_live" if i == 299 else "live"
        chans.append(c)
    for c in chans:
        c.phase = (c.id * 7.3) % 24
        c.xmltv_id = "ch%d.qanat" % c.id
        c.epg_id = c.xmltv_id
        if c.id == 6:
            c.epg_id = None
        elif c.id == 8:
            c.epg_id = "  CH8.Qanat "
        elif c.id > 300:
            c.epg_id = ""
        c.archive_days = ARCHIVE.get(c.id, 0)
        c.added = str(1767225600 + c.id * 3600)
        c.icon = "logo/%d.png" % c.id
        if c.id in (11, 222):
            c.icon = ""
        elif c.id == 223:
            c.icon = None
    return chans


# ------------------------------------------------------------------------------------------
# VOD and series
# ------------------------------------------------------------------------------------------
N_MOVIES = 60
MOVIE_WORDS = ["Desert", "Falcon", "Harbour", "Silent", "Golden", "Last", "Night", "Crimson",
               "River", "Storm", "Mirage", "Orbit"]


def build_movies():
    out = []
    for i in range(N_MOVIES):
        sid = 1001 + i
        f = M.MOVIES[i % 3]
        cat = [100, 101, 102, 103, 104, 105][i % 6]
        name = f["title"] if i < 3 else "%s %s %d" % (MOVIE_WORDS[i % 12], MOVIE_WORDS[(i * 5) % 12], i)
        if cat == 102 and i >= 3:
            name = "فيلم %d" % i
        ext = f["ext"]
        if i == 7:
            ext = ext.upper()
        out.append(dict(id=sid, name=name, file=f["key"], ext=ext, cat=cat, dur=f["dur"],
                        year=str(1990 + i % 35), rating=round(5 + (i % 50) / 10.0, 1),
                        added=str(1767225600 + i * 7200), sub=f.get("subs"), langs=f.get("langs")))
    return out


def build_series():
    out = []
    # 1: seasons 1,2 -> "episodes" an object; 2: seasons 0,1 -> "episodes" a JSON array
    for sid, name, seasons in ((1, "The Oasis", (1, 2)), (2, "Zero Based", (0, 1))):
        eps = {}
        for si, s in enumerate(seasons):
            eps[s] = []
            for e in (1, 2, 3):
                eid = 5000 + sid * 100 + si * 10 + e
                eps[s].append(dict(id=eid, num=e, file="ep_s%de%d" % (si + 1, e), season=s))
        out.append(dict(id=sid, name=name, cat=200 if sid == 1 else 202, eps=eps))
    for sid in range(3, 13):
        eps = {1: [dict(id=5000 + sid * 100 + e, num=e, file="ep_s1e%d" % e, season=1) for e in (1, 2)]}
        nm = "مسلسل %d" % sid if sid % 3 == 0 else "Series %d" % sid
        out.append(dict(id=sid, name=nm, cat=[200, 201, 202][sid % 3], eps=eps))
    return out


# ------------------------------------------------------------------------------------------
# EPG
# ------------------------------------------------------------------------------------------
TITLES_EN = ["Morning Report", "World Today", "Match of the Day", "Cartoon Time", "Planet Earth",
             "Top Hits", "Late Movie", "Weather Update", "Business Hour", "Tech Talk",
             "Cooking with Sara", "Documentary: Deserts", "Evening News", "Quiz Night"]
TITLES_AR = ["نشرة الأخبار", "العالم اليوم", "مباراة اليوم", "وقت الكرتون", "كوكب الأرض",
             "أفضل الأغاني", "فيلم السهرة", "النشرة الجوية", "ساعة الأعمال", "حديث التقنية",
             "مطبخ سارة", "وثائقي: الصحارى", "أخبار المساء", "ليلة المسابقات"]
GENRES = ["News", "Sports", "Kids", "Documentary", "Music", "Movie", "Weather", "Magazine"]


class EPG:
    def __init__(self, tz, channels):
        self.tz = tz
        self.by_id = {c.id: c for c in channels}
        self.cache = {}
        self.lock = threading.Lock()

    def has_epg(self, c):
        return c.id <= EPG_MAX_ID and c.stream_type != "radio_streams" and c.id != 6

    def day(self, c, date):
        key = (c.id, date)
        with self.lock:
            v = self.cache.get(key)
        if v is not None:
            return v
        rng = random.Random("epg-%d-%s" % (c.id, date.isoformat()))
        start = datetime.datetime.combine(date, datetime.time(0, 0), self.tz).timestamp()
        end = datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time(0, 0),
                                        self.tz).timestamp()
        t = int(start)
        progs = []
        k = 0
        while t < end:
            dur = rng.choice([30, 45, 60]) * 60
            stop = min(int(end), t + dur)
            ti = rng.randrange(len(TITLES_EN))
            arabic = c.id in (1, 7, 8) or (c.id % 5 == 0)
            progs.append(dict(start=t, stop=stop, title_en="%s" % TITLES_EN[ti],
                              title_ar=TITLES_AR[ti] if arabic else None,
                              desc="%s on %s. Episode %d of the day." % (TITLES_EN[ti], c.name, k + 1),
                              genre=GENRES[(c.id + ti) % len(GENRES)],
                              ep="%d.%d.0/1" % (date.year % 100, date.timetuple().tm_yday - 1),
                              id=str(10_000_000 + c.id * 100_000 + (t // 60) % 100_000)))
            t = stop
            k += 1
        with self.lock:
            self.cache[key] = progs
        return progs

    def window(self, c, now=None):
        """Programmes from (archive days or 1 day) back to 3 days forward, in panel days."""
        if not self.has_epg(c):
            return []
        now = now or time.time()
        today = datetime.datetime.fromtimestamp(now, self.tz).date()
        back = max(c.archive_days, 1)
        out = []
        for d in range(-back, 4):
            out.extend(self.day(c, today + datetime.timedelta(days=d)))
        return out

    def local_str(self, ts, fmt="%Y-%m-%d %H:%M:%S"):
        return datetime.datetime.fromtimestamp(ts, self.tz).strftime(fmt)

    def xmltv_time(self, ts):
        return datetime.datetime.fromtimestamp(ts, self.tz).strftime("%Y%m%d%H%M%S %z")


def b64(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")
