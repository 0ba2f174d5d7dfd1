/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What host/insn_host.c takes from the guest program it runs: its entry
 * (mmio_insn_test.c built with TESTDEV_HOST, and lib/guest.c).
 */
#ifndef AXV_INSN_HOST_H
#define AXV_INSN_HOST_H

/* The guest program; it ends the process through the debug-exit port. */
void guest_main(void);

#endif /* AXV_INSN_HOST_H */
