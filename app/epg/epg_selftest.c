/* SPDX-License-Identifier: MIT */
/* expat + zlib: compress an XMLTV fragment, inflate it and count the programmes expat sees. */
#include "epg_selftest.h"

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
	int *count = user;
	if (strcmp(name, "programme") == 0)
		(*count)++;
}

void epg_selftest(struct plat_report *r)
{
	static const char xml[] =
	    "<tv><programme start=\"20261122120000 +0400\" channel=\"a\"><title>x</title>"
	    "</programme><programme start=\"20261122130000 +0400\" channel=\"a\"/></tv>";
	unsigned char packed[256];
	char plain[256];
	uLongf packed_len = sizeof(packed), plain_len = sizeof(plain);
	int zrc = compress(packed, &packed_len, (const Bytef *)xml, sizeof(xml) - 1);
	if (zrc == Z_OK)
		zrc = uncompress((Bytef *)plain, &plain_len, packed, packed_len);
	int count = 0;
	XML_Parser p = XML_ParserCreate("UTF-8");
	XML_SetUserData(p, &count);
	XML_SetStartElementHandler(p, on_start);
	int ok = zrc == Z_OK && p && XML_Parse(p, plain, (int)plain_len, 1) == XML_STATUS_OK && count == 2;
	XML_ParserFree(p);
	char version[64];
	XML_Expat_Version ev = XML_ExpatVersionInfo();
	snprintf(version, sizeof(version), "expat %d.%d.%d, zlib %s", ev.major, ev.minor, ev.micro,
		 zlibVersion());
	plat_report_add(r, "xml+zlib", version, ok ? 0 : -EINVAL, "%d programmes parsed from a zlib stream",
			count);
}
