// SPDX-License-Identifier: GPL-2.0
/* The outputs seen from outside: counters for Prometheus, state for /healthz. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "lib/prom.h"
#include "output/output.h"

void vg_output_stats(struct vg_output *o, struct vg_output_stats *st)
{
	size_t r;

	memset(st, 0, sizeof(*st));
	st->queued = o->queued;
	st->sent = o->sent;
	st->retried = o->retried;
	for (r = 0; r < VG_DROP_MAX; r++)
		st->dropped[r] = o->dropped[r];
	st->last_success_ns = o->last_success_ns;
	st->last_latency_ns = o->last_latency_ns;
	st->capacity = o->cfg.queue;
	pthread_mutex_lock(&o->lock);
	st->depth = o->n;
	st->delivering = !o->failing;
	snprintf(st->state, sizeof(st->state), "%s", o->failing ? o->why : "delivering");
	pthread_mutex_unlock(&o->lock);
}

struct family {
	const char *name, *type, *help;
};

static const struct family families[] = {
	{ "vigil_output_queue_depth", "gauge", "Records waiting in the output's queue." },
	{ "vigil_output_queue_capacity", "gauge", "The output's queue size, in records." },
	{ "vigil_output_queued_total", "counter", "Records the output's filter took." },
	{ "vigil_output_sent_total", "counter", "Records delivered by the output." },
	{ "vigil_output_retried_total", "counter", "Records sent again after a transient failure." },
	{ "vigil_output_dropped_total", "counter", "Records the output could not deliver, by reason." },
	{ "vigil_output_last_success_timestamp_seconds", "gauge",
	  "Wall-clock time of the output's last delivery; 0 if none yet." },
	{ "vigil_output_up", "gauge", "1 while the output is delivering, 0 while it is failing." },
	{ "vigil_output_delivery_latency_seconds", "gauge",
	  "Time from queued to delivered of the output's last batch (its oldest record)." },
};

static void sample(struct vg_buf *b, const char *fam, const char *out, uint64_t v)
{
	struct vg_prom_label l[] = { { "output", out } };

	vg_prom_sample(b, fam, l, 1, v);
}

void vg_outputs_metrics(struct vg_outputs *outs, struct vg_buf *b)
{
	struct vg_output_stats st;
	size_t f, i, r;

	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		vg_prom_family(b, families[f].name, families[f].type, families[f].help);
		for (i = 0; i < outs->n; i++) {
			struct vg_output *o = outs->v[i];
			const char *name = o->cfg.name;

			vg_output_stats(o, &st);
			switch (f) {
			case 0: sample(b, families[f].name, name, st.depth); break;
			case 1: sample(b, families[f].name, name, st.capacity); break;
			case 2: sample(b, families[f].name, name, st.queued); break;
			case 3: sample(b, families[f].name, name, st.sent); break;
			case 4: sample(b, families[f].name, name, st.retried); break;
			case 5:
				for (r = 0; r < VG_DROP_MAX; r++) {
					struct vg_prom_label l[] = {
						{ "output", name }, { "reason", vg_drop_reason_name(r) } };

					vg_prom_sample(b, families[f].name, l, 2, st.dropped[r]);
				}
				break;
			case 6: sample(b, families[f].name, name, st.last_success_ns / 1000000000ull);
				break;
			case 7: sample(b, families[f].name, name, st.delivering); break;
			default:
				vg_buf_printf(b, "%s{output=\"%s\"} %.6f\n", families[f].name, name,
					      st.last_latency_ns / 1e9);
				break;
			}
		}
	}
}

bool vg_outputs_healthy(struct vg_outputs *outs, struct vg_buf *why)
{
	struct vg_output_stats st;
	struct vg_json j;
	bool ok = true;
	size_t i;

	vg_json_init(&j, why);
	vg_json_obj_begin(&j);
	for (i = 0; i < outs->n; i++) {
		vg_output_stats(outs->v[i], &st);
		vg_json_key(&j, outs->v[i]->cfg.name);
		vg_json_cstr(&j, st.state);
		ok &= st.delivering;
	}
	vg_json_obj_end(&j);
	return ok;
}

void vg_outputs_summary(struct vg_outputs *outs, FILE *f)
{
	struct vg_output_stats st;
	size_t i, r;

	for (i = 0; i < outs->n; i++) {
		uint64_t dropped = 0;

		vg_output_stats(outs->v[i], &st);
		for (r = 0; r < VG_DROP_MAX; r++)
			dropped += st.dropped[r];
		fprintf(f, "vigil: output %s: %" PRIu64 " sent, %" PRIu64 " dropped", outs->v[i]->cfg.name,
			st.sent, dropped);
		for (r = 0; r < VG_DROP_MAX; r++)
			if (st.dropped[r])
				fprintf(f, ", %s %" PRIu64, vg_drop_reason_name(r), st.dropped[r]);
		fprintf(f, "\n");
	}
}
