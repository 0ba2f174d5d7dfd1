/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest test programs: what they share with "userctl run" (ports,
 * exit codes, hypercall numbers) and the helpers of lib/guest.c.
 *
 * Each program prints one line per check, "ok N - what" or
 * "not ok N - what: got X want Y", then "PASS name" or "FAIL name", and
 * ends the run by writing AXV_GUEST_PASS or AXV_GUEST_FAIL to the
 * debug-exit port; userctl then exits with status (V << 1) | 1, so 33 for
 * a pass and 35 for a failure.
 */
#ifndef AXV_GUEST_H
#define AXV_GUEST_H

/* Values written to the debug-exit port, and userctl's exit statuses. */
#define AXV_GUEST_PASS		0x10
#define AXV_GUEST_FAIL		0x11
#define AXV_STATUS_PASS		33
#define AXV_STATUS_FAIL		35
#define AXV_DEBUG_EXIT_PORT	0xf4

/* The 16550 UART of userctl. */
#define AXV_UART		0x3f8
#define AXV_UART_THR		(AXV_UART + 0)	/* DLL when LCR.DLAB = 1 */
#define AXV_UART_DLM		(AXV_UART + 1)	/* when LCR.DLAB = 1 */
#define AXV_UART_LCR		(AXV_UART + 3)
#define AXV_UART_LSR		(AXV_UART + 5)
#define AXV_UART_SCR		(AXV_UART + 7)
#define AXV_UART_LCR_DLAB	0x80
#define AXV_UART_LSR_THRE	0x20
#define AXV_UART_LSR_IDLE	0x60	/* THRE | TEMT: what userctl returns */

/* A port no device decodes, in userctl and in QEMU's PC alike. */
#define AXV_UNUSED_PORT		0x2f0

/* Guest-physical address with no RAM: above 64 MiB, below 4 GiB. */
#ifndef AXV_MMIO_HOLE		/* the QEMU smoke run moves it */
#define AXV_MMIO_HOLE		0xe0000000
#endif

/* Hypercalls: VMCALL with the number in RAX and the argument in RBX. */
#define AXV_HC_PING		0
#define AXV_HC_ENOSYS		(-38)

/* Where userctl starts the programs. */
#define AXV_FLAT_ENTRY		0x1000
#define AXV_FLAT_STACK		0x7c00
#define AXV_ELF_STACK		0x7000
#define AXV_SEL_CODE32		0x08
#define AXV_SEL_DATA		0x10
#define AXV_SEL_CODE64		0x18

#ifndef __ASSEMBLER__

/* gcc's own freestanding headers only. */
#include <stdbool.h>
#include <stddef.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;

#define BIT(n)			(1UL << (n))

#define X86_CR0_PE		BIT(0)
#define X86_CR0_MP		BIT(1)
#define X86_CR0_EM		BIT(2)
#define X86_CR0_TS		BIT(3)
#define X86_CR0_NE		BIT(5)
#define X86_CR0_PG		BIT(31)
#define X86_CR4_PAE		BIT(5)
#define X86_CR4_OSFXSR		BIT(9)
#define X86_CR4_OSXMMEXCPT	BIT(10)
#define X86_CR4_OSXSAVE		BIT(18)

static inline void outb(u8 v, u16 port)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 v, u16 port)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u32 v, u16 port)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline unsigned long read_cr0(void)
{
	unsigned long v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(unsigned long v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(unsigned long v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

#define read_seg(seg) ({						\
	u16 __v;							\
	asm volatile("mov %%" #seg ", %0" : "=rm"(__v));		\
	__v;								\
})

static inline void cpuid(u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(subleaf));
}

/* lib/start32.S, lib/start64.S: registers as the loader left them. */
extern unsigned long guest_entry_sp, guest_entry_ax, guest_entry_bx;

/* Linker script symbols: the loaded image, bss included. */
extern char __image_start[], __image_end[];

/*
 * Each program defines guest_main(), called by the start code, and ends it
 * with guest_done(); returning is a failure.
 */
void guest_main(void);

void guest_putc(char c);
void guest_puts(const char *s);
void guest_put_hex(u64 v);
void guest_put_dec(unsigned long v);

bool guest_check(bool cond, const char *what);
bool guest_check_eq(const char *what, u64 got, u64 want);
bool guest_check_str(const char *what, const char *got, const char *want);
bool guest_check_suffix(const char *what, const char *got, const char *suffix);
void guest_skip(const char *what, const char *why);
void guest_note(const char *what);

void __attribute__((noreturn)) guest_done(const char *name);
void __attribute__((noreturn)) guest_exit(u8 code);

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int memcmp(const void *a, const void *b, size_t n);
void *memset(void *p, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif /* __ASSEMBLER__ */
#endif /* AXV_GUEST_H */
