/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering the guest and coming back.
 *
 * int vmx_enter_guest(unsigned long *regs, bool launched)
 *
 * Loads the guest GPRs from regs[] (x86 register-number order; RSP is in
 * the VMCS), enters with VMRESUME when launched, VMLAUNCH otherwise, and
 * on a VM exit stores the guest GPRs back.  The VM exit lands at
 * vmx_exit_target (HOST_RIP) with RSP = HOST_RSP, which this function
 * writes to the VMCS on each call: it points at the saved regs pointer
 * below.  Returns 0 after a VM exit and 1 when the VM instruction failed
 * (VMfailValid or VMfailInvalid, SDM Vol. 3, 31.2; the caller reads the
 * VM-instruction error field).  Interrupts must be off.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/unwind_hints.h>

#define REG(n)	((n) * 8)
/* Encoding of the HOST_RSP field (SDM Vol. 3, Appendix B.4.4). */
#define VMCS_HOST_RSP	0x6c14

	.text
SYM_FUNC_START(vmx_enter_guest)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* The regs pointer, found again at the exit through HOST_RSP. */
	push	%rdi
	/* Keep "launched" across the HOST_RSP write. */
	push	%rsi

	mov	$VMCS_HOST_RSP, %eax
	lea	8(%rsp), %rdx
	vmwrite	%rdx, %rax
	jna	.Lwrite_failed

	pop	%rsi
	/* Flags for the branch below; the MOVs that follow keep them. */
	test	%sil, %sil

	mov	REG(1)(%rdi), %rcx
	mov	REG(2)(%rdi), %rdx
	mov	REG(3)(%rdi), %rbx
	mov	REG(5)(%rdi), %rbp
	mov	REG(6)(%rdi), %rsi
	mov	REG(8)(%rdi), %r8
	mov	REG(9)(%rdi), %r9
	mov	REG(10)(%rdi), %r10
	mov	REG(11)(%rdi), %r11
	mov	REG(12)(%rdi), %r12
	mov	REG(13)(%rdi), %r13
	mov	REG(14)(%rdi), %r14
	mov	REG(15)(%rdi), %r15
	mov	REG(0)(%rdi), %rax
	mov	REG(7)(%rdi), %rdi

	UNWIND_HINT_SAVE
	jz	.Llaunch
	vmresume
	jmp	.Lenter_failed
.Llaunch:
	vmlaunch
	jmp	.Lenter_failed

SYM_INNER_LABEL(vmx_exit_target, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	/* RSP = HOST_RSP: the regs pointer is on top. */
	push	%rdi
	mov	8(%rsp), %rdi
	mov	%rax, REG(0)(%rdi)
	mov	%rcx, REG(1)(%rdi)
	mov	%rdx, REG(2)(%rdi)
	mov	%rbx, REG(3)(%rdi)
	mov	%rbp, REG(5)(%rdi)
	mov	%rsi, REG(6)(%rdi)
	popq	REG(7)(%rdi)
	mov	%r8, REG(8)(%rdi)
	mov	%r9, REG(9)(%rdi)
	mov	%r10, REG(10)(%rdi)
	mov	%r11, REG(11)(%rdi)
	mov	%r12, REG(12)(%rdi)
	mov	%r13, REG(13)(%rdi)
	mov	%r14, REG(14)(%rdi)
	mov	%r15, REG(15)(%rdi)
	xor	%eax, %eax

.Lout:
	/* Guest values must not linger in registers the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lenter_failed:
	/* The guest GPRs were loaded: restore the frame and report. */
	mov	$1, %eax
	jmp	.Lout

.Lwrite_failed:
	pop	%rsi
	mov	$1, %eax
	jmp	.Lout
SYM_FUNC_END(vmx_enter_guest)
