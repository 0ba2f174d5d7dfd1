/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the 32-bit programs: protected mode, paging off, flat segments.
 * Keeps ESP, EAX and EBX as the loader left them (a Multiboot loader passes
 * its magic and information address in EAX and EBX), moves to the stack
 * of the linker script and calls guest_main().
 */
#include "guest.h"

	.section .text.start, "ax"
	.code32
	.globl _start
_start:
	movl	%esp, guest_entry_sp
	movl	%eax, guest_entry_ax
	movl	%ebx, guest_entry_bx
	movl	$__stack_top, %esp
	cld
	call	guest_main
	pushl	$AXV_GUEST_FAIL
	call	guest_exit

	.section .note.GNU-stack, "", @progbits
