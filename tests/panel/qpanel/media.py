"""Media for the local panel: generation with the ffmpeg CLI into a cache, MPEG-TS indexing,
real-time pacing, timestamp rewriting (seamless loops), live HLS segments, archive minute clips
and small PNG images.  Python standard library only."""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
RECIPE_VERSION = 4
PTS_MOD = 1 << 33
LIVE_EPOCH = 1767225600  # 2026-01-01T00:00:00Z: media time origin of every live loop


def log(msg):
    sys.stderr.write("panel: %s\n" % msg)
    sys.stderr.flush()


def cache_root():
    d = os.environ.get("QANAT_PANEL_CACHE")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "qanat-panel")
    return d


def _dt(text):
    """Escape a literal text for drawtext's text= option (inside a filtergraph)."""
    for ch in "\\:'%,;[]=":
        text = text.replace(ch, " ")
    return text


# ---------------------------------------------------------------------------------------------
# Recipes.  Every media channel: key, label burnt in, size, fps, loop duration D (chosen so that
# D is a whole number of GOPs AND of audio frames: AAC 1024, MP2 1152, AC-3 1536 samples @48k).
# ---------------------------------------------------------------------------------------------
LIVE_MEDIA = [
    dict(key="news", num=1, label="Qanat News", size="480x270", fps=25, dur=24, vcodec="h264",
         acodec="aac", freq=440, color="0x1f4e99"),
    dict(key="sports", num=2, label="Qanat Sports", size="480x270", fps=25, dur=24, vcodec="h264",
         acodec="mp2", freq=523, color="0x2e7d32"),
    dict(key="kids", num=3, label="Qanat Kids", size="480x270", fps=25, dur=24, vcodec="h264",
         acodec="aac", freq=587, color="0xf9a825"),
    dict(key="docs", num=4, label="Qanat Docs", size="480x270", fps=25, dur=24, vcodec="h264",
         acodec="aac", freq=659, color="0x6a1b9a"),
    dict(key="music", num=5, label="Qanat Music", size="480x270", fps=25, dur=24, vcodec="h264",
         acodec="mp2", freq=698, color="0xc62828"),
    dict(key="cinema", num=6, label="Qanat Cinema", size="640x360", fps=25, dur=24, vcodec="h264",
         acodec="aac", freq=784, color="0x37474f"),
    dict(key="arabia", num=7, label="Qanat Arabia (ara+eng)", size="480x270", fps=25, dur=24,
         vcodec="h264", acodec="aac", freq=330, freq2=880, langs=["ara", "eng"], color="0x00695c"),
    dict(key="weather", num=8, label="Qanat Weather", size="480x270", fps=25, dur=24, vcodec="h264",
         acodec="aac", freq=494, color="0x0277bd"),
    dict(key="hd1080i", num=9, label="Qanat HD 1080i", size="1920x1080", fps=25, dur=8,
         vcodec="h264", interlaced=True, acodec="ac3", freq=392, color="0x4e342e"),
    dict(key="hevc", num=10, label="Qanat HEVC", size="480x270", fps=25, dur=24, vcodec="hevc",
         acodec="aac", freq=349, color="0xad1457"),
]
RADIO_MEDIA = dict(key="radio", label="Qanat Radio", dur=24, freq=262)
EXPIRED_MEDIA = dict(key="expired", label="SUBSCRIPTION EXPIRED", size="320x180", fps=25, dur=8,
                     freq=220)
MOVIES = [
    dict(key="movie_desert", title="Desert Run", ext="mp4", dur=180, freq=300, color="0x8d6e63"),
    dict(key="movie_voices", title="Two Voices", ext="mkv", dur=150, freq=350, freq2=700,
         langs=["ara", "eng"], subs="subrip", color="0x455a64"),
    dict(key="movie_night", title="Night Shift", ext="mp4", dur=120, freq=400,
         subs="mov_text", color="0x263238"),
]
EPISODES = [dict(key="ep_s%de%d" % (s, e), label="The Oasis S%02dE%02d" % (s, e), dur=40,
                 freq=300 + 40 * (s * 3 + e)) for s in (1, 2) for e in (1, 2, 3)]


# Stream 9016 "Huge 16000x16000": two 1 fps keyframes of a flat colour, 16000x16000 H.264 (libx264
# accepts it, level 6.2 exceeded; about 8 s and 4.4 GB of RAM for ffmpeg on 2 cores).  Made lazily on
# the first request of 9016 only (never at panel start), cached in huge-<hash>/.
HUGE_MEDIA = dict(key="huge", size="16000x16000", fps=1, frames=2, color="0x203040")


def recipe_hash():
    blob = json.dumps([RECIPE_VERSION, LIVE_MEDIA, RADIO_MEDIA, EXPIRED_MEDIA, MOVIES, EPISODES],
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


def _gop(fps):
    return ["-g", str(2 * fps), "-keyint_min", str(2 * fps), "-sc_threshold", "0"]


def _live_cmd(m, out):
    w, h = m["size"].split("x")
    big = max(16, int(h) // 9)
    vf = ("drawbox=x=0:y=0:w=iw:h=%d:color=%s@1:t=fill," % (big * 2, m["color"]) +
          "drawtext=fontfile=%s:text='CH %d  %s':x=10:y=%d:fontsize=%d:fontcolor=white," %
          (FONT, m["num"], _dt(m["label"]), big // 2, big) +
          "drawtext=fontfile=%s:text='clip %%{pts\\:hms}':x=10:y=h-%d:fontsize=%d:"
          "fontcolor=yellow:box=1:boxcolor=black@0.8" % (FONT, big * 2, big))
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", "testsrc2=size=%s:rate=%d" % (m["size"], m["fps"]),
           "-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000" % m["freq"]]
    if m.get("freq2"):
        cmd += ["-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000" % m["freq2"]]
    cmd += ["-t", str(m["dur"])]
    if m.get("interlaced"):
        vf += ",setfield=tff"
    cmd += ["-vf", vf, "-map", "0:v", "-map", "1:a"]
    if m.get("freq2"):
        cmd += ["-map", "2:a"]
    cmd += _gop(m["fps"]) + ["-pix_fmt", "yuv420p"]
    if m["vcodec"] == "hevc":
        cmd += ["-c:v", "libx265", "-preset", "ultrafast", "-b:v", "350k", "-tag:v", "hvc1",
                "-x265-params", "log-level=error:keyint=%d:min-keyint=%d:scenecut=0:bframes=0"
                ":open-gop=0" % (2 * m["fps"], 2 * m["fps"])]
    else:
        cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-b:v", "2500k" if m.get("interlaced") else "400k", "-threads", "2"]
        if m.get("interlaced"):
            cmd += ["-flags:v", "+ilme+ildct", "-x264-params", "tff=1", "-field_order", "tt"]
    ac = m["acodec"]
    cmd += ["-c:a", ac, "-ar", "48000", "-ac", "2",
            "-b:a", {"aac": "64k", "mp2": "128k", "ac3": "192k"}[ac]]
    for i, lang in enumerate(m.get("langs", [])):
        cmd += ["-metadata:s:a:%d" % i, "language=%s" % lang]
    cmd += ["-metadata", "service_name=%s" % m["label"], "-metadata", "service_provider=Qanat"]
    cmd += BITEXACT + ["-pes_payload_size", "0", "-f", "mpegts", out]
    return cmd


def _radio_cmd(m, out):
    return ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000:beep_factor=4" % m["freq"],
            "-t", str(m["dur"]), "-c:a", "aac", "-b:a", "64k", "-ac", "2",
            "-metadata", "service_name=%s" % m["label"]] + BITEXACT + ["-pes_payload_size", "0", "-f", "mpegts", out]


def _expired_cmd(m, out):
    vf = ("drawtext=fontfile=%s:text='%s':x=(w-tw)/2:y=h/2-30:fontsize=22:fontcolor=white,"
          "drawtext=fontfile=%s:text='please renew  %%{pts\\:hms}':x=(w-tw)/2:y=h/2+10:"
          "fontsize=16:fontcolor=yellow" % (FONT, _dt(m["label"]), FONT))
    return (["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
             "-f", "lavfi", "-i", "color=c=0x800000:size=%s:rate=%d" % (m["size"], m["fps"]),
             "-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000" % m["freq"],
             "-t", str(m["dur"]), "-vf", vf] + _gop(m["fps"]) +
            ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "150k", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-b:a", "48k", "-ac", "2"] + BITEXACT + ["-pes_payload_size", "0", "-f", "mpegts", out])


def _srt(dur, lang):
    lines = []
    n = 0
    for t in range(0, dur - 5, 10):
        n += 1
        text = ("ترجمة رقم %d" % n) if lang == "ara" else ("Subtitle number %d" % n)

        def ts(s):
            return "%02d:%02d:%02d,000" % (s // 3600, (s // 60) % 60, s % 60)
        lines.append("%d\n%s --> %s\n%s\n" % (n, ts(t + 1), ts(t + 5), text))
    return "\n".join(lines)


def _vod_cmd(m, out, tmpdir):
    fps = 15
    label = m.get("title") or m.get("label")
    vf = ("drawtext=fontfile=%s:text='%s':x=10:y=10:fontsize=20:fontcolor=white:box=1:"
          "boxcolor=black@0.6,drawtext=fontfile=%s:text='%%{pts\\:hms}':x=10:y=h-34:fontsize=20:"
          "fontcolor=yellow:box=1:boxcolor=black@0.6" % (FONT, _dt(label), FONT))
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
           "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=%d" % fps,
           "-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000" % m["freq"]]
    maps = ["-map", "0:v", "-map", "1:a"]
    nin = 2
    if m.get("freq2"):
        cmd += ["-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000" % m["freq2"]]
        maps += ["-map", "%d:a" % nin]
        nin += 1
    if m.get("subs"):
        srt = os.path.join(tmpdir, m["key"] + ".srt")
        with open(srt, "w", encoding="utf-8") as f:
            f.write(_srt(m["dur"], "eng"))
        cmd += ["-i", srt]
        maps += ["-map", "%d:s" % nin]
    cmd += ["-t", str(m["dur"]), "-vf", vf] + maps + _gop(fps)
    cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "200k", "-pix_fmt", "yuv420p",
            "-threads", "1", "-c:a", "aac", "-b:a", "48k", "-ac", "2"]
    for i, lang in enumerate(m.get("langs", [])):
        cmd += ["-metadata:s:a:%d" % i, "language=%s" % lang]
    if m.get("subs"):
        cmd += ["-c:s", m["subs"], "-metadata:s:s:0", "language=eng"]
    if out.endswith(".mp4"):
        cmd += ["-movflags", "+faststart"]
    cmd += ["-metadata", "title=%s" % label] + BITEXACT + [out]
    return cmd


def _run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("ffmpeg failed (%s): %s" % (cmd[-1], r.stderr.decode(errors="replace")[-800:]))


def ensure_media():
    """Generates all fixed media once (cache keyed by the recipe hash); returns its directory."""
    root = cache_root()
    os.makedirs(root, exist_ok=True)
    final = os.path.join(root, "media-" + recipe_hash())
    if os.path.exists(os.path.join(final, "DONE")):
        return final
    with open(os.path.join(root, ".lock"), "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(final, "DONE")):
            return final
        t0 = time.time()
        log("generating media into %s (first start only)" % final)
        tmp = final + ".tmp%d" % os.getpid()
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        jobs = []
        for m in LIVE_MEDIA:
            jobs.append(_live_cmd(m, os.path.join(tmp, m["key"] + ".ts")))
        jobs.append(_radio_cmd(RADIO_MEDIA, os.path.join(tmp, "radio.ts")))
        jobs.append(_expired_cmd(EXPIRED_MEDIA, os.path.join(tmp, "expired.ts")))
        for m in MOVIES:
            jobs.append(_vod_cmd(m, os.path.join(tmp, m["key"] + "." + m["ext"]), tmp))
        for m in EPISODES:
            jobs.append(_vod_cmd(m, os.path.join(tmp, m["key"] + ".mp4"), tmp))
        # the heavy ones first so two workers finish together
        jobs.sort(key=lambda c: 0 if ("1920x1080" in " ".join(c) or "libx265" in c) else 1)
        with ThreadPoolExecutor(max_workers=2) as ex:
            list(ex.map(_run, jobs))
        with open(os.path.join(tmp, "DONE"), "w") as f:
            f.write("%.1f\n" % (time.time() - t0))
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
        log("media generated in %.1f s" % (time.time() - t0))
        return final


def _huge_cmd(m, out):
    return ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "color=c=%s:size=%s:rate=%d" % (m["color"], m["size"], m["fps"]),
            "-frames:v", str(m["frames"]), "-c:v", "libx264", "-preset", "ultrafast",
            "-tune", "zerolatency", "-threads", "1", "-g", "1", "-pix_fmt", "yuv420p",
            "-metadata", "service_name=Huge 16000x16000", "-metadata", "service_provider=Qanat"] + \
        BITEXACT + ["-pes_payload_size", "0", "-f", "mpegts", out]


def ensure_huge():
    """Path of the 16000x16000 clip, generated at the first call (cross-process file lock)."""
    root = cache_root()
    h = hashlib.sha256(json.dumps([RECIPE_VERSION, HUGE_MEDIA], sort_keys=True).encode()).hexdigest()[:12]
    d = os.path.join(root, "huge-" + h)
    path = os.path.join(d, "huge.ts")
    if os.path.exists(path):
        return path
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ".lock"), "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        if os.path.exists(path):
            return path
        t0 = time.time()
        log("generating the 16000x16000 clip of stream 9016 into %s" % d)
        tmp = path + ".tmp%d" % os.getpid()
        _run(_huge_cmd(HUGE_MEDIA, tmp))
        os.rename(tmp, path)
        log("16000x16000 clip generated in %.1f s" % (time.time() - t0))
    return path


# ---------------------------------------------------------------------------------------------
# MPEG-TS handling
# ---------------------------------------------------------------------------------------------
def _read_ts(b, p):
    return (((b[p] >> 1) & 7) << 30) | (b[p + 1] << 22) | ((b[p + 2] >> 1) << 15) | \
        (b[p + 3] << 7) | (b[p + 4] >> 1)


def _write_ts(b, p, v):
    v %= PTS_MOD
    b[p] = (b[p] & 0xF0) | (((v >> 30) & 7) << 1) | 1
    b[p + 1] = (v >> 22) & 0xFF
    b[p + 2] = (((v >> 15) & 0x7F) << 1) | 1
    b[p + 3] = (v >> 7) & 0xFF
    b[p + 4] = ((v & 0x7F) << 1) | 1


def retime(data, off90, ccs=None, ccshift=None):
    """Adds off90 (90 kHz) to every PCR/PTS/DTS and, when ccs (dict pid->cc) is given, rewrites the
    continuity counters so consecutive loops splice seamlessly (ccshift: pid->added to each CC)."""
    if not off90 and ccs is None and not ccshift:
        return data
    b = bytearray(data)
    off90 %= PTS_MOD
    for i in range(0, len(b) - 187, 188):
        b1 = b[i + 1]
        afc = (b[i + 3] >> 4) & 3
        if ccs is not None:
            pid = ((b1 & 0x1F) << 8) | b[i + 2]
            c = ccs.get(pid)
            if afc & 1:
                c = (b[i + 3] & 0xF) if c is None else (c + 1) & 0xF
                ccs[pid] = c
            if c is not None:
                b[i + 3] = (b[i + 3] & 0xF0) | c
        elif ccshift:
            pid = ((b1 & 0x1F) << 8) | b[i + 2]
            sh = ccshift.get(pid)
            if sh:
                b[i + 3] = (b[i + 3] & 0xF0) | ((b[i + 3] + sh) & 0xF)
        if not off90:
            continue
        p = i + 4
        if afc & 2:
            al = b[p]
            if al and (b[p + 1] & 0x10):
                q = p + 2
                base = (b[q] << 25) | (b[q + 1] << 17) | (b[q + 2] << 9) | (b[q + 3] << 1) | (b[q + 4] >> 7)
                base = (base + off90) % PTS_MOD
                b[q] = (base >> 25) & 0xFF
                b[q + 1] = (base >> 17) & 0xFF
                b[q + 2] = (base >> 9) & 0xFF
                b[q + 3] = (base >> 1) & 0xFF
                b[q + 4] = ((base & 1) << 7) | (b[q + 4] & 0x7F)
            p += 1 + al
        if (b1 & 0x40) and (afc & 1) and p + 19 <= i + 188 and b[p] == 0 and b[p + 1] == 0 \
                and b[p + 2] == 1 and b[p + 3] >= 0xBD and b[p + 3] not in (0xBE, 0xBF):
            fl = b[p + 7] >> 6
            if fl & 2:
                _write_ts(b, p + 9, _read_ts(b, p + 9) + off90)
            if fl == 3:
                _write_ts(b, p + 14, _read_ts(b, p + 14) + off90)
    return bytes(b)


class TSClip:
    CHUNK = 32  # packets per paced write

    def __init__(self, path, duration):
        with open(path, "rb") as f:
            self.data = f.read()
        self.duration = float(duration)
        self.path = path
        d = self.data
        n = len(d) // 188
        self.npk = n
        pmt_pids, video_pids, audio_pids = set(), set(), set()
        self.psi = b""
        pcr = []
        rai = []
        for i in range(n):
            o = i * 188
            pid = ((d[o + 1] & 0x1F) << 8) | d[o + 2]
            afc = (d[o + 3] >> 4) & 3
            p = o + 4
            if afc & 2:
                al = d[p]
                if al:
                    fl = d[p + 1]
                    if fl & 0x10:
                        q = p + 2
                        base = (d[q] << 25) | (d[q + 1] << 17) | (d[q + 2] << 9) | (d[q + 3] << 1) | (d[q + 4] >> 7)
                        ext = ((d[q + 4] & 1) << 8) | d[q + 5]
                        pcr.append((i, base * 300 + ext))
                    if fl & 0x40:
                        rai.append((i, pid))
                p += 1 + al
            if pid == 0 and (d[o + 1] & 0x40) and not pmt_pids:
                s = p + 1 + d[p]
                slen = ((d[s + 1] & 0xF) << 8) | d[s + 2]
                for k in range(s + 8, s + 3 + slen - 4, 4):
                    prog = (d[k] << 8) | d[k + 1]
                    if prog:
                        pmt_pids.add(((d[k + 2] & 0x1F) << 8) | d[k + 3])
                if len(self.psi) == 0:
                    self.psi += d[o:o + 188]
            elif pid in pmt_pids and (d[o + 1] & 0x40) and not (video_pids or audio_pids):
                s = p + 1 + d[p]
                slen = ((d[s + 1] & 0xF) << 8) | d[s + 2]
                pil = ((d[s + 10] & 0xF) << 8) | d[s + 11]
                k = s + 12 + pil
                end = s + 3 + slen - 4
                while k < end:
                    st = d[k]
                    epid = ((d[k + 1] & 0x1F) << 8) | d[k + 2]
                    eil = ((d[k + 3] & 0xF) << 8) | d[k + 4]
                    (video_pids if st in (0x01, 0x02, 0x1B, 0x24) else audio_pids).add(epid)
                    k += 5 + eil
                self.psi += d[o:o + 188]
        if not pcr:
            raise ValueError("no PCR in %s" % path)
        d = self.data = self._drop_overlap(d, n, video_pids | audio_pids)
        self.cc_count = {}
        for i in range(n):
            o = i * 188
            if (d[o + 3] >> 4) & 1:
                pid = ((d[o + 1] & 0x1F) << 8) | d[o + 2]
                self.cc_count[pid] = self.cc_count.get(pid, 0) + 1
        self.video_pids = video_pids
        kp = video_pids or audio_pids
        self.keyframes = [i for (i, pid) in rai if pid in kp]
        # time of every packet by PCR interpolation, relative to the first PCR
        p0 = pcr[0][1]
        times = [0.0] * n
        rate = ((pcr[-1][1] - p0) / 27e6) / max(1, pcr[-1][0] - pcr[0][0])
        for i in range(0, pcr[0][0] + 1):
            times[i] = 0.0
        for (a, pa), (b_, pb) in zip(pcr, pcr[1:]):
            if b_ == a:
                continue
            step = (pb - pa) / 27e6 / (b_ - a)
            base = (pa - p0) / 27e6
            for i in range(a, b_ + 1):
                times[i] = base + (i - a) * step
        last_i, last_p = pcr[-1]
        for i in range(last_i, n):
            times[i] = (last_p - p0) / 27e6 + (i - last_i) * rate
        self.times = times
        # keyframe segments (GOP = 2 s): segment k covers [kf[k], kf[k+1])
        kfs = []
        for k in (self.keyframes or [0]):
            if not kfs or times[k] >= len(kfs) * 2.0 - 0.1:
                kfs.append(k)
        bounds = [0] + kfs[1:] + [n]
        self.segments = []
        for k in range(len(bounds) - 1):
            a, b_ = bounds[k], bounds[k + 1]
            seg = d[a * 188:b_ * 188]
            if a != 0:
                pre = bytearray(self.psi)
                for q in range(0, len(pre), 188):
                    ppid = ((pre[q + 1] & 0x1F) << 8) | pre[q + 2]
                    for r in range(0, len(seg), 188):
                        if ((seg[r + 1] & 0x1F) << 8) | seg[r + 2] == ppid:
                            pre[q + 3] = (pre[q + 3] & 0xF0) | ((seg[r + 3] - 1) & 0xF)
                            break
                seg = bytes(pre) + seg
            self.segments.append(seg)
        self.seg_dur = self.duration / len(self.segments)

    NULL = b"\x47\x1f\xff\x10" + b"\xff" * 184

    def _drop_overlap(self, d, n, es_pids):
        """Replaces with null packets every PES whose PTS lies at or beyond first PTS + duration
        (audio frames that overhang the loop point), so consecutive loops never overlap."""
        first = {}
        drop = set()
        cur_drop = {}
        limit = int(round(self.duration * 90000))
        for i in range(n):
            o = i * 188
            pid = ((d[o + 1] & 0x1F) << 8) | d[o + 2]
            if pid not in es_pids:
                continue
            afc = (d[o + 3] >> 4) & 3
            p = o + 4 + ((1 + d[o + 4]) if afc & 2 else 0)
            if (d[o + 1] & 0x40) and (afc & 1) and d[p:p + 3] == b"\x00\x00\x01" and (d[p + 7] >> 6) & 2:
                pts = _read_ts(d, p + 9)
                if pid not in first:
                    first[pid] = pts
                cur_drop[pid] = (pts - first[pid]) % PTS_MOD >= limit - 45
            if cur_drop.get(pid):
                drop.add(i)
        if not drop:
            return d
        b = bytearray(d)
        for i in drop:
            b[i * 188:(i + 1) * 188] = self.NULL
        return bytes(b)

    def segment(self, seq):
        """Bytes of absolute live HLS segment number seq, retimed to continue across loops."""
        n = len(self.segments)
        loop = seq // n
        shift = {pid: (loop * c) & 0xF for pid, c in self.cc_count.items()}
        return retime(self.segments[seq % n], int(round(loop * self.duration * 90000)), None, shift)

    def chunk_starts(self):
        return range(0, self.npk, self.CHUNK)

    def keyframe_at_or_before(self, t):
        best = self.keyframes[0] if self.keyframes else 0
        for k in self.keyframes:
            if self.times[k] <= t:
                best = k
        return best


def live_abs_time(phase):
    return time.time() - LIVE_EPOCH + phase


def stream_live(clip, phase, write, should_stop, burst=False, wait=None):
    """Sends a looped clip as a live MPEG-TS at the media rate, joining at the current position
    (mid-GOP); in burst mode it starts at a keyframe 2..4 s back and sends that backlog at once."""
    D = clip.duration
    T = live_abs_time(phase)
    loop = int(T // D)
    pos = T - loop * D
    times = clip.times
    if burst:
        k = clip.keyframe_at_or_before(pos - 2.0)
        if pos - 2.0 < 0:
            k = clip.keyframe_at_or_before(pos)
        start_pk = k
    else:
        start_pk = 0
        while start_pk < clip.npk and times[start_pk] < pos:
            start_pk += 1
        if start_pk >= clip.npk:
            start_pk = 0
            loop += 1
            pos = 0.0
    m_origin = loop * D + pos  # media time corresponding to wall time w0
    w0 = time.time()
    ccs = {}
    i = start_pk
    n = clip.npk
    data = clip.data
    step = clip.CHUNK
    while not should_stop():
        j = min(i + step, n)
        m = loop * D + times[i]
        due = w0 + (m - m_origin)
        delay = due - time.time()
        if delay > 0:
            if wait:
                if wait(delay):
                    return
            else:
                time.sleep(delay)
        write(retime(data[i * 188:j * 188], int(round(loop * D * 90000)), ccs))
        i = j
        if i >= n:
            i = 0
            loop += 1


class Media:
    """The loaded media library."""

    def __init__(self, mdir):
        self.dir = mdir
        self.clips = {}
        for m in LIVE_MEDIA:
            self.clips[m["key"]] = TSClip(os.path.join(mdir, m["key"] + ".ts"), m["dur"])
        self.clips["radio"] = TSClip(os.path.join(mdir, "radio.ts"), RADIO_MEDIA["dur"])
        self.clips["expired"] = TSClip(os.path.join(mdir, "expired.ts"), EXPIRED_MEDIA["dur"])
        self.files = {}
        for m in MOVIES:
            self.files[m["key"]] = os.path.join(mdir, m["key"] + "." + m["ext"])
        for m in EPISODES:
            self.files[m["key"]] = os.path.join(mdir, m["key"] + ".mp4")
        self.archive_dir = os.path.join(cache_root(), "archive-" + recipe_hash())
        self.image_dir = os.path.join(cache_root(), "images-" + recipe_hash())
        os.makedirs(self.archive_dir, exist_ok=True)
        os.makedirs(self.image_dir, exist_ok=True)
        self._locks = {}
        self._lk = threading.Lock()
        self._prune_archive()

    def huge_clip(self):
        """The looped 16000x16000 clip of stream 9016 (generated at its first request)."""
        with self._lock("huge"):
            c = self.clips.get("huge")
            if c is None:
                m = HUGE_MEDIA
                c = self.clips["huge"] = TSClip(ensure_huge(), m["frames"] / m["fps"])
            return c

    def _prune_archive(self):
        cutoff = time.time() - 2 * 86400
        try:
            for name in os.listdir(self.archive_dir):
                p = os.path.join(self.archive_dir, name)
                if os.path.getmtime(p) < cutoff:
                    os.unlink(p)
        except OSError:
            pass

    def _lock(self, key):
        with self._lk:
            return self._locks.setdefault(key, threading.Lock())

    def archive_minute(self, num, label, minute_utc, tz):
        """Path of a 60 s archive clip of channel `num` for the minute starting at unix time
        `minute_utc`, burning in the panel-local wall clock (zone tz).  Generated on demand."""
        import datetime
        local = datetime.datetime.fromtimestamp(minute_utc, tz)
        off = int(local.utcoffset().total_seconds())
        tzname = str(tz).replace("/", "_")
        name = "%d_%s_%d.ts" % (num, tzname, minute_utc)
        path = os.path.join(self.archive_dir, name)
        if os.path.exists(path):
            return path
        with self._lock(path):
            if os.path.exists(path):
                return path
            sign = "+" if off >= 0 else "-"
            offs = "UTC%s%02d%02d" % (sign, abs(off) // 3600, (abs(off) // 60) % 60)
            vf = ("drawtext=fontfile=%s:text='CH %d %s':x=6:y=6:fontsize=16:fontcolor=white,"
                  "drawtext=fontfile=%s:text='ARCHIVE':x=6:y=30:fontsize=16:fontcolor=orange,"
                  "drawtext=fontfile=%s:text='%%{pts\\:gmtime\\:%d\\:%%Y-%%m-%%d %%H\\\\\\:%%M\\\\\\:%%S} %s'"
                  ":x=6:y=h-30:fontsize=16:fontcolor=yellow:box=1:boxcolor=black" %
                  (FONT, num, _dt(label), FONT, FONT, minute_utc + off, offs))
            tmp = path + ".tmp%d_%d" % (os.getpid(), threading.get_ident())
            cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                   "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15",
                   "-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000" % (300 + 20 * (num % 20)),
                   "-t", "60", "-vf", vf] + _gop(15) + \
                ["-c:v", "libx264", "-preset", "ultrafast", "-b:v", "120k", "-pix_fmt", "yuv420p",
                 "-threads", "1", "-c:a", "aac", "-b:a", "32k", "-ac", "1"] + BITEXACT + \
                ["-f", "mpegts", tmp]
            _run(cmd)
            os.rename(tmp, path)
            return path

    def image(self, kind, ident, text, color):
        name = "%s_%s.png" % (kind, ident)
        path = os.path.join(self.image_dir, name)
        if os.path.exists(path):
            return path
        with self._lock(path):
            if os.path.exists(path):
                return path
            size = "200x300" if kind == "poster" else "200x200"
            tmp = path + ".tmp%d_%d.png" % (os.getpid(), threading.get_ident())
            vf = "drawtext=fontfile=%s:text='%s':x=(w-tw)/2:y=(h-th)/2:fontsize=28:fontcolor=white" % (
                FONT, _dt(text))
            _run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                  "-i", "color=c=%s:size=%s" % (color, size), "-frames:v", "1", "-vf", vf] +
                 BITEXACT + [tmp])
            os.rename(tmp, path)
            return path
