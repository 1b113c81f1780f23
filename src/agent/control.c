// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "agent/control.h"
#include "lib/log.h"
#include "lib/timefmt.h"

/* A client that sends nothing, or reads nothing, is dropped after this. */
#define CLIENT_TIMEOUT_MS 2000
#define TICK_NS 1000000000ULL

const char *vg_control_default_path(void)
{
	const char *env = getenv("VIGIL_SOCKET");

	return env && *env ? env : VG_CONTROL_SOCKET;
}

static int make_dir_of(const char *path)
{
	char dir[sizeof(((struct vg_control *)0)->path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The pid of the agent answering at @sa, or 0 if nothing answers (a stale socket). */
static pid_t owner_pid(const struct sockaddr_un *sa)
{
	struct ucred cred = { 0 };
	socklen_t len = sizeof(cred);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) &&
	    !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		pid = cred.pid > 0 ? cred.pid : -1;
	close(fd);
	return pid;
}

static int bind_socket(struct vg_control *c, const struct sockaddr_un *sa)
{
	/* Created 0600 from the start: no window in which others may connect. */
	mode_t old = umask(0177);
	int err = bind(c->listen_fd, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;

	umask(old);
	return err;
}

int vg_control_open(struct vg_control *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pid_t pid;
	int err;

	memset(c, 0, sizeof(*c));
	c->listen_fd = c->stop_fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		vg_err("control socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path));
	err = make_dir_of(path);
	if (!err) {
		c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		err = c->listen_fd < 0 ? -errno : bind_socket(c, &sa);
	}
	if (err == -EADDRINUSE) {
		pid = owner_pid(&sa);
		if (pid) {
			vg_err("another vigil is running (pid %d) and holds %s", (int)pid, path);
			goto fail;
		}
		unlink(path);	/* stale: its agent is gone */
		err = bind_socket(c, &sa);
	}
	if (!err && listen(c->listen_fd, 8))
		err = -errno;
	if (err) {
		vg_err("control socket %s: %s", path, strerror(-err));
		goto fail;
	}
	return 0;
fail:
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	c->listen_fd = -1;
	c->path[0] = '\0';
	return err ? err : -EADDRINUSE;
}

/* Reads one request line; false if the client sent none in time. */
static bool read_request(int fd, char *req, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t got;

		if (poll(&p, 1, CLIENT_TIMEOUT_MS) <= 0)
			return false;
		got = read(fd, req + n, size - 1 - n);
		if (got <= 0)
			break;
		n += (size_t)got;
		if (memchr(req, '\n', n))
			break;
	}
	req[n] = '\0';
	req[strcspn(req, "\r\n")] = '\0';
	return n > 0;
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		struct pollfd p = { fd, POLLOUT, 0 };
		ssize_t n;

		if (poll(&p, 1, CLIENT_TIMEOUT_MS) <= 0)
			return;
		n = send(fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0 && errno != EAGAIN)
			return;
		if (n > 0) {
			s += n;
			len -= (size_t)n;
		}
	}
}

static void answer(struct vg_control *c, int fd)
{
	char req[VG_CONTROL_REQUEST_BYTES];
	struct ucred cred = { 0 };
	socklen_t len = sizeof(cred);
	struct vg_buf out = { 0 };
	const struct vg_control_cmd *cmd;
	size_t name_len;

	/* The socket's mode keeps others out; the peer's uid says so again. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || cred.uid != 0) {
		write_all(fd, "{\"error\":\"permission denied\"}\n", 30);
		return;
	}
	if (!read_request(fd, req, sizeof(req)))
		return;
	name_len = strcspn(req, " ");
	for (cmd = c->cmds; cmd->name; cmd++)
		if (strlen(cmd->name) == name_len && !strncmp(cmd->name, req, name_len))
			break;
	if (!cmd->name) {
		write_all(fd, "{\"error\":\"unknown request\"}\n", 28);
		return;
	}
	cmd->fn(c->arg, req[name_len] ? req + name_len + 1 : "", &out);
	vg_buf_append(&out, "\n", 1);
	write_all(fd, out.data, out.len);
	vg_buf_free(&out);
}

/* One client at a time: requests are rare and each is answered in bounded time. */
static void *control_main(void *arg)
{
	struct vg_control *c = arg;
	uint64_t last_tick = 0;

	for (;;) {
		struct pollfd p[2] = { { c->listen_fd, POLLIN, 0 }, { c->stop_fd, POLLIN, 0 } };
		uint64_t now = vg_boot_now_ns();
		int fd;

		if (c->tick && now - last_tick >= TICK_NS) {
			c->tick(c->arg);
			last_tick = now;
		}
		if (poll(p, 2, TICK_NS / 1000000) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			continue;
		answer(c, fd);
		close(fd);
	}
	return NULL;
}

int vg_control_start(struct vg_control *c, const struct vg_control_cmd *cmds,
		     void (*tick)(void *arg), void *arg)
{
	int err;

	c->cmds = cmds;
	c->tick = tick;
	c->arg = arg;
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->stop_fd < 0)
		return -errno;
	err = pthread_create(&c->thread, NULL, control_main, c);
	if (err)
		return -err;
	c->started = true;
	return 0;
}

void vg_control_close(struct vg_control *c)
{
	uint64_t one = 1;

	if (!c->path[0])
		return;
	if (c->started) {
		if (write(c->stop_fd, &one, sizeof(one)) < 0)
			vg_warn("cannot stop the control thread: %s", strerror(errno));
		pthread_join(c->thread, NULL);
	}
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		if (c->path[0])
			unlink(c->path);
	}
	memset(c, 0, sizeof(*c));
	c->listen_fd = c->stop_fd = -1;
}
