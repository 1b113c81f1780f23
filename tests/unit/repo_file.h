/* SPDX-License-Identifier: GPL-2.0 */
/* For unit tests that read repository files (docs, policies) from any working directory. */
#ifndef VIGIL_TEST_REPO_FILE_H
#define VIGIL_TEST_REPO_FILE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* @rel under the repository: as given, else beside build/tests/<this test>. */
static FILE *open_repo_file(const char *rel, const char *mode)
{
	char path[1024], exe[900];
	ssize_t n;
	FILE *f = fopen(rel, mode);
	char *slash;

	if (f)
		return f;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	/* build/tests/test_policy -> the repository root is two levels above build/tests */
	for (int up = 0; up < 3 && (slash = strrchr(exe, '/')); up++)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/%s", exe, rel);
	return fopen(path, mode);
}

#endif
