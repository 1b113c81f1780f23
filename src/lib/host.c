// SPDX-License-Identifier: GPL-2.0
/* host.name / host.id / os.*: read once, shared by every record and exporter. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "lib/host.h"

static struct vg_host host;
static pthread_once_t host_once = PTHREAD_ONCE_INIT;

/* The first line of @path, printable ASCII only, into @buf. Returns its length. */
static size_t read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;
	int c;

	buf[0] = '\0';
	if (!f)
		return 0;
	while (n + 1 < size && (c = fgetc(f)) != EOF && c != '\n')
		if (isprint(c))
			buf[n++] = (char)c;
	buf[n] = '\0';
	fclose(f);
	return n;
}

static void read_os_name(char *buf, size_t size)
{
	char line[256];
	FILE *f = fopen("/etc/os-release", "re");

	snprintf(buf, size, "Linux");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + strlen("PRETTY_NAME=");
		size_t n;

		if (strncmp(line, "PRETTY_NAME=", strlen("PRETTY_NAME=")))
			continue;
		n = strcspn(v, "\n");
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			v++, n -= 2;
		snprintf(buf, size, "%.*s", (int)n, v);
		break;
	}
	fclose(f);
}

static void host_read(void)
{
	struct utsname u;

	if (gethostname(host.name, sizeof(host.name) - 1) || !host.name[0])
		snprintf(host.name, sizeof(host.name), "unknown");
	if (!read_line("/etc/machine-id", host.id, sizeof(host.id)) &&
	    !read_line("/var/lib/dbus/machine-id", host.id, sizeof(host.id)))
		snprintf(host.id, sizeof(host.id), "%.63s", host.name);
	snprintf(host.os_type, sizeof(host.os_type), "linux");
	if (!uname(&u))
		snprintf(host.os_version, sizeof(host.os_version), "%s", u.release);
	read_os_name(host.os_name, sizeof(host.os_name));
}

const struct vg_host *vg_host_get(void)
{
	pthread_once(&host_once, host_read);
	return &host;
}

static void host_none(void)
{
}

void vg_host_set(const struct vg_host *h)
{
	pthread_once(&host_once, host_none);	/* this host is never read after */
	host = *h;
	host.name[sizeof(host.name) - 1] = '\0';
	host.id[sizeof(host.id) - 1] = '\0';
	host.os_type[sizeof(host.os_type) - 1] = '\0';
	host.os_version[sizeof(host.os_version) - 1] = '\0';
	host.os_name[sizeof(host.os_name) - 1] = '\0';
}
