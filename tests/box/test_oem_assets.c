/* SPDX-License-Identifier: MIT */
/* What an OEM starts from must work as shipped: assets/operator.sample.json passes the provisioning
 * parser, and the keymap it names resolves (plat_keymap_path) to the shipped file, which loads and
 * maps the remote's OK key. */
#include "app_provision.h"
#include "plat_keymap.h"

#include <linux/input-event-codes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_sample_operator_names_shipped_keymap(void **state)
{
	struct app_provision prov;
	char err[256] = "";
	int rc = app_provision_load(QANAT_SOURCE_DIR "/assets/operator.sample.json", &prov, err, sizeof(err));
	if (rc != 0)
		fail_msg("operator.sample.json refused: %s", err);
	assert_true(prov.present);
	assert_string_equal(prov.display, "kmsdrm");
	assert_string_equal(prov.keymap, "remote-default.keymap");

	unsetenv("QANAT_KEYMAP");
	char path[512];
	assert_int_equal(plat_keymap_path(prov.keymap, QANAT_SOURCE_DIR "/assets", path, sizeof(path)), 0);
	struct plat_keymap *km = NULL;
	if (plat_keymap_load(path, &km, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(plat_keymap_remote(km, KEY_OK), PLAT_ACT_OK);
	plat_keymap_free(&km);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_operator_names_shipped_keymap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
