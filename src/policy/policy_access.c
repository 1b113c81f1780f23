// SPDX-License-Identifier: GPL-2.0
/*
 * A rule's file access classes (policy_access.h): the classes its event
 * kinds can carry, narrowed by its file.access tests. A record whose
 * file.access holds a word carries that word's class, so a test accepting
 * only some words needs only their classes. Anything not understood
 * (negations, unusual words) keeps every class: the mask may be wider than
 * the rule, never narrower.
 */
#include <string.h>
#include "policy/policy_access.h"
#include "policy/policy_model.h"
#include "policy/policy_node_eval.h"

/* The classes each file kind's records carry (sensor_file_op.bpf.h, sensor_file_open.bpf.h). */
static uint32_t kind_access(int k)
{
	switch (k) {
	case VG_K_OPEN:
		return VG_FACC_READ | VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE |
		       VG_FACC_EXECMODE;
	case VG_K_UNLINK: return VG_FACC_DELETE;
	case VG_K_RENAME: return VG_FACC_RENAME;
	case VG_K_CHMOD: return VG_FACC_ATTR | VG_FACC_EXECMODE;
	case VG_K_CHOWN: case VG_K_UTIMES: return VG_FACC_ATTR;
	case VG_K_LINK: return VG_FACC_CREATE | VG_FACC_RENAME;
	case VG_K_SYMLINK: case VG_K_MKNOD: return VG_FACC_CREATE;
	case VG_K_TRUNCATE: return VG_FACC_TRUNCATE;
	case VG_K_MOUNT: return VG_FACC_MOUNT;
	case VG_K_MEMFD: return VG_FACC_MEMFD;
	default: return VG_FACC_ALL;
	}
}

/*
 * The words of file.access (rec_file.c) and a class any record showing the
 * word carries: "read-write" has both read and write, one suffices; an
 * "append" open reads or writes. Words that say nothing of the class
 * (tmpfile, directory, exclusive, nofollow) are absent: a test on them
 * keeps every class.
 */
static const struct {
	const char *word;
	uint32_t acc;
} access_words[] = {
	{ "path", VG_FACC_READ }, { "read", VG_FACC_READ }, { "write", VG_FACC_WRITE },
	{ "read-write", VG_FACC_WRITE }, { "create", VG_FACC_CREATE },
	{ "truncate", VG_FACC_TRUNCATE }, { "append", VG_FACC_READ | VG_FACC_WRITE },
	{ "execute-mode", VG_FACC_EXECMODE }, { "delete", VG_FACC_DELETE },
	{ "rename", VG_FACC_RENAME }, { "attributes", VG_FACC_ATTR }, { "mount", VG_FACC_MOUNT },
	{ "memfd", VG_FACC_MEMFD },
};

static const char *const unclassed_words[] = { "tmpfile", "directory", "exclusive", "nofollow" };

static uint32_t cmp_access(const struct node *n)
{
	uint32_t acc = 0;
	size_t i;

	for (i = 0; i < sizeof(unclassed_words) / sizeof(unclassed_words[0]); i++)
		if (vg_node_match_str(n, unclassed_words[i], strlen(unclassed_words[i])))
			return VG_FACC_ALL;
	for (i = 0; i < sizeof(access_words) / sizeof(access_words[0]); i++)
		if (vg_node_match_str(n, access_words[i].word, strlen(access_words[i].word)))
			acc |= access_words[i].acc;
	return acc;
}

/* The classes condition @n can accept (depth bounded by the compiler). */
static uint32_t cond_access(const struct node *n)
{
	uint32_t acc;
	size_t i;

	switch (n->kind) {
	case N_CMP:
		return strcmp(n->field->name, "file.access") ? VG_FACC_ALL : cmp_access(n);
	case N_AND:
		acc = VG_FACC_ALL;
		for (i = 0; i < n->n_kids; i++)
			acc &= cond_access(n->kids[i]);
		return acc;
	case N_OR:
		acc = 0;
		for (i = 0; i < n->n_kids; i++)
			acc |= cond_access(n->kids[i]);
		return acc;
	case N_CONST:
		return n->value ? VG_FACC_ALL : 0;
	default:
		return VG_FACC_ALL;	/* a negation: anything */
	}
}

/* Whether a top-level conjunct of @r limits file.name to library names the
 * kernel recognises (sensor_file_watch.bpf.h): "*.so", "*.so.*". */
static bool library_names_only(const struct vg_rule *r)
{
	struct node *const *kids = &r->cond;
	size_t n = 1, i, j;

	if (r->cond->kind == N_AND) {
		kids = r->cond->kids;
		n = r->cond->n_kids;
	}
	for (i = 0; i < n; i++) {
		const struct node *c = kids[i];
		bool ok = c->kind == N_CMP && c->op == OP_GLOB && c->n_strs &&
			  !strcmp(c->field->name, "file.name");

		for (j = 0; ok && j < c->n_strs; j++)
			ok = !strcmp(c->strs[j], "*.so") || !strcmp(c->strs[j], "*.so.*");
		if (ok)
			return true;
	}
	return false;
}

uint32_t vg_rule_file_access(const struct vg_rule *r)
{
	const uint32_t writes = VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE;
	uint32_t kinds = 0, acc;
	int k;

	for (k = VG_K_FILE_FIRST; k <= VG_K_FILE_LAST; k++)
		if (r->kinds & VG_KB(k))
			kinds |= kind_access(k);
	acc = kinds & cond_access(r->cond);
	if ((acc & VG_FACC_READ) && library_names_only(r))
		acc = (acc & ~VG_FACC_READ) | VG_FACC_READ_LIB;
	/* File provenance (policy_feed.c) needs each process's first write of a file. */
	if (r->silent && (acc & writes))
		acc = (acc & ~writes) | VG_FACC_WRITE_ONCE;
	return acc;
}

/* Whether glob @g names only paths holding "/." (a literal one, outside any class). */
static bool glob_hidden(const char *g)
{
	return !strchr(g, '[') && !strchr(g, '\\') && strstr(g, "/.");
}

/* Whether glob @g can match a path under @path (@len bytes): its literal head agrees. */
static bool glob_under(const char *g, const char *path, size_t len)
{
	size_t head = strcspn(g, "*?[\\");

	return !strncmp(g, path, head < len ? head : len);
}

/*
 * Whether a conjunct of @n (top-level ANDs, nested ones flattened; depth
 * bounded by the parser) is a file.path glob whose patterns that can
 * match under @path all name hidden files.
 */
static bool hidden_only(const struct node *n, const char *path, size_t len)
{
	size_t i;

	if (n->kind == N_AND) {
		for (i = 0; i < n->n_kids; i++)
			if (hidden_only(n->kids[i], path, len))
				return true;
		return false;
	}
	if (n->kind != N_CMP || n->op != OP_GLOB || strcmp(n->field->name, "file.path"))
		return false;
	for (i = 0; i < n->n_strs; i++)
		if (glob_under(n->strs[i], path, len) && !glob_hidden(n->strs[i]))
			return false;
	return true;
}

uint32_t vg_rule_file_access_at(const struct vg_rule *r, const char *path, size_t len)
{
	uint32_t acc = vg_rule_file_access(r);

	if ((acc & VG_FACC_READ) && hidden_only(r->cond, path, len))
		acc = (acc & ~VG_FACC_READ) | VG_FACC_READ_HIDDEN;
	return acc;
}
