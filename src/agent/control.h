/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket: a root-only unix stream socket (mode 0600) on which
 * the running agent answers one request per connection ("status",
 * "reload", "policy"), one line in, one JSON document out. Binding it is
 * also how one host keeps one agent: a socket that answers belongs to a
 * running agent, whose pid the kernel gives (SO_PEERCRED).
 */
#ifndef VIGIL_CONTROL_H
#define VIGIL_CONTROL_H

#include <pthread.h>
#include <stdbool.h>
#include "lib/json.h"

#define VG_CONTROL_SOCKET "/run/vigil/vigil.sock"
#define VG_CONTROL_REQUEST_BYTES 256

/* Writes the answer to @args (what followed the request's name) into @out. */
typedef void (*vg_control_fn)(void *arg, const char *args, struct vg_buf *out);

struct vg_control_cmd {
	const char *name;
	vg_control_fn fn;
};

struct vg_control {
	char path[108];
	int listen_fd, stop_fd;
	const struct vg_control_cmd *cmds;
	void (*tick)(void *arg);	/* once a second; may be NULL */
	void *arg;
	pthread_t thread;
	bool started;
};

/* The socket path: $VIGIL_SOCKET, else VG_CONTROL_SOCKET. */
const char *vg_control_default_path(void);
/*
 * Binds @path (creating its directory, mode 0755). If an agent already
 * answers there, says which pid and returns -EADDRINUSE; a stale socket
 * is replaced.
 */
int vg_control_open(struct vg_control *c, const char *path);
/* Serves @cmds (ended by a NULL name) on a thread of its own, calling @tick once a second. */
int vg_control_start(struct vg_control *c, const struct vg_control_cmd *cmds,
		     void (*tick)(void *arg), void *arg);
/* Stops the thread, closes and removes the socket; safe on a zeroed struct. */
void vg_control_close(struct vg_control *c);

#endif
