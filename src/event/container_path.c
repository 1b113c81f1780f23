// SPDX-License-Identifier: GPL-2.0
/*
 * Container ids in cgroup paths. Each runtime names the leaf cgroup of a
 * container its own way; the id is always 64 hex digits:
 *   docker      /docker/ID                          (cgroupfs)
 *               /system.slice/docker-ID.scope       (systemd)
 *   podman      /libpod_parent/libpod-ID            (cgroupfs)
 *               /machine.slice/libpod-ID.scope      (systemd; rootless under user@UID.service)
 *   CRI-O       .../crio-ID.scope, .../crio-ID
 *   containerd  .../cri-containerd-ID.scope, and Kubernetes' cgroupfs
 *               layout /kubepods/QOS/podUID/ID
 * Under Kubernetes a "podUID" (cgroupfs) or "kubepods-QOS-podUID.slice"
 * (systemd, with '_' for '-') segment above gives the pod's uid.
 * conmon's own cgroup (libpod-conmon-ID) is the runtime's, not the container's.
 */
#include <ctype.h>
#include <string.h>
#include "event/container.h"

static const struct {
	const char *prefix;
	enum vg_container_runtime runtime;
} prefixes[] = {
	{ "docker-", VG_RT_DOCKER },
	{ "libpod-", VG_RT_PODMAN },
	{ "crio-", VG_RT_CRIO },
	{ "cri-containerd-", VG_RT_CONTAINERD },
};

static bool all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

/* A segment that is (prefix)ID(.scope): the runtime, or VG_RT_NONE. */
static enum vg_container_runtime leaf_runtime(const char *seg, size_t len, const char **id,
					     bool *bare)
{
	size_t i, plen;

	if (len > 6 && !memcmp(seg + len - 6, ".scope", 6))
		len -= 6;
	*bare = false;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		plen = strlen(prefixes[i].prefix);
		if (len == plen + VG_CONTAINER_ID_LEN && !memcmp(seg, prefixes[i].prefix, plen) &&
		    all_hex(seg + plen, VG_CONTAINER_ID_LEN)) {
			*id = seg + plen;
			return prefixes[i].runtime;
		}
	}
	if (len == VG_CONTAINER_ID_LEN && all_hex(seg, len)) {
		*id = seg;
		*bare = true;
		return VG_RT_CONTAINERD;	/* refined by the parent segments */
	}
	return VG_RT_NONE;
}

/* "pod<uid>" or "kubepods-<qos>-pod<uid_with_underscores>.slice": the uid, if one. */
static bool pod_segment(const char *seg, size_t len, char *uid)
{
	const char *p = NULL;
	size_t i, n;

	if (len > 6 && !memcmp(seg + len - 6, ".slice", 6))
		len -= 6;
	for (i = 0; i + 3 <= len; i++)
		if (!memcmp(seg + i, "pod", 3) && (i == 0 || seg[i - 1] == '-'))
			p = seg + i + 3;
	if (!p)
		return false;
	n = len - (size_t)(p - seg);
	if (n != VG_POD_UID_LEN)
		return false;
	for (i = 0; i < n; i++) {
		char ch = p[i] == '_' ? '-' : p[i];

		if (!(isxdigit((unsigned char)ch) || ch == '-'))
			return false;
		uid[i] = (char)tolower((unsigned char)ch);
	}
	uid[n] = '\0';
	return true;
}

bool vg_container_parse_cgroup(const char *path, size_t len, struct vg_container_ref *out)
{
	const char *seg = path, *end = path + strnlen(path, len), *id = NULL;
	bool bare = false, kube = false, docker_dir = false, last_docker = false;
	enum vg_container_runtime rt = VG_RT_NONE;
	char uid[VG_POD_UID_LEN + 1] = "";

	memset(out, 0, sizeof(*out));
	while (seg < end) {
		const char *slash = memchr(seg, '/', (size_t)(end - seg));
		size_t n = (size_t)((slash ? slash : end) - seg);
		const char *seg_id;
		bool seg_bare;
		enum vg_container_runtime r = n ? leaf_runtime(seg, n, &seg_id, &seg_bare)
						: VG_RT_NONE;

		if (n >= 8 && !memcmp(seg, "kubepods", 8))
			kube = true;
		if (kube && !uid[0] && !pod_segment(seg, n, uid))
			uid[0] = '\0';
		/* The deepest container segment wins (nested runtimes). */
		if (r != VG_RT_NONE) {
			rt = r;
			id = seg_id;
			bare = seg_bare;
			docker_dir = last_docker;
		}
		last_docker = n == 6 && !memcmp(seg, "docker", 6);
		if (!slash)
			break;
		seg = slash + 1;
	}
	if (rt == VG_RT_NONE)
		return false;
	/* A bare id is docker's under /docker/, Kubernetes' (containerd) under kubepods. */
	if (bare && docker_dir)
		rt = VG_RT_DOCKER;
	else if (bare && !kube)
		return false;
	memcpy(out->id, id, VG_CONTAINER_ID_LEN);
	out->runtime = rt;
	memcpy(out->pod_uid, uid, sizeof(uid));
	return true;
}
