// SPDX-License-Identifier: GPL-2.0
/*
 * A container's name, image, pod and privilege from the files its runtime
 * keeps on the host; no socket, no API server. Each file is read once
 * per container, bounded in size, and anything missing or malformed
 * leaves the field unknown:
 *   docker      /var/lib/docker/containers/ID/config.v2.json and hostconfig.json
 *   podman      /var/lib/containers/storage/overlay-containers/containers.json
 *               (names, image-name) and .../ID/userdata/config.json (OCI spec)
 *   CRI-O       .../overlay-containers/ID/userdata/config.json, under
 *               /run/containers/storage or /var/lib/containers/storage
 *               (io.kubernetes.* annotations)
 *   containerd  /run/containerd/io.containerd.runtime.v2.task/k8s.io/ID/config.json
 *               (io.kubernetes.cri.* annotations)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event/container.h"

#define STATE_FILE_MAX_BYTES (16u << 20)
#define STORAGE "/var/lib/containers/storage/overlay-containers"
#define RUN_STORAGE "/run/containers/storage/overlay-containers"
#define CONTAINERD_K8S "/run/containerd/io.containerd.runtime.v2.task/k8s.io"

/* Annotation keys (or docker labels) for one runtime's names. */
struct keys {
	const char *name, *image, *pod_name, *pod_namespace;
};

static const struct keys crio_keys = {
	"io.kubernetes.container.name", "io.kubernetes.cri-o.ImageName",
	"io.kubernetes.pod.name", "io.kubernetes.pod.namespace",
};
static const struct keys containerd_keys = {
	"io.kubernetes.cri.container-name", "io.kubernetes.cri.image-name",
	"io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace",
};
static const struct keys docker_labels = {
	"io.kubernetes.container.name", NULL, "io.kubernetes.pod.name", "io.kubernetes.pod.namespace",
};

static json_t *load(const char *root, const char *path)
{
	char full[4096];
	json_t *j;
	FILE *f;
	char *buf;
	size_t n;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "re");
	if (!f)
		return NULL;
	buf = malloc(STATE_FILE_MAX_BYTES);
	n = buf ? fread(buf, 1, STATE_FILE_MAX_BYTES, f) : 0;
	fclose(f);
	/* A file at the bound is cut: parse nothing rather than half. */
	j = n && n < STATE_FILE_MAX_BYTES ? json_loadb(buf, n, 0, NULL) : NULL;
	free(buf);
	return j;
}

static void set(char **dst, json_t *s)
{
	const char *v = json_string_value(s);

	if (v && *v && !*dst)
		*dst = strdup(v);
}

static void from_keys(struct vg_container *k, json_t *map, const struct keys *keys)
{
	if (!json_is_object(map))
		return;
	if (keys->name)
		set(&k->name, json_object_get(map, keys->name));
	if (keys->image)
		set(&k->image, json_object_get(map, keys->image));
	set(&k->pod_name, json_object_get(map, keys->pod_name));
	set(&k->pod_namespace, json_object_get(map, keys->pod_namespace));
}

/* An OCI runtime spec: its annotations, and CAP_SYS_ADMIN in the bounding set. */
static bool read_oci(struct vg_container *k, const char *root, const char *path,
		     const struct keys *keys)
{
	json_t *spec = load(root, path), *cap;
	size_t i;

	if (!spec)
		return false;
	if (keys)
		from_keys(k, json_object_get(spec, "annotations"), keys);
	json_array_foreach(json_object_get(json_object_get(json_object_get(spec, "process"),
							   "capabilities"), "bounding"), i, cap) {
		const char *c = json_string_value(cap);

		if (c && !strcmp(c, "CAP_SYS_ADMIN"))
			k->privileged = true;
	}
	json_decref(spec);
	return true;
}

/* containers/storage's list: the container's first name and the image it names. */
static void read_storage_list(struct vg_container *k, const char *root)
{
	json_t *list = load(root, STORAGE "/containers.json"), *c;
	size_t i;

	json_array_foreach(list, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *meta;
		json_t *m;

		if (!id || strcmp(id, k->ref.id))
			continue;
		set(&k->name, json_array_get(json_object_get(c, "names"), 0));
		meta = json_string_value(json_object_get(c, "metadata"));
		m = meta ? json_loads(meta, 0, NULL) : NULL;
		set(&k->image, json_object_get(m, "image-name"));
		json_decref(m);
		break;
	}
	json_decref(list);
}

static void read_docker(struct vg_container *k, const char *root)
{
	char path[256];
	json_t *cfg, *host;
	const char *name;

	snprintf(path, sizeof(path), "/var/lib/docker/containers/%s/config.v2.json", k->ref.id);
	cfg = load(root, path);
	name = json_string_value(json_object_get(cfg, "Name"));
	if (name && *name == '/')
		name++;
	if (name && *name)
		k->name = strdup(name);
	set(&k->image, json_object_get(json_object_get(cfg, "Config"), "Image"));
	from_keys(k, json_object_get(json_object_get(cfg, "Config"), "Labels"), &docker_labels);
	json_decref(cfg);
	snprintf(path, sizeof(path), "/var/lib/docker/containers/%s/hostconfig.json", k->ref.id);
	host = load(root, path);
	if (json_is_true(json_object_get(host, "Privileged")))
		k->privileged = true;
	json_decref(host);
}

void vg_container_read_state(struct vg_container *k, const char *root)
{
	char path[256];

	root = root ? root : "";
	switch (k->ref.runtime) {
	case VG_RT_DOCKER:
		read_docker(k, root);
		break;
	case VG_RT_PODMAN:
		read_storage_list(k, root);
		snprintf(path, sizeof(path), STORAGE "/%s/userdata/config.json", k->ref.id);
		read_oci(k, root, path, NULL);
		break;
	case VG_RT_CRIO:
		snprintf(path, sizeof(path), RUN_STORAGE "/%s/userdata/config.json", k->ref.id);
		if (!read_oci(k, root, path, &crio_keys)) {
			snprintf(path, sizeof(path), STORAGE "/%s/userdata/config.json", k->ref.id);
			read_oci(k, root, path, &crio_keys);
		}
		break;
	case VG_RT_CONTAINERD:
		snprintf(path, sizeof(path), CONTAINERD_K8S "/%s/config.json", k->ref.id);
		read_oci(k, root, path, &containerd_keys);
		break;
	case VG_RT_NONE:
		break;
	}
}
