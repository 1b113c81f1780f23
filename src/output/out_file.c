// SPDX-License-Identifier: GPL-2.0
/*
 * JSON-lines file output: one record per line, size-based rotation
 * (path -> path.1 -> ... path.KEEP), reopen on SIGUSR1 for an external
 * logrotate. A failed write (disk full) is cut back to the last whole
 * line, reported once and counted; the next batch tries again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output/senders.h"

struct file_out {
	int fd;
	uint64_t size;
	struct vg_buf buf;
};

static int file_open_path(struct vg_output *o)
{
	struct file_out *f = o->priv;
	struct stat st;

	f->fd = open(o->cfg.target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f->fd < 0) {
		vg_output_fail(o, "open %s: %s", o->cfg.target, strerror(errno));
		return -errno;
	}
	f->size = fstat(f->fd, &st) ? 0 : (uint64_t)st.st_size;
	return 0;
}

static int file_open(struct vg_output *o)
{
	struct file_out *f = o->priv;

	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
		f->fd = -1;
		o->priv = f;
	}
	return file_open_path(o);
}

static void file_close_fd(struct file_out *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* path.(k) -> path.(k+1) down to path -> path.1; with keep 0 the old file goes. */
static void rotate(struct vg_output *o)
{
	struct file_out *f = o->priv;
	char from[sizeof(o->cfg.target) + 16], to[sizeof(o->cfg.target) + 16];
	unsigned k;

	file_close_fd(f);
	if (!o->cfg.keep) {
		unlink(o->cfg.target);
	} else {
		for (k = o->cfg.keep; k > 1; k--) {
			snprintf(from, sizeof(from), "%s.%u", o->cfg.target, k - 1);
			snprintf(to, sizeof(to), "%s.%u", o->cfg.target, k);
			rename(from, to);
		}
		snprintf(to, sizeof(to), "%s.1", o->cfg.target);
		rename(o->cfg.target, to);
	}
	file_open_path(o);
}

static enum vg_send_result file_send(struct vg_output *o, struct vg_out_item **items, size_t n)
{
	struct file_out *f = o->priv;
	ssize_t w = 0;
	size_t i, done = 0;

	vg_buf_reset(&f->buf);
	for (i = 0; i < n; i++) {
		vg_out_format_item(o, items[i], &f->buf);
		vg_buf_append(&f->buf, "\n", 1);
	}
	if (o->cfg.max_bytes && f->size && f->size + f->buf.len > o->cfg.max_bytes)
		rotate(o);
	if (f->fd < 0 && file_open_path(o))
		return VG_SEND_RETRY;
	while (done < f->buf.len) {
		w = write(f->fd, f->buf.data + done, f->buf.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += w;
	}
	if (done < f->buf.len) {
		int e = w < 0 ? errno : ENOSPC;

		/* no half line: cut back to where this batch began */
		if (done && ftruncate(f->fd, f->size))
			vg_output_fail(o, "truncate %s: %s", o->cfg.target, strerror(errno));
		vg_output_fail(o, "write %s: %s; dropping records until a write succeeds",
			       o->cfg.target, strerror(e));
		o->drop_reason = VG_DROP_WRITE_ERROR;
		return VG_SEND_DROP;
	}
	f->size += done;
	if (o->cfg.fsync)
		fdatasync(f->fd);
	return VG_SEND_OK;
}

static void file_reopen(struct vg_output *o)
{
	file_close_fd(o->priv);
	file_open_path(o);
}

static void file_close(struct vg_output *o)
{
	struct file_out *f = o->priv;

	if (!f)
		return;
	file_close_fd(f);
	vg_buf_free(&f->buf);
	free(f);
	o->priv = NULL;
}

const struct vg_output_ops vg_out_file_ops = {
	.type = "file",
	.open = file_open,
	.send = file_send,
	.reopen = file_reopen,
	.close = file_close,
};
