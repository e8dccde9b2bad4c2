/* SPDX-License-Identifier: MIT */
/* Entry point: parses the global options and dispatches to a sub-command or the 10-foot UI. */
#include "app_commands.h"
#include "app_provision.h"
#include "app_ui.h"
#include "i18n.h"
#include "plat_http.h"
#include "plat_log.h"
#include "qanat_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct app_cmd commands[] = {
	{ "selftest", "selftest [--json]            initialise every linked library and print versions",
	  app_cmd_selftest },
	{ "epg", "epg import FILE|URL [--db FILE] [--json]  import XMLTV; programmes/s, peak memory",
	  app_cmd_epg },
	{ "play",
	  "play URL [--seconds N] [--vod] [--json]  play headless; time to first frame, stalls, decoder",
	  app_cmd_play },
	{ "qoe",
	  "qoe show [--db FILE] | qoe config FILE  [--json]  queued QoE beacons as sent; check the qoe "
	  "config",
	  app_cmd_qoe },
	{ "api", "api --server URL --user U --pass P ACTION [ARGS]  one player-API call, decoded",
	  app_cmd_api },
	{ "sync", "sync --server URL --user U --pass P [--db FILE]  full library sync; counts, timings",
	  app_cmd_sync },
	{ "search", "search QUERY [--db FILE] [--kind live|vod|series] [--all]  search the synced library",
	  app_cmd_search },
	{ "keys",
	  "keys [--keymap FILE] [--input PATH|-] [--count N] [--timeout-ms N]  remote keys -> actions",
	  app_cmd_keys },
	{ "gallery", "gallery [--headless --script FILE --snap DIR] [--lang en|ar]  the UI widget demo",
	  app_cmd_gallery },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Qanat %s - an IPTV client for Xtream-compatible panels\n\n"
		"usage: qanat [--server URL --user U --pass P]    the 10-foot UI\n"
		"       qanat --headless --script FILE --snap DIR  the UI driven by a script, PNGs in DIR\n",
		QANAT_VERSION);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "       qanat %s\n", commands[i].usage);
	fprintf(
	    f,
	    "\nUI options:\n"
	    "  --server URL --user U --pass P  log in directly (else the stored login, else operator.json)\n"
	    "  --headless                      dummy video, software renderer, no window\n"
	    "  --script FILE --snap DIR        run a key script "
	    "(key/type/wait/snap/state/idle/playing/sleep/quit)\n"
	    "  --clock TIME                    pin the wall clock (epoch s or 2026-11-22T18:30:00Z)\n"
	    "  --db FILE  --operator FILE      the database and the provisioning file\n"
	    "  --lang en|ar  --display sdl|kmsdrm|headless  --size WxH\n"
	    "  --input DIR                     remote controls: evdev nodes or FIFOs in DIR (a box: "
	    "/dev/input)\n"
	    "\n  --help       this text\n  --version    the version and architecture\n"
	    "  --json       sub-commands print one JSON object\n\n"
	    "Environment: QANAT_LOG=error|warn|info|debug (stderr; credentials are redacted), "
	    "QANAT_OPERATOR,\n"
	    "QANAT_DB, QANAT_DISPLAY, QANAT_KEYMAP, QANAT_INPUT_DIR, QANAT_ASSETS_DIR, QANAT_FONTS_DIR, "
	    "QANAT_FONT_FALLBACK=off,\nSTATE_DIRECTORY, CACHE_DIRECTORY.\n");
}

static bool take_flag(int *argc, char **argv, const char *flag)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], flag) == 0) {
			memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof(*argv));
			(*argc)--;
			return true;
		}
	}
	return false;
}

/* The operator's CA bundle (operator.json "ca_file", OPERATOR.md) for every HTTPS request of the UI
 * and of the sub-commands, set while the process still has one thread (plat_http.h). The file is
 * the one the UI reads again for the rest of its settings (--operator FILE, else QANAT_OPERATOR,
 * else /etc/qanat/operator.json); its other errors are the UI's to report. */
static void apply_operator_ca(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--operator") == 0)
			path = argv[i + 1];
	if (!path)
		path = getenv("QANAT_OPERATOR");
	if (!path)
		path = "/etc/qanat/operator.json";
	struct app_provision *prov = malloc(sizeof(*prov));
	char err[256];
	if (prov && app_provision_load(path, prov, err, sizeof(err)) == 0 && prov->ca_file[0]) {
		int rc = plat_http_set_ca_file(prov->ca_file);
		if (rc < 0)
			fprintf(stderr,
				"qanat: operator.json: ca_file %s %s; only the system's certificates are "
				"trusted\n",
				prov->ca_file, rc == -ENOENT ? "cannot be read" : "holds no PEM certificate");
	}
	free(prov);
}

int main(int argc, char **argv)
{
	i18n_init(); /* before any thread: gettext's locale (app/i18n) */
	plat_log_init();
	if (plat_http_global_init() < 0) {
		fprintf(stderr, "qanat: libcurl could not be initialised\n");
		return 1;
	}
	apply_operator_ca(argc, argv);
	if (take_flag(&argc, argv, "--help") || take_flag(&argc, argv, "-h")) {
		usage(stdout);
		return 0;
	}
	if (take_flag(&argc, argv, "--version")) {
		printf("qanat %s (%s)\n", QANAT_VERSION, QANAT_ARCH);
		return 0;
	}
	bool json = take_flag(&argc, argv, "--json");
	if (argc >= 2 && argv[1][0] != '-') {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				return commands[i].run(argc - 1, argv + 1, json);
		fprintf(stderr, "qanat: unknown command '%s' (see qanat --help)\n", argv[1]);
		return 2;
	}
	return app_ui_main(argc, argv);
}
