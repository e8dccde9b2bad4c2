/* SPDX-License-Identifier: MIT */
/* The streaming XMLTV reader: bytes in as they arrive (from the HTTP layer or a file), gzip detected
 * by its magic bytes and inflated with zlib, XML parsed by expat with every entity declaration, every
 * internal DTD subset and external entity refused (and expat's own amplification limits on), and
 * each <channel> and <programme> handed to a sink as one record. Memory is fixed whatever the input:
 * text fields have caps (longer text is cut at a character boundary), a single XML token that expat
 * would have to buffer whole is refused past EPG_TOKEN_MAX, and the XML as a whole (after inflating)
 * past the caller's cap, so a gzip bomb costs the cap, not minutes of CPU.
 *
 * Repair: a guide is one big file from a panel that rarely validates its database, so one bad byte
 * must not cost the whole guide. Before expat sees them the bytes are repaired: every ill-formed
 * UTF-8 sequence (stray continuation bytes, overlong forms, surrogates, cut sequences, bytes past
 * U+10FFFF) and every character XML forbids (C0 controls other than tab, LF and CR, so NUL too;
 * U+FFFE and U+FFFF) becomes U+FFFD, one per maximal ill-formed subpart as Unicode recommends. Text
 * keeps everything else; markup with such a byte stays malformed XML and is refused as before. */
#include "epg_internal.h"

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define EPG_CHUNK (64 * 1024)
/* The longest run of input that may pass without expat reporting anything: a tag with megabytes of
 * attributes or a giant comment would otherwise sit whole in expat's buffer. */
#define EPG_TOKEN_MAX (8u * 1024 * 1024)
/* Repaired bytes of one chunk: each input byte gives at most three (U+FFFD), plus one pending
 * sequence carried over from the previous chunk. */
#define EPG_FIXED_MAX (3 * EPG_CHUNK + 16)

enum field {
	F_NONE,
	F_CH_NAME,
	F_TITLE,
	F_SUB,
	F_DESC,
	F_CATEGORY,
	F_EPISODE,
	F_RATING_VALUE,
};

struct textbuf {
	char *buf;
	size_t len, cap;
};

/* UTF-8 repair state carried between chunks: the bytes of a sequence not yet complete. */
struct utf8_fix {
	unsigned char seq[4];
	unsigned len, need;   /* bytes held, continuation bytes still expected */
	unsigned char lo, hi; /* the range the next continuation byte must be in */
	uint64_t replaced;    /* U+FFFD written */
};

struct langtext {
	char lang[16];
	size_t len;
};

struct epg_xmltv {
	XML_Parser xml;
	const struct epg_zone *zone;
	struct epg_xml_sink sink;
	int err;
	char detail[160];

	/* gzip */
	bool decided, gzip, z_ready, z_end;
	z_stream z;
	unsigned char zout[EPG_CHUNK];
	uint64_t bytes_xml;
	uint64_t max_xml; /* 0 = no cap */

	/* repair */
	struct utf8_fix fix;
	char fixed[EPG_FIXED_MAX];

	/* token cap: bytes fed since expat last reported something */
	uint64_t quiet_bytes;
	bool event;

	/* element state */
	bool root_seen;
	int depth;        /* of the element being read */
	int skip_depth;   /* > 0: inside an element we ignore, up to this depth */
	int in_channel;   /* depth of <channel>, 0 when outside */
	int in_programme; /* depth of <programme> */
	bool in_rating;
	enum field field;
	struct textbuf cur; /* where character data goes */
	char ep_system[16];

	/* channel record */
	char ch_id[256], ch_name[256], ch_icon[1024];
	size_t ch_name_len;
	bool ch_has_name;

	/* programme record */
	char pr_channel[256];
	char pr_start[64], pr_stop[64];
	char title[EPG_LANGS_MAX][EPG_TITLE_MAX], sub[EPG_LANGS_MAX][EPG_TITLE_MAX];
	char desc[EPG_LANGS_MAX][EPG_TEXT_MAX];
	struct langtext title_l[EPG_LANGS_MAX], sub_l[EPG_LANGS_MAX], desc_l[EPG_LANGS_MAX];
	size_t n_title, n_sub, n_desc;
	char categories[256];
	size_t categories_len;
	char category[128];
	char ep_ns[64], ep_onscreen[64], ep_other[64];
	char icon[1024];
	char rating[32];
};

/* ---------------------------------------------------------------------------------------------- */
/* Small helpers */

void epg_utf8_trim(char *buf, size_t *len)
{
	size_t n = *len, i = n;
	/* step back over continuation bytes to the lead byte of the last sequence */
	while (i > 0 && n - i < 4 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0) {
		unsigned char lead = (unsigned char)buf[i - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		if (lead >= 0x80 && n - (i - 1) < need)
			n = i - 1;
	}
	buf[n] = '\0';
	*len = n;
}

static void copy_capped(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	epg_utf8_trim(dst, &n);
}

static const char *attr(const XML_Char **attrs, const char *name)
{
	for (size_t i = 0; attrs[i]; i += 2)
		if (strcmp(attrs[i], name) == 0)
			return attrs[i + 1];
	return NULL;
}

/* Trims ASCII whitespace in place; returns the new length. */
static size_t trim(char *s, size_t len)
{
	size_t a = 0;
	while (a < len && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r'))
		a++;
	while (len > a &&
	       (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (a > 0)
		memmove(s, s + a, len - a);
	s[len - a] = '\0';
	return len - a;
}

static void fail(struct epg_xmltv *x, int err, const char *detail)
{
	if (x->err == 0) {
		x->err = err;
		snprintf(x->detail, sizeof(x->detail), "%s", detail);
	}
	XML_StopParser(x->xml, XML_FALSE);
}

static void target(struct epg_xmltv *x, enum field f, char *buf, size_t cap)
{
	x->field = f;
	x->cur.buf = buf;
	x->cur.cap = cap;
	x->cur.len = 0;
	buf[0] = '\0';
}

/* ---------------------------------------------------------------------------------------------- */
/* expat handlers */

static void reset_programme(struct epg_xmltv *x, const XML_Char **attrs)
{
	const char *ch = attr(attrs, "channel"), *start = attr(attrs, "start"), *stop = attr(attrs, "stop");
	copy_capped(x->pr_channel, sizeof(x->pr_channel), ch ? ch : "");
	copy_capped(x->pr_start, sizeof(x->pr_start), start ? start : "");
	copy_capped(x->pr_stop, sizeof(x->pr_stop), stop ? stop : "");
	x->n_title = x->n_sub = x->n_desc = 0;
	x->categories[0] = '\0';
	x->categories_len = 0;
	x->ep_ns[0] = x->ep_onscreen[0] = x->ep_other[0] = '\0';
	x->icon[0] = '\0';
	x->rating[0] = '\0';
}

/* Picks the slot for one more language variant of title/sub-title/desc (NULL when all are taken). */
static char *lang_slot(char (*bufs)[EPG_TITLE_MAX], struct langtext *l, size_t *n, const char *lang)
{
	if (*n >= EPG_LANGS_MAX)
		return NULL;
	copy_capped(l[*n].lang, sizeof(l[*n].lang), lang ? lang : "");
	return bufs[(*n)++];
}

static void start_programme_child(struct epg_xmltv *x, const XML_Char *name, const XML_Char **attrs)
{
	const char *lang = attr(attrs, "lang");
	char *slot = NULL;
	if (strcmp(name, "title") == 0) {
		if ((slot = lang_slot(x->title, x->title_l, &x->n_title, lang)))
			target(x, F_TITLE, slot, EPG_TITLE_MAX);
	} else if (strcmp(name, "sub-title") == 0) {
		if ((slot = lang_slot(x->sub, x->sub_l, &x->n_sub, lang)))
			target(x, F_SUB, slot, EPG_TITLE_MAX);
	} else if (strcmp(name, "desc") == 0) {
		if (x->n_desc < EPG_LANGS_MAX) {
			copy_capped(x->desc_l[x->n_desc].lang, sizeof(x->desc_l[0].lang), lang ? lang : "");
			target(x, F_DESC, x->desc[x->n_desc++], EPG_TEXT_MAX);
		}
	} else if (strcmp(name, "category") == 0) {
		target(x, F_CATEGORY, x->category, sizeof(x->category));
	} else if (strcmp(name, "episode-num") == 0) {
		const char *sys = attr(attrs, "system");
		copy_capped(x->ep_system, sizeof(x->ep_system), sys ? sys : "");
		target(x, F_EPISODE, x->ep_other, sizeof(x->ep_other));
	} else if (strcmp(name, "icon") == 0) {
		const char *src = attr(attrs, "src");
		if (src && !x->icon[0])
			copy_capped(x->icon, sizeof(x->icon), src);
	} else if (strcmp(name, "rating") == 0) {
		x->in_rating = true;
	} else if (strcmp(name, "value") == 0 && x->in_rating) {
		target(x, F_RATING_VALUE, x->rating, sizeof(x->rating));
	}
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
	struct epg_xmltv *x = user;
	x->event = true;
	x->depth++;
	if (!x->root_seen) {
		x->root_seen = true;
		if (strcmp(name, "tv") != 0)
			fail(x, EPG_E_NOTXMLTV, "the root element is not <tv>");
		return;
	}
	if (x->skip_depth || x->field != F_NONE)
		return; /* markup inside a text field (or an ignored subtree) is ignored */
	if (x->in_programme) {
		if (x->depth == x->in_programme + 1 || (x->in_rating && strcmp(name, "value") == 0))
			start_programme_child(x, name, attrs);
		return;
	}
	if (x->in_channel) {
		if (x->depth != x->in_channel + 1)
			return;
		if (strcmp(name, "display-name") == 0 && !x->ch_has_name) {
			x->ch_has_name = true;
			target(x, F_CH_NAME, x->ch_name, sizeof(x->ch_name));
		} else if (strcmp(name, "icon") == 0 && !x->ch_icon[0]) {
			const char *src = attr(attrs, "src");
			copy_capped(x->ch_icon, sizeof(x->ch_icon), src ? src : "");
		}
		return;
	}
	if (x->depth != 2)
		return;
	if (strcmp(name, "programme") == 0) {
		x->in_programme = x->depth;
		reset_programme(x, attrs);
	} else if (strcmp(name, "channel") == 0) {
		x->in_channel = x->depth;
		const char *id = attr(attrs, "id");
		copy_capped(x->ch_id, sizeof(x->ch_id), id ? id : "");
		x->ch_name[0] = x->ch_icon[0] = '\0';
		x->ch_has_name = false;
	}
}

static void XMLCALL on_text(void *user, const XML_Char *s, int len)
{
	struct epg_xmltv *x = user;
	x->event = true;
	if (x->field == F_NONE || len <= 0)
		return;
	size_t room = x->cur.cap - 1 - x->cur.len;
	size_t n = (size_t)len < room ? (size_t)len : room;
	memcpy(x->cur.buf + x->cur.len, s, n);
	x->cur.len += n;
}

static void add_category(struct epg_xmltv *x, const char *c, size_t len)
{
	if (len == 0)
		return;
	size_t need = len + (x->categories_len ? 2 : 0);
	if (x->categories_len + need >= sizeof(x->categories))
		return;
	if (x->categories_len) {
		memcpy(x->categories + x->categories_len, ", ", 2);
		x->categories_len += 2;
	}
	memcpy(x->categories + x->categories_len, c, len);
	x->categories_len += len;
	x->categories[x->categories_len] = '\0';
}

/* xmltv_ns "S.E.P" zero-based, each part maybe "a/b" or empty -> "S2 E5". */
static void episode_from_ns(const char *ns, char *out, size_t cap)
{
	long part[2] = { -1, -1 };
	const char *p = ns;
	for (int i = 0; i < 2; i++) {
		while (*p == ' ')
			p++;
		if (*p >= '0' && *p <= '9') {
			char *end;
			long v = strtol(p, &end, 10);
			if (v >= 0 && v < 100000)
				part[i] = v;
			p = end;
		}
		while (*p && *p != '.')
			p++;
		if (*p != '.')
			break;
		p++;
	}
	if (part[0] >= 0 && part[1] >= 0)
		snprintf(out, cap, "S%ld E%ld", part[0] + 1, part[1] + 1);
	else if (part[1] >= 0)
		snprintf(out, cap, "E%ld", part[1] + 1);
	else if (part[0] >= 0)
		snprintf(out, cap, "S%ld", part[0] + 1);
	else
		out[0] = '\0';
}

static void end_field(struct epg_xmltv *x)
{
	x->cur.buf[x->cur.len] = '\0';
	epg_utf8_trim(x->cur.buf, &x->cur.len);
	x->cur.len = trim(x->cur.buf, x->cur.len);
	switch (x->field) {
	case F_TITLE:
		if (x->cur.len == 0)
			x->n_title--; /* an empty title does not count as a language variant */
		break;
	case F_SUB:
		if (x->cur.len == 0)
			x->n_sub--;
		break;
	case F_DESC:
		if (x->cur.len == 0)
			x->n_desc--;
		break;
	case F_CATEGORY:
		add_category(x, x->cur.buf, x->cur.len);
		break;
	case F_EPISODE:
		if (strcmp(x->ep_system, "xmltv_ns") == 0) {
			episode_from_ns(x->ep_other, x->ep_ns, sizeof(x->ep_ns));
			x->ep_other[0] = '\0';
		} else if (strcmp(x->ep_system, "onscreen") == 0) {
			copy_capped(x->ep_onscreen, sizeof(x->ep_onscreen), x->ep_other);
			x->ep_other[0] = '\0';
		}
		break;
	default:
		break;
	}
	x->field = F_NONE;
}

static void texts(struct epg_xml_text *out, size_t n, char (*bufs)[EPG_TITLE_MAX], const struct langtext *l)
{
	for (size_t i = 0; i < n; i++) {
		out[i].lang = l[i].lang;
		out[i].text = bufs[i];
	}
}

static void emit_programme(struct epg_xmltv *x)
{
	struct epg_xml_programme p = { 0 };
	p.channel = x->pr_channel;
	p.bad_time = epg_time_parse_xmltv(x->pr_start, x->zone, &p.start) < 0;
	p.has_stop = x->pr_stop[0] != '\0';
	if (p.has_stop && epg_time_parse_xmltv(x->pr_stop, x->zone, &p.stop) < 0)
		p.bad_time = true;
	p.n_title = x->n_title;
	p.n_sub = x->n_sub;
	p.n_desc = x->n_desc;
	texts(p.title, x->n_title, x->title, x->title_l);
	texts(p.sub, x->n_sub, x->sub, x->sub_l);
	for (size_t i = 0; i < x->n_desc; i++) {
		p.desc[i].lang = x->desc_l[i].lang;
		p.desc[i].text = x->desc[i];
	}
	p.categories = x->categories;
	p.episode = x->ep_ns[0] ? x->ep_ns : x->ep_onscreen[0] ? x->ep_onscreen : x->ep_other;
	p.icon = x->icon;
	p.rating = x->rating;
	int rc = x->sink.programme ? x->sink.programme(x->sink.user, &p) : 0;
	if (rc < 0)
		fail(x, rc, "stopped by the importer");
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
	struct epg_xmltv *x = user;
	x->event = true;
	if (x->field != F_NONE && x->depth == (x->in_programme ? x->in_programme + 1 : x->in_channel + 1))
		end_field(x);
	else if (x->field == F_RATING_VALUE && x->depth == x->in_programme + 2)
		end_field(x);
	if (x->in_rating && x->depth == x->in_programme + 1 && strcmp(name, "rating") == 0)
		x->in_rating = false;
	if (x->in_programme && x->depth == x->in_programme) {
		x->in_programme = 0;
		x->in_rating = false;
		emit_programme(x);
	} else if (x->in_channel && x->depth == x->in_channel) {
		x->in_channel = 0;
		size_t n = strlen(x->ch_name);
		trim(x->ch_name, n);
		struct epg_xml_channel c = { x->ch_id, x->ch_name, x->ch_icon };
		int rc = x->sink.channel ? x->sink.channel(x->sink.user, &c) : 0;
		if (rc < 0)
			fail(x, rc, "stopped by the importer");
	}
	x->depth--;
}

static void XMLCALL on_entity_decl(void *user, const XML_Char *name, int is_param, const XML_Char *value,
				   int value_len, const XML_Char *base, const XML_Char *system_id,
				   const XML_Char *public_id, const XML_Char *notation)
{
	struct epg_xmltv *x = user;
	char msg[160];
	snprintf(msg, sizeof(msg), "entity declaration '%.64s' refused", name ? name : "");
	fail(x, EPG_E_ENTITY, msg);
}

static int XMLCALL on_external_entity(XML_Parser p, const XML_Char *context, const XML_Char *base,
				      const XML_Char *system_id, const XML_Char *public_id)
{
	struct epg_xmltv *x = XML_GetUserData(p);
	if (x->err == 0) {
		x->err = EPG_E_ENTITY;
		snprintf(x->detail, sizeof(x->detail), "external entity refused");
	}
	return XML_STATUS_ERROR;
}

/* XMLTV's DOCTYPE names xmltv.dtd and nothing more; an internal subset is where entity bombs live, and
 * a guide has no use for one: refused before any declaration in it is read. */
static void XMLCALL on_doctype(void *user, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	struct epg_xmltv *x = user;
	x->event = true;
	if (has_internal_subset)
		fail(x, EPG_E_ENTITY, "a DOCTYPE with an internal subset refused");
}

/* ---------------------------------------------------------------------------------------------- */
/* Feeding */

int epg_xmltv_create(const struct epg_zone *zone, const struct epg_xml_sink *sink, struct epg_xmltv **out)
{
	*out = NULL;
	struct epg_xmltv *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->xml = XML_ParserCreate("UTF-8");
	if (!x->xml) {
		free(x);
		return -ENOMEM;
	}
	x->zone = zone;
	x->sink = *sink;
	XML_SetUserData(x->xml, x);
	XML_SetElementHandler(x->xml, on_start, on_end);
	XML_SetCharacterDataHandler(x->xml, on_text);
	XML_SetEntityDeclHandler(x->xml, on_entity_decl);
	XML_SetExternalEntityRefHandler(x->xml, on_external_entity);
	XML_SetStartDoctypeDeclHandler(x->xml, on_doctype);
	XML_SetParamEntityParsing(x->xml, XML_PARAM_ENTITY_PARSING_NEVER);
#if defined(XML_DTD) && (XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4))
	/* a second fence behind the refusals above: expat's own amplification limit, tightened */
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(x->xml, 20.0f);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(x->xml, 1u << 20);
#endif
	*out = x;
	return 0;
}

void epg_xmltv_free(struct epg_xmltv **xp)
{
	struct epg_xmltv *x = xp ? *xp : NULL;
	if (!x)
		return;
	if (x->z_ready)
		inflateEnd(&x->z);
	XML_ParserFree(x->xml);
	free(x);
	*xp = NULL;
}

const char *epg_xmltv_error_detail(const struct epg_xmltv *x)
{
	return x->detail;
}

bool epg_xmltv_is_gzip(const struct epg_xmltv *x)
{
	return x->gzip;
}

uint64_t epg_xmltv_bytes_xml(const struct epg_xmltv *x)
{
	return x->bytes_xml;
}

uint64_t epg_xmltv_repaired(const struct epg_xmltv *x)
{
	return x->fix.replaced;
}

void epg_xmltv_set_max_xml(struct epg_xmltv *x, uint64_t max_bytes)
{
	x->max_xml = max_bytes;
}

/* ---------------------------------------------------------------------------------------------- */
/* UTF-8 repair */

static size_t put_fffd(struct utf8_fix *f, char *out)
{
	f->replaced++;
	memcpy(out, "\xEF\xBF\xBD", 3);
	return 3;
}

/* Starts a sequence at lead byte b; false when b cannot start one. */
static bool fix_lead(struct utf8_fix *f, unsigned char b)
{
	f->lo = 0x80;
	f->hi = 0xBF;
	if (b >= 0xC2 && b <= 0xDF) {
		f->need = 1;
	} else if (b >= 0xE0 && b <= 0xEF) {
		f->need = 2;
		if (b == 0xE0)
			f->lo = 0xA0; /* overlong */
		else if (b == 0xED)
			f->hi = 0x9F; /* surrogates */
	} else if (b >= 0xF0 && b <= 0xF4) {
		f->need = 3;
		if (b == 0xF0)
			f->lo = 0x90; /* overlong */
		else if (b == 0xF4)
			f->hi = 0x8F; /* past U+10FFFF */
	} else {
		return false;
	}
	f->seq[0] = b;
	f->len = 1;
	return true;
}

/* A byte outside a sequence: ASCII (XML's forbidden controls replaced) or the lead of a sequence. */
static size_t fix_start(struct utf8_fix *f, unsigned char b, char *out)
{
	if (b < 0x80) {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
			return put_fffd(f, out);
		out[0] = (char)b;
		return 1;
	}
	return fix_lead(f, b) ? 0 : put_fffd(f, out);
}

/* Repairs n bytes of in into out (at least 3 * n + 3 bytes); final flushes a cut sequence. Returns
 * the bytes written. The fast path copies printable ASCII as it is. */
/* True when the eight bytes at p are all printable ASCII (0x20..0x7F): b + 0x60 sets the high bit of
 * exactly the bytes >= 0x20, with no carry while every byte is below 0x80. */
static bool printable8(const unsigned char *p)
{
	const uint64_t high = 0x8080808080808080ull, lift = 0x6060606060606060ull;
	uint64_t w;
	memcpy(&w, p, 8);
	return (w & high) == 0 && ((w + lift) & high) == high;
}

static size_t utf8_fix_run(struct utf8_fix *f, const unsigned char *in, size_t n, char *out, bool final)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		/* the common case, eight bytes at a time */
		for (; f->need == 0 && i + 8 <= n && printable8(in + i); i += 8, o += 8)
			memcpy(out + o, in + i, 8);
		if (i == n)
			break;
		unsigned char b = in[i];
		if (f->need == 0) {
			if (b >= 0x20 && b < 0x80)
				out[o++] = (char)b;
			else
				o += fix_start(f, b, out + o);
			continue;
		}
		if (b < f->lo || b > f->hi) {
			/* the sequence so far is one ill-formed subpart; b starts afresh */
			f->need = f->len = 0;
			o += put_fffd(f, out + o);
			o += fix_start(f, b, out + o);
			continue;
		}
		f->seq[f->len++] = b;
		f->lo = 0x80;
		f->hi = 0xBF;
		if (--f->need > 0)
			continue;
		/* U+FFFE and U+FFFF are well-formed UTF-8 but not XML characters */
		if (f->len == 3 && f->seq[0] == 0xEF && f->seq[1] == 0xBF && f->seq[2] >= 0xBE) {
			o += put_fffd(f, out + o);
		} else {
			memcpy(out + o, f->seq, f->len);
			o += f->len;
		}
		f->len = 0;
	}
	if (final && f->need > 0) {
		f->need = f->len = 0;
		o += put_fffd(f, out + o);
	}
	return o;
}

/* ---------------------------------------------------------------------------------------------- */
/* Parsing */

static int xml_fail(struct epg_xmltv *x, int err, const char *detail)
{
	x->err = err;
	snprintf(x->detail, sizeof(x->detail), "%s", detail);
	return err;
}

static int xml_feed(struct epg_xmltv *x, const char *data, size_t len, bool final)
{
	do {
		size_t n = len < EPG_CHUNK ? len : EPG_CHUNK;
		if (x->max_xml && x->bytes_xml + n > x->max_xml) {
			char msg[96];
			snprintf(msg, sizeof(msg), "more than %llu MiB of XML",
				 (unsigned long long)(x->max_xml >> 20));
			return xml_fail(x, EPG_E_LARGE, msg);
		}
		size_t m = utf8_fix_run(&x->fix, (const unsigned char *)data, n, x->fixed, final && n == len);
		x->event = false;
		enum XML_Status st = XML_Parse(x->xml, x->fixed, (int)m, final && n == len);
		x->bytes_xml += n;
		if (st != XML_STATUS_OK) {
			if (x->err == 0) {
				enum XML_Error code = XML_GetErrorCode(x->xml);
				x->err = code == XML_ERROR_ENTITY_DECLARED_IN_PE ||
						 code == XML_ERROR_AMPLIFICATION_LIMIT_BREACH
					     ? EPG_E_ENTITY
					     : EPG_E_XML;
				snprintf(x->detail, sizeof(x->detail), "line %lu, column %lu: %s",
					 (unsigned long)XML_GetCurrentLineNumber(x->xml),
					 (unsigned long)XML_GetCurrentColumnNumber(x->xml),
					 XML_ErrorString(code));
			}
			return x->err;
		}
		x->quiet_bytes = x->event ? 0 : x->quiet_bytes + n;
		if (x->quiet_bytes > EPG_TOKEN_MAX) {
			char msg[64];
			snprintf(msg, sizeof(msg), "an XML token longer than %u MiB", EPG_TOKEN_MAX >> 20);
			return xml_fail(x, EPG_E_TOOBIG, msg);
		}
		data += n;
		len -= n;
	} while (len > 0);
	return 0;
}

static int gz_feed(struct epg_xmltv *x, const unsigned char *data, size_t len)
{
	x->z.next_in = (Bytef *)data;
	x->z.avail_in = (uInt)len;
	while (x->z.avail_in > 0) {
		if (x->z_end) {
			/* another gzip member follows (concatenated gzip files are valid gzip) */
			if (x->z.avail_in < 2 || x->z.next_in[0] != 0x1f || x->z.next_in[1] != 0x8b)
				return 0; /* trailing garbage after the stream is ignored, as gzip does */
			inflateReset(&x->z);
			x->z_end = false;
		}
		x->z.next_out = x->zout;
		x->z.avail_out = sizeof(x->zout);
		int zrc = inflate(&x->z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
			x->err = EPG_E_GZIP;
			snprintf(x->detail, sizeof(x->detail), "gzip: %s",
				 x->z.msg ? x->z.msg : "corrupt data");
			return x->err;
		}
		size_t produced = sizeof(x->zout) - x->z.avail_out;
		if (produced && xml_feed(x, (const char *)x->zout, produced, false) < 0)
			return x->err;
		if (zrc == Z_STREAM_END)
			x->z_end = true;
		else if (zrc == Z_BUF_ERROR && produced == 0)
			break;
	}
	return 0;
}

int epg_xmltv_feed(struct epg_xmltv *x, const void *data, size_t len)
{
	if (x->err)
		return x->err;
	if (len == 0)
		return 0;
	const unsigned char *p = data;
	if (!x->decided) {
		/* one byte cannot decide: a lone 0x1f waits for the next */
		if (len == 1 && p[0] == 0x1f && !x->gzip) {
			x->gzip = true; /* provisional, confirmed below with the next byte */
			x->zout[0] = 0x1f;
			return 0;
		}
		if (x->gzip) { /* we held back a 0x1f */
			x->gzip = p[0] == 0x8b;
			x->decided = true;
			if (x->gzip) {
				if (inflateInit2(&x->z, 15 + 32) != Z_OK)
					return x->err = -ENOMEM;
				x->z_ready = true;
				static const unsigned char magic0 = 0x1f;
				if (gz_feed(x, &magic0, 1) < 0)
					return x->err;
			} else if (xml_feed(x, "\x1f", 1, false) < 0) {
				return x->err;
			}
		} else {
			x->decided = true;
			x->gzip = len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
			if (x->gzip) {
				if (inflateInit2(&x->z, 15 + 32) != Z_OK)
					return x->err = -ENOMEM;
				x->z_ready = true;
			}
		}
	}
	return x->gzip ? gz_feed(x, p, len) : xml_feed(x, (const char *)p, len, false);
}

int epg_xmltv_finish(struct epg_xmltv *x)
{
	if (x->err)
		return x->err;
	if (x->gzip && !x->decided) { /* the whole input was one 0x1f byte */
		x->decided = true;
		x->gzip = false;
		if (xml_feed(x, "\x1f", 1, false) < 0)
			return x->err;
	}
	if (x->gzip && !x->z_end) {
		x->err = EPG_E_GZIP;
		snprintf(x->detail, sizeof(x->detail), "gzip: the stream is truncated");
		return x->err;
	}
	if (xml_feed(x, "", 0, true) < 0)
		return x->err;
	if (!x->root_seen) {
		x->err = EPG_E_XML;
		snprintf(x->detail, sizeof(x->detail), "no XML in the input");
		return x->err;
	}
	return 0;
}
