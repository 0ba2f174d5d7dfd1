// SPDX-License-Identifier: GPL-2.0
/*
 * io_test: port I/O of each width and the string forms, as userctl's UART
 * and its "no device" ports answer them.
 */
#include "guest.h"

#define GUARD	0x5a

static const char outs_msg[] = "rep outsb: hello through the UART\n";
static const u16 words[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
static u8 buf[64];

/* p[at, at + len) must hold @val and the rest of p[0, size) GUARD. */
static void check_bytes(const char *what, const u8 *p, size_t size,
			size_t at, size_t len, u8 val)
{
	size_t i;
	bool good = true;

	for (i = 0; i < size; i++)
		if (p[i] != (i >= at && i < at + len ? val : GUARD))
			good = false;
	guest_check(good, what);
}

static void check_buf(const char *what, size_t at, size_t len, u8 val)
{
	check_bytes(what, buf, sizeof(buf), at, len, val);
}

static void test_uart(void)
{
	static const u8 values[] = { 0x00, 0x5a, 0xa5, 0xff };
	u8 lcr, dll, dlm;
	size_t i;

	guest_check_eq("LSR reads idle", inb(AXV_UART_LSR), AXV_UART_LSR_IDLE);
	for (i = 0; i < sizeof(values); i++) {
		outb(values[i], AXV_UART_SCR);
		guest_check_eq("outb/inb scratch register", inb(AXV_UART_SCR),
			       values[i]);
	}

	lcr = inb(AXV_UART_LCR);
	outb(lcr | AXV_UART_LCR_DLAB, AXV_UART_LCR);
	outb(0x34, AXV_UART_THR);
	outb(0x12, AXV_UART_DLM);
	dll = inb(AXV_UART_THR);
	dlm = inb(AXV_UART_DLM);
	outb(0x01, AXV_UART_THR);	/* 115200 baud */
	outb(0x00, AXV_UART_DLM);
	outb(lcr, AXV_UART_LCR);
	guest_check_eq("divisor latch low byte", dll, 0x34);
	guest_check_eq("divisor latch high byte", dlm, 0x12);
	guest_check_eq("LCR restored", inb(AXV_UART_LCR), lcr);
}

static void test_unused_port(void)
{
	guest_check_eq("inb from an unused port", inb(AXV_UNUSED_PORT), 0xff);
	guest_check_eq("inw from an unused port", inw(AXV_UNUSED_PORT), 0xffff);
	guest_check_eq("inl from an unused port", inl(AXV_UNUSED_PORT),
		       0xffffffff);
	outb(0x12, AXV_UNUSED_PORT);
	outw(0x1234, AXV_UNUSED_PORT);
	outl(0x12345678, AXV_UNUSED_PORT);
	guest_check_eq("inl after writes to an unused port",
		       inl(AXV_UNUSED_PORT), 0xffffffff);
}

static void test_string_df0(void)
{
	unsigned long si, di, cx;

	si = (unsigned long)outs_msg;
	cx = sizeof(outs_msg) - 1;
	asm volatile("rep outsb"
		     : "+S"(si), "+c"(cx) : "d"(AXV_UART_THR) : "memory");
	guest_check_eq("rep outsb: ESI", si,
		       (unsigned long)outs_msg + sizeof(outs_msg) - 1);
	guest_check_eq("rep outsb: ECX", cx, 0);

	memset(buf, GUARD, sizeof(buf));
	di = (unsigned long)&buf[8];
	cx = 16;
	asm volatile("rep insb"
		     : "+D"(di), "+c"(cx) : "d"(AXV_UNUSED_PORT) : "memory");
	guest_check_eq("rep insb: EDI", di, (unsigned long)&buf[24]);
	guest_check_eq("rep insb: ECX", cx, 0);
	check_buf("rep insb: 16 bytes of 0xff", 8, 16, 0xff);

	si = (unsigned long)words;
	cx = 4;
	asm volatile("rep outsw"
		     : "+S"(si), "+c"(cx) : "d"(AXV_UNUSED_PORT) : "memory");
	guest_check_eq("rep outsw: ESI", si, (unsigned long)words + 8);
	guest_check_eq("rep outsw: ECX", cx, 0);

	memset(buf, GUARD, sizeof(buf));
	di = (unsigned long)&buf[4];
	cx = 4;
	asm volatile("rep insl"
		     : "+D"(di), "+c"(cx) : "d"(AXV_UNUSED_PORT) : "memory");
	guest_check_eq("rep insl: EDI", di, (unsigned long)&buf[20]);
	guest_check_eq("rep insl: ECX", cx, 0);
	check_buf("rep insl: 4 dwords of 0xffffffff", 4, 16, 0xff);

	/* A count of zero moves nothing. */
	memset(buf, GUARD, sizeof(buf));
	di = (unsigned long)&buf[8];
	cx = 0;
	asm volatile("rep insb"
		     : "+D"(di), "+c"(cx) : "d"(AXV_UNUSED_PORT) : "memory");
	guest_check_eq("rep insb, ECX 0: EDI", di, (unsigned long)&buf[8]);
	check_buf("rep insb, ECX 0: buffer untouched", 0, 0, 0);
}

static void test_string_df1(void)
{
	unsigned long si, di, cx;

	memset(buf, GUARD, sizeof(buf));
	di = (unsigned long)&buf[8 + 15];
	cx = 16;
	asm volatile("std; rep insb; cld"
		     : "+D"(di), "+c"(cx) : "d"(AXV_UNUSED_PORT) : "memory");
	guest_check_eq("std; rep insb: EDI", di, (unsigned long)&buf[7]);
	guest_check_eq("std; rep insb: ECX", cx, 0);
	check_buf("std; rep insb: 16 bytes of 0xff", 8, 16, 0xff);

	si = (unsigned long)&words[3];
	cx = 4;
	asm volatile("std; rep outsw; cld"
		     : "+S"(si), "+c"(cx) : "d"(AXV_UNUSED_PORT) : "memory");
	guest_check_eq("std; rep outsw: ESI", si, (unsigned long)words - 2);
	guest_check_eq("std; rep outsw: ECX", cx, 0);
}

/*
 * 16-bit address size (0x67 prefix): CX counts and DI moves, the upper
 * halves of ECX and EDI stay.  The buffer is on the stack, below 64 KiB.
 */
static void test_string_a16(void)
{
	u8 low[16];
	unsigned long di, cx, base = (unsigned long)low;

	if (base + sizeof(low) > 0x10000) {
		guest_skip("a16 rep insb", "stack above 64 KiB");
		return;
	}
	memset(low, GUARD, sizeof(low));
	di = 0xabcd0000 | (base + 4);
	cx = 0x12340008;
	asm volatile("addr16 rep insb"
		     : "+D"(di), "+c"(cx) : "d"(AXV_UNUSED_PORT) : "memory");
	guest_check_eq("a16 rep insb: EDI", di, 0xabcd0000 | (base + 12));
	guest_check_eq("a16 rep insb: ECX", cx, 0x12340000);
	check_bytes("a16 rep insb: 8 bytes of 0xff", low, sizeof(low), 4, 8,
		    0xff);
}

void guest_main(void)
{
	test_uart();
	test_unused_port();
	test_string_df0();
	test_string_df1();
	test_string_a16();
	guest_done("io_test");
}
