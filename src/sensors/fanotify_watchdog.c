// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sensors/fanotify_watchdog.h"
#include "lib/log.h"
#include "lib/timefmt.h"

#define PERM_MASK (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM)
#define DEADLINE_NS (VG_FAN_DEADLINE_MS * 1000000ULL)
#define TICK_MS 50

/* The child runs only async-signal-safe calls: it was forked from threads. */

static void allow(int fan_fd, int fd)
{
	struct fanotify_response r = { .fd = fd, .response = FAN_ALLOW };

	(void)!write(fan_fd, &r, sizeof(r));
}

static void note_seen(struct vg_fan_wd_shared *sh, const struct fanotify_event_metadata *m)
{
	uint32_t tail = atomic_load(&sh->seen_tail);
	struct vg_fan_wd_seen *s;
	char link[32] = "/proc/self/fd/", digits[12];
	int n = 0, fd = m->fd;
	size_t at = strlen(link);
	ssize_t len;

	if (tail - atomic_load(&sh->seen_head) >= VG_FAN_SEEN) {
		atomic_fetch_add(&sh->seen_dropped, 1);
		return;
	}
	do
		digits[n++] = '0' + fd % 10;
	while ((fd /= 10) && n < (int)sizeof(digits));
	while (n)
		link[at++] = digits[--n];
	link[at] = '\0';
	s = &sh->seen[tail % VG_FAN_SEEN];
	len = readlink(link, s->path, sizeof(s->path) - 1);
	s->path[len > 0 ? len : 0] = '\0';
	s->pid = m->pid;
	s->exec = m->mask & FAN_OPEN_EXEC_PERM;
	s->boot_ns = vg_boot_now_ns();
	atomic_store(&sh->seen_tail, tail + 1);
}

/* The guard is not reading: allow everything queued, noting what it was. */
static void drain(struct vg_fan_wd_shared *sh, int fan_fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
	const struct fanotify_event_metadata *m;
	int reads = 16;	/* then back to the slots: a flood must not starve them */
	ssize_t n;

	while (reads-- && (n = read(fan_fd, buf, sizeof(buf))) > 0) {
		for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (m->vers != FANOTIFY_METADATA_VERSION || m->fd < 0)
				continue;
			if (m->mask & PERM_MASK) {
				allow(fan_fd, m->fd);
				atomic_fetch_add(&sh->allowed, 1);
				note_seen(sh, m);
			}
			close(m->fd);
		}
	}
}

/* The guard has not beaten for a deadline: it is not reading. */
static bool stale(struct vg_fan_wd_shared *sh, uint64_t now)
{
	uint64_t beat = atomic_load(&sh->heartbeat_ns);

	return now > beat && now - beat > DEADLINE_NS;
}

static void answer_late_slots(struct vg_fan_wd_shared *sh, int fan_fd, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < VG_FAN_SLOTS; i++) {
		uint64_t held = atomic_load(&sh->slot[i].held), since;

		if (!held)
			continue;
		since = atomic_load(&sh->slot[i].since_ns);
		if (now <= since || now - since <= DEADLINE_NS)
			continue;
		if (atomic_compare_exchange_strong(&sh->slot[i].held, &held, 0)) {
			allow(fan_fd, (int)(uint32_t)held);
			atomic_fetch_add(&sh->allowed, 1);
		}
	}
}

static void __attribute__((noreturn)) watchdog_main(struct vg_fan_wd_shared *sh, int fan_fd,
						    pid_t agent)
{
	static const int ignored[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP,
				       SIGTTIN, SIGTTOU, SIGPIPE, SIGUSR1, SIGUSR2 };
	struct pollfd pfd = { fan_fd, POLLIN, 0 };
	sigset_t none;
	unsigned int i;

	/* Out of the agent's session and process group: ^Z or a group kill
	 * that stops the agent must not stop the one answering for it. */
	setsid();
	prctl(PR_SET_NAME, "vigil-fanwd", 0, 0, 0);
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		signal(ignored[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Hold nothing of the agent's but the group: its BPF links and maps
	 * must go when it goes, and a reader of its output must see EOF. */
	if (fan_fd > 0)
		close_range(0, fan_fd - 1, 0);
	close_range(fan_fd + 1, ~0U, 0);

	for (;;) {
		uint64_t now = vg_boot_now_ns();
		struct timespec tick = { 0, TICK_MS * 1000000L }, grace = { 0, 2 * 1000000L };

		if (getppid() != agent)
			_exit(0);
		answer_late_slots(sh, fan_fd, now);
		if (stale(sh, now)) {
			/* The guard polls too and beats as it wakes: when the
			 * agent has just resumed, leave the events to it. */
			if (poll(&pfd, 1, TICK_MS) > 0 && !nanosleep(&grace, NULL) &&
			    stale(sh, vg_boot_now_ns()))
				drain(sh, fan_fd);
			continue;
		}
		nanosleep(&tick, NULL);
	}
}

/* Writes @pid to @dir/cgroup.procs; 0 or -errno. */
static int move_pid(const char *dir, pid_t pid)
{
	char path[4200], num[16];
	int fd, n, err = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(num, sizeof(num), "%d", (int)pid);
	if (write(fd, num, n) != n)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Moves the watchdog to the root cgroup of the cgroup2 hierarchy and of a
 * v1 freezer hierarchy: a root cgroup cannot be frozen, so freezing the
 * agent's cgroup (docker pause, systemctl freeze) leaves the watchdog
 * answering. Best effort: inside a cgroup namespace the root is the
 * container's own.
 */
static void escape_freezer(pid_t pid)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[4096], fstype[64], opts[1024];
	int err;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, "cgroup2") && !(!strcmp(fstype, "cgroup") && strstr(opts, "freezer")))
			continue;
		err = move_pid(mnt, pid);
		if (err)
			vg_warn("fanotify watchdog stays in the agent's %s cgroup (%s): freezing that cgroup would freeze it too",
				fstype, strerror(-err));
	}
	fclose(f);
}

int vg_fan_wd_start(struct vg_fan_wd *w, int fan_fd)
{
	pid_t agent = getpid();
	int err;

	w->pid = -1;
	w->seq = 0;
	w->sh = mmap(NULL, sizeof(*w->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	if (w->sh == MAP_FAILED) {
		err = -errno;
		w->sh = NULL;
		vg_err("fanotify watchdog: mmap: %s", strerror(-err));
		return err;
	}
	atomic_store(&w->sh->heartbeat_ns, vg_boot_now_ns());
	w->pid = fork();
	if (w->pid < 0) {
		err = -errno;
		vg_err("fanotify watchdog: fork: %s", strerror(-err));
		munmap(w->sh, sizeof(*w->sh));
		w->sh = NULL;
		return err;
	}
	if (w->pid == 0)
		watchdog_main(w->sh, fan_fd, agent);
	escape_freezer(w->pid);
	return 0;
}

void vg_fan_wd_stop(struct vg_fan_wd *w)
{
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	w->pid = -1;
	if (w->sh)
		munmap(w->sh, sizeof(*w->sh));
	w->sh = NULL;
}

void vg_fan_wd_beat(struct vg_fan_wd *w)
{
	atomic_store(&w->sh->heartbeat_ns, vg_boot_now_ns());
}

uint64_t vg_fan_wd_hold(struct vg_fan_wd *w, unsigned int i, int fd)
{
	uint64_t token;

	if (!++w->seq)
		w->seq = 1;
	token = (uint64_t)w->seq << 32 | (uint32_t)fd;
	/* since_ns first: the watchdog reads held, then since_ns */
	atomic_store(&w->sh->slot[i].since_ns, vg_boot_now_ns());
	atomic_store(&w->sh->slot[i].held, token);
	return token;
}

bool vg_fan_wd_release(struct vg_fan_wd *w, unsigned int i, uint64_t token)
{
	return atomic_compare_exchange_strong(&w->sh->slot[i].held, &token, 0);
}

bool vg_fan_wd_take_seen(struct vg_fan_wd *w, struct vg_fan_wd_seen *out)
{
	uint32_t head = atomic_load(&w->sh->seen_head);

	if (head == atomic_load(&w->sh->seen_tail))
		return false;
	*out = w->sh->seen[head % VG_FAN_SEEN];
	atomic_store(&w->sh->seen_head, head + 1);
	return true;
}

uint64_t vg_fan_wd_allowed(const struct vg_fan_wd *w)
{
	return w->sh ? atomic_load(&w->sh->allowed) : 0;
}

uint64_t vg_fan_wd_seen_dropped(const struct vg_fan_wd *w)
{
	return w->sh ? atomic_load(&w->sh->seen_dropped) : 0;
}
