/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Multiboot v1 header, linked first into the images that are to be
 * started as a Multiboot loader would start them.  Flags: modules page
 * aligned (bit 0), memory information wanted (bit 1); the image is an ELF,
 * so no address fields (bit 16 clear).
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.section .note.GNU-stack, "", @progbits
