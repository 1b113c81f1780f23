/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File sensor, the watch set: which accesses are watched at a path (LPM
 * lookups in watch_trie, then home_trie under /home/<user>), and the cache
 * of dentries the watch set rejected (reject_cache).
 *
 * Part of sensor_file.bpf.c, included once after its maps and types: a
 * piece of that one CO-RE object, not a shared header.
 */
#ifndef SENSOR_FILE_WATCH_BPF_H
#define SENSOR_FILE_WATCH_BPF_H

/* A path that cannot be matched is never dropped, whoever the actor. */
#define VG_WATCH_ALL (VG_FACC_ALL | VG_FACC_ALL << VG_WATCH_ANY_ACTOR_SHIFT)

/* LPM lookup on the path bytes in place: the 4-byte prefix length is
 * written just before the path, a '/' just after it. */
static __always_inline __u32 trie_lookup(void *trie, struct vg_path_buf *pb,
					 __u32 start, __u32 len)
{
	struct vg_watch_key *key;
	__u32 k, n, end, *v;

	if (start < 4)
		return VG_WATCH_ALL;	/* cannot happen with our layout: never drop */
	k = start - 4;
	VG_BOUND(k, 8191);
	if (k > VG_PATH_BUF_BYTES - sizeof(*key))
		return VG_WATCH_ALL;
	end = start + len;
	if (end < VG_PATH_BUF_BYTES)
		pb->buf[end & VG_BUF_MASK] = '/';
	n = len + 1;
	if (n > VG_WATCH_KEY_BYTES)
		n = VG_WATCH_KEY_BYTES;
	key = (void *)&pb->buf[k];
	key->prefixlen = n * 8;
	v = bpf_map_lookup_elem(trie, key);
	return v ? *v : 0;
}

/* Mask of accesses watched for the path: absolute prefixes, then prefixes
 * under /home/<user>. */
static __noinline __u32 watch_tries_mask(const struct fpath *p)
{
	struct vg_path_buf *pb;
	__u32 mask, i, j = 0, at, k, start, len;
	__u32 saved;
	char *b;

	if (!p)
		return VG_WATCH_ALL;
	pb = vg_path_buf(p->slot);
	if (!pb)
		return VG_WATCH_ALL;
	if (p->fflags & (VG_FILE_UNCHECKED | VG_FILE_PATH_FAULT))
		return VG_WATCH_ALL;	/* cannot be matched as written: never drop */
	start = p->start;
	len = p->len;
	mask = trie_lookup(&watch_trie, pb, start, len);
	if (len <= sizeof(VG_HOME_PREFIX))
		return mask;
	if (start > VG_PATH_BUF_BYTES - 80)
		return mask;
	b = &pb->buf[start];
	if (b[0] != '/' || b[1] != 'h' || b[2] != 'o' || b[3] != 'm' || b[4] != 'e' ||
	    b[5] != '/')
		return mask;
	for (i = 6; i < 6 + VG_HOME_NAME_MAX; i++) {
		if (i >= len)
			break;
		if (b[i] == '/') {
			j = i;
			break;
		}
	}
	if (!j)
		return mask;
	/* The key header overwrites 4 bytes of "/home/<user>": put them back. */
	at = start + j;
	k = at - 4;
	VG_BOUND(k, 8191);
	if (k > VG_PATH_BUF_BYTES - 4)
		return mask;
	__builtin_memcpy(&saved, &pb->buf[k], 4);
	mask |= trie_lookup(&home_trie, pb, at, len - j);
	k = at - 4;
	VG_BOUND(k, 8191);
	if (k > VG_PATH_BUF_BYTES - 4)
		return mask;
	__builtin_memcpy(&pb->buf[k], &saved, 4);
	return mask;
}

/*
 * Whether the last name of the path looks like a shared library: it ends in
 * ".so" or holds ".so." (libx.so.1.2). The whole name is scanned (a name is
 * at most VG_NAME_MAX bytes), so a long version suffix cannot hide one.
 */
static __noinline bool library_name(const struct fpath *p)
{
	const __u32 so = '.' | 's' << 8 | 'o' << 16, so_dot = so | (__u32)'.' << 24;
	struct vg_path_buf *pb = vg_path_buf(p->slot);
	__u32 i, w = 0, end = p->start + p->len;
	char c;

	if (!pb || p->len < 3)
		return false;
	for (i = 0; i <= VG_NAME_MAX && i < p->len; i++) {
		c = pb->buf[(end - 1 - i) & VG_BUF_MASK];
		if (c == '/')
			return false;
		w = w << 8 | (__u8)c;	/* the 4 bytes from here on, little-endian */
		if ((i == 2 && (w & 0xffffff) == so) || (i >= 3 && w == so_dot))
			return true;
	}
	return false;
}

/*
 * Whether the path holds "/." (a file or directory whose name starts with
 * a dot: ~/.ssh/id_rsa, ~/.aws/credentials). A path longer than the scan
 * counts as holding one: never dropped for being long.
 */
static __noinline bool hidden_name(const struct fpath *p)
{
	struct vg_path_buf *pb = vg_path_buf(p->slot);
	__u32 i, start = p->start;

	if (!pb || p->len > VG_WATCH_KEY_BYTES)
		return true;
	for (i = 1; i < VG_WATCH_KEY_BYTES && i < p->len; i++)
		if (pb->buf[(start + i) & VG_BUF_MASK] == '.' &&
		    pb->buf[(start + i - 1) & VG_BUF_MASK] == '/')
			return true;
	return false;
}

/*
 * Mask of accesses watched for the path. An entry may watch reads of
 * library names only (VG_FACC_READ_LIB, "file.name glob *.so" rules), or
 * of hidden names only (VG_FACC_READ_HIDDEN, rules whose file.path globs
 * all name a dot file or directory): a read of any other file under it
 * stays in the kernel.
 */
__noinline __u32 file_watch_mask(const struct fpath *p)
{
	__u32 mask;

	if (!p)
		return VG_FACC_ALL;
	mask = watch_tries_mask(p);
	if ((mask & VG_FACC_READ_LIB) && !(mask & VG_FACC_READ) && library_name(p))
		mask |= VG_FACC_READ;
	if ((mask & VG_FACC_READ_HIDDEN) && !(mask & VG_FACC_READ) && hidden_name(p))
		mask |= VG_FACC_READ;
	return mask;
}

#define VG_FACC_WRITES (VG_FACC_WRITE | VG_FACC_CREATE | VG_FACC_TRUNCATE)

/* Write opens already reported under a write-once entry: by file and process. */
struct once_key {
	__u64 dentry;
	__u64 mnt;
	__u64 start;		/* the process's start: a reused pid is another writer */
	__u32 tgid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct once_key);
	__type(value, __u64);		/* the inode then: a file made anew is new */
} write_once SEC(".maps");

/* @mask with a write-once class as every write. */
static __always_inline __u32 mask_writes(__u32 mask)
{
	return mask & VG_FACC_WRITE_ONCE ? mask | VG_FACC_WRITES : mask;
}

/*
 * For an open of access @acc that watch mask @mask does not take, under an
 * entry that wants the first write of each process to each file: whether
 * this is that first write (then remembered when @note) rather than a
 * repeat, which stays in the kernel.
 */
static __always_inline bool write_once_first(__u32 mask, __u32 acc, const struct reject_key *k,
					     const struct dentry_id *id, bool note)
{
	struct once_key ok = {};
	__u64 *ino, inode = id->inode;

	if (!(mask & VG_FACC_WRITE_ONCE) || !(acc & VG_FACC_WRITES))
		return false;
	ok.dentry = k->dentry;
	ok.mnt = k->mnt;
	ok.tgid = bpf_get_current_pid_tgid() >> 32;
	ok.start = vg_task_start_time((struct task_struct *)bpf_get_current_task());
	ino = bpf_map_lookup_elem(&write_once, &ok);
	if (ino && *ino == inode)
		return false;
	if (note)
		bpf_map_update_elem(&write_once, &ok, &inode, BPF_ANY);
	return true;
}

/*
 * Who acts, for the watch set: a process the actor pre-filter lets through
 * (IN), one it rejects (OUT: only the paths watched for every process
 * count), the agent itself (AGENT: those paths do not count), or nobody
 * wants the record (DROP).
 */
enum file_actor { FILE_ACTOR_IN, FILE_ACTOR_OUT, FILE_ACTOR_AGENT, FILE_ACTOR_DROP };

#define PROC_SUPER_MAGIC 0x9fa0

/*
 * vg_drop_if_unwanted() for the file sensor: a record of an off type is
 * dropped; one whose actor the pre-filter rejects is still wanted
 * (FILE_ACTOR_OUT) for an access some path is watched for whoever acts,
 * but only if its path turns out to be one of those. Reads count only on
 * /proc (@f, the opened file, is there): every read on the host walking
 * its path would cost what the pre-filter saves.
 */
static __noinline enum file_actor file_actor_check(__u16 type, __u32 acc, struct file *f)
{
	__u8 sw = vg_type_mode_of(type);
	struct file_any_actor_cfg *c;
	__u32 zero = 0;
	bool agent;

	if (sw == VG_TYPE_OFF)
		goto drop;
	c = bpf_map_lookup_elem(&file_any_actor, &zero);
	agent = c && c->agent_tgid && c->agent_tgid == bpf_get_current_pid_tgid() >> 32;
	if (sw != VG_TYPE_FILTERED || !vg_pf_rejects_current())
		return agent ? FILE_ACTOR_AGENT : FILE_ACTOR_IN;
	if (!c || agent)
		goto drop;
	if (!(acc & VG_FACC_READ) || !f ||
	    BPF_CORE_READ(f, f_inode, i_sb, s_magic) != PROC_SUPER_MAGIC)
		acc &= ~VG_FACC_READ;
	if (c->mask & acc)
		return FILE_ACTOR_OUT;
drop:
	vg_count(VG_CNT_FILTERED);
	return FILE_ACTOR_DROP;
}

/* The accesses trie value @v watches for @a (file_watch.h). */
static __always_inline __u32 watch_bits(__u32 v, enum file_actor a)
{
	if (a == FILE_ACTOR_OUT)
		return v >> VG_WATCH_ANY_ACTOR_SHIFT;
	if (a == FILE_ACTOR_AGENT)
		return v & VG_WATCH_LOW;
	return vg_watch_bits(v, 0);
}

/* What identifies a dentry in reject_cache: one read where the fields are adjacent. */
static __always_inline int dentry_id_read(struct dentry *d, struct dentry_id *id)
{
	if (bpf_core_field_offset(struct dentry, d_name) ==
	    bpf_core_field_offset(struct dentry, d_parent) + 8 &&
	    bpf_core_field_offset(struct dentry, d_inode) ==
	    bpf_core_field_offset(struct dentry, d_parent) + 24)
		return bpf_probe_read_kernel(id, sizeof(*id), (void *)d +
					     bpf_core_field_offset(struct dentry, d_parent));
	id->parent = (__u64)BPF_CORE_READ(d, d_parent);
	id->hash_len = BPF_CORE_READ(d, d_name.hash_len);
	id->inode = (__u64)BPF_CORE_READ(d, d_inode);
	return 0;
}

#define VG_COMPILER_BARRIER() asm volatile("" ::: "memory")

/*
 * This CPU's slot for the dentry with name hash and length @hash_len and
 * inode number @ino: scalars, where the verifier allows no arithmetic on
 * the dentry's address when it came from a typed load (VG_FILE_KCAST).
 */
static __always_inline struct reject_mru *reject_mru_slot(__u64 hash_len, __u64 ino)
{
	__u32 i = (hash_len ^ (hash_len >> 32) ^ ino ^ (ino >> 8)) & (REJECT_MRU_SLOTS - 1);

	return bpf_map_lookup_elem(&reject_mru, &i);
}

/* Whether cached rejection @v still describes dentry @id (inode number @ino) at generation @gen. */
static __always_inline bool reject_val_holds(const struct reject_val *v, const struct dentry_id *id,
					     __u64 ino, __u64 gen)
{
	return v->gen == gen && v->parent == id->parent && v->hash_len == id->hash_len &&
	       v->inode == id->inode && v->ino == ino;
}

static __always_inline void reject_val_fill(struct reject_val *v, const struct dentry_id *id,
					    __u64 ino, __u64 gen, __u32 mask)
{
	v->gen = gen;
	v->parent = id->parent;
	v->hash_len = id->hash_len;
	v->inode = id->inode;
	v->ino = ino;
	v->mask = mask;
	v->pad = 0;
}

/* Copies rejection @k/@v into this CPU's slot, unless another task is writing it. */
static __always_inline void reject_mru_put(const struct reject_key *k, const struct reject_val *v)
{
	struct reject_mru *e = reject_mru_slot(v->hash_len, v->ino);
	__u64 seq;

	if (!e)
		return;
	seq = *(volatile __u64 *)&e->seq;
	if ((seq & 1) || __sync_val_compare_and_swap(&e->seq, seq, seq + 1) != seq)
		return;
	e->key = *k;
	e->val = *v;
	__sync_fetch_and_add(&e->seq, 1);
}

/*
 * The accesses watched at the path of a dentry the watch set rejected
 * (the cached trie value), or -1 when no valid rejection is cached: this
 * CPU's slot first, then reject_cache, whose hit then fills the slot.
 */
static __noinline __s64 reject_cached_mask(const struct reject_key *k, const struct dentry_id *id,
					   __u64 ino, __u64 gen)
{
	struct reject_mru *e = reject_mru_slot(id->hash_len, ino);
	struct reject_val *rv, nv;
	__u64 seq;
	__u32 mask;

	if (e) {
		seq = *(volatile __u64 *)&e->seq;
		VG_COMPILER_BARRIER();
		if (!(seq & 1) && e->key.dentry == k->dentry && e->key.mnt == k->mnt &&
		    reject_val_holds(&e->val, id, ino, gen)) {
			mask = e->val.mask;
			VG_COMPILER_BARRIER();
			if (*(volatile __u64 *)&e->seq == seq)
				return mask;
		}
	}
	rv = bpf_map_lookup_elem(&reject_cache, k);
	if (!rv || !reject_val_holds(rv, id, ino, gen))
		return -1;
	mask = rv->mask;
	/* From what was checked, not a copy of the shared entry another CPU may be rewriting. */
	reject_val_fill(&nv, id, ino, gen, mask);
	reject_mru_put(k, &nv);
	return mask;
}

/*
 * Remembers that the watch set rejects this dentry. Not inlined: the value
 * lives in its own frame, not in file_emit_open's, whose callees (path walk)
 * need the stack.
 */
static __noinline void reject_note(const struct reject_key *key, const struct dentry_id *id,
				   __u64 ino, __u64 gen, __u32 mask)
{
	struct reject_val nv;

	reject_val_fill(&nv, id, ino, gen, mask);
	bpf_map_update_elem(&reject_cache, key, &nv, BPF_ANY);
	reject_mru_put(key, &nv);
}

/* Remembers a watched dentry's trie value @mask in this CPU's slot alone. */
static __noinline void watched_note(const struct reject_key *key, const struct dentry_id *id,
				    __u64 ino, __u64 gen, __u32 mask)
{
	struct reject_val nv;

	reject_val_fill(&nv, id, ino, gen, mask);
	reject_mru_put(key, &nv);
}

/* The watch entry of the opened file by identity, or NULL (the usual case): one
 * hash lookup on the inode the open already holds. */
static __always_inline const struct vg_inode_watch *inode_watch_of(struct file *f)
{
	struct vg_inode_watch_key k = {};
	const struct vg_inode_watch *iw;
	struct inode *inode;

	if (!f || !file_inode_watch_on)
		return NULL;
	inode = BPF_CORE_READ(f, f_inode);
	k.ino = BPF_CORE_READ(inode, i_ino);
	k.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	iw = bpf_map_lookup_elem(&inode_watch, &k);
	/* The watched file was replaced and its inode number reused by another. */
	if (iw && iw->generation != BPF_CORE_READ(inode, i_generation))
		return NULL;
	return iw;
}

/* Marks the record as a watched file reached by identity, with the watched name. */
static __always_inline void put_watched(struct vg_tail *t, struct vg_file *e,
					const struct vg_inode_watch *iw)
{
	__u32 len = iw->len;

	if (len > VG_INODE_WATCH_PATH_BYTES)
		len = VG_INODE_WATCH_PATH_BYTES;
	e->fflags |= VG_FILE_BY_INODE;
	vg_tail_put_bytes(t, &e->watched, iw->path, len);
}

#endif /* SENSOR_FILE_WATCH_BPF_H */
