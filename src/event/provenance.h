/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File provenance: for files written under writable locations (/tmp,
 * /var/tmp, /dev/shm, /run/user, home directories), who wrote them last:
 * the writer's pid and executable, whether it had network connections, and
 * when. A rename moves the record to the new name, a hard link copies it,
 * and a copy (a writer whose command line names a recorded file, as cp,
 * install or dd do) inherits the source's network origin. An exec of a
 * recorded file hands the record to the new process (vg_proc.exe_writer),
 * where the process.origin.* fields read it.
 *
 * Keyed by the kernel's path of the file; bounded (least recently used
 * first out), its memory counted. Fed only by the file records that reach
 * user space: a policy reading the writer fields asks the file sensor for
 * write opens, renames and links under these locations (policy.c).
 */
#ifndef VIGIL_PROVENANCE_H
#define VIGIL_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/vigil_abi.h"
#include "event/proc_cache.h"

#define VG_PROVENANCE_MAX 4096	/* files remembered */

struct vg_provenance;

struct vg_provenance_stats {
	uint64_t files;		/* records held */
	uint64_t bytes;		/* their memory */
	uint64_t evicted;	/* dropped at the bound, oldest first */
};

struct vg_provenance *vg_provenance_new(void);
void vg_provenance_free(struct vg_provenance *s);
/* Where provenance is kept: the writable locations above (for the policy's file watch). */
extern const char *const vg_provenance_prefixes[];
/* A record of the file sensor (@size bytes, validated) from process @writer (may be NULL). */
void vg_provenance_on_file(struct vg_provenance *s, struct vg_proc_cache *c, const struct vg_file *f,
			   size_t size, const struct vg_proc *writer);
/* Process @p has just exec'd (record @x): the writer of its executable (or of
 * the script its interpreter runs), when recorded, into p->exe_writer. */
void vg_provenance_on_exec(struct vg_provenance *s, struct vg_proc_cache *c, struct vg_proc *p,
			   const struct vg_exec *x);
void vg_provenance_get_stats(const struct vg_provenance *s, struct vg_provenance_stats *st);

#endif
