/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the checks of run_test share: a VM with one vCPU and guest memory
 * at 0, running it, and reporting.
 */
#ifndef RUN_TEST_H
#define RUN_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/axvcpu.h>

#define GUEST_MEM	(256 * 1024)
#define CODE		0x1000
#define FLAT32_GDT	0x400
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

struct vm {
	int dev, vm, vcpu;
	__u8 *mem;
	struct axv_run *run;
};

struct runner {
	struct vm *v;
	int ret, err;
	volatile int started;
};

/* AXV_CREATE_VM flags of the next vm_create(). */
extern unsigned long vm_flags;

/* Note why a check failed; returns -1. */
__attribute__((format(printf, 1, 2)))
int fail(const char *fmt, ...);
const char *exit_name(__u32 r);
/* A VM with GUEST_MEM of RAM at 0 and one vCPU in real mode at CODE. */
int vm_create(struct vm *v, const __u8 *code, size_t len);
void vm_destroy(struct vm *v);
/* AXV_SET_MEMORY_REGION on @v: @size bytes of @mem at guest @gpa. */
int vm_add_region(struct vm *v, __u32 slot, __u32 flags, __u64 gpa,
		  __u64 size, void *mem);
/*
 * Switch the vCPU of @v to flat 32-bit protected mode (code 0x08, data
 * 0x10, from a GDT written at FLAT32_GDT), with its IDT at @idt.
 */
int vm_set_flat32(struct vm *v, __u32 idt, __u16 idt_limit);
/* Signal the calling thread if it is still in AXV_RUN after @seconds. */
void watch_arm(int seconds);
/* AXV_RUN once; the exit must be @want. */
int run_expect(struct vm *v, __u32 want);
/* Thread body: AXV_RUN once on ((struct runner *)arg)->v. */
void *run_thread(void *arg);
void sleep_ms(long ms);
/* Wait up to 60 s for the vCPU to sleep in HLT; false if it never does. */
bool wait_blocked(struct vm *v, struct axv_vcpu_state *st);

/* lapic_guests.S: guest code, each piece from NAME to NAME_end. */
extern const __u8 h40[], h40_end[], h41[], h41_end[], h42[], h42_end[];
extern const __u8 h43[], h43_end[], h0d[], h0d_end[];
extern const __u8 regs_code[], regs_code_end[], bsp_code[], bsp_code_end[];
extern const __u8 wait_code[], wait_code_end[], ap_code[], ap_code_end[];

/* lapic_test.c */
int check_lapic_registers(void);
int check_lapic_ap_start(void);
int check_lapic_send_irq(void);
int check_lapic_level_eoi(void);

/* memory_guests.S */
extern const __u8 huge_code[], huge_code_end[];
extern const __u8 ro_huge_code[], ro_huge_code_end[];

/* memory_test.c */
int check_huge_memory(void);
int check_hugetlb_memory(void);
int check_huge_readonly(void);

/* emul_guests.S */
extern const __u8 emul_poll_code[], emul_poll_code_end[];
extern const __u8 emul_rmw_code[], emul_rmw_code_end[];
extern const __u8 emul_string_code[], emul_string_code_end[];
extern const __u8 emul_sse_code[], emul_sse_code_end[];
extern const __u8 emul_unknown_code[], emul_unknown_code_end[];
extern const __u8 emul_strio_code[], emul_strio_code_end[];
extern const __u8 emul_step_code[], emul_step_code_end[];
extern const __u8 emul_step_next[], emul_step_next2[], emul_step_handler[];
extern const __u8 emul_dbp_code[], emul_dbp_code_end[];
extern const __u8 emul_dbp_next0[], emul_dbp_next[], emul_dbp_next2[];
extern const __u8 emul_dbp_handler[];
extern const __u8 emul_iobp_code[], emul_iobp_code_end[];
extern const __u8 emul_iobp_next1[], emul_iobp_next2[], emul_iobp_ins[];
extern const __u8 emul_iobp_outs[], emul_iobp_next3[], emul_iobp_next4[];
extern const __u8 emul_iobp_outs_tf[], emul_iobp_handler[];

/* emul_test.c */
int check_emul_poll(void);
int check_emul_rmw(void);
int check_emul_string(void);
int check_emul_sse(void);
int check_emul_unknown(void);
int check_emul_string_io(void);
int check_emul_single_step(void);
int check_emul_data_breakpoints(void);
int check_emul_io_breakpoints(void);

#endif /* RUN_TEST_H */
