/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 256 interrupt stubs of the 64-bit guests, 16 bytes apart from
 * irq_stubs: each pushes a zero where the CPU pushes no error code, then
 * its vector, and joins irq_common, which saves the general registers as
 * struct irq_frame (lapic.h) and calls irq_dispatch(frame).  irq_dispatch
 * may change the frame (RIP for a fault's fix-up) before IRETQ.
 */
#include "guest.h"

	.text
	.code64
	.balign 16
	.globl irq_stubs
irq_stubs:
	vec = 0
	.rept 256
	.balign 16
	/* #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX push an error code. */
	.if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || \
	      vec == 21 || vec == 29 || vec == 30)
	pushq	$0
	.endif
	pushq	$vec
	jmp	irq_common
	vec = vec + 1
	.endr

irq_common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/*
	 * The CPU aligned RSP to 16 before its 5 pushes; with the 2 above
	 * and these 15 it is aligned again, as the ABI wants at the call.
	 */
	movq	%rsp, %rdi
	cld
	call	irq_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits
