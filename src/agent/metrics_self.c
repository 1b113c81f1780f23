// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "agent/metrics_self.h"
#include "lib/log.h"
#include "lib/prom.h"
#include "lib/version.h"
#include "sensors/syscall_hub.h"

void vg_self_metrics_init(struct vg_self_metrics *s, bool bpf_stats)
{
	s->stats_fd = -1;
	if (!bpf_stats)
		return;
	s->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (s->stats_fd < 0)
		vg_warn("--bpf-stats: cannot turn on kernel.bpf_stats_enabled: %s",
			strerror(errno));
}

void vg_self_metrics_fini(struct vg_self_metrics *s)
{
	if (s->stats_fd >= 0)
		close(s->stats_fd);	/* the kernel restores the previous setting */
	s->stats_fd = -1;
}

static void process_metrics(struct vg_buf *out)
{
	struct rusage ru;
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	vg_prom_family(out, "vigil_agent_cpu_seconds_total", "counter",
		       "CPU time the agent used, user and system.");
	vg_buf_printf(out, "vigil_agent_cpu_seconds_total %.3f\n",
		      ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	vg_prom_one(out, "vigil_agent_resident_memory_bytes", "gauge",
		    "The agent's resident set size.", (uint64_t)rss * sysconf(_SC_PAGESIZE));
}

static void prog_metrics(struct vg_agent *a, struct vg_buf *out)
{
	static const char *const fam[] = { "vigil_bpf_program_runs_total",
					   "vigil_bpf_program_run_seconds_total" };
	struct vg_hub_prog_stat hub[2];
	int n_hub = vg_hub_prog_stats(hub, 2);
	struct bpf_prog_info info;
	struct bpf_program *p;
	int i, k;

	vg_prom_family(out, fam[0], "counter",
		       "Times each vigil BPF program ran (counted while kernel.bpf_stats_enabled).");
	vg_prom_family(out, fam[1], "counter",
		       "Time each vigil BPF program ran (counted while kernel.bpf_stats_enabled).");
	for (k = 0; k < 2; k++)
		for (i = 0; i < a->n_sensors; i++) {
			if (!a->sensors[i].obj)
				continue;
			bpf_object__for_each_program(p, a->sensors[i].obj) {
				__u32 len = sizeof(info);
				int fd = bpf_program__fd(p);

				memset(&info, 0, sizeof(info));
				if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
					continue;
				vg_buf_printf(out, "%s{sensor=\"%s\",program=\"%s\"} ", fam[k],
					      a->sensors[i].desc->name, bpf_program__name(p));
				if (k)
					vg_buf_printf(out, "%.9f\n", info.run_time_ns / 1e9);
				else
					vg_buf_printf(out, "%" PRIu64 "\n", (uint64_t)info.run_cnt);
			}
		}
	/* The hub's time includes the sensor handlers it tail-called (theirs read 0). */
	for (k = 0; k < 2; k++)
		for (i = 0; i < n_hub; i++) {
			vg_buf_printf(out, "%s{sensor=\"syscall-hub\",program=\"%s\"} ", fam[k],
				      hub[i].name);
			if (k)
				vg_buf_printf(out, "%.9f\n", hub[i].run_time_ns / 1e9);
			else
				vg_buf_printf(out, "%" PRIu64 "\n", hub[i].run_cnt);
		}
}

void vg_self_metrics_write(struct vg_self_metrics *s, struct vg_agent *a, struct vg_buf *out)
{
	struct vg_prom_label l[] = { { "version", VG_VERSION }, { "commit", vg_build_commit() } };

	vg_prom_family(out, "vigil_build_info", "gauge", "vigil's version and commit (value 1).");
	vg_prom_sample(out, "vigil_build_info", l, 2, 1);
	vg_prom_one(out, "vigil_bpf_stats_enabled", "gauge",
		    "1 while vigil holds kernel.bpf_stats_enabled on (--bpf-stats).",
		    s->stats_fd >= 0);
	process_metrics(out);
	prog_metrics(a, out);
}

bool vg_self_sensors_attached(struct vg_agent *a, char *why, size_t size)
{
	int i;

	/* A sensor no rule needs is left unattached on purpose (on demand). */
	for (i = 0; i < a->n_sensors; i++)
		if (!vg_sensor_attached(&a->sensors[i]) && !a->sensors[i].unneeded) {
			snprintf(why, size, "sensor %s is not attached", a->sensors[i].desc->name);
			return false;
		}
	return true;
}
