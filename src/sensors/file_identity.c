// SPDX-License-Identifier: GPL-2.0
/*
 * The file sensor's watched files by identity: the policy's exact paths
 * (/etc/shadow, /etc/passwd, ...) as (device, inode) keys of inode_watch, so
 * that an open through a hard link, a bind mount or another mount namespace
 * is reported as the watched file it is (vigil_abi.h, VG_FILE_BY_INODE).
 * A file replaced by a new inode (an editor's rename) is picked up at the
 * next policy load; its old inode number, if reused, is told apart by its
 * generation.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "sensors/sensor_file.h"
#include "sensors/sensor_prefilter.h"
#include "sensor_file.skel.h"

#define FILEID_INO32_GEN 1		/* <linux/exportfs.h>: u32 inode, u32 generation */
#define FILEID_INO32_GEN_PARENT 2

/*
 * The inode's generation: with its number it names one file for good (a
 * replaced /etc/group may get the old /etc/gshadow's number). Read from the
 * file handle, so the sensitive file is never opened (an open of /etc/shadow
 * by the agent would itself be an alert). Where the file system's handle
 * does not carry it, 0, and the kernel's check then fails safe (no match).
 */
static __u32 generation_of(const char *path)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	__u32 f[2];
	int mount_id;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, AT_SYMLINK_FOLLOW) < 0)
		return 0;
	if ((h.fh.handle_type != FILEID_INO32_GEN && h.fh.handle_type != FILEID_INO32_GEN_PARENT) ||
	    h.fh.handle_bytes < sizeof(f))
		return 0;
	memcpy(f, h.fh.f_handle, sizeof(f));
	return f[1];
}

static bool key_in(const struct vg_inode_watch_key *k, const struct vg_inode_watch_key *keys,
		   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keys[i].ino == k->ino && keys[i].dev == k->dev)
			return true;
	return false;
}

/* Deletes every entry of @fd whose key is not in @keep. */
static void drop_stale(int fd, const struct vg_inode_watch_key *keep, size_t n)
{
	struct vg_inode_watch_key cur, next;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (!key_in(&next, keep, n)) {
			bpf_map_delete_elem(fd, &next);
			prev = NULL;	/* deleting invalidates the walk: start over */
			continue;
		}
		cur = next;
		prev = &cur;
	}
}

int vg_file_identity_apply(struct vg_sensor *s, const char *const *paths, size_t n)
{
	struct sensor_file_bpf *skel = s->skel;
	struct vg_inode_watch_key keys[VG_INODE_WATCH_MAX];
	struct vg_inode_watch val;
	int fd = bpf_map__fd(skel->maps.inode_watch);
	size_t i, nk = 0;
	struct stat st;

	if (n)	/* on before the first entry, off after the last is gone */
		skel->data->file_inode_watch_on = true;
	for (i = 0; i < n && nk < VG_INODE_WATCH_MAX; i++) {
		size_t len = strlen(paths[i]);

		if (len > VG_INODE_WATCH_PATH_BYTES || stat(paths[i], &st) < 0)
			continue;	/* absent now: watched by path only */
		memset(&keys[nk], 0, sizeof(keys[nk]));
		keys[nk].ino = st.st_ino;
		keys[nk].dev = vg_kernel_dev(st.st_dev);
		if (key_in(&keys[nk], keys, nk))
			continue;	/* two watched names of one file: the first names it */
		memset(&val, 0, sizeof(val));
		val.mask = VG_FACC_ALL;
		val.len = len;
		val.generation = generation_of(paths[i]);
		memcpy(val.path, paths[i], len);
		if (bpf_map_update_elem(fd, &keys[nk], &val, BPF_ANY) < 0) {
			int err = -errno;

			vg_err("file sensor: cannot watch %s by identity: %s", paths[i], strerror(-err));
			return err;
		}
		nk++;
	}
	if (i < n)
		vg_warn("file sensor: %zu exact paths are watched by path only (at most %d by identity)",
			n - i, VG_INODE_WATCH_MAX);
	drop_stale(fd, keys, nk);
	skel->data->file_inode_watch_on = nk > 0;
	/* Cached rejections were decided without these files' identities. */
	__atomic_fetch_add(&skel->data->file_cache_gen, 1, __ATOMIC_SEQ_CST);
	vg_debug("file sensor: %zu of %zu exact paths watched by identity", nk, n);
	return 0;
}
