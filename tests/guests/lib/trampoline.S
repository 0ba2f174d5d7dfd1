/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The APs' start code.  smp_prepare() copies trampoline_start ..
 * trampoline_end to AXV_TRAMPOLINE (0x8000), after storing the BSP's CR3
 * in trampoline_cr3; a start-up IPI with vector 8 starts an AP there in
 * real mode at CS:IP 0x0800:0000.  It loads its own GDT (the selectors of
 * userctl's), enters protected mode, then long mode on the BSP's page
 * tables, takes the next of the AP stacks and calls ap_entry64() (smp.c).
 * Everything before the jump into the image runs at the copy's address,
 * so it names its own labels through TR().
 */
#include "lapic.h"

#define TR(x)		(AXV_TRAMPOLINE + (x) - trampoline_start)
#define MSR_EFER	0xc0000080
#define EFER_LME	0x100

#if AXV_AP_STACK_SIZE != 4096
#error "tr_code64 shifts by 12 for the stack size"
#endif

	.data
	.balign 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tr_gdt_desc - trampoline_start
	movl	%cr0, %eax
	orl	$1, %eax			/* CR0.PE */
	movl	%eax, %cr0
	ljmpl	$AXV_SEL_CODE32, $TR(tr_code32)

	.code32
tr_code32:
	movl	$AXV_SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$0x20, %eax			/* CR4.PAE */
	movl	%eax, %cr4
	movl	TR(trampoline_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000000, %eax		/* CR0.PG: long mode */
	movl	%eax, %cr0
	ljmp	$AXV_SEL_CODE64, $TR(tr_code64)

	.code64
tr_code64:
	movl	$1, %eax
	lock xaddl %eax, ap_stack_next
	cmpl	$AXV_AP_STACKS, %eax
	jae	tr_park
	incl	%eax
	shll	$12, %eax			/* AXV_AP_STACK_SIZE */
	movq	$ap_stacks, %rsp
	addq	%rax, %rsp
	movq	$ap_entry64, %rax
	call	*%rax
tr_park:
	cli
	hlt
	jmp	tr_park

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* 0x08: code, 32-bit, flat */
	.quad	0x00cf92000000ffff		/* 0x10: data, flat */
	.quad	0x00af9a000000ffff		/* 0x18: code, 64-bit */
tr_gdt_desc:
	.word	tr_gdt_desc - tr_gdt - 1
	.long	TR(tr_gdt)
	.balign 4
	.globl trampoline_cr3
trampoline_cr3:
	.long	0
	.globl trampoline_end
trampoline_end:

	.section .note.GNU-stack, "", @progbits
