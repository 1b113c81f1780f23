// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include "event/decode.h"

static const struct vg_record_family *const families[] = {
	&vg_rec_process_family, &vg_rec_file_family, &vg_rec_net_family, &vg_rec_priv_family,
	&vg_rec_seccomp_family, &vg_rec_xattr_family,
	&vg_rec_cap_use_family, &vg_rec_health_family,
};

static const struct vg_record_desc *by_type[VG_EV_TYPE_MAX];
static pthread_once_t by_type_once = PTHREAD_ONCE_INIT;

static int kind_width;

static void index_descs(void)
{
	size_t f, i;

	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (i = 0; i < families[f]->n; i++) {
			const struct vg_record_desc *d = &families[f]->descs[i];
			int len = (int)strlen(d->kind);

			by_type[d->type] = d;
			if (len > kind_width)
				kind_width = len;
		}
}

int vg_record_kind_width(void)
{
	pthread_once(&by_type_once, index_descs);
	return kind_width;
}

const struct vg_record_desc *vg_record_desc(uint16_t type)
{
	pthread_once(&by_type_once, index_descs);
	return type < VG_EV_TYPE_MAX ? by_type[type] : NULL;
}

const char *vg_decode_error_name(enum vg_decode_error e)
{
	static const char *const names[VG_DEC_MAX] = {
		"ok", "short", "size_mismatch", "oversize", "version", "type", "string_bounds",
	};

	return (unsigned)e < VG_DEC_MAX ? names[e] : "unknown";
}

static enum vg_decode_error check(const void *data, size_t size)
{
	const struct vg_record_desc *d;
	struct vg_hdr h;
	size_t tail, i;

	if (size < sizeof(h))
		return VG_DEC_SHORT;
	if (size > VG_MAX_RECORD_BYTES)
		return VG_DEC_OVERSIZE;
	memcpy(&h, data, sizeof(h));
	if (h.version != VG_ABI_VERSION)
		return VG_DEC_VERSION;
	if (h.size != size)
		return VG_DEC_SIZE_MISMATCH;
	d = vg_record_desc(h.type);
	if (!d)
		return VG_DEC_TYPE;
	/* A storm aggregate's count follows the record (VG_HF_HELD, vg_rec_held). */
	if (h.flags & VG_HF_HELD)
		size = size < sizeof(uint64_t) ? 0 : size - sizeof(uint64_t);
	if (size < d->fixed_size)
		return VG_DEC_SHORT;
	tail = size - d->fixed_size;
	if (d->n_strs == 0 && tail != 0)
		return VG_DEC_SIZE_MISMATCH;
	for (i = 0; i < d->n_strs; i++) {
		struct vg_str s;

		memcpy(&s, (const char *)data + d->str_offs[i], sizeof(s));
		if ((size_t)s.off + s.len > tail)
			return VG_DEC_STR_BOUNDS;
	}
	return VG_DEC_OK;
}

uint64_t vg_rec_held(const struct vg_hdr *h)
{
	uint64_t n;

	if (h->type >= VG_EV_FILE_FIRST && h->type <= VG_EV_FILE_LAST)
		return ((const struct vg_file *)h)->suppressed;
	if (!(h->flags & VG_HF_HELD) || h->size < sizeof(*h) + sizeof(n))
		return 0;
	memcpy(&n, (const char *)h + h->size - sizeof(n), sizeof(n));
	return n;
}

enum vg_decode_error vg_decode_check(const void *data, size_t size, struct vg_decode_stats *st)
{
	enum vg_decode_error e = check(data, size);

	if (st) {
		if (e == VG_DEC_OK)
			st->ok++;
		else
			st->bad[e]++;
	}
	return e;
}
