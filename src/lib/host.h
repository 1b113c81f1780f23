/* SPDX-License-Identifier: GPL-2.0 */
/* The host every record names: host.name and host.id, read once. */
#ifndef VIGIL_HOST_H
#define VIGIL_HOST_H

struct vg_host {
	char name[256];		/* gethostname(), "unknown" if it fails */
	char id[64];		/* /etc/machine-id (or dbus's copy); else the hostname */
	char os_type[16];	/* "linux" */
	char os_version[128];	/* uname release */
	char os_name[128];	/* PRETTY_NAME from /etc/os-release, else "Linux" */
};

/* The host, read on first use (thread-safe). */
const struct vg_host *vg_host_get(void);
/*
 * The host records name from now on (a replayed capture's, which names the
 * host that took it); call before any vg_host_get. Strings are cut to fit.
 */
void vg_host_set(const struct vg_host *h);

#endif
