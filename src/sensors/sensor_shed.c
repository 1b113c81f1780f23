// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sensors/sensor_shed.h"

int vg_sensor_set_shed(struct vg_sensor *s, uint16_t type, bool shed)
{
	struct bpf_map *m = s->obj ? bpf_object__find_map_by_name(s->obj, "vg_shed") : NULL;
	__u32 key = type;
	__u8 v = shed;

	if (!m || type >= VG_EV_TYPE_MAX)
		return -ENOENT;
	return bpf_map_update_elem(bpf_map__fd(m), &key, &v, BPF_ANY) < 0 ? -errno : 0;
}

uint64_t vg_sensor_run_time_ns(const struct vg_sensor *s)
{
	struct bpf_program *p;
	uint64_t sum = 0;

	if (!s->obj)
		return 0;
	bpf_object__for_each_program(p, s->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			sum += info.run_time_ns;
	}
	return sum;
}
