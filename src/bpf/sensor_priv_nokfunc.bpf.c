// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege sensor for kernels without the bpf_task_from_pid kfunc
 * (before 6.2, e.g. Debian 12's 6.1): the same programs, with signal,
 * ptrace and process_vm targets reported by pid only. sensor_priv.c opens
 * this object when its probe finds the kfunc unusable.
 */
#define VG_PRIV_NO_TASK_KFUNC 1
#include "sensor_priv.bpf.c"
