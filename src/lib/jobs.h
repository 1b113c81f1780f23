/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Independent jobs on a few threads: job(arg, k) for every k in [0, n),
 * on the calling thread and up to max_threads - 1 others (never more than
 * the CPUs online). Each thread takes the next job not yet taken; returns
 * when every job is done. A thread that cannot be made leaves its share to
 * the others.
 */
#ifndef VIGIL_JOBS_H
#define VIGIL_JOBS_H

#define VG_JOBS_THREADS_MAX 8

void vg_run_jobs(int n, int max_threads, void (*job)(void *arg, int k), void *arg);

#endif
