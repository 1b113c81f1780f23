// SPDX-License-Identifier: GPL-2.0
/*
 * Staged policy change on the worker thread: a new policy from the reload
 * thread is refused, skipped, adopted at once (no canary window), or run
 * in shadow beside the running one until the canary gates promote or roll
 * it back. Every state change is one line on the agent's output.
 */
#include <inttypes.h>
#include <string.h>
#include "agent/agent_policy.h"
#include "lib/log.h"
#include "lib/timefmt.h"
#include "output/output.h"

#define CHECK_EVERY_NS (50ULL * 1000000ULL)

struct state_note {
	enum vg_policy_state state;
	const struct vg_loaded *l;	/* the policy it is about */
	enum vg_gate gate;		/* rolled back: which, with value and limit */
	const char *why;
};

static void note_json(struct vg_json *j, const struct state_note *n, const struct vg_canary *c)
{
	vg_json_key(j, "state");
	vg_json_cstr(j, vg_policy_state_name(n->state));
	vg_json_key(j, "policy");
	vg_json_obj_begin(j);
	vg_json_key(j, "digest");
	vg_json_cstr(j, n->l && n->l->digest_hex[0] ? n->l->digest_hex : NULL);
	if (n->l && n->l->bundle) {
		vg_json_key(j, "version");
		vg_json_u64(j, n->l->info.version);
	}
	vg_json_obj_end(j);
	if (n->gate != VG_GATE_NONE) {
		vg_json_key(j, "gate");
		vg_json_cstr(j, vg_gate_name(n->gate));
		vg_json_key(j, "value");
		vg_json_u64(j, c->last_value);
		vg_json_key(j, "limit");
		vg_json_u64(j, c->last_limit);
	}
	if (n->state == VG_PST_CANARY) {
		vg_json_key(j, "window_ms");
		vg_json_u64(j, c->window_ns / 1000000);
	}
	if (n->why) {
		vg_json_key(j, "reason");
		vg_json_cstr(j, n->why);
	}
}

struct agent_alert {
	const char *rule;
	enum vg_severity severity;
	const char *message;
};

/* The shape of docs/events.md: event.kind, event.action, then rule.*, message, alert.*. */
static void write_json(struct vg_json *j, const struct state_note *n, const struct agent_alert *al,
		       const struct vg_canary *c)
{
	char ts[48];

	vg_json_obj_begin(j);
	vg_format_rfc3339(vg_boot_to_realtime_ns(vg_boot_now_ns()), ts, sizeof(ts));
	vg_json_key(j, "@timestamp");
	vg_json_cstr(j, ts);
	vg_json_key(j, "event");
	vg_json_obj_begin(j);
	vg_json_key(j, "kind");
	vg_json_cstr(j, al ? "alert" : "event");
	vg_json_key(j, "action");
	vg_json_cstr(j, n ? "policy_state" : "self_check");
	vg_json_obj_end(j);
	if (al) {
		vg_json_key(j, "rule");
		vg_json_obj_begin(j);
		vg_json_key(j, "name");
		vg_json_cstr(j, al->rule);
		vg_json_key(j, "severity");
		vg_json_cstr(j, vg_policy_severity_name(al->severity));
		vg_json_obj_end(j);
		vg_json_key(j, "message");
		vg_json_cstr(j, al->message);
		vg_json_key(j, "alert");
		vg_json_obj_begin(j);
		vg_json_key(j, "outcome");
		vg_json_cstr(j, "alerted");
		vg_json_obj_end(j);
	}
	if (n)
		note_json(j, n, c);
	vg_json_obj_end(j);
}

/* One line: a policy_state event (@n), or the agent's own alert (@al, with @n if set). */
static void write_line(struct vg_agent_policy *ap, const struct state_note *n,
		       const struct agent_alert *al)
{
	struct vg_agent *a = ap->agent;
	struct vg_buf *line = &ap->canary_out.line;
	struct vg_json j;

	vg_buf_reset(line);
	if (a->opts.json || (al && a->outputs)) {
		vg_json_init(&j, line);
		write_json(&j, n, al, &ap->canary);
	}
	if (al && a->outputs && line->data) {
		/* the agent's own alerts reach the exporters as a rule's do */
		struct vg_out_record r = {
			.line = line->data, .len = line->len,
			.time_ns = vg_boot_to_realtime_ns(vg_boot_now_ns()),
			.severity = (uint8_t)al->severity, .alert = true, .rule = al->rule,
		};

		vg_outputs_push(a->outputs, &r);
	}
	if (!a->opts.json) {
		vg_buf_reset(line);
		if (al)
			vg_buf_printf(line, "ALERT [%s] %s: %s", vg_policy_severity_name(al->severity),
				      al->rule, al->message);
		else
			vg_buf_printf(line, "POLICY %s", vg_policy_state_name(n->state));
	}
	vg_buf_append(line, "\n", 1);
	if (fwrite(line->data, 1, line->len, a->opts.out) != line->len)
		a->write_errors++;
}

static void note(struct vg_agent_policy *ap, enum vg_policy_state s, const struct vg_loaded *l,
		 enum vg_gate gate, const char *why)
{
	struct state_note n = { s, l, gate, why };
	char msg[256];
	struct agent_alert al = { "vigil_policy_rolled_back", VG_SEV_HIGH, msg };

	write_line(ap, &n, NULL);
	if (s != VG_PST_ROLLED_BACK)
		return;
	snprintf(msg, sizeof(msg), "candidate policy rolled back: gate %s: %" PRIu64 " > limit %" PRIu64,
		 vg_gate_name(gate), ap->canary.last_value, ap->canary.last_limit);
	write_line(ap, &n, &al);
}

/* A health failure only the next run can see: the last one was killed or crashed. */
static void report_last_crash(struct vg_agent_policy *ap)
{
	char msg[256];
	struct agent_alert al = { "vigil_self_abnormal_exit", VG_SEV_CRITICAL, msg };

	ap->fb.journal.found = false;
	snprintf(msg, sizeof(msg), "the previous vigil run ended abnormally (killed or crashed; "
		 "started at %.120s)", ap->fb.journal.last);
	write_line(ap, NULL, &al);
}

static void self_check_failed(void *ctx, const char *why)
{
	struct agent_alert al = { "vigil_self_check_failed", VG_SEV_CRITICAL, why };

	vg_err("%s", why);
	write_line(ctx, NULL, &al);
}

static int apply_policy(void *ctx, const struct vg_policy *p)
{
	struct vg_agent_policy *ap = ctx;

	return vg_policy_apply(&ap->apply, p, ap->events_printed);
}

/* @next replaces the running policy now; @proven: after a clean canary window. */
static void adopt(struct vg_agent_policy *ap, struct vg_loaded *next, bool proven)
{
	if (!vg_reload_adopt(&ap->reload, &ap->cur, next, apply_policy, ap))
		return;
	if (proven)
		vg_fallback_promoted(&ap->fb, ap->cur);
	else
		vg_fallback_running(&ap->fb, ap->cur, 5);
	ap->generation++;
	ap->n_rules = vg_loaded_n_rules(ap->cur);
	if (ap->cur->bundle)
		ap->version = ap->cur->info.version;
	vg_agent_policy_render_show(ap);
	atomic_fetch_add(&ap->reload.ok, 1);
	vg_info("policy reloaded: %zu rules (generation %" PRIu64 ")", vg_loaded_n_rules(ap->cur),
		ap->generation);
}

static void lost_and_full(struct vg_agent_policy *ap, uint64_t *lost, uint64_t *full)
{
	struct vg_agent_totals t;

	vg_agent_totals(ap->agent, &t);
	*lost = t.lost;
	*full = t.kernel[VG_CNT_MAP_FULL];
}

/* The running policy again, with its own kernel filters; the candidate goes. */
static void end_canary(struct vg_agent_policy *ap, enum vg_gate gate)
{
	struct vg_loaded *cand = ap->cand;

	ap->cand = NULL;
	vg_canary_end(&ap->canary, gate);
	if (gate == VG_GATE_NONE) {
		vg_info("policy canary passed: promoting (%zu rules)", vg_loaded_n_rules(cand));
		note(ap, VG_PST_PROMOTED, cand, gate, NULL);
		adopt(ap, cand, true);
		return;
	}
	vg_err("policy canary failed: gate %s: %" PRIu64 " > limit %" PRIu64
	       "; rolled back, the running policy stays", vg_gate_name(gate), ap->canary.last_value,
	       ap->canary.last_limit);
	note(ap, VG_PST_ROLLED_BACK, cand, gate, NULL);
	apply_policy(ap, ap->cur->p);
	vg_loaded_free(cand);
}

static void begin_canary(struct vg_agent_policy *ap, struct vg_loaded *l)
{
	double window = ap->opts.gates.window_s;
	uint64_t lost, full;

	if (l->bundle && l->info.canary_window_s >= 0)
		window = l->info.canary_window_s;
	if (ap->cand) {
		vg_info("policy: a newer candidate replaces the one in its canary window");
		vg_loaded_free(ap->cand);
		ap->cand = NULL;
		ap->canary.active = false;
	}
	if (window <= 0) {
		note(ap, VG_PST_PROMOTED, l, VG_GATE_NONE, NULL);
		adopt(ap, l, false);
		return;
	}
	/* The candidate must see every event the running policy's filters would drop. */
	if (vg_policy_apply(&ap->apply, ap->cur->p, true) < 0) {
		vg_err("policy canary: cannot widen the kernel filters; keeping the running policy");
		apply_policy(ap, ap->cur->p);
		vg_loaded_free(l);
		return;
	}
	lost_and_full(ap, &lost, &full);
	ap->cand = l;
	vg_canary_begin(&ap->canary, window, lost, full);
	if (vg_canary_fill(l->p, ap->events_printed, &ap->canary.fill))
		ap->canary.fill = (struct vg_canary_fill){ "none", 0 };
	vg_info("policy canary: %zu rules in shadow for %.0fs (fullest kernel map: %s at %.1f%%)",
		vg_loaded_n_rules(l), window, ap->canary.fill.map, ap->canary.fill.permille / 10.0);
	note(ap, VG_PST_CANARY, l, VG_GATE_NONE, NULL);
}

static void take_pending(struct vg_agent_policy *ap, struct vg_loaded *l)
{
	if (l->status == VG_LOAD_REFUSED) {
		atomic_fetch_add(&ap->refused, 1);
		atomic_store(&ap->canary.state, VG_PST_REFUSED);
		note(ap, VG_PST_REFUSED, l, VG_GATE_NONE, l->why);
		vg_loaded_free(l);
	} else if (l->status == VG_LOAD_SKIPPED) {
		atomic_fetch_add(&ap->skipped, 1);
		atomic_store(&ap->canary.state, VG_PST_SKIPPED);
		note(ap, VG_PST_SKIPPED, l, VG_GATE_NONE, l->why);
		vg_loaded_free(l);
	} else {
		/* Said for every policy taken, so a fleet sees each host receive a
		 * change before its canary or promotion. */
		note(ap, VG_PST_PENDING, l, VG_GATE_NONE, NULL);
		begin_canary(ap, l);
	}
	atomic_fetch_add(&ap->taken, 1);	/* after ok/failed: reload_wait reads it first */
}

void vg_policy_stage_poll(struct vg_agent_policy *ap)
{
	struct vg_loaded *l = vg_reload_take(&ap->reload);
	uint64_t now, lost, full;
	enum vg_gate gate;
	bool done;

	if (l)
		take_pending(ap, l);
	if (ap->fb.journal.found)
		report_last_crash(ap);
	vg_fallback_tick(&ap->fb, ap->cur);
	vg_self_check_run(&ap->self, ap->agent, self_check_failed, ap);
	if (!ap->cand)
		return;
	now = vg_boot_now_ns();
	if (now < ap->next_check_ns)
		return;
	ap->next_check_ns = now + CHECK_EVERY_NS;
	lost_and_full(ap, &lost, &full);
	gate = vg_canary_check(&ap->canary, now, lost, full, &done);
	if (gate != VG_GATE_NONE || done)
		end_canary(ap, gate);
}

struct canary_ctx {
	struct vg_agent_policy *ap;
	const struct vg_event_ctx *ev;
};

/* A candidate's alert: written marked canary; its action only reported. */
static int on_canary_alert(struct vg_alert *al, struct vg_event_view *v, void *arg)
{
	struct canary_ctx *c = arg;

	(void)v;
	if (al->action == VG_ACT_KILL || al->action == VG_ACT_DENY) {
		al->outcome = al->action == VG_ACT_KILL ? "would have killed" : "would have denied";
		vg_canary_note_would_act(&c->ap->canary, c->ev->proc ? c->ev->proc->exe : NULL);
	} else if (!al->outcome) {
		al->outcome = "alerted";
	}
	vg_alert_out_write(&c->ap->canary_out, al, c->ev, NULL, c->ap->generation + 1);
	return 0;
}

void vg_policy_stage_eval(struct vg_agent_policy *ap, struct vg_event_view *v,
			  const struct vg_event_ctx *ev)
{
	struct canary_ctx c = { ap, ev };
	uint64_t t0;
	int n;

	if (!ap->cand)
		return;
	t0 = vg_boot_now_ns();
	n = vg_policy_eval(ap->cand->p, v, ev->rec->ts_boot_ns, on_canary_alert, &c);
	vg_canary_note_eval(&ap->canary, true, vg_boot_now_ns() - t0, n);
}

void vg_policy_stage_eval_running(struct vg_agent_policy *ap, struct vg_event_view *v,
				  const struct vg_event_ctx *ev, vg_alert_cb cb, void *ctx)
{
	uint64_t t0;
	int n;

	if (!ap->cand) {
		vg_policy_eval(ap->cur->p, v, ev->rec->ts_boot_ns, cb, ctx);
		return;
	}
	t0 = vg_boot_now_ns();
	n = vg_policy_eval(ap->cur->p, v, ev->rec->ts_boot_ns, cb, ctx);
	vg_canary_note_eval(&ap->canary, false, vg_boot_now_ns() - t0, n);
}
