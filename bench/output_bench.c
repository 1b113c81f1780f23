// SPDX-License-Identifier: GPL-2.0
/*
 * output_bench SPEC N: how many alerts per second one output delivers.
 * N copies of a real ~3 KB alert line are queued at once into an output
 * whose queue holds them all, then the clock runs until every one is sent:
 * the drain rate is the rate the output sustains with zero drops (below it
 * the queue never fills). Prints "alerts/s sent dropped".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/timefmt.h"
#include "output/output.h"

static const char line[] =
	"{\"@timestamp\":\"2026-12-06T22:24:00.100000Z\",\"event\":{\"kind\":\"alert\","
	"\"action\":\"exec\",\"category\":[\"process\"],\"type\":[\"start\"],"
	"\"boot_time_ns\":10640921723299,\"cpu\":0},\"host\":{\"name\":\"bench\",\"id\":"
	"\"3d1219c7c4c5404aaa1f6d2a48adfda4\"},\"process\":{\"pid\":4861,\"thread\":{\"id\":4861},"
	"\"start_time\":10640918018125,\"name\":\"true\",\"executable\":{\"path\":\"/usr/bin/true\","
	"\"invoked_path\":\"/bin/true\",\"truncated\":false},\"args\":[\"true\",\"--bench\"],"
	"\"args_count\":2,\"args_truncated\":false,\"user\":{\"id\":0},\"real_user\":{\"id\":0},"
	"\"group\":{\"id\":0},\"real_group\":{\"id\":0},\"parent\":{\"pid\":4801,\"start_time\":"
	"10634790978413,\"name\":\"bash\",\"executable\":{\"path\":\"/usr/bin/bash\"}},\"cgroup\":"
	"{\"id\":1,\"path\":\"/\"},\"ancestors\":[{\"pid\":4801,\"start_time\":10634790978413,"
	"\"name\":\"bash\",\"executable\":{\"path\":\"/usr/bin/bash\"},\"args\":[\"bash\"]},"
	"{\"pid\":1,\"start_time\":190000000,\"name\":\"init\",\"executable\":{\"path\":"
	"\"/sbin/init\"},\"args\":[\"/sbin/init\"]}],\"working_directory\":\"/root\","
	"\"namespaces\":{\"mnt\":4026531832,\"pid\":4026531836,\"net\":4026531833,\"user\":"
	"4026531837},\"capabilities\":{\"effective\":\"0x1fffeffffff\",\"permitted\":"
	"\"0x1fffeffffff\"}},\"rule\":{\"name\":\"bench_exec\",\"severity\":\"high\",\"tags\":"
	"[\"T1059\",\"bench\"],\"mode\":\"enforce\",\"action\":\"alert\"},\"message\":"
	"\"/usr/bin/true run by uid 0\",\"threat\":{\"technique\":{\"id\":[\"T1059\"]}},"
	"\"alert\":{\"outcome\":\"alerted\",\"action_latency_ns\":0,\"kernel_decidable\":false,"
	"\"suppressed\":0,\"policy_generation\":1}}";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char *const tags[] = { "T1059", "bench" };
	struct vg_out_record r = { .line = line, .len = sizeof(line) - 1, .severity = 3, .alert = true,
				   .rule = "bench_exec", .tags = tags, .n_tags = 2 };
	struct vg_output_stats st;
	struct vg_output_cfg c;
	struct vg_outputs outs;
	char spec[1024], why[256];
	double t0;
	long n, i;
	uint64_t dropped = 0;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: output_bench SPEC N\n");
		return 2;
	}
	snprintf(spec, sizeof(spec), "%s,queue=%ld", argv[1], n);
	if (vg_output_cfg_parse(&c, spec, why, sizeof(why))) {
		fprintf(stderr, "output_bench: %s\n", why);
		return 2;
	}
	vg_output_cfg_name_all(&c, 1);
	if (vg_outputs_init(&outs, &c, 1) || vg_outputs_start(&outs))
		return 1;
	r.time_ns = vg_wall_now_ns();
	t0 = now();
	for (i = 0; i < n; i++)
		vg_outputs_push(&outs, &r);
	do {
		usleep(1000);
		vg_output_stats(outs.v[0], &st);
		dropped = 0;
		for (i = 0; i < VG_DROP_MAX; i++)
			dropped += st.dropped[i];
	} while (st.sent + dropped < (uint64_t)n && now() - t0 < 120);
	printf("%.0f %llu %llu\n", st.sent / (now() - t0), (unsigned long long)st.sent,
	       (unsigned long long)dropped);
	vg_outputs_stop(&outs, 0);
	vg_outputs_fini(&outs);
	return 0;
}
