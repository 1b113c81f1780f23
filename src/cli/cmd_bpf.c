// SPDX-License-Identifier: GPL-2.0
/*
 * vigil bpf: the host's eBPF inventory. Every program, map and link the
 * kernel holds (walked by id), with the processes that hold an fd to it
 * (from /proc/PID/fd + fdinfo), the link's attach point, and whether vigil
 * loaded it: an object is vigil's when a vigil process holds it, or when it
 * is a map used by one of vigil's programs or the program of vigil's link.
 */
#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "sensors/bpf_env.h"
#include "cli/commands.h"
#include "lib/json.h"
#include "lib/log.h"

enum obj_kind { OBJ_PROG, OBJ_MAP, OBJ_LINK };

struct owner {
	enum obj_kind kind;
	__u32 id;
	__u32 pid;
};

struct owners {
	struct owner *v;
	size_t n, cap;
};

struct bpf_args {
	bool json;
};

static const char doc[] =
	"List every eBPF program, map and link loaded on the host, with the processes\n"
	"holding them, link attach points, and whether vigil loaded them.\v"
	"EXAMPLES:\n"
	"  vigil bpf           # a table\n"
	"  vigil bpf --json    # one JSON document\n";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "one JSON document instead of a table", 0 },
	{ "verbose", 'v', NULL, 0, "debug output", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct bpf_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		break;
	default:
		return vg_cmd_other_key(key, arg, state);
	}
	return 0;
}

static int owners_add(struct owners *o, enum obj_kind kind, __u32 id, __u32 pid)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->v[i].kind == kind && o->v[i].id == id && o->v[i].pid == pid)
			return 0;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		struct owner *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = (struct owner){ kind, id, pid };
	return 0;
}

/* The "key:\tN" line of an fdinfo file, or 0. */
static __u32 fdinfo_id(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	__u32 id = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			id = (__u32)strtoul(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return id;
}

/* Every process's bpf fds: anon_inode:bpf-prog / bpf-map / bpf_link. */
static int scan_owners(struct owners *o)
{
	DIR *proc = opendir("/proc");
	struct dirent *pe;
	int err = 0;

	if (!proc)
		return -errno;
	while (!err && (pe = readdir(proc))) {
		char fddir[64], path[PATH_MAX], target[64];
		struct dirent *fe;
		DIR *fds;
		__u32 pid;
		char *end;

		pid = (__u32)strtoul(pe->d_name, &end, 10);
		if (*end || !pid)
			continue;
		snprintf(fddir, sizeof(fddir), "/proc/%u/fd", pid);
		fds = opendir(fddir);
		if (!fds)
			continue;	/* gone, or a kernel thread */
		while (!err && (fe = readdir(fds))) {
			ssize_t n;
			enum obj_kind kind;
			const char *key;
			__u32 id;

			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", fddir, fe->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (!strcmp(target, "anon_inode:bpf-prog")) {
				kind = OBJ_PROG;
				key = "prog_id";
			} else if (!strcmp(target, "anon_inode:bpf-map")) {
				kind = OBJ_MAP;
				key = "map_id";
			} else if (!strcmp(target, "anon_inode:bpf_link")) {
				kind = OBJ_LINK;
				key = "link_id";
			} else {
				continue;
			}
			snprintf(path, sizeof(path), "/proc/%u/fdinfo/%s", pid, fe->d_name);
			id = fdinfo_id(path, key);
			if (id)
				err = owners_add(o, kind, id, pid);
		}
		closedir(fds);
	}
	closedir(proc);
	return err;
}

static void proc_comm(__u32 pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void proc_exe(__u32 pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* A vigil process: the same executable as ours, or one named vigil. */
static bool pid_is_vigil(__u32 pid, const char *self_exe)
{
	char exe[PATH_MAX];
	const char *base;

	proc_exe(pid, exe, sizeof(exe));
	if (!exe[0])
		return false;
	if (self_exe[0] && !strcmp(exe, self_exe))
		return true;
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	return !strcmp(base, "vigil");
}

struct prog_rec {
	struct bpf_prog_info info;
	__u32 *map_ids;
	bool vigil;
};

struct map_rec {
	struct bpf_map_info info;
	bool vigil;
};

struct link_rec {
	struct bpf_link_info info;
	char tp_name[128];	/* raw tracepoint, perf_event tracepoint/kprobe/uprobe target */
	__u32 perf_type;	/* enum bpf_perf_event_type (Linux 6.6+), 0 if unknown */
	bool vigil;
};

/*
 * struct bpf_link_info's perf_event member (Linux 6.6+), newer than the uapi
 * headers we build with: the target's name pointer and length sit at the
 * same offsets for tracepoints, kprobes and uprobes.
 */
struct link_info_perf {
	__u32 type, id, prog_id, pad;
	__u32 perf_type, pad2;
	__u64 name;
	__u32 name_len, offset;
	__u64 rest[4];
};

#define PERF_EVENT_UPROBE 1
#define PERF_EVENT_URETPROBE 2
#define PERF_EVENT_KPROBE 3
#define PERF_EVENT_KRETPROBE 4
#define PERF_EVENT_TRACEPOINT 5

static struct btf *vmlinux_btf;

/* "sched_process_exec" for a tp_btf target, the function for fentry & co. */
static const char *btf_target_name(__u32 btf_id)
{
	const struct btf_type *t;
	const char *name;

	if (!vmlinux_btf)
		vmlinux_btf = btf__load_vmlinux_btf();
	if (!vmlinux_btf || libbpf_get_error(vmlinux_btf)) {
		vmlinux_btf = NULL;
		return NULL;
	}
	t = btf__type_by_id(vmlinux_btf, btf_id);
	if (!t)
		return NULL;
	name = btf__name_by_offset(vmlinux_btf, t->name_off);
	if (name && !strncmp(name, "btf_trace_", 10))
		name += 10;
	return name;
}

struct inventory {
	struct prog_rec *progs;
	size_t n_progs;
	struct map_rec *maps;
	size_t n_maps;
	struct link_rec *links;
	size_t n_links;
	struct owners owners;
	char self_exe[PATH_MAX];
};

static bool owned_by_vigil(const struct inventory *inv, enum obj_kind kind, __u32 id)
{
	size_t i;

	for (i = 0; i < inv->owners.n; i++) {
		const struct owner *o = &inv->owners.v[i];

		if (o->kind == kind && o->id == id && pid_is_vigil(o->pid, inv->self_exe))
			return true;
	}
	return false;
}

static int collect_progs(struct inventory *inv)
{
	__u32 id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct prog_rec r = { 0 }, *v;
		__u32 len = sizeof(r.info);
		__u32 nmaps;
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;	/* unloaded meanwhile */
		if (bpf_obj_get_info_by_fd(fd, &r.info, &len) == 0 && r.info.nr_map_ids) {
			nmaps = r.info.nr_map_ids;
			r.map_ids = calloc(nmaps, sizeof(__u32));
			if (r.map_ids) {
				struct bpf_prog_info again = { 0 };

				len = sizeof(again);
				again.nr_map_ids = nmaps;
				again.map_ids = (__u64)(unsigned long)r.map_ids;
				if (bpf_obj_get_info_by_fd(fd, &again, &len) == 0)
					r.info.nr_map_ids = again.nr_map_ids < nmaps ? again.nr_map_ids
										 : nmaps;
				else
					r.info.nr_map_ids = 0;
			} else {
				r.info.nr_map_ids = 0;
			}
		}
		close(fd);
		if (r.info.id == 0)
			continue;
		v = realloc(inv->progs, (inv->n_progs + 1) * sizeof(*v));
		if (!v) {
			free(r.map_ids);
			return -ENOMEM;
		}
		inv->progs = v;
		inv->progs[inv->n_progs++] = r;
	}
	return errno == ENOENT ? 0 : -errno;
}

static int collect_maps(struct inventory *inv)
{
	__u32 id = 0;

	while (bpf_map_get_next_id(id, &id) == 0) {
		struct map_rec r = { 0 }, *v;
		__u32 len = sizeof(r.info);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &r.info, &len) != 0)
			r.info.id = 0;
		close(fd);
		if (r.info.id == 0)
			continue;
		v = realloc(inv->maps, (inv->n_maps + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		inv->maps = v;
		inv->maps[inv->n_maps++] = r;
	}
	return errno == ENOENT ? 0 : -errno;
}

static int collect_links(struct inventory *inv)
{
	__u32 id = 0;

	while (bpf_link_get_next_id(id, &id) == 0) {
		struct link_rec r = { 0 }, *v;
		__u32 len = sizeof(r.info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &r.info, &len) == 0 &&
		    r.info.type == BPF_LINK_TYPE_RAW_TRACEPOINT) {
			struct bpf_link_info again = { 0 };

			len = sizeof(again);
			again.raw_tracepoint.tp_name = (__u64)(unsigned long)r.tp_name;
			again.raw_tracepoint.tp_name_len = sizeof(r.tp_name);
			if (bpf_obj_get_info_by_fd(fd, &again, &len) != 0)
				r.tp_name[0] = '\0';
		} else if (r.info.type == BPF_LINK_TYPE_PERF_EVENT) {
			struct link_info_perf pe = { 0 };

			len = sizeof(pe);
			pe.name = (__u64)(unsigned long)r.tp_name;
			pe.name_len = sizeof(r.tp_name);
			/* Older kernels fill nothing more: the link stays "perf_event". */
			if (bpf_obj_get_info_by_fd(fd, &pe, &len) == 0)
				r.perf_type = pe.perf_type;
			else
				r.tp_name[0] = '\0';
		}
		close(fd);
		if (r.info.id == 0)
			continue;
		v = realloc(inv->links, (inv->n_links + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		inv->links = v;
		inv->links[inv->n_links++] = r;
	}
	return errno == ENOENT ? 0 : -errno;
}

/* Ownership, then what vigil's programs and links pull in. */
static void mark_vigil(struct inventory *inv)
{
	size_t i, k, m;

	for (i = 0; i < inv->n_links; i++)
		inv->links[i].vigil = owned_by_vigil(inv, OBJ_LINK, inv->links[i].info.id);
	for (i = 0; i < inv->n_progs; i++) {
		struct prog_rec *p = &inv->progs[i];

		p->vigil = owned_by_vigil(inv, OBJ_PROG, p->info.id);
		for (k = 0; !p->vigil && k < inv->n_links; k++)
			if (inv->links[k].vigil && inv->links[k].info.prog_id == p->info.id)
				p->vigil = true;
	}
	for (i = 0; i < inv->n_maps; i++) {
		struct map_rec *mr = &inv->maps[i];

		mr->vigil = owned_by_vigil(inv, OBJ_MAP, mr->info.id);
		for (k = 0; !mr->vigil && k < inv->n_progs; k++) {
			const struct prog_rec *p = &inv->progs[k];

			if (!p->vigil)
				continue;
			for (m = 0; m < p->info.nr_map_ids; m++)
				if (p->map_ids[m] == mr->info.id)
					mr->vigil = true;
		}
	}
}

static void json_owners(struct vg_json *j, const struct inventory *inv, enum obj_kind kind,
			__u32 id)
{
	size_t i;

	vg_json_key(j, "owners");
	vg_json_arr_begin(j);
	for (i = 0; i < inv->owners.n; i++) {
		const struct owner *o = &inv->owners.v[i];
		char comm[32], exe[PATH_MAX];

		if (o->kind != kind || o->id != id)
			continue;
		proc_comm(o->pid, comm, sizeof(comm));
		proc_exe(o->pid, exe, sizeof(exe));
		vg_json_obj_begin(j);
		vg_json_key(j, "pid");
		vg_json_u64(j, o->pid);
		vg_json_key(j, "name");
		vg_json_cstr(j, comm);
		vg_json_key(j, "executable");
		vg_json_obj_begin(j);
		vg_json_key(j, "path");
		vg_json_cstr(j, exe);
		vg_json_obj_end(j);
		vg_json_obj_end(j);
	}
	vg_json_arr_end(j);
}

static const char *link_type_name(__u32 t)
{
	const char *s = libbpf_bpf_link_type_str(t);

	return s ? s : "unknown";
}

/* Where a link is attached, as one readable string. */
static void link_attach_point(const struct link_rec *l, char *buf, size_t size)
{
	const struct bpf_link_info *i = &l->info;

	switch (i->type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		snprintf(buf, size, "raw_tracepoint:%s", l->tp_name);
		break;
	case BPF_LINK_TYPE_TRACING: {
		const char *target = btf_target_name(i->tracing.target_btf_id);

		if (target)
			snprintf(buf, size, "%s:%s",
				 libbpf_bpf_attach_type_str(i->tracing.attach_type) ?: "tracing",
				 target);
		else
			snprintf(buf, size, "%s btf_id=%u obj_id=%u",
				 libbpf_bpf_attach_type_str(i->tracing.attach_type) ?: "tracing",
				 i->tracing.target_btf_id, i->tracing.target_obj_id);
		break;
	}
	case BPF_LINK_TYPE_PERF_EVENT: {
		const char *what;

		switch (l->perf_type) {
		case PERF_EVENT_TRACEPOINT: what = "tracepoint"; break;
		case PERF_EVENT_KPROBE: what = "kprobe"; break;
		case PERF_EVENT_KRETPROBE: what = "kretprobe"; break;
		case PERF_EVENT_UPROBE: what = "uprobe"; break;
		case PERF_EVENT_URETPROBE: what = "uretprobe"; break;
		default: what = NULL; break;
		}
		if (what && l->tp_name[0])
			snprintf(buf, size, "%s:%s", what, l->tp_name);
		else
			snprintf(buf, size, "perf_event");
		break;
	}
	case BPF_LINK_TYPE_CGROUP:
		snprintf(buf, size, "cgroup id=%" PRIu64 " %s", (uint64_t)i->cgroup.cgroup_id,
			 libbpf_bpf_attach_type_str(i->cgroup.attach_type) ?: "?");
		break;
	case BPF_LINK_TYPE_NETNS:
		snprintf(buf, size, "netns ino=%u %s", i->netns.netns_ino,
			 libbpf_bpf_attach_type_str(i->netns.attach_type) ?: "?");
		break;
	case BPF_LINK_TYPE_XDP:
		snprintf(buf, size, "xdp ifindex=%u", i->xdp.ifindex);
		break;
	default:
		snprintf(buf, size, "%s", link_type_name(i->type));
		break;
	}
}

static void print_json(const struct inventory *inv)
{
	struct vg_buf b = { 0 };
	struct vg_json j;
	char buf[256];
	size_t i, k;

	vg_json_init(&j, &b);
	vg_json_obj_begin(&j);
	vg_json_key(&j, "programs");
	vg_json_arr_begin(&j);
	for (i = 0; i < inv->n_progs; i++) {
		const struct prog_rec *p = &inv->progs[i];

		vg_json_obj_begin(&j);
		vg_json_key(&j, "id");
		vg_json_u64(&j, p->info.id);
		vg_json_key(&j, "type");
		vg_json_cstr(&j, libbpf_bpf_prog_type_str(p->info.type));
		vg_json_key(&j, "name");
		vg_json_str(&j, p->info.name, strnlen(p->info.name, sizeof(p->info.name)));
		vg_json_key(&j, "tag");
		for (k = 0; k < 8; k++)
			snprintf(buf + 2 * k, 3, "%02x", p->info.tag[k]);
		vg_json_cstr(&j, buf);
		vg_json_key(&j, "user_id");
		vg_json_u64(&j, p->info.created_by_uid);
		vg_json_key(&j, "load_time_boot_ns");
		vg_json_u64(&j, p->info.load_time);
		vg_json_key(&j, "run_time_ns");
		vg_json_u64(&j, p->info.run_time_ns);
		vg_json_key(&j, "run_count");
		vg_json_u64(&j, p->info.run_cnt);
		vg_json_key(&j, "map_ids");
		vg_json_arr_begin(&j);
		for (k = 0; k < p->info.nr_map_ids; k++)
			vg_json_u64(&j, p->map_ids[k]);
		vg_json_arr_end(&j);
		json_owners(&j, inv, OBJ_PROG, p->info.id);
		vg_json_key(&j, "vigil");
		vg_json_bool(&j, p->vigil);
		vg_json_obj_end(&j);
	}
	vg_json_arr_end(&j);
	vg_json_key(&j, "maps");
	vg_json_arr_begin(&j);
	for (i = 0; i < inv->n_maps; i++) {
		const struct map_rec *m = &inv->maps[i];

		vg_json_obj_begin(&j);
		vg_json_key(&j, "id");
		vg_json_u64(&j, m->info.id);
		vg_json_key(&j, "type");
		vg_json_cstr(&j, libbpf_bpf_map_type_str(m->info.type));
		vg_json_key(&j, "name");
		vg_json_str(&j, m->info.name, strnlen(m->info.name, sizeof(m->info.name)));
		vg_json_key(&j, "key_size");
		vg_json_u64(&j, m->info.key_size);
		vg_json_key(&j, "value_size");
		vg_json_u64(&j, m->info.value_size);
		vg_json_key(&j, "max_entries");
		vg_json_u64(&j, m->info.max_entries);
		json_owners(&j, inv, OBJ_MAP, m->info.id);
		vg_json_key(&j, "vigil");
		vg_json_bool(&j, m->vigil);
		vg_json_obj_end(&j);
	}
	vg_json_arr_end(&j);
	vg_json_key(&j, "links");
	vg_json_arr_begin(&j);
	for (i = 0; i < inv->n_links; i++) {
		const struct link_rec *l = &inv->links[i];

		vg_json_obj_begin(&j);
		vg_json_key(&j, "id");
		vg_json_u64(&j, l->info.id);
		vg_json_key(&j, "type");
		vg_json_cstr(&j, link_type_name(l->info.type));
		vg_json_key(&j, "program_id");
		vg_json_u64(&j, l->info.prog_id);
		vg_json_key(&j, "attach_point");
		link_attach_point(l, buf, sizeof(buf));
		vg_json_cstr(&j, buf);
		json_owners(&j, inv, OBJ_LINK, l->info.id);
		vg_json_key(&j, "vigil");
		vg_json_bool(&j, l->vigil);
		vg_json_obj_end(&j);
	}
	vg_json_arr_end(&j);
	vg_json_obj_end(&j);
	printf("%.*s\n", (int)b.len, b.data);
	vg_buf_free(&b);
}

/* "1234(name),5678(name)" or "-". */
static void owners_text(const struct inventory *inv, enum obj_kind kind, __u32 id,
			char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < inv->owners.n && used + 1 < size; i++) {
		const struct owner *o = &inv->owners.v[i];
		char comm[32];
		int n;

		if (o->kind != kind || o->id != id)
			continue;
		proc_comm(o->pid, comm, sizeof(comm));
		n = snprintf(buf + used, size - used, "%s%u(%s)", used ? "," : "", o->pid, comm);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

static void print_text(const struct inventory *inv)
{
	char own[256], at[256];
	size_t i;

	printf("PROGRAMS\n%-7s %-22s %-16s %-6s %s\n", "ID", "TYPE", "NAME", "VIGIL", "OWNERS");
	for (i = 0; i < inv->n_progs; i++) {
		const struct prog_rec *p = &inv->progs[i];

		owners_text(inv, OBJ_PROG, p->info.id, own, sizeof(own));
		printf("%-7u %-22s %-16.16s %-6s %s\n", p->info.id,
		       libbpf_bpf_prog_type_str(p->info.type) ?: "?", p->info.name,
		       p->vigil ? "yes" : "no", own);
	}
	printf("\nMAPS\n%-7s %-22s %-16s %-6s %s\n", "ID", "TYPE", "NAME", "VIGIL", "OWNERS");
	for (i = 0; i < inv->n_maps; i++) {
		const struct map_rec *m = &inv->maps[i];

		owners_text(inv, OBJ_MAP, m->info.id, own, sizeof(own));
		printf("%-7u %-22s %-16.16s %-6s %s\n", m->info.id,
		       libbpf_bpf_map_type_str(m->info.type) ?: "?", m->info.name,
		       m->vigil ? "yes" : "no", own);
	}
	printf("\nLINKS\n%-7s %-14s %-7s %-6s %-40s %s\n", "ID", "TYPE", "PROG", "VIGIL",
	       "ATTACH POINT", "OWNERS");
	for (i = 0; i < inv->n_links; i++) {
		const struct link_rec *l = &inv->links[i];

		owners_text(inv, OBJ_LINK, l->info.id, own, sizeof(own));
		link_attach_point(l, at, sizeof(at));
		printf("%-7u %-14s %-7u %-6s %-40s %s\n", l->info.id, link_type_name(l->info.type),
		       l->info.prog_id, l->vigil ? "yes" : "no", at, own);
	}
}

static void inventory_free(struct inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n_progs; i++)
		free(inv->progs[i].map_ids);
	free(inv->progs);
	free(inv->maps);
	free(inv->links);
	free(inv->owners.v);
	btf__free(vmlinux_btf);
	vmlinux_btf = NULL;
}

int vg_cmd_bpf(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct bpf_args args = { 0 };
	struct inventory inv = { 0 };
	ssize_t n;
	int err;

	argv[0] = "vigil bpf";
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return 2;
	err = vg_env_prepare();
	if (err)
		return 1;
	n = readlink("/proc/self/exe", inv.self_exe, sizeof(inv.self_exe) - 1);
	inv.self_exe[n > 0 ? n : 0] = '\0';
	err = collect_progs(&inv);
	if (err) {
		vg_err("cannot list BPF programs: %s", strerror(-err));
		goto cleanup;
	}
	err = collect_maps(&inv);
	if (err) {
		vg_err("cannot list BPF maps: %s", strerror(-err));
		goto cleanup;
	}
	err = collect_links(&inv);
	if (err) {
		vg_err("cannot list BPF links: %s", strerror(-err));
		goto cleanup;
	}
	err = scan_owners(&inv.owners);
	if (err) {
		vg_err("cannot scan /proc for BPF file descriptors: %s", strerror(-err));
		goto cleanup;
	}
	mark_vigil(&inv);
	if (args.json)
		print_json(&inv);
	else
		print_text(&inv);
cleanup:
	inventory_free(&inv);
	return err ? 1 : 0;
}
