/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART on the port bus: registers, FIFO control, loopback, the
 * THR-empty and received-data interrupts on an interrupt line.
 */
#ifndef USERCTL_DEV_UART_H
#define USERCTL_DEV_UART_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "irq.h"

#define UART_COM1_BASE		0x3f8
#define UART_NR_REGS		8

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

/**
 * struct uart - a 16550A without input.
 * @regs: IER, LCR, MCR, SCR as written (IER and MCR masked to their bits).
 * @fcr: FIFO control as written, less the self-clearing bits.
 * @dll: divisor latch, low byte.
 * @dlm: divisor latch, high byte.
 * @rbr: the byte received in loopback mode.
 * @rx_full: @rbr holds a byte not yet read.
 * @thre_pending: the THR-empty interrupt is pending (until IIR reports it
 *	or THR is written).
 * @irq: the interrupt output, high while an enabled interrupt is pending
 *	(its controller is called with the lock of the devices held).
 * @irqs: rising edges of @irq.
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
	struct irq_line irq;
	__u64 irqs;
	FILE *out;
	bool unflushed;
};

/* A reset UART writing to @out, its interrupt line unconnected. */
void uart_init(struct uart *uart, FILE *out);
__u64 uart_read(void *opaque, __u64 offset, unsigned int size);
void uart_write(void *opaque, __u64 offset, unsigned int size, __u64 value);
/* Flush @uart->out when something was written since the last flush. */
void uart_flush(struct uart *uart);

#endif /* USERCTL_DEV_UART_H */
