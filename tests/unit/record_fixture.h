/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For unit tests that walk every record type: a valid record of each type
 * with every member set (distinct non-zero values, every string filled),
 * and a process cache that knows its process, parent and grandparent.
 * Include after cmocka.h and the event headers.
 */
#ifndef VIGIL_TEST_RECORD_FIXTURE_H
#define VIGIL_TEST_RECORD_FIXTURE_H

#define REC_BYTES 4096
#define PROC_START 777000

static const char *const strings[] = {
	"/usr/lib/evil/payload", "/tmp/x", "dropper\0--now\0-q", "/sys/fs/cgroup/app.slice",
	"pts/3", "rootkit_mod", "/etc/ld.so.preload", "opt=1",
};

/* Distinct non-zero bytes for the fixed part after the header. */
static void fill_members(unsigned char *rec, size_t fixed, unsigned seed)
{
	size_t i;

	for (i = sizeof(struct vg_hdr); i < fixed; i++)
		rec[i] = (unsigned char)((i * 37 + seed * 101) % 120 + 3);	/* < 0x80: fits JSON ints */
}

static void fill_header(struct vg_hdr *h, uint16_t type, unsigned seed)
{
	h->type = type;
	h->version = VG_ABI_VERSION;
	h->ts_boot_ns = 123456789 + seed;
	h->start_time_ns = PROC_START;
	h->cgroup_id = 4242 + seed;
	h->pid = 3001;
	h->tgid = 3000;
	h->cpu = 2;
	h->euid = 1000 + seed;
	memcpy(h->comm, "agree", 6);
}

/* What the sensors never send: values a member's type cannot hold. */
static void make_plausible(unsigned char *rec, uint16_t type, unsigned seed)
{
	struct vg_net_tuple *t = (void *)(rec + sizeof(struct vg_hdr));
	struct vg_priv_sys *s = (void *)(rec + sizeof(struct vg_hdr));
	struct vg_file *f = (void *)rec;

	if (type >= VG_EV_FILE_FIRST && type <= VG_EV_FILE_LAST) {
		f->syscall = 1 + seed % (VG_FSC_MAX - 1);
		f->ret = seed % 2 ? -13 : 5;
	}
	if (type >= VG_EV_NET_FIRST && type <= VG_EV_NET_LAST) {
		t->family = seed % 2 ? AF_INET6 : AF_INET;
		t->protocol = seed % 2 ? 17 : 6;
	}
	if (type >= VG_EV_PRIV_FIRST && type != VG_EV_IOURING) {
		s->call = 1 + (seed * 7 + type) % (VG_PC_MAX - 1);
		s->ret = seed % 2 ? -1 : 3;
	}
	if (type == VG_EV_NET_UDP_FLOW)	/* the flow's last packet follows its first */
		((struct vg_net_udp_flow *)rec)->first_ns = 1000;
	if (type == VG_EV_NET_DNS)
		((struct vg_net_dns *)rec)->flags = 0;
	if (type == VG_EV_BPF)
		((struct vg_bpf *)rec)->cmd = (uint32_t[]){ 0, 5, 28, 18 }[seed % 4];
}

/* A DNS answer for example.com: the dns record's payload. */
static const uint8_t dns_answer[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 93, 184, 216, 34,
};

/* Builds a valid record of @d's type; returns its size. */
static size_t build(unsigned char *rec, const struct vg_record_desc *d, unsigned seed)
{
	size_t off = 0, i;

	memset(rec, 0, REC_BYTES);
	fill_members(rec, d->fixed_size, seed);
	fill_header((struct vg_hdr *)rec, d->type, seed);
	make_plausible(rec, d->type, seed);
	for (i = 0; i < d->n_strs; i++) {
		struct vg_str *s = (struct vg_str *)(rec + d->str_offs[i]);
		const char *p = strings[(i + seed) % (sizeof(strings) / sizeof(strings[0]))];
		size_t len = strlen(p) + (p == strings[2] ? 10 : 0);

		if (d->type == VG_EV_NET_DNS)
			p = (const char *)dns_answer, len = sizeof(dns_answer);
		memcpy(rec + d->fixed_size + off, p, len);
		s->off = off;
		s->len = len;
		off += len;
	}
	((struct vg_hdr *)rec)->size = d->fixed_size + off;
	assert_int_equal(vg_decode_check(rec, d->fixed_size + off, NULL), VG_DEC_OK);
	return d->fixed_size + off;
}

/* The record's process, its parent and grandparent, as the cache knows them. */
static void seed_cache(struct vg_proc_cache *c, const struct vg_hdr *h)
{
	uint32_t ppid = 2000;
	struct vg_proc *p;

	if (h->type == VG_EV_EXEC)
		ppid = ((const struct vg_exec *)h)->ppid;
	if (h->type == VG_EV_FORK)
		ppid = ((const struct vg_fork *)h)->ppid;
	if (h->type == VG_EV_EXIT)
		ppid = ((const struct vg_exit *)h)->ppid;
	p = vg_proc_cache_put(c, 1000, 5000, false);
	vg_proc_set_exe(p, "/sbin/init", 10);
	memcpy(p->comm, "init", 5);
	p = vg_proc_cache_put(c, ppid, 6000, false);
	p->ppid = 1000;
	p->parent_start_ns = 5000;
	vg_proc_set_exe(p, "/bin/bash", 9);
	vg_proc_set_args(p, "bash\0-c\0run it", 14, false);
	memcpy(p->comm, "bash", 5);
	p = vg_proc_cache_put(c, h->tgid, h->start_time_ns, false);
	p->ppid = ppid;
	p->parent_start_ns = 6000;
	p->uid = 11;
	p->euid = 12;
	p->gid = 13;
	p->egid = 14;
	vg_proc_set_exe(p, "/usr/bin/agree", 14);
	vg_proc_set_args(p, "agree\0--all", 11, true);
	memcpy(p->comm, "agree", 6);
}

#endif
