/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code of emul_test.c, for flat 32-bit protected mode, run at CODE
 * (0x1000) with RAM below 256 KiB and nothing at 0xd0000: every access
 * there is the VMM's, one AXV_EXIT_MMIO each.  The instructions are the
 * ones drivers and compilers use on device registers beyond plain MOV.
 */

	.pushsection .rodata
	.code32

/* A delivery-status poll as GCC writes it for a volatile read (testl). */
	.globl emul_poll_code
emul_poll_code:
1:	testl $0x1000, 0xd0300
	jnz 1b
	cli
	hlt
	.globl emul_poll_code_end
emul_poll_code_end:

/* Read-modify-writes: each is one read exit, then one write exit. */
	.globl emul_rmw_code
emul_rmw_code:
	mov $35, %eax
	lock orl $0x5, 0xd0010
	lock btsl %eax, 0xd0000		/* bit 3 of the dword at 0xd0004 */
	lock btrl $1, 0xd0040
	mov $0x11111111, %ecx
	xchg %ecx, 0xd0020
	mov $2, %edx
	lock xaddl %edx, 0xd0030
	mov $0x77, %eax
	mov $0x99, %ebx
	lock cmpxchgl %ebx, 0xd0050	/* equal: 0x99 goes in */
	addb $1, 0xd0060
	negw 0xd0062
	shll $4, 0xd0064
	cmpl $7, 0xd0068		/* a read only */
	setz 0xd0070
	cli
	hlt
	.globl emul_rmw_code_end
emul_rmw_code_end:

/* String copies between RAM and the device, up and down. */
	.globl emul_string_code
emul_string_code:
	mov $0x2000, %esi
	mov $0xd0100, %edi
	mov $3, %ecx
	cld
	rep movsl
	mov $0xd0208, %esi
	mov $0x2100, %edi
	mov $2, %ecx
	std
	rep movsl
	cld
	cli
	hlt
	.globl emul_string_code_end
emul_string_code_end:

/* 16-byte SSE moves, each two 8-byte accesses. */
	.globl emul_sse_code
emul_sse_code:
	mov %cr4, %eax
	or $0x200, %eax			/* CR4.OSFXSR */
	mov %eax, %cr4
	movdqu 0xd0400, %xmm0
	movdqu %xmm0, 0xd0500
	cli
	hlt
	.globl emul_sse_code_end
emul_sse_code_end:

/* String I/O with the device as its memory operand, both ways. */
	.globl emul_strio_code
emul_strio_code:
	mov $0xd0000, %esi
	mov $0xf2, %dx
	mov $2, %ecx
	cld
	rep outsb
	mov $0xd0100, %edi
	mov $0xf3, %dx
	mov $2, %ecx
	rep insb
	cli
	hlt
	.globl emul_strio_code_end
emul_strio_code_end:

/* An instruction the emulator does not know, on the device. */
	.globl emul_unknown_code
emul_unknown_code:
	imull 0xd0000, %eax
	cli
	hlt
	.globl emul_unknown_code_end
emul_unknown_code_end:

/*
 * Single-stepping across an exit: TF is set for the MMIO load, whose #DB
 * must come right after it, once, with the next instruction's address;
 * the handler sends that address to port 0xf1 and clears TF.  Then the
 * same for CPUID, which the kernel answers without the guest running it.
 */
	.globl emul_step_code
emul_step_code:
	mov $0x8000, %esp
	pushf
	orl $0x100, (%esp)
	popf
	movl 0xd0000, %eax
	.globl emul_step_next
emul_step_next:
	pushf
	orl $0x100, (%esp)
	popf
	cpuid
	.globl emul_step_next2
emul_step_next2:
	nop
	cli
	hlt
	.globl emul_step_handler
emul_step_handler:
	mov (%esp), %eax
	out %eax, $0xf1
	andl $~0x100, 8(%esp)
	iret
	.globl emul_step_code_end
emul_step_code_end:

/*
 * Data breakpoints on emulated accesses: DR0 on writes of the 4 bytes at
 * 0xd0004, DR1 on reads and writes of the byte at 0xd0010, DR2 on writes
 * of the 4 bytes at 0x7000 in RAM.  The store to RAM meets DR2 in the
 * processor itself: its #DB is the reference.  Then the store to the
 * device meets DR0, the load of the same bytes does not, the 2-byte load
 * at 0xd000f meets DR1; each #DB comes once, after its instruction.  The
 * handler sends DR6's B0-B3 and BS to port 0xf2 and the return address
 * to port 0xf1, and clears DR6.
 */
	.globl emul_dbp_code
emul_dbp_code:
	mov $0x8000, %esp
	/* DR6 is not switched: clear what an earlier guest left in it. */
	xor %eax, %eax
	mov %eax, %dr6
	mov $0xd0004, %eax
	mov %eax, %dr0
	mov $0xd0010, %eax
	mov %eax, %dr1
	mov $0x7000, %eax
	mov %eax, %dr2
	/* L0, R/W0 01, LEN0 11; L1, R/W1 11, LEN1 00; L2, R/W2 01, LEN2 11. */
	mov $(1 | 1 << 2 | 1 << 4 | 1 << 16 | 3 << 18 | 3 << 20 | \
	      1 << 24 | 3 << 26), %eax
	mov %eax, %dr7
	movl $0x22, 0x7000
	.globl emul_dbp_next0
emul_dbp_next0:
	movl $0x11, 0xd0004
	.globl emul_dbp_next
emul_dbp_next:
	movl 0xd0004, %eax
	movw 0xd000f, %ax
	.globl emul_dbp_next2
emul_dbp_next2:
	cli
	hlt
	.globl emul_dbp_handler
emul_dbp_handler:
	mov %dr6, %eax
	and $0x400f, %eax
	out %eax, $0xf2
	mov (%esp), %eax
	out %eax, $0xf1
	xor %eax, %eax
	mov %eax, %dr6
	iret
	.globl emul_dbp_code_end
emul_dbp_code_end:

/*
 * I/O and data breakpoints on what the kernel does for IN, OUT, INS and
 * OUTS, and single-step over REP OUTS: each #DB trap must follow the
 * instruction, or the iteration, that made the access (SDM Vol. 3,
 * 18.3.1.2 and 18.3.1.4).  The handler sends DR6's B0-B3 and BS to port
 * 0xf2 and the return EIP to 0xf1, clears DR6 and the saved TF.
 */
	.globl emul_iobp_code
emul_iobp_code:
	mov $0x8000, %esp
	xor %eax, %eax
	mov %eax, %dr6
	mov %cr4, %eax
	or $0x8, %eax			/* CR4.DE: R/W 10 is an I/O breakpoint */
	mov %eax, %cr4
	mov $0xe0, %eax
	mov %eax, %dr0
	mov $0x7002, %eax
	mov %eax, %dr1
	/* L0, R/W0 10 (I/O), LEN0 00; L1, R/W1 01 (writes), LEN1 00. */
	mov $(1 | 1 << 2 | 2 << 16 | 1 << 20), %eax
	mov %eax, %dr7
	movw $0x7877, 0x7100
	mov $0x5a, %al
	out %al, $0xe0
	.globl emul_iobp_next1
emul_iobp_next1:
	in $0xe0, %al
	.globl emul_iobp_next2
emul_iobp_next2:
	out %al, $0xe1
	cld
	mov $0x7000, %edi
	mov $4, %ecx
	mov $0xe4, %dx
	.globl emul_iobp_ins
emul_iobp_ins:
	rep insb
	mov $0x7100, %esi
	mov $2, %ecx
	mov $0xe0, %dx
	.globl emul_iobp_outs
emul_iobp_outs:
	rep outsb
	.globl emul_iobp_next3
emul_iobp_next3:
	mov $0xd0000, %esi
	mov $1, %ecx
	rep outsb			/* from a device to the watched port */
	.globl emul_iobp_next4
emul_iobp_next4:
	mov $0x7100, %esi
	mov $3, %ecx
	mov $0xe6, %dx
	pushf
	orl $0x100, (%esp)
	popf
	.globl emul_iobp_outs_tf
emul_iobp_outs_tf:
	rep outsb
	cli
	hlt
	.globl emul_iobp_handler
emul_iobp_handler:
	push %eax
	mov %dr6, %eax
	and $0x400f, %eax
	out %eax, $0xf2
	mov 4(%esp), %eax
	out %eax, $0xf1
	xor %eax, %eax
	mov %eax, %dr6
	andl $~0x100, 12(%esp)
	pop %eax
	iret
	.globl emul_iobp_code_end
emul_iobp_code_end:

	.code64
	.popsection
	.section .note.GNU-stack,"",@progbits
