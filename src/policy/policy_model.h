/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's data model, shared by the policy units (each declares its
 * functions in its own header): source positions, the condition syntax
 * tree, definitions, compiled matchers, rules and the policy object. Not
 * an API: nothing outside src/policy/ includes it.
 */
#ifndef VIGIL_POLICY_MODEL_H
#define VIGIL_POLICY_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/arena.h"
#include "lib/ptrvec.h"
#include "lib/strmap.h"
#include "event/fields.h"
#include "policy/policy_limits.h"
#include "policy/policy_types.h"

/* ---- source positions ---- */
enum scalar_style { SC_PLAIN, SC_SQUOTE, SC_DQUOTE, SC_BLOCK };

/* A YAML scalar and where its value came from, to map offsets to line:col. */
struct src_scalar {
	const char *file;
	const char *src;	/* whole file */
	size_t src_len;
	const char *val;	/* value, NUL-terminated */
	size_t len;
	int line, col;		/* 1-based position of the node */
	size_t start;		/* byte index of the node in src */
	enum scalar_style style;
};

struct pos {
	const char *file;
	int line, col;
};

/* ---- condition syntax tree ---- */
enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_STARTS, OP_ENDS, OP_CONTAINS,
	  OP_GLOB, OP_CIDR, OP_MAX };

struct operand {
	const char *s;		/* points into the scalar's value */
	size_t len;
	size_t off;
	bool quoted;		/* quoted strings never name a list */
	char *unq;		/* unescaped text of a quoted operand */
};

/* SCOPE: l with its offsets in src, another scalar (appends, exceptions: policy_merge.c) */
enum ast_kind { AST_AND, AST_OR, AST_NOT, AST_CMP, AST_REF, AST_SCOPE };

struct ast {
	enum ast_kind kind;
	size_t off;			/* where it starts in the condition */
	struct ast *l, *r;		/* AND, OR: both; NOT: l */
	/* CMP: field op operand(s); REF: macro name in field */
	const char *field;
	size_t field_len;
	enum op op;
	size_t op_off;
	struct operand *ops;
	size_t n_ops;
	bool list_syntax;		/* operands were given in parentheses */
	const struct src_scalar *src;	/* SCOPE */
};

/* A later file's change to a definition, for 'vigil policy show' (policy_merge.c). */
struct change {
	struct pos pos;
	const char *what;		/* "append", "severity", ... */
	struct change *next;		/* the one before: newest first */
	/* a condition's append or replacement, to print the result */
	const struct src_scalar *cond;
	size_t rest;			/* where the appended condition starts in cond */
	enum ast_kind join;		/* AST_AND, AST_OR; AST_REF: replaced */
};

/* One per-rule exception: the rule's condition gets 'and not (ast)' (policy_merge.c). */
struct exc_value {
	struct src_scalar *items;	/* one scalar, or the items of a sequence */
	size_t n_items;
	bool seq;
};

struct rule_exception {
	const char *name;
	struct pos pos;
	struct src_scalar *fields;
	enum op *comps;
	size_t n_fields;
	struct exc_value *values;	/* n_tuples rows of n_fields */
	size_t n_tuples;
	struct ast *ast;		/* OR of the tuples, each an AND of comparisons */
	struct rule_exception *next;
};

/* ---- definitions ---- */
struct list_def {
	const char *name;
	struct src_scalar *items;	/* each item with its own position */
	size_t n_items, cap;		/* cap: room in items, for appends */
	struct pos pos;
	struct change *changes;
	int state;			/* 1 while being expanded: cycle detection */
};

struct macro_def {
	const char *name;
	struct src_scalar cond;
	struct ast *ast;		/* NULL when it did not parse */
	struct pos pos;
	bool visiting;
	bool composed;			/* ast joins scopes (appends): policy_merge.c */
	struct change *changes;
};

/* ---- compiled matchers ---- */
enum node_kind { N_AND, N_OR, N_NOT, N_CMP, N_CONST };

struct node {
	enum node_kind kind;
	struct node **kids;		/* AND, OR; NOT has one */
	size_t n_kids;
	bool value;			/* N_CONST */
	/* N_CMP */
	const struct vg_field *field;
	enum op op;			/* EQ (a set), LT.., STARTS, ENDS, CONTAINS, GLOB, CIDR */
	struct vg_strmap set;		/* EQ on strings */
	const char **strs;		/* STARTS/ENDS/CONTAINS/GLOB */
	size_t *lens;
	size_t n_strs;
	int64_t *nums;			/* numeric, held as int64 (uint fields checked >= 0) */
	size_t n_nums;
	struct vg_cidr *cidrs;		/* EQ / CIDR on addresses */
	size_t n_cidrs;
};

struct tmpl_part {
	const char *text;		/* literal, or NULL for a field */
	size_t len;
	const struct vg_field *field;
};

struct throttle_ent {
	uint64_t window_start;
	uint64_t count;
	uint64_t suppressed;
	size_t key_len;
	char key[];
};

#define THROTTLE_MAX_KEYS 4096	/* per rule; further keys share one bucket */

struct vg_rule {
	const char *name;
	const char *description;
	size_t index;			/* order in the policy */
	vg_kinds_t kinds;
	struct node *cond;
	struct node *anchor;		/* the indexed conjunct, NULL if none */
	enum vg_severity severity;
	const char **tags;
	size_t n_tags;
	struct tmpl_part *out;
	size_t n_out;
	enum vg_action action;
	enum vg_mode mode;
	bool enabled;
	bool kernel_decidable;
	uint32_t any_actor;		/* VG_FACC_* watched for every process; 0: none */
	bool port_gate;			/* the net sensor's distinct-port gate serves it */
	/* throttle: count 0 = none */
	uint64_t thr_count, thr_per_ns;
	const struct vg_field **thr_keys;
	size_t n_thr_keys;
	struct vg_strmap thr;		/* key text -> struct throttle_ent * (malloc'd) */
	/* threshold: count 0 = none (policy_threshold.c) */
	uint64_t thd_count, thd_per_ns;
	const struct vg_field **thd_keys;
	size_t n_thd_keys;
	const struct vg_field *thd_distinct;	/* NULL: count events, not values */
	struct src_scalar *thd_key_src;
	struct src_scalar thd_distinct_src;
	bool has_thd_distinct;
	struct vg_strmap thd;		/* key text -> struct thd_ent * (malloc'd) */
	/* sequence (policy_sequence.c): its steps are rules of their own that
	 * never alert; a step points back to its sequence */
	struct vg_rule **steps;
	size_t n_steps;
	struct vg_rule *seq_of;
	bool silent;			/* asks for events, never alerts (policy_feed.c) */
	size_t seq_step;
	uint64_t seq_within_ns;
	const struct vg_field **seq_keys;	/* a step's key, else the sequence's */
	size_t n_seq_keys;
	struct src_scalar *seq_key_src;
	struct vg_strmap seq;		/* key text -> struct seq_ent * (malloc'd) */
	struct seq_ent *seq_head, *seq_tail;	/* its keys, most recently used first */
	struct pos pos;			/* of its name */
	struct pos act_pos;		/* of its action */
	/* raw, before compile */
	struct src_scalar cond_src;
	bool has_cond;
	struct src_scalar out_src;
	bool has_out;
	struct src_scalar *thr_key_src;
	/* tuning by later files (policy_merge.c) */
	struct ast *cond_ast;		/* joined with appends; NULL: parse cond_src */
	bool cond_bad;			/* its syntax error is already reported */
	struct rule_exception *excs, **excs_tail;
	struct change *changes;
	uint64_t seen_gen;		/* candidate de-duplication in vg_policy_eval() */
};

/* Index of a kind: rules without an anchor, and anchor tables per field. */
struct anchor_tab {
	const struct vg_field *field;
	struct vg_strmap exact;		/* value -> struct vg_ptrvec * of rules */
	struct vg_strmap prefix;		/* prefix -> struct vg_ptrvec * of rules */
	size_t *prefix_lens;		/* distinct prefix lengths, ascending */
	size_t n_prefix_lens;
	struct vg_ptrvec keys;		/* malloc'd key strings the maps point to */
};

struct kind_index {
	struct vg_ptrvec always;
	struct anchor_tab *tabs;
	size_t n_tabs;
};

struct src_file {
	char *name;
	char *text;
	size_t len;
};

struct vg_policy {
	struct vg_arena arena;
	struct vg_ptrvec files;		/* struct src_file * */
	struct vg_ptrvec diags_v;		/* struct vg_diag * */
	struct vg_diag *diags;		/* flattened for vg_policy_diags() */
	size_t n_errors;
	struct vg_strmap lists;		/* name -> struct list_def * */
	struct vg_strmap macros;		/* name -> struct macro_def * */
	struct vg_ptrvec rules;		/* struct vg_rule *, all as loaded */
	struct vg_ptrvec active;		/* compiled, enabled, in order */
	struct vg_ptrvec matchers;	/* what events are tested against: active rules,
					 * a sequence's steps in its place */
	struct vg_strmap rule_names;	/* name -> struct vg_rule * */
	struct kind_index index[VG_K_MAX];
	struct vg_prefilter pre;
	struct vg_ptrvec node_sets;	/* struct vg_strmap * inside nodes, malloc'd tables */
	struct vg_policy_stats stats;
	uint64_t gen;
	struct vg_ptrvec cands;		/* scratch of vg_policy_eval() */
	bool compiled;
	bool root_owned_only;		/* vg_policy_require_root_owned() */
	struct vg_any_actor_rule {	/* vg_policy_watch_any_actor() */
		char *rule;
		uint32_t access;
	} any_actor[VG_POLICY_MAX_ANY_ACTOR];
	size_t n_any_actor;
	char *deny_writes[VG_POLICY_MAX_ANY_ACTOR];	/* vg_policy_deny_writes_only() */
	size_t n_deny_writes;
	/* while compiling a rule */
	struct vg_rule *cur_rule;
	const char *macro_stack[VG_POLICY_MAX_MACRO_DEPTH];	/* for cycle messages */
	size_t n_macro_stack;
	struct pos macro_use;		/* where the rule names its outermost macro */
	unsigned depth;			/* compile_ast() frames open */
	size_t rule_terms;		/* this rule's terms, expanded */
	size_t total_terms, total_items;	/* all rules' terms and values, expanded */
	bool over_limit;		/* a bound was hit and reported: stop this rule */
	bool over_policy_limit;		/* ... a policy-wide one: stop compiling */
	size_t n_diags_dropped;		/* beyond VG_POLICY_MAX_DIAGS */
	char *dropped_note;		/* "... and N more", made once */
};

#endif
