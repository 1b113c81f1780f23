// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege sensor's file-capability record (VG_EV_XATTR): a program
 * wrote the security.capability extended attribute of a file (setcap, or
 * setxattr called directly). Kind "setxattr".
 */
#include <inttypes.h>
#include <stddef.h>
#include "event/event_format.h"
#include "event/rec_priv.h"

#define VFS_CAP_FLAGS_EFFECTIVE 0x000001u
#define VFS_CAP_REVISION_MASK 0xFF000000u

static const struct vg_xattr *xattr_of(const struct vg_event_view *v)
{
	return (const struct vg_xattr *)v->rec;
}

VG_GETTER(get_xattr_name)
{
	return vg_value_cstr("security.capability", cb, ctx);
}

VG_GETTER(get_path_source)
{
	return vg_value_cstr(xattr_of(v)->xflags & VG_XATTR_PATH_USER ? "user" : "kernel", cb, ctx);
}

/* Capabilities the file grants when run: permitted, or inheritable it lets through. */
VG_GETTER(get_file_caps)
{
	const struct vg_xattr *x = xattr_of(v);
	const char *w[VG_CAP_MAX_NAMES];

	return vg_value_words(w, vg_cap_names(x->cap_permitted | x->cap_inheritable, w,
					      VG_CAP_MAX_NAMES), cb, ctx);
}

VG_GETTER(get_cap_effective)
{
	return vg_value_uint((xattr_of(v)->cap_magic & VFS_CAP_FLAGS_EFFECTIVE) != 0, cb, ctx);
}

VG_GETTER(get_cap_revision)
{
	return vg_value_uint((xattr_of(v)->cap_magic & VFS_CAP_REVISION_MASK) >> 24, cb, ctx);
}

VG_WHEN(has_fd)
{
	return xattr_of(v)->fd >= 0;
}

static const struct vg_rec_field xattr_fields[] = {
	VG_STR(vg_xattr, path, "file.path",
	       VG_POLICY("the file (fsetxattr: from the kernel; otherwise the caller's string, "
			 "relative to its directory when not absolute)")),
	VG_GET("file.path_source", VG_FT_STR, get_path_source),
	VG_NUM(vg_xattr, fd, "file.fd", .when = has_fd),
	VG_GET("file.xattr.name", VG_FT_STR, get_xattr_name),
	VG_NUM(vg_xattr, value_size, "file.xattr.size"),
	VG_BIT(vg_xattr, xflags, VG_XATTR_VALUE_FAULT, "file.xattr.unreadable"),
	VG_LIST("file.capabilities", get_file_caps,
		VG_POLICY("capabilities the file grants when run (permitted and inheritable bits "
			  "of the security.capability written)")),
	VG_HEX(vg_xattr, cap_permitted, "file.capabilities_permitted"),
	VG_HEX(vg_xattr, cap_inheritable, "file.capabilities_inheritable"),
	VG_GET("file.capabilities_effective", VG_FT_UINT, get_cap_effective, .out = VG_OUT_BOOL),
	VG_GET("file.capabilities_revision", VG_FT_UINT, get_cap_revision),
	VG_NUM(vg_xattr, cap_rootid, "file.capabilities_rootid"),
};

static const struct vg_rec_table xattr_table =
	VG_REC_TABLE(VG_KB(VG_K_SETXATTR), xattr_fields);

static void text_xattr(struct vg_buf *b, const struct vg_event_ctx *ev)
{
	const struct vg_xattr *x = (const void *)ev->rec;
	size_t len;
	const char *p = vg_rec_str(ev->rec, &x->path, &len);

	vg_buf_append(b, p, len);
	vg_buf_printf(b, " security.capability permitted=0x%" PRIx64 " ret=%" PRId64,
		      (uint64_t)x->cap_permitted, (int64_t)x->sys.ret);
}

static const struct vg_rec_table *const xattr_tables[] = {
	&vg_rec_head, &vg_rec_process, &vg_rec_priv_syscall, &xattr_table, &vg_rec_container, NULL };

static const struct vg_rec_layout xattr_layout = { xattr_tables, text_xattr, NULL };

static const struct vg_record_desc descs[] = {
	{ VG_EV_XATTR, "setxattr", sizeof(struct vg_xattr), 1,
	  { offsetof(struct vg_xattr, path) }, &xattr_layout },
};

const struct vg_record_family vg_rec_xattr_family = { descs, 1 };
