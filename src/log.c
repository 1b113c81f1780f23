// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "log.h"

int vg_log_verbosity = VG_LOG_INFO;

void vg_log(enum vg_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };
	char line[4096];
	size_t n;
	va_list ap;

	if ((int)level > vg_log_verbosity)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	/* One write so that concurrent threads never interleave a line. */
	fprintf(stderr, "vigil: %s%s\n", prefix[level], line);
}
