// SPDX-License-Identifier: GPL-2.0
/*
 * Containers from cgroup paths (every runtime's layout, cgroup v1 and v2),
 * from runtime state files (a directory laid out as each runtime lays out
 * the host), hostile files, and the shared, counted container table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "bpf/cgroup_set.h"
#include "event/container.h"
#include "event/container_cgset.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define POD "1b2c3d4e-1111-2222-3333-444455556666"
#define POD_ "1b2c3d4e_1111_2222_3333_444455556666"

static void expect(const char *path, enum vg_container_runtime rt, const char *pod)
{
	struct vg_container_ref r;

	if (!vg_container_parse_cgroup(path, strlen(path), &r))
		fail_msg("no container in %s", path);
	assert_string_equal(r.id, ID);
	assert_int_equal(r.runtime, rt);
	assert_string_equal(r.pod_uid, pod);
}

static void expect_none(const char *path)
{
	struct vg_container_ref r;

	if (vg_container_parse_cgroup(path, strlen(path), &r))
		fail_msg("container %s found in %s", r.id, path);
}

static void test_runtime_layouts(void **state)
{
	(void)state;
	expect("/docker/" ID, VG_RT_DOCKER, "");
	expect("/system.slice/docker-" ID ".scope", VG_RT_DOCKER, "");
	expect("/libpod_parent/libpod-" ID, VG_RT_PODMAN, "");
	expect("/machine.slice/libpod-" ID ".scope", VG_RT_PODMAN, "");
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope",
	       VG_RT_PODMAN, "");
	expect("/machine.slice/libpod-" ID ".scope/container", VG_RT_PODMAN, "");
	expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_
	       ".slice/crio-" ID ".scope", VG_RT_CRIO, POD);
	expect("/kubepods/burstable/pod" POD "/crio-" ID, VG_RT_CRIO, POD);
	expect("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_
	       ".slice/cri-containerd-" ID ".scope", VG_RT_CONTAINERD, POD);
	expect("/kubepods/besteffort/pod" POD "/" ID, VG_RT_CONTAINERD, POD);
	expect("/kubepods.slice/kubepods-pod" POD_ ".slice/cri-containerd-" ID ".scope",
	       VG_RT_CONTAINERD, POD);
	/* A record's string may carry its NUL. */
	expect("/docker/" ID "\0", VG_RT_DOCKER, "");
}

static void test_host_paths(void **state)
{
	(void)state;
	expect_none("/");
	expect_none("");
	expect_none("/user.slice/user-1000.slice/session-3.scope");
	expect_none("/system.slice/docker.service");
	expect_none("/system.slice/containerd.service");
	expect_none("/docker");
	/* conmon's cgroup is the runtime's, not the container's */
	expect_none("/machine.slice/libpod-conmon-" ID ".scope");
	/* a bare id outside /docker and kubepods could be anything */
	expect_none("/somewhere/" ID);
	expect_none("/docker/" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef");
	expect_none("/docker/" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde");
	expect_none("/docker/" ID "0");
	expect_none("/kubepods/besteffort/pod" POD);
	expect_none("/vigil-sc-507773a2");
}

static void test_pod_uid_needs_kubepods(void **state)
{
	struct vg_container_ref r;
	const char *p = "/system.slice/pod" POD "/docker-" ID ".scope";

	(void)state;
	assert_true(vg_container_parse_cgroup(p, strlen(p), &r));
	assert_string_equal(r.pod_uid, "");
	p = "/kubepods/burstable/podnot-a-uid/crio-" ID;
	assert_true(vg_container_parse_cgroup(p, strlen(p), &r));
	assert_string_equal(r.pod_uid, "");
}

/* ---- state files ---- */

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_root(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vg-ctr-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int remove_root(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static struct vg_container *state_of(enum vg_container_runtime rt)
{
	struct vg_container *k = calloc(1, sizeof(*k));

	memcpy(k->ref.id, ID, sizeof(k->ref.id));
	k->ref.runtime = rt;
	vg_container_read_state(k, root);
	return k;
}

static void drop(struct vg_container *k)
{
	free(k->name);
	free(k->image);
	free(k->pod_name);
	free(k->pod_namespace);
	free(k);
}

static void test_podman_state(void **state)
{
	struct vg_container *k;

	(void)state;
	put("/var/lib/containers/storage/overlay-containers/containers.json",
	    "[{\"id\":\"" ID2 "\",\"names\":[\"other\"]},"
	    "{\"id\":\"" ID "\",\"names\":[\"web\"],\"metadata\":"
	    "\"{\\\"image-name\\\":\\\"localhost/img:1\\\",\\\"name\\\":\\\"web\\\"}\"}]");
	put("/var/lib/containers/storage/overlay-containers/" ID "/userdata/config.json",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}}}");
	k = state_of(VG_RT_PODMAN);
	assert_string_equal(k->name, "web");
	assert_string_equal(k->image, "localhost/img:1");
	assert_null(k->pod_name);
	assert_true(k->privileged);
	drop(k);
}

static void test_crio_state(void **state)
{
	struct vg_container *k;

	(void)state;
	put("/run/containers/storage/overlay-containers/" ID "/userdata/config.json",
	    "{\"annotations\":{\"io.kubernetes.container.name\":\"app\","
	    "\"io.kubernetes.cri-o.ImageName\":\"registry.local/app:2\","
	    "\"io.kubernetes.pod.name\":\"app-7d9\",\"io.kubernetes.pod.namespace\":\"shop\"},"
	    "\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}}}");
	k = state_of(VG_RT_CRIO);
	assert_string_equal(k->name, "app");
	assert_string_equal(k->image, "registry.local/app:2");
	assert_string_equal(k->pod_name, "app-7d9");
	assert_string_equal(k->pod_namespace, "shop");
	assert_false(k->privileged);
	drop(k);
}

static void test_containerd_state(void **state)
{
	struct vg_container *k;

	(void)state;
	put("/run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID "/config.json",
	    "{\"annotations\":{\"io.kubernetes.cri.container-name\":\"db\","
	    "\"io.kubernetes.cri.image-name\":\"docker.io/library/postgres:16\","
	    "\"io.kubernetes.cri.sandbox-name\":\"db-0\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"data\"}}");
	k = state_of(VG_RT_CONTAINERD);
	assert_string_equal(k->name, "db");
	assert_string_equal(k->image, "docker.io/library/postgres:16");
	assert_string_equal(k->pod_name, "db-0");
	assert_string_equal(k->pod_namespace, "data");
	drop(k);
}

static void test_docker_state(void **state)
{
	struct vg_container *k;

	(void)state;
	put("/var/lib/docker/containers/" ID "/config.v2.json",
	    "{\"Name\":\"/cache\",\"Config\":{\"Image\":\"redis:7\",\"Labels\":{}}}");
	put("/var/lib/docker/containers/" ID "/hostconfig.json", "{\"Privileged\":true}");
	k = state_of(VG_RT_DOCKER);
	assert_string_equal(k->name, "cache");
	assert_string_equal(k->image, "redis:7");
	assert_true(k->privileged);
	drop(k);
}

static void test_hostile_state_leaves_fields_unknown(void **state)
{
	static const char *const bad[] = {
		"", "{", "[]", "null", "{\"Name\":5,\"Config\":[1]}", "{\"Name\":\"/\"}",
		"{\"Name\":\"\\u0000x\"}",
	};
	struct vg_container *k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put("/var/lib/docker/containers/" ID "/config.v2.json", bad[i]);
		put("/var/lib/docker/containers/" ID "/hostconfig.json", bad[i]);
		k = state_of(VG_RT_DOCKER);
		assert_null(k->image);
		assert_false(k->privileged);
		assert_true(!k->name || k->name[0] != '\0');
		drop(k);
	}
	put("/var/lib/containers/storage/overlay-containers/containers.json",
	    "[{\"id\":\"" ID "\",\"names\":\"web\",\"metadata\":\"{not json\"}]");
	k = state_of(VG_RT_PODMAN);
	assert_null(k->name);
	assert_null(k->image);
	drop(k);
}

/* ---- the table ---- */

static void test_shared_counted_and_cached_by_cgroup(void **state)
{
	struct vg_containers *c;
	struct vg_container *a, *b, *h;
	const char *p = "/libpod_parent/libpod-" ID;

	(void)state;
	put("/sys/fs/cgroup/.keep", "");	/* not cgroup2: v1 lines are read */
	c = vg_containers_new(root, root);
	assert_non_null(c);
	a = vg_containers_of(c, 77, 0, p, strlen(p), 1);
	assert_non_null(a);
	assert_string_equal(a->ref.id, ID);
	/* The same cgroup id: the same container, no path needed. */
	b = vg_containers_of(c, 77, 0, NULL, 0, 2);
	assert_ptr_equal(a, b);
	assert_int_equal(a->refs, 2);
	assert_int_equal(vg_containers_count(c), 1);
	/* A host process: /proc says nothing either. */
	put("/3/cgroup", "2:cpu:/\n1:name=systemd:/user.slice\n0::/\n");
	h = vg_containers_of(c, 1, 0, "/", 1, 3);
	assert_null(h);
	/* cgroup v1: the container is in a controller's line, v2 is the host's. */
	put("/4/cgroup", "3:memory:/docker/" ID2 "\n0::/\n");
	h = vg_containers_of(c, 1, 0, "/", 1, 4);
	assert_non_null(h);
	assert_string_equal(h->ref.id, ID2);
	assert_int_equal(h->ref.runtime, VG_RT_DOCKER);
	/* ... and not remembered for cgroup 1, which the host shares. */
	assert_null(vg_containers_of(c, 1, 0, "/", 1, 3));
	vg_container_put(c, h);
	vg_container_put(c, a);
	vg_container_put(c, b);
	assert_int_equal(vg_containers_count(c), 0);
	/* Gone from the cgroup cache too: a new one is made. */
	a = vg_containers_of(c, 77, 0, p, strlen(p), 1);
	assert_non_null(a);
	assert_int_equal(a->refs, 1);
	vg_container_put(c, a);
	vg_container_put(c, NULL);
	vg_containers_free(c);
}

static void test_proc_file_hostile(void **state)
{
	struct vg_containers *c;
	char big[9000];

	(void)state;
	c = vg_containers_new(root, root);
	put("/5/cgroup", "no colons at all\n::\n0:\n");
	assert_null(vg_containers_of(c, 0, 0, NULL, 0, 5));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("/6/cgroup", big);
	assert_null(vg_containers_of(c, 0, 0, NULL, 0, 6));
	assert_null(vg_containers_of(c, 0, 0, NULL, 0, 999999));	/* no such process */
	vg_containers_free(c);
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static uint64_t ino_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/*
 * A /proc/PID/cgroup text is checked against a record's cgroups by the
 * inode numbers of the directories its paths name under each hierarchy's
 * mount (here plain directories listed as cgroup mounts).
 */
static void test_cgroup_text_checked_against_record(void **state)
{
	char root[] = "/tmp/vg-cgset-XXXXXX", path[512], info[2048];
	struct vg_cg_mounts t;
	uint64_t v2, set, set_other;
	const char *text = "9:name=systemd:/\n4:memory,pids:/sub/ctr\n0::/v2ctr\n";

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "mkdir -p %s/sd %s/mp/sub/ctr %s/mp/sub/other %s/u2/v2ctr",
		 root, root, root, root);
	assert_int_equal(system(path), 0);
	snprintf(info, sizeof(info),
		 "30 25 0:26 / %s/sd rw - cgroup cgroup rw,xattr,name=systemd\n"
		 "31 25 0:27 / %s/mp rw - cgroup cgroup rw,memory,pids\n"
		 "32 25 0:28 / %s/u2 rw - cgroup2 cgroup2 rw\n"
		 "33 25 0:29 / %s/sd\\040x rw - cgroup cgroup rw,cpu\n", root, root, root, root);
	snprintf(path, sizeof(path), "%s/mountinfo", root);
	put_file(path, info);
	vg_cg_mounts_load(&t, path);
	assert_int_equal(t.n, 3);	/* the escaped mount point is left out */
	snprintf(path, sizeof(path), "%s/sd", root);
	set = vg_cgset_term(9, ino_of(path));
	set_other = set;
	snprintf(path, sizeof(path), "%s/mp/sub/ctr", root);
	set += vg_cgset_term(4, ino_of(path));
	snprintf(path, sizeof(path), "%s/mp/sub/other", root);
	set_other += vg_cgset_term(4, ino_of(path));
	snprintf(path, sizeof(path), "%s/u2/v2ctr", root);
	v2 = ino_of(path);
	assert_true(vg_cg_text_matches(&t, text, strlen(text), v2, set));
	/* Moved since its exec: other v1 cgroups, another v2 one, or unknown. */
	assert_false(vg_cg_text_matches(&t, text, strlen(text), v2, set_other));
	assert_false(vg_cg_text_matches(&t, text, strlen(text), v2 + 1, set));
	assert_false(vg_cg_text_matches(&t, text, strlen(text), v2, 0));
	/* A hierarchy no mount shows, a cgroup gone, a bad line: not checked. */
	assert_false(vg_cg_text_matches(&t, "5:cpu:/\n", 8, v2, vg_cgset_term(5, 1)));
	text = "4:memory,pids:/sub/gone\n";
	assert_false(vg_cg_text_matches(&t, text, strlen(text), v2, set));
	assert_false(vg_cg_text_matches(&t, "garbage", 7, v2, set));
	vg_cg_mounts_close(&t);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runtime_layouts),
		cmocka_unit_test(test_host_paths),
		cmocka_unit_test(test_pod_uid_needs_kubepods),
		cmocka_unit_test(test_podman_state),
		cmocka_unit_test(test_crio_state),
		cmocka_unit_test(test_containerd_state),
		cmocka_unit_test(test_docker_state),
		cmocka_unit_test(test_hostile_state_leaves_fields_unknown),
		cmocka_unit_test(test_shared_counted_and_cached_by_cgroup),
		cmocka_unit_test(test_proc_file_hostile),
		cmocka_unit_test(test_cgroup_text_checked_against_record),
	};

	return cmocka_run_group_tests(tests, make_root, remove_root);
}
