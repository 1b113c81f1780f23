// SPDX-License-Identifier: GPL-2.0
/*
 * The policy's hooks on the worker thread: swap in a reloaded policy,
 * report the guard's and the kernel's own decisions, evaluate the event,
 * and turn each alert into an action and a line of output.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include "agent/agent_policy.h"
#include "agent/self_defense.h"
#include "event/decode.h"
#include "event/fields.h"
#include "lib/log.h"
#include "lib/prom.h"
#include "lib/timefmt.h"

struct alert_ctx {
	struct vg_agent_policy *ap;
	const struct vg_event_ctx *ev;
	const char *action_by;		/* NULL: the engine; else who decided and acted */
};

static int on_alert(struct vg_alert *al, struct vg_event_view *v, void *arg)
{
	struct alert_ctx *c = arg;
	struct vg_agent_policy *ap = c->ap;

	(void)v;
	/*
	 * A kernel hook or the fanotify guard decided and reports this one
	 * (the guard through report_one_fan, in audit mode too): not twice.
	 */
	if (!c->action_by && (al->action == VG_ACT_DENY || al->action == VG_ACT_KILL) &&
	    vg_rule_set_has(&ap->apply.decided, vg_policy_rule_id(al->rule)))
		return 0;
	if (c->action_by && !strcmp(c->action_by, "kernel"))
		al->kernel_decidable = true;
	if (!al->outcome)	/* the engine already knows when the hook acted */
		al->outcome = vg_action_take(&ap->kills, al, c->ev->rec);
	else if (c->ev->rec->flags & VG_HF_KILLED)
		ap->kills.kernel++;
	vg_alert_out_write(&ap->out, al, c->ev, c->action_by, ap->generation);
	return 0;
}

/* Worker thread (or init): what `vigil policy show` answers for the policy now in use. */
void vg_agent_policy_render_show(struct vg_agent_policy *ap)
{
	struct vg_buf b = { 0 };
	struct vg_json j;
	size_t i, len;
	const char *name, *text;

	vg_json_init(&j, &b);
	vg_json_obj_begin(&j);
	vg_json_key(&j, "generation");
	vg_json_u64(&j, ap->generation);
	vg_json_key(&j, "stage");
	vg_json_cstr(&j, vg_policy_state_name(vg_agent_policy_state(ap)));
	if (ap->version) {
		vg_json_key(&j, "version");
		vg_json_u64(&j, ap->version);
	}
	vg_json_key(&j, "rules");
	vg_json_u64(&j, vg_loaded_n_rules(ap->cur));
	vg_json_key(&j, "sources");
	vg_json_arr_begin(&j);
	for (i = 0; (name = vg_policy_source(ap->cur->p, i, &text, &len)); i++) {
		vg_json_obj_begin(&j);
		vg_json_key(&j, "name");
		vg_json_cstr(&j, name);
		vg_json_key(&j, "text");
		vg_json_str(&j, text, len);
		vg_json_obj_end(&j);
	}
	vg_json_arr_end(&j);
	vg_json_obj_end(&j);
	pthread_mutex_lock(&ap->show_lock);
	vg_buf_free(&ap->show);
	ap->show = b;
	pthread_mutex_unlock(&ap->show_lock);
}

void vg_agent_policy_show(struct vg_agent_policy *ap, struct vg_buf *out)
{
	pthread_mutex_lock(&ap->show_lock);
	vg_buf_append(out, ap->show.data ? ap->show.data : "{}", ap->show.data ? ap->show.len : 2);
	pthread_mutex_unlock(&ap->show_lock);
}

/*
 * The net sensor denied a connection (and, for a kill rule, sent SIGKILL
 * as the call returned) for one of our rules: the rule's alert, from the
 * deny record.
 */
static void report_net_deny(struct vg_agent_policy *ap, const struct vg_event_ctx *ev)
{
	static struct vg_event_view view;	/* large; worker thread only */
	const struct vg_net_deny *d = (const void *)ev->rec;
	struct alert_ctx c = { ap, ev, "kernel" };

	if (vg_field_view_live(&view, ev->rec, ev->size, ev->proc, ev->anc) < 0)
		return;
	vg_policy_alert_rule(ap->cur->p, d->rule_id, &view, ev->rec->ts_boot_ns,
			  (ev->rec->flags & VG_HF_KILLED) ? "killed in kernel" : "denied in kernel",
			  on_alert, &c);
}

/* A fanotify decision's alert, from the record the sensor would have sent. */
static void report_one_fan(void *ctx, const struct vg_fan_report *r)
{
	static _Alignas(8) __u8 rec[sizeof(struct vg_exec) + sizeof(r->path)];
	static struct vg_event_view view;	/* large; worker thread only */
	struct vg_agent_policy *ap = ctx;
	struct vg_agent *a = ap->agent;
	const struct vg_proc *p = vg_proc_cache_newest(a->cache, r->pid);
	struct vg_event_ctx ev;
	struct alert_ctx c = { ap, &ev, "fanotify" };
	size_t size = vg_fan_report_record(r, p, rec, sizeof(rec));

	vg_event_ctx_fill(&ev, a->cache, rec, size);
	if (vg_field_view_live(&view, ev.rec, size, ev.proc, ev.anc) < 0)
		return;
	vg_policy_alert_rule(ap->cur->p, r->rule_id, &view, r->boot_ns,
			  vg_fan_outcome_str(r->outcome), on_alert, &c);
}

static void report_fan(struct vg_agent_policy *ap, uint64_t upto)
{
	if (ap->apply.fan_started)
		vg_fan_queue_flush(&ap->fan_pending, &ap->apply.fan, upto, report_one_fan, ap);
}

static void on_event(struct vg_agent *a, const struct vg_event_ctx *ev)
{
	struct vg_agent_policy *ap = a->hook_arg;
	static struct vg_event_view view;	/* large; worker thread only */
	struct alert_ctx c = { ap, ev, NULL };
	struct vg_policy_stats st;
	uint64_t t0;

	vg_policy_stage_poll(ap);
	report_fan(ap, ev->rec->ts_boot_ns);
	if (ev->rec->type == VG_EV_NET_DENY)
		report_net_deny(ap, ev);
	if (vg_field_view_live(&view, ev->rec, ev->size, ev->proc, ev->anc) < 0)
		return;
	view.cache = ev->cache;	/* fields about other processes (file.is_running_executable) */
	t0 = vg_boot_now_ns();
	vg_policy_stage_eval_running(ap, &view, ev, on_alert, &c);
	vg_eval_hist_add(&ap->eval_time, vg_boot_now_ns() - t0);
	vg_policy_get_stats(ap->cur->p, &st);
	atomic_store(&ap->threshold_bytes, st.threshold_bytes);
	atomic_store(&ap->sequence_bytes, st.sequence_bytes);
	atomic_store(&ap->sequence_evicted, st.sequence_evicted);
	vg_policy_stage_eval(ap, &view, ev);
}

/*
 * Idle, a fanotify decision waits until the ring buffer's records older
 * than it have surely been taken: a fork sent without a wake-up may still
 * be there, and without it the caller has no parent. Stopping, all go.
 */
static void on_idle(struct vg_agent *a)
{
	uint64_t settled = 3 * VG_PIPELINE_POLL_MS * 1000000ULL, now = vg_boot_now_ns();

	vg_policy_stage_poll(a->hook_arg);
	report_fan(a->hook_arg, atomic_load(&a->stopping) || now < settled ? UINT64_MAX :
			       now - settled);
}

int vg_agent_policy_init(struct vg_agent_policy *ap, struct vg_agent *a,
			 const char *const *paths, size_t n_paths,
			 const struct vg_agent_policy_opts *o)
{
	memset(ap, 0, sizeof(*ap));
	pthread_mutex_init(&ap->show_lock, NULL);
	ap->agent = a;
	ap->opts = *o;
	ap->apply.agent = a;
	vg_alert_out_init(&ap->out, a);
	vg_alert_out_init(&ap->canary_out, a);
	ap->canary_out.stage = "canary";
	vg_canary_init(&ap->canary, &o->gates);
	vg_reload_init(&ap->reload, paths, n_paths);
	ap->reload.trust.keys = o->keys;
	ap->reload.trust.host_id = o->host_id;
	ap->reload.trust.allow_downgrade = o->allow_downgrade;
	ap->reload.trust.no_default = o->no_default_policy;
	if (vg_self_confine(&ap->confine, o->memory_max, o->cpu_millis))
		vg_warn("not confined: %s", ap->confine.why);
	else if (ap->confine.confined)
		vg_info("confined in %s: memory.max %" PRIu64 " bytes, cpu.max %u.%03u CPUs",
			ap->confine.dir, o->memory_max, o->cpu_millis / 1000, o->cpu_millis % 1000);
	vg_self_defense_configure(&(struct vg_self_paths){ paths, n_paths, o->keys_dir,
							   o->config_path, o->state_dir,
							   o->protect });
	ap->cur = vg_fallback_start(&ap->fb, &ap->reload, o->state_dir, o->crash_max,
				    o->crash_window_s);
	if (ap->cur && ap->cur->status != VG_LOAD_OK) {
		vg_loaded_free(ap->cur);
		ap->cur = NULL;
	}
	if (!ap->cur)
		return -EINVAL;
	if (ap->cur->bundle) {
		ap->version = ap->cur->info.version;
		atomic_store(&ap->reload.trust.running_version, ap->version);
	}
	ap->generation = 1;
	ap->n_rules = vg_loaded_n_rules(ap->cur);
	vg_agent_policy_render_show(ap);
	vg_info("policy: %zu rules from %s%s%s", vg_loaded_n_rules(ap->cur),
		o->no_default_policy ? "" : "the built-in default",
		n_paths && !o->no_default_policy ? " and " : "", n_paths ? paths[0] : "");
	return 0;
}

int vg_agent_policy_start(struct vg_agent_policy *ap)
{
	int err = vg_policy_apply(&ap->apply, ap->cur->p, ap->events_printed);

	if (err)
		return err;
	vg_fallback_running(&ap->fb, ap->cur, ap->opts.gates.window_s > 0 ? ap->opts.gates.window_s : 5);
	ap->agent->hook = on_event;
	ap->agent->idle_hook = on_idle;
	ap->agent->hook_arg = ap;
	return vg_reload_start(&ap->reload);
}

void vg_agent_policy_request_reload(struct vg_agent_policy *ap)
{
	vg_reload_request(&ap->reload);
}

int vg_agent_policy_reload_wait(struct vg_agent_policy *ap, unsigned timeout_ms)
{
	uint64_t ok = atomic_load(&ap->reload.ok), failed = atomic_load(&ap->reload.failed);
	uint64_t taken = atomic_load(&ap->taken);
	unsigned waited;

	vg_reload_request(&ap->reload);
	for (waited = 0; waited < timeout_ms; waited += 20) {
		/* taken first: ok and failed move before it does */
		bool done = atomic_load(&ap->taken) != taken;
		int state;

		if (atomic_load(&ap->reload.ok) != ok)
			return 0;
		if (atomic_load(&ap->reload.failed) != failed)
			return -EINVAL;
		state = atomic_load(&ap->canary.state);
		if (done && (state == VG_PST_CANARY || state == VG_PST_SKIPPED))
			return state;
		if (done)
			return -EINVAL;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

void vg_agent_policy_fini(struct vg_agent_policy *ap)
{
	if (!ap->agent)
		return;
	vg_reload_fini(&ap->reload);
	vg_fallback_fini(&ap->fb);
	vg_self_confine_fini(&ap->confine);
	vg_policy_apply_fini(&ap->apply);
	vg_loaded_free(ap->cur);
	vg_loaded_free(ap->cand);
	vg_alert_out_fini(&ap->out);
	vg_alert_out_fini(&ap->canary_out);
	vg_buf_free(&ap->show);
	pthread_mutex_destroy(&ap->show_lock);
	memset(ap, 0, sizeof(*ap));
}

void vg_agent_policy_metrics(struct vg_agent_policy *ap, struct vg_buf *out)
{
	struct vg_prom_label ok[] = { { "result", "ok" } }, failed[] = { { "result", "failed" } };
	struct vg_prom_label by_kernel[] = { { "by", "kernel" }, { "result", "ok" } };
	struct vg_prom_label by_agent[] = { { "by", "agent" }, { "result", "ok" } };
	struct vg_prom_label agent_failed[] = { { "by", "agent" }, { "result", "failed" } };

	vg_prom_one(out, "vigil_policy_generation", "gauge",
		    "The policy in use: 1 at start, +1 per successful reload.", ap->generation);
	vg_prom_one(out, "vigil_policy_rules", "gauge", "Rules in the policy in use.", ap->n_rules);
	vg_prom_one(out, "vigil_policy_threshold_bytes", "gauge",
		    "Memory held by threshold rules' counting windows.", ap->threshold_bytes);
	vg_prom_one(out, "vigil_policy_sequence_bytes", "gauge",
		    "Memory held by sequence rules' partial matches.", ap->sequence_bytes);
	vg_prom_one(out, "vigil_policy_sequence_evicted", "gauge",
		    "Partial sequence matches of the policy in use dropped, oldest first, at the "
		    "per-rule key bound.", ap->sequence_evicted);
	vg_prom_family(out, "vigil_policy_reloads_total", "counter",
		       "Policy reloads, by result; a failed one leaves the running policy in place.");
	vg_prom_sample(out, "vigil_policy_reloads_total", ok, 1, ap->reload.ok);
	vg_prom_sample(out, "vigil_policy_reloads_total", failed, 1, ap->reload.failed);
	vg_prom_one(out, "vigil_policy_bundle_version", "gauge",
		    "The signed bundle in use (manifest version); 0: plain policy files.", ap->version);
	vg_prom_one(out, "vigil_policy_refused_total", "counter",
		    "New policies refused: unsigned, wrongly signed, tampered or a downgrade.",
		    ap->refused);
	vg_prom_one(out, "vigil_policy_rollout_skipped_total", "counter",
		    "New bundles this host skipped: outside their rollout percentage.", ap->skipped);
	vg_canary_metrics(&ap->canary, vg_agent_policy_state(ap), out);
	vg_self_check_metrics(&ap->self, out);
	vg_self_confine_metrics(&ap->confine, out);
	vg_alert_counts_render(&ap->out.counts, out);
	vg_prom_family(out, "vigil_kills_total", "counter",
		       "SIGKILLs by kill rules: sent from the kernel hook or by the agent.");
	vg_prom_sample(out, "vigil_kills_total", by_kernel, 2, ap->kills.kernel);
	vg_prom_sample(out, "vigil_kills_total", by_agent, 2, ap->kills.user);
	vg_prom_sample(out, "vigil_kills_total", agent_failed, 2, ap->kills.failed);
	if (atomic_load(&ap->apply.fan_started))
		vg_fan_metrics(&ap->apply.fan, out);
	vg_eval_hist_metrics(&ap->eval_time, out);
}

int vg_agent_policy_state(struct vg_agent_policy *ap)
{
	if (atomic_load(&ap->reload.pending))
		return VG_PST_PENDING;
	return atomic_load(&ap->canary.state);
}
