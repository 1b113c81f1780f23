// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include "event/decode.h"

#define STR(type, field) offsetof(struct type, field)
#define FILE_STRS { STR(vg_file, path), STR(vg_file, target), STR(vg_file, requested), \
		    STR(vg_file, extra) }

/* One row per record type; sensors add theirs here. */
static const struct vg_record_desc descs[] = {
	{ VG_EV_EXEC, "exec", sizeof(struct vg_exec), 6,
	  { STR(vg_exec, filename), STR(vg_exec, exe), STR(vg_exec, argv),
	    STR(vg_exec, cwd), STR(vg_exec, cgroup), STR(vg_exec, tty) } },
	{ VG_EV_FORK, "fork", sizeof(struct vg_fork), 0, { 0 } },
	{ VG_EV_EXIT, "exit", sizeof(struct vg_exit), 0, { 0 } },
	/* privilege sensor */
	{ VG_EV_CRED, "setuid", sizeof(struct vg_cred), 0, { 0 } },
	{ VG_EV_CAPSET, "capset", sizeof(struct vg_cred), 0, { 0 } },
	{ VG_EV_PRIV_EXEC, "privileged_exec", sizeof(struct vg_cred), 0, { 0 } },
	{ VG_EV_PTRACE, "ptrace", sizeof(struct vg_ptrace), 1, { STR(vg_ptrace, target_exe) } },
	{ VG_EV_PROCESS_VM, "process_vm", sizeof(struct vg_process_vm), 1,
	  { STR(vg_process_vm, target_exe) } },
	{ VG_EV_MODULE, "module", sizeof(struct vg_module), 3,
	  { STR(vg_module, name), STR(vg_module, path), STR(vg_module, params) } },
	{ VG_EV_BPF, "bpf", sizeof(struct vg_bpf), 0, { 0 } },
	{ VG_EV_PRCTL, "prctl", sizeof(struct vg_prctl), 0, { 0 } },
	{ VG_EV_SECCOMP, "seccomp", sizeof(struct vg_seccomp), 0, { 0 } },
	{ VG_EV_SIGNAL, "signal", sizeof(struct vg_signal), 1, { STR(vg_signal, target_exe) } },
	{ VG_EV_NAMESPACE, "namespace", sizeof(struct vg_namespace), 0, { 0 } },
	{ VG_EV_IOURING_SETUP, "io_uring_setup", sizeof(struct vg_iouring_setup), 0, { 0 } },
	{ VG_EV_IOURING, "io_uring", sizeof(struct vg_iouring), 1, { STR(vg_iouring, path) } },
	/* file sensor: one layout for every kind */
	{ VG_EV_FILE_OPEN, "open", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_UNLINK, "unlink", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_RENAME, "rename", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_CHMOD, "chmod", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_CHOWN, "chown", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_LINK, "link", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_SYMLINK, "symlink", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_TRUNCATE, "truncate", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_UTIMES, "utimes", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_MKNOD, "mknod", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_MOUNT, "mount", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_UMOUNT, "mount", sizeof(struct vg_file), 4, FILE_STRS },
	{ VG_EV_FILE_MEMFD, "memfd", sizeof(struct vg_file), 4, FILE_STRS },
	/* network sensor */
	{ VG_EV_NET_CONNECT, "connect", sizeof(struct vg_net_conn), 0, { 0 } },
	{ VG_EV_NET_ACCEPT, "accept", sizeof(struct vg_net_conn), 0, { 0 } },
	{ VG_EV_NET_LISTEN, "listen", sizeof(struct vg_net_conn), 0, { 0 } },
	{ VG_EV_NET_CLOSE, "close", sizeof(struct vg_net_conn), 0, { 0 } },
	{ VG_EV_NET_UDP_FLOW, "udp_flow", sizeof(struct vg_net_udp_flow), 0, { 0 } },
	{ VG_EV_NET_DNS, "dns", sizeof(struct vg_net_dns), 1, { STR(vg_net_dns, payload) } },
	{ VG_EV_NET_DENY, "deny", sizeof(struct vg_net_deny), 0, { 0 } },
	{ VG_EV_NET_SHELL, "shell_on_socket", sizeof(struct vg_net_shell), 0, { 0 } },
};

static const struct vg_record_desc *by_type[VG_EV_TYPE_MAX];
static pthread_once_t by_type_once = PTHREAD_ONCE_INIT;

static void index_descs(void)
{
	size_t i;

	for (i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		by_type[descs[i].type] = &descs[i];
}

const struct vg_record_desc *vg_record_desc(uint16_t type)
{
	pthread_once(&by_type_once, index_descs);
	return type < VG_EV_TYPE_MAX ? by_type[type] : NULL;
}

const char *vg_decode_error_name(enum vg_decode_error e)
{
	static const char *const names[VG_DEC_MAX] = {
		"ok", "short", "size_mismatch", "oversize", "version", "type", "string_bounds",
	};

	return (unsigned)e < VG_DEC_MAX ? names[e] : "unknown";
}

static enum vg_decode_error check(const void *data, size_t size)
{
	const struct vg_record_desc *d;
	struct vg_hdr h;
	size_t tail, i;

	if (size < sizeof(h))
		return VG_DEC_SHORT;
	if (size > VG_MAX_RECORD_BYTES)
		return VG_DEC_OVERSIZE;
	memcpy(&h, data, sizeof(h));
	if (h.version != VG_ABI_VERSION)
		return VG_DEC_VERSION;
	if (h.size != size)
		return VG_DEC_SIZE_MISMATCH;
	d = vg_record_desc(h.type);
	if (!d)
		return VG_DEC_TYPE;
	if (size < d->fixed_size)
		return VG_DEC_SHORT;
	tail = size - d->fixed_size;
	if (d->n_strs == 0 && tail != 0)
		return VG_DEC_SIZE_MISMATCH;
	for (i = 0; i < d->n_strs; i++) {
		struct vg_str s;

		memcpy(&s, (const char *)data + d->str_offs[i], sizeof(s));
		if ((size_t)s.off + s.len > tail)
			return VG_DEC_STR_BOUNDS;
	}
	return VG_DEC_OK;
}

enum vg_decode_error vg_decode_check(const void *data, size_t size, struct vg_decode_stats *st)
{
	enum vg_decode_error e = check(data, size);

	if (st) {
		if (e == VG_DEC_OK)
			st->ok++;
		else
			st->bad[e]++;
	}
	return e;
}
