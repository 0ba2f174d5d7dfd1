/* SPDX-License-Identifier: GPL-2.0 */
/*
 * real_hello: a flat binary started by "userctl run" in real mode at
 * --entry (0x1000): says hello and checks CS:IP, SP and the data segments
 * as the contract sets them.
 */
#include "guest.h"

	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cld
	movw	%sp, %bp
	pushw	%ss
	pushw	%es
	pushw	%ds
	pushw	%bp
	pushw	%cs
	call	here			/* pushes the IP of here */
here:
	movw	$s_hello, %si
	call	puts

	popw	%ax
	subw	$(here - _start), %ax
	movw	$(AXV_FLAT_ENTRY - ((AXV_FLAT_ENTRY >> 4) & 0xf000) * 16), %bx
	movw	$s_ip, %si
	call	report
	popw	%ax
	movw	$((AXV_FLAT_ENTRY >> 4) & 0xf000), %bx
	movw	$s_cs, %si
	call	report
	popw	%ax
	movw	$AXV_FLAT_STACK, %bx
	movw	$s_sp, %si
	call	report
	xorw	%bx, %bx
	popw	%ax
	movw	$s_ds, %si
	call	report
	popw	%ax
	movw	$s_es, %si
	call	report
	popw	%ax
	movw	$s_ss, %si
	call	report

	movb	$AXV_GUEST_PASS, %bl
	movw	$s_pass, %si
	cmpb	$0, failed
	je	1f
	movb	$AXV_GUEST_FAIL, %bl
	movw	$s_fail, %si
1:	call	puts
	movb	%bl, %al
	outb	%al, $AXV_DEBUG_EXIT_PORT
2:	cli
	hlt
	jmp	2b

/* report: AX = got, BX = want, SI = what: prints one result line. */
report:
	pushw	%bx
	pushw	%ax
	incb	count
	cmpw	%bx, %ax
	je	1f
	incb	failed
	pushw	%si
	movw	$s_not, %si
	call	puts
	popw	%si
1:	pushw	%si
	movw	$s_ok, %si
	call	puts
	movb	count, %al
	addb	$'0', %al
	call	putc
	movw	$s_dash, %si
	call	puts
	popw	%si
	call	puts
	popw	%ax
	popw	%bx
	cmpw	%bx, %ax
	je	2f
	movw	$s_got, %si
	call	puts
	call	puthex
	movw	$s_want, %si
	call	puts
	movw	%bx, %ax
	call	puthex
2:	movb	$'\n', %al
	jmp	putc

/* puthex: prints AX as 0x and four hex digits. */
puthex:
	pushw	%cx
	pushw	%dx
	movw	%ax, %dx
	movb	$'0', %al
	call	putc
	movb	$'x', %al
	call	putc
	movw	$4, %cx
1:	rolw	$4, %dx
	movb	%dl, %al
	andb	$0xf, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	2f
	addb	$('a' - '0' - 10), %al
2:	call	putc
	loop	1b
	popw	%dx
	popw	%cx
	ret

/* puts: prints the string at DS:SI. */
puts:
	lodsb
	testb	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

/* putc: prints AL once the transmitter holding register is empty. */
putc:
	pushw	%dx
	pushw	%cx
	pushw	%ax
	movw	$AXV_UART_LSR, %dx
	movw	$0xffff, %cx
1:	inb	%dx, %al
	testb	$AXV_UART_LSR_THRE, %al
	loopz	1b
	popw	%ax
	movw	$AXV_UART_THR, %dx
	outb	%al, %dx
	popw	%cx
	popw	%dx
	ret

	.section .rodata
s_hello:	.asciz	"hello from real mode\n"
s_ip:		.asciz	"entry IP"
s_cs:		.asciz	"entry CS"
s_sp:		.asciz	"entry SP"
s_ds:		.asciz	"DS"
s_es:		.asciz	"ES"
s_ss:		.asciz	"SS"
s_not:		.asciz	"not "
s_ok:		.asciz	"ok "
s_dash:		.asciz	" - "
s_got:		.asciz	": got "
s_want:		.asciz	" want "
s_pass:		.asciz	"PASS real_hello\n"
s_fail:		.asciz	"FAIL real_hello\n"

	.data
count:		.byte	0
failed:		.byte	0

	.section .note.GNU-stack, "", @progbits
