/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One YAML policy document being read: positions of its nodes and scalars
 * kept with them. Shared by the units that read policy documents
 * (policy_yaml.c, policy_override.c); not an API.
 */
#ifndef VIGIL_POLICY_YDOC_H
#define VIGIL_POLICY_YDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>
#include "policy/policy_model.h"

struct ydoc {
	struct vg_policy *p;
	yaml_document_t *doc;
	const char *file;
	const char *src;
	size_t len;
	/* libyaml counts marks in characters; byte offsets of every
	 * CHARS_PER_STEP-th character make each lookup a short walk. */
	size_t *step_bytes;
	size_t n_steps;
};

/* Byte offsets of every CHARS_PER_STEP-th character of the source: 0 or -ENOMEM. */
int vg_ydoc_index_chars(struct ydoc *y);
/* file:line:col of a node (line 0 for none). */
struct pos vg_ydoc_pos(const struct ydoc *y, const yaml_node_t *n);
/* A scalar node with its value copied into the arena: 0 or -ENOMEM. */
int vg_ydoc_scalar(struct ydoc *y, const yaml_node_t *n, struct src_scalar *s);
/* Whether @n is of type @t; else reports @what at it. */
bool vg_ydoc_expect(struct ydoc *y, const yaml_node_t *n, yaml_node_type_t t, const char *what);

static inline bool is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

static inline const char *scalar_str(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static inline struct pos node_pos(const struct ydoc *y, const yaml_node_t *n)
{
	return vg_ydoc_pos(y, n);
}

static inline int to_scalar(struct ydoc *y, const yaml_node_t *n, struct src_scalar *s)
{
	return vg_ydoc_scalar(y, n, s);
}

static inline bool expect(struct ydoc *y, const yaml_node_t *n, yaml_node_type_t t,
			  const char *what)
{
	return vg_ydoc_expect(y, n, t, what);
}

#endif
