// SPDX-License-Identifier: GPL-2.0
/*
 * The container and Kubernetes pod of every record's process, from the
 * process cache (event/container.h): OpenTelemetry's container.* and k8s.*
 * names. A host process has none of these keys, so `container.id != ""`
 * is how a rule says "in a container".
 */
#include "event/event_format.h"

static const struct vg_container *container_of(const struct vg_event_view *v)
{
	return v->proc ? v->proc->container : NULL;
}

VG_WHEN(in_container)
{
	return container_of(v) != NULL;
}

VG_WHEN(has_name)
{
	return container_of(v) && container_of(v)->name;
}

VG_WHEN(has_image)
{
	return container_of(v) && container_of(v)->image;
}

VG_WHEN(has_pod_name)
{
	return container_of(v) && container_of(v)->pod_name;
}

VG_WHEN(has_pod_namespace)
{
	return container_of(v) && container_of(v)->pod_namespace;
}

VG_WHEN(has_pod_uid)
{
	return container_of(v) && container_of(v)->ref.pod_uid[0];
}

/* Each getter gives no value where its condition fails: rules see the key as absent. */
#define CONTAINER_GETTER(fn, cond, expr)					\
	VG_GETTER(fn)								\
	{									\
		const struct vg_container *k = container_of(v);			\
										\
		return cond(v) ? vg_value_cstr((expr), cb, ctx) : false;	\
	}

/* "" on the host, so that `container.id != ""` says "in a container". */
VG_GETTER(get_id)
{
	const struct vg_container *k = container_of(v);

	return vg_value_cstr(k ? k->ref.id : "", cb, ctx);
}

/* Replayed JSON: a host event has no container key, and its id is "" too. */
static bool json_id(struct vg_event_view *v, const struct vg_field *f, vg_value_cb cb,
		    void *ctx)
{
	if (vg_field_json_has(v->json, "container.id", f))
		return vg_field_json_walk(v->json, "container.id", f, cb, ctx);
	return vg_value_cstr("", cb, ctx);
}

CONTAINER_GETTER(get_runtime, in_container, vg_container_runtime_name(k->ref.runtime))
CONTAINER_GETTER(get_name, has_name, k->name)
CONTAINER_GETTER(get_image, has_image, k->image)
CONTAINER_GETTER(get_pod_name, has_pod_name, k->pod_name)
CONTAINER_GETTER(get_pod_namespace, has_pod_namespace, k->pod_namespace)
CONTAINER_GETTER(get_pod_uid, has_pod_uid, k->ref.pod_uid)

VG_GETTER(get_privileged)
{
	const struct vg_container *k = container_of(v);

	return k ? vg_value_uint(k->privileged, cb, ctx) : false;
}

static const struct vg_rec_field container[] = {
	VG_GET("container.id", VG_FT_STR, get_id, .when = in_container),
	/* Printed only in a container; for rules, there on the host too, as "". */
	VG_GET("container.id", VG_FT_STR, get_id, .out = VG_OUT_NONE, .json_get = json_id,
	       VG_POLICY("container id (64 hex digits) from the cgroup path; \"\" on the host")),
	VG_GET("container.runtime", VG_FT_STR, get_runtime, .when = in_container,
	       VG_POLICY("docker, containerd, cri-o or podman")),
	VG_GET("container.name", VG_FT_STR, get_name, .when = has_name,
	       VG_POLICY("container name, from the runtime's state files")),
	VG_GET("container.image.name", VG_FT_STR, get_image, .when = has_image,
	       VG_POLICY("image the container runs, from the runtime's state files")),
	VG_GET("container.privileged", VG_FT_UINT, get_privileged, .out = VG_OUT_BOOL,
	       .when = in_container,
	       VG_POLICY("1 if the container holds CAP_SYS_ADMIN (as --privileged gives)")),
	VG_GET("k8s.pod.name", VG_FT_STR, get_pod_name, .when = has_pod_name,
	       VG_POLICY("Kubernetes pod name, from the runtime's state files")),
	VG_GET("k8s.pod.uid", VG_FT_STR, get_pod_uid, .when = has_pod_uid,
	       VG_POLICY("Kubernetes pod uid, from the cgroup path")),
	VG_GET("k8s.namespace.name", VG_FT_STR, get_pod_namespace, .when = has_pod_namespace,
	       VG_POLICY("Kubernetes namespace of the pod, from the runtime's state files")),
};

const struct vg_rec_table vg_rec_container = VG_REC_TABLE(VG_KINDS_ALL, container);
