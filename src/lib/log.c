// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"

int vg_log_verbosity = VG_LOG_INFO;

void vg_log(enum vg_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };
	char *line = NULL;
	size_t n;
	va_list ap;
	int len;

	if ((int)level > vg_log_verbosity)
		return;
	va_start(ap, fmt);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	n = len;
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	/* One write so that concurrent threads never interleave a line. */
	fprintf(stderr, "vigil: %s%s\n", prefix[level], line);
	free(line);
}
