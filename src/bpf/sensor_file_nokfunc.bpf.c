// SPDX-License-Identifier: GPL-2.0
/*
 * The file sensor for kernels without the bpf_rdonly_cast kfunc (before
 * 6.2, e.g. Debian 12's 6.1): the same programs, reading struct file and
 * dentry fields with bpf_probe_read_kernel. sensor_file.c opens this object
 * when its probe finds the kfunc missing (or VIGIL_REFUSE_KFUNCS names it).
 */
#define VG_FILE_NO_KFUNC 1
#include "sensor_file.bpf.c"
