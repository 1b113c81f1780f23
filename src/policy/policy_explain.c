// SPDX-License-Identifier: GPL-2.0
/* `vigil policy explain`: per sensor what the kernel filters, per rule where it is decided. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "event/rec_file.h"
#include "policy/policy_explain.h"
#include "policy/policy_filter.h"
#include "policy/policy_kernel.h"
#include "policy/policy_model.h"

/* " (read, write)": the access classes watched at a path, when not all of them. */
static void print_access(FILE *out, uint32_t access)
{
	const char *words[20];
	size_t n, i;

	if ((access & VG_FACC_ALL) == VG_FACC_ALL)
		return;
	n = vg_file_access_words(VG_EV_FILE_UNLINK, 0, access & VG_FACC_ALL, words, 15);
	if (access & VG_FACC_READ_LIB)
		words[n++] = "read of *.so";
	if (access & VG_FACC_READ_HIDDEN)
		words[n++] = "read of hidden names";
	if (access & VG_FACC_WRITE_ONCE)
		words[n++] = "first write per process";
	fprintf(out, " (");
	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", words[i]);
	fprintf(out, n ? ")" : "nothing)");
}

static void print_strs(FILE *out, const char *what, const char *const *v, const uint32_t *access,
		       size_t n)
{
	size_t i;

	if (!n)
		return;
	fprintf(out, " %s [", what);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s%s", i ? ", " : "", v[i]);
		if (access)
			print_access(out, access[i]);
	}
	fprintf(out, "]");
}

static void print_dim(FILE *out, const struct vg_filter_dim *d)
{
	char buf[64];
	size_t i;
	bool file;

	fprintf(out, "    %-26s", d->field->name);
	if (!d->active) {
		if (d->open_rule)
			fprintf(out, " not filtered (rule '%s' does not constrain it)\n", d->open_rule);
		else
			fprintf(out, " not filtered (too many values for a kernel map)\n");
		return;
	}
	/* Access classes are the file sensor's business: file.path only. */
	file = !strcmp(d->field->name, "file.path");
	print_strs(out, "exact", d->exact, file ? d->exact_access : NULL, d->n_exact);
	print_strs(out, "prefix", d->prefixes, file ? d->prefix_access : NULL, d->n_prefixes);
	if (d->n_nums) {
		fprintf(out, " in [");
		for (i = 0; i < d->n_nums; i++)
			fprintf(out, "%s%" PRIu64, i ? ", " : "", d->nums[i]);
		fprintf(out, "]");
	}
	if (d->n_cidrs) {
		fprintf(out, " cidr [");
		for (i = 0; i < d->n_cidrs; i++) {
			const struct vg_ip *ip = &d->cidrs[i].net;
			unsigned pre = d->cidrs[i].prefix;
			char addr[INET6_ADDRSTRLEN];

			if (ip->v4)
				inet_ntop(AF_INET, ip->addr + 12, addr, sizeof(addr));
			else
				inet_ntop(AF_INET6, ip->addr, addr, sizeof(addr));
			snprintf(buf, sizeof(buf), "%s/%u", addr, ip->v4 ? pre - 96 : pre);
			fprintf(out, "%s%s", i ? ", " : "", buf);
		}
		fprintf(out, "]");
	}
	if (!d->n_exact && !d->n_prefixes && !d->n_nums && !d->n_cidrs)
		fprintf(out, " nothing passes");
	fprintf(out, "\n");
}

/* Field names of the leaves the kernel checks (@want_kernel) or user space checks. */
static void leaf_fields(const struct node *n, bool and_path, bool want_kernel, char *buf,
			size_t size, size_t *off)
{
	size_t i;

	if (n->kind == N_CMP) {
		if ((vg_prefilter_leaf(n) && and_path) == want_kernel && *off < size &&
		    !strstr(buf, n->field->name))
			*off += snprintf(buf + *off, size - *off, "%s%s", *off ? ", " : "",
					 n->field->name);
		return;
	}
	for (i = 0; i < n->n_kids; i++)
		leaf_fields(n->kids[i], and_path && n->kind == N_AND, want_kernel, buf, size, off);
}

/* Whether a port or address dim of the network sensor is in force. */
static bool net_ports_or_addresses(const struct vg_sensor_filter *sf)
{
	size_t d;

	for (d = 0; d < sf->n_dims; d++)
		if (sf->dims[d].active && (!strncmp(sf->dims[d].field->name, "destination.", 12) ||
					   !strncmp(sf->dims[d].field->name, "source.", 7)))
			return true;
	return false;
}

/* The network sensor's process-filter exemption and its distinct-port gate. */
static void print_net_extras(FILE *out, const struct vg_policy *p,
			     const struct vg_sensor_filter *sf)
{
	size_t i, n = 0;

	if (sf->kinds & VG_KB(VG_K_SHELL_ON_SOCKET))
		fprintf(out, "    (process.*: not on shell_on_socket records, which cross for "
			"every program)\n");
	if (!sf->port_gate_ns)
		return;
	fprintf(out, "    plus each process's first connect to each destination.port within "
		"%.3g s (the kernel counts distinct ports for:", sf->port_gate_ns / 1e9);
	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];

		if (r->port_gate)
			fprintf(out, "%s %s", n++ ? "," : "", r->name);
	}
	fprintf(out, ")\n");
}

struct find_rule {
	uint32_t id;
	bool found;
};

static int find_net_rule(void *ctx, const struct vg_net_deny_spec *spec)
{
	struct find_rule *f = ctx;

	f->found |= spec->rule_id == f->id;
	return 0;
}

static int find_file_rule(void *ctx, const char *rule, const char *path, size_t len, bool prefix,
			  bool exec, uint32_t rule_id, bool audit)
{
	struct find_rule *f = ctx;

	(void)rule, (void)path, (void)len, (void)prefix, (void)exec, (void)audit;
	f->found |= rule_id == f->id;
	return 0;
}

/* Where the rule's action is taken, as the agent will apply it. */
static const char *action_where(const struct vg_policy *p, const struct vg_rule *r)
{
	struct find_rule f = { r->index, false };

	if (r->kernel_decidable)
		return "decided in the exec hook, before the new image runs";
	vg_policy_net_deny_rules(p, find_net_rule, &f);
	if (f.found)
		return r->action == VG_ACT_KILL ?
			"decided in the cgroup connect/sendmsg hook: refused (no packet), "
			"then SIGKILL as the call returns" :
			"decided in the cgroup connect/sendmsg hook: EPERM, no packet";
	if (r->action == VG_ACT_DENY) {
		vg_policy_file_deny_rules(p, find_file_rule, &f);
		if (f.found)
			return "decided by the fanotify permission hook: EPERM";
		return "decided in user space: reported, the operation is not stopped "
		       "(only paths, executables, ports and addresses can be denied)";
	}
	return "decided in user space after the event (the kernel kills on an executable "
	       "path of an exec, or a port/address of a connect or send)";
}

/* ", indexed on F" and the fields rule (or step) @r checks in the kernel and in user space. */
static void print_checks(FILE *out, const struct vg_rule *r, const char *indent)
{
	char kern[512] = "", user[512] = "";
	size_t ko = 0, uo = 0;

	/* Process records are never filtered: only an in-hook kill checks their fields. */
	if (!(r->kinds & ~VG_KINDS_PROC) && !r->kernel_decidable) {
		leaf_fields(r->cond, false, false, user, sizeof(user), &uo);
	} else {
		leaf_fields(r->cond, true, true, kern, sizeof(kern), &ko);
		leaf_fields(r->cond, true, false, user, sizeof(user), &uo);
	}
	if (r->anchor)
		fprintf(out, ", indexed on %s", r->anchor->field->name);
	fprintf(out, "\n%s    kernel checks: %s\n%s    user space checks: %s\n", indent,
		ko ? kern : "-", indent, uo ? user : "-");
}

void vg_policy_explain(const struct vg_policy *p, FILE *out)
{
	char kinds[512];
	size_t i, d;
	int s;

	if (!p->compiled || p->n_errors)
		return;
	for (s = 0; s < VG_SENSOR_MAX; s++) {
		const struct vg_sensor_filter *sf = &p->pre.sensor[s];

		fprintf(out, "sensor %s:", vg_field_sensor_name(s));
		if (!sf->kinds) {
			fprintf(out, " off (no rule needs it)\n");
			continue;
		}
		vg_field_kinds_format(sf->kinds, kinds, sizeof(kinds));
		fprintf(out, " events [%s], %zu rule%s\n", kinds, sf->n_rules,
			sf->n_rules == 1 ? "" : "s");
		if (s == VG_SENSOR_PROCESS) {
			fprintf(out, "  kernel filter: none: exec, fork and exit records always cross "
				"(the process cache and every alert's ancestry need them)\n");
			continue;
		}
		fprintf(out, "  kernel filter (with alerts only printed):\n");
		for (d = 0; d < sf->n_dims; d++)
			print_dim(out, &sf->dims[d]);
		if (s == VG_SENSOR_NETWORK && net_ports_or_addresses(sf))
			fprintf(out, "    (ports and addresses: not on dns records, which name the peers "
				"of every connection, nor deny records)\n");
		if (s == VG_SENSOR_NETWORK)
			print_net_extras(out, p, sf);
		if (sf->bind_mounts)
			fprintf(out, "    plus opens for write, create or truncate through a bind mount "
				"outside the host's mount namespace, any path (file.mount.bind)\n");
	}
	fprintf(out, "rules:\n");
	for (i = 0; i < p->active.n; i++) {
		const struct vg_rule *r = p->active.v[i];

		vg_field_kinds_format(r->kinds, kinds, sizeof(kinds));
		fprintf(out, "  %s [%s] %s, %s/%s", r->name, kinds, vg_policy_severity_name(r->severity),
			vg_policy_action_name(r->action), vg_policy_mode_name(r->mode));
		if (r->n_steps)
			fprintf(out, ", a sequence within %.3g s\n", r->seq_within_ns / 1e9);
		else
			print_checks(out, r, "");
		for (d = 0; d < r->n_steps; d++) {
			vg_field_kinds_format(r->steps[d]->kinds, kinds, sizeof(kinds));
			fprintf(out, "    step %zu [%s]", d + 1, kinds);
			print_checks(out, r->steps[d], "  ");
		}
		if (r->action != VG_ACT_ALERT)
			fprintf(out, "    %s%s %s\n", vg_policy_action_name(r->action),
				r->mode == VG_MODE_AUDIT ? " (audit: reported, not done)" : "",
				action_where(p, r));
	}
}
