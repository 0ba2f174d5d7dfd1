/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the 64-bit programs: long mode, identity-mapped.  Keeps RSP,
 * RAX and RBX as the loader left them, moves to the stack of the linker
 * script and calls guest_main().
 */
#include "guest.h"

	.section .text.start, "ax"
	.code64
	.globl _start
_start:
	movq	%rsp, guest_entry_sp(%rip)
	movq	%rax, guest_entry_ax(%rip)
	movq	%rbx, guest_entry_bx(%rip)
	movq	$__stack_top, %rsp
	cld
	call	guest_main
	movl	$AXV_GUEST_FAIL, %edi
	call	guest_exit

	.section .note.GNU-stack, "", @progbits
