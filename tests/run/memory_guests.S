/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code of memory_test.c, for flat 32-bit protected mode: absolute
 * addresses.  Slot 1 (0x200000) and slot 2 (0x400000) hold a word the
 * VMM wrote at +0x12340, which the guest sends to port 0xf0, and get
 * another in their last page; slot 3 (0x600000), which nobody touched
 * before, is written first and read back.
 */

	.pushsection .rodata
	.code32
	.globl huge_code
huge_code:
	mov 0x212340, %eax
	out %eax, $0xf0
	movl $0x5a5a0001, 0x3ff000
	mov 0x412340, %eax
	out %eax, $0xf0
	movl $0x5a5a0002, 0x5ff000
	movl $0x5a5a0003, 0x680000
	mov 0x680000, %eax
	out %eax, $0xf0
	cli
	hlt
	.globl huge_code_end
huge_code_end:

/* Slot 4 (0x800000) is read-only: a load, then a store that exits. */
	.globl ro_huge_code
ro_huge_code:
	mov 0x812340, %eax
	out %eax, $0xf0
	movl $0x5a5a0004, 0x800100
	cli
	hlt
	.globl ro_huge_code_end
ro_huge_code_end:
	.code64
	.popsection
	.section .note.GNU-stack,"",@progbits
