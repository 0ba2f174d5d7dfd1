/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the QEMU smoke run only: the Multiboot entry (32-bit code) of the
 * ELF64 guests' QEMU copies.  Sets up what "userctl run" gives an ELF64:
 * long mode, the low 4 GiB identity-mapped with 2 MiB pages, CS 0x18, data
 * selectors 0x10, RSP 0x7000; then jumps to the guest's _start.
 */
#include "guest.h"

#define EFER		0xc0000080
#define EFER_LME	(1 << 8)
#define PTE_P_W		0x3
#define PTE_PS		0x80

	.text
	.code32
	.globl qemu_entry64
qemu_entry64:
	movl	$pdpt + PTE_P_W, pml4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax		/* PDPT[i] -> page directory i */
	shll	$12, %eax
	addl	$pd + PTE_P_W, %eax
	movl	%eax, pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jb	1b
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax		/* PD entry i maps i * 2 MiB */
	shll	$21, %eax
	orl	$PTE_P_W + PTE_PS, %eax
	movl	%eax, pd(, %ecx, 8)
	incl	%ecx
	cmpl	$4 * 512, %ecx
	jb	2b

	lgdt	gdt_desc
	movl	%cr4, %eax
	orl	$(1 << 5), %eax		/* CR4.PAE */
	movl	%eax, %cr4
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	$EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax	/* PG | PE */
	movl	%eax, %cr0
	ljmp	$AXV_SEL_CODE64, $3f

	.code64
3:	movl	$AXV_SEL_DATA, %ecx
	movl	%ecx, %ds
	movl	%ecx, %es
	movl	%ecx, %fs
	movl	%ecx, %gs
	movl	%ecx, %ss
	movq	$AXV_ELF_STACK, %rsp
	jmp	_start

	.section .rodata
	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, 32-bit, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
	.quad	0x00af9a000000ffff	/* 0x18: code, 64-bit */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	.bss
	.balign 4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4 * 4096

	.section .note.GNU-stack, "", @progbits
