/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device access the way Linux's x86 drivers do it, for the guests: the
 * MMIO accessors (readb() ... writeq()), the atomic bit operations, the
 * string copies to and from I/O memory, and xchg/cmpxchg.  Each is written
 * here from scratch, but emits the instructions Linux's own versions emit
 * (arch/x86/include/asm/io.h, bitops.h, cmpxchg.h, arch/x86/lib/iomem.c),
 * so that a guest exercises what a Linux guest would make its hypervisor
 * emulate.
 */
#ifndef AXV_IO_H
#define AXV_IO_H

#include "guest.h"

/*
 * readX()/writeX(): one MOV of the access's width through a volatile
 * memory operand, with a compiler barrier.
 */
static inline u8 readb(const volatile void *addr)
{
	u8 v;

	asm volatile("movb %1, %0"
		     : "=q"(v) : "m"(*(const volatile u8 *)addr) : "memory");
	return v;
}

static inline u16 readw(const volatile void *addr)
{
	u16 v;

	asm volatile("movw %1, %0"
		     : "=r"(v) : "m"(*(const volatile u16 *)addr) : "memory");
	return v;
}

static inline u32 readl(const volatile void *addr)
{
	u32 v;

	asm volatile("movl %1, %0"
		     : "=r"(v) : "m"(*(const volatile u32 *)addr) : "memory");
	return v;
}

static inline void writeb(u8 v, volatile void *addr)
{
	asm volatile("movb %0, %1"
		     : : "q"(v), "m"(*(volatile u8 *)addr) : "memory");
}

static inline void writew(u16 v, volatile void *addr)
{
	asm volatile("movw %0, %1"
		     : : "r"(v), "m"(*(volatile u16 *)addr) : "memory");
}

static inline void writel(u32 v, volatile void *addr)
{
	asm volatile("movl %0, %1"
		     : : "r"(v), "m"(*(volatile u32 *)addr) : "memory");
}

#ifdef __x86_64__
static inline u64 readq(const volatile void *addr)
{
	u64 v;

	asm volatile("movq %1, %0"
		     : "=r"(v) : "m"(*(const volatile u64 *)addr) : "memory");
	return v;
}

static inline void writeq(u64 v, volatile void *addr)
{
	asm volatile("movq %0, %1"
		     : : "r"(v), "m"(*(volatile u64 *)addr) : "memory");
}
#else
/*
 * 32-bit Linux has no 64-bit MOV: drivers take readq()/writeq() from
 * io-64-nonatomic-lo-hi.h, two 32-bit accesses, the low half first.
 */
static inline u64 readq(const volatile void *addr)
{
	const volatile u32 *p = addr;
	u32 lo = readl(p);

	return (u64)readl(p + 1) << 32 | lo;
}

static inline void writeq(u64 v, volatile void *addr)
{
	volatile u32 *p = addr;

	writel(v, p);
	writel(v >> 32, p + 1);
}
#endif

/* Hide a constant from the compiler: the bit operations' register forms. */
static inline long opaque_long(long v)
{
	asm("" : "+r"(v));
	return v;
}

/*
 * The atomic bit operations on a bitmap of unsigned longs.  A bit number
 * the compiler knows becomes a LOCK OR/AND/XOR of one byte with an
 * immediate mask (the byte that holds the bit); any other becomes LOCK
 * BTS/BTR/BTC with the number in a register, which addresses the bit
 * string from @addr, negative numbers included.
 */
#define BITOP_BYTE(nr, addr)	(*((volatile u8 *)(addr) + ((nr) >> 3)))
#define BITOP_MASK(nr)		((u8)(1 << ((nr) & 7)))

static __attribute__((always_inline)) inline void
set_bit(long nr, volatile unsigned long *addr)
{
	if (__builtin_constant_p(nr))
		asm volatile("lock orb %1, %0"
			     : "+m"(BITOP_BYTE(nr, addr))
			     : "iq"(BITOP_MASK(nr)) : "memory");
	else
		asm volatile("lock bts%z0 %1, %0"
			     : : "m"(*addr), "Ir"(nr) : "memory");
}

static __attribute__((always_inline)) inline void
clear_bit(long nr, volatile unsigned long *addr)
{
	if (__builtin_constant_p(nr))
		asm volatile("lock andb %1, %0"
			     : "+m"(BITOP_BYTE(nr, addr))
			     : "iq"((u8)~BITOP_MASK(nr)) : "memory");
	else
		asm volatile("lock btr%z0 %1, %0"
			     : : "m"(*addr), "Ir"(nr) : "memory");
}

static __attribute__((always_inline)) inline void
change_bit(long nr, volatile unsigned long *addr)
{
	if (__builtin_constant_p(nr))
		asm volatile("lock xorb %1, %0"
			     : "+m"(BITOP_BYTE(nr, addr))
			     : "iq"(BITOP_MASK(nr)) : "memory");
	else
		asm volatile("lock btc%z0 %1, %0"
			     : : "m"(*addr), "Ir"(nr) : "memory");
}

/* LOCK BTS, the old bit from CF; a known number is an immediate (0F BA /5). */
static __attribute__((always_inline)) inline bool
test_and_set_bit(long nr, volatile unsigned long *addr)
{
	bool old;

	asm volatile("lock bts%z0 %2, %0"
		     : "+m"(*addr), "=@ccc"(old) : "Ir"(nr) : "memory");
	return old;
}

/* BT with the number in a register: a read of the word that holds the bit. */
static inline bool test_bit_var(long nr, const volatile unsigned long *addr)
{
	bool bit;

	asm volatile("bt%z1 %2, %1"
		     : "=@ccc"(bit) : "m"(*addr), "r"(nr) : "memory");
	return bit;
}

/* xchg() and friends on a 32-bit word (XCHG locks by itself). */
static inline u32 xchg32(volatile u32 *p, u32 v)
{
	asm volatile("xchgl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

/* cmpxchg(): the value found; @p holds @new if that was @old. */
static inline u32 cmpxchg32(volatile u32 *p, u32 old, u32 new)
{
	asm volatile("lock cmpxchgl %2, %1"
		     : "+a"(old), "+m"(*p) : "r"(new) : "memory");
	return old;
}

/* cmpxchg_local(): the same without LOCK. */
static inline u32 cmpxchg32_local(volatile u32 *p, u32 old, u32 new)
{
	asm volatile("cmpxchgl %2, %1"
		     : "+a"(old), "+m"(*p) : "r"(new) : "memory");
	return old;
}

/* atomic_fetch_add(): LOCK XADD, the old value. */
static inline u32 xadd32(volatile u32 *p, u32 v)
{
	asm volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

/* cmpxchg64(): LOCK CMPXCHG8B on 32-bit, LOCK CMPXCHG of a quadword on 64-bit. */
static inline u64 cmpxchg64(volatile u64 *p, u64 old, u64 new)
{
#ifdef __x86_64__
	asm volatile("lock cmpxchgq %2, %1"
		     : "+a"(old), "+m"(*p) : "r"(new) : "memory");
#else
	asm volatile("lock cmpxchg8b %1"
		     : "+A"(old), "+m"(*p)
		     : "b"((u32)new), "c"((u32)(new >> 32)) : "memory");
#endif
	return old;
}

/*
 * memcpy_toio(), memcpy_fromio(): align the I/O side with a MOVSB and a
 * MOVSW, then REP MOVSL, then the tail with MOVSW and MOVSB
 * (arch/x86/lib/iomem.c).  DF is clear.
 */
static inline void io_rep_movs(void *to, const void *from, size_t n)
{
	unsigned long c, d, s;

	asm volatile("rep movsl\n\t"
		     "testb $2, %b4\n\t"
		     "je 1f\n\t"
		     "movsw\n"
		     "1:\ttestb $1, %b4\n\t"
		     "je 2f\n\t"
		     "movsb\n"
		     "2:"
		     : "=&c"(c), "=&D"(d), "=&S"(s)
		     : "0"(n / 4), "q"(n), "1"(to), "2"(from)
		     : "memory");
}

#define IO_MOVS(type, to, from)						\
	({								\
		asm volatile("movs" type				\
			     : "+D"(to), "+S"(from) : : "memory");	\
	})

static inline void memcpy_toio(volatile void *dst, const void *src, size_t n)
{
	void *to = (void *)dst;
	const void *from = src;

	if (!n)
		return;
	if ((unsigned long)to & 1) {
		IO_MOVS("b", to, from);
		n--;
	}
	if (n > 1 && ((unsigned long)to & 2)) {
		IO_MOVS("w", to, from);
		n -= 2;
	}
	io_rep_movs(to, from, n);
}

static inline void memcpy_fromio(void *dst, const volatile void *src, size_t n)
{
	void *to = dst;
	const void *from = (const void *)src;

	if (!n)
		return;
	if ((unsigned long)from & 1) {
		IO_MOVS("b", to, from);
		n--;
	}
	if (n > 1 && ((unsigned long)from & 2)) {
		IO_MOVS("w", to, from);
		n -= 2;
	}
	io_rep_movs(to, from, n);
}

/*
 * memset_io(): memset(), as i386's string routine writes it: REP STOSL,
 * then a STOSW and a STOSB for the tail.
 */
static inline void memset_io(volatile void *dst, u8 c, size_t n)
{
	unsigned long d0, d1;

	asm volatile("rep stosl\n\t"
		     "testb $2, %b3\n\t"
		     "je 1f\n\t"
		     "stosw\n"
		     "1:\ttestb $1, %b3\n\t"
		     "je 2f\n\t"
		     "stosb\n"
		     "2:"
		     : "=&c"(d0), "=&D"(d1)
		     : "a"(c * 0x01010101U), "q"(n), "0"(n / 4), "1"(dst)
		     : "memory");
}

/* The ERMS/FSRM forms of memset() and memcpy(): REP STOSB, REP MOVSB. */
static inline void memset_io_erms(volatile void *dst, u8 c, size_t n)
{
	void *d = (void *)dst;

	asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
}

static inline void memcpy_fromio_fsrm(void *dst, const volatile void *src,
				      size_t n)
{
	const void *s = (const void *)src;

	asm volatile("rep movsb" : "+D"(dst), "+S"(s), "+c"(n) : : "memory");
}

static inline void cpu_pause(void)
{
	asm volatile("pause" : : : "memory");
}

#endif /* AXV_IO_H */
