/* SPDX-License-Identifier: MIT */
/* The gallery end to end: `qanat gallery --headless` runs tests/ui/gallery_{en,ar}.script with
 * channel logos and posters made by the ffmpeg CLI (PNG, JPEG, WebP), the states it writes must show
 * the focus where the remote put it and list the texts on screen (none clipped, none missing glyphs,
 * Arabic right to left in the Arabic run), and its screenshots, scaled to 480x270, must match the committed
 * goldens within a tolerance. QANAT_UPDATE_GOLDENS=1 rewrites the goldens (then look at them). */
#include "ui_pixels.h"

#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

extern char **environ;

enum { GOLDEN_W = 480, GOLDEN_H = 270, TOLERANCE = 48 };
static const double MAX_FRACTION = 0.01;

static char tmp[256];

static int run(char *const argv[])
{
	pid_t pid;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -errno;
	int status = 0;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

static void make_media(const char *dir)
{
	static const char *const src[6][3] = {
		{ "logo0.png", "testsrc=size=240x135:rate=1", NULL },
		{ "logo1.jpg", "smptebars=size=240x135:rate=1", NULL },
		{ "logo2.webp", "mandelbrot=size=240x135:rate=1", "libwebp" },
		{ "poster0.png", "testsrc2=size=300x420:rate=1", NULL },
		{ "poster1.jpg", "rgbtestsrc=size=300x420:rate=1", NULL },
		{ "poster2.webp", "smptehdbars=size=300x420:rate=1", "libwebp" },
	};
	for (int i = 0; i < 6; i++) {
		char out[400];
		snprintf(out, sizeof(out), "%s/%s", dir, src[i][0]);
		char *argv[] = {
			"ffmpeg",
			"-v",
			"error",
			"-y",
			"-f",
			"lavfi",
			"-i",
			(char *)src[i][1],
			"-frames:v",
			"1",
			"-c:v",
			(char *)(src[i][2] ? src[i][2] : (strstr(src[i][0], "jpg") ? "mjpeg" : "png")),
			out,
			NULL
		};
		assert_int_equal(run(argv), 0);
	}
}

static int setup(void **state)
{
	snprintf(tmp, sizeof(tmp), "%s/qanat-gallery-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		return -1;
	char img[300];
	snprintf(img, sizeof(img), "%s/img", tmp);
	mkdir(img, 0755);
	make_media(img);
	return 0;
}

static int teardown(void **state)
{
	char *argv[] = { "rm", "-rf", tmp, NULL };
	return run(argv) == 0 ? 0 : -1;
}

static json_t *state_of(const char *lang, const char *name)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s/%s.json", tmp, lang, name);
	json_error_t e;
	json_t *o = json_load_file(path, 0, &e);
	if (!o)
		fail_msg("%s: %s", path, e.text);
	return o;
}

static const char *str(json_t *o, const char *path1, const char *path2)
{
	json_t *v = json_object_get(o, path1);
	if (path2)
		v = json_object_get(v, path2);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* The state lists the texts of its frame: many, each with every glyph, none cut; toast names one. */
static void check_texts(const char *lang, const char *name, const char *must_have)
{
	json_t *o = state_of(lang, name);
	json_t *a = json_object_get(o, "texts"), *t;
	if (!json_is_array(a) || json_array_size(a) < 10)
		fail_msg("%s/%s: %zu texts in the state", lang, name,
			 json_is_array(a) ? json_array_size(a) : 0);
	size_t i, arabic = 0;
	bool found = !must_have;
	json_array_foreach(a, i, t)
	{
		const char *s = json_string_value(json_object_get(t, "text"));
		if (json_integer_value(json_object_get(t, "missing_glyphs")) != 0 ||
		    json_is_true(json_object_get(t, "clipped")))
			fail_msg("%s/%s: '%s' clipped or missing glyphs", lang, name, s);
		if (strcmp(str(t, "lang", NULL), "ar") == 0 && json_is_true(json_object_get(t, "rtl")))
			arabic++;
		found = found || strcmp(s, must_have) == 0;
	}
	if (!found)
		fail_msg("%s/%s: '%s' not among the texts", lang, name, must_have);
	if (strcmp(lang, "ar") == 0 && arabic * 2 < json_array_size(a))
		fail_msg("%s/%s: only %zu of %zu texts read as Arabic, right to left", lang, name, arabic,
			 json_array_size(a));
	json_decref(o);
}

static void check_states(const char *lang)
{
	bool ar = strcmp(lang, "ar") == 0;
	json_t *o = state_of(lang, "home");
	assert_string_equal(str(o, "screen", NULL), "gallery");
	assert_string_equal(str(o, "focused", "id"), "channels");
	assert_int_equal(json_is_true(json_object_get(o, "rtl")), ar);
	json_decref(o);
	o = state_of(lang, "grid");
	assert_string_equal(str(o, "focused", "id"), "posters");
	json_decref(o);
	o = state_of(lang, "dialog");
	assert_string_equal(str(o, "screen", NULL), "dialog");
	assert_string_equal(str(o, "focused", "id"), "button0");
	json_decref(o);
	o = state_of(lang, "toast");
	assert_string_equal(str(o, "screen", NULL), "gallery");
	assert_string_equal(str(o, "toast", NULL), ar ? "تم الحفظ" : "Saved");
	assert_string_equal(str(o, "focused", "id"), "dialog");
	json_decref(o);
	o = state_of(lang, "keyboard");
	assert_string_equal(str(o, "screen", NULL), "search");
	const char *typed = str(o, "focused", "text");
	const char *want = ar ? "قناة" : "news";
	assert_true(strncmp(typed, want, strlen(want)) == 0 && strlen(typed) > strlen(want));
	json_decref(o);
	o = state_of(lang, "guide");
	assert_string_equal(str(o, "screen", NULL), "guide");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "focused"), "index")), 2);
	json_decref(o);
	o = state_of(lang, "back");
	assert_string_equal(str(o, "screen", NULL), "gallery");
	assert_string_equal(str(o, "focused", "id"), "search"); /* focus memory */
	json_decref(o);
	static const char *const names[] = { "home", "grid", "dialog", "keyboard", "guide", "back" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_texts(lang, names[i], NULL);
	check_texts(lang, "toast", ar ? "تم الحفظ" : "Saved");
}

static void compare_golden(const char *lang, const char *name)
{
	char snap[400], golden[600];
	snprintf(snap, sizeof(snap), "%s/%s/%s.png", tmp, lang, name);
	snprintf(golden, sizeof(golden), "%s/golden/%s_%s.png", UI_TEST_DIR, lang, name);
	struct ui_pixels full, small, ref;
	assert_int_equal(ui_pixels_load(snap, 0, &full), 0);
	assert_int_equal(full.width, 960);
	assert_int_equal(ui_pixels_scale(&full, GOLDEN_W, GOLDEN_H, &small), 0);
	if (getenv("QANAT_UPDATE_GOLDENS")) {
		assert_int_equal(ui_pixels_write_png(golden, &small), 0);
		printf("updated %s\n", golden);
	} else {
		int rc = ui_pixels_load(golden, 0, &ref);
		if (rc < 0)
			fail_msg("%s: %s (QANAT_UPDATE_GOLDENS=1 makes it)", golden, strerror(-rc));
		struct ui_pixels_diff d;
		assert_int_equal(ui_pixels_compare(&small, &ref, TOLERANCE, &d), 0);
		if (d.fraction > MAX_FRACTION)
			fail_msg("%s differs from %s: %.2f%% of pixels beyond %d (max delta %d)", snap,
				 golden, d.fraction * 100, TOLERANCE, d.max_delta);
		ui_pixels_free(&ref);
	}
	ui_pixels_free(&full);
	ui_pixels_free(&small);
}

static void gallery(const char *lang)
{
	char script[400], snap[400], img[400];
	snprintf(script, sizeof(script), "%s/gallery_%s.script", UI_TEST_DIR, lang);
	snprintf(snap, sizeof(snap), "%s/%s", tmp, lang);
	snprintf(img, sizeof(img), "%s/img", tmp);
	char *argv[] = { QANAT_BIN,  "gallery", "--headless", "--size", "960x540",  "--lang", (char *)lang,
			 "--script", script,    "--snap",     snap,     "--images", img,      NULL };
	assert_int_equal(run(argv), 0);
	check_states(lang);
	static const char *const goldens[] = { "home", "dialog", "keyboard", "guide" };
	for (size_t i = 0; i < 4; i++)
		compare_golden(lang, goldens[i]);
}

static void test_gallery_english(void **state)
{
	gallery("en");
}

static void test_gallery_arabic(void **state)
{
	gallery("ar");
}

static void test_gallery_rejects_bad_script(void **state)
{
	char script[400], snap[400];
	snprintf(script, sizeof(script), "%s/bad.script", tmp);
	snprintf(snap, sizeof(snap), "%s/bad", tmp);
	FILE *f = fopen(script, "w");
	fputs("wait 10\nkey nosuchkey\n", f);
	fclose(f);
	char *argv[] = { QANAT_BIN,  "gallery", "--headless", "--size", "320x180",
			 "--script", script,    "--snap",     snap,     NULL };
	assert_int_not_equal(run(argv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gallery_english),
		cmocka_unit_test(test_gallery_arabic),
		cmocka_unit_test(test_gallery_rejects_bad_script),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
