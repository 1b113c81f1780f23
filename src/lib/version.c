// SPDX-License-Identifier: GPL-2.0
#include "lib/version.h"

#ifndef VG_COMMIT
#define VG_COMMIT "unknown"
#endif

const char *vg_build_commit(void)
{
	return VG_COMMIT;
}
