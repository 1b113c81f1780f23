// SPDX-License-Identifier: GPL-2.0
/*
 * The live path for file and privilege records: every decoder kind maps to a
 * policy kind, each file/priv field's record getter yields what the JSON
 * formatter prints for the same record, and compiled rules match (and do not
 * match) records built in memory.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "event/decode.h"
#include "event/event_format.h"
#include "event/fields.h"
#include "policy/policy.h"

/* A record: fixed part then tail, aligned for any record struct. */
struct rec {
	union {
		struct vg_hdr h;
		struct vg_file file;
		struct vg_cred cred;
		struct vg_ptrace ptrace;
		struct vg_process_vm vm;
		struct vg_module module;
		struct vg_bpf bpf;
		struct vg_signal signal;
		struct vg_namespace ns;
		struct vg_seccomp seccomp;
		struct vg_iouring_setup ring;
		struct vg_net_shell shell;
		struct vg_net_dns dns;
		uint64_t align;
		unsigned char bytes[2048];	/* fixed part and tail */
	};
	size_t fixed;		/* sizeof the fixed struct */
	size_t off;		/* tail bytes used */
};

static void rec_init(struct rec *r, uint16_t type)
{
	const struct vg_record_desc *d = vg_record_desc(type);

	assert_non_null(d);
	memset(r, 0, sizeof(*r));
	r->fixed = d->fixed_size;
	r->h.type = type;
	r->h.version = VG_ABI_VERSION;
	r->h.pid = r->h.tgid = 4242;
	memcpy(r->h.comm, "evil", 5);
}

/* Appends @s to the tail (right after the fixed part) and points @ref at it. */
static void rec_str(struct rec *r, struct vg_str *ref, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	assert_true(r->fixed + r->off + len <= sizeof(r->bytes));
	ref->off = r->off;
	ref->len = len;
	memcpy(r->bytes + r->fixed + r->off, s ? s : "", len);
	r->off += len;
}

static void rec_bytes(struct rec *r, struct vg_str *ref, const void *p, size_t len)
{
	assert_true(r->fixed + r->off + len <= sizeof(r->bytes));
	ref->off = r->off;
	ref->len = len;
	memcpy(r->bytes + r->fixed + r->off, p, len);
	r->off += len;
}

/* Seals the size and validates like the ring buffer reader does. */
static size_t rec_done(struct rec *r)
{
	size_t size = r->fixed + r->off;

	r->h.size = size;
	assert_int_equal(vg_decode_check(&r->h, size, NULL), VG_DEC_OK);
	return size;
}

static size_t file_rec(struct rec *r, uint16_t type, const char *path, const char *target,
		       uint64_t flags, uint32_t mode, uint32_t access, uint32_t fflags)
{
	rec_init(r, type);
	r->file.flags = flags;
	r->file.mode = mode;
	r->file.access = access;
	r->file.fflags = fflags;
	r->file.uid = r->file.gid = (uint32_t)-1;
	rec_str(r, &r->file.path, path);
	rec_str(r, &r->file.target, target);
	rec_str(r, &r->file.requested, NULL);
	rec_str(r, &r->file.extra, NULL);
	return rec_done(r);
}

static size_t cred_rec(struct rec *r, uint16_t type, uint32_t old_euid, uint32_t new_euid)
{
	rec_init(r, type);
	r->cred.sys.call = type == VG_EV_CAPSET ? VG_PC_CAPSET :
			   type == VG_EV_PRIV_EXEC ? VG_PC_EXECVE : VG_PC_SETUID;
	r->cred.old_creds.uid = r->cred.old_creds.euid = old_euid;
	r->cred.new_creds.uid = r->cred.new_creds.euid = new_euid;
	return rec_done(r);
}

static size_t ptrace_rec(struct rec *r, int32_t pid, uint32_t tgid, bool known)
{
	rec_init(r, VG_EV_PTRACE);
	r->ptrace.sys.call = VG_PC_PTRACE;
	r->ptrace.sys.flags = known ? VG_PRIV_TARGET_KNOWN : 0;
	r->ptrace.request = 16;	/* PTRACE_ATTACH */
	r->ptrace.target.pid = pid;
	r->ptrace.target.tgid = tgid;
	memcpy(r->ptrace.target.comm, "sshd", 5);
	rec_str(r, &r->ptrace.target_exe, known ? "/usr/sbin/sshd" : NULL);
	return rec_done(r);
}

static size_t bpf_rec(struct rec *r, uint32_t cmd)
{
	rec_init(r, VG_EV_BPF);
	r->bpf.sys.call = VG_PC_BPF;
	r->bpf.cmd = cmd;
	memcpy(r->bpf.name, "kprobe_x", 9);
	return rec_done(r);
}

/* ---- helpers: policy evaluation and the JSON formatter ---- */

static struct vg_event_view *view_of(const struct rec *r, size_t size)
{
	struct vg_event_view *v = malloc(sizeof(*v));

	assert_non_null(v);
	assert_int_equal(vg_field_view_record(v, &r->h, size, NULL, NULL, 0), 0);
	return v;
}

static int count_alert(struct vg_alert *a, struct vg_event_view *v, void *ctx)
{
	(void)a;
	(void)v;
	++*(int *)ctx;
	return 0;
}

/* Alerts a one-rule policy raises for the record. */
static int eval_rule(const char *event, const char *cond, const struct rec *r, size_t size)
{
	char yaml[1024];
	struct vg_policy *p = vg_policy_new();
	struct vg_event_view *v = view_of(r, size);
	const struct vg_diag *d;
	size_t n, i;
	int hits = 0, got;

	assert_non_null(p);
	snprintf(yaml, sizeof(yaml), "rules:\n  - name: r\n    event: %s\n    condition: |\n"
		 "      %s\n", event, cond);
	vg_policy_add_string(p, "t.yaml", yaml);
	if (vg_policy_compile(p)) {
		d = vg_policy_diags(p, &n);
		for (i = 0; i < n; i++)
			print_message("%s\n", d[i].text);
		fail_msg("'%s' on %s did not compile", cond, event);
	}
	got = vg_policy_eval(p, v, 0, count_alert, &hits);
	assert_int_equal(got, hits);
	vg_policy_free(p);
	free(v);
	return hits;
}

#define MATCH(ev, cond, r, size) do { if (eval_rule(ev, cond, r, size) != 1) \
	fail_msg("%s: '%s' should match", ev, cond); } while (0)
#define NO_MATCH(ev, cond, r, size) do { if (eval_rule(ev, cond, r, size) != 0) \
	fail_msg("%s: '%s' should not match", ev, cond); } while (0)

static bool any(const struct vg_value *val, void *ctx)
{
	(void)val;
	(void)ctx;
	return true;
}

/* The field's values as text; @present tells an absent field from an empty string. */
static void format_value(struct vg_event_view *v, const struct vg_field *f, char *out,
			 size_t size, bool *present)
{
	vg_field_format(v, f, out, size);
	*present = vg_field_each(v, f, any, NULL);
}

/*
 * For every file/priv field of the record's kind: the live record and the
 * line `vigil trace --json` prints for it give the same values.
 */
static void check_same_as_json(const struct rec *r, size_t size)
{
	struct vg_event_ctx ev;
	struct vg_buf b = { 0 };
	struct vg_event_view *live = view_of(r, size), *replay = malloc(sizeof(*replay));
	const struct vg_field *t;
	json_t *j;
	size_t n, i, checked = 0;

	assert_non_null(replay);
	vg_event_ctx_fill(&ev, NULL, &r->h, size);
	vg_event_to_json(&b, &ev);
	vg_buf_append(&b, "", 1);
	j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	assert_int_equal(vg_field_view_json(replay, j), 0);
	assert_int_equal(replay->kind, live->kind);
	t = vg_field_table(&n);
	for (i = 0; i < n; i++) {
		char a[4096], c[4096];
		bool pa, pc;

		if (!t[i].rec_get || t[i].kinds == VG_KINDS_ALL || !(t[i].kinds & VG_KB(live->kind)))
			continue;
		format_value(live, &t[i], a, sizeof(a), &pa);
		format_value(replay, &t[i], c, sizeof(c), &pc);
		if (pa != pc || strcmp(a, c))
			fail_msg("%s on %s: record gives %s'%s', JSON gives %s'%s' (%s)", t[i].name,
				 vg_field_kind_name(live->kind), pa ? "" : "nothing ", a,
				 pc ? "" : "nothing ", c, b.data);
		checked++;
	}
	assert_true(checked > 0);
	json_decref(j);
	vg_buf_free(&b);
	free(live);
	free(replay);
}

/* ---- tests ---- */

/* Every record kind the decoder knows is a policy kind of the sensor that emits it. */
static void test_every_record_kind_maps(void **state)
{
	struct vg_hdr h = { 0 };
	unsigned t, n = 0;

	(void)state;
	for (t = 0; t < VG_EV_TYPE_MAX; t++) {
		const struct vg_record_desc *d = vg_record_desc(t);
		enum vg_sensor_id want;
		int k;

		if (!d)
			continue;
		h.type = t;
		k = vg_field_kind_of_record(&h);
		if (k < 0)
			fail_msg("record type %u (%s) has no policy kind", t, d->kind);
		assert_string_equal(vg_field_kind_name(k), d->kind);
		want = t >= VG_EV_PRIV_FIRST ? VG_SENSOR_PRIV : t >= VG_EV_NET_FIRST ?
		       VG_SENSOR_NETWORK : t >= VG_EV_FILE_FIRST ? VG_SENSOR_FILE :
		       VG_SENSOR_PROCESS;
		if (vg_field_kind_sensor(k) != want)
			fail_msg("kind %s: sensor %s, want %s", d->kind,
				 vg_field_sensor_name(vg_field_kind_sensor(k)), vg_field_sensor_name(want));
		n++;
	}
	assert_true(n >= 36);
	/* The masks partition the kinds. */
	assert_int_equal(VG_KINDS_PROC | VG_KINDS_FILE | VG_KINDS_NET | VG_KINDS_PRIV, VG_KINDS_ALL);
	assert_int_equal(VG_KINDS_PROC & (VG_KINDS_FILE | VG_KINDS_NET | VG_KINDS_PRIV), 0);
	assert_int_equal(VG_KINDS_FILE & (VG_KINDS_NET | VG_KINDS_PRIV), 0);
	assert_int_equal(VG_KINDS_NET & VG_KINDS_PRIV, 0);
	for (t = 0; t < VG_K_MAX; t++) {
		assert_string_not_equal(vg_field_kind_name(t), "?");
		assert_int_equal(vg_field_kind_lookup(vg_field_kind_name(t), strlen(vg_field_kind_name(t))),
				 (int)t);
	}
	assert_int_equal(vg_field_kind_lookup("io_uring_setup", 14), VG_K_IO_URING_SETUP);
	assert_int_equal(vg_field_kind_sensor(VG_K_SHELL_ON_SOCKET), VG_SENSOR_NETWORK);
	assert_int_equal(vg_field_kind_sensor(VG_K_SECCOMP), VG_SENSOR_PRIV);
}

/* Every event-specific field reads the record: none is left to replay only. */
static void test_fields_have_record_getters(void **state)
{
	const struct vg_field *t;
	size_t n, i;

	(void)state;
	t = vg_field_table(&n);
	for (i = 0; i < n; i++)
		if (t[i].kinds != VG_KINDS_ALL && !t[i].rec_get)
			fail_msg("%s has no record getter", t[i].name);
}

static void test_open(void **state)
{
	struct rec r;
	size_t s;

	(void)state;
	s = file_rec(&r, VG_EV_FILE_OPEN, "/etc/cron.d/backdoor", NULL,
		     O_WRONLY | O_CREAT | O_TRUNC, 0100644, VG_FACC_WRITE | VG_FACC_CREATE, 0);
	MATCH("open", "file.path startswith /etc/cron and file.access contains write", &r, s);
	MATCH("open", "file.access = write and file.access = create and file.access = truncate",
	      &r, s);
	MATCH("open", "file.mode = 0x1a4 and file.name = backdoor and file.path_source = kernel",
	      &r, s);
	MATCH("open", "file.flags = 0x241", &r, s);
	NO_MATCH("open", "file.access = read", &r, s);
	NO_MATCH("open", "file.path startswith /etc/systemd/", &r, s);
	check_same_as_json(&r, s);

	/* Read only: nothing written; no O_CREAT, so no mode. */
	s = file_rec(&r, VG_EV_FILE_OPEN, "/etc/cron.d/backdoor", NULL, O_RDONLY, 0,
		     VG_FACC_READ, 0);
	NO_MATCH("open", "file.path startswith /etc/cron and file.access contains write", &r, s);
	MATCH("open", "file.access = read and not file.access = write", &r, s);
	NO_MATCH("open", "file.mode = 0", &r, s);
	NO_MATCH("open", "file.flags = 0", &r, s);	/* printed only when set */
	check_same_as_json(&r, s);

	/* read-write: `contains write` matches, the exact word does not. */
	s = file_rec(&r, VG_EV_FILE_OPEN, "/etc/ld.so.preload", NULL, O_RDWR | O_APPEND, 0,
		     VG_FACC_READ | VG_FACC_WRITE, 0);
	MATCH("open", "file.access contains write and file.access = append", &r, s);
	NO_MATCH("open", "file.access = write", &r, s);
	MATCH("open", "file.access in (read-write)", &r, s);
	check_same_as_json(&r, s);

	/* A caller's path with "..": matched (and printed) normalized. */
	s = file_rec(&r, VG_EV_FILE_OPEN, "/tmp/x/../../etc/./shadow", NULL, O_RDONLY, 0,
		     VG_FACC_READ, VG_FILE_PATH_USER | VG_FILE_UNCHECKED);
	MATCH("open", "file.path = /etc/shadow and file.name = shadow and file.path_source = user",
	      &r, s);
	check_same_as_json(&r, s);
}

static void test_rename_link_mount(void **state)
{
	struct rec r;
	size_t s;

	(void)state;
	s = file_rec(&r, VG_EV_FILE_RENAME, "/tmp/payload", "/etc/ld.so.preload", 0, 0,
		     VG_FACC_RENAME, 0);
	MATCH("rename", "file.target_path = /etc/ld.so.preload and file.path = /tmp/payload", &r, s);
	MATCH("rename", "file.access = rename", &r, s);
	check_same_as_json(&r, s);
	s = file_rec(&r, VG_EV_FILE_RENAME, "/tmp/a", "/tmp/b", 0, 0, VG_FACC_RENAME, 0);
	NO_MATCH("rename", "file.target_path startswith /etc/", &r, s);
	check_same_as_json(&r, s);

	/* symlink: the target is the literal content, never normalized. */
	s = file_rec(&r, VG_EV_FILE_SYMLINK, "/home/u/.bashrc", "../../tmp/./x", 0, 0,
		     VG_FACC_CREATE, VG_FILE_UNCHECKED | VG_FILE_TARGET_RAW);
	MATCH("symlink", "file.target_path = ../../tmp/./x", &r, s);
	check_same_as_json(&r, s);

	/* mount: target_path is the mount point; the source is mount.source. */
	s = file_rec(&r, VG_EV_FILE_MOUNT, "/mnt/evil", "/dev/sdb1", 0x1000, 0, VG_FACC_MOUNT, 0);
	MATCH("mount", "file.target_path = /mnt/evil and file.flags = 4096", &r, s);
	check_same_as_json(&r, s);

	s = file_rec(&r, VG_EV_FILE_UNLINK, "/var/log/auth.log", NULL, 0, 0, VG_FACC_DELETE, 0);
	MATCH("unlink", "file.path startswith /var/log/ and file.access = delete", &r, s);
	check_same_as_json(&r, s);
}

static void test_chmod_chown(void **state)
{
	struct rec r;
	size_t s;

	(void)state;
	/* chmod u+s: 04755 = 2541 */
	s = file_rec(&r, VG_EV_FILE_CHMOD, "/tmp/sh", NULL, 0, 04755,
		     VG_FACC_ATTR | VG_FACC_EXECMODE, 0);
	MATCH("chmod", "file.mode = 2541", &r, s);
	MATCH("chmod", "file.mode >= 2048 and file.access = execute-mode", &r, s);
	check_same_as_json(&r, s);
	s = file_rec(&r, VG_EV_FILE_CHMOD, "/tmp/sh", NULL, 0, 0644, VG_FACC_ATTR, 0);
	NO_MATCH("chmod", "file.mode >= 2048", &r, s);
	NO_MATCH("chmod", "file.mode = 2541", &r, s);
	check_same_as_json(&r, s);

	/* chown: (uid_t)-1 leaves the owner unchanged: no value. */
	s = file_rec(&r, VG_EV_FILE_CHOWN, "/etc/passwd", NULL, 0, 0, VG_FACC_ATTR, 0);
	r.file.gid = 0;
	MATCH("chown", "file.group.id = 0 and file.owner.id != 0", &r, s);
	NO_MATCH("chown", "file.owner.id >= 0", &r, s);
	check_same_as_json(&r, s);
}

static void test_setuid(void **state)
{
	struct rec r;
	size_t s;

	(void)state;
	s = cred_rec(&r, VG_EV_CRED, 1000, 0);
	MATCH("setuid", "process.new_user.id = 0", &r, s);
	check_same_as_json(&r, s);
	s = cred_rec(&r, VG_EV_CRED, 0, 1000);
	NO_MATCH("setuid", "process.new_user.id = 0", &r, s);
	MATCH("setuid", "process.new_user.id = 1000", &r, s);
	check_same_as_json(&r, s);
	/* Kinds that used to have no policy kind at all. */
	s = cred_rec(&r, VG_EV_PRIV_EXEC, 1000, 0);
	MATCH("privileged_exec", "process.new_user.id = 0", &r, s);
	NO_MATCH("setuid", "process.new_user.id = 0", &r, s);
	check_same_as_json(&r, s);
	s = cred_rec(&r, VG_EV_CAPSET, 0, 0);
	MATCH("capset", "process.new_user.id = 0", &r, s);
	check_same_as_json(&r, s);
}

static void test_ptrace_signal_process_vm(void **state)
{
	struct rec r;
	size_t s;

	(void)state;
	s = ptrace_rec(&r, 4322, 4321, true);
	MATCH("ptrace", "target.process.pid = 4321", &r, s);
	NO_MATCH("ptrace", "target.process.pid = 4322", &r, s);
	check_same_as_json(&r, s);
	/* Not found: the id as passed; a negative one (a group) has no value. */
	s = ptrace_rec(&r, 777, 0, false);
	MATCH("ptrace", "target.process.pid = 777", &r, s);
	check_same_as_json(&r, s);
	s = ptrace_rec(&r, -1, 0, false);
	NO_MATCH("ptrace", "target.process.pid >= 0", &r, s);
	MATCH("ptrace", "target.process.pid != 4321", &r, s);
	check_same_as_json(&r, s);

	rec_init(&r, VG_EV_SIGNAL);
	r.signal.sys.call = VG_PC_KILL;
	r.signal.sys.flags = VG_PRIV_TARGET_KNOWN;
	r.signal.sig = 9;
	r.signal.target.pid = r.signal.target.tgid = 1;
	rec_str(&r, &r.signal.target_exe, "/sbin/init");
	s = rec_done(&r);
	MATCH("signal", "signal.number = 9 and target.process.pid = 1", &r, s);
	NO_MATCH("signal", "signal.number = 15", &r, s);
	check_same_as_json(&r, s);

	rec_init(&r, VG_EV_PROCESS_VM);
	r.vm.sys.call = VG_PC_PROCESS_VM_WRITEV;
	r.vm.sys.flags = VG_PRIV_TARGET_KNOWN;
	r.vm.target.pid = r.vm.target.tgid = 99;
	rec_str(&r, &r.vm.target_exe, NULL);
	s = rec_done(&r);
	MATCH("process_vm", "target.process.pid = 99", &r, s);
	check_same_as_json(&r, s);
}

/*
 * namespace.type in the record's JSON (an array, like namespace.types) and
 * as a template renders it (elements joined by spaces).
 */
static void check_namespace_types(const struct rec *r, size_t size, const char *json_want,
				  const char *text_want)
{
	struct vg_event_ctx ev;
	struct vg_buf b = { 0 };
	struct vg_event_view *live = view_of(r, size);
	const struct vg_field *f = vg_field_lookup("namespace.type", strlen("namespace.type"));
	json_t *j, *want;
	char text[256];

	assert_non_null(f);
	assert_int_equal(f->type, VG_FT_STRLIST);
	vg_field_format(live, f, text, sizeof(text));
	assert_string_equal(text, text_want);
	vg_event_ctx_fill(&ev, NULL, &r->h, size);
	vg_event_to_json(&b, &ev);
	vg_buf_append(&b, "", 1);
	j = json_loads(b.data, 0, NULL);
	want = json_loads(json_want, 0, NULL);
	assert_non_null(j);
	assert_non_null(want);
	if (!json_equal(json_object_get(json_object_get(j, "namespace"), "type"), want) ||
	    !json_equal(json_object_get(json_object_get(j, "namespace"), "types"), want))
		fail_msg("namespace.type and .types should both be %s: %s", json_want, b.data);
	json_decref(want);
	json_decref(j);
	vg_buf_free(&b);
	free(live);
}

static void test_bpf_module_namespace(void **state)
{
	struct rec r;
	size_t s;

	(void)state;
	s = bpf_rec(&r, 5);	/* BPF_PROG_LOAD */
	MATCH("bpf", "bpf.command = PROG_LOAD", &r, s);
	MATCH("bpf", "bpf.command in (PROG_LOAD, LINK_CREATE)", &r, s);
	check_same_as_json(&r, s);
	s = bpf_rec(&r, 0);	/* BPF_MAP_CREATE */
	NO_MATCH("bpf", "bpf.command = PROG_LOAD", &r, s);
	MATCH("bpf", "bpf.command = MAP_CREATE", &r, s);
	check_same_as_json(&r, s);
	s = bpf_rec(&r, 9999);	/* unknown: no value */
	NO_MATCH("bpf", "bpf.command startswith \"\"", &r, s);
	check_same_as_json(&r, s);

	rec_init(&r, VG_EV_MODULE);
	r.module.sys.call = VG_PC_DELETE_MODULE;
	rec_str(&r, &r.module.name, "rootkit");
	rec_str(&r, &r.module.path, NULL);
	rec_str(&r, &r.module.params, NULL);
	s = rec_done(&r);
	MATCH("module", "module.name = rootkit", &r, s);
	check_same_as_json(&r, s);
	rec_init(&r, VG_EV_MODULE);
	r.module.sys.call = VG_PC_FINIT_MODULE;
	rec_str(&r, &r.module.name, NULL);
	rec_str(&r, &r.module.path, "/tmp/rootkit.ko");
	rec_str(&r, &r.module.params, "x=1");
	s = rec_done(&r);
	NO_MATCH("module", "module.name startswith \"\"", &r, s);	/* loads have no name */
	check_same_as_json(&r, s);

	rec_init(&r, VG_EV_NAMESPACE);
	r.ns.sys.call = VG_PC_UNSHARE;
	r.ns.ns_flags = 0x40000000 | 0x00020000 | 0x10000000;	/* net, mnt, user */
	s = rec_done(&r);
	/* a list: each namespace is one value, a comparison matches if any does */
	MATCH("namespace", "namespace.type = net", &r, s);
	MATCH("namespace", "namespace.type = mnt", &r, s);
	MATCH("namespace", "namespace.type in (pid, user)", &r, s);
	MATCH("namespace", "not namespace.type = pid", &r, s);
	NO_MATCH("namespace", "namespace.type = pid", &r, s);
	NO_MATCH("namespace", "namespace.type = \"mnt,user,net\"", &r, s);
	NO_MATCH("namespace", "namespace.type contains \",\"", &r, s);
	check_namespace_types(&r, s, "[\"mnt\", \"user\", \"net\"]", "mnt user net");
	check_same_as_json(&r, s);

	/* setns(fd, 0): any type, none named */
	rec_init(&r, VG_EV_NAMESPACE);
	r.ns.sys.call = VG_PC_SETNS;
	r.ns.fd = 3;
	s = rec_done(&r);
	NO_MATCH("namespace", "namespace.type startswith \"\"", &r, s);
	check_namespace_types(&r, s, "[]", "");
	check_same_as_json(&r, s);
}

/* Kinds that had no policy kind: their records now reach rules. */
static void test_new_kinds_reach_rules(void **state)
{
	struct rec r;
	size_t s;

	(void)state;
	rec_init(&r, VG_EV_SECCOMP);
	r.seccomp.sys.call = VG_PC_SECCOMP;
	r.seccomp.op = 1;
	s = rec_done(&r);
	MATCH("seccomp", "process.pid = 4242", &r, s);
	NO_MATCH("io_uring_setup", "process.pid = 4242", &r, s);

	rec_init(&r, VG_EV_IOURING_SETUP);
	r.ring.sys.call = VG_PC_IO_URING_SETUP;
	r.ring.entries = 8;
	s = rec_done(&r);
	MATCH("io_uring_setup", "event.action = io_uring_setup", &r, s);

	rec_init(&r, VG_EV_NET_SHELL);
	r.shell.t.family = 2;
	r.shell.t.protocol = 6;
	r.shell.t.dport = 4444;
	memcpy(r.shell.t.daddr, "\x0a\x00\x00\x05", 4);
	r.shell.trigger = VG_NET_SHELL_DUP;
	r.shell.fds = 7;
	s = rec_done(&r);
	MATCH("shell_on_socket", "destination.port = 4444 and destination.address cidr 10.0.0.0/8",
	      &r, s);
}

/* dns.question.name from the raw payload, over UDP and TCP (2-byte length first). */
static void test_dns_question(void **state)
{
	static const uint8_t query[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	};
	uint8_t tcp[sizeof(query) + 2] = { 0, sizeof(query) };
	struct rec r;
	size_t s;

	(void)state;
	rec_init(&r, VG_EV_NET_DNS);
	r.dns.t.family = 2;
	r.dns.t.protocol = 17;
	r.dns.t.dport = 53;
	r.dns.t.sport = 40000;
	memcpy(r.dns.t.daddr, "\x0a\x00\x00\x35", 4);
	memcpy(r.dns.t.saddr, "\x0a\x00\x00\x02", 4);
	r.dns.msg_len = sizeof(query);
	rec_bytes(&r, &r.dns.payload, query, sizeof(query));
	s = rec_done(&r);
	MATCH("dns", "dns.question.name = example.com and destination.port = 53", &r, s);
	NO_MATCH("dns", "dns.question.name endswith .org", &r, s);
	check_same_as_json(&r, s);

	memcpy(tcp + 2, query, sizeof(query));
	rec_init(&r, VG_EV_NET_DNS);
	r.dns.t.family = 2;
	r.dns.t.protocol = 6;
	r.dns.t.dport = 53;
	r.dns.flags = VG_NET_DNS_TCP;
	rec_bytes(&r, &r.dns.payload, tcp, sizeof(tcp));
	s = rec_done(&r);
	MATCH("dns", "dns.question.name = example.com", &r, s);
	check_same_as_json(&r, s);

	/* Malformed: no question, no value. */
	rec_init(&r, VG_EV_NET_DNS);
	r.dns.t.family = 2;
	r.dns.t.protocol = 17;
	rec_bytes(&r, &r.dns.payload, query, 5);
	s = rec_done(&r);
	NO_MATCH("dns", "dns.question.name startswith \"\"", &r, s);
	check_same_as_json(&r, s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_record_kind_maps),
		cmocka_unit_test(test_fields_have_record_getters),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_rename_link_mount),
		cmocka_unit_test(test_chmod_chown),
		cmocka_unit_test(test_setuid),
		cmocka_unit_test(test_ptrace_signal_process_vm),
		cmocka_unit_test(test_bpf_module_namespace),
		cmocka_unit_test(test_new_kinds_reach_rules),
		cmocka_unit_test(test_dns_question),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
