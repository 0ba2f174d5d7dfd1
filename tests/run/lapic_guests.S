/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code of lapic_test.c, for flat 32-bit protected mode (the AP's in
 * real mode): absolute addresses, each piece between NAME and NAME_end.
 * Results go out through OUT, one port per check (lapic_test.c lists
 * them).  Handlers 0x40-0x42 count at 0x9000 + (vector & 7) * 4 and
 * write the xAPIC EOI; 0x43 writes the x2APIC EOI MSR; #GP (13) counts at
 * 0x9014 and skips the 2-byte WRMSR that raised it.
 */

	.pushsection .rodata
	.code32
	.globl h40
h40:
	incl 0x9000
	movl $0, 0xfee000b0
	iret
	.globl h40_end
h40_end:
	.globl h41
h41:
	incl 0x9004
	movl $0, 0xfee000b0
	iret
	.globl h41_end
h41_end:
	.globl h42
h42:
	incl 0x9008
	movl $0, 0xfee000b0
	iret
	.globl h42_end
h42_end:
	.globl h43
h43:
	incl 0x900c
	push %eax
	push %ecx
	push %edx
	mov $0x80b, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %edx
	pop %ecx
	pop %eax
	iret
	.globl h43_end
h43_end:
	.globl h0d
h0d:
	addl $4, %esp
	addl $2, (%esp)
	incl 0x9014
	iret
	.globl h0d_end
h0d_end:
/* Registers, self-IPI, timer, TPR, IF, x2APIC: one result per OUT. */
	.globl regs_code
regs_code:
	movl $0x1ff, 0xfee000f0	/* SVR: enabled, spurious 0xff */
	sti
	movl $0x40040, 0xfee00300	/* self IPI, vector 0x40 */
	nop
	mov 0x9000, %eax
	out %al, $0x84		/* 1 */
	cli			/* the tick may come before the HLT */
	movl $0x41, 0xfee00320	/* LVT timer: one-shot, 0x41 */
	movl $0xb, 0xfee003e0	/* divide by 1 */
	movl $1000000, 0xfee00380	/* 1 ms */
1:
	sti			/* taken only once the HLT has begun */
	hlt
	cli
	cmpl $0, 0x9004
	je 1b
	sti
	mov 0x9004, %eax	/* 1 */
	out %al, $0x85
	movl $0x50, 0xfee00080	/* TPR class 5 */
	movl $0x40042, 0xfee00300	/* self IPI 0x42: class 4, held */
	nop
	mov 0x9008, %eax	/* 0 */
	out %al, $0x86
	movl $0, 0xfee00080	/* TPR 0: delivered */
	nop
	mov 0x9008, %eax	/* 1 */
	out %al, $0x87
	cli
	movl $0x40040, 0xfee00300	/* pending while IF=0 */
	nop
	mov 0x9000, %eax	/* still 1 */
	out %al, $0x88
	sti
	nop
	mov 0x9000, %eax	/* 2 */
	out %al, $0x89
	mov $0x1b, %ecx	/* x2APIC on */
	rdmsr
	or $0x400, %eax
	wrmsr
	mov $0x802, %ecx	/* ID: 0 */
	rdmsr
	out %al, $0x8a
	mov $0x83f, %ecx
	mov $0x43, %eax
	xor %edx, %edx
	wrmsr
	nop
	mov 0x900c, %eax	/* 1 */
	out %al, $0x8b
	mov $0x1b, %ecx	/* #GP */
	rdmsr
	and $0xfffffbff, %eax
	wrmsr
	mov 0x9014, %eax	/* 1 */
	out %al, $0x8c
	out %al, $0x8f
	.globl regs_code_end
regs_code_end:
/* BSP: INIT, SIPI, SIPI to APIC ID 1, then OUT to 0x82. */
	.globl bsp_code
bsp_code:
	movl $0x01000000, 0xfee00310
	movl $0x4500, 0xfee00300	/* INIT, assert */
	movl $0x4602, 0xfee00300	/* start-up, vector 2 */
	movl $0x4602, 0xfee00300	/* again: ignored */
	out %al, $0x82
	.globl bsp_code_end
bsp_code_end:
/* Halt until AXV_SEND_IRQ's vector 0x42 arrives. */
	.globl wait_code
wait_code:
	movl $0x1ff, 0xfee000f0
	sti
1:
	hlt
	cmpl $0, 0x9008
	je 1b
	out %al, $0x86
	.globl wait_code_end
wait_code_end:
	.code16
/* The AP, in real mode at 0x200:0. */
	.globl ap_code
ap_code:
	mov $0x5a, %al
	out %al, $0x81
1:
	hlt
	jmp 1b
	.globl ap_code_end
ap_code_end:
	.code64
	.popsection
	.section .note.GNU-stack,"",@progbits
