/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 64 KiB "BIOS" for QEMU's -bios, for the smoke run only: at the reset
 * vector it sets SS:SP to 0:0x7c00 and jumps to the flat image that
 * -device loader put at 0x1000, as "userctl run" would start it.
 */
#include "guest.h"

	.code16
	.text
	.org	0xfff0
	cli
	xorw	%ax, %ax
	movw	%ax, %ss
	movw	$AXV_FLAT_STACK, %sp
	ljmp	$((AXV_FLAT_ENTRY >> 4) & 0xf000), \
		$(AXV_FLAT_ENTRY - ((AXV_FLAT_ENTRY >> 4) & 0xf000) * 16)
	.org	0x10000

	.section .note.GNU-stack, "", @progbits
