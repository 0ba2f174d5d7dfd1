// SPDX-License-Identifier: GPL-2.0
/*
 * The 16550A UART (dev/uart.h).
 */
#include <string.h>

#include "bus.h"
#include "uart.h"

void uart_init(struct uart *uart, FILE *out)
{
	memset(uart, 0, sizeof(*uart));
	uart->out = out;
	/* THR is empty: enabling its interrupt raises it at once. */
	uart->thre_pending = true;
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

/* Drive the interrupt output: high while an enabled interrupt is pending. */
static void uart_update_irq(struct uart *uart)
{
	bool line = uart_pending(uart) != UART_IIR_NO_INT;

	if (line && !uart->irq.level)
		uart->irqs++;
	irq_line_set(&uart->irq, line);
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
