/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one policy may hold. A policy is content the agent cannot trust: a
 * few hundred bytes of nested lists or macros expanded to gigabytes, and
 * 40,000 '(' overflowed the stack. Every bound is checked before the work
 * it guards, measured after expansion, and refused with a file:line:col
 * error naming it; no recursion's depth is chosen by the input. The values
 * leave real policies (tens of terms, lists of thousands) far below them.
 */
#ifndef VIGIL_POLICY_LIMITS_H
#define VIGIL_POLICY_LIMITS_H

/* One file read into memory; the YAML tree costs about 15x the text. */
#define VG_POLICY_MAX_FILE_BYTES (64u << 20)
/* Files in one policy (a directory of them counts each). */
#define VG_POLICY_MAX_FILES 4096
/* The text of one condition: positions inside it are found by walking it. */
#define VG_POLICY_MAX_CONDITION_BYTES 65536
/* '(' and 'not' one inside the other, in the text of one condition. */
#define VG_POLICY_MAX_NESTING 64
/* Comparisons, macro names, and, or, not in the text of one condition. */
#define VG_POLICY_MAX_TERMS 1024
/* Macros using macros: m1 uses m2 uses m3 ... */
#define VG_POLICY_MAX_MACRO_DEPTH 32
/* Nesting of one rule's condition with every macro expanded: bounds the
 * compiler's and the evaluator's recursion. */
#define VG_POLICY_MAX_EXPANDED_DEPTH 256
/* Terms of one rule's condition with every macro expanded: a macro used
 * twice by a macro used twice ... doubles at each level. Each is evaluated
 * on every matching event, so this also bounds the cost of one rule. */
#define VG_POLICY_MAX_RULE_TERMS 16384
/* Terms of all rules together, expanded. */
#define VG_POLICY_MAX_TOTAL_TERMS (1u << 20)
/* Lists naming lists: l1 contains l2 contains l3 ... */
#define VG_POLICY_MAX_LIST_DEPTH 32
/* Values of one comparison, lists expanded. */
#define VG_POLICY_MAX_LIST_ITEMS (1u << 20)
/* Values of all comparisons together, lists expanded. */
#define VG_POLICY_MAX_TOTAL_ITEMS (1u << 21)
/* Steps of one sequence rule: each is a condition of its own (bounded above). */
#define VG_POLICY_MAX_SEQUENCE_STEPS 8
/* Diagnostics kept; the rest are counted ("... and N more"). */
#define VG_POLICY_MAX_DIAGS 200
/* Rules vg_policy_watch_any_actor() can name (the agent's own, a handful). */
#define VG_POLICY_MAX_ANY_ACTOR 8

#endif
