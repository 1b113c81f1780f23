// SPDX-License-Identifier: GPL-2.0
/* What the overhead budget may shed (policy_shed.c): never what a high or critical rule reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/kernel_spec.h"
#include "policy/policy.h"
#include "policy/policy_shed.h"

static void test_shed_tiers(void **state)
{
	struct vg_policy *p = vg_policy_new();
	uint8_t tier[VG_EV_TYPE_MAX];

	(void)state;
	assert_non_null(p);
	assert_int_equal(vg_policy_add_string(p, "t.yaml",
		"rules:\n"
		"  - name: noisy\n    event: open\n    condition: file.path = /a\n    severity: low\n"
		"  - name: mid\n    event: chmod\n    condition: file.path = /b\n"
		"  - name: trap\n    event: unlink\n    condition: file.path = /c\n    severity: high\n"
		"  - name: tmp\n    event: exec\n    condition: process.name = x\n    severity: low\n"),
		0);
	assert_int_equal(vg_policy_compile(p), 0);
	vg_policy_shed_tiers(p, tier);
	assert_int_equal(tier[VG_EV_FILE_OPEN], 1);	/* low only */
	assert_int_equal(tier[VG_EV_FILE_CHMOD], 2);	/* medium (the default severity) */
	assert_int_equal(tier[VG_EV_FILE_UNLINK], 0);	/* a high rule reads it */
	assert_int_equal(tier[VG_EV_FILE_RENAME], 1);	/* no rule reads it */
	assert_int_equal(tier[VG_EV_EXEC], 0);		/* the process cache: never */
	assert_int_equal(tier[VG_EV_FORK], 0);
	assert_int_equal(tier[VG_EV_NET_DENY], 0);	/* itself an alert */
	assert_int_equal(tier[0], 0);
	vg_policy_free(p);
}

static struct vg_policy *compiled(const char *yaml)
{
	struct vg_policy *p = vg_policy_new();

	assert_non_null(p);
	assert_int_equal(vg_policy_add_string(p, "t.yaml", yaml), 0);
	assert_int_equal(vg_policy_compile(p), 0);
	return p;
}

/* The tier of number @v in @vals, or -1 when absent. */
static int num_tier(const struct vg_spec_values *vals, uint64_t v)
{
	size_t i;

	for (i = 0; i < vals->n_nums; i++)
		if (vals->nums[i] == v)
			return vals->num_tier[i];
	return -1;
}

/* Net filter values: each port and address gets the tier of its most severe rule. */
static void test_net_value_tiers(void **state)
{
	struct vg_policy *p = compiled(
		"rules:\n"
		"  - name: a\n    event: connect\n    severity: low\n"
		"    condition: destination.port = 22 and destination.address cidr 10.0.0.0/8\n"
		"  - name: a2\n    event: connect\n    severity: low\n"
		"    condition: destination.port = 443 and destination.address cidr 10.0.0.0/8\n"
		"  - name: b\n    event: connect\n    severity: high\n"
		"    condition: destination.port = 443 and destination.address cidr 192.168.0.0/16\n"
		"  - name: c\n    event: connect\n"
		"    condition: destination.port = 8080 and destination.address cidr 10.0.0.0/8\n");
	const struct vg_spec_values *ports, *addrs;
	struct vg_kernel_spec spec;
	size_t i;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	ports = &spec.sensor[VG_SENSOR_NETWORK].field[VG_SPEC_PEER_PORT];
	addrs = &spec.sensor[VG_SENSOR_NETWORK].field[VG_SPEC_PEER_ADDR];
	assert_true(ports->on);
	assert_int_equal(num_tier(ports, 22), 1);	/* low only */
	assert_int_equal(num_tier(ports, 443), 0);	/* a high rule names it too */
	assert_int_equal(num_tier(ports, 8080), 2);	/* medium */
	assert_int_equal(addrs->n_cidrs, 2);
	for (i = 0; i < addrs->n_cidrs; i++)
		assert_int_equal(addrs->cidr_tier[i], addrs->cidrs[i].net.addr[12] == 10 ? 2 : 0);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

/* The executable filter: an entry's bits at each shed level leave out what only low rules name. */
static void test_exe_shed_bits(void **state)
{
	struct vg_policy *p = compiled(
		"rules:\n"
		"  - name: a\n    event: prctl\n    severity: low\n"
		"    condition: process.executable.path = /opt/noisy\n"
		"  - name: b\n    event: prctl\n    severity: critical\n"
		"    condition: process.executable.path startswith /opt/\n"
		"  - name: c\n    event: chmod\n    severity: low\n"
		"    condition: process.executable.path = /opt/noisy\n");
	struct vg_kernel_spec spec;
	uint32_t priv = 1u << VG_SENSOR_PRIV, file = 1u << VG_SENSOR_FILE;
	size_t i;
	bool seen = false;

	(void)state;
	assert_int_equal(vg_policy_kernel_spec(p, false, &spec), 0);
	for (i = 0; i < spec.exe.n; i++) {
		const struct vg_exe_filter_entry *e = &spec.exe.v[i];

		if (strcmp(e->path, "/opt/noisy") || e->prefix)
			continue;
		seen = true;
		assert_int_equal(e->bits, priv | file);
		/* priv: the critical prefix keeps it; file: only the low rule named it. */
		assert_int_equal(e->shed_bits[0], priv);
		assert_int_equal(e->shed_bits[1], priv);
	}
	assert_true(seen);
	vg_kernel_spec_free(&spec);
	vg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shed_tiers),
		cmocka_unit_test(test_net_value_tiers),
		cmocka_unit_test(test_exe_shed_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
