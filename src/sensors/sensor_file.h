/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor: configuration (the watch set the policy engine will drive)
 * and descriptor.
 *
 * A watch entry is a path prefix and the VG_FACC_* accesses reported under
 * it. Prefix syntax:
 *   "/etc"  or "/etc/"   the directory itself and everything below it
 *   "/etc/cron*"         byte prefix: /etc/crontab, /etc/cron.d/x, ...
 *   "~/.ssh"             below every /home/<user>/ and /root/
 * An event is reported when the longest matching entries (absolute, and for
 * /home/<user>/ paths the home-relative one) include its access class and
 * the configuration's access_mask does too.
 */
#ifndef VIGIL_SENSOR_FILE_H
#define VIGIL_SENSOR_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf/file_watch.h"
#include "sensors/sensor.h"
#include "sensors/task_filter.h"

struct vg_file_watch {
	const char *prefix;
	__u32 access;		/* VG_FACC_* */
};

struct vg_file_cfg {
	struct vg_task_filter task;
	const struct vg_file_watch *watch;	/* NULL: the built-in default set */
	size_t n_watch;
	__u32 access_mask;	/* VG_FACC_* applied to every entry (VG_FACC_MODIFY: --write-only) */
	/*
	 * VG_FACC_* of opens reported through a bind mount by a task outside
	 * the initial mount namespace, watched path or not (file.mount.bind);
	 * 0: none, the kernel does not look.
	 */
	__u32 bind_mask;
};

/* The opens a file.mount.bind rule needs: writing, creating, truncating. */
#define VG_FILE_BIND_ACCESS (VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE)

/* Every field at its default: every process, default watch set, all accesses. */
void vg_file_cfg_init(struct vg_file_cfg *cfg);

/* The built-in set of sensitive locations. */
extern const struct vg_file_watch vg_file_default_watch[];
extern const size_t vg_file_default_watch_len;

/* One compiled trie entry. */
struct vg_watch_entry {
	bool home;			/* home_trie (relative to /home/<user>) */
	struct vg_watch_key key;
	__u32 mask;
};

/*
 * Turns one prefix into a trie key. Returns 0, or -EINVAL (not absolute,
 * not "~/", empty) / -ENAMETOOLONG (longer than the key).
 */
int vg_file_watch_key(const char *prefix, struct vg_watch_key *key, bool *home);

/*
 * Compiles @n entries into at most @max trie entries (a "~/" entry also
 * yields its /root/ twin); each mask is AND-ed with @access_mask and OR-ed
 * with the masks of shorter entries that are its prefixes, because an LPM
 * lookup returns only the longest match. Returns the count or <0.
 */
int vg_file_watch_compile(const struct vg_file_watch *w, size_t n, __u32 access_mask,
			  struct vg_watch_entry *out, size_t max);

/*
 * Replaces the watch set of a loaded file sensor (at start, or later from
 * the policy engine). Entries are added before stale ones are removed.
 */
int vg_file_watch_apply(struct vg_sensor *s, const struct vg_file_cfg *cfg);
/* Watches the files at @paths by identity too (file_identity.c); replaces the previous set. */
int vg_file_identity_apply(struct vg_sensor *s, const char *const *paths, size_t n);

extern const struct vg_sensor_desc vg_file_sensor;

/* The sensor's share of a compiled policy (its descriptor's apply_policy). */
/*
 * The overhead budget's shed tier @level (0: none) for the watch set's
 * entries: those whose most severe rule the tier covers leave the kernel's
 * watch set (the agent's own files, watched for every process, never do).
 * The entries that changed are appended to @names ("file:PATH", comma-
 * separated). Returns how many changed, or <0.
 */
int vg_file_shed_entries(struct vg_sensor *s, int level, char *names, size_t size);
int vg_file_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			 struct vg_rule_set *decided);

#endif
