// SPDX-License-Identifier: GPL-2.0
/*
 * Exit handling for userctl run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmexit.h"

__attribute__((format(printf, 2, 3)))
static void vmexit_log(struct vmexit_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->log, "userctl: %s", ctx->prefix ? ctx->prefix : "");
	va_start(ap, fmt);
	vfprintf(ctx->log, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->log);
}

/* "userctl: @what at RIP 0x...: DETAILS" */
__attribute__((format(printf, 4, 5)))
static void vmexit_report(struct vmexit_ctx *ctx, const struct axv_run *run, const char *what,
			  const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->log, "userctl: %s%s at RIP 0x%llx: ", ctx->prefix ? ctx->prefix : "", what,
		run->rip);
	va_start(ap, fmt);
	vfprintf(ctx->log, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->log);
}

#define VMEXIT_NO_SMP	"without the kernel's local APIC (AXV_VM_F_LAPIC) only the BSP runs"

static enum vmexit_action vmexit_stop(struct vmexit_ctx *ctx, int status)
{
	ctx->status = status;
	return VMEXIT_STOP;
}

/* The run ends because the guest wrote the debug-exit port. */
static enum vmexit_action vmexit_debug_exit(struct vmexit_ctx *ctx, const struct axv_run *run)
{
	int status = debug_exit_status(ctx->dev->exit_value);

	if (ctx->verbose)
		vmexit_report(ctx, run, "debug exit", "value 0x%llx, exit status %d",
			      ctx->dev->exit_value, status);
	return vmexit_stop(ctx, status);
}

/* The guest powered off (ACPI S5) or reset the machine through a device. */
static enum vmexit_action vmexit_power(struct vmexit_ctx *ctx, const struct axv_run *run)
{
	bool off = devices_power_event(ctx->dev) == POWER_OFF;

	if (ctx->verbose)
		vmexit_report(ctx, run, off ? "power off" : "reset", "exit status %d",
			      off ? EXIT_SUCCESS : RUN_STATUS_RESET);
	return vmexit_stop(ctx, off ? EXIT_SUCCESS : RUN_STATUS_RESET);
}

static enum vmexit_action vmexit_io(struct vmexit_ctx *ctx, struct axv_run *run)
{
	bool out = run->io.direction == AXV_IO_OUT;
	unsigned int size = run->io.size;
	struct axv_err err;
	__u32 i;

	if ((size != 1 && size != 2 && size != 4) ||
	    (run->io.direction != AXV_IO_IN && !out) ||
	    run->io.data_offset > ctx->run_size ||
	    (__u64)run->io.count * size > ctx->run_size - run->io.data_offset) {
		vmexit_report(ctx, run, "malformed I/O exit",
			      "port 0x%x size %u direction %u count %u data offset %u",
			      run->io.port, size, run->io.direction, run->io.count,
			      run->io.data_offset);
		return vmexit_stop(ctx, RUN_STATUS_ERROR);
	}

	for (i = 0; i < run->io.count; i++) {
		__u8 *data = (__u8 *)run + run->io.data_offset + (size_t)i * size;
		__u32 value = 0;

		if (out)
			memcpy(&value, data, size);
		if (devices_pio(ctx->dev, run->rip, run->io.port, size, out, &value, &err)) {
			vmexit_log(ctx, "%s", err.msg);
			return vmexit_stop(ctx, RUN_STATUS_ERROR);
		}
		if (!out)
			memcpy(data, &value, size);
		if (ctx->dev->exit_requested)
			return vmexit_debug_exit(ctx, run);
		if (devices_power_event(ctx->dev) != POWER_NONE)
			return vmexit_power(ctx, run);
	}
	return VMEXIT_CONTINUE;
}

static enum vmexit_action vmexit_mmio(struct vmexit_ctx *ctx, struct axv_run *run)
{
	unsigned int size = run->mmio.size;
	bool write = run->mmio.is_write;
	struct axv_err err;
	__u64 value;

	if (size != 1 && size != 2 && size != 4 && size != 8) {
		vmexit_report(ctx, run, "malformed MMIO exit", "address 0x%llx size %u",
			      run->mmio.gpa, size);
		return vmexit_stop(ctx, RUN_STATUS_ERROR);
	}
	value = write ? run->mmio.data & bus_all_ones(size) : 0;
	if (devices_mmio(ctx->dev, run->rip, run->mmio.gpa, size, write, &value, &err)) {
		vmexit_log(ctx, "%s", err.msg);
		return vmexit_stop(ctx, RUN_STATUS_ERROR);
	}
	if (!write)
		run->mmio.data = value;
	if (ctx->dev->exit_requested)
		return vmexit_debug_exit(ctx, run);
	return VMEXIT_CONTINUE;
}

__u64 hypercall_result(__u64 nr, const __u64 *args)
{
	if (nr == HYPERCALL_PING)
		return args[0] + 1;
	return HYPERCALL_ENOSYS;
}

static enum vmexit_action vmexit_hypercall(struct vmexit_ctx *ctx, struct axv_run *run)
{
	run->hypercall.ret = hypercall_result(run->hypercall.nr, run->hypercall.args);
	if (run->hypercall.nr != HYPERCALL_PING && ctx->verbose)
		vmexit_report(ctx, run, "unknown hypercall",
			      "number %llu, arguments 0x%llx 0x%llx 0x%llx: returns -ENOSYS",
			      run->hypercall.nr, run->hypercall.args[0],
			      run->hypercall.args[1], run->hypercall.args[2]);
	return VMEXIT_CONTINUE;
}

static enum vmexit_action vmexit_msr(struct vmexit_ctx *ctx, struct axv_run *run)
{
	char what[96];
	__u64 value = run->msr.data;

	if (!devices_msr(ctx->dev, run->msr.index, run->msr.is_write, &value)) {
		if (!run->msr.is_write)
			run->msr.data = value;
		return VMEXIT_CONTINUE;
	}
	if (run->msr.is_write)
		snprintf(what, sizeof(what), "write of MSR 0x%x (value 0x%llx)",
			 run->msr.index, run->msr.data);
	else
		snprintf(what, sizeof(what), "read of MSR 0x%x", run->msr.index);
	if (ctx->strict) {
		vmexit_log(ctx, "--strict-io: guest at RIP 0x%llx: %s: not handled",
			   run->rip, what);
		return vmexit_stop(ctx, RUN_STATUS_ERROR);
	}
	if (ctx->verbose)
		vmexit_log(ctx, "unhandled %s at RIP 0x%llx: the guest gets #GP", what, run->rip);
	if (!run->msr.is_write)
		run->msr.data = 0;
	run->msr.error = 1;
	return VMEXIT_CONTINUE;
}

static enum vmexit_action vmexit_triple_fault(struct vmexit_ctx *ctx, struct axv_run *run)
{
	unsigned int len = run->triple_fault.insn_len, i;
	char vector[16], bytes[16 * 3 + 16];
	char *p = bytes;

	if (len > sizeof(run->triple_fault.insn))
		len = sizeof(run->triple_fault.insn);
	if (run->triple_fault.last_vector == 0xff)
		snprintf(vector, sizeof(vector), "none");
	else
		snprintf(vector, sizeof(vector), "%u", run->triple_fault.last_vector);
	if (!len)
		snprintf(bytes, sizeof(bytes), " (not readable)");
	for (i = 0; i < len; i++)
		p += sprintf(p, " %02x", run->triple_fault.insn[i]);
	vmexit_log(ctx, "triple fault at RIP 0x%llx, last exception vector %s, bytes:%s",
		   run->triple_fault.rip, vector, bytes);
	return vmexit_stop(ctx, RUN_STATUS_ERROR);
}

static void dump_segment(FILE *f, const char *name, const struct axv_segment *s)
{
	fprintf(f, "  %-4s sel 0x%04x base 0x%016llx limit 0x%08x type 0x%x", name,
		s->selector, s->base, s->limit, s->type);
	fprintf(f, " s %u p %u dpl %u db %u l %u g %u avl %u unusable %u\n", s->s, s->present,
		s->dpl, s->db, s->l, s->g, s->avl, s->unusable);
}

void x86_dump_state(FILE *f, const struct axv_regs *r, const struct axv_sregs *s)
{
	fprintf(f, "  rax 0x%016llx rbx 0x%016llx rcx 0x%016llx rdx 0x%016llx\n",
		r->rax, r->rbx, r->rcx, r->rdx);
	fprintf(f, "  rsi 0x%016llx rdi 0x%016llx rsp 0x%016llx rbp 0x%016llx\n",
		r->rsi, r->rdi, r->rsp, r->rbp);
	fprintf(f, "  r8  0x%016llx r9  0x%016llx r10 0x%016llx r11 0x%016llx\n",
		r->r8, r->r9, r->r10, r->r11);
	fprintf(f, "  r12 0x%016llx r13 0x%016llx r14 0x%016llx r15 0x%016llx\n",
		r->r12, r->r13, r->r14, r->r15);
	fprintf(f, "  rip 0x%016llx rflags 0x%016llx\n", r->rip, r->rflags);
	dump_segment(f, "cs", &s->cs);
	dump_segment(f, "ds", &s->ds);
	dump_segment(f, "es", &s->es);
	dump_segment(f, "fs", &s->fs);
	dump_segment(f, "gs", &s->gs);
	dump_segment(f, "ss", &s->ss);
	dump_segment(f, "tr", &s->tr);
	dump_segment(f, "ldt", &s->ldt);
	fprintf(f, "  gdt  base 0x%016llx limit 0x%04x\n", s->gdt.base, s->gdt.limit);
	fprintf(f, "  idt  base 0x%016llx limit 0x%04x\n", s->idt.base, s->idt.limit);
	fprintf(f, "  cr0 0x%016llx cr2 0x%016llx cr3 0x%016llx\n", s->cr0, s->cr2, s->cr3);
	fprintf(f, "  cr4 0x%016llx cr8 0x%016llx efer 0x%016llx\n", s->cr4, s->cr8, s->efer);
	fprintf(f, "  apic_base 0x%016llx\n", s->apic_base);
}

static enum vmexit_action vmexit_fail_entry(struct vmexit_ctx *ctx, struct axv_run *run)
{
	const char *check = axv_entry_check_name(run->fail_entry.check);
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;

	vmexit_report(ctx, run, "VM entry failed", "check %s (%u)", check ? check : "unknown",
		      run->fail_entry.check);
	vmexit_log(ctx, "hardware exit reason %u, qualification 0x%llx, VM-instruction error %u",
		   run->fail_entry.hw_reason, run->fail_entry.qualification,
		   run->fail_entry.vm_instruction_error);
	if (axv_get_regs(ctx->vcpu_fd, &regs, &err) ||
	    axv_get_sregs(ctx->vcpu_fd, &sregs, &err)) {
		vmexit_log(ctx, "cannot read the guest registers: %s", err.msg);
	} else {
		vmexit_log(ctx, "guest registers:");
		x86_dump_state(ctx->log, &regs, &sregs);
	}
	return vmexit_stop(ctx, RUN_STATUS_ERROR);
}

/* What AXV_EMUL_FAIL_* @reason means, for the report of a failed emulation. */
static const char *emul_fail_reason(__u64 reason)
{
	switch (reason) {
	case AXV_EMUL_FAIL_OPCODE:
		return "an instruction or form the emulator does not handle";
	case AXV_EMUL_FAIL_FETCH:
		return "the instruction could not be read";
	case AXV_EMUL_FAIL_MODE:
		return "virtual-8086 mode, which the emulator does not handle";
	case AXV_EMUL_FAIL_NO_MEMORY:
		return "the instruction has no memory operand";
	case AXV_EMUL_FAIL_REPLAY:
		return "the guest's state changed between the instruction's accesses";
	case AXV_EMUL_FAIL_TOO_MANY:
		return "more accesses than one instruction may make";
	}
	return NULL;
}

/*
 * AXV_INTERNAL_EMULATION_FAILED, on one line:
 * "emulation failed at RIP R: gpa G, REASON (NAME), instruction: 0f 0b".
 * data[0] is the address, data[1] the RIP, data[2] the AXV_EMUL_FAIL_*
 * reason, each only when ndata covers it.
 */
static enum vmexit_action vmexit_emul_failed(struct vmexit_ctx *ctx, struct axv_run *run)
{
	unsigned int n = run->internal.ndata, len = run->internal.insn_len, i;
	char gpa[32] = "gpa unknown", reason[128], bytes[16 * 3 + 1] = " (not available)";
	__u64 rip = n >= 2 ? run->internal.data[1] : run->rip;
	const char *desc, *name;
	char *p = bytes;

	if (n >= 1)
		snprintf(gpa, sizeof(gpa), "gpa 0x%llx", run->internal.data[0]);
	if (n >= 3) {
		desc = emul_fail_reason(run->internal.data[2]);
		name = axv_emul_fail_name(run->internal.data[2]);
		if (desc)
			snprintf(reason, sizeof(reason), "%s (%s)", desc, name);
		else
			snprintf(reason, sizeof(reason), "reason %llu",
				 run->internal.data[2]);
	} else {
		snprintf(reason, sizeof(reason), "reason not given");
	}
	if (len > sizeof(run->internal.insn))
		len = sizeof(run->internal.insn);
	for (i = 0; i < len; i++)
		p += sprintf(p, " %02x", run->internal.insn[i]);
	vmexit_log(ctx, "emulation failed at RIP 0x%llx: %s, %s, instruction:%s", rip, gpa,
		   reason, bytes);
	return vmexit_stop(ctx, RUN_STATUS_ERROR);
}

static enum vmexit_action vmexit_internal(struct vmexit_ctx *ctx, struct axv_run *run)
{
	unsigned int n = run->internal.ndata, i;
	char data[4 * 20 + 1] = "";
	char *p = data;

	if (run->internal.suberror == AXV_INTERNAL_EMULATION_FAILED)
		return vmexit_emul_failed(ctx, run);
	if (n > 4)
		n = 4;
	for (i = 0; i < n; i++)
		p += sprintf(p, " 0x%llx", run->internal.data[i]);
	vmexit_report(ctx, run, "axvcpu internal error", "suberror %u%s, data:%s",
		      run->internal.suberror,
		      run->internal.suberror == AXV_INTERNAL_EMULATION ? " (emulation)" :
		      run->internal.suberror == AXV_INTERNAL_GUEST_MEMORY ? " (guest memory)" : "",
		      n ? data : " none");
	return vmexit_stop(ctx, RUN_STATUS_ERROR);
}

/* Exits that end the run with an error, with their raw fields. */
static enum vmexit_action vmexit_fatal(struct vmexit_ctx *ctx, struct axv_run *run)
{
	switch (run->exit_reason) {
	case AXV_EXIT_NESTED_PAGE_FAULT:
		if (run->npf.flags & 1)
			vmexit_report(ctx, run, "nested page fault",
				      "gpa 0x%llx, gva 0x%llx, qualification 0x%llx",
				      run->npf.gpa, run->npf.gva, run->npf.qualification);
		else
			vmexit_report(ctx, run, "nested page fault",
				      "gpa 0x%llx, qualification 0x%llx",
				      run->npf.gpa, run->npf.qualification);
		break;
	case AXV_EXIT_UNKNOWN:
		vmexit_report(ctx, run, "exit axvcpu does not handle",
			      "hardware exit reason %u, qualification 0x%llx",
			      run->unknown.hw_reason, run->unknown.qualification);
		break;
	case AXV_EXIT_EXCEPTION:
		vmexit_report(ctx, run, "exception exit (userctl traps none)",
			      "vector %u, error code %s0x%x, payload 0x%llx",
			      run->exception.vector, run->exception.has_error_code ? "" : "(none) ",
			      run->exception.error_code, run->exception.payload);
		break;
	case AXV_EXIT_CPU_UP:
		vmexit_report(ctx, run, "CPU start", "APIC ID %u, entry 0x%llx, arg 0x%llx: %s",
			      run->cpu_up.target_apic_id, run->cpu_up.entry, run->cpu_up.arg,
			      VMEXIT_NO_SMP);
		break;
	case AXV_EXIT_CPU_DOWN:
		vmexit_report(ctx, run, "CPU off", "%s", VMEXIT_NO_SMP);
		break;
	case AXV_EXIT_SEND_IPI:
		vmexit_report(ctx, run, "IPI", "vector %u to APIC ID %u (shorthand %u): %s",
			      run->ipi.vector, run->ipi.dest, run->ipi.shorthand, VMEXIT_NO_SMP);
		break;
	default:
		vmexit_report(ctx, run, "unknown exit", "reason %u, hardware exit reason 0x%x",
			      run->exit_reason, run->hw_exit_reason);
		break;
	}
	return vmexit_stop(ctx, RUN_STATUS_ERROR);
}

/* With the local APICs: a start-up IPI of this vCPU started others. */
static void vmexit_cpu_up(struct vmexit_ctx *ctx, const struct axv_run *run)
{
	char target[32];

	if (run->cpu_up.target_apic_id == 0xffffffff)
		snprintf(target, sizeof(target), "several APIC IDs");
	else
		snprintf(target, sizeof(target), "APIC ID %u", run->cpu_up.target_apic_id);
	vmexit_report(ctx, run, "start-up IPI", "started %llu vCPU%s (%s) at 0x%llx",
		      run->cpu_up.arg, run->cpu_up.arg == 1 ? "" : "s", target, run->cpu_up.entry);
}

enum vmexit_action vmexit_handle(struct vmexit_ctx *ctx, struct axv_run *run)
{
	switch (run->exit_reason) {
	case AXV_EXIT_IO:
		return vmexit_io(ctx, run);
	case AXV_EXIT_MMIO:
		return vmexit_mmio(ctx, run);
	case AXV_EXIT_HYPERCALL:
		return vmexit_hypercall(ctx, run);
	case AXV_EXIT_MSR:
		return vmexit_msr(ctx, run);
	case AXV_EXIT_HALT:
		if (ctx->verbose)
			vmexit_log(ctx, "guest halted at RIP 0x%llx", run->rip);
		return vmexit_stop(ctx, EXIT_SUCCESS);
	case AXV_EXIT_SYSTEM_DOWN:
		if (ctx->verbose)
			vmexit_log(ctx, "guest powered off at RIP 0x%llx", run->rip);
		return vmexit_stop(ctx, EXIT_SUCCESS);
	case AXV_EXIT_TRIPLE_FAULT:
		return vmexit_triple_fault(ctx, run);
	case AXV_EXIT_FAIL_ENTRY:
		return vmexit_fail_entry(ctx, run);
	case AXV_EXIT_INTERNAL_ERROR:
		return vmexit_internal(ctx, run);
	case AXV_EXIT_CPU_UP:
		if (!ctx->lapic)
			break;
		if (ctx->verbose)
			vmexit_cpu_up(ctx, run);
		return VMEXIT_CONTINUE;
	case AXV_EXIT_CPU_DOWN:
		if (!ctx->lapic)
			break;
		if (ctx->verbose)
			vmexit_log(ctx, "turned itself off at RIP 0x%llx", run->rip);
		return VMEXIT_VCPU_OFF;
	case AXV_EXIT_EOI:
		devices_eoi(ctx->dev, run->eoi.vector);
		return VMEXIT_CONTINUE;
	case AXV_EXIT_KICKED:
	case AXV_EXIT_EXTERNAL_INTERRUPT:
	case AXV_EXIT_INTR:
		return VMEXIT_CONTINUE;
	}
	return vmexit_fatal(ctx, run);
}
