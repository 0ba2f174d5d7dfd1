// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU ioctls of the VMX backend: registers, FPU state, MSRs, pending
 * events, interrupts, traps and hypercall results.  Each runs under the
 * vCPU's mutex, so the guest is not running; VMCS fields are read and
 * written with the VMCS made current for the call.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/irq_vectors.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include <linux/axvcpu.h>
#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

/* Bits of RFLAGS that exist (SDM Vol. 1, 3.4.3); bit 1 is always 1. */
#define RFLAGS_VALID	0x3f7fd7UL

static const unsigned long vmx_gpr_order[] = {
	/* struct axv_regs order: rax rbx rcx rdx rsi rdi rsp rbp r8-r15 */
	0, 3, 1, 2, 6, 7, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15,
};

static long vmx_get_regs(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_regs r = { };
	u64 *out = &r.rax;
	unsigned int i;

	vmx_vcpu_get(vmx);
	vmx->regs[VMX_RSP] = vmcs_readl(GUEST_RSP);
	r.rip = vmcs_readl(GUEST_RIP);
	r.rflags = vmcs_readl(GUEST_RFLAGS);
	vmx_vcpu_put(vmx);
	for (i = 0; i < ARRAY_SIZE(vmx_gpr_order); i++)
		out[i] = vmx->regs[vmx_gpr_order[i]];
	return copy_to_user(argp, &r, sizeof(r)) ? -EFAULT : 0;
}

static long vmx_set_regs(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_regs r;
	const u64 *in = &r.rax;
	unsigned int i;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if (r.reserved[0] || r.reserved[1] || r.reserved[2] || r.reserved[3])
		return -EINVAL;
	if (r.rflags & ~RFLAGS_VALID)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(vmx_gpr_order); i++)
		vmx->regs[vmx_gpr_order[i]] = in[i];
	vmx_vcpu_get(vmx);
	vmcs_writel(GUEST_RSP, vmx->regs[VMX_RSP]);
	vmcs_writel(GUEST_RIP, r.rip);
	vmcs_writel(GUEST_RFLAGS, r.rflags | X86_EFLAGS_FIXED);
	vmx_vcpu_put(vmx);
	return 0;
}

/* VMCS access rights (SDM Vol. 3, 24.4.1, Table 24-2) to and from the ABI. */
static void vmx_ar_to_seg(u32 ar, struct axv_segment *s)
{
	s->type = ar & 0xf;
	s->s = (ar >> 4) & 1;
	s->dpl = (ar >> 5) & 3;
	s->present = (ar >> 7) & 1;
	s->avl = (ar >> 12) & 1;
	s->l = (ar >> 13) & 1;
	s->db = (ar >> 14) & 1;
	s->g = (ar >> 15) & 1;
	s->unusable = (ar >> 16) & 1;
}

static u32 vmx_seg_to_ar(const struct axv_segment *s)
{
	return (s->type & 0xf) | (s->s & 1) << 4 | (s->dpl & 3) << 5 |
	       (s->present & 1) << 7 | (s->avl & 1) << 12 | (s->l & 1) << 13 |
	       (s->db & 1) << 14 | (s->g & 1) << 15 | (s->unusable & 1) << 16;
}

struct vmx_seg_fields {
	unsigned long sel, base, limit, ar;
};

#define SEG_FIELDS(S) { GUEST_##S##_SELECTOR, GUEST_##S##_BASE,	\
			GUEST_##S##_LIMIT, GUEST_##S##_AR_BYTES }

/* In struct axv_sregs order: cs ds es fs gs ss tr ldt. */
static const struct vmx_seg_fields vmx_segs[] = {
	SEG_FIELDS(CS), SEG_FIELDS(DS), SEG_FIELDS(ES), SEG_FIELDS(FS),
	SEG_FIELDS(GS), SEG_FIELDS(SS), SEG_FIELDS(TR), SEG_FIELDS(LDTR),
};

static long vmx_get_sregs(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_sregs sr = { };
	struct axv_segment *seg = &sr.cs;
	unsigned int i;

	vmx_vcpu_get(vmx);
	for (i = 0; i < ARRAY_SIZE(vmx_segs); i++) {
		seg[i].selector = __vmcs_read(vmx_segs[i].sel);
		seg[i].base = __vmcs_read(vmx_segs[i].base);
		seg[i].limit = __vmcs_read(vmx_segs[i].limit);
		vmx_ar_to_seg(__vmcs_read(vmx_segs[i].ar), &seg[i]);
	}
	sr.gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	sr.gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	sr.idt.base = vmcs_readl(GUEST_IDTR_BASE);
	sr.idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	sr.cr0 = vmx_guest_cr0();
	sr.cr3 = vmcs_readl(GUEST_CR3);
	sr.cr4 = vmx_guest_cr4();
	sr.efer = vmcs_read64(GUEST_IA32_EFER);
	vmx_vcpu_put(vmx);
	sr.cr2 = vmx->cr2;
	sr.cr8 = vmx_apic_cr8(vmx);
	sr.apic_base = vmx_apic_base(vmx);
	return copy_to_user(argp, &sr, sizeof(sr)) ? -EFAULT : 0;
}

/*
 * Set the system registers as given.  Only what the ABI cannot express
 * is refused here; a state the VM-entry checks refuse makes the next
 * AXV_RUN return AXV_EXIT_FAIL_ENTRY naming the rule, which is how a VMM
 * learns what was wrong.
 */
static long vmx_set_sregs(struct vmx_vcpu *vmx, void __user *argp)
{
	const struct vmx_msrs *m = &vmx_caps.msrs;
	struct axv_sregs sr;
	const struct axv_segment *seg = &sr.cs;
	u32 entry;
	unsigned int i;

	if (copy_from_user(&sr, argp, sizeof(sr)))
		return -EFAULT;
	if (memchr_inv(sr.reserved, 0, sizeof(sr.reserved)))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(vmx_segs); i++)
		if (memchr_inv(seg[i].pad, 0, sizeof(seg[i].pad)))
			return -EINVAL;
	if (memchr_inv(sr.gdt.pad, 0, sizeof(sr.gdt.pad)) ||
	    memchr_inv(sr.idt.pad, 0, sizeof(sr.idt.pad)))
		return -EINVAL;
	/* Bits the VMCS cannot hold, and CR4.VMXE: no nested VMX. */
	if ((sr.cr0 >> 32) || (sr.cr4 & ~m->cr4_fixed1) ||
	    (sr.cr4 & X86_CR4_VMXE) || sr.cr8 > 15)
		return -EINVAL;
	if (vmx->lapic ? !lapic_base_valid(sr.apic_base) :
	    (sr.apic_base & ~(APIC_BASE_BSP | APIC_BASE_ENABLE)) !=
	    APIC_BASE_DEFAULT)
		return -EINVAL;

	vmx_vcpu_get(vmx);
	for (i = 0; i < ARRAY_SIZE(vmx_segs); i++) {
		__vmcs_write(vmx_segs[i].sel, seg[i].selector);
		__vmcs_write(vmx_segs[i].base, seg[i].base);
		__vmcs_write(vmx_segs[i].limit, seg[i].limit);
		__vmcs_write(vmx_segs[i].ar, vmx_seg_to_ar(&seg[i]));
	}
	vmcs_writel(GUEST_GDTR_BASE, sr.gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, sr.gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, sr.idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, sr.idt.limit);
	vmcs_writel(CR0_READ_SHADOW, sr.cr0);
	vmcs_writel(GUEST_CR0, vmx_cr0_hw(sr.cr0));
	vmcs_writel(GUEST_CR3, sr.cr3);
	vmcs_writel(CR4_READ_SHADOW, sr.cr4);
	vmcs_writel(GUEST_CR4, vmx_cr4_hw(sr.cr4));
	vmcs_write64(GUEST_IA32_EFER, sr.efer);
	/* IA-32e mode guest follows EFER.LMA (26.2.4). */
	entry = vmcs_read32(VM_ENTRY_CONTROLS) & ~VM_ENTRY_IA32E_MODE;
	if (sr.efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
	if ((sr.cr0 & X86_CR0_PG) && (sr.cr4 & X86_CR4_PAE) &&
	    !(sr.efer & EFER_LMA))
		vmx_load_pdptrs(vmx, sr.cr3);
	vmx_vcpu_put(vmx);
	vmx->cr2 = sr.cr2;
	vmx_apic_set_cr8(vmx, sr.cr8);
	if (vmx->lapic)
		return lapic_set_base(vmx->lapic, sr.apic_base, true);
	vmx->apic_base = sr.apic_base;
	return 0;
}

/* XSAVE header (SDM Vol. 1, 13.4.2): XSTATE_BV, XCOMP_BV, then zeros. */
#define XSAVE_HDR	512
#define MXCSR_OFF	24

static long vmx_get_fpu(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_fpu *f;
	long err = 0;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->xcr0 = vmx->xcr0;
	f->size = AXV_XSAVE_AREA_SIZE;
	memcpy(f->xsave, vmx->xsave, AXV_XSAVE_AREA_SIZE);
	if (copy_to_user(argp, f, sizeof(*f)))
		err = -EFAULT;
	kfree(f);
	return err;
}

static long vmx_set_fpu(struct vmx_vcpu *vmx, void __user *argp)
{
	u64 supported = vmx_supported_xcr0();
	struct axv_fpu *f;
	u64 *hdr;
	u32 mxcsr;
	long err = -EINVAL;

	f = memdup_user(argp, sizeof(*f));
	if (IS_ERR(f))
		return PTR_ERR(f);
	hdr = (u64 *)(f->xsave + XSAVE_HDR);
	memcpy(&mxcsr, f->xsave + MXCSR_OFF, sizeof(mxcsr));
	/*
	 * What XRSTOR would fault on (SDM Vol. 1, 13.8.1): unknown
	 * components (x87 and SSE are always switched, so AXV_GET_FPU may
	 * give them whatever XCR0 says), compacted format, non-zero header
	 * bytes, reserved MXCSR bits; and an XCR0 XSETBV would refuse.
	 */
	if (f->pad || memchr_inv(f->reserved, 0, sizeof(f->reserved)) ||
	    f->size != AXV_XSAVE_AREA_SIZE ||
	    !(f->xcr0 & XFEATURE_MASK_FP) || (f->xcr0 & ~supported) ||
	    ((f->xcr0 & XFEATURE_MASK_YMM) && !(f->xcr0 & XFEATURE_MASK_SSE)) ||
	    (hdr[0] & ~(f->xcr0 | XFEATURE_MASK_FP | XFEATURE_MASK_SSE)) ||
	    hdr[1] ||
	    memchr_inv(&hdr[2], 0, 48) || (mxcsr & 0xffff0000))
		goto out;
	vmx->xcr0 = f->xcr0;
	memcpy(vmx->xsave, f->xsave, AXV_XSAVE_AREA_SIZE);
	err = 0;
out:
	kfree(f);
	return err;
}

static long vmx_msrs_ioctl(struct vmx_vcpu *vmx, void __user *argp,
			   bool set)
{
	struct axv_msrs __user *um = argp;
	struct axv_msr_entry e;
	u32 n, i, pad;
	int err = 0;

	if (get_user(n, &um->nmsrs) || get_user(pad, &um->pad))
		return -EFAULT;
	if (pad)
		return -EINVAL;
	if (n > VMX_MAX_MSRS)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		if (copy_from_user(&e, &um->entries[i], sizeof(e)))
			return -EFAULT;
		if (e.reserved)
			return -EINVAL;
		vmx_vcpu_get(vmx);
		if (set)
			err = vmx_msr_write(vmx, e.index, e.data, true);
		else
			err = vmx_msr_read(vmx, e.index, &e.data);
		vmx_vcpu_put(vmx);
		if (err)
			break;
		if (!set && copy_to_user(&um->entries[i], &e, sizeof(e)))
			return -EFAULT;
	}
	return i;
}

static long vmx_get_events(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_events ev = { };
	u32 intr;

	vmx_vcpu_get(vmx);
	intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	vmx_vcpu_put(vmx);
	if (vmx->ext_pending) {
		ev.flags |= AXV_EVENT_F_EXT_PENDING;
		ev.ext_vector = vmx->ext_vector;
	}
	if (vmx->nmi_pending)
		ev.flags |= AXV_EVENT_F_NMI_PENDING;
	if (intr & GUEST_INTR_STATE_NMI)
		ev.flags |= AXV_EVENT_F_NMI_MASKED;
	if (intr & GUEST_INTR_STATE_STI)
		ev.flags |= AXV_EVENT_F_STI_SHADOW;
	if (intr & GUEST_INTR_STATE_MOV_SS)
		ev.flags |= AXV_EVENT_F_MOV_SS_SHADOW;
	return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
}

static long vmx_set_events(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_events ev;
	u32 intr = 0;

	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if ((ev.flags & ~AXV_EVENT_F_ALL) || memchr_inv(ev.pad, 0, 3) ||
	    memchr_inv(ev.reserved, 0, sizeof(ev.reserved)) ||
	    ((ev.flags & AXV_EVENT_F_STI_SHADOW) &&
	     (ev.flags & AXV_EVENT_F_MOV_SS_SHADOW)) ||
	    ((ev.flags & AXV_EVENT_F_EXT_PENDING) && ev.ext_vector < 32))
		return -EINVAL;
	/* With the local APIC, a pending interrupt is its IRR bit. */
	if (vmx->lapic) {
		if (ev.flags & AXV_EVENT_F_EXT_PENDING)
			lapic_accept(vmx->lapic, ev.ext_vector, false);
	} else {
		vmx->ext_pending = ev.flags & AXV_EVENT_F_EXT_PENDING;
		vmx->ext_vector = vmx->ext_pending ? ev.ext_vector : 0;
	}
	vmx->nmi_pending = ev.flags & AXV_EVENT_F_NMI_PENDING;
	if (ev.flags & AXV_EVENT_F_NMI_MASKED)
		intr |= GUEST_INTR_STATE_NMI;
	if (ev.flags & AXV_EVENT_F_STI_SHADOW)
		intr |= GUEST_INTR_STATE_STI;
	if (ev.flags & AXV_EVENT_F_MOV_SS_SHADOW)
		intr |= GUEST_INTR_STATE_MOV_SS;
	vmx_vcpu_get(vmx);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, intr);
	vmx_vcpu_put(vmx);
	return 0;
}

int vmx_vcpu_inject(struct axv_vcpu *vcpu, u32 vector, bool nmi)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (nmi) {
		if (vector != NMI_VECTOR)
			return -EINVAL;
		vmx->nmi_pending = true;
	} else {
		if (vector < 32 || vector > 255)
			return -EINVAL;
		if (vmx->lapic) {
			lapic_accept(vmx->lapic, vector, false);
			return 0;
		}
		/* One pending external interrupt, as one INTR line. */
		if (vmx->ext_pending)
			return -EBUSY;
		vmx->ext_pending = true;
		vmx->ext_vector = vector;
	}
	set_bit(AXV_VCPU_REQ_EVENT, &vcpu->requests);
	return 0;
}

static long vmx_set_traps(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_traps t;

	u32 proc;

	if (copy_from_user(&t, argp, sizeof(t)))
		return -EFAULT;
	if ((t.flags & ~AXV_TRAP_F_ALL) || (t.exceptions & BIT(NMI_VECTOR)) ||
	    memchr_inv(t.reserved, 0, sizeof(t.reserved)))
		return -EINVAL;
	/* MOV-DR exiting must be a control this CPU lets us set (A.3.2). */
	if ((t.flags & AXV_TRAP_F_DEBUG_REGS) &&
	    !(vmx_caps.msrs.proc >> 32 & CPU_BASED_MOV_DR_EXITING))
		return -EOPNOTSUPP;
	vmx->exc_bitmap_user = t.exceptions;
	vmx_vcpu_get(vmx);
	vmcs_write32(EXCEPTION_BITMAP, t.exceptions);
	proc = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
	if (t.flags & AXV_TRAP_F_DEBUG_REGS)
		proc |= CPU_BASED_MOV_DR_EXITING;
	else if (!(vmx_caps.proc & CPU_BASED_MOV_DR_EXITING))
		proc &= ~CPU_BASED_MOV_DR_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc);
	vmx_vcpu_put(vmx);
	return 0;
}

static long vmx_set_hypercall_result(struct vmx_vcpu *vmx, void __user *argp)
{
	u64 ret;

	if (copy_from_user(&ret, argp, sizeof(ret)))
		return -EFAULT;
	if (vmx->pending != VMX_PENDING_HYPERCALL)
		return -EINVAL;
	vmx->hypercall_ret = ret;
	vmx->hypercall_ret_set = true;
	return 0;
}

/* The ioctl names, for the one-line refusal. */
static const char *vmx_ioctl_name(unsigned int cmd)
{
	switch (cmd) {
	case AXV_GET_REGS: return "AXV_GET_REGS";
	case AXV_SET_REGS: return "AXV_SET_REGS";
	case AXV_GET_SREGS: return "AXV_GET_SREGS";
	case AXV_SET_SREGS: return "AXV_SET_SREGS";
	case AXV_GET_FPU: return "AXV_GET_FPU";
	case AXV_SET_FPU: return "AXV_SET_FPU";
	case AXV_GET_MSRS: return "AXV_GET_MSRS";
	case AXV_SET_MSRS: return "AXV_SET_MSRS";
	case AXV_GET_EVENTS: return "AXV_GET_EVENTS";
	case AXV_SET_EVENTS: return "AXV_SET_EVENTS";
	case AXV_SET_TRAPS: return "AXV_SET_TRAPS";
	case AXV_SET_HYPERCALL_RESULT: return "AXV_SET_HYPERCALL_RESULT";
	case AXV_GET_LAPIC: return "AXV_GET_LAPIC";
	case AXV_SET_LAPIC: return "AXV_SET_LAPIC";
	default: return NULL;
	}
}

long vmx_vcpu_ioctl(struct axv_vcpu *vcpu, unsigned int cmd,
		    unsigned long arg)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	void __user *argp = (void __user *)arg;
	const char *name = vmx_ioctl_name(cmd);
	long ret;

	if (!name)
		return -ENOTTY;
	switch (cmd) {
	case AXV_GET_REGS:
		ret = vmx_get_regs(vmx, argp);
		break;
	case AXV_SET_REGS:
		ret = vmx_set_regs(vmx, argp);
		break;
	case AXV_GET_SREGS:
		ret = vmx_get_sregs(vmx, argp);
		break;
	case AXV_SET_SREGS:
		ret = vmx_set_sregs(vmx, argp);
		break;
	case AXV_GET_FPU:
		ret = vmx_get_fpu(vmx, argp);
		break;
	case AXV_SET_FPU:
		ret = vmx_set_fpu(vmx, argp);
		break;
	case AXV_GET_MSRS:
	case AXV_SET_MSRS:
		ret = vmx_msrs_ioctl(vmx, argp, cmd == AXV_SET_MSRS);
		break;
	case AXV_GET_EVENTS:
		ret = vmx_get_events(vmx, argp);
		break;
	case AXV_SET_EVENTS:
		ret = vmx_set_events(vmx, argp);
		break;
	case AXV_SET_TRAPS:
		ret = vmx_set_traps(vmx, argp);
		break;
	case AXV_GET_LAPIC:
	case AXV_SET_LAPIC:
		if (!vmx->lapic)
			ret = -ENXIO;
		else if (cmd == AXV_GET_LAPIC)
			ret = vmx_apic_get_state(vmx, argp);
		else
			ret = vmx_apic_set_state(vmx, argp);
		break;
	default:
		ret = vmx_set_hypercall_result(vmx, argp);
		break;
	}
	if (ret < 0)
		return axv_refuse(ret, "VM %u vCPU %u: %s: %s", vcpu->vm_id,
				  vcpu->id, name,
				  ret == -EFAULT ? "bad argument address" :
				  ret == -E2BIG ? "too many entries" :
				  ret == -EBUSY ? "an interrupt is already pending" :
				  ret == -ENOMEM ? "out of memory" :
				  ret == -EOPNOTSUPP ? "the CPU cannot do it" :
				  ret == -ENXIO ? "the VM has no in-kernel local APIC" :
				  "a field is out of range, reserved bits set, or not in this state");
	return ret;
}
