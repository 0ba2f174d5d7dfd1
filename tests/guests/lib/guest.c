// SPDX-License-Identifier: GPL-2.0
/*
 * The guest programs' library, built once as 32-bit and once as 64-bit
 * code: UART output, numbers, the ok/not ok lines and the exit through
 * the debug-exit port.
 */
#include "guest.h"

unsigned long guest_entry_sp, guest_entry_ax, guest_entry_bx;

static unsigned int checks;
static unsigned int failures;

void guest_putc(char c)
{
	unsigned int spin;

	/* userctl's LSR always reads idle; a real 16550 may be busy. */
	for (spin = 0; spin < 100000; spin++)
		if (inb(AXV_UART_LSR) & AXV_UART_LSR_THRE)
			break;
	outb(c, AXV_UART_THR);
}

void guest_puts(const char *s)
{
	while (*s)
		guest_putc(*s++);
}

void guest_put_hex(u64 v)
{
	int shift = 60;

	guest_puts("0x");
	while (shift > 0 && !((v >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		guest_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

void guest_put_dec(unsigned long v)
{
	char buf[24];
	int i = sizeof(buf);

	buf[--i] = '\0';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	guest_puts(&buf[i]);
}

/* Start a result line: "ok N - what" or "not ok N - what". */
static bool result(bool cond, const char *what)
{
	checks++;
	if (!cond) {
		failures++;
		guest_puts("not ");
	}
	guest_puts("ok ");
	guest_put_dec(checks);
	guest_puts(" - ");
	guest_puts(what);
	return cond;
}

bool guest_check(bool cond, const char *what)
{
	result(cond, what);
	guest_putc('\n');
	return cond;
}

bool guest_check_eq(const char *what, u64 got, u64 want)
{
	if (result(got == want, what)) {
		guest_putc('\n');
		return true;
	}
	guest_puts(": got ");
	guest_put_hex(got);
	guest_puts(" want ");
	guest_put_hex(want);
	guest_putc('\n');
	return false;
}

static bool report_str(bool cond, const char *what, const char *got,
		       const char *want)
{
	if (result(cond, what)) {
		guest_putc('\n');
		return true;
	}
	guest_puts(": got \"");
	guest_puts(got);
	guest_puts("\" want \"");
	guest_puts(want);
	guest_puts("\"\n");
	return false;
}

bool guest_check_str(const char *what, const char *got, const char *want)
{
	return report_str(!strcmp(got, want), what, got, want);
}

bool guest_check_suffix(const char *what, const char *got, const char *suffix)
{
	size_t n = strlen(got), m = strlen(suffix);

	return report_str(n >= m && !strcmp(got + n - m, suffix), what, got,
			  suffix);
}

void guest_skip(const char *what, const char *why)
{
	checks++;
	guest_puts("ok ");
	guest_put_dec(checks);
	guest_puts(" - ");
	guest_puts(what);
	guest_puts(" # SKIP ");
	guest_puts(why);
	guest_putc('\n');
}

void guest_note(const char *what)
{
	guest_puts("# ");
	guest_puts(what);
	guest_putc('\n');
}

void guest_done(const char *name)
{
	bool pass = checks && !failures;

	guest_puts(pass ? "PASS " : "FAIL ");
	guest_puts(name);
	guest_putc('\n');
	guest_exit(pass ? AXV_GUEST_PASS : AXV_GUEST_FAIL);
}

void guest_exit(u8 code)
{
	outb(code, AXV_DEBUG_EXIT_PORT);
	/* Not reached with userctl; a halt ends the run with status 0. */
	for (;;)
		asm volatile("cli; hlt");
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

/*
 * gcc may turn loops into calls of these two; the volatile pointer keeps
 * it from turning them into calls of themselves.
 */
void *memset(void *p, int c, size_t n)
{
	volatile unsigned char *d = p;

	while (n--)
		*d++ = c;
	return p;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}
