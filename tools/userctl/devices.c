// SPDX-License-Identifier: GPL-2.0
/*
 * The platform: the device models of dev/ on the port and MMIO buses, the
 * debug-exit port, and what becomes of an access nothing takes.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

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

/* --- the PC platform ---------------------------------------------------- */

/* Port 0x80: POST codes and delays; nothing to keep. */
static __u64 post_code_read(void *opaque, __u64 offset, unsigned int size)
{
	(void)opaque;
	(void)offset;
	return bus_all_ones(size);
}

static void post_code_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	(void)opaque;
	(void)offset;
	(void)size;
	(void)value;
}

/* ISA IRQ @irq at @level: the PIC's input and the I/O APIC's pin. */
static void pc_set_irq(void *opaque, unsigned int irq, bool level)
{
	struct devices *dev = opaque;

	pic_set_irq(&dev->pic, irq, level);
	ioapic_set_pin(&dev->ioapic, irq == PC_IRQ_PIT ? PC_IOAPIC_PIN_PIT : irq, level);
}

/* A PIT port write: the platform's timer looks again. */
static void pc_pit_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct devices *dev = opaque;

	pit_write(&dev->pit, offset, size, value);
	dev->timer_changed = true;
}

static __u64 pc_pit_read(void *opaque, __u64 offset, unsigned int size)
{
	struct devices *dev = opaque;

	return pit_read(&dev->pit, offset, size);
}

static void pc_port61_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct devices *dev = opaque;

	pit_port61_write(&dev->pit, offset, size, value);
	dev->timer_changed = true;
}

static __u64 pc_port61_read(void *opaque, __u64 offset, unsigned int size)
{
	struct devices *dev = opaque;

	return pit_port61_read(&dev->pit, offset, size);
}

static void pc_init(struct devices *dev, const struct devices_layout *layout)
{
	const struct bus_device pio[] = {
		{ "post-code", POST_CODE_PORT, 1, post_code_read, post_code_write, NULL },
		{ "pic-master", PIC_MASTER_PORT, 2, pic_read, pic_write, &dev->pic_ports[0] },
		{ "pic-slave", PIC_SLAVE_PORT, 2, pic_read, pic_write, &dev->pic_ports[1] },
		{ "elcr", PIC_ELCR_PORT, 2, pic_elcr_read, pic_elcr_write, &dev->pic },
		{ "pit", PIT_PORT_BASE, PIT_PORTS, pc_pit_read, pc_pit_write, dev },
		{ "port61", PIT_PORT_61, 1, pc_port61_read, pc_port61_write, dev },
		{ "rtc", RTC_PORT_INDEX, 2, rtc_read, rtc_write, &dev->rtc },
		{ "i8042-data", I8042_DATA_PORT, 1, i8042_read, i8042_write, &dev->kbc },
		{ "i8042-cmd", I8042_CMD_PORT, 1, i8042_cmd_read, i8042_cmd_write, &dev->kbc },
		{ "pm1a-evt", POWER_PM1A_EVT_PORT, POWER_PM1A_EVT_LEN,
		  power_evt_read, power_evt_write, &dev->power },
		{ "pm1a-cnt", POWER_PM1A_CNT_PORT, POWER_PM1A_CNT_LEN,
		  power_cnt_read, power_cnt_write, &dev->power },
		{ "reset", POWER_RESET_PORT, 1, power_cf9_read, power_cf9_write, &dev->power },
		{ "port92", POWER_PORT92, 1, power_port92_read, power_port92_write, &dev->power },
	};
	const struct bus_device ioapic = {
		"ioapic", IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, ioapic_read, ioapic_write,
		&dev->ioapic,
	};
	unsigned int i;

	dev->pc = true;
	/* I/O APIC ID 0: the MADT says so; IDs of the two kinds do not meet. */
	ioapic_init(&dev->ioapic, 0, layout->ioapic_send, layout->opaque);
	pic_init(&dev->pic);
	dev->pic_ports[0] = (struct pic_port){ &dev->pic, 0 };
	dev->pic_ports[1] = (struct pic_port){ &dev->pic, 1 };
	pit_init(&dev->pit, layout->now, layout->opaque);
	rtc_init(&dev->rtc, time(NULL), layout->mem_kib, layout->now, layout->opaque);
	i8042_init(&dev->kbc);
	power_init(&dev->power);
	dev->misc_enable = PC_MISC_ENABLE_RESET;
	irq_line_connect(&dev->pit.irq0, pc_set_irq, dev, PC_IRQ_PIT);
	irq_line_connect(&dev->rtc.irq, pc_set_irq, dev, PC_IRQ_RTC);
	irq_line_connect(&dev->uart.irq, pc_set_irq, dev, PC_IRQ_COM1);
	/* The ranges are fixed and apart: a failure is a bug here. */
	for (i = 0; i < sizeof(pio) / sizeof(pio[0]); i++)
		if (bus_add(&dev->pio, &pio[i]))
			fprintf(dev->log, "userctl: BUG: %s not on the port bus\n", pio[i].name);
	if (bus_add(&dev->mmio, &ioapic))
		fprintf(dev->log, "userctl: BUG: ioapic not on the MMIO bus\n");
}

enum power_event devices_power_event(const struct devices *dev)
{
	if (dev->kbc.reset)
		return POWER_RESET;
	return dev->power.event;
}

int devices_msr(struct devices *dev, __u32 index, bool write, __u64 *value)
{
	if (!dev->pc || index != PC_MISC_ENABLE_MSR)
		return -ENOENT;
	if (write)
		dev->misc_enable = *value;
	else
		*value = dev->misc_enable;
	return 0;
}

void devices_eoi(struct devices *dev, __u8 vector)
{
	if (dev->pc)
		ioapic_eoi(&dev->ioapic, vector);
}

__u64 devices_tick(struct devices *dev)
{
	dev->timer_changed = false;
	if (!dev->pc)
		return 0;
	pit_update_irq(&dev->pit);
	rtc_update_irq(&dev->rtc);
	return pit_next_edge_ns(&dev->pit);
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
	if (layout->pc)
		pc_init(dev, layout);
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
