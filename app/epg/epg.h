/* SPDX-License-Identifier: MIT */
/* The EPG engine: XMLTV (plain or gzip, file or URL) streamed through expat into SQLite with bounded
 * memory, the short EPG of the player API for channels the XMLTV lacks, the mapping of library
 * streams to guide channels, and the queries the guide and the channel banner need.
 *
 * Time: every time in this API is UNIX seconds (UTC). XMLTV times without an offset are taken in the
 * panel's zone (IANA name, read from the tz database with DST; a fixed offset when the database or the
 * zone is missing). A global and a per-channel shift (settings) are applied when querying, so
 * changing them needs no re-import.
 *
 * Threads: every function takes a struct store, which is one SQLite connection and belongs to the
 * calling thread. An import runs on a worker with its own connection (or through epg_refresh_start(),
 * which opens one); it writes into staging tables in a database file of their own (beside the main
 * one: "<db>-epg-stage"), so it never holds the main database's write lock while the guide
 * downloads, and swaps them in with one short transaction at the end: readers on other connections
 * keep the old guide until the new one is complete, writers wait at most for the swap, and a crash
 * or a cancel mid-import leaves the old guide in place. */
#ifndef EPG_H
#define EPG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct plat_cancel;

/* Project error codes besides negative errno values (the network's are plat_http.h's PLAT_HTTP_E*,
 * which are negative errno values too). */
enum {
	EPG_E_XML = -2001,      /* not XML, or malformed XML (the message says where) */
	EPG_E_ENTITY = -2002,   /* an entity declaration, an internal DTD subset or an external entity */
	EPG_E_GZIP = -2003,     /* corrupt or truncated gzip */
	EPG_E_TOOBIG = -2004,   /* one XML token larger than the cap (a parser would have to buffer it) */
	EPG_E_HTTP = -2005,     /* the server answered with an HTTP error status */
	EPG_E_NOTXMLTV = -2006, /* well-formed XML whose root is not <tv> */
	EPG_E_EMPTY = -2007,    /* a guide with no <programme> at all (channels only, or nothing) */
	EPG_E_STALE = -2008,    /* programmes, but none overlaps the guide window (see epg_import) */
	EPG_E_NOMATCH = -2009,  /* programmes in the window, but none on a channel the box keeps */
	EPG_E_INVALID = -2010,  /* programmes, but none with a channel, a valid start and a later stop */
	EPG_E_LARGE = -2011     /* more XML (after inflating) than the guide cap of plat_http.h */
};

/* A short sentence a viewer can read for any code returned by this module, lower case without a full
 * stop so callers can build on it ("guide import: %s"); every EPG_E_* code has its own, the network's
 * codes theirs (static storage, English msgid). Never pass these codes to strerror(). */
const char *epg_strerror(int err);

/* Creates or upgrades the EPG tables (owner "epg" in the store's schema table). Every function below
 * calls it as needed; calling it early makes the first query cheap. Returns the schema version. */
int epg_schema_ensure(struct store *s);

/* ---------------------------------------------------------------------------------------------- */
/* Time zones */

struct epg_zone;

/* Loads an IANA zone ("Europe/London") from the tz database (plat_tzif_load(): TZif files under
 * $QANAT_ZONEINFO, else $TZDIR, else /usr/share/zoneinfo; "UTC" needs none), including the rule for
 * years past the last transition. Falls back to a fixed zone of fallback_offset_s east of UTC when
 * name is NULL/empty, malformed, not found or not a valid TZif file (then returns -ENOENT with *out
 * still set, so the caller can log and go on; NULL/empty returns 0). *out is owned by the caller:
 * release with epg_zone_free(). Returns 0, -ENOENT (fallback in use), -ENOMEM. */
int epg_zone_load(const char *name, int fallback_offset_s, struct epg_zone **out);
void epg_zone_free(struct epg_zone **z);

/* Offset east of UTC, in seconds, in force at utc in the zone. */
int epg_zone_offset_at(const struct epg_zone *z, int64_t utc);

/* The UTC instant of a wall-clock time in the zone; local is the wall clock written as if it were
 * UTC (days_from_civil arithmetic). In a DST gap the time is read with the offset before the change;
 * in an overlap the earlier instant is chosen. */
int64_t epg_zone_utc_from_local(const struct epg_zone *z, int64_t local);

/* Parses an XMLTV time "YYYYMMDDhhmmss +HHMM" (seconds, minutes, hours may be missing; the offset
 * may be +HHMM, +HH:MM, Z, UTC or GMT, or absent: then zone applies, UTC when zone is NULL).
 * Returns 0 with *utc set, or -EINVAL. */
int epg_time_parse_xmltv(const char *text, const struct epg_zone *zone, int64_t *utc);

/* ---------------------------------------------------------------------------------------------- */
/* Import */

struct epg_import_opts {
	const char *zone;  /* the panel's IANA zone for times without an offset; NULL = UTC */
	int zone_offset_s; /* fallback when the zone cannot be loaded (time_now - timestamp_now) */
	const char *lang;  /* the UI language ("ar"): its title/description become the primary ones */
	int64_t now;       /* wall clock for the window, UNIX seconds; 0 = the system clock */
	int days_back;     /* keep programmes ending after now - days_back days; < 0: no limit */
	int days_forward;  /* keep programmes starting before now + days_forward days; < 0: no limit */
	const char *const *only_keys; /* when not NULL, keep only these channel ids (trimmed, any case) */
	size_t only_count;
	bool only_mapped;       /* keep only channels the library mapped (epg_map_channels) */
	int batch_rows;         /* rows per transaction; 0 = 10000 */
	bool no_resume;         /* start over even when a matching staging import was interrupted */
	const char *user_agent; /* for URLs; NULL = "Qanat" */
	atomic_bool
	    *abort; /* set from any thread to cancel (seen within 100 ms); the old guide stays. May be NULL */
	struct plat_cancel *cancel; /* fired from any thread: the download stops at once, -ECANCELED, the
				     * old guide stays; borrowed, may be NULL */
	void (*progress)(void *user, int64_t programmes, uint64_t bytes); /* each batch; may be NULL */
	void *progress_user;
};

/* Defaults: UTC, no language preference, EPG_CATCHUP_DAYS (7) back, 14 forward, batches of 10000,
 * resume on. */
void epg_import_opts_init(struct epg_import_opts *o);

struct epg_import_stats {
	int64_t programmes;    /* stored */
	int64_t channels;      /* channels stored (declared or referenced by kept programmes) */
	int64_t duplicates;    /* same channel and start as one already stored: dropped */
	int64_t rejected;      /* unparsable time, stop not after start, no channel, no stop */
	int64_t out_of_window; /* outside the days back/forward window */
	int64_t filtered;      /* channel not in the keep set */
	int64_t resumed_from;  /* programmes skipped because an interrupted import had stored them */
	int64_t swept;         /* programmes older than the catch-up window deleted after the swap */
	uint64_t repaired;     /* U+FFFD written for ill-formed UTF-8 or NUL/control bytes in the XML */
	uint64_t bytes_in;     /* bytes read (compressed when gzip) */
	uint64_t bytes_xml;    /* bytes of XML after inflating */
	bool gzip;
	double seconds;
	double swap_seconds; /* the one transaction on the main database that put the guide in force */
};

/* Imports XMLTV from source: an http(s):// URL (downloaded through the box's HTTP layer, kind
 * PLAT_HTTP_GUIDE, and parsed as it arrives) or a file path ("-" reads stdin). gzip is detected by its
 * magic bytes, whatever the headers say; the XML after inflating is capped at the guide kind's
 * max_decoded (EPG_E_LARGE). Ill-formed UTF-8 and NUL/control bytes are repaired per character
 * (U+FFFD, counted in stats->repaired), never fatal.
 *
 * The guide window is [now - days_back days, now + days_forward days] (either side unbounded when its
 * days are < 0). A programme is in the window when it overlaps it (stop after the start of the
 * window and start before its end); the others are dropped. A guide with no programme kept - none
 * at all (EPG_E_EMPTY), none in the window (EPG_E_STALE: a stale guide or a wrong clock), none on a
 * kept channel (EPG_E_NOMATCH), none valid (EPG_E_INVALID) - is refused: it never replaces the guide
 * in force.
 *
 * On success the new guide replaces the old one (channels from the short EPG that the XMLTV lacks are
 * kept) in one transaction, then programmes that ended before the catch-up window are swept
 * (epg_sweep with days_back; not when days_back < 0). stats may be NULL. Returns 0 or a negative
 * error (epg_strerror); on error the old guide is intact. */
int epg_import(struct store *s, const char *source, const struct epg_import_opts *opts,
	       struct epg_import_stats *stats);

/* The same from memory (tests, fuzzing, a body fetched by someone else). Resume does not apply. */
int epg_import_buffer(struct store *s, const void *data, size_t len, const struct epg_import_opts *opts,
		      struct epg_import_stats *stats);

/* The catch-up window, in days, that guide imports and sweeps keep by default: a week, which covers
 * the longest tv_archive_duration panels offer in practice (XTREAM.md: 1-7 days) and is what the guide
 * can show backwards. */
#define EPG_CATCHUP_DAYS 7

/* Deletes programmes that ended before now - days_back days (short EPG rows and a guide that has not
 * been refreshed). Returns the number deleted or a negative error. */
int epg_sweep(struct store *s, int64_t now, int days_back);

/* True (1) when the guide has never been imported or the last good import is older than max_age_s;
 * 0 otherwise; negative on error. */
int epg_refresh_due(struct store *s, int64_t now, int64_t max_age_s);

/* A background import: a thread with its own connection to db_path. The strings and keys of opts
 * are copied; opts->abort, opts->cancel and opts->progress are ignored (use epg_refresh_cancel, which
 * stops a download at once). Whatever the import's outcome (unless cancelled), programmes older than
 * the catch-up window (opts->days_back; none when it is < 0) are swept, so a guide that cannot be
 * refreshed (server down, stale guide refused) still loses its past. *out is owned by the caller: epg_refresh_join() waits,
 * frees it and returns the import's result. */
struct epg_refresh;
int epg_refresh_start(const char *db_path, const char *source, const struct epg_import_opts *opts,
		      struct epg_refresh **out);
bool epg_refresh_finished(const struct epg_refresh *r);
void epg_refresh_cancel(struct epg_refresh *r);
int epg_refresh_join(struct epg_refresh **r, struct epg_import_stats *stats);

/* ---------------------------------------------------------------------------------------------- */
/* Channel mapping and settings */

/* One live stream of the library, as get_live_streams describes it. */
struct epg_map_row {
	int stream_id;
	const char *epg_channel_id; /* may be NULL or "" */
	const char *name;           /* the stream's display name; may be NULL */
};

/* Replaces the stream -> guide channel mapping with rows. A stream matches the guide channel whose id
 * equals its epg_channel_id (trimmed, ASCII case-insensitive), else the channel whose display name
 * equals its name. The rule is evaluated at query time, so it holds across re-imports. *matched
 * (may be NULL) gets the number of streams that match a channel in the current guide. */
int epg_map_channels(struct store *s, const struct epg_map_row *rows, size_t n, size_t *matched);

/* Shift settings: key NULL is the global shift, otherwise a channel id (XMLTV id, any case). */
int epg_shift_set(struct store *s, const char *channel_key, int seconds);
int epg_shift_get(struct store *s, const char *channel_key, int *seconds);

/* ---------------------------------------------------------------------------------------------- */
/* Short EPG (player API) */

/* Stores the listings of a get_short_epg or get_simple_data_table answer (json, len bytes) for
 * stream_id: start/stop from the *_timestamp fields, else the start/stop strings read in zone; title
 * and description base64-decoded when they are valid base64 of UTF-8 text, else kept as sent. The
 * listings go under their channel_id (or "stream:<id>"), and the stream is mapped there when it had
 * no guide channel. XUI's object keyed by stream id is accepted. *count (may be NULL) gets the number
 * stored. Returns 0, or EPG_E_XML-like -EBADMSG when the JSON is not a short EPG answer. */
int epg_short_import(struct store *s, int stream_id, const char *json, size_t len,
		     const struct epg_zone *zone, size_t *count);

/* Defensive base64 (exposed for tests; plat_base64_text()): out (cap bytes, NUL-terminated) gets the
 * decoded text when text is valid base64 of valid UTF-8 without control characters other than tab,
 * CR and LF, else text as it is; either is cut at a character boundary to fit. Returns true when it
 * decoded. */
bool epg_text_from_base64(const char *text, char *out, size_t cap);

/* ---------------------------------------------------------------------------------------------- */
/* Queries */

#define EPG_TITLE_MAX 512
#define EPG_TEXT_MAX 4096

/* A programme in a list: now/next, the guide window, search results. */
struct epg_slot {
	int64_t id;                /* programme id, valid until the next import */
	int stream_id;             /* the stream it was asked for (search: a stream mapped to it, or 0) */
	int64_t start, stop;       /* UTC seconds, shifts applied; overlaps clipped in the guide */
	char title[EPG_TITLE_MAX]; /* in the preferred language when the guide has it */
	char category[128];
	char lang[8]; /* language of title, "" when unknown */
};

struct epg_now_next {
	bool has_now, has_next;
	struct epg_slot now, next;
};

/* For each stream in ids: the programme on air at time now and the one after it. lang may be NULL.
 * out has n entries. Returns 0 or a negative error. */
int epg_now_next(struct store *s, const int *ids, size_t n, int64_t now, const char *lang,
		 struct epg_now_next *out);

/* The programmes that overlap [t0, t1) for each stream in ids, grouped by stream in the order of ids
 * and sorted by start; an overlapping programme is cut at the start of the next. Fills at most cap
 * slots; *count gets the number filled. Returns 0, or -ENOSPC when cap was too small (out is then
 * full and valid). */
int epg_guide_window(struct store *s, const int *ids, size_t n, int64_t t0, int64_t t1, const char *lang,
		     struct epg_slot *out, size_t cap, size_t *count);

/* Everything known about one programme. */
struct epg_details {
	struct epg_slot slot;
	char channel_key[128]; /* the XMLTV channel id */
	char channel_name[128];
	char subtitle[EPG_TITLE_MAX];
	char desc[EPG_TEXT_MAX];
	char episode[64]; /* "S2 E5" (xmltv_ns) or the on-screen form */
	char icon[1024];
	char rating[32];
	char categories[256]; /* all categories, separated by ", " */
};

/* Returns 0, -ENOENT when the id is unknown (a re-import renumbers programmes), or an error. */
int epg_programme_details(struct store *s, int64_t id, const char *lang, struct epg_details *out);

/* Full-text search over titles (every language), prefix match on the last word, results ending after
 * since, sorted by start. Fills at most cap slots. Returns 0 or a negative error. */
int epg_search(struct store *s, const char *query, int64_t since, const char *lang, struct epg_slot *out,
	       size_t cap, size_t *count);

#endif
