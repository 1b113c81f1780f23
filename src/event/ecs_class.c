// SPDX-License-Identifier: GPL-2.0
/*
 * ECS categorization per record kind: event.category and event.type from
 * ECS's allowed values, so a SIEM's stock dashboards file vigil's events
 * where its own go.
 */
#include "event/ecs_class.h"

#define C1(c, t) { c, { t, NULL }, 1 }
#define C2(c, t, u) { c, { t, u }, 2 }

static const struct vg_ecs_class classes[VG_K_MAX] = {
	[VG_K_EXEC] = C1("process", "start"),
	[VG_K_EXIT] = C1("process", "end"),
	[VG_K_FORK] = C1("process", "start"),
	[VG_K_HEALTH] = C1("host", "info"),
	[VG_K_OPEN] = C1("file", "access"),
	[VG_K_UNLINK] = C1("file", "deletion"),
	[VG_K_RENAME] = C1("file", "change"),
	[VG_K_CHMOD] = C1("file", "change"),
	[VG_K_CHOWN] = C1("file", "change"),
	[VG_K_LINK] = C1("file", "creation"),
	[VG_K_SYMLINK] = C1("file", "creation"),
	[VG_K_TRUNCATE] = C1("file", "change"),
	[VG_K_UTIMES] = C1("file", "change"),
	[VG_K_MKNOD] = C1("file", "creation"),
	[VG_K_MOUNT] = C1("file", "change"),
	[VG_K_MEMFD] = C1("file", "creation"),
	[VG_K_CONNECT] = C2("network", "connection", "start"),
	[VG_K_ACCEPT] = C2("network", "connection", "start"),
	[VG_K_CLOSE] = C2("network", "connection", "end"),
	[VG_K_LISTEN] = C2("network", "connection", "start"),
	[VG_K_UDP_FLOW] = C1("network", "connection"),
	[VG_K_DNS] = C1("network", "protocol"),
	[VG_K_DENY] = C2("network", "connection", "denied"),
	[VG_K_SHELL_ON_SOCKET] = C1("process", "info"),
	[VG_K_SETUID] = C1("iam", "change"),
	[VG_K_CAPSET] = C1("iam", "change"),
	[VG_K_PRIVILEGED_EXEC] = C1("process", "start"),
	[VG_K_PTRACE] = C1("process", "access"),
	[VG_K_PROCESS_VM] = C1("process", "access"),
	[VG_K_BPF] = C1("host", "change"),
	[VG_K_MODULE] = C1("driver", "change"),
	[VG_K_PRCTL] = C1("process", "change"),
	[VG_K_SECCOMP] = C1("process", "change"),
	[VG_K_SIGNAL] = C1("process", "access"),
	[VG_K_NAMESPACE] = C1("process", "change"),
	[VG_K_IO_URING_SETUP] = C1("process", "info"),
	[VG_K_IO_URING] = C1("process", "info"),
	[VG_K_SECCOMP_DENY] = C2("process", "access", "denied"),
	[VG_K_SETXATTR] = C1("file", "change"),
	[VG_K_CAPABILITY_USE] = C1("process", "access"),
};

const struct vg_ecs_class *vg_ecs_class_of(enum vg_kind k)
{
	static const struct vg_ecs_class unknown = C1("host", "info");

	return (unsigned)k < VG_K_MAX && classes[k].category ? &classes[k] : &unknown;
}
