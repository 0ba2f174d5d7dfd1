/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's platform: a port I/O bus and an MMIO bus (dev/bus.h) and
 * the device models userctl puts on them, one file each in dev/: a 16550
 * UART at 0x3f8 (COM1, dev/uart.c), the debug-exit port 0xf4 and, for
 * tests, a recording MMIO device (--test-device, dev/testdev.c).  The PC
 * platform adds an I/O APIC at 0xfec00000, the 8259A pair with its ELCR,
 * the 8254 PIT with port 0x61, the RTC and CMOS, an 8042 without devices,
 * the ACPI PM1a registers and reset ports (dev/power.c) and port 0x80;
 * ISA IRQ N drives PIC input N and I/O APIC pin N (IRQ 0: pin 2, as the
 * MADT's override says).  A device's interrupt output is a struct
 * irq_line (dev/irq.h) that the platform wires to a controller.
 * Everything else is an empty PC bus: reads return all ones, writes are
 * dropped (or, with --strict-io, either is an error).
 */
#ifndef USERCTL_DEVICES_H
#define USERCTL_DEVICES_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "libaxv.h"
#include "dev/bus.h"
#include "dev/i8042.h"
#include "dev/ioapic.h"
#include "dev/pic.h"
#include "dev/pit.h"
#include "dev/power.h"
#include "dev/rtc.h"
#include "dev/testdev.h"
#include "dev/uart.h"

#define DEBUG_EXIT_PORT		0xf4
#define POST_CODE_PORT		0x80	/* written by firmware and as a delay */

/* The PC platform's ISA interrupts. */
#define PC_IRQ_PIT		0
#define PC_IRQ_COM1		4
#define PC_IRQ_RTC		8
#define PC_IOAPIC_PIN_PIT	2	/* the MADT's interrupt source override */

/* Distinct unhandled addresses listed with --verbose. */
#define UNHANDLED_LISTED	16

/**
 * struct unhandled - accesses that found nothing on the bus.
 * @seen: the first UNHANDLED_LISTED distinct (bus, address) pairs, each
 *	listed once when --verbose.
 * @nseen: entries of @seen used.
 * @total: all such accesses.
 * @unlisted: those not listed (repeats, and addresses beyond @seen).
 */
struct unhandled {
	struct {
		enum bus_kind bus;
		__u64 addr;
	} seen[UNHANDLED_LISTED];
	unsigned int nseen;
	__u64 total;
	__u64 unlisted;
};

/**
 * struct devices_layout - which devices exist and where.
 * @uart: the UART exists.
 * @uart_port: its first port.
 * @debug_exit: the debug-exit port exists.
 * @debug_exit_port: its port.
 * @testdev: the recording test device exists.
 * @testdev_base: its guest-physical base.
 * @pc: the PC platform's devices exist (see the top of this file).
 * @mem_kib: RAM for the CMOS memory-size bytes (PC platform).
 * @now: the clock of the PIT and the RTC, in ns (PC platform).
 * @ioapic_send: delivers the I/O APIC's messages (PC platform).
 * @opaque: the argument of @now and @ioapic_send.
 */
struct devices_layout {
	bool uart;
	__u16 uart_port;
	bool debug_exit;
	__u16 debug_exit_port;
	bool testdev;
	__u64 testdev_base;
	bool pc;
	__u64 mem_kib;
	__u64 (*now)(void *opaque);
	void (*ioapic_send)(void *opaque, const struct ioapic_msg *msg);
	void *opaque;
};

/**
 * struct devices - everything the guest reaches through port I/O and MMIO.
 * @pio: the port bus.
 * @mmio: the MMIO bus.
 * @uart: COM1.
 * @testdev: the recording test device (on @mmio when the layout has it).
 * @pc: the PC platform is there: the devices below are on the buses.
 * @ioapic: the I/O APIC.
 * @pic: the 8259A pair; its INTR output goes nowhere (no ExtINT yet).
 * @pic_ports: the master's and the slave's bus contexts.
 * @pit: the 8254.
 * @rtc: the RTC and CMOS.
 * @kbc: the 8042.
 * @power: the power-off and reset registers.
 * @misc_enable: IA32_MISC_ENABLE (PC platform), one for every vCPU.
 * @timer_changed: the guest reprogrammed the PIT since the platform's
 *	timer last looked (devices_tick()).
 * @rip: the guest's RIP at the access being handled.
 * @exit_requested: the guest wrote the debug-exit port.
 * @exit_value: what it wrote there.
 * @log: where --verbose lines go (stderr).
 * @verbose: list unhandled accesses.
 * @strict: an unhandled access is an error.
 * @unhandled: bookkeeping of unhandled accesses.
 */
struct devices {
	struct bus pio;
	struct bus mmio;
	struct uart uart;
	struct testdev testdev;
	bool pc;
	struct ioapic ioapic;
	struct pic pic;
	struct pic_port pic_ports[2];
	struct pit pit;
	struct rtc rtc;
	struct i8042 kbc;
	struct power power;
	__u64 misc_enable;
	bool timer_changed;
	__u64 rip;
	bool exit_requested;
	__u64 exit_value;
	FILE *log;
	bool verbose;
	bool strict;
	struct unhandled unhandled;
};

/* The exit status for debug-exit value @value: ((@value << 1) | 1) & 0xff. */
int debug_exit_status(__u64 value);

/*
 * Set up @dev: the UART on COM1 writing to @out, the debug-exit port,
 * nothing on the MMIO bus.  Messages go to @log.
 */
void devices_init(struct devices *dev, FILE *out, FILE *log, bool verbose, bool strict);

/* As devices_init(), with the devices of @layout at its ports. */
void devices_init_layout(struct devices *dev, const struct devices_layout *layout, FILE *out,
			 FILE *log, bool verbose, bool strict);

/*
 * One port access by the guest at @rip: a read (@write false) stores the
 * value in *@value, a write takes it from there.  0, or with --strict-io
 * -EIO for an unhandled access, described in @err.
 */
int devices_pio(struct devices *dev, __u64 rip, __u16 port, unsigned int size, bool write,
		__u32 *value, struct axv_err *err);

/* One MMIO access, as devices_pio(). */
int devices_mmio(struct devices *dev, __u64 rip, __u64 gpa, unsigned int size, bool write,
		 __u64 *value, struct axv_err *err);

/*
 * The guest asked to power off or reset (dev/power.c, the 8042):
 * POWER_NONE, POWER_OFF or POWER_RESET.
 */
enum power_event devices_power_event(const struct devices *dev);

/* IA32_MISC_ENABLE as the PC platform's CPUs show it at reset. */
#define PC_MISC_ENABLE_MSR	0x1a0
#define PC_MISC_ENABLE_RESET	0x1801ULL	/* fast strings; no BTS, no PEBS */

/*
 * An MSR access the kernel left to userspace: the PC platform answers
 * IA32_MISC_ENABLE (writes are kept: the guest may clear XD disable and
 * the like, which changes nothing here).  0 when handled (a read's
 * value in *@value), -ENOENT for an MSR nothing models.
 */
int devices_msr(struct devices *dev, __u32 index, bool write, __u64 *value);

/* The local APIC's EOI of level-triggered @vector: the I/O APIC hears of it. */
void devices_eoi(struct devices *dev, __u8 vector);

/*
 * The PC platform's timer: bring the PIT's IRQ 0 and the RTC's IRQ 8 up
 * to date; returns when the PIT's output next rises (the clock's ns), 0
 * for never.  Clears @dev->timer_changed.
 */
__u64 devices_tick(struct devices *dev);

/* At the end of the run: flush the UART; with --verbose, sum up unhandled accesses. */
void devices_finish(struct devices *dev);

#endif /* USERCTL_DEVICES_H */
