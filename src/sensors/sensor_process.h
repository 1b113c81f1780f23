/* SPDX-License-Identifier: GPL-2.0 */
/* Process sensor (exec/fork/exit): configuration and descriptor. */
#ifndef VIGIL_SENSOR_PROCESS_H
#define VIGIL_SENSOR_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "sensors/sensor.h"
#include "sensors/task_filter.h"

/* Its configuration is a struct vg_task_filter (NULL: every process). */

extern const struct vg_sensor_desc vg_process_sensor;

/*
 * The overhead budget's shed tier @level (0: none) for the executable
 * filter every other sensor reads: a value whose most severe rule the tier
 * covers stops letting its processes' records through that sensor's
 * filter, running processes included. The entries that changed are
 * appended to @names ("exe:PATH", comma-separated). Returns how many
 * changed, or <0.
 */
int vg_process_shed_entries(struct vg_sensor *s, int level, char *names, size_t size);
/* The sensor's share of a compiled policy (its descriptor's apply_policy). */
int vg_process_apply_policy(struct vg_sensor *s, const struct vg_kernel_spec *spec,
			    struct vg_rule_set *decided);

/*
 * In-kernel kill at exec: @path is an executable path, or a prefix when
 * it ends with a star ("/tmp/" then "*"). The kill happens in the exec hook, before
 * the new image runs its first instruction. With @audit the event is only
 * marked "would kill". Returns 0 or <0 with one error line logged.
 */
int vg_process_add_exec_kill(struct vg_sensor *s, const char *path, __u32 rule_id, bool audit);
/* Puts @rule on @path (a prefix when @prefix), in place of what was there;
 * the key written goes to @key_out when not NULL. */
int vg_process_put_exec_kill(struct vg_sensor *s, const char *path, bool prefix,
			     const struct vg_path_rule *rule, struct vg_path_rule_key *key_out);
/* Deletes every exec kill entry but @keep: after the new ones are put, so
 * that a reload never leaves the hook without its rules. */
int vg_process_prune_exec_kills(struct vg_sensor *s, const struct vg_path_rule_key *keep,
				size_t n_keep);

#endif
