// SPDX-License-Identifier: GPL-2.0
/*
 * An 8042 keyboard controller without devices (dev/i8042.h).
 */
#include "i8042.h"

/* The command byte at power-on: keyboard interrupt off, translation on. */
#define I8042_CTR_DEFAULT	0x40

void i8042_init(struct i8042 *kbc)
{
	kbc->status = I8042_STR_SYSFLAG;
	kbc->out = 0;
	kbc->ctr = I8042_CTR_DEFAULT;
	kbc->pending = 0;
	kbc->reset = false;
}

static void i8042_reply(struct i8042 *kbc, __u8 byte)
{
	kbc->out = byte;
	kbc->status |= I8042_STR_OBF;
}

__u64 i8042_read(void *opaque, __u64 offset, unsigned int size)
{
	struct i8042 *kbc = opaque;

	(void)size;
	if (offset == I8042_CMD_PORT - I8042_DATA_PORT)
		return kbc->status;
	kbc->status &= ~I8042_STR_OBF;
	return kbc->out;
}

static void i8042_command(struct i8042 *kbc, __u8 cmd)
{
	switch (cmd) {
	case I8042_CMD_READ_CTR:
		i8042_reply(kbc, kbc->ctr);
		break;
	case I8042_CMD_WRITE_CTR:
	case I8042_CMD_WRITE_OUTPUT:
		kbc->pending = cmd;
		break;
	case I8042_CMD_SELF_TEST:
		i8042_reply(kbc, 0x55);
		break;
	case I8042_CMD_KBD_TEST:
	case I8042_CMD_AUX_TEST:
		i8042_reply(kbc, 0x00);
		break;
	default:
		/* 0xf0-0xff pulse output-port bits low for 6 us; bit 0 is reset. */
		if ((cmd & 0xf0) == 0xf0 && !(cmd & 1))
			kbc->reset = true;
		break;
	}
}

void i8042_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct i8042 *kbc = opaque;

	(void)size;
	if (offset == I8042_CMD_PORT - I8042_DATA_PORT) {
		kbc->status |= I8042_STR_CMDDAT;
		kbc->pending = 0;
		i8042_command(kbc, value);
		return;
	}
	kbc->status &= ~I8042_STR_CMDDAT;
	switch (kbc->pending) {
	case I8042_CMD_WRITE_CTR:
		kbc->ctr = value;
		break;
	case I8042_CMD_WRITE_OUTPUT:
		/* Bit 0 of the output port drives the CPU's reset line, active low. */
		if (!(value & 1))
			kbc->reset = true;
		break;
	default:
		/* A byte for a keyboard that is not there: it does not answer. */
		break;
	}
	kbc->pending = 0;
}

__u64 i8042_cmd_read(void *opaque, __u64 offset, unsigned int size)
{
	return i8042_read(opaque, offset + I8042_CMD_PORT - I8042_DATA_PORT, size);
}

void i8042_cmd_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	i8042_write(opaque, offset + I8042_CMD_PORT - I8042_DATA_PORT, size, value);
}
