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

/* Appends @len bytes of whole lines; on failure cuts back to where they began. */
static int file_write(struct vg_output *o, const char *data, size_t len)
{
	struct file_out *f = o->priv;
	ssize_t w = 0;
	size_t done = 0;

	while (done < len) {
		w = write(f->fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += w;
	}
	if (done < len) {
		int e = w < 0 ? errno : ENOSPC;

		/* no half line: cut back to where these lines began */
		if (done && ftruncate(f->fd, f->size))
			vg_output_fail(o, "truncate %s: %s", o->cfg.target, strerror(errno));
		vg_output_fail(o, "write %s: %s; dropping records until a write succeeds",
			       o->cfg.target, strerror(e));
		o->drop_reason = VG_DROP_WRITE_ERROR;
		return -1;
	}
	f->size += done;
	return 0;
}

/*
 * A batch may hold more than max-size allows in one file: its lines go to
 * the file until the next would pass the limit, then the file rotates and
 * they go on in the new one (a line is never split, and never alone over
 * the limit unless it is longer than the limit itself).
 */
static enum vg_send_result file_send(struct vg_output *o, struct vg_out_item **items, size_t n)
{
	struct file_out *f = o->priv;
	size_t i, line;

	if (f->fd < 0 && file_open_path(o))
		return VG_SEND_RETRY;
	vg_buf_reset(&f->buf);
	for (i = 0; i < n; i++) {
		line = f->buf.len;
		vg_out_format_item(o, items[i], &f->buf);
		vg_buf_append(&f->buf, "\n", 1);
		if (!o->cfg.max_bytes || f->size + line == 0 ||
		    f->size + f->buf.len <= o->cfg.max_bytes)
			continue;
		if (line && file_write(o, f->buf.data, line))
			return VG_SEND_DROP;
		o->delivered_first = i;
		rotate(o);
		if (f->fd < 0) {
			/* Not retried: the lines before went out, and must not twice. */
			o->drop_reason = VG_DROP_WRITE_ERROR;
			return VG_SEND_DROP;
		}
		memmove(f->buf.data, f->buf.data + line, f->buf.len - line);
		f->buf.len -= line;
	}
	if (file_write(o, f->buf.data, f->buf.len))
		return VG_SEND_DROP;
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
