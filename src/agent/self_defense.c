// SPDX-License-Identifier: GPL-2.0
/* The agent's own rules, as YAML built at start. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent/self_defense.h"
#include "bpf/vigil_abi.h"
#include "lib/json.h"

static struct vg_buf yaml;	/* built once, before any thread reads it */
static size_t n_rules;

static const char rules_fmt[] =
	"rules:\n"
	"  - name: vigil_self_signal\n"
	"    event: signal\n"
	"    condition: target.process.pid = %d and not signal.number in (0, 1, 2, 10, 15)\n"
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
	"the vigil agent\"\n"
	"  - name: vigil_self_bpf_stats_call\n"
	"    event: bpf\n"
	"    condition: bpf.command = ENABLE_STATS and not process.pid = %d and not vigil_self_tool\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) turned BPF run-time stats on "
	"with bpf(BPF_ENABLE_STATS)\"\n"
	/*
	 * Any link, so context, not an alarm: the self-check raises the critical
	 * alert within a second when it was one of ours (same id).
	 */
	"  - name: vigil_bpf_link_detached\n"
	"    event: bpf\n"
	"    condition: bpf.command = LINK_DETACH and not process.pid = %d and not vigil_self_tool\n"
	"    severity: medium\n"
	"    tags: [vigil, self-defense, T1562.001]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) detached BPF link "
	"{bpf.link.id}\"\n";

/*
 * File rules: each watched for every process (vg_policy_watch_any_actor),
 * so they need a file.path conjunct and no more accesses than listed in
 * file_rules[]. The agent's own accesses (its state directory, its /proc)
 * are left out by pid.
 */
static const char files_fmt[] =
	"  - name: vigil_self_files\n"
	"    event: [%sunlink, rename, chmod, chown, truncate, link, symlink, utimes, mknod]\n"
	"    condition: file.path startswith vigil_own_paths and not process.pid = %d and\n"
	"      file.access in (write, read-write, create, truncate, delete, rename, attributes)\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) changed {file.path} "
	"({event.action}), a file of the vigil agent\"\n"
	/* The agent's view of its programs' cost (bpf_stats) is host-wide: a change is worth a look. */
	"  - name: vigil_self_bpf_stats\n"
	"    event: open\n"
	"    condition: file.path = /proc/sys/kernel/bpf_stats_enabled and not process.pid = %d\n"
	"      and not vigil_self_tool and file.access in (write, read-write, truncate)\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) opened "
	"kernel.bpf_stats_enabled for writing\"\n"
	"  - name: vigil_self_memory\n"
	"    event: open\n"
	"    condition: file.path startswith (/proc/%d/mem, /proc/%d/task/) and\n"
	"      file.path endswith /mem and not process.pid = %d\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense, T1003.007]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) opened {file.path} "
	"({file.access}): the vigil agent's memory\"\n"
	/* Under the agent: its programs' pins and trace events live there. */
	"  - name: vigil_self_umount\n"
	"    event: mount\n"
	"    condition: file.path in (/sys/fs/bpf, /sys/kernel/tracing, /sys/kernel/debug/tracing,\n"
	"      /sys/kernel/debug) and not process.pid = %d and not vigil_self_tool\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense, T1562.001]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) mounted on or unmounted {file.path} "
	"under the vigil agent\"\n";

/*
 * --protect: opens of those files for writing are denied (fanotify guard,
 * writes only, never the agent's own); the guard reports each (also one
 * its watchdog had to allow), so the file rule leaves opens out.
 */
static const char protect_rule[] =
	"  - name: vigil_self_protect\n"
	"    event: open\n"
	"    condition: file.path startswith vigil_own_paths\n"
	"    action: deny\n"
	"    severity: critical\n"
	"    tags: [vigil, self-defense]\n"
	"    output: \"{process.executable.path} (pid {process.pid}) opened {file.path}, a file of "
	"the vigil agent, for writing\"\n";
static bool protect;

static const struct {
	const char *rule;
	uint32_t access;
} file_rules[] = {
	{ "vigil_self_files", VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE | VG_FACC_DELETE |
			      VG_FACC_RENAME | VG_FACC_ATTR | VG_FACC_EXECMODE },
	{ "vigil_self_bpf_stats", VG_FACC_WRITE | VG_FACC_TRUNCATE },
	{ "vigil_self_memory", VG_FACC_READ | VG_FACC_WRITE },
	{ "vigil_self_umount", VG_FACC_MOUNT },
	{ "vigil_self_protect", VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE },
};

/*
 * A YAML double-quoted item, resolved if it exists (else as given, when
 * absolute: the state directory may come later); false for a path we will
 * not quote (control bytes, quotes).
 */
static bool add_path(struct vg_buf *b, const char *path, bool first)
{
	char real[PATH_MAX];
	const char *s;

	if (!path)
		return false;
	if (!realpath(path, real)) {
		if (path[0] != '/' || strlen(path) >= sizeof(real))
			return false;
		snprintf(real, sizeof(real), "%s", path);
	}
	for (s = real; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\')
			return false;
	vg_buf_printf(b, "%s\"%s\"", first ? "" : ", ", real);
	return true;
}

void vg_self_defense_configure(const struct vg_self_paths *own)
{
	struct vg_buf paths = { 0 }, exe = { 0 };
	bool any = false;
	int pid = (int)getpid();
	size_t i;

	vg_buf_reset(&yaml);
	any |= add_path(&paths, "/proc/self/exe", !any);
	for (i = 0; i < own->n_policy; i++)
		any |= add_path(&paths, own->policy[i], !any);
	any |= add_path(&paths, own->keys_dir, !any);
	any |= add_path(&paths, own->config, !any);
	any |= add_path(&paths, own->state_dir, !any);
	vg_buf_printf(&yaml, "lists:\n  vigil_own_paths: [%s]\n", any ? paths.data : "/proc/self/exe");
	/*
	 * Host-wide changes (stats, detaches, bpffs/tracefs mounts) by vigil
	 * itself (another agent's --bpf-stats or stop, `vigil probe` mounting
	 * what is missing) are keyed on this agent's executable as the kernel
	 * resolved it, never on a name a process can choose.
	 */
	if (!add_path(&exe, "/proc/self/exe", true))
		vg_buf_printf(&exe, "\"/\"");	/* unknown: a directory, never an executable */
	vg_buf_printf(&yaml, "macros:\n  vigil_self_tool: process.executable.path = %s\n", exe.data);
	vg_buf_printf(&yaml, rules_fmt, pid, pid, pid, pid);
	vg_buf_printf(&yaml, files_fmt, own->protect ? "" : "open, ", pid, pid, pid, pid, pid, pid);
	if (own->protect)
		vg_buf_printf(&yaml, "%s", protect_rule);
	protect = own->protect;
	n_rules = 3 + sizeof(file_rules) / sizeof(file_rules[0]) + own->protect;
	vg_buf_free(&paths);
	vg_buf_free(&exe);
}

int vg_self_defense_add(struct vg_policy *p)
{
	size_t i;
	int err;

	if (!yaml.len)
		return 0;
	err = vg_policy_add_buffer(p, VG_SELF_DEFENSE_NAME, yaml.data, yaml.len);
	for (i = 0; !err && i < sizeof(file_rules) / sizeof(file_rules[0]); i++)
		err = vg_policy_watch_any_actor(p, file_rules[i].rule, file_rules[i].access);
	if (!err && protect)
		err = vg_policy_deny_writes_only(p, "vigil_self_protect");
	return err;
}

size_t vg_self_defense_rules(void)
{
	return n_rules;
}

bool vg_self_defense_source(const char *name)
{
	return !strcmp(name, VG_SELF_DEFENSE_NAME);
}
