/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's devices: a port I/O bus and an MMIO bus, each a table of
 * address ranges with read and write callbacks, and what userctl puts on
 * them: a 16550 UART at 0x3f8 (COM1), the debug-exit port 0xf4 and, for
 * tests, a recording MMIO device (--test-device).  Everything else is an
 * empty PC bus: reads return all ones, writes are dropped (or, with
 * --strict-io, either is an error).
 */
#ifndef USERCTL_DEVICES_H
#define USERCTL_DEVICES_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "libaxv.h"

#define UART_COM1_BASE		0x3f8
#define UART_NR_REGS		8
#define DEBUG_EXIT_PORT		0xf4

/* UART registers (offsets from the base) and bits. */
#define UART_RBR		0	/* read, DLAB=0: receive buffer */
#define UART_THR		0	/* write, DLAB=0: transmit holding */
#define UART_DLL		0	/* DLAB=1: divisor latch, low byte */
#define UART_IER		1	/* DLAB=0: interrupt enable */
#define UART_DLM		1	/* DLAB=1: divisor latch, high byte */
#define UART_IIR		2	/* read: interrupt identification */
#define UART_FCR		2	/* write: FIFO control */
#define UART_LCR		3	/* line control */
#define UART_MCR		4	/* modem control */
#define UART_LSR		5	/* line status */
#define UART_MSR		6	/* modem status */
#define UART_SCR		7	/* scratch */

#define UART_LCR_DLAB		0x80
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR		0x06	/* clear the FIFOs: self-clearing bits */
#define UART_IER_RDI		0x01	/* received data available */
#define UART_IER_THRI		0x02	/* transmit holding register empty */
#define UART_IER_MASK		0x0f
#define UART_IIR_NO_INT		0x01
#define UART_IIR_THRI		0x02	/* THR empty (priority 3) */
#define UART_IIR_RDI		0x04	/* received data available (priority 2) */
#define UART_IIR_FIFOS		0xc0	/* FIFOs enabled (16550A) */
#define UART_MCR_LOOP		0x10
#define UART_MCR_MASK		0x1f
#define UART_LSR_DR		0x01	/* data ready */
#define UART_LSR_THRE		0x20	/* transmit holding register empty */
#define UART_LSR_TEMT		0x40	/* transmitter empty */
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80

/*
 * The recording test device (Documentation/userctl.rst, "Test device"):
 * two pages of guest-physical addresses with no RAM behind them.  Offsets
 * 0-0x1eff behave as memory, filled at the start with a pattern, and every
 * access to them is recorded; offsets 0x1f00-0x1fff are registers through
 * which the guest reads the record back.  tests/guests/include/testdev.h
 * has the same numbers for the guests (tests/guests/check.sh compares
 * them).
 */
#define TESTDEV_DEFAULT_BASE	0xd0000000ULL
#define TESTDEV_SIZE		0x2000
#define TESTDEV_DATA_SIZE	0x1f00
#define TESTDEV_RECORD_MAX	256

/* Registers: offsets from the base, 8 bytes each, little-endian. */
#define TESTDEV_ID		0x1f00	/* r: TESTDEV_ID_VALUE */
#define TESTDEV_COUNT		0x1f08	/* r: data accesses since the last clear */
#define TESTDEV_CTRL		0x1f10	/* w: TESTDEV_CTRL_*; reads 0 */
#define TESTDEV_INDEX		0x1f18	/* rw: the entry the E_ registers show */
#define TESTDEV_E_GPA		0x1f20	/* r: its guest-physical address */
#define TESTDEV_E_VALUE		0x1f28	/* r: the value written or read */
#define TESTDEV_E_RIP		0x1f30	/* r: the RIP its exit reported */
#define TESTDEV_E_INFO		0x1f38	/* r: size | TESTDEV_INFO_WRITE; 0: none */
#define TESTDEV_CAPACITY	0x1f40	/* r: TESTDEV_RECORD_MAX */
#define TESTDEV_BUSY_OFFSET	0x1f48	/* rw: data offset of the busy bits */
#define TESTDEV_BUSY_MASK	0x1f50	/* rw: the busy bits, in 8 bytes there */
#define TESTDEV_BUSY_READS	0x1f58	/* rw: reads before they clear; 0: off */

#define TESTDEV_ID_VALUE	0x3156454454565841ULL	/* "AXVTDEV1" */
#define TESTDEV_CTRL_CLEAR	0x1	/* forget the record, INDEX = 0 */
#define TESTDEV_CTRL_FILL	0x2	/* the pattern again, BUSY_READS = 0 */
#define TESTDEV_INFO_SIZE	0xff
#define TESTDEV_INFO_WRITE	0x100

/* Ranges per bus, and distinct unhandled addresses listed with --verbose. */
#define BUS_MAX_DEVICES		8
#define UNHANDLED_LISTED	16

enum bus_kind {
	BUS_PIO,
	BUS_MMIO,
};

/**
 * struct bus_device - one address range on a bus.
 * @name: for messages.
 * @base: first address.
 * @len: addresses in the range.
 * @read: value of a @size-byte read at @offset from @base; an access is
 *	given to the device whose range holds its first byte.
 * @write: a @size-byte write of @value at @offset.
 * @opaque: the device's state, passed to the callbacks.
 */
struct bus_device {
	const char *name;
	__u64 base;
	__u64 len;
	__u64 (*read)(void *opaque, __u64 offset, unsigned int size);
	void (*write)(void *opaque, __u64 offset, unsigned int size, __u64 value);
	void *opaque;
};

struct bus {
	struct bus_device devs[BUS_MAX_DEVICES];
	unsigned int ndevs;
};

/**
 * struct uart - a 16550A without input, whose interrupt output is an edge
 *	given to a callback.
 * @regs: IER, LCR, MCR, SCR as written (IER and MCR masked to their bits).
 * @fcr: FIFO control as written, less the self-clearing bits.
 * @dll: divisor latch, low byte.
 * @dlm: divisor latch, high byte.
 * @rbr: the byte received in loopback mode.
 * @rx_full: @rbr holds a byte not yet read.
 * @thre_pending: the THR-empty interrupt is pending (until IIR reports it
 *	or THR is written).
 * @irq_line: the interrupt output: an enabled interrupt is pending.
 * @irq: called on each rising edge of @irq_line (with the lock of the
 *	devices held); NULL: no interrupts.
 * @irq_opaque: its argument.
 * @irqs: rising edges seen (interrupts raised when @irq is set).
 * @out: where transmitted bytes go (stdout).
 * @unflushed: bytes were written to @out since the last flush.
 */
struct uart {
	__u8 regs[UART_NR_REGS];
	__u8 fcr;
	__u8 dll;
	__u8 dlm;
	__u8 rbr;
	bool rx_full;
	bool thre_pending;
	bool irq_line;
	void (*irq)(void *opaque);
	void *irq_opaque;
	__u64 irqs;
	FILE *out;
	bool unflushed;
};

/**
 * struct testdev_entry - one access the test device saw.
 * @gpa: its guest-physical address.
 * @value: the value written, or the value the read returned.
 * @rip: the RIP the access's exit reported.
 * @size: bytes.
 * @write: a write.
 */
struct testdev_entry {
	__u64 gpa;
	__u64 value;
	__u64 rip;
	__u8 size;
	bool write;
};

/**
 * struct testdev - the recording test device.
 * @base: its first guest-physical address.
 * @rip: where the RIP of the access being made is (struct devices.rip).
 * @data: the memory-like part.
 * @record: the first TESTDEV_RECORD_MAX accesses since the last clear.
 * @count: accesses since the last clear, recorded or not.
 * @index: INDEX.
 * @busy_offset: BUSY_OFFSET.
 * @busy_mask: BUSY_MASK.
 * @busy_reads: BUSY_READS.
 */
struct testdev {
	__u64 base;
	const __u64 *rip;
	__u8 data[TESTDEV_DATA_SIZE];
	struct testdev_entry record[TESTDEV_RECORD_MAX];
	__u64 count;
	__u64 index;
	__u64 busy_offset;
	__u64 busy_mask;
	__u64 busy_reads;
};

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
 */
struct devices_layout {
	bool uart;
	__u16 uart_port;
	bool debug_exit;
	__u16 debug_exit_port;
	bool testdev;
	__u64 testdev_base;
};

/**
 * struct devices - everything the guest reaches through port I/O and MMIO.
 * @pio: the port bus.
 * @mmio: the MMIO bus.
 * @uart: COM1.
 * @testdev: the recording test device (on @mmio when the layout has it).
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
	__u64 rip;
	bool exit_requested;
	__u64 exit_value;
	FILE *log;
	bool verbose;
	bool strict;
	struct unhandled unhandled;
};

/* All ones in the low @size bytes (1, 2, 4 or 8). */
__u64 bus_all_ones(unsigned int size);

/* Add a device to @bus; -ENOSPC when full, -EEXIST when it overlaps another. */
int bus_add(struct bus *bus, const struct bus_device *dev);

/* The device whose range holds @addr, or NULL. */
const struct bus_device *bus_find(const struct bus *bus, __u64 addr);

/* The exit status for debug-exit value @value: ((@value << 1) | 1) & 0xff. */
int debug_exit_status(__u64 value);

/* A reset UART writing to @out, without interrupts. */
void uart_init(struct uart *uart, FILE *out);
/* Give @uart's interrupt edges to @irq(@opaque); NULL: none. */
void uart_set_irq(struct uart *uart, void (*irq)(void *opaque), void *opaque);
__u64 uart_read(void *opaque, __u64 offset, unsigned int size);
void uart_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
/* Flush @uart->out when something was written since the last flush. */
void uart_flush(struct uart *uart);

/* The test device at @base, its data the pattern, its record empty; RIPs from *@rip. */
void testdev_init(struct testdev *t, __u64 base, const __u64 *rip);
/* Byte @offset of the data's pattern: (@offset ^ (@offset >> 8) ^ 0xa5) & 0xff. */
__u8 testdev_pattern(__u64 offset);
__u64 testdev_read(void *opaque, __u64 offset, unsigned int size);
void testdev_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

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

/* At the end of the run: flush the UART; with --verbose, sum up unhandled accesses. */
void devices_finish(struct devices *dev);

#endif /* USERCTL_DEVICES_H */
