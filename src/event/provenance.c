// SPDX-License-Identifier: GPL-2.0
/*
 * File provenance (provenance.h): path -> who wrote it, in a hash map with
 * a least-recently-used list, so memory stays at VG_PROVENANCE_MAX records.
 */
#include <stdlib.h>
#include <string.h>
#include "event/decode.h"
#include "event/provenance.h"
#include "lib/strmap.h"

const char *const vg_provenance_prefixes[] = { "/tmp/", "/var/tmp/", "/dev/shm/", "/run/user/",
					       "/home/", "/root/", NULL };

struct prov_ent {
	struct prov_ent *prev, *next;
	struct vg_writer *w;
	size_t path_len;
	char path[];
};

struct vg_provenance {
	struct vg_strmap map;		/* path -> struct prov_ent * */
	struct prov_ent *head, *tail;	/* most recently used first */
	struct vg_provenance_stats st;
};

struct vg_provenance *vg_provenance_new(void)
{
	return calloc(1, sizeof(struct vg_provenance));
}

static size_t writer_bytes(const struct vg_writer *w)
{
	return sizeof(*w) + strlen(w->exe) + 1;
}

static size_t ent_bytes(const struct prov_ent *e)
{
	return sizeof(*e) + e->path_len + 1 + writer_bytes(e->w);
}

static void unlink_ent(struct vg_provenance *s, struct prov_ent *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		s->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		s->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(struct vg_provenance *s, struct prov_ent *e)
{
	e->next = s->head;
	if (s->head)
		s->head->prev = e;
	s->head = e;
	if (!s->tail)
		s->tail = e;
}

static void drop(struct vg_provenance *s, struct prov_ent *e)
{
	struct vg_strmap_slot *sl = vg_strmap_get(&s->map, e->path, e->path_len, false);

	if (sl)
		vg_strmap_del(&s->map, sl);
	unlink_ent(s, e);
	s->st.files--;
	s->st.bytes -= ent_bytes(e);
	free(e->w);
	free(e);
}

void vg_provenance_free(struct vg_provenance *s)
{
	if (!s)
		return;
	while (s->head)
		drop(s, s->head);
	vg_strmap_free(&s->map);
	free(s);
}

static struct prov_ent *find(struct vg_provenance *s, const char *path, size_t len)
{
	struct vg_strmap_slot *sl = vg_strmap_get(&s->map, path, len, false);

	return sl ? sl->val : NULL;
}

static bool kept_here(const char *path, size_t len)
{
	size_t i;

	for (i = 0; vg_provenance_prefixes[i]; i++) {
		size_t n = strlen(vg_provenance_prefixes[i]);

		if (len > n && !memcmp(path, vg_provenance_prefixes[i], n))
			return true;
	}
	return false;
}

static struct vg_writer *writer_dup(const struct vg_writer *w)
{
	size_t n = writer_bytes(w);
	struct vg_writer *d = malloc(n);

	if (d)
		memcpy(d, w, n);
	return d;
}

/* Records @w (owned from here on) as the writer of @path, replacing any record. */
static void put(struct vg_provenance *s, const char *path, size_t len, struct vg_writer *w)
{
	struct prov_ent *e = find(s, path, len);
	struct vg_strmap_slot *sl;

	if (!w)
		return;
	if (e)
		drop(s, e);
	if (s->st.files >= VG_PROVENANCE_MAX && s->tail) {
		s->st.evicted++;
		drop(s, s->tail);
	}
	e = malloc(sizeof(*e) + len + 1);
	if (!e) {
		free(w);
		return;
	}
	memset(e, 0, sizeof(*e));
	memcpy(e->path, path, len);
	e->path[len] = '\0';
	e->path_len = len;
	e->w = w;
	sl = vg_strmap_get(&s->map, e->path, len, true);
	if (!sl) {
		free(w);
		free(e);
		return;
	}
	sl->val = e;
	push_front(s, e);
	s->st.files++;
	s->st.bytes += ent_bytes(e);
}

/* Whether process @p or its parent had network connections: a shell that
 * opened /dev/tcp hands the socket to the `cat` that writes the file. */
static bool proc_network(struct vg_proc_cache *c, const struct vg_proc *p)
{
	const struct vg_proc *parent;

	if (!p)
		return false;
	if (p->had_network)
		return true;
	parent = c ? vg_proc_cache_lookup(c, p->ppid, p->parent_start_ns) : NULL;
	return parent && parent->had_network;
}

/* Whether @w's writer had network connections: as recorded, or seen since (a
 * download may open its output before it connects). */
static bool had_network(struct vg_proc_cache *c, const struct vg_writer *w)
{
	return w->had_network ||
	       (c && proc_network(c, vg_proc_cache_lookup(c, w->pid, w->start_ns)));
}

/* A source with a network origin among @writer's arguments (a copy), or NULL. */
static const struct prov_ent *copied_from(struct vg_provenance *s, struct vg_proc_cache *c,
					  const struct vg_proc *writer)
{
	size_t off = 0, n;
	const char *a;

	if (!writer->args)
		return NULL;
	for (; off < writer->args_len; off += n + 1) {
		struct prov_ent *e;

		a = writer->args + off;
		n = strnlen(a, writer->args_len - off);
		if (n > 3 && !memcmp(a, "if=", 3))	/* dd if=FILE */
			a += 3, n -= 3;
		e = a[0] == '/' ? find(s, a, n) : NULL;
		if (e && had_network(c, e->w))
			return e;
		n = a - (writer->args + off) + n;
	}
	return NULL;
}

static struct vg_writer *writer_of(struct vg_provenance *s, struct vg_proc_cache *c,
				   const struct vg_file *f, const struct vg_proc *p)
{
	size_t len = strlen(p->exe ? p->exe : "");
	struct vg_writer *w = calloc(1, sizeof(*w) + len + 1);
	const struct prov_ent *src;

	if (!w)
		return NULL;
	w->pid = p->tgid;
	w->start_ns = p->start_ns;
	w->written_ns = f->hdr.ts_boot_ns;
	w->had_network = proc_network(c, p);
	memcpy(w->exe, p->exe ? p->exe : "", len);
	if (!w->had_network && (src = copied_from(s, c, p)))
		w->had_network = w->copied = true;
	return w;
}

void vg_provenance_on_file(struct vg_provenance *s, struct vg_proc_cache *c, const struct vg_file *f,
			   size_t size, const struct vg_proc *writer)
{
	const uint32_t written = VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE;
	size_t len, tlen;
	const char *path, *target;
	struct vg_writer *w;
	struct prov_ent *e;

	if (!s || size < sizeof(*f) || f->ret < 0)
		return;
	path = vg_rec_str(f, &f->path, &len);
	target = vg_rec_str(f, &f->target, &tlen);
	switch (f->hdr.type) {
	case VG_EV_FILE_OPEN:
		if (!(f->access & written) || !writer || !kept_here(path, len))
			break;
		w = writer_of(s, c, f, writer);
		/* Appended to or patched, not replaced: a network origin stays. */
		e = find(s, path, len);
		if (w && e && !(f->access & VG_FACC_TRUNCATE) && !w->had_network &&
		    had_network(c, e->w))
			w->had_network = true;
		put(s, path, len, w);
		break;
	case VG_EV_FILE_RENAME:	/* path: the old name, target: the new one */
		e = find(s, path, len);
		if (e && kept_here(target, tlen))
			put(s, target, tlen, writer_dup(e->w));
		if ((e = find(s, path, len)))
			drop(s, e);
		break;
	case VG_EV_FILE_LINK:	/* path: the new name, target: the existing file */
		e = find(s, target, tlen);
		if (e && kept_here(path, len))
			put(s, path, len, writer_dup(e->w));
		break;
	case VG_EV_FILE_UNLINK:
		if ((e = find(s, path, len)))
			drop(s, e);
		break;
	default:
		break;
	}
}

/* The record of the file exec'd: the kernel's executable, else (a script run
 * by its interpreter) the name given to execve, made absolute with the cwd. */
static struct prov_ent *exec_ent(struct vg_provenance *s, const struct vg_proc *p,
				 const struct vg_exec *x)
{
	char path[VG_MAX_PATH_BYTES * 2];
	size_t flen, clen;
	const char *fname = vg_rec_str(x, &x->filename, &flen);
	const char *cwd = vg_rec_str(x, &x->cwd, &clen);
	struct prov_ent *e = p->exe ? find(s, p->exe, strlen(p->exe)) : NULL;

	if (e || !flen)
		return e;
	if (fname[0] == '/')
		return find(s, fname, flen);
	if (flen > 2 && !memcmp(fname, "./", 2))
		fname += 2, flen -= 2;
	if (!clen || clen + 1 + flen >= sizeof(path))
		return NULL;
	memcpy(path, cwd, clen);
	path[clen] = '/';
	memcpy(path + clen + 1, fname, flen);
	return find(s, path, clen + 1 + flen);
}

void vg_provenance_on_exec(struct vg_provenance *s, struct vg_proc_cache *c, struct vg_proc *p,
			   const struct vg_exec *x)
{
	struct prov_ent *e;

	if (!s || !(e = exec_ent(s, p, x)))
		return;
	free(p->exe_writer);
	p->exe_writer = writer_dup(e->w);
	if (p->exe_writer)
		p->exe_writer->had_network = had_network(c, e->w);
	unlink_ent(s, e);
	push_front(s, e);
}

void vg_provenance_get_stats(const struct vg_provenance *s, struct vg_provenance_stats *st)
{
	*st = s->st;
}
