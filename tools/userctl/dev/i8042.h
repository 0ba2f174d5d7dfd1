/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An 8042 keyboard controller with no keyboard or mouse behind it, enough
 * for what guests ask of it at boot and reset: the status register, the
 * self-test and interface-test commands, the command byte, and the pulse
 * of the output port's reset line (command 0xfe, or writing the output
 * port with bit 0 clear), which resets the machine.  Data port 0x60,
 * command and status port 0x64.
 */
#ifndef USERCTL_DEV_I8042_H
#define USERCTL_DEV_I8042_H

#include <stdbool.h>
#include <linux/types.h>

#define I8042_DATA_PORT		0x60
#define I8042_CMD_PORT		0x64

/* Status register bits. */
#define I8042_STR_OBF		0x01	/* output buffer full */
#define I8042_STR_SYSFLAG	0x04	/* self-test passed since power-on */
#define I8042_STR_CMDDAT	0x08	/* the last write was a command */

/* Commands (port 0x64). */
#define I8042_CMD_READ_CTR	0x20
#define I8042_CMD_WRITE_CTR	0x60
#define I8042_CMD_SELF_TEST	0xaa
#define I8042_CMD_KBD_TEST	0xab
#define I8042_CMD_AUX_TEST	0xa9
#define I8042_CMD_WRITE_OUTPUT	0xd1
#define I8042_CMD_PULSE_RESET	0xfe

/**
 * struct i8042 - the controller's state.
 * @status: the status register.
 * @out: the output buffer (valid while @status has I8042_STR_OBF).
 * @ctr: the command byte.
 * @pending: the command whose data byte the next port 0x60 write is, or 0.
 * @reset: the guest pulsed the reset line.
 */
struct i8042 {
	__u8 status;
	__u8 out;
	__u8 ctr;
	__u8 pending;
	bool reset;
};

/**
 * i8042_init() - the controller after its power-on self-test.
 * @kbc: the state.
 */
void i8042_init(struct i8042 *kbc);

/*
 * Bus callbacks, @opaque the struct i8042: offset 0 port 0x60, 4 port 0x64
 * (port 0x61 between them is the PIT's); the _cmd pair for a range at
 * port 0x64 alone.
 */
__u64 i8042_read(void *opaque, __u64 offset, unsigned int size);
void i8042_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
__u64 i8042_cmd_read(void *opaque, __u64 offset, unsigned int size);
void i8042_cmd_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

#endif /* USERCTL_DEV_I8042_H */
