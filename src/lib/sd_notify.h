/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's readiness protocol without libsystemd: one datagram to the
 * unix socket named by $NOTIFY_SOCKET ("READY=1", "RELOADING=1", ...).
 * A leading '@' names an abstract socket.
 */
#ifndef VIGIL_SD_NOTIFY_H
#define VIGIL_SD_NOTIFY_H

/* Sends @state; 0 when sent or when $NOTIFY_SOCKET is unset, else -errno. */
int vg_sd_notify(const char *state);

#endif
