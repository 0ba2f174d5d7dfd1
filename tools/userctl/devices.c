// SPDX-License-Identifier: GPL-2.0
/*
 * The platform: the device models of dev/ on the port and MMIO buses, the
 * debug-exit port, and what becomes of an access nothing takes.
 */
#include <errno.h>
#include <string.h>

#include "devices.h"

int debug_exit_status(__u64 value)
{
	return (int)(((value << 1) | 1) & 0xff);
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
