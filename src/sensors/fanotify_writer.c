// SPDX-License-Identifier: GPL-2.0
/*
 * Whether the process blocked in a fanotify open permission event opens
 * for writing: the event does not say, but the opener is still inside its
 * open syscall, whose number and arguments /proc/PID/syscall shows.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "sensors/fanotify_guard.h"

#define NR_OPEN		2
#define NR_CREAT	85
#define NR_OPENAT	257

bool vg_fan_open_writes(pid_t pid)
{
	unsigned long long a[6];
	char path[64];
	long nr = -1;
	FILE *f;
	int n;

	if (pid == getpid())
		return false;		/* the agent's own: its state directory, its store */
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return true;		/* cannot tell: a protected file stays protected */
	n = fscanf(f, "%ld %llx %llx %llx %llx %llx %llx", &nr, &a[0], &a[1], &a[2], &a[3], &a[4],
		   &a[5]);
	fclose(f);
	/*
	 * Only a plain read-only open(2)/openat(2) of the main thread is let
	 * through; anything else (openat2's flags behind a pointer, another
	 * thread's open, io_uring) counts as a write.
	 */
	if (n == 7 && nr == NR_OPEN)
		return (a[1] & O_ACCMODE) != O_RDONLY || (a[1] & (O_TRUNC | O_CREAT));
	if (n == 7 && nr == NR_OPENAT)
		return (a[2] & O_ACCMODE) != O_RDONLY || (a[2] & (O_TRUNC | O_CREAT));
	return true;
}
