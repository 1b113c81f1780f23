/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file sensor's watch set as the kernel sees it: two LPM tries over
 * path bytes. "watch_trie" holds absolute prefixes; "home_trie" holds
 * prefixes relative to any /home/<user> directory ("/.ssh/"), so that
 * ~/.ssh is watched for every user with one entry. Each value is the
 * VG_FACC_* mask of the accesses reported under that prefix (already OR-ed
 * with the masks of shorter entries it lies under).
 *
 * The low 16 bits are for the processes the actor pre-filter (uid, cgroup,
 * executable) lets through; the same bits shifted by
 * VG_WATCH_ANY_ACTOR_SHIFT are watched for every process (the agent's own
 * files: one rule on every actor must not open that filter for all).
 *
 * Lookups use the path with a '/' appended, so the entry "/etc/" matches
 * "/etc" itself and everything below it but not "/etcfoo".
 */
#ifndef VIGIL_FILE_WATCH_H
#define VIGIL_FILE_WATCH_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VG_WATCH_KEY_BYTES	256	/* LPM data bytes: longest prefix */
#define VG_WATCH_MAX_ENTRIES	1024
#define VG_HOME_PREFIX		"/home/"
#define VG_HOME_NAME_MAX	64	/* user directory names longer than this are not matched */
#define VG_WATCH_ANY_ACTOR_SHIFT 16
#define VG_WATCH_LOW		((1u << VG_WATCH_ANY_ACTOR_SHIFT) - 1)

/* The accesses a trie value watches: for a process the actor filter let through or not. */
static inline __u32 vg_watch_bits(__u32 v, int actor_out)
{
	return actor_out ? v >> VG_WATCH_ANY_ACTOR_SHIFT :
	       (v | v >> VG_WATCH_ANY_ACTOR_SHIFT) & VG_WATCH_LOW;
}

struct vg_watch_key {
	__u32 prefixlen;		/* bits */
	__u8 data[VG_WATCH_KEY_BYTES];
};

#endif
