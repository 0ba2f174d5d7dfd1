// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU model guests see through CPUID: built once at load from the
 * host's CPUID, keeping only what axvcpu really provides (SDM Vol. 2,
 * CPUID; leaf numbers and bits as there).  A VM starts with it and may
 * narrow it with AXV_SET_CPUID.  A few fields are per vCPU or follow the
 * guest's state and are filled at each CPUID exit: the APIC ID (leaf 1
 * and the x2APIC ID of leaf 0BH), OSXSAVE and the XSAVE area size.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

static struct axv_cpuid_entry vmx_cpuid_supported[VMX_MAX_CPUID_ENTRIES];
static u32 vmx_cpuid_nent;
static u64 vmx_xcr0_supported;

/* Leaf 1 ECX and EDX bits a guest may see (others are not provided). */
#define L1_ECX_KEEP	(BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ |	\
			 BIT(9) /* SSSE3 */ | BIT(12) /* FMA */ |	\
			 BIT(13) /* CMPXCHG16B */ | BIT(19) /* SSE4.1 */ | \
			 BIT(20) /* SSE4.2 */ | BIT(22) /* MOVBE */ |	\
			 BIT(23) /* POPCNT */ | BIT(25) /* AES */ |	\
			 BIT(26) /* XSAVE */ | BIT(28) /* AVX */ |	\
			 BIT(29) /* F16C */ | BIT(30) /* RDRAND */)
#define L1_ECX_HYPERVISOR	BIT(31)
#define L1_ECX_OSXSAVE		BIT(27)
#define L1_ECX_X2APIC		BIT(21)
#define L1_ECX_TSC_DEADLINE	BIT(24)
#define L1_EDX_APIC		BIT(9)
/* Leaf 0BH ECX[15:8]: the level types. */
#define VMX_TOPO_SMT		1
#define VMX_TOPO_CORE		2
#define L1_EDX_KEEP	(BIT(0) /* FPU */ | BIT(1) /* VME */ |		\
			 BIT(2) /* DE */ | BIT(3) /* PSE */ |		\
			 BIT(4) /* TSC */ | BIT(5) /* MSR */ |		\
			 BIT(6) /* PAE */ | BIT(8) /* CX8 */ |		\
			 BIT(11) /* SEP */ | BIT(13) /* PGE */ |	\
			 BIT(15) /* CMOV */ | BIT(16) /* PAT */ |	\
			 BIT(17) /* PSE36 */ | BIT(19) /* CLFSH */ |	\
			 BIT(23) /* MMX */ | BIT(24) /* FXSR */ |	\
			 BIT(25) /* SSE */ | BIT(26) /* SSE2 */)
/* Leaf 7.0 EBX: FSGSBASE, BMI1, AVX2, SMEP, BMI2, ERMS, ADX, SMAP, CLFLUSHOPT. */
#define L7_EBX_KEEP	(BIT(0) | BIT(3) | BIT(5) | BIT(7) | BIT(8) |	\
			 BIT(9) | BIT(19) | BIT(20) | BIT(23))
/* Leaf 0x80000001: LAHF, ABM/LZCNT, PREFETCHW; SYSCALL, NX, 1 GiB pages, RDTSCP?, LM. */
#define LX1_ECX_KEEP	(BIT(0) | BIT(5) | BIT(8))
#define LX1_EDX_KEEP	(BIT(11) | BIT(20) | BIT(26) | BIT(29))

static void vmx_cpuid_add(u32 function, u32 index, u32 flags, u32 eax,
			  u32 ebx, u32 ecx, u32 edx)
{
	if (WARN_ON_ONCE(vmx_cpuid_nent >= VMX_MAX_CPUID_ENTRIES))
		return;
	vmx_cpuid_supported[vmx_cpuid_nent++] = (struct axv_cpuid_entry){
		.function = function, .index = index, .flags = flags,
		.eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
	};
}

u64 vmx_supported_xcr0(void)
{
	return vmx_xcr0_supported;
}

/* XSAVE area size for the components in @xcr0, standard format. */
static u32 vmx_xsave_size(u64 xcr0)
{
	u32 size = 512 + 64, a, b, c, d, i;

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		size = max(size, a + b);
	}
	return size;
}

int vmx_cpuid_init(void)
{
	u32 a, b, c, d, max, maxx, i;

	if (!boot_cpu_has(X86_FEATURE_XSAVE)) {
		pr_err("refusing to load: the CPU has no XSAVE, needed to switch guest FPU state\n");
		return -EOPNOTSUPP;
	}
	/* x87, SSE, AVX: what the 4 KiB standard-format area of the ABI holds. */
	vmx_xcr0_supported = xgetbv(XCR_XFEATURE_ENABLED_MASK) &
			     (XFEATURE_MASK_FP | XFEATURE_MASK_SSE |
			      XFEATURE_MASK_YMM);
	vmx_cpuid_nent = 0;

	cpuid(0, &max, &b, &c, &d);
	max = min_t(u32, max, 0xd);
	vmx_cpuid_add(0, 0, 0, max, b, c, d);

	cpuid(1, &a, &b, &c, &d);
	/* EBX: keep the CLFLUSH size; one logical CPU; the APIC ID per vCPU. */
	vmx_cpuid_add(1, 0, 0, a, (b & 0xff00) | BIT(16),
		      (c & L1_ECX_KEEP) | L1_ECX_HYPERVISOR, d & L1_EDX_KEEP);

	if (max >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		vmx_cpuid_add(7, 0, AXV_CPUID_F_INDEXED, 0, b & L7_EBX_KEEP,
			      0, 0);
	}
	if (max >= 0xb) {
		/*
		 * The x2APIC topology: one thread per core and every vCPU a
		 * core of one package, whose APIC IDs (8 bits at most) the
		 * core level's shift covers.  EDX, the x2APIC ID, is the
		 * vCPU's, filled at the exit, as is that of any sub-leaf.
		 */
		vmx_cpuid_add(0xb, 0, AXV_CPUID_F_INDEXED, 0, 1,
			      VMX_TOPO_SMT << 8 | 0, 0);
		vmx_cpuid_add(0xb, 1, AXV_CPUID_F_INDEXED, 8, AXV_MAX_VCPUS,
			      VMX_TOPO_CORE << 8 | 1, 0);
	}
	if (max >= 0xd) {
		cpuid_count(0xd, 0, &a, &b, &c, &d);
		/* ECX: the largest area the components offered can need. */
		vmx_cpuid_add(0xd, 0, AXV_CPUID_F_INDEXED,
			      (u32)vmx_xcr0_supported, b,
			      vmx_xsave_size(vmx_xcr0_supported),
			      vmx_xcr0_supported >> 32);
		/* Sub-leaf 1: XSAVEOPT only; XSAVES needs IA32_XSS, not modelled. */
		cpuid_count(0xd, 1, &a, &b, &c, &d);
		vmx_cpuid_add(0xd, 1, AXV_CPUID_F_INDEXED, a & BIT(0), 0, 0, 0);
		for (i = 2; i < 64; i++) {
			if (!(vmx_xcr0_supported & BIT_ULL(i)))
				continue;
			cpuid_count(0xd, i, &a, &b, &c, &d);
			vmx_cpuid_add(0xd, i, AXV_CPUID_F_INDEXED, a, b, c, d);
		}
	}

	cpuid(0x80000000, &maxx, &b, &c, &d);
	maxx = min_t(u32, maxx, 0x80000008);
	vmx_cpuid_add(0x80000000, 0, 0, maxx, b, c, d);
	for (i = 0x80000001; i <= maxx; i++) {
		cpuid(i, &a, &b, &c, &d);
		switch (i) {
		case 0x80000001:
			vmx_cpuid_add(i, 0, 0, a, 0, c & LX1_ECX_KEEP,
				      d & LX1_EDX_KEEP);
			break;
		case 0x80000002 ... 0x80000004:
		case 0x80000006:
			vmx_cpuid_add(i, 0, 0, a, b, c, d);
			break;
		case 0x80000008:
			/* Address sizes: physical and linear bits only. */
			vmx_cpuid_add(i, 0, 0, a & 0xffff, 0, 0, 0);
			break;
		default:
			vmx_cpuid_add(i, 0, 0, 0, 0, 0, 0);
		}
	}
	return 0;
}

int vmx_cpuid_vm_init(struct vmx_vm *vm)
{
	vm->cpuid = kmemdup(vmx_cpuid_supported,
			    sizeof(vmx_cpuid_supported[0]) * vmx_cpuid_nent,
			    GFP_KERNEL_ACCOUNT);
	if (!vm->cpuid)
		return -ENOMEM;
	vm->cpuid_nent = vmx_cpuid_nent;
	return 0;
}

/*
 * The entry for @function and @index; *@leaf, unless @leaf is NULL, says
 * whether the model has @function at all (a sub-leaf past the last is
 * still the leaf's).
 */
static __always_inline const struct axv_cpuid_entry *
vmx_cpuid_find(const struct axv_cpuid_entry *e, u32 n, u32 function,
	       u32 index, bool *leaf)
{
	u32 i;

	if (leaf)
		*leaf = false;
	for (i = 0; i < n; i++) {
		if (e[i].function != function)
			continue;
		if (leaf)
			*leaf = true;
		if (!(e[i].flags & AXV_CPUID_F_INDEXED) || e[i].index == index)
			return &e[i];
	}
	return NULL;
}

void vmx_cpuid_emulate(struct vmx_vcpu *vmx)
{
	struct vmx_vm *vm = vmx->vcpu->vm->arch;
	u32 function = vmx->regs[VMX_RAX], index = vmx->regs[VMX_RCX];
	const struct axv_cpuid_entry *e;
	u32 a = 0, b = 0, c = 0, d = 0;
	bool leaf;

	e = vmx_cpuid_find(vm->cpuid, vm->cpuid_nent, function, index, &leaf);
	if (e) {
		a = e->eax;
		b = e->ebx;
		c = e->ecx;
		d = e->edx;
	}
	if (function == 1) {
		b = (b & 0x00ffffff) | (vmx->vcpu->apic_id << 24);
		c &= ~L1_ECX_OSXSAVE;
		if (vmx_guest_cr4() & X86_CR4_OSXSAVE)
			c |= L1_ECX_OSXSAVE;
		/* The APIC bits say what the in-kernel APIC provides. */
		c &= ~(L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE);
		d &= ~L1_EDX_APIC;
		if (vmx->lapic) {
			c |= L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE;
			if (lapic_hw_enabled(vmx->lapic))
				d |= L1_EDX_APIC;
		}
	} else if (function == 0xd && index == 0 && e) {
		b = vmx_xsave_size(vmx->xcr0);
	} else if (function == 0xb && leaf) {
		/* Past the last level too: the level number, the x2APIC ID. */
		if (!e)
			c = index & 0xff;
		d = vmx->vcpu->apic_id;
	}
	vmx->regs[VMX_RAX] = a;
	vmx->regs[VMX_RBX] = b;
	vmx->regs[VMX_RCX] = c;
	vmx->regs[VMX_RDX] = d;
}

/* Copy a model out for @what (an ioctl name, for the refusal line). */
static long vmx_put_cpuid(void __user *argp, const struct axv_cpuid_entry *e,
			  u32 n, const char *what)
{
	struct axv_cpuid __user *uc = argp;
	u32 room;

	if (get_user(room, &uc->nent) || put_user(n, &uc->nent))
		return axv_refuse(-EFAULT, "%s: bad buffer address", what);
	if (room < n)
		return axv_refuse(-E2BIG, "%s: room for %u entries, %u needed",
				  what, room, n);
	if (copy_to_user(uc->entries, e, sizeof(*e) * n))
		return axv_refuse(-EFAULT, "%s: bad buffer address", what);
	return 0;
}

long vmx_get_supported_cpuid(void __user *argp)
{
	return vmx_put_cpuid(argp, vmx_cpuid_supported, vmx_cpuid_nent,
			     "AXV_GET_SUPPORTED_CPUID");
}

/* AXV_SET_CPUID: each entry must be within the supported model. */
static long vmx_set_cpuid(struct axv_vm *vm, struct vmx_vm *vvm,
			  void __user *argp)
{
	struct axv_cpuid __user *uc = argp;
	struct axv_cpuid_entry *e;
	u32 n, i, pad;
	long err;

	if (get_user(n, &uc->nent) || get_user(pad, &uc->pad))
		return axv_refuse(-EFAULT, "VM %u: AXV_SET_CPUID: bad argument address",
				  vm->id);
	if (pad)
		return axv_refuse(-EINVAL, "VM %u: AXV_SET_CPUID: pad is not 0",
				  vm->id);
	if (n > VMX_MAX_CPUID_ENTRIES)
		return axv_refuse(-E2BIG, "VM %u: AXV_SET_CPUID: %u entries, at most %u",
				  vm->id, n, VMX_MAX_CPUID_ENTRIES);
	e = memdup_user(uc->entries, sizeof(*e) * n);
	if (IS_ERR(e))
		return axv_refuse(PTR_ERR(e), "VM %u: AXV_SET_CPUID: cannot read the entries",
				  vm->id);
	for (i = 0; i < n; i++) {
		const struct axv_cpuid_entry *s =
			vmx_cpuid_find(vmx_cpuid_supported, vmx_cpuid_nent,
				       e[i].function, e[i].index, NULL);

		if (!s || e[i].flags != s->flags || e[i].reserved[0] ||
		    e[i].reserved[1] || e[i].reserved[2] ||
		    (e[i].ecx & ~s->ecx) || (e[i].edx & ~s->edx) ||
		    (e[i].function == 7 && (e[i].ebx & ~s->ebx))) {
			err = axv_refuse(-EINVAL,
					 "VM %u: AXV_SET_CPUID: entry %u (%#x.%u) unsupported",
					 vm->id, i, e[i].function, e[i].index);
			kfree(e);
			return err;
		}
	}
	mutex_lock(&vm->lock);
	for (i = 0; i < AXV_MAX_VCPUS; i++) {
		if (vm->vcpus[i] && vm->vcpus[i]->ran) {
			mutex_unlock(&vm->lock);
			kfree(e);
			return axv_refuse(-EBUSY, "VM %u: AXV_SET_CPUID: vCPU %u has run",
					  vm->id, i);
		}
	}
	swap(vvm->cpuid, e);
	vvm->cpuid_nent = n;
	mutex_unlock(&vm->lock);
	kfree(e);
	return 0;
}

long vmx_cpuid_vm_ioctl(struct axv_vm *vm, unsigned int cmd, void __user *argp)
{
	struct vmx_vm *vvm = vm->arch;
	long err;

	switch (cmd) {
	case AXV_GET_CPUID:
		mutex_lock(&vm->lock);
		err = vmx_put_cpuid(argp, vvm->cpuid, vvm->cpuid_nent,
				    "AXV_GET_CPUID");
		mutex_unlock(&vm->lock);
		return err;
	case AXV_SET_CPUID:
		return vmx_set_cpuid(vm, vvm, argp);
	default:
		return -ENOTTY;
	}
}
