/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the QEMU smoke run only: the Multiboot entry of the ELF32 guests'
 * QEMU copies.  Sets up what "userctl run" gives an ELF32 (CS 0x08, data
 * selectors 0x10, ESP 0x7000) and jumps to the guest's _start.
 */
#include "guest.h"

	.text
	.code32
	.globl qemu_entry32
qemu_entry32:
	lgdt	gdt_desc
	ljmp	$AXV_SEL_CODE32, $1f
1:	movl	$AXV_SEL_DATA, %ecx
	movl	%ecx, %ds
	movl	%ecx, %es
	movl	%ecx, %fs
	movl	%ecx, %gs
	movl	%ecx, %ss
	movl	$AXV_ELF_STACK, %esp
	jmp	_start

	.section .rodata
	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, 32-bit, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	.section .note.GNU-stack, "", @progbits
