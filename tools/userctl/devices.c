// SPDX-License-Identifier: GPL-2.0
/*
 * Port and MMIO buses, the 16550 UART, the debug-exit port.
 */
#include <errno.h>
#include <string.h>

#include "devices.h"

__u64 bus_all_ones(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

int bus_add(struct bus *bus, const struct bus_device *dev)
{
	unsigned int i;

	if (bus->ndevs >= BUS_MAX_DEVICES)
		return -ENOSPC;
	for (i = 0; i < bus->ndevs; i++) {
		const struct bus_device *d = &bus->devs[i];

		if (dev->base < d->base + d->len && d->base < dev->base + dev->len)
			return -EEXIST;
	}
	bus->devs[bus->ndevs++] = *dev;
	return 0;
}

const struct bus_device *bus_find(const struct bus *bus, __u64 addr)
{
	unsigned int i;

	for (i = 0; i < bus->ndevs; i++)
		if (addr - bus->devs[i].base < bus->devs[i].len)
			return &bus->devs[i];
	return NULL;
}

int debug_exit_status(__u64 value)
{
	return (int)(((value << 1) | 1) & 0xff);
}

/* --- 16550 UART ------------------------------------------------------- */

void uart_init(struct uart *uart, FILE *out)
{
	memset(uart, 0, sizeof(*uart));
	uart->out = out;
	/* THR is empty: enabling its interrupt raises it at once. */
	uart->thre_pending = true;
}

void uart_set_irq(struct uart *uart, void (*irq)(void *opaque), void *opaque)
{
	uart->irq = irq;
	uart->irq_opaque = opaque;
}

/* The interrupt the guest would identify now: UART_IIR_RDI, _THRI or _NO_INT. */
static __u8 uart_pending(const struct uart *uart)
{
	__u8 ier = uart->regs[UART_IER];

	if ((ier & UART_IER_RDI) && uart->rx_full)
		return UART_IIR_RDI;
	if ((ier & UART_IER_THRI) && uart->thre_pending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

/* Recompute the interrupt output; a rising edge raises the interrupt. */
static void uart_update_irq(struct uart *uart)
{
	bool line = uart_pending(uart) != UART_IIR_NO_INT;

	if (line && !uart->irq_line) {
		uart->irqs++;
		if (uart->irq)
			uart->irq(uart->irq_opaque);
	}
	uart->irq_line = line;
}

void uart_flush(struct uart *uart)
{
	if (uart->unflushed) {
		fflush(uart->out);
		uart->unflushed = false;
	}
}

/* Modem status: fixed lines, or in loopback what MCR drives. */
static __u8 uart_msr(const struct uart *uart)
{
	__u8 mcr = uart->regs[UART_MCR];

	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	/* RTS -> CTS, DTR -> DSR, OUT1 -> RI, OUT2 -> DCD. */
	return ((mcr & 0x02) ? UART_MSR_CTS : 0) | ((mcr & 0x01) ? UART_MSR_DSR : 0) |
	       ((mcr & 0x04) ? UART_MSR_RI : 0) | ((mcr & 0x08) ? UART_MSR_DCD : 0);
}

static __u8 uart_read_reg_raw(struct uart *uart, unsigned int reg)
{
	bool dlab = uart->regs[UART_LCR] & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR:
		if (dlab)
			return uart->dll;
		if (uart->rx_full) {
			uart->rx_full = false;
			return uart->rbr;
		}
		return 0;
	case UART_IER:
		return dlab ? uart->dlm : uart->regs[UART_IER];
	case UART_IIR: {
		__u8 id = uart_pending(uart);

		/* Reading IIR that reports THR empty clears that interrupt. */
		if (id == UART_IIR_THRI)
			uart->thre_pending = false;
		return id | ((uart->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFOS : 0);
	}
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT | (uart->rx_full ? UART_LSR_DR : 0);
	case UART_MSR:
		return uart_msr(uart);
	case UART_LCR:
	case UART_MCR:
	case UART_SCR:
		return uart->regs[reg];
	}
	return 0xff;
}

/*
 * A write to THR: it clears the THR-empty interrupt, and the byte leaves
 * at once, so THR is empty again and the interrupt pending again: with
 * IER.THRI set, each byte written raises a new edge.
 */
static __u8 uart_read_reg(struct uart *uart, unsigned int reg)
{
	__u8 value = uart_read_reg_raw(uart, reg);

	uart_update_irq(uart);
	return value;
}

static void uart_transmit(struct uart *uart, __u8 byte)
{
	uart->thre_pending = false;
	uart_update_irq(uart);
	if (uart->regs[UART_MCR] & UART_MCR_LOOP) {
		uart->rbr = byte;
		uart->rx_full = true;
	} else {
		putc(byte, uart->out);
		uart->unflushed = true;
		if (byte == '\n')
			uart_flush(uart);
	}
	uart->thre_pending = true;
}

static void uart_write_reg_raw(struct uart *uart, unsigned int reg, __u8 value)
{
	bool dlab = uart->regs[UART_LCR] & UART_LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			uart->dll = value;
		else
			uart_transmit(uart, value);
		break;
	case UART_IER:
		if (dlab) {
			uart->dlm = value;
			break;
		}
		/* Setting THRI while THR is empty raises the interrupt (16550). */
		if ((value & ~uart->regs[UART_IER] & UART_IER_THRI))
			uart->thre_pending = true;
		uart->regs[UART_IER] = value & UART_IER_MASK;
		break;
	case UART_FCR:
		uart->fcr = value & ~UART_FCR_CLEAR;
		break;
	case UART_LCR:
	case UART_SCR:
		uart->regs[reg] = value;
		break;
	case UART_MCR:
		uart->regs[UART_MCR] = value & UART_MCR_MASK;
		break;
	case UART_LSR:
	case UART_MSR:
		/* Read-only (factory test on real parts): dropped. */
		break;
	}
}

static void uart_write_reg(struct uart *uart, unsigned int reg, __u8 value)
{
	uart_write_reg_raw(uart, reg, value);
	uart_update_irq(uart);
}

/* A wider access covers consecutive registers; bytes past the last float high. */
__u64 uart_read(void *opaque, __u64 offset, unsigned int size)
{
	__u64 value = 0;
	unsigned int i;

	for (i = 0; i < size; i++) {
		__u64 reg = offset + i;
		__u8 byte = reg < UART_NR_REGS ? uart_read_reg(opaque, reg) : 0xff;

		value |= (__u64)byte << (8 * i);
	}
	return value;
}

void uart_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		if (offset + i < UART_NR_REGS)
			uart_write_reg(opaque, offset + i, value >> (8 * i));
}

/* --- debug exit --------------------------------------------------------- */

static __u64 debug_exit_read(void *opaque, __u64 offset, unsigned int size)
{
	(void)opaque;
	(void)offset;
	return bus_all_ones(size);
}

static void debug_exit_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct devices *dev = opaque;

	(void)offset;
	dev->exit_requested = true;
	dev->exit_value = value & bus_all_ones(size);
}

/* --- the recording test device ------------------------------------------ */

__u8 testdev_pattern(__u64 offset)
{
	return (offset ^ (offset >> 8) ^ 0xa5) & 0xff;
}

static void testdev_fill(struct testdev *t)
{
	__u64 i;

	for (i = 0; i < TESTDEV_DATA_SIZE; i++)
		t->data[i] = testdev_pattern(i);
	t->busy_reads = 0;
}

void testdev_init(struct testdev *t, __u64 base, const __u64 *rip)
{
	memset(t, 0, sizeof(*t));
	t->base = base;
	t->rip = rip;
	testdev_fill(t);
}

/* The entry INDEX selects, or NULL when there is none. */
static const struct testdev_entry *testdev_entry(const struct testdev *t)
{
	__u64 n = t->count < TESTDEV_RECORD_MAX ? t->count : TESTDEV_RECORD_MAX;

	return t->index < n ? &t->record[t->index] : NULL;
}

/* The 8-byte register at @reg (a multiple of 8 within the window). */
static __u64 testdev_reg(const struct testdev *t, __u64 reg)
{
	const struct testdev_entry *e = testdev_entry(t);

	switch (reg) {
	case TESTDEV_ID:
		return TESTDEV_ID_VALUE;
	case TESTDEV_COUNT:
		return t->count;
	case TESTDEV_INDEX:
		return t->index;
	case TESTDEV_E_GPA:
		return e ? e->gpa : ~0ULL;
	case TESTDEV_E_VALUE:
		return e ? e->value : ~0ULL;
	case TESTDEV_E_RIP:
		return e ? e->rip : ~0ULL;
	case TESTDEV_E_INFO:
		return e ? e->size | (e->write ? TESTDEV_INFO_WRITE : 0) : 0;
	case TESTDEV_CAPACITY:
		return TESTDEV_RECORD_MAX;
	case TESTDEV_BUSY_OFFSET:
		return t->busy_offset;
	case TESTDEV_BUSY_MASK:
		return t->busy_mask;
	case TESTDEV_BUSY_READS:
		return t->busy_reads;
	}
	return 0;	/* CTRL and the unused rest of the window */
}

/* The writable registers, or NULL. */
static __u64 *testdev_reg_ptr(struct testdev *t, __u64 reg)
{
	switch (reg) {
	case TESTDEV_INDEX:
		return &t->index;
	case TESTDEV_BUSY_OFFSET:
		return &t->busy_offset;
	case TESTDEV_BUSY_MASK:
		return &t->busy_mask;
	case TESTDEV_BUSY_READS:
		return &t->busy_reads;
	}
	return NULL;
}

static void testdev_record(struct testdev *t, __u64 offset, unsigned int size, bool write,
			   __u64 value)
{
	struct testdev_entry *e;

	if (t->count < TESTDEV_RECORD_MAX) {
		e = &t->record[t->count];
		e->gpa = t->base + offset;
		e->value = value;
		e->rip = t->rip ? *t->rip : 0;
		e->size = size;
		e->write = write;
	}
	if (t->count != ~0ULL)
		t->count++;
}

/*
 * A read that touches the 8 busy bytes counts down BUSY_READS; the one
 * that takes it to 0 still returns the bits, and clears them after.
 */
static void testdev_busy_read(struct testdev *t, __u64 offset, unsigned int size)
{
	unsigned int i;
	__u64 at;

	if (!t->busy_reads || offset + size <= t->busy_offset || offset >= t->busy_offset + 8)
		return;
	if (--t->busy_reads)
		return;
	for (i = 0; i < 8; i++) {
		at = t->busy_offset + i;
		if (at < TESTDEV_DATA_SIZE)
			t->data[at] &= ~(__u8)(t->busy_mask >> (8 * i));
	}
}

/*
 * A @size-byte access of the data at @offset; bytes past the data read
 * 0xff and are not written.
 */
static __u64 testdev_data(struct testdev *t, __u64 offset, unsigned int size, bool write,
			  __u64 value)
{
	__u64 got = 0, at;
	unsigned int i;

	for (i = 0; i < size; i++) {
		at = offset + i;
		if (write && at < TESTDEV_DATA_SIZE)
			t->data[at] = value >> (8 * i);
		else if (!write)
			got |= (__u64)(at < TESTDEV_DATA_SIZE ? t->data[at] : 0xff) << (8 * i);
	}
	if (write) {
		testdev_record(t, offset, size, true, value);
		return value;
	}
	testdev_record(t, offset, size, false, got);
	testdev_busy_read(t, offset, size);
	return got;
}

__u64 testdev_read(void *opaque, __u64 offset, unsigned int size)
{
	struct testdev *t = opaque;
	unsigned int i;
	__u64 value = 0, at;
	__u8 byte;

	if (offset < TESTDEV_DATA_SIZE)
		return testdev_data(t, offset, size, false, 0);
	/* The window, byte by byte: any width and alignment reads the registers. */
	for (i = 0; i < size; i++) {
		at = offset + i;
		byte = at < TESTDEV_SIZE ? testdev_reg(t, at & ~7ULL) >> (8 * (at & 7)) : 0xff;
		value |= (__u64)byte << (8 * i);
	}
	return value;
}

void testdev_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct testdev *t = opaque;
	bool ctrl = false;
	__u64 ctrl_value = 0, at, *reg;
	unsigned int i, shift;
	__u8 byte;

	if (offset < TESTDEV_DATA_SIZE) {
		testdev_data(t, offset, size, true, value);
		return;
	}
	/* Each byte goes into its register; a write to CTRL acts once, after. */
	for (i = 0; i < size; i++) {
		at = offset + i;
		byte = value >> (8 * i);
		shift = 8 * (at & 7);
		if (at >= TESTDEV_SIZE)
			break;
		if ((at & ~7ULL) == TESTDEV_CTRL) {
			ctrl = true;
			ctrl_value |= (__u64)byte << shift;
			continue;
		}
		reg = testdev_reg_ptr(t, at & ~7ULL);
		if (reg)
			*reg = (*reg & ~(0xffULL << shift)) | (__u64)byte << shift;
	}
	if (ctrl && (ctrl_value & TESTDEV_CTRL_CLEAR)) {
		t->count = 0;
		t->index = 0;
	}
	if (ctrl && (ctrl_value & TESTDEV_CTRL_FILL))
		testdev_fill(t);
}

/* --- the buses ---------------------------------------------------------- */

void devices_init_layout(struct devices *dev, const struct devices_layout *layout, FILE *out,
			 FILE *log, bool verbose, bool strict)
{
	const struct bus_device com1 = {
		.name = "uart", .base = layout->uart_port, .len = UART_NR_REGS,
		.read = uart_read, .write = uart_write, .opaque = &dev->uart,
	};
	const struct bus_device debug_exit = {
		.name = "debug-exit", .base = layout->debug_exit_port, .len = 1,
		.read = debug_exit_read, .write = debug_exit_write, .opaque = dev,
	};
	const struct bus_device testdev = {
		.name = "test-device", .base = layout->testdev_base, .len = TESTDEV_SIZE,
		.read = testdev_read, .write = testdev_write, .opaque = &dev->testdev,
	};

	memset(dev, 0, sizeof(*dev));
	dev->log = log;
	dev->verbose = verbose;
	dev->strict = strict;
	uart_init(&dev->uart, out);
	if (layout->uart)
		bus_add(&dev->pio, &com1);
	if (layout->debug_exit)
		bus_add(&dev->pio, &debug_exit);
	testdev_init(&dev->testdev, layout->testdev_base, &dev->rip);
	if (layout->testdev)
		bus_add(&dev->mmio, &testdev);
}

void devices_init(struct devices *dev, FILE *out, FILE *log, bool verbose, bool strict)
{
	const struct devices_layout layout = {
		.uart = true, .uart_port = UART_COM1_BASE,
		.debug_exit = true, .debug_exit_port = DEBUG_EXIT_PORT,
	};

	devices_init_layout(dev, &layout, out, log, verbose, strict);
}

static const char *bus_kind_name(enum bus_kind bus)
{
	return bus == BUS_PIO ? "port" : "MMIO address";
}

/* Describe an unhandled access: "1-byte read of port 0x60". */
static void unhandled_describe(char *buf, size_t len, enum bus_kind bus, __u64 addr,
			       unsigned int size, bool write, __u64 value)
{
	int n = snprintf(buf, len, "%u-byte %s %s %s 0x%llx", size, write ? "write" : "read",
			 write ? "to" : "of", bus_kind_name(bus), addr);

	if (write && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (value 0x%llx)", value);
}

static void unhandled_note(struct devices *dev, enum bus_kind bus, __u64 rip, __u64 addr,
			   unsigned int size, bool write, __u64 value)
{
	struct unhandled *u = &dev->unhandled;
	char what[128];
	unsigned int i;

	u->total++;
	for (i = 0; i < u->nseen; i++) {
		if (u->seen[i].bus == bus && u->seen[i].addr == addr) {
			u->unlisted++;
			return;
		}
	}
	if (u->nseen >= UNHANDLED_LISTED) {
		u->unlisted++;
		return;
	}
	u->seen[u->nseen].bus = bus;
	u->seen[u->nseen].addr = addr;
	u->nseen++;
	if (dev->verbose) {
		unhandled_describe(what, sizeof(what), bus, addr, size, write, value);
		fprintf(dev->log, "userctl: unhandled %s at RIP 0x%llx (listed once)\n", what,
			rip);
	}
}

/*
 * An access that found no device: the empty bus, or with --strict-io an
 * error.  Returns 0 or -EIO.
 */
static int unhandled_access(struct devices *dev, enum bus_kind bus, __u64 rip, __u64 addr,
			    unsigned int size, bool write, __u64 *value, struct axv_err *err)
{
	char what[128];

	if (dev->strict) {
		unhandled_describe(what, sizeof(what), bus, addr, size, write, *value);
		return axv_err_set(err, EIO, "--strict-io: guest at RIP 0x%llx: %s: nothing there",
				   rip, what);
	}
	unhandled_note(dev, bus, rip, addr, size, write, *value);
	if (!write)
		*value = bus_all_ones(size);
	return 0;
}

static int bus_access(struct devices *dev, enum bus_kind kind, __u64 rip, __u64 addr,
		      unsigned int size, bool write, __u64 *value, struct axv_err *err)
{
	const struct bus *bus = kind == BUS_PIO ? &dev->pio : &dev->mmio;
	const struct bus_device *d = bus_find(bus, addr);

	if (!d)
		return unhandled_access(dev, kind, rip, addr, size, write, value, err);
	dev->rip = rip;
	if (write)
		d->write(d->opaque, addr - d->base, size, *value & bus_all_ones(size));
	else
		*value = d->read(d->opaque, addr - d->base, size) & bus_all_ones(size);
	return 0;
}

int devices_pio(struct devices *dev, __u64 rip, __u16 port, unsigned int size, bool write,
		__u32 *value, struct axv_err *err)
{
	__u64 v = write ? *value : 0;
	int ret;

	ret = bus_access(dev, BUS_PIO, rip, port, size, write, &v, err);
	if (!ret && !write)
		*value = v;
	return ret;
}

int devices_mmio(struct devices *dev, __u64 rip, __u64 gpa, unsigned int size, bool write,
		 __u64 *value, struct axv_err *err)
{
	return bus_access(dev, BUS_MMIO, rip, gpa, size, write, value, err);
}

void devices_finish(struct devices *dev)
{
	const struct unhandled *u = &dev->unhandled;

	uart_flush(&dev->uart);
	if (dev->verbose && u->total)
		fprintf(dev->log,
			"userctl: %llu unhandled accesses to %u%s ports or addresses (%llu not listed)\n",
			u->total, u->nseen, u->nseen >= UNHANDLED_LISTED ? " or more" : "",
			u->unlisted);
}
