/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a policy asks the sensors for beyond its rules' own events: a rule
 * that reads who wrote an executable (process.origin.*, event/provenance.h) needs the writes,
 * renames, links and removals of files in writable locations to reach user
 * space, though no rule alerts on them.
 */
#ifndef VIGIL_POLICY_FEED_H
#define VIGIL_POLICY_FEED_H

struct vg_policy;

/* Adds to @p->matchers a rule that never alerts and asks for those file
 * events, when some matcher reads a provenance field. 0 or -ENOMEM. */
int vg_provenance_feeder(struct vg_policy *p);

#endif
