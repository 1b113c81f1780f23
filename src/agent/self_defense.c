// SPDX-License-Identifier: GPL-2.0
/* The agent's own rules, as YAML built at start. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent/self_defense.h"
#include "lib/json.h"

static struct vg_buf yaml;	/* built once, before any thread reads it */
static size_t n_rules;

static const char rules_fmt[] =
	"rules:\n"
	"  - name: vigil_self_signal\n"
	"    event: signal\n"
	"    condition: target.process.pid = %d and not signal.number in (1, 2, 10, 15)\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) sent signal {signal.number} "
	"to the vigil agent\"\n"
	"  - name: vigil_self_ptrace\n"
	"    event: [ptrace, process_vm]\n"
	"    condition: target.process.pid = %d\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) traced or read the memory of "
	"the vigil agent\"\n";

/* The agent's view of its programs' cost (bpf_stats) is host-wide: a change is worth a look. */
static const char sysctl_rule[] =
	"  - name: vigil_self_bpf_stats\n"
	"    event: open\n"
	"    condition: file.path = /proc/sys/kernel/bpf_stats_enabled and file.access contains write\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) opened "
	"kernel.bpf_stats_enabled for writing\"\n";

static const char files_rule[] =
	"  - name: vigil_self_files\n"
	"    event: [open, unlink, rename, chmod, chown, truncate, link, symlink, utimes]\n"
	"    condition: file.path startswith vigil_own_paths and\n"
	"      file.access in (write, create, truncate, delete, rename, attributes)\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) changed {file.path}, a file "
	"of the vigil agent\"\n";

/* A YAML double-quoted item; false for a path we will not quote (control bytes, quotes). */
static bool add_path(struct vg_buf *b, const char *path, bool first)
{
	char real[PATH_MAX];
	const char *s;

	if (!path || !realpath(path, real))
		return false;
	for (s = real; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\')
			return false;
	vg_buf_printf(b, "%s\"%s\"", first ? "" : ", ", real);
	return true;
}

void vg_self_defense_configure(const char *const *policy_paths, size_t n, const char *keys_dir,
			       bool files)
{
	struct vg_buf paths = { 0 };
	bool any = false;
	size_t i;

	vg_buf_reset(&yaml);
	if (!files)
		n = 0;
	if (files)
		any |= add_path(&paths, "/proc/self/exe", !any);
	for (i = 0; i < n; i++)
		any |= add_path(&paths, policy_paths[i], !any);
	if (files)
		any |= add_path(&paths, keys_dir, !any);
	if (any)
		vg_buf_printf(&yaml, "lists:\n  vigil_own_paths: [%s]\n", paths.data);
	vg_buf_printf(&yaml, rules_fmt, (int)getpid(), (int)getpid());
	n_rules = 2;
	if (any) {
		vg_buf_printf(&yaml, "%s", files_rule);
		n_rules++;
	}
	if (files) {
		vg_buf_printf(&yaml, "%s", sysctl_rule);
		n_rules++;
	}
	vg_buf_free(&paths);
}

int vg_self_defense_add(struct vg_policy *p)
{
	if (!yaml.len)
		return 0;
	return vg_policy_add_buffer(p, VG_SELF_DEFENSE_NAME, yaml.data, yaml.len);
}

size_t vg_self_defense_rules(void)
{
	return n_rules;
}

bool vg_self_defense_source(const char *name)
{
	return !strcmp(name, VG_SELF_DEFENSE_NAME);
}
