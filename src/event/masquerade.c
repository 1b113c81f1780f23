// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "bpf/vigil_abi.h"
#include "event/fields.h"
#include "event/masquerade.h"

static bool starts(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(p, prefix, n) == 0;
}

static bool ends(const char *p, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(p + len - n, suffix, n) == 0;
}

const char *vg_argv0_name(const char *argv0, size_t len, size_t *out_len)
{
	const char *p;

	if (!argv0) {
		*out_len = 0;
		return "";
	}
	len = strnlen(argv0, len);
	p = vg_path_base(argv0, &len);
	if (len > 1 && p[0] == '-') {
		p++;
		len--;
	}
	*out_len = len;
	return p;
}

bool vg_name_mismatch(const struct vg_exec_names *n)
{
	size_t base_len = n->exe_len, comm_len, a_len;
	const char *base, *a;

	if (n->script || !n->exe || !n->exe_len || n->exe[0] != '/')
		return false;
	if (starts(n->invoked, n->invoked_len, "/dev/fd/") ||
	    starts(n->invoked, n->invoked_len, "/proc/") ||
	    starts(n->exe, n->exe_len, "/memfd:") || ends(n->exe, n->exe_len, " (deleted)"))
		return false;
	base = vg_path_base(n->exe, &base_len);
	comm_len = strnlen(n->comm, VG_COMM_LEN - 1);
	if (comm_len != (base_len < VG_COMM_LEN - 1 ? base_len : VG_COMM_LEN - 1) ||
	    memcmp(n->comm, base, comm_len) != 0)
		return true;
	a = vg_argv0_name(n->argv0, n->argv0_len, &a_len);
	return a_len && (a_len != base_len || memcmp(a, base, a_len) != 0);
}
