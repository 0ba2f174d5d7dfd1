// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of userctl run: image loading (flat, ELF,
 * Multiboot), the start state per mode, the devices, exit handling and the
 * command line.  Everything works on buffers in memory; the one ioctl that
 * exit handling makes (the register dump of a failed entry) is answered by
 * a fake below.
 *
 * The last line printed is "N passed, N failed"; the exit status is 1 when
 * any test failed.
 */
#define _GNU_SOURCE	/* open_memstream() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/elf.h>

#include "boot.h"
#include "devices.h"
#include "guest.h"
#include "libaxv.h"
#include "loader.h"
#include "multiboot.h"
#include "run.h"
#include "vmexit.h"
#include "x86_setup.h"
#include "check.h"
#include "ram.h"

/* --- fakes and helpers ------------------------------------------------- */

/* A vCPU descriptor that is never open: ioctl() below answers for it. */
#define FAKE_VCPU_FD	1000

static struct axv_regs fake_regs;
static struct axv_sregs fake_sregs;

/*
 * A fake kernel for whole runs of cmd_run(): while @active, every axvcpu
 * ioctl is answered here, on whatever descriptor, and mmap() of vCPU 0
 * gives anonymous memory.  AXV_RUN calls @script with the step number.
 * AXV_GET_VM_STATS answers on the VM descriptor only, when AXV_CAP_VM_STATS
 * is present (ENOTTY otherwise, as an older kernel).
 */
#define FK_NCAPS	(AXV_CAP_VM_STATS + 1)
#define FK_VCPUS	4

static struct {
	bool active;
	int caps[FK_NCAPS];
	int vm_fd;
	unsigned long vm_flags;		/* of AXV_CREATE_VM */
	int vcpu_fds[FK_VCPUS];
	unsigned int nvcpus;
	struct axv_vcpu_create creates[FK_VCPUS];
	__u64 allowed[FK_VCPUS];	/* the first word of each allowed-CPU bitmap */
	struct axv_memory_region region;	/* slot 0 */
	struct axv_memory_region regions_set[4];
	int regions;
	struct axv_sregs sregs;		/* the last AXV_SET_SREGS */
	struct axv_regs regs;		/* the last AXV_SET_REGS */
	int sets;			/* AXV_SET_SREGS and AXV_SET_REGS calls */
	struct axv_run *run;		/* vCPU 0's */
	struct axv_run *runs[FK_VCPUS];
	size_t mmap_len;
	int mmap_prot;
	int mmap_flags;
	off_t mmap_offset;
	int step;
	int (*script)(struct axv_run *run, int step);
	/* With several threads: AXV_RUN of vCPU N calls this instead. */
	int (*smp_script)(unsigned int vcpu, struct axv_run *run, int step);
	int steps[FK_VCPUS];
	struct axv_vcpu_stats stats;
	struct axv_vm_stats vm_stats;	/* what AXV_GET_VM_STATS returns */
	int vm_stats_errno;		/* when set, AXV_GET_VM_STATS fails with it */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	__u64 kicked;			/* AXV_KICK_VCPUS bits, cleared by AXV_RUN */
	int kicks;
	struct axv_irq irqs[16];	/* AXV_SEND_IRQ arguments */
	int nirqs;
} fk = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* The vCPU whose descriptor is @fd, or -1. */
static int fk_vcpu(int fd)
{
	unsigned int i;

	for (i = 0; i < fk.nvcpus; i++)
		if (fk.vcpu_fds[i] == fd)
			return i;
	return -1;
}

static int fk_fail(int e)
{
	errno = e;
	return -1;
}

static int fk_ioctl(int fd, unsigned long req, void *arg)
{
	switch (req) {
	case AXV_GET_API_VERSION:
		return AXV_API_VERSION;
	case AXV_CHECK_EXTENSION:
		return (unsigned long)arg < FK_NCAPS ? fk.caps[(unsigned long)arg] : 0;
	case AXV_CREATE_VM:
		fk.vm_flags = (unsigned long)arg;
		fk.vm_fd = dup(fd);
		return fk.vm_fd;
	case AXV_CREATE_VCPU:
		if (fk.nvcpus >= FK_VCPUS)
			return fk_fail(EINVAL);
		memcpy(&fk.creates[fk.nvcpus], arg, sizeof(fk.creates[0]));
		if (fk.creates[fk.nvcpus].allowed_cpus)
			memcpy(&fk.allowed[fk.nvcpus],
			       (void *)(unsigned long)fk.creates[fk.nvcpus].allowed_cpus, 8);
		fk.vcpu_fds[fk.nvcpus] = dup(fd);
		return fk.vcpu_fds[fk.nvcpus++];
	case AXV_SET_MEMORY_REGION:
		if (!((struct axv_memory_region *)arg)->slot)
			memcpy(&fk.region, arg, sizeof(fk.region));
		if (fk.regions < 4)
			memcpy(&fk.regions_set[fk.regions], arg, sizeof(fk.region));
		fk.regions++;
		return 0;
	case AXV_KICK_VCPUS:
		pthread_mutex_lock(&fk.lock);
		fk.kicked |= ((struct axv_kick *)arg)->vcpus;
		fk.kicks++;
		pthread_cond_broadcast(&fk.cond);
		pthread_mutex_unlock(&fk.lock);
		return 0;
	case AXV_SEND_IRQ:
		if (!(fk.vm_flags & AXV_VM_F_LAPIC))
			return fk_fail(ENXIO);
		pthread_mutex_lock(&fk.lock);
		if (fk.nirqs < 16)
			memcpy(&fk.irqs[fk.nirqs++], arg, sizeof(fk.irqs[0]));
		pthread_mutex_unlock(&fk.lock);
		return 1;
	case AXV_GET_SREGS:
		memset(arg, 0, sizeof(struct axv_sregs));
		((struct axv_sregs *)arg)->apic_base = 0xfee00900;
		((struct axv_sregs *)arg)->cr0 = 0x60000010;
		return 0;
	case AXV_SET_SREGS:
		memcpy(&fk.sregs, arg, sizeof(fk.sregs));
		fk.sets++;
		return 0;
	case AXV_SET_REGS:
		memcpy(&fk.regs, arg, sizeof(fk.regs));
		fk.sets++;
		return 0;
	case AXV_GET_VCPU_MMAP_SIZE:
		return 4096;
	case AXV_RUN:
		if (fk.smp_script && fk_vcpu(fd) >= 0 && fk.runs[fk_vcpu(fd)])
			return fk.smp_script(fk_vcpu(fd), fk.runs[fk_vcpu(fd)],
					     fk.steps[fk_vcpu(fd)]++);
		if (!fk.run || fd != fk.vcpu_fds[0])
			return fk_fail(EINVAL);
		return fk.script(fk.run, fk.step++);
	case AXV_GET_VCPU_STATS:
		memcpy(arg, &fk.stats, sizeof(fk.stats));
		return 0;
	case AXV_GET_VM_STATS:
		if (!fk.caps[AXV_CAP_VM_STATS] || fd != fk.vm_fd)
			return fk_fail(ENOTTY);
		if (fk.vm_stats_errno)
			return fk_fail(fk.vm_stats_errno);
		memcpy(arg, &fk.vm_stats, sizeof(fk.vm_stats));
		return 0;
	}
	return fk_fail(ENOTTY);
}

int ioctl(int fd, unsigned long req, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (fk.active)
		return fk_ioctl(fd, req, (void *)arg);
	if (fd == FAKE_VCPU_FD && req == AXV_GET_REGS) {
		memcpy((void *)arg, &fake_regs, sizeof(fake_regs));
		return 0;
	}
	if (fd == FAKE_VCPU_FD && req == AXV_GET_SREGS) {
		memcpy((void *)arg, &fake_sregs, sizeof(fake_sregs));
		return 0;
	}
	return syscall(SYS_ioctl, fd, req, arg);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	void *p;

	int vcpu = fk.active && fd >= 0 ? fk_vcpu(fd) : -1;

	if (vcpu < 0)
		return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, offset);
	fk.mmap_len = len;
	fk.mmap_prot = prot;
	fk.mmap_flags = flags;
	fk.mmap_offset = offset;
	p = (void *)syscall(SYS_mmap, addr, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		fk.runs[vcpu] = p;
		if (!vcpu)
			fk.run = p;
	}
	return p;
}

#define TEST_RAM	(4ULL << 20)	/* reserved area at 3 MiB */

static __u32 ram_u32(const struct guest_mem *mem, __u64 gpa)
{
	__u32 v = 0;
	void *p = guest_ptr(mem, gpa, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

static __u64 ram_u64(const struct guest_mem *mem, __u64 gpa)
{
	__u64 v = 0;
	void *p = guest_ptr(mem, gpa, sizeof(v));

	if (p)
		memcpy(&v, p, sizeof(v));
	return v;
}

static const char *ram_str(const struct guest_mem *mem, __u64 gpa)
{
	return guest_ptr(mem, gpa, 1) ? (const char *)mem->ram + gpa : "(outside RAM)";
}

/* Is [gpa, gpa + len) all zero? */
static int ram_zero(const struct guest_mem *mem, __u64 gpa, __u64 len)
{
	const __u8 *p = guest_ptr(mem, gpa, len);
	__u64 i;

	if (!p)
		return 0;
	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static void put_u32(__u8 *buf, size_t off, __u32 v)
{
	memcpy(buf + off, &v, sizeof(v));
}

/* An image over a static buffer (not freed). */
static struct image image_of(const char *name, __u8 *data, size_t size)
{
	struct image img = { .name = name, .data = data, .size = size };

	return img;
}

/* Output captured in memory. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void capture_start(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f) {
		perror("open_memstream");
		exit(1);
	}
}

/* What was written so far (NUL-terminated). */
static const char *capture_text(struct capture *c)
{
	fflush(c->f);
	return c->buf ? c->buf : "";
}

static void capture_end(struct capture *c)
{
	fclose(c->f);
	free(c->buf);
}

/* Silence stderr (usage messages) around calls that print them. */
static int stderr_off(void)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	dup2(null, 2);
	close(null);
	return saved;
}

static void stderr_on(int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
}

/* --- building ELF images ---------------------------------------------- */

struct seg_spec {
	__u32 type;
	__u64 paddr;
	__u64 vaddr;
	const void *data;
	__u64 filesz;
	__u64 memsz;
};

#define ELF_DATA_START	0x200	/* segment data starts here in built images */

/*
 * An ELF executable in @buf: header, program headers, then the segments'
 * data one after another from ELF_DATA_START.  Returns its size.
 */
static size_t build_elf(__u8 *buf, size_t room, bool is64, __u16 type, __u16 machine,
			__u64 entry, const struct seg_spec *segs, int nsegs)
{
	size_t data = ELF_DATA_START;
	int i;

	memset(buf, 0, room);
	if (is64) {
		struct elf64_hdr eh = { 0 };

		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS64;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		eh.e_type = type;
		eh.e_machine = machine;
		eh.e_version = EV_CURRENT;
		eh.e_entry = entry;
		eh.e_phoff = sizeof(eh);
		eh.e_ehsize = sizeof(eh);
		eh.e_phentsize = sizeof(struct elf64_phdr);
		eh.e_phnum = nsegs;
		memcpy(buf, &eh, sizeof(eh));
	} else {
		struct elf32_hdr eh = { 0 };

		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS32;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		eh.e_type = type;
		eh.e_machine = machine;
		eh.e_version = EV_CURRENT;
		eh.e_entry = entry;
		eh.e_phoff = sizeof(eh);
		eh.e_ehsize = sizeof(eh);
		eh.e_phentsize = sizeof(struct elf32_phdr);
		eh.e_phnum = nsegs;
		memcpy(buf, &eh, sizeof(eh));
	}
	for (i = 0; i < nsegs; i++) {
		const struct seg_spec *s = &segs[i];

		if (is64) {
			struct elf64_phdr ph = {
				.p_type = s->type, .p_offset = data, .p_vaddr = s->vaddr,
				.p_paddr = s->paddr, .p_filesz = s->filesz, .p_memsz = s->memsz,
				.p_flags = PF_R | PF_X, .p_align = 0x1000,
			};

			memcpy(buf + sizeof(struct elf64_hdr) + i * sizeof(ph), &ph, sizeof(ph));
		} else {
			struct elf32_phdr ph = {
				.p_type = s->type, .p_offset = data, .p_vaddr = s->vaddr,
				.p_paddr = s->paddr, .p_filesz = s->filesz, .p_memsz = s->memsz,
				.p_flags = PF_R | PF_X, .p_align = 0x1000,
			};

			memcpy(buf + sizeof(struct elf32_hdr) + i * sizeof(ph), &ph, sizeof(ph));
		}
		if (s->data && s->filesz)
			memcpy(buf + data, s->data, s->filesz);
		data += s->filesz;
	}
	return data;
}

static const __u8 code_a[] = { 0xfa, 0xf4, 0xeb, 0xfd };	/* cli; hlt; jmp . */
static const __u8 code_b[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

/* --- ELF and flat loading ----------------------------------------------- */

static void test_elf32_load(void)
{
	static __u8 buf[4096];
	struct seg_spec segs[] = {
		{ PT_LOAD, 0x100000, 0xc0100000, code_a, sizeof(code_a), sizeof(code_a) },
		{ PT_NOTE, 0x0, 0x0, code_b, 2, 2 },
		{ PT_LOAD, 0x101000, 0xc0101000, code_b, sizeof(code_b), 0x2000 },
	};
	struct guest_mem mem = ram_new(TEST_RAM);
	struct load_result res;
	struct axv_err err;
	struct image img;
	size_t len;

	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x100000, segs, 3);
	img = image_of("k32", buf, len);
	CHECK(image_is_elf(&img));
	memset(mem.ram + 0x101000, 0xcc, 0x3000);	/* the BSS must be zeroed */
	CHECK_INT(load_elf(&mem, &img, &res, &err), 0);
	CHECK_INT(res.format, IMAGE_ELF32);
	CHECK_HEX(res.entry, 0x100000);
	CHECK_HEX(res.low, 0x100000);
	CHECK_HEX(res.high, 0x103000);
	CHECK(!memcmp(mem.ram + 0x100000, code_a, sizeof(code_a)));
	CHECK(!memcmp(mem.ram + 0x101000, code_b, sizeof(code_b)));
	CHECK(ram_zero(&mem, 0x101000 + sizeof(code_b), 0x2000 - sizeof(code_b)));
	CHECK_INT(mem.ram[0x103000], 0xcc);	/* nothing beyond p_memsz */
	CHECK(ram_zero(&mem, 0, 0x1000));	/* PT_NOTE not loaded */
	CHECK_STR_EQ(image_format_name(res.format), "ELF32");
	ram_free(&mem);
}

static void test_elf64_load(void)
{
	static __u8 buf[4096];
	struct seg_spec segs[] = {
		{ PT_LOAD, 0x200000, 0xffffffff80200000ULL, code_b, sizeof(code_b), 0x100 },
		{ PT_LOAD, 0x10000, 0x10000, NULL, 0, 0 },	/* empty: skipped */
	};
	struct guest_mem mem = ram_new(TEST_RAM);
	struct load_result res;
	struct axv_err err;
	struct image img;
	size_t len;

	len = build_elf(buf, sizeof(buf), true, ET_EXEC, EM_X86_64, 0x200004, segs, 2);
	img = image_of("k64", buf, len);
	CHECK_INT(load_elf(&mem, &img, &res, &err), 0);
	CHECK_INT(res.format, IMAGE_ELF64);
	CHECK_HEX(res.entry, 0x200004);
	CHECK_HEX(res.low, 0x200000);
	CHECK_HEX(res.high, 0x200100);
	CHECK(!memcmp(mem.ram + 0x200000, code_b, sizeof(code_b)));
	CHECK_STR_EQ(image_format_name(res.format), "ELF64");
	ram_free(&mem);
}

/* load_elf() of @buf must fail with ENOEXEC/ENOSPC and a message with @msg. */
static void check_elf_refused(__u8 *buf, size_t len, int code, const char *msg, int line)
{
	struct guest_mem mem = ram_new(TEST_RAM);
	struct image img = image_of("bad.elf", buf, len);
	struct load_result res;
	struct axv_err err;
	int ret = load_elf(&mem, &img, &res, &err);

	if (ret != -code || err.code != code || !strstr(err.msg, msg))
		check_failed(__FILE__, line, "ret %d, '%s'; expected %d, '%s'", ret, err.msg,
			     -code, msg);
	ram_free(&mem);
}

#define CHECK_ELF_REFUSED(buf, len, code, msg) check_elf_refused(buf, len, code, msg, __LINE__)

static void test_elf_refused(void)
{
	static __u8 buf[4096];
	struct seg_spec seg = { PT_LOAD, 0x100000, 0x100000, code_a, sizeof(code_a),
				sizeof(code_a) };
	struct seg_spec reserved = { PT_LOAD, TEST_RAM - 0x100000 - 2, 0, code_a,
				     sizeof(code_a), sizeof(code_a) };
	struct seg_spec beyond = { PT_LOAD, TEST_RAM + 0x1000, 0, code_a, sizeof(code_a),
				   sizeof(code_a) };
	struct seg_spec wrap = { PT_LOAD, ~0ULL - 1, 0, code_a, sizeof(code_a),
				 sizeof(code_a) };
	struct seg_spec bss_small = { PT_LOAD, 0x100000, 0, code_a, sizeof(code_a), 2 };
	size_t len;

	len = build_elf(buf, sizeof(buf), false, ET_DYN, EM_386, 0x100000, &seg, 1);
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "not an executable (ET_EXEC)");
	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_X86_64, 0x100000, &seg, 1);
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "ELFCLASS32 but not EM_386");
	len = build_elf(buf, sizeof(buf), true, ET_EXEC, EM_386, 0x100000, &seg, 1);
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "ELFCLASS64 but not EM_X86_64");
	len = build_elf(buf, sizeof(buf), true, ET_EXEC, EM_X86_64, 0x100000, &seg, 1);
	buf[EI_DATA] = ELFDATA2MSB;
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "not a little-endian");
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_CLASS] = 3;
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "neither ELFCLASS32 nor ELFCLASS64");
	buf[EI_CLASS] = ELFCLASS64;
	CHECK_ELF_REFUSED(buf, 40, ENOEXEC, "truncated ELF header");
	CHECK_ELF_REFUSED(buf, sizeof(struct elf64_hdr) + 10, ENOEXEC, "program headers beyond");
	CHECK_ELF_REFUSED((__u8 *)"MZ\x90\x00", 4, ENOEXEC, "not an ELF file");

	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x100000, &seg, 0);
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "no program headers");
	seg.type = PT_NOTE;
	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x100000, &seg, 1);
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "no loadable (PT_LOAD) segment");
	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x100000, &bss_small, 1);
	CHECK_ELF_REFUSED(buf, len, ENOEXEC, "segment 0: p_filesz larger than p_memsz");
	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x100000, &bss_small, 1);
	CHECK_ELF_REFUSED(buf, ELF_DATA_START + 2, ENOEXEC, "segment 0: p_filesz larger");

	/* Segments in the reserved area, outside RAM, or wrapping. */
	len = build_elf(buf, sizeof(buf), true, ET_EXEC, EM_X86_64, 0x100000, &reserved, 1);
	CHECK_ELF_REFUSED(buf, len, ENOSPC, "does not fit below userctl's reserved area");
	CHECK_ELF_REFUSED(buf, len, ENOSPC, "(0x300000-0x3fffff)");
	len = build_elf(buf, sizeof(buf), true, ET_EXEC, EM_X86_64, 0x100000, &beyond, 1);
	CHECK_ELF_REFUSED(buf, len, ENOSPC, "bad.elf: segment 0 at 0x401000");
	len = build_elf(buf, sizeof(buf), true, ET_EXEC, EM_X86_64, 0x100000, &wrap, 1);
	CHECK_ELF_REFUSED(buf, len, ENOSPC, "does not fit");

	/* Data beyond the end of the file. */
	seg.type = PT_LOAD;
	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x100000, &seg, 1);
	CHECK_ELF_REFUSED(buf, len - 1, ENOEXEC, "segment 0: data beyond the end of the file");
}

static void test_flat_load(void)
{
	static __u8 bin[] = { 0xb0, 0x41, 0xe6, 0xe9, 0xf4 };
	struct guest_mem mem = ram_new(TEST_RAM);
	struct image img = image_of("flat.bin", bin, sizeof(bin));
	struct load_result res;
	struct axv_err err;

	CHECK(!image_is_elf(&img));
	CHECK_INT(load_flat(&mem, &img, LOADER_FLAT_DEFAULT, &res, &err), 0);
	CHECK_INT(res.format, IMAGE_FLAT);
	CHECK_HEX(res.entry, 0x1000);
	CHECK_HEX(res.low, 0x1000);
	CHECK_HEX(res.high, 0x1000 + sizeof(bin));
	CHECK(!memcmp(mem.ram + 0x1000, bin, sizeof(bin)));

	/* Up to the reserved area, and not a byte into it. */
	CHECK_INT(load_flat(&mem, &img, 0x300000 - sizeof(bin), &res, &err), 0);
	CHECK_INT(load_flat(&mem, &img, 0x300000 - sizeof(bin) + 1, &res, &err), -ENOSPC);
	CHECK_STR_HAS(err.msg, "flat.bin at 0x2ffffc-0x300000 does not fit");
	CHECK_INT(load_flat(&mem, &img, ~0ULL - 2, &res, &err), -ENOSPC);
	CHECK_STR_EQ(image_format_name(IMAGE_FLAT), "flat");
	ram_free(&mem);
}

static void test_image_read(void)
{
	char path[] = "/tmp/userctl-test-XXXXXX";
	struct image img;
	struct axv_err err;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(image_read(path, &img, &err), -EINVAL);
	CHECK_STR_HAS(err.msg, "empty file");
	CHECK(!img.data);
	CHECK_INT(write(fd, "\177ELFxyz", 7), 7);
	CHECK_INT(image_read(path, &img, &err), 0);
	CHECK_INT(img.size, 7);
	CHECK(img.data && !memcmp(img.data, "\177ELFxyz", 7));
	CHECK(image_is_elf(&img));
	CHECK_STR_EQ(img.name, path);
	image_free(&img);
	image_free(&img);
	CHECK(!img.data);
	close(fd);
	unlink(path);

	CHECK_INT(image_read("/nonexistent-userctl/x", &img, &err), -ENOENT);
	CHECK_STR_EQ(err.msg, "open /nonexistent-userctl/x: No such file or directory");
	CHECK_INT(image_read("/", &img, &err), -EINVAL);
	CHECK_STR_EQ(err.msg, "/: not a regular file");
}

/* --- Multiboot ----------------------------------------------------------- */

/* A Multiboot header at @off of @buf; the checksum made to fit unless @bad. */
static void put_mb_header(__u8 *buf, size_t off, __u32 flags, bool bad)
{
	put_u32(buf, off, MB_HEADER_MAGIC);
	put_u32(buf, off + 4, flags);
	put_u32(buf, off + 8, -(MB_HEADER_MAGIC + flags) + (bad ? 1 : 0));
}

static void test_mb_struct_layout(void)
{
	CHECK_INT(sizeof(struct mb_header), 32);
	CHECK_INT(sizeof(struct mb_info), 116);
	CHECK_INT(offsetof(struct mb_info, cmdline), 16);
	CHECK_INT(offsetof(struct mb_info, mods_count), 20);
	CHECK_INT(offsetof(struct mb_info, mmap_length), 44);
	CHECK_INT(offsetof(struct mb_info, mmap_addr), 48);
	CHECK_INT(offsetof(struct mb_info, boot_loader_name), 64);
	CHECK_INT(offsetof(struct mb_info, vbe_mode), 80);
	CHECK_INT(offsetof(struct mb_info, framebuffer_addr), 88);
	CHECK_INT(offsetof(struct mb_info, color_info), 110);
	CHECK_INT(sizeof(struct mb_mmap_entry), 24);
	CHECK_INT(offsetof(struct mb_mmap_entry, addr), 4);
	CHECK_INT(offsetof(struct mb_mmap_entry, type), 20);
	CHECK_INT(sizeof(struct mb_mod_entry), 16);
}

static void test_mb_find_header(void)
{
	static __u8 buf[16384];
	struct image img = image_of("mb", buf, sizeof(buf));
	struct mb_header hdr;
	struct axv_err err;
	size_t off = 12345;

	/* None at all. */
	memset(buf, 0, sizeof(buf));
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 0);
	CHECK_INT(off, 12345);

	/* Good, at the start and further in. */
	put_mb_header(buf, 0, MB_HF_PAGE_ALIGN | MB_HF_MEMORY_INFO, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 1);
	CHECK_INT(off, 0);
	CHECK_HEX(hdr.magic, MB_HEADER_MAGIC);
	CHECK_HEX(hdr.flags, 3);
	CHECK_HEX((__u32)(hdr.magic + hdr.flags + hdr.checksum), 0);
	CHECK_INT(hdr.load_addr, 0);
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 8180, 0, false);	/* the last place it fits */
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 1);
	CHECK_INT(off, 8180);

	/* Bad checksum, misaligned, beyond (or across) 8192 bytes: none. */
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 64, 0, true);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 0);
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 66, 0, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 0);
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 8192, 0, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 0);
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 8184, 0, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 0);

	/* A bad one before a good one: the good one counts. */
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 16, 0, true);
	put_mb_header(buf, 32, 0, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 1);
	CHECK_INT(off, 32);

	/* A file shorter than the header. */
	img.size = 8;
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 0);
}

static void test_mb_header_flags(void)
{
	static __u8 buf[8192];
	struct image img = image_of("mb.bin", buf, sizeof(buf));
	struct mb_header hdr;
	struct axv_err err;
	size_t off;

	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 4, MB_HF_VIDEO_MODE | MB_HF_PAGE_ALIGN, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), -EINVAL);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_EQ(err.msg,
		     "mb.bin: the Multiboot header asks for a video mode (flag 2), which userctl does not support");

	put_mb_header(buf, 4, 1U << 5 | 1U << 15 | MB_HF_MEMORY_INFO, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), -EINVAL);
	CHECK_STR_EQ(err.msg,
		     "mb.bin: the Multiboot header has required flags 0x8020 that userctl does not know");

	/* Optional flags (16-31) userctl does not know are ignored. */
	put_mb_header(buf, 4, 1U << 20 | MB_HF_PAGE_ALIGN, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 1);
	CHECK_HEX(hdr.flags, 1U << 20 | MB_HF_PAGE_ALIGN);

	/* With flag 16 the address fields are read, and must be there. */
	put_mb_header(buf, 4, MB_HF_AOUT_KLUDGE, false);
	put_u32(buf, 16, 0x100004);
	put_u32(buf, 20, 0x100000);
	put_u32(buf, 24, 0x100800);
	put_u32(buf, 28, 0x102000);
	put_u32(buf, 32, 0x100020);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 1);
	CHECK_INT(off, 4);
	CHECK_HEX(hdr.header_addr, 0x100004);
	CHECK_HEX(hdr.load_addr, 0x100000);
	CHECK_HEX(hdr.load_end_addr, 0x100800);
	CHECK_HEX(hdr.bss_end_addr, 0x102000);
	CHECK_HEX(hdr.entry_addr, 0x100020);
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 8168, MB_HF_AOUT_KLUDGE, false);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), -EINVAL);
	CHECK_STR_HAS(err.msg, "address fields (flag 16) end beyond the first 8192 bytes");
}

/* A Multiboot image with address fields: header at file offset 0x40, loaded at 1 MiB. */
static size_t build_mb_kludge(__u8 *buf, size_t room, __u32 load_end, __u32 bss_end)
{
	size_t i, size = 0x1000;

	memset(buf, 0, room);
	for (i = 0x40 + 32; i < size; i++)
		buf[i] = (__u8)i;
	put_mb_header(buf, 0x40, MB_HF_AOUT_KLUDGE | MB_HF_MEMORY_INFO, false);
	put_u32(buf, 0x40 + 12, 0x100040);	/* header_addr */
	put_u32(buf, 0x40 + 16, 0x100000);	/* load_addr: file offset 0 */
	put_u32(buf, 0x40 + 20, load_end);
	put_u32(buf, 0x40 + 24, bss_end);
	put_u32(buf, 0x40 + 28, 0x100080);	/* entry_addr */
	return size;
}

static void test_mb_load_kludge(void)
{
	static __u8 buf[8192];
	struct guest_mem mem = ram_new(TEST_RAM);
	struct image img = image_of("kludge", buf, 0);
	struct load_result res;
	struct mb_header hdr;
	struct axv_err err;
	size_t off;

	/* load_end_addr 0: the whole file; bss_end_addr zeroes up to it. */
	img.size = build_mb_kludge(buf, sizeof(buf), 0, 0x103000);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 1);
	memset(mem.ram + 0x100000, 0xcc, 0x4000);
	CHECK_INT(mb_load(&mem, &img, &hdr, off, &res, &err), 0);
	CHECK_INT(res.format, IMAGE_MULTIBOOT);
	CHECK_HEX(res.entry, 0x100080);
	CHECK_HEX(res.low, 0x100000);
	CHECK_HEX(res.high, 0x103000);
	CHECK(!memcmp(mem.ram + 0x100000, buf, 0x1000));
	CHECK(ram_zero(&mem, 0x101000, 0x2000));
	CHECK_INT(mem.ram[0x103000], 0xcc);

	/* load_end_addr: only that much; no BSS. */
	img.size = build_mb_kludge(buf, sizeof(buf), 0x100800, 0);
	CHECK_INT(mb_find_header(&img, &hdr, &off, &err), 1);
	memset(mem.ram + 0x100000, 0xcc, 0x4000);
	CHECK_INT(mb_load(&mem, &img, &hdr, off, &res, &err), 0);
	CHECK_HEX(res.high, 0x100800);
	CHECK(!memcmp(mem.ram + 0x100000, buf, 0x800));
	CHECK_INT(mem.ram[0x100800], 0xcc);

	/* Inconsistent fields. */
	img.size = build_mb_kludge(buf, sizeof(buf), 0x100800, 0x100400);
	mb_find_header(&img, &hdr, &off, &err);
	CHECK_INT(mb_load(&mem, &img, &hdr, off, &res, &err), -ENOEXEC);
	CHECK_STR_HAS(err.msg, "bss_end_addr 0x100400 below the end of the loaded data");
	img.size = build_mb_kludge(buf, sizeof(buf), 0x102000, 0);
	mb_find_header(&img, &hdr, &off, &err);
	CHECK_INT(mb_load(&mem, &img, &hdr, off, &res, &err), -ENOEXEC);
	CHECK_STR_HAS(err.msg, "load_end_addr 0x102000 is beyond the end of the file");
	img.size = build_mb_kludge(buf, sizeof(buf), 0, 0);
	put_u32(buf, 0x40 + 16, 0x0fff00);	/* the text would start before the file */
	put_u32(buf, 0x40 + 8, (__u32)-(MB_HEADER_MAGIC + (MB_HF_AOUT_KLUDGE | MB_HF_MEMORY_INFO)));
	mb_find_header(&img, &hdr, &off, &err);
	CHECK_INT(mb_load(&mem, &img, &hdr, off, &res, &err), -ENOEXEC);
	CHECK_STR_HAS(err.msg, "load_addr 0xfff00 does not fit header_addr 0x100040");

	/* Into the reserved area. */
	img.size = build_mb_kludge(buf, sizeof(buf), 0, 0x300001);
	mb_find_header(&img, &hdr, &off, &err);
	CHECK_INT(mb_load(&mem, &img, &hdr, off, &res, &err), -ENOSPC);

	/* Without flag 16 the image must be ELF. */
	memset(buf, 0, sizeof(buf));
	put_mb_header(buf, 0, 0, false);
	img.size = 4096;
	mb_find_header(&img, &hdr, &off, &err);
	CHECK_INT(mb_load(&mem, &img, &hdr, off, &res, &err), -ENOEXEC);
	CHECK_STR_EQ(err.msg,
		     "kludge: Multiboot image without address fields (flag 16) must be an ELF file");
	ram_free(&mem);
}

static void test_mb_cmdline(void)
{
	char *const args[] = { "console=ttyS0", "quiet", "a b" };
	char *line;

	line = mb_cmdline("kernel.elf", args, 0);
	CHECK_STR_EQ(line, "kernel.elf");
	free(line);
	line = mb_cmdline("/boot/kernel.elf", args, 3);
	CHECK_STR_EQ(line, "/boot/kernel.elf console=ttyS0 quiet a b");
	free(line);
	line = mb_cmdline("k", args + 1, 1);
	CHECK_STR_EQ(line, "k quiet");
	free(line);
}

static void test_mb_info(void)
{
	static __u8 mod1[100], mod2[5000];
	struct mb_module mods[2] = {
		{ .path = "initrd.img", .args = "root=/dev/ram0 rw",
		  .img = { .name = "initrd.img", .data = mod1, .size = sizeof(mod1) } },
		{ .path = "/boot/mod2", .args = NULL,
		  .img = { .name = "/boot/mod2", .data = mod2, .size = sizeof(mod2) } },
	};
	struct guest_mem mem = ram_new(TEST_RAM);
	struct mb_mmap_entry mmap[2];
	struct mb_mod_entry ents[2];
	struct mb_info info;
	struct axv_err err;
	__u32 addr = 0;

	memset(mod1, 0x11, sizeof(mod1));
	memset(mod2, 0x22, sizeof(mod2));
	memset(mem.ram, 0xcc, mem.size);
	CHECK_INT(mb_build_info(&mem, 0x101234, "kernel.elf a=1 b", mods, 2, &addr, &err), 0);

	/* Modules page aligned right after the image, the information after them. */
	CHECK_HEX(addr, 0x105000);
	memcpy(&info, mem.ram + addr, sizeof(info));
	CHECK_HEX(info.flags, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS |
		  MB_INFO_MEM_MAP | MB_INFO_LOADER_NAME);
	CHECK_HEX(info.flags, 0x24d);
	CHECK_INT(info.mem_lower, 640);
	CHECK_INT(info.mem_upper, 3072);
	CHECK_INT(info.boot_device, 0);
	CHECK_STR_EQ(ram_str(&mem, info.cmdline), "kernel.elf a=1 b");
	CHECK_STR_EQ(ram_str(&mem, info.boot_loader_name), "userctl");
	CHECK_INT(info.mods_count, 2);
	CHECK_INT(info.syms[0] | info.syms[1] | info.syms[2] | info.syms[3], 0);
	CHECK_INT(info.drives_length | info.drives_addr | info.config_table | info.apm_table, 0);
	CHECK_INT(info.vbe_control_info | info.vbe_mode_info | info.vbe_mode, 0);
	CHECK_INT(info.framebuffer_addr | info.framebuffer_pitch | info.framebuffer_type, 0);

	memcpy(ents, mem.ram + info.mods_addr, sizeof(ents));
	CHECK_HEX(ents[0].mod_start, 0x102000);
	CHECK_HEX(ents[0].mod_end, 0x102000 + sizeof(mod1));
	CHECK_STR_EQ(ram_str(&mem, ents[0].string), "initrd.img root=/dev/ram0 rw");
	CHECK_INT(ents[0].reserved, 0);
	CHECK_HEX(ents[1].mod_start, 0x103000);
	CHECK_HEX(ents[1].mod_end, 0x103000 + sizeof(mod2));
	CHECK_STR_EQ(ram_str(&mem, ents[1].string), "/boot/mod2");
	CHECK_INT(ents[1].reserved, 0);
	CHECK(!memcmp(mem.ram + 0x102000, mod1, sizeof(mod1)));
	CHECK(!memcmp(mem.ram + 0x103000, mod2, sizeof(mod2)));

	CHECK_INT(info.mmap_length, 48);
	memcpy(mmap, mem.ram + info.mmap_addr, sizeof(mmap));
	CHECK_INT(mmap[0].size, 20);
	CHECK_HEX(mmap[0].addr, 0);
	CHECK_HEX(mmap[0].len, 0x9fc00);
	CHECK_INT(mmap[0].type, 1);
	CHECK_INT(mmap[1].size, 20);
	CHECK_HEX(mmap[1].addr, 0x100000);
	CHECK_HEX(mmap[1].len, TEST_RAM - 0x100000);
	CHECK_INT(mmap[1].type, 1);
	/* A kernel walks the map by size + 4. */
	CHECK_INT(ram_u32(&mem, info.mmap_addr + 24), 20);
	CHECK_HEX(ram_u64(&mem, info.mmap_addr + 24 + 4), 0x100000);

	/* Everything above the image and in the block, none of it reserved. */
	CHECK(info.cmdline > addr && info.mods_addr > addr && info.mmap_addr > addr);
	CHECK(info.boot_loader_name < addr + GUEST_PAGE_SIZE);
	CHECK_INT(mem.ram[0x101234], 0xcc);	/* the gap after the image is left alone */
	ram_free(&mem);
}

static void test_mb_info_no_modules(void)
{
	struct guest_mem mem = ram_new(TEST_RAM);
	struct mb_info info;
	struct axv_err err;
	__u32 addr = 0;

	CHECK_INT(mb_build_info(&mem, 0x100000, "k", NULL, 0, &addr, &err), 0);
	CHECK_HEX(addr, 0x100000);
	memcpy(&info, mem.ram + addr, sizeof(info));
	CHECK_HEX(info.flags, 0x24d);
	CHECK_INT(info.mods_count, 0);
	CHECK(info.mods_addr > addr);
	CHECK_STR_EQ(ram_str(&mem, info.cmdline), "k");

	/* An image end that is not page aligned rounds up. */
	CHECK_INT(mb_build_info(&mem, 0x100001, "k", NULL, 0, &addr, &err), 0);
	CHECK_HEX(addr, 0x101000);
	ram_free(&mem);
}

static void test_mb_info_too_small(void)
{
	static __u8 big[0x200000];
	struct mb_module mod = {
		.path = "big", .img = { .name = "big", .data = big, .size = sizeof(big) },
	};
	struct guest_mem mem = ram_new(TEST_RAM);
	struct axv_err err;
	__u32 addr = 0;

	/* A module that would run into the reserved area. */
	CHECK_INT(mb_build_info(&mem, 0x180000, "k", &mod, 1, &addr, &err), -ENOSPC);
	CHECK_STR_HAS(err.msg, "guest RAM too small: the Multiboot module would end at 0x380000");
	CHECK_STR_HAS(err.msg, "reserved area at 0x300000");
	CHECK_INT(addr, 0);

	/* The information block itself, one page short. */
	CHECK_INT(mb_build_info(&mem, 0x300000, "k", NULL, 0, &addr, &err), -ENOSPC);
	CHECK_STR_HAS(err.msg, "the Multiboot information would end at");
	CHECK_INT(mb_build_info(&mem, 0x2ff000, "k", NULL, 0, &addr, &err), 0);
	CHECK_HEX(addr, 0x2ff000);
	ram_free(&mem);
}

/* --- x86 start state ----------------------------------------------------- */

/* Decode an 8-byte descriptor into the hidden fields a CPU caches. */
static void decode_descriptor(__u64 d, struct axv_segment *s)
{
	__u32 limit = (d & 0xffff) | ((d >> 32) & 0xf0000);

	memset(s, 0, sizeof(*s));
	s->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
	s->type = (d >> 40) & 0xf;
	s->s = (d >> 44) & 1;
	s->dpl = (d >> 45) & 3;
	s->present = (d >> 47) & 1;
	s->avl = (d >> 52) & 1;
	s->l = (d >> 53) & 1;
	s->db = (d >> 54) & 1;
	s->g = (d >> 55) & 1;
	s->limit = s->g ? (limit << 12) | 0xfff : limit;
}

/* The cached fields of @seg are what its GDT entry says. */
static void check_cached(const struct guest_mem *mem, const struct axv_sregs *sregs,
			 const struct axv_segment *seg, const char *name, int line)
{
	struct axv_segment d;
	__u64 desc = ram_u64(mem, sregs->gdt.base + (seg->selector & ~7));

	decode_descriptor(desc, &d);
	if (seg->selector & ~7) {
		if (seg->selector + 7 > sregs->gdt.limit)
			check_failed(__FILE__, line, "%s: selector 0x%x beyond the GDT", name,
				     seg->selector);
		if (seg->type == X86_TYPE_TSS_BUSY && !seg->s)
			d.base |= ram_u64(mem, sregs->gdt.base + seg->selector + 8) << 32;
	}
	if (d.base != seg->base || d.limit != seg->limit || d.type != seg->type ||
	    d.s != seg->s || d.dpl != seg->dpl || d.present != seg->present ||
	    d.db != seg->db || d.l != seg->l || d.g != seg->g || d.avl != seg->avl ||
	    seg->unusable)
		check_failed(__FILE__, line, "%s (0x%x) differs from its descriptor 0x%016llx",
			     name, seg->selector, desc);
}

#define CHECK_CACHED(mem, sregs, seg)	check_cached(mem, sregs, seg, #seg, __LINE__)

/* A sregs as the kernel might report it: the fields x86_setup() must keep. */
static void sregs_from_kernel(struct axv_sregs *sregs)
{
	memset(sregs, 0x5a, sizeof(*sregs));
	sregs->cr2 = 0x1234;
	sregs->cr8 = 0x5;
	sregs->apic_base = 0xfee00900;
	memset(sregs->reserved, 0, sizeof(sregs->reserved));
}

static void check_kept(const struct axv_sregs *sregs, int line)
{
	unsigned int i;

	if (sregs->cr2 != 0x1234 || sregs->cr8 != 5 || sregs->apic_base != 0xfee00900)
		check_failed(__FILE__, line, "CR2, CR8 or APIC base changed");
	for (i = 0; i < sizeof(sregs->reserved) / sizeof(sregs->reserved[0]); i++)
		if (sregs->reserved[i])
			check_failed(__FILE__, line, "reserved[%u] changed", i);
}

static void check_segment(const struct axv_segment *s, __u16 sel, __u64 base, __u32 limit,
			  __u8 type, __u8 sflag, __u8 db, __u8 l, __u8 g, const char *name,
			  int line)
{
	if (s->selector != sel || s->base != base || s->limit != limit || s->type != type ||
	    s->s != sflag || s->db != db || s->l != l || s->g != g || !s->present ||
	    s->dpl || s->avl || s->unusable || s->pad[0] || s->pad[1] || s->pad[2])
		check_failed(__FILE__, line,
			     "%s: sel 0x%x base 0x%llx limit 0x%x type %u s %u db %u l %u g %u p %u dpl %u avl %u unusable %u",
			     name, s->selector, s->base, s->limit, s->type, s->s, s->db, s->l,
			     s->g, s->present, s->dpl, s->avl, s->unusable);
}

#define CHECK_SEG(s, sel, base, limit, type, sflag, db, l, g) \
	check_segment(&(s), sel, base, limit, type, sflag, db, l, g, #s, __LINE__)

static void check_no_ldt(const struct axv_segment *ldt, int line)
{
	if (!ldt->unusable || ldt->selector || ldt->type != 2 || ldt->s || !ldt->present)
		check_failed(__FILE__, line, "LDTR is not an unusable null LDT");
}

static void check_general_regs(const struct axv_regs *r, int line)
{
	if (r->rbx || r->rcx || r->rdx || r->rsi || r->rdi || r->rbp || r->r8 || r->r9 ||
	    r->r10 || r->r11 || r->r12 || r->r13 || r->r14 || r->r15 || r->rflags != 2 ||
	    r->reserved[0] || r->reserved[3])
		check_failed(__FILE__, line, "general registers not cleared");
}

static void test_mode_names(void)
{
	CHECK_INT(x86_mode_parse("real"), X86_MODE_REAL);
	CHECK_INT(x86_mode_parse("protected"), X86_MODE_PROTECTED);
	CHECK_INT(x86_mode_parse("long"), X86_MODE_LONG);
	CHECK_INT(x86_mode_parse("Long"), X86_MODE_NONE);
	CHECK_INT(x86_mode_parse(""), X86_MODE_NONE);
	CHECK_STR_EQ(x86_mode_name(X86_MODE_REAL), "real");
	CHECK_STR_EQ(x86_mode_name(X86_MODE_PROTECTED), "protected");
	CHECK_STR_EQ(x86_mode_name(X86_MODE_LONG), "long");
	CHECK_STR_EQ(x86_mode_name(X86_MODE_NONE), "none");
}

static void test_real_mode(void)
{
	struct guest_mem mem = ram_new(TEST_RAM);
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;

	sregs_from_kernel(&sregs);
	memset(&regs, 0xa5, sizeof(regs));
	CHECK_INT(x86_setup(&mem, X86_MODE_REAL, 0x1000, &regs, &sregs, &err), 0);
	CHECK_SEG(sregs.cs, 0, 0, 0xffff, 0xb, 1, 0, 0, 0);
	CHECK_SEG(sregs.ds, 0, 0, 0xffff, 3, 1, 0, 0, 0);
	CHECK_SEG(sregs.es, 0, 0, 0xffff, 3, 1, 0, 0, 0);
	CHECK_SEG(sregs.fs, 0, 0, 0xffff, 3, 1, 0, 0, 0);
	CHECK_SEG(sregs.gs, 0, 0, 0xffff, 3, 1, 0, 0, 0);
	CHECK_SEG(sregs.ss, 0, 0, 0xffff, 3, 1, 0, 0, 0);
	CHECK_SEG(sregs.tr, 0, 0, 0xffff, 11, 0, 0, 0, 0);
	check_no_ldt(&sregs.ldt, __LINE__);
	CHECK_HEX(sregs.gdt.base, 0);
	CHECK_HEX(sregs.gdt.limit, 0xffff);
	CHECK_HEX(sregs.idt.base, 0);
	CHECK_HEX(sregs.idt.limit, 0xffff);
	CHECK_HEX(sregs.cr0, 0x10);
	CHECK_HEX(sregs.cr3, 0);
	CHECK_HEX(sregs.cr4, 0);
	CHECK_HEX(sregs.efer, 0);
	check_kept(&sregs, __LINE__);
	CHECK_HEX(regs.rip, 0x1000);
	CHECK_HEX(regs.rsp, 0x7c00);
	CHECK_HEX(regs.rax, 0);
	check_general_regs(&regs, __LINE__);
	CHECK(ram_zero(&mem, 0x300000, 0x100000));	/* no tables in real mode */

	/* Above 64 KiB: CS takes the 64 KiB block, RIP the rest. */
	CHECK_INT(x86_setup(&mem, X86_MODE_REAL, 0x12345, &regs, &sregs, &err), 0);
	CHECK_SEG(sregs.cs, 0x1000, 0x10000, 0xffff, 0xb, 1, 0, 0, 0);
	CHECK_HEX(regs.rip, 0x2345);
	CHECK_INT(x86_setup(&mem, X86_MODE_REAL, 0xfffff, &regs, &sregs, &err), 0);
	CHECK_SEG(sregs.cs, 0xf000, 0xf0000, 0xffff, 0xb, 1, 0, 0, 0);
	CHECK_HEX(regs.rip, 0xffff);

	CHECK_INT(x86_setup(&mem, X86_MODE_REAL, 0x100000, &regs, &sregs, &err), -EINVAL);
	CHECK_STR_EQ(err.msg, "real mode cannot start at 0x100000: the entry must be below 1 MiB");
	CHECK_INT(x86_setup(&mem, X86_MODE_NONE, 0x1000, &regs, &sregs, &err), -EINVAL);
	ram_free(&mem);
}

static void test_protected_mode(void)
{
	struct guest_mem mem = ram_new(TEST_RAM);
	const __u64 gdt = 0x300000, tss = 0x301000;
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;
	__u16 iomap;

	sregs_from_kernel(&sregs);
	CHECK_INT(x86_setup(&mem, X86_MODE_PROTECTED, 0x100000, &regs, &sregs, &err), 0);

	/* The GDT, byte for byte. */
	CHECK_HEX(ram_u64(&mem, gdt + 0x00), 0);
	CHECK_HEX(ram_u64(&mem, gdt + 0x08), 0x00cf9b000000ffffULL);
	CHECK_HEX(ram_u64(&mem, gdt + 0x10), 0x00cf93000000ffffULL);
	CHECK_HEX(ram_u64(&mem, gdt + 0x18), 0x00af9b000000ffffULL);
	CHECK_HEX(ram_u64(&mem, gdt + 0x20), 0x00008b3010000067ULL);
	CHECK_HEX(ram_u64(&mem, gdt + 0x28), 0);
	CHECK(ram_zero(&mem, gdt + 0x30, GUEST_PAGE_SIZE - 0x30));
	CHECK_HEX(sregs.gdt.base, gdt);
	CHECK_HEX(sregs.gdt.limit, 0x2f);
	CHECK_HEX(sregs.idt.base, 0);
	CHECK_HEX(sregs.idt.limit, 0);

	/* The TSS: zero, but for an I/O map base beyond its limit. */
	memcpy(&iomap, mem.ram + tss + 102, sizeof(iomap));
	CHECK_HEX(iomap, 0x68);
	CHECK(ram_zero(&mem, tss, 102));

	CHECK_SEG(sregs.cs, 0x08, 0, 0xffffffff, 0xb, 1, 1, 0, 1);
	CHECK_SEG(sregs.ds, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	CHECK_SEG(sregs.es, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	CHECK_SEG(sregs.fs, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	CHECK_SEG(sregs.gs, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	CHECK_SEG(sregs.ss, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	CHECK_SEG(sregs.tr, 0x20, tss, 0x67, 11, 0, 0, 0, 0);
	check_no_ldt(&sregs.ldt, __LINE__);
	CHECK_CACHED(&mem, &sregs, &sregs.cs);
	CHECK_CACHED(&mem, &sregs, &sregs.ds);
	CHECK_CACHED(&mem, &sregs, &sregs.ss);
	CHECK_CACHED(&mem, &sregs, &sregs.tr);

	CHECK_HEX(sregs.cr0, 0x11);
	CHECK_HEX(sregs.cr3, 0);
	CHECK_HEX(sregs.cr4, 0);
	CHECK_HEX(sregs.efer, 0);
	check_kept(&sregs, __LINE__);
	CHECK_HEX(regs.rip, 0x100000);
	CHECK_HEX(regs.rsp, 0x7000);
	check_general_regs(&regs, __LINE__);
	CHECK(ram_zero(&mem, 0x302000, 0x2000));	/* no page tables */

	CHECK_INT(x86_setup(&mem, X86_MODE_PROTECTED, 0xffffffff, &regs, &sregs, &err), 0);
	CHECK_INT(x86_setup(&mem, X86_MODE_PROTECTED, 0x100000000ULL, &regs, &sregs, &err),
		  -EINVAL);
	CHECK_STR_HAS(err.msg, "the entry must be below 4 GiB");
	ram_free(&mem);
}

static void test_long_mode(void)
{
	struct guest_mem mem = ram_new(TEST_RAM);
	const __u64 pml4 = 0x302000, pdpt = 0x303000, pd = 0x304000;
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;
	int i, j, bad = 0;

	sregs_from_kernel(&sregs);
	CHECK_INT(x86_setup(&mem, X86_MODE_LONG, 0x200000, &regs, &sregs, &err), 0);
	CHECK_HEX(x86_identity_map_size(&mem), 0x100000000ULL);

	CHECK_HEX(sregs.cr3, pml4);
	CHECK_HEX(sregs.cr0, 0x80000011);
	CHECK_HEX(sregs.cr4, 0x20);
	CHECK_HEX(sregs.efer, 0x500);
	CHECK_SEG(sregs.cs, 0x18, 0, 0xffffffff, 0xb, 1, 0, 1, 1);
	CHECK_SEG(sregs.ds, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	CHECK_SEG(sregs.ss, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	CHECK_SEG(sregs.tr, 0x20, 0x301000, 0x67, 11, 0, 0, 0, 0);
	check_no_ldt(&sregs.ldt, __LINE__);
	CHECK_CACHED(&mem, &sregs, &sregs.cs);
	CHECK_CACHED(&mem, &sregs, &sregs.es);
	CHECK_CACHED(&mem, &sregs, &sregs.tr);
	CHECK_HEX(sregs.gdt.base, 0x300000);
	CHECK_HEX(ram_u64(&mem, 0x300018), 0x00af9b000000ffffULL);
	check_kept(&sregs, __LINE__);
	CHECK_HEX(regs.rip, 0x200000);
	CHECK_HEX(regs.rsp, 0x7000);
	check_general_regs(&regs, __LINE__);

	/* PML4 -> one PDPT -> four PDs of 2 MiB pages: P, RW, PS. */
	CHECK_HEX(ram_u64(&mem, pml4), pdpt | 0x3);
	CHECK(ram_zero(&mem, pml4 + 8, GUEST_PAGE_SIZE - 8));
	for (i = 0; i < 4; i++)
		CHECK_HEX(ram_u64(&mem, pdpt + 8 * i), (pd + 0x1000 * i) | 0x3);
	CHECK(ram_zero(&mem, pdpt + 32, GUEST_PAGE_SIZE - 32));
	CHECK_HEX(ram_u64(&mem, pd), 0x83);
	CHECK_HEX(ram_u64(&mem, pd + 8), 0x200083);
	CHECK_HEX(ram_u64(&mem, pd + 0x1000), 0x40000083);
	CHECK_HEX(ram_u64(&mem, pd + 0x4000 - 8), 0xffe00083ULL);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 512; j++)
			bad += ram_u64(&mem, pd + 0x1000 * i + 8 * j) !=
			       ((((__u64)i << 30) + ((__u64)j << 21)) | X86_PTE_P | X86_PTE_RW |
				X86_PTE_PS);
	CHECK_INT(bad, 0);
	CHECK(ram_zero(&mem, pd + 0x4000, 0x1000));

	/* The entry must be mapped. */
	CHECK_INT(x86_setup(&mem, X86_MODE_LONG, 0xffffffff80000000ULL, &regs, &sregs, &err),
		  -EINVAL);
	CHECK_STR_EQ(err.msg,
		     "long mode cannot start at 0xffffffff80000000: only 0-0xffffffff is identity-mapped");
	ram_free(&mem);
}

/* More than 4 GiB: the reserved area stays below 4 GiB, the map covers all RAM. */
static void test_long_mode_big_ram(void)
{
	const __u64 size = (5ULL << 30) + (512ULL << 20);
	struct guest_mem mem = { .size = size };
	__u64 reserved = GUEST_4G - GUEST_1M;
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;

	mem.ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(mem.ram != MAP_FAILED);
	if (mem.ram == MAP_FAILED)
		return;
	CHECK_HEX(guest_reserved_base(&mem), reserved);
	CHECK_HEX(x86_identity_map_size(&mem), 6ULL << 30);
	sregs_from_kernel(&sregs);
	CHECK_INT(x86_setup(&mem, X86_MODE_LONG, 0x100000, &regs, &sregs, &err), 0);
	CHECK_HEX(sregs.cr3, reserved + 0x2000);
	CHECK_HEX(sregs.gdt.base, reserved);
	CHECK_HEX(ram_u64(&mem, reserved + 0x3000 + 5 * 8), (reserved + 0x4000 + 5 * 0x1000) | 3);
	CHECK_HEX(ram_u64(&mem, reserved + 0x3000 + 6 * 8), 0);
	CHECK_HEX(ram_u64(&mem, reserved + 0x4000 + 5 * 0x1000 + 511 * 8),
		  ((6ULL << 30) - (2ULL << 20)) | 0x83);
	CHECK_INT(x86_setup(&mem, X86_MODE_LONG, (6ULL << 30) - 1, &regs, &sregs, &err), 0);
	munmap(mem.ram, size);
}

static void test_descriptor_encoding(void)
{
	struct axv_segment s = {
		.base = 0x12345678, .limit = 0xabcde, .type = 0xa, .s = 1, .dpl = 3,
		.present = 1, .avl = 1, .db = 1,
	};

	CHECK_HEX(x86_descriptor(&s), 0x125afa345678bcdeULL);
	s.g = 1;
	s.limit = 0xabcdefff;
	CHECK_HEX(x86_descriptor(&s), 0x12dafa345678bcdeULL);
}

/* --- boot: format and mode ---------------------------------------------- */

static void test_boot_flat(void)
{
	static __u8 bin[] = { 0xf4 };
	struct guest_mem mem = ram_new(TEST_RAM);
	struct image img = image_of("flat", bin, sizeof(bin));
	struct boot_params p = { .cmdline = "flat" };
	struct boot_result res;
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;

	sregs_from_kernel(&sregs);
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), 0);
	CHECK_INT(res.load.format, IMAGE_FLAT);
	CHECK_INT(res.mode, X86_MODE_REAL);
	CHECK_INT(res.mb_info, 0);
	CHECK_HEX(regs.rip, 0x1000);
	CHECK_INT(mem.ram[0x1000], 0xf4);

	p.have_entry = true;
	p.entry = 0x7e00;
	p.mode = X86_MODE_LONG;
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), 0);
	CHECK_INT(mem.ram[0x7e00], 0xf4);
	CHECK_INT(res.mode, X86_MODE_LONG);
	CHECK_HEX(regs.rip, 0x7e00);
	CHECK_HEX(sregs.efer, 0x500);
	CHECK_HEX(regs.rax, 0);

	/* Modules, --cmdline and ARGS are for Multiboot only. */
	p.cmdline_given = true;
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), -EINVAL);
	CHECK_STR_HAS(err.msg, "flat: not a Multiboot image");
	ram_free(&mem);
}

static void test_boot_elf_modes(void)
{
	static __u8 buf[4096];
	struct seg_spec seg = { PT_LOAD, 0x100000, 0x100000, code_a, sizeof(code_a),
				sizeof(code_a) };
	struct guest_mem mem = ram_new(TEST_RAM);
	struct boot_params p = { .cmdline = "k" };
	struct boot_result res;
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;
	struct image img;
	size_t len;

	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x100000, &seg, 1);
	img = image_of("k32", buf, len);
	sregs_from_kernel(&sregs);
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), 0);
	CHECK_INT(res.mode, X86_MODE_PROTECTED);
	CHECK_HEX(sregs.cr0, 0x11);
	CHECK_HEX(regs.rip, 0x100000);

	len = build_elf(buf, sizeof(buf), true, ET_EXEC, EM_X86_64, 0x100002, &seg, 1);
	img = image_of("k64", buf, len);
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), 0);
	CHECK_INT(res.mode, X86_MODE_LONG);
	CHECK_HEX(sregs.cr0, 0x80000011);
	CHECK_HEX(regs.rip, 0x100002);

	/* --mode and --entry win over the image. */
	p.mode = X86_MODE_PROTECTED;
	p.have_entry = true;
	p.entry = 0x100001;
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), 0);
	CHECK_INT(res.mode, X86_MODE_PROTECTED);
	CHECK_SEG(sregs.cs, 0x08, 0, 0xffffffff, 0xb, 1, 1, 0, 1);
	CHECK_HEX(regs.rip, 0x100001);
	p.mode = X86_MODE_REAL;
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), -EINVAL);
	CHECK_STR_HAS(err.msg, "below 1 MiB");
	ram_free(&mem);
}

static void test_boot_multiboot(void)
{
	static __u8 buf[8192], text[0x300], mod[10];
	struct seg_spec seg = { PT_LOAD, 0x100000, 0x100000, text, sizeof(text), 0x1000 };
	struct mb_module mods[1] = {
		{ .path = "m", .args = "x", .img = { .name = "m", .data = mod, .size = 10 } },
	};
	struct guest_mem mem = ram_new(TEST_RAM);
	struct boot_params p = { .cmdline = "kern a b", .cmdline_given = true,
				 .mods = mods, .nmods = 1 };
	struct boot_result res;
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct axv_err err;
	struct image img;
	struct mb_info info;
	size_t len;

	/* An ELF32 Multiboot kernel: the header in its first segment. */
	len = build_elf(buf, sizeof(buf), false, ET_EXEC, EM_386, 0x10000c, &seg, 1);
	put_mb_header(buf, ELF_DATA_START, MB_HF_PAGE_ALIGN | MB_HF_MEMORY_INFO, false);
	img = image_of("kern", buf, len);
	sregs_from_kernel(&sregs);
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), 0);
	CHECK_INT(res.load.format, IMAGE_MULTIBOOT);
	CHECK_STR_EQ(image_format_name(res.load.format), "Multiboot");
	CHECK_INT(res.mode, X86_MODE_PROTECTED);
	CHECK_HEX(res.load.high, 0x101000);
	CHECK_HEX(res.mb_info, 0x102000);	/* after the module at 0x101000 */
	CHECK_HEX(regs.rax, 0x2badb002);
	CHECK_HEX(regs.rbx, 0x102000);
	CHECK_HEX(regs.rip, 0x10000c);
	CHECK_HEX(regs.rsp, 0x7000);
	CHECK_HEX(sregs.cr0, 0x11);
	CHECK_SEG(sregs.cs, 0x08, 0, 0xffffffff, 0xb, 1, 1, 0, 1);
	CHECK_SEG(sregs.ds, 0x10, 0, 0xffffffff, 3, 1, 1, 0, 1);
	memcpy(&info, mem.ram + 0x102000, sizeof(info));
	CHECK_STR_EQ(ram_str(&mem, info.cmdline), "kern a b");
	CHECK_INT(info.mods_count, 1);
	CHECK_HEX(ram_u32(&mem, info.mods_addr), 0x101000);
	CHECK_STR_EQ(ram_str(&mem, ram_u32(&mem, info.mods_addr + 8)), "m x");

	/* Only protected mode. */
	p.mode = X86_MODE_LONG;
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), -EINVAL);
	CHECK_STR_EQ(err.msg, "kern: a Multiboot image starts in protected mode, not in long mode");
	p.mode = X86_MODE_PROTECTED;
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), 0);

	/* An unsupported header is an error, not a flat image. */
	put_mb_header(buf, ELF_DATA_START, MB_HF_VIDEO_MODE, false);
	CHECK_INT(boot_prepare(&mem, &img, &p, &res, &regs, &sregs, &err), -EINVAL);
	CHECK_STR_HAS(err.msg, "video mode (flag 2)");
	ram_free(&mem);
}

/* --- devices -------------------------------------------------------------- */

static __u8 uart_in(struct uart *u, unsigned int reg)
{
	return uart_read(u, reg, 1);
}

static void uart_out(struct uart *u, unsigned int reg, __u8 v)
{
	uart_write(u, reg, 1, v);
}

static void test_uart_registers(void)
{
	struct capture out;
	struct uart u;

	capture_start(&out);
	uart_init(&u, out.f);
	CHECK_HEX(uart_in(&u, UART_LSR), 0x60);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x01);
	CHECK_HEX(uart_in(&u, UART_MSR), 0xb0);
	CHECK_HEX(uart_in(&u, UART_RBR), 0);
	CHECK_HEX(uart_in(&u, UART_IER), 0);
	CHECK_HEX(uart_in(&u, UART_LCR), 0);

	/* DLAB: offsets 0 and 1 become the divisor latch, never printed. */
	uart_out(&u, UART_LCR, 0x83);
	uart_out(&u, UART_DLL, 0x01);
	uart_out(&u, UART_DLM, 0x00);
	CHECK_HEX(uart_in(&u, UART_DLL), 0x01);
	CHECK_HEX(uart_in(&u, UART_DLM), 0x00);
	uart_out(&u, UART_DLL, 0x0c);
	CHECK_HEX(uart_in(&u, UART_DLL), 0x0c);
	CHECK_HEX(uart_in(&u, UART_LCR), 0x83);
	uart_out(&u, UART_LCR, 0x03);
	CHECK_HEX(uart_in(&u, UART_LCR), 0x03);
	CHECK_HEX(uart_in(&u, UART_RBR), 0);	/* not the latch */
	CHECK_STR_EQ(capture_text(&out), "");

	/* IER keeps its four bits; SCR a byte; MCR five bits. */
	uart_out(&u, UART_IER, 0xff);
	CHECK_HEX(uart_in(&u, UART_IER), 0x0f);
	uart_out(&u, UART_LCR, 0x80);
	CHECK_HEX(uart_in(&u, UART_DLM), 0);	/* IER is not the latch */
	uart_out(&u, UART_LCR, 0x03);
	uart_out(&u, UART_SCR, 0xa5);
	CHECK_HEX(uart_in(&u, UART_SCR), 0xa5);
	uart_out(&u, UART_MCR, 0xeb);
	CHECK_HEX(uart_in(&u, UART_MCR), 0x0b);

	/*
	 * FIFOs enabled: a 16550A's IIR; clear bits do not stick.  IER.THRI
	 * is set with THR empty: IIR reports that once, then nothing.
	 */
	uart_out(&u, UART_FCR, 0xc7);
	CHECK_HEX(uart_in(&u, UART_IIR), 0xc2);
	CHECK_HEX(uart_in(&u, UART_IIR), 0xc1);
	uart_out(&u, UART_FCR, 0);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x01);

	/* LSR and MSR are read-only. */
	uart_out(&u, UART_LSR, 0);
	uart_out(&u, UART_MSR, 0);
	CHECK_HEX(uart_in(&u, UART_LSR), 0x60);
	CHECK_HEX(uart_in(&u, UART_MSR), 0xb0);
	CHECK_HEX(uart_read(&u, 8, 1), 0xff);
	capture_end(&out);
}

static void test_uart_loopback(void)
{
	struct capture out;
	struct uart u;

	capture_start(&out);
	uart_init(&u, out.f);
	/* Linux's 8250 probe: loopback with RTS and OUT2 reads CTS and DCD. */
	uart_out(&u, UART_MCR, UART_MCR_LOOP | 0x0a);
	CHECK_HEX(uart_in(&u, UART_MSR) & 0xf0, 0x90);
	uart_out(&u, UART_MCR, UART_MCR_LOOP | 0x05);
	CHECK_HEX(uart_in(&u, UART_MSR) & 0xf0, 0x60);
	uart_out(&u, UART_THR, 'x');
	CHECK_HEX(uart_in(&u, UART_LSR), 0x61);
	CHECK_HEX(uart_in(&u, UART_RBR), 'x');
	CHECK_HEX(uart_in(&u, UART_LSR), 0x60);
	CHECK_HEX(uart_in(&u, UART_RBR), 0);
	CHECK_STR_EQ(capture_text(&out), "");
	uart_out(&u, UART_MCR, 0x0b);
	CHECK_HEX(uart_in(&u, UART_MSR), 0xb0);
	capture_end(&out);
}

static void test_uart_output(void)
{
	struct capture out;
	struct uart u;

	capture_start(&out);
	uart_init(&u, out.f);
	uart_out(&u, UART_THR, 'h');
	uart_out(&u, UART_THR, 'i');
	CHECK(u.unflushed);
	uart_out(&u, UART_THR, '\n');
	CHECK(!u.unflushed);	/* flushed per line */
	CHECK_STR_EQ(out.buf ? out.buf : "", "hi\n");
	uart_out(&u, UART_THR, 0);
	uart_out(&u, UART_THR, 0xff);
	uart_flush(&u);
	CHECK(!u.unflushed);
	CHECK_INT(out.len, 5);
	CHECK(out.buf && !memcmp(out.buf, "hi\n\0\xff", 5));

	/* A 2-byte write at THR: THR, then IER. */
	uart_write(&u, UART_THR, 2, 0x0341);
	uart_flush(&u);
	CHECK_INT(out.len, 6);
	CHECK_INT(out.buf[5], 'A');
	CHECK_HEX(uart_in(&u, UART_IER), 3);
	CHECK_HEX(uart_read(&u, UART_LSR, 2), 0xb060);
	CHECK_HEX(uart_read(&u, 7, 2), 0xff00);
	capture_end(&out);
}

static void test_debug_exit_status(void)
{
	CHECK_INT(debug_exit_status(0), 1);
	CHECK_INT(debug_exit_status(1), 3);
	CHECK_INT(debug_exit_status(0x10), 0x21);
	CHECK_INT(debug_exit_status(0x7f), 0xff);
	CHECK_INT(debug_exit_status(0x80), 1);
	CHECK_INT(debug_exit_status(0xff), 0xff);
	CHECK_INT(debug_exit_status(0x12345678), 0xf1);
	CHECK_INT(debug_exit_status(~0ULL), 0xff);
}

static void test_bus(void)
{
	struct bus_device a = { .name = "a", .base = 0x10, .len = 8 };
	struct bus_device b = { .name = "b", .base = 0x18, .len = 1 };
	struct bus_device c = { .name = "c", .base = 0x17, .len = 2 };
	struct bus bus;
	int i;

	memset(&bus, 0, sizeof(bus));
	CHECK_INT(bus_add(&bus, &a), 0);
	CHECK_INT(bus_add(&bus, &b), 0);
	CHECK_INT(bus_add(&bus, &c), -EEXIST);
	CHECK(bus_find(&bus, 0x10) == &bus.devs[0]);
	CHECK(bus_find(&bus, 0x17) == &bus.devs[0]);
	CHECK(bus_find(&bus, 0x18) == &bus.devs[1]);
	CHECK(!bus_find(&bus, 0x19));
	CHECK(!bus_find(&bus, 0xf));
	for (i = 2; i < BUS_MAX_DEVICES; i++) {
		b.base = 0x100 + i;
		CHECK_INT(bus_add(&bus, &b), 0);
	}
	b.base = 0x200;
	CHECK_INT(bus_add(&bus, &b), -ENOSPC);
	CHECK_HEX(bus_all_ones(1), 0xff);
	CHECK_HEX(bus_all_ones(2), 0xffff);
	CHECK_HEX(bus_all_ones(4), 0xffffffff);
	CHECK_HEX(bus_all_ones(8), ~0ULL);
}

static void test_devices_ports(void)
{
	struct capture out, log;
	struct devices dev;
	struct axv_err err;
	__u32 v;

	capture_start(&out);
	capture_start(&log);
	devices_init(&dev, out.f, log.f, false, false);

	v = 'A';
	CHECK_INT(devices_pio(&dev, 0x1000, 0x3f8, 1, true, &v, &err), 0);
	v = 0;
	CHECK_INT(devices_pio(&dev, 0x1000, 0x3fd, 1, false, &v, &err), 0);
	CHECK_HEX(v, 0x60);
	devices_finish(&dev);
	CHECK_STR_EQ(capture_text(&out), "A");

	/* The empty bus: all ones per width, writes dropped, nothing logged. */
	v = 0;
	CHECK_INT(devices_pio(&dev, 0x1000, 0x60, 1, false, &v, &err), 0);
	CHECK_HEX(v, 0xff);
	CHECK_INT(devices_pio(&dev, 0x1000, 0x60, 2, false, &v, &err), 0);
	CHECK_HEX(v, 0xffff);
	CHECK_INT(devices_pio(&dev, 0x1000, 0xcfc, 4, false, &v, &err), 0);
	CHECK_HEX(v, 0xffffffff);
	v = 0x12;
	CHECK_INT(devices_pio(&dev, 0x1000, 0x80, 1, true, &v, &err), 0);
	CHECK_HEX(v, 0x12);
	CHECK(!dev.exit_requested);

	/* The debug-exit port: reads all ones, a write of any width ends the run. */
	CHECK_INT(devices_pio(&dev, 0x1000, 0xf4, 2, false, &v, &err), 0);
	CHECK_HEX(v, 0xffff);
	CHECK(!dev.exit_requested);
	v = 0x1234;
	CHECK_INT(devices_pio(&dev, 0x1000, 0xf4, 1, true, &v, &err), 0);
	CHECK(dev.exit_requested);
	CHECK_HEX(dev.exit_value, 0x34);
	v = 0xdeadbeef;
	CHECK_INT(devices_pio(&dev, 0x1000, 0xf4, 4, true, &v, &err), 0);
	CHECK_HEX(dev.exit_value, 0xdeadbeef);
	CHECK_INT(dev.unhandled.total, 4);
	CHECK_STR_EQ(capture_text(&log), "");
	capture_end(&out);
	capture_end(&log);
}

static void test_devices_mmio(void)
{
	struct capture out, log;
	struct devices dev;
	struct axv_err err;
	__u64 v = 0;

	capture_start(&out);
	capture_start(&log);
	devices_init(&dev, out.f, log.f, false, false);
	CHECK_INT(devices_mmio(&dev, 0x1000, 0xfee00030, 1, false, &v, &err), 0);
	CHECK_HEX(v, 0xff);
	CHECK_INT(devices_mmio(&dev, 0x1000, 0xfee00030, 2, false, &v, &err), 0);
	CHECK_HEX(v, 0xffff);
	CHECK_INT(devices_mmio(&dev, 0x1000, 0xfee00030, 4, false, &v, &err), 0);
	CHECK_HEX(v, 0xffffffff);
	CHECK_INT(devices_mmio(&dev, 0x1000, 0xfee00030, 8, false, &v, &err), 0);
	CHECK_HEX(v, ~0ULL);
	v = 5;
	CHECK_INT(devices_mmio(&dev, 0x1000, 0xb8000, 2, true, &v, &err), 0);
	/* The port space is not the MMIO space. */
	CHECK_INT(devices_mmio(&dev, 0x1000, 0x3f8, 1, true, &v, &err), 0);
	CHECK_STR_EQ(capture_text(&out), "");
	capture_end(&out);
	capture_end(&log);
}

static void test_unhandled_verbose(void)
{
	struct capture out, log;
	struct devices dev;
	struct axv_err err;
	const char *text;
	__u32 v = 0x42;
	__u64 m = 0;
	int i;

	capture_start(&out);
	capture_start(&log);
	devices_init(&dev, out.f, log.f, true, false);
	CHECK_INT(devices_pio(&dev, 0x7c05, 0x80, 1, true, &v, &err), 0);
	CHECK_INT(devices_pio(&dev, 0x7c07, 0x80, 1, true, &v, &err), 0);
	CHECK_INT(devices_pio(&dev, 0x7c09, 0x64, 1, false, &v, &err), 0);
	CHECK_INT(devices_mmio(&dev, 0x7c0b, 0x80, 4, false, &m, &err), 0);
	text = capture_text(&log);
	CHECK_STR_HAS(text,
		      "userctl: unhandled 1-byte write to port 0x80 (value 0x42) at RIP 0x7c05");
	CHECK_STR_HAS(text, "at RIP 0x7c05 (listed once)\n");
	CHECK(!strstr(text, "0x7c07"));
	CHECK_STR_HAS(text, "userctl: unhandled 1-byte read of port 0x64 at RIP 0x7c09");
	CHECK_STR_HAS(text, "userctl: unhandled 4-byte read of MMIO address 0x80 at RIP 0x7c0b");

	/* 16 distinct addresses are listed (3 above, 13 here), the rest counted. */
	for (i = 0; i < 40; i++)
		devices_pio(&dev, 0x1000, 0x100 + i, 1, false, &v, &err);
	text = capture_text(&log);
	CHECK_STR_HAS(text, "port 0x10c at RIP");
	CHECK(!strstr(text, "port 0x10d"));
	CHECK_INT(dev.unhandled.nseen, 16);
	CHECK_INT(dev.unhandled.total, 44);
	CHECK_INT(dev.unhandled.unlisted, 28);
	devices_finish(&dev);
	CHECK_STR_HAS(capture_text(&log),
		      "userctl: 44 unhandled accesses to 16 or more ports or addresses (28 not listed)\n");
	capture_end(&out);
	capture_end(&log);
}

static void test_strict_io(void)
{
	struct capture out, log;
	struct devices dev;
	struct axv_err err;
	__u32 v = 0x5a;
	__u64 m = 0xabcd;

	capture_start(&out);
	capture_start(&log);
	devices_init(&dev, out.f, log.f, false, true);
	CHECK_INT(devices_pio(&dev, 0x1003, 0x60, 1, false, &v, &err), -EIO);
	CHECK_INT(err.code, EIO);
	CHECK_STR_EQ(err.msg,
		     "--strict-io: guest at RIP 0x1003: 1-byte read of port 0x60: nothing there");
	CHECK_HEX(v, 0x5a);
	CHECK_INT(devices_pio(&dev, 0x1005, 0x80, 2, true, &v, &err), -EIO);
	CHECK_STR_EQ(err.msg,
		     "--strict-io: guest at RIP 0x1005: 2-byte write to port 0x80 (value 0x5a): nothing there");
	CHECK_INT(devices_mmio(&dev, 0xffffffff81000000ULL, 0xfee00300, 4, true, &m, &err), -EIO);
	CHECK_STR_EQ(err.msg,
		     "--strict-io: guest at RIP 0xffffffff81000000: 4-byte write to MMIO address 0xfee00300 (value 0xabcd): nothing there");
	CHECK_INT(devices_mmio(&dev, 0x2000, 0xd0000000, 8, false, &m, &err), -EIO);
	CHECK_STR_EQ(err.msg,
		     "--strict-io: guest at RIP 0x2000: 8-byte read of MMIO address 0xd0000000: nothing there");
	/* The devices still work. */
	CHECK_INT(devices_pio(&dev, 0x1007, 0x3fd, 1, false, &v, &err), 0);
	CHECK_HEX(v, 0x60);
	CHECK_STR_EQ(capture_text(&log), "");
	capture_end(&out);
	capture_end(&log);
}

/* --- exit handling -------------------------------------------------------- */

struct exit_env {
	struct capture out;
	struct capture log;
	struct devices dev;
	struct vmexit_ctx ctx;
	struct axv_run *run;
};

static void exit_env_start(struct exit_env *e, bool verbose, bool strict)
{
	capture_start(&e->out);
	capture_start(&e->log);
	devices_init(&e->dev, e->out.f, e->log.f, verbose, strict);
	memset(&e->ctx, 0, sizeof(e->ctx));
	e->ctx.dev = &e->dev;
	e->ctx.log = e->log.f;
	e->ctx.verbose = verbose;
	e->ctx.strict = strict;
	e->ctx.vcpu_fd = FAKE_VCPU_FD;
	e->ctx.run_size = 4096;
	e->ctx.status = -1;
	e->run = calloc(1, 4096);
	if (!e->run)
		exit(1);
	e->run->rip = 0x1234;
}

static void exit_env_end(struct exit_env *e)
{
	capture_end(&e->out);
	capture_end(&e->log);
	free(e->run);
}

/* An I/O exit: @count elements of @size bytes at data offset 0x800. */
static void io_exit(struct axv_run *run, __u16 port, __u8 size, __u8 dir, __u32 count)
{
	run->exit_reason = AXV_EXIT_IO;
	run->io.port = port;
	run->io.size = size;
	run->io.direction = dir;
	run->io.count = count;
	run->io.data_offset = 0x800;
}

static __u8 *io_data(struct axv_run *run)
{
	return (__u8 *)run + 0x800;
}

static void test_exit_io(void)
{
	struct exit_env e;
	__u32 v;

	exit_env_start(&e, false, false);
	/* OUT, a string of three bytes to the UART. */
	io_exit(e.run, 0x3f8, 1, AXV_IO_OUT, 3);
	io_data(e.run)[0] = 'o';
	io_data(e.run)[1] = 'k';
	io_data(e.run)[2] = '\n';
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_STR_EQ(capture_text(&e.out), "ok\n");

	/* IN: the data is stored for the next AXV_RUN, per element. */
	io_exit(e.run, 0x3fd, 1, AXV_IO_IN, 2);
	memset(io_data(e.run), 0, 8);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(io_data(e.run)[0], 0x60);
	CHECK_HEX(io_data(e.run)[1], 0x60);
	CHECK_HEX(io_data(e.run)[2], 0);
	io_exit(e.run, 0x71, 2, AXV_IO_IN, 1);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(io_data(e.run)[0] | io_data(e.run)[1] << 8, 0xffff);
	CHECK_HEX(io_data(e.run)[2], 0);
	io_exit(e.run, 0xcfc, 4, AXV_IO_IN, 1);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	memcpy(&v, io_data(e.run), 4);
	CHECK_HEX(v, 0xffffffff);

	/* Malformed: data beyond the mapping, a bad size. */
	io_exit(e.run, 0x80, 4, AXV_IO_OUT, 0x200);	/* exactly to the end: fine */
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	io_exit(e.run, 0x3f8, 4, AXV_IO_OUT, 0x201);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 1);
	CHECK_STR_HAS(capture_text(&e.log),
		      "userctl: malformed I/O exit at RIP 0x1234: port 0x3f8");
	io_exit(e.run, 0x3f8, 3, AXV_IO_OUT, 1);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	exit_env_end(&e);
}

static void test_exit_debug_exit(void)
{
	struct exit_env e;

	exit_env_start(&e, true, false);
	io_exit(e.run, 0xf4, 4, AXV_IO_OUT, 1);
	memcpy(io_data(e.run), "\x10\x00\x00\x00", 4);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 0x21);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: debug exit at RIP 0x1234: value 0x10, exit status 33\n");
	exit_env_end(&e);

	/* A string OUT stops at the debug-exit element. */
	exit_env_start(&e, false, false);
	io_exit(e.run, 0xf4, 1, AXV_IO_OUT, 3);
	memcpy(io_data(e.run), "\x00\x05\x06", 3);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 1);
	CHECK_HEX(e.dev.exit_value, 0);
	exit_env_end(&e);
}

static void test_exit_strict_io(void)
{
	struct exit_env e;

	exit_env_start(&e, false, true);
	e.run->rip = 0x7c10;
	io_exit(e.run, 0x61, 1, AXV_IO_IN, 1);
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 1);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: --strict-io: guest at RIP 0x7c10: 1-byte read of port 0x61: nothing there\n");
	exit_env_end(&e);

	exit_env_start(&e, false, true);
	e.run->exit_reason = AXV_EXIT_MSR;
	e.run->msr.index = 0x1b;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 1);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: --strict-io: guest at RIP 0x1234: read of MSR 0x1b: not handled\n");
	exit_env_end(&e);

	exit_env_start(&e, false, true);
	e.run->exit_reason = AXV_EXIT_MMIO;
	e.run->mmio.gpa = 0xfec00000;
	e.run->mmio.size = 4;
	e.run->mmio.is_write = 1;
	e.run->mmio.data = 0x1ffffffffULL;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: --strict-io: guest at RIP 0x1234: 4-byte write to MMIO address 0xfec00000 (value 0xffffffff): nothing there\n");
	exit_env_end(&e);
}

static void test_exit_mmio(void)
{
	struct exit_env e;

	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_MMIO;
	e.run->mmio.gpa = 0xfee00020;
	e.run->mmio.size = 2;
	e.run->mmio.data = 0x1234567890ULL;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(e.run->mmio.data, 0xffff);
	e.run->mmio.size = 8;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(e.run->mmio.data, ~0ULL);
	e.run->mmio.is_write = 1;
	e.run->mmio.data = 7;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(e.run->mmio.data, 7);
	e.run->mmio.size = 3;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_STR_HAS(capture_text(&e.log),
		      "malformed MMIO exit at RIP 0x1234: address 0xfee00020 size 3\n");
	exit_env_end(&e);
}

static void test_exit_hypercall(void)
{
	const __u64 args[6] = { 41, 1, 2, 3, 4, 5 };
	struct exit_env e;

	CHECK_HEX(hypercall_result(HYPERCALL_PING, args), 42);
	CHECK_HEX(hypercall_result(1, args), (__u64)-38);
	CHECK_HEX(HYPERCALL_ENOSYS, 0xffffffffffffffdaULL);

	exit_env_start(&e, true, false);
	e.run->exit_reason = AXV_EXIT_HYPERCALL;
	e.run->hypercall.nr = 0;
	e.run->hypercall.args[0] = ~0ULL;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(e.run->hypercall.ret, 0);
	e.run->hypercall.args[0] = 0x1000;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(e.run->hypercall.ret, 0x1001);
	CHECK_STR_EQ(capture_text(&e.log), "");

	e.run->hypercall.nr = 9;
	e.run->hypercall.args[0] = 1;
	e.run->hypercall.args[1] = 2;
	e.run->hypercall.args[2] = 3;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(e.run->hypercall.ret, (__u64)-38);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: unknown hypercall at RIP 0x1234: number 9, arguments 0x1 0x2 0x3: returns -ENOSYS\n");
	exit_env_end(&e);

	/* Without --verbose, silently. */
	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_HYPERCALL;
	e.run->hypercall.nr = 1;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_HEX(e.run->hypercall.ret, (__u64)-38);
	CHECK_STR_EQ(capture_text(&e.log), "");
	exit_env_end(&e);
}

static void test_exit_msr(void)
{
	struct exit_env e;

	exit_env_start(&e, true, false);
	e.run->exit_reason = AXV_EXIT_MSR;
	e.run->msr.index = 0xc0000081;
	e.run->msr.is_write = 1;
	e.run->msr.data = 0x0023001000000000ULL;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_INT(e.run->msr.error, 1);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: unhandled write of MSR 0xc0000081 (value 0x23001000000000) at RIP 0x1234: the guest gets #GP\n");
	e.run->msr.is_write = 0;
	e.run->msr.error = 0;
	e.run->msr.data = 0x55;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_INT(e.run->msr.error, 1);
	CHECK_HEX(e.run->msr.data, 0);
	exit_env_end(&e);
}

static void test_exit_ends(void)
{
	struct exit_env e;

	exit_env_start(&e, true, false);
	e.run->exit_reason = AXV_EXIT_HALT;
	e.run->rip = 0x1001;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 0);
	CHECK_STR_EQ(capture_text(&e.log), "userctl: guest halted at RIP 0x1001\n");
	exit_env_end(&e);

	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_HALT;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 0);
	CHECK_STR_EQ(capture_text(&e.log), "");
	e.run->exit_reason = AXV_EXIT_SYSTEM_DOWN;
	e.ctx.status = -1;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 0);

	/* Exits that only mean "again". */
	e.ctx.status = -1;
	e.run->exit_reason = AXV_EXIT_KICKED;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	e.run->exit_reason = AXV_EXIT_EXTERNAL_INTERRUPT;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	e.run->exit_reason = AXV_EXIT_INTR;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_CONTINUE);
	CHECK_INT(e.ctx.status, -1);
	CHECK_STR_EQ(capture_text(&e.log), "");
	exit_env_end(&e);
}

static void test_exit_triple_fault(void)
{
	static const __u8 insn[] = { 0x0f, 0x0b, 0x90 };
	struct exit_env e;

	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_TRIPLE_FAULT;
	e.run->triple_fault.rip = 0x100010;
	e.run->triple_fault.last_vector = 13;
	e.run->triple_fault.insn_len = sizeof(insn);
	memcpy(e.run->triple_fault.insn, insn, sizeof(insn));
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 1);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: triple fault at RIP 0x100010, last exception vector 13, bytes: 0f 0b 90\n");
	exit_env_end(&e);

	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_TRIPLE_FAULT;
	e.run->triple_fault.rip = 0x10;
	e.run->triple_fault.last_vector = 0xff;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: triple fault at RIP 0x10, last exception vector none, bytes: (not readable)\n");
	exit_env_end(&e);

	/* A length beyond the buffer is clamped. */
	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_TRIPLE_FAULT;
	e.run->triple_fault.insn_len = 1000;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_STR_HAS(capture_text(&e.log),
		      "bytes: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n");
	exit_env_end(&e);
}

static void test_exit_fail_entry(void)
{
	struct exit_env e;
	const char *text;

	memset(&fake_regs, 0, sizeof(fake_regs));
	fake_regs.rip = 0xfff0;
	fake_regs.rflags = 0x2;
	fake_regs.r15 = 0xf15;
	memset(&fake_sregs, 0, sizeof(fake_sregs));
	fake_sregs.cs.selector = 0xf000;
	fake_sregs.cs.base = 0xffff0000;
	fake_sregs.cs.limit = 0xffff;
	fake_sregs.cs.type = 0xb;
	fake_sregs.cr0 = 0x60000010;
	fake_sregs.gdt.limit = 0xffff;

	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_FAIL_ENTRY;
	e.run->rip = 0xfff0;
	e.run->fail_entry.check = AXV_ENTRY_CHECK_DATA_SEG;
	e.run->fail_entry.hw_reason = 33;
	e.run->fail_entry.qualification = 0;
	e.run->fail_entry.vm_instruction_error = 7;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 1);
	text = capture_text(&e.log);
	CHECK_STR_HAS(text, "userctl: VM entry failed at RIP 0xfff0: check data_seg (6)\n");
	CHECK_STR_HAS(text,
		      "userctl: hardware exit reason 33, qualification 0x0, VM-instruction error 7\n");
	CHECK_STR_HAS(text, "userctl: guest registers:\n");
	CHECK_STR_HAS(text,
		      "  r12 0x0000000000000000 r13 0x0000000000000000 r14 0x0000000000000000 r15 0x0000000000000f15\n");
	CHECK_STR_HAS(text, "  rip 0x000000000000fff0 rflags 0x0000000000000002\n");
	CHECK_STR_HAS(text,
		      "  cs   sel 0xf000 base 0x00000000ffff0000 limit 0x0000ffff type 0xb s 0 p 0");
	CHECK_STR_HAS(text, "  gdt  base 0x0000000000000000 limit 0xffff\n");
	CHECK_STR_HAS(text, "  cr0 0x0000000060000010 ");
	exit_env_end(&e);

	/* Unknown check numbers, and registers that cannot be read. */
	exit_env_start(&e, false, false);
	e.ctx.vcpu_fd = -1;
	e.run->exit_reason = AXV_EXIT_FAIL_ENTRY;
	e.run->fail_entry.check = 99;
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	text = capture_text(&e.log);
	CHECK_STR_HAS(text, "check unknown (99)");
	CHECK_STR_HAS(text,
		      "userctl: cannot read the guest registers: ioctl AXV_GET_REGS: Bad file descriptor\n");
	exit_env_end(&e);
}

/* @reason ends the run with status 1 and a line holding @msg. */
static void check_fatal_exit(struct exit_env *e, const char *msg, int line)
{
	enum vmexit_action action = vmexit_handle(&e->ctx, e->run);
	const char *text = capture_text(&e->log);

	if (action != VMEXIT_STOP || e->ctx.status != 1 || !strstr(text, msg))
		check_failed(__FILE__, line, "exit %u: action %d status %d '%s', expected '%s'",
			     e->run->exit_reason, action, e->ctx.status, text, msg);
}

static void test_exit_fatal(void)
{
	struct exit_env e;

	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_NESTED_PAGE_FAULT;
	e.run->npf.gpa = 0xe0000000;
	e.run->npf.gva = 0xc0000000;
	e.run->npf.qualification = 0x181;
	check_fatal_exit(&e, "userctl: nested page fault at RIP 0x1234: gpa 0xe0000000,", __LINE__);
	check_fatal_exit(&e, "RIP 0x1234: gpa 0xe0000000, qualification 0x181\n", __LINE__);
	e.run->npf.flags = 1;
	check_fatal_exit(&e, ": gpa 0xe0000000, gva 0xc0000000, qualification 0x181\n", __LINE__);

	e.run->exit_reason = AXV_EXIT_UNKNOWN;
	e.run->unknown.hw_reason = 55;
	e.run->unknown.qualification = 0x9;
	check_fatal_exit(&e, "userctl: exit axvcpu does not handle at RIP 0x1234: hardware exit",
			 __LINE__);
	check_fatal_exit(&e, "0x1234: hardware exit reason 55, qualification 0x9\n", __LINE__);

	memset(&e.run->exit_pad, 0, sizeof(e.run->exit_pad));
	e.run->exit_reason = AXV_EXIT_INTERNAL_ERROR;
	e.run->internal.suberror = AXV_INTERNAL_EMULATION;
	e.run->internal.ndata = 2;
	e.run->internal.data[0] = 0xfed00000;
	e.run->internal.data[1] = 0x1234;
	check_fatal_exit(&e,
			 "userctl: axvcpu internal error at RIP 0x1234: suberror 1 (emulation),",
			 __LINE__);
	check_fatal_exit(&e, "(emulation), data: 0xfed00000 0x1234\n", __LINE__);
	e.run->internal.ndata = 99;
	check_fatal_exit(&e, "data: 0xfed00000 0x1234 0x0 0x0\n", __LINE__);
	e.run->internal.suberror = 7;
	e.run->internal.ndata = 0;
	check_fatal_exit(&e, "suberror 7, data: none\n", __LINE__);

	memset(&e.run->exit_pad, 0, sizeof(e.run->exit_pad));
	e.run->exit_reason = AXV_EXIT_EXCEPTION;
	e.run->exception.vector = 14;
	e.run->exception.has_error_code = 1;
	e.run->exception.error_code = 2;
	e.run->exception.payload = 0xdead000;
	check_fatal_exit(&e,
			 "userctl: exception exit (userctl traps none) at RIP 0x1234: vector 14,",
			 __LINE__);
	check_fatal_exit(&e, "vector 14, error code 0x2, payload 0xdead000\n", __LINE__);
	e.run->exception.has_error_code = 0;
	check_fatal_exit(&e, "vector 14, error code (none) 0x2,", __LINE__);

	memset(&e.run->exit_pad, 0, sizeof(e.run->exit_pad));
	e.run->exit_reason = AXV_EXIT_CPU_UP;
	e.run->cpu_up.target_apic_id = 1;
	e.run->cpu_up.entry = 0x8000;
	check_fatal_exit(&e, "userctl: CPU start at RIP 0x1234: APIC ID 1, entry 0x8000, arg 0x0:",
			 __LINE__);
	check_fatal_exit(&e,
			 "arg 0x0: without the kernel's local APIC (AXV_VM_F_LAPIC) only the BSP runs\n",
			 __LINE__);
	e.run->exit_reason = AXV_EXIT_CPU_DOWN;
	check_fatal_exit(&e,
			 "userctl: CPU off at RIP 0x1234: without the kernel's local APIC (AXV_VM_F_LAPIC) only the BSP runs\n",
			 __LINE__);
	memset(&e.run->exit_pad, 0, sizeof(e.run->exit_pad));
	e.run->exit_reason = AXV_EXIT_SEND_IPI;
	e.run->ipi.vector = 0x40;
	e.run->ipi.dest = 2;
	check_fatal_exit(&e,
			 "userctl: IPI at RIP 0x1234: vector 64 to APIC ID 2 (shorthand 0): without",
			 __LINE__);

	e.run->exit_reason = 63;
	e.run->hw_exit_reason = 0x30;
	check_fatal_exit(&e,
			 "userctl: unknown exit at RIP 0x1234: reason 63, hardware exit reason 0x30\n",
			 __LINE__);
	exit_env_end(&e);
}

/* AXV_INTERNAL_EMULATION_FAILED: one line with the RIP, address, reason and bytes. */
static void test_exit_emulation_failed(void)
{
	static const __u8 ud2[] = { 0x0f, 0x0b };
	static const __u8 long_insn[16] = {
		0x26, 0x66, 0x67, 0xf0, 0x0f, 0xc7, 0x8c, 0x98, 0x78, 0x56, 0x34, 0x12,
		0x90, 0x90, 0x90, 0xaa,
	};
	struct exit_env e;

	exit_env_start(&e, false, false);
	e.run->exit_reason = AXV_EXIT_INTERNAL_ERROR;
	e.run->internal.suberror = AXV_INTERNAL_EMULATION_FAILED;
	e.run->internal.ndata = 3;
	e.run->internal.data[0] = 0xd0000100;
	e.run->internal.data[1] = 0x100234;
	e.run->internal.data[2] = AXV_EMUL_FAIL_OPCODE;
	e.run->internal.insn_len = sizeof(ud2);
	memcpy(e.run->internal.insn, ud2, sizeof(ud2));
	CHECK_INT(vmexit_handle(&e.ctx, e.run), VMEXIT_STOP);
	CHECK_INT(e.ctx.status, 1);
	CHECK_STR_EQ(capture_text(&e.log),
		     "userctl: emulation failed at RIP 0x100234: gpa 0xd0000100, an instruction or form the emulator does not handle (opcode), instruction: 0f 0b\n");

	/* Each reason has its words; the whole 15 bytes; the RIP of data[1]. */
	e.run->rip = 0x999;
	e.run->internal.data[2] = AXV_EMUL_FAIL_REPLAY;
	e.run->internal.insn_len = 15;
	memcpy(e.run->internal.insn, long_insn, sizeof(long_insn));
	check_fatal_exit(&e,
			 "userctl: emulation failed at RIP 0x100234: gpa 0xd0000100, the guest's state changed between the instruction's accesses (replay), instruction: 26 66 67 f0 0f c7 8c 98 78 56 34 12 90 90 90\n",
			 __LINE__);
	e.run->internal.data[2] = AXV_EMUL_FAIL_FETCH;
	check_fatal_exit(&e, ", the instruction could not be read (fetch), instruction:", __LINE__);
	e.run->internal.data[2] = AXV_EMUL_FAIL_MODE;
	check_fatal_exit(&e, ", virtual-8086 mode, which the emulator does not handle (mode),",
			 __LINE__);
	e.run->internal.data[2] = AXV_EMUL_FAIL_NO_MEMORY;
	check_fatal_exit(&e, ", the instruction has no memory operand (no_memory),", __LINE__);
	e.run->internal.data[2] = AXV_EMUL_FAIL_TOO_MANY;
	check_fatal_exit(&e, ", more accesses than one instruction may make (too_many),",
			 __LINE__);

	/* A length beyond the buffer is clamped to its 16 bytes. */
	e.run->internal.insn_len = 1000;
	check_fatal_exit(&e, "instruction: 26 66 67 f0 0f c7 8c 98 78 56 34 12 90 90 90 aa\n",
			 __LINE__);

	/* No bytes (the fetch failed), an unknown reason. */
	e.run->internal.insn_len = 0;
	e.run->internal.data[2] = 77;
	check_fatal_exit(&e,
			 "userctl: emulation failed at RIP 0x100234: gpa 0xd0000100, reason 77, instruction: (not available)\n",
			 __LINE__);

	/* Fewer data than the sub-error defines: what is missing is said so. */
	e.run->internal.ndata = 1;
	check_fatal_exit(&e,
			 "userctl: emulation failed at RIP 0x999: gpa 0xd0000100, reason not given, instruction: (not available)\n",
			 __LINE__);
	e.run->internal.ndata = 0;
	check_fatal_exit(&e, "at RIP 0x999: gpa unknown, reason not given,", __LINE__);
	exit_env_end(&e);

	/* With several vCPUs, the vCPU prefix; and the other sub-errors keep their line. */
	exit_env_start(&e, false, false);
	e.ctx.prefix = "vCPU 2: ";
	e.run->exit_reason = AXV_EXIT_INTERNAL_ERROR;
	e.run->internal.suberror = AXV_INTERNAL_EMULATION_FAILED;
	e.run->internal.ndata = 3;
	e.run->internal.data[1] = 0x5000;
	e.run->internal.data[2] = AXV_EMUL_FAIL_OPCODE;
	check_fatal_exit(&e, "userctl: vCPU 2: emulation failed at RIP 0x5000: gpa 0x0,",
			 __LINE__);
	e.run->internal.suberror = AXV_INTERNAL_MEMORY_FAULT;
	e.run->internal.ndata = 2;
	e.run->internal.data[0] = 0xd0000000;
	e.run->internal.data[1] = 14;
	check_fatal_exit(&e,
			 "userctl: vCPU 2: axvcpu internal error at RIP 0x1234: suberror 3, data: 0xd0000000 0xe\n",
			 __LINE__);
	exit_env_end(&e);
}

/* --- the command line ----------------------------------------------------- */

#define ARGC(argv)	((int)(sizeof(argv) / sizeof(argv[0])) - 1)

static enum run_parse_result parse(int argc, char *const *argv, struct run_opts *o)
{
	enum run_parse_result r;
	int saved = stderr_off();

	optind = 0;
	r = run_parse_args(argc, argv, o);
	stderr_on(saved);
	return r;
}

static void test_parse_defaults(void)
{
	char *const argv[] = { "run", "kernel.elf", NULL };
	struct run_opts o;

	CHECK_INT(parse(ARGC(argv), argv, &o), RUN_PARSE_OK);
	CHECK_INT(o.vcpus, 1);
	CHECK_HEX(o.mem_size, 64ULL << 20);
	CHECK(!o.have_entry);
	CHECK_INT(o.mode, X86_MODE_NONE);
	CHECK_INT(o.nmods, 0);
	CHECK(!o.cmdline);
	CHECK(!o.stats && !o.verbose && !o.strict_io);
	CHECK_STR_EQ(o.image, "kernel.elf");
	CHECK_INT(o.nargs, 0);
	run_opts_free(&o);
}

static void test_parse_all(void)
{
	char *const argv[] = {
		"run", "--vcpus", "4", "--mem", "128M", "--entry", "0x7c00", "--mode", "long",
		"--module", "initrd,root=/dev/ram0 rw", "--module", "mod2", "--module",
		"m3,", "--stats", "-v", "--strict-io", "kernel", "console=ttyS0", "--quiet",
		NULL,
	};
	struct run_opts o;

	CHECK_INT(parse(ARGC(argv), argv, &o), RUN_PARSE_OK);
	CHECK_INT(o.vcpus, 4);
	CHECK_HEX(o.mem_size, 128ULL << 20);
	CHECK(o.have_entry);
	CHECK_HEX(o.entry, 0x7c00);
	CHECK_INT(o.mode, X86_MODE_LONG);
	CHECK_INT(o.nmods, 3);
	if (o.nmods == 3) {
		CHECK_STR_EQ(o.mods[0].path, "initrd");
		CHECK_STR_EQ(o.mods[0].args, "root=/dev/ram0 rw");
		CHECK_STR_EQ(o.mods[1].path, "mod2");
		CHECK(!o.mods[1].args);
		CHECK_STR_EQ(o.mods[2].path, "m3");
		CHECK(!o.mods[2].args);
	}
	CHECK(o.stats && o.verbose && o.strict_io);
	CHECK_STR_EQ(o.image, "kernel");
	/* Options after IMAGE belong to the guest. */
	CHECK_INT(o.nargs, 2);
	if (o.nargs == 2) {
		CHECK_STR_EQ(o.args[0], "console=ttyS0");
		CHECK_STR_EQ(o.args[1], "--quiet");
	}
	run_opts_free(&o);
}

static void check_usage_error(char *const *argv, int argc, int line)
{
	struct run_opts o;
	enum run_parse_result r = parse(argc, argv, &o);

	if (r != RUN_PARSE_USAGE)
		check_failed(__FILE__, line, "'%s %s' parsed as %d", argv[1],
			     argc > 2 ? argv[2] : "", r);
	run_opts_free(&o);
}

#define CHECK_USAGE(...)						\
	do {								\
		char *const argv_[] = { "run", __VA_ARGS__, NULL };	\
		check_usage_error(argv_, ARGC(argv_), __LINE__);	\
	} while (0)

static void test_parse_errors(void)
{
	char *const none[] = { "run", NULL };
	char *const help[] = { "run", "--help", "x", NULL };
	struct run_opts o;

	CHECK_USAGE("--vcpus", "0", "k");
	CHECK_USAGE("--vcpus", "256", "k");
	CHECK_USAGE("--vcpus", "2x", "k");
	CHECK_USAGE("--vcpus", "-1", "k");
	CHECK_USAGE("--mem", "1M", "k");
	CHECK_USAGE("--mem", "3000000", "k");
	CHECK_USAGE("--mem", "64Q", "k");
	CHECK_USAGE("--entry", "0x", "k");
	CHECK_USAGE("--entry", "12z", "k");
	CHECK_USAGE("--entry", "0x10000000000000000", "k");
	CHECK_USAGE("--mode", "virtual86", "k");
	CHECK_USAGE("--module", ",args", "k");
	CHECK_USAGE("--bogus", "k");
	CHECK_USAGE("--cmdline");
	CHECK_USAGE("--cmdline", "x", "k", "arg");
	CHECK_USAGE("--mem");
	CHECK_USAGE("--verbose");
	CHECK_INT(parse(ARGC(none), none, &o), RUN_PARSE_USAGE);
	run_opts_free(&o);
	CHECK_INT(parse(ARGC(help), help, &o), RUN_PARSE_HELP);
	run_opts_free(&o);
}

/* After IMAGE, what looks like an option is the guest's. */
static void test_parse_guest_args(void)
{
	char *const argv[] = { "run", "k", "--cmdline", "--mem", NULL };
	struct run_opts o;

	CHECK_INT(parse(ARGC(argv), argv, &o), RUN_PARSE_OK);
	CHECK(!o.cmdline);
	CHECK_HEX(o.mem_size, 64ULL << 20);
	CHECK_INT(o.nargs, 2);
	run_opts_free(&o);
}

static void test_parse_u64(void)
{
	__u64 v = 7;

	CHECK_INT(run_parse_u64("0", &v), 0);
	CHECK_HEX(v, 0);
	CHECK_INT(run_parse_u64("0x100000", &v), 0);
	CHECK_HEX(v, 0x100000);
	CHECK_INT(run_parse_u64("4096", &v), 0);
	CHECK_HEX(v, 4096);
	CHECK_INT(run_parse_u64("0xffffffffffffffff", &v), 0);
	CHECK_HEX(v, ~0ULL);
	CHECK_INT(run_parse_u64("", &v), -EINVAL);
	CHECK_INT(run_parse_u64(" 1", &v), -EINVAL);
	CHECK_INT(run_parse_u64("-1", &v), -EINVAL);
	CHECK_INT(run_parse_u64("1 ", &v), -EINVAL);
	CHECK_INT(run_parse_u64(NULL, &v), -EINVAL);
	CHECK_HEX(v, ~0ULL);
}

static void test_print_stats(void)
{
	struct axv_vcpu_stats stats;
	struct capture c;
	const char *text;

	memset(&stats, 0, sizeof(stats));
	stats.exec_ns = 1500000001ULL;
	stats.exits[AXV_EXIT_IO] = 120;
	stats.exits[AXV_EXIT_HALT] = 1;
	stats.exits[40] = 2;
	stats.exits[AXV_VCPU_NR_EXIT_STATS - 1] = 3;
	capture_start(&c);
	run_print_stats(c.f, "vCPU 0", &stats, 2000000000ULL);
	text = capture_text(&c);
	CHECK_STR_HAS(text, "userctl: statistics of vCPU 0:\n");
	CHECK_STR_HAS(text, "guest execution time    1.500000001 s\n");
	CHECK_STR_HAS(text, "run loop wall time      2.000000000 s\n");
	CHECK_STR_HAS(text, "    io                    120\n");
	CHECK_STR_HAS(text, "    halt                  1\n");
	CHECK_STR_HAS(text, "    reason 40             2\n");
	CHECK_STR_HAS(text, "    reason 63 and above   3\n");
	CHECK(!strstr(text, "mmio"));
	CHECK(!strstr(text, "hypercall"));
	capture_end(&c);
}

/* Whether no mapping covers any of [@p, @p + @len). */
static int unmapped(const void *p, size_t len)
{
	unsigned long a = (unsigned long)p & ~4095UL;

	return msync((void *)a, len, MS_ASYNC) && errno == ENOMEM;
}

/* Guest RAM sits at its guest address's offset within 2 MiB, trimmed. */
static void test_map_guest_ram(void)
{
	static const struct {
		__u64 base, size;
	} c[] = {
		{ 0, 4096 }, { 0, 2ULL << 20 }, { 0x1000, 3ULL << 20 },
		{ 0x1ff000, 0x5000 }, { 0xf0100000, 1ULL << 20 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		__u8 *p = run_map_guest_ram(c[i].base, c[i].size);

		CHECK(p != MAP_FAILED);
		if (p == MAP_FAILED)
			continue;
		CHECK_HEX(((unsigned long)p - c[i].base) & ((2UL << 20) - 1), 0);
		p[0] = 1;
		p[c[i].size - 1] = 2;
		/* The slack after it went back (before it, there may be none). */
		CHECK(unmapped(p + c[i].size, 4096));
		CHECK_INT(munmap(p, c[i].size), 0);
	}
}

static void test_print_vm_stats(void)
{
	struct axv_vm_stats stats;
	struct capture c;

	memset(&stats, 0, sizeof(stats));
	stats.pinned_pages = 262144 + 512 + 7;
	stats.chunks = 514;
	stats.huge_chunks = 513;
	stats.faults = 600;
	stats.mappings[AXV_MAP_4K] = 7;
	stats.mappings[AXV_MAP_2M] = 1;
	stats.mappings[AXV_MAP_1G] = 1;
	stats.mappings[3] = 99;		/* no size of its own: not printed */
	stats.reserved[0] = 98;
	capture_start(&c);
	run_print_vm_stats(c.f, &stats);
	CHECK_STR_EQ(capture_text(&c),
		     "userctl: guest memory:\n"
		     "  pinned                  1050652 KiB in 514 chunks (513 on huge pages)\n"
		     "  chunks brought in       600\n"
		     "  mappings                7 x 4 KiB, 1 x 2 MiB, 1 x 1 GiB\n");
	capture_end(&c);

	/* One chunk; nothing brought in is all zeros, still printed. */
	memset(&stats, 0, sizeof(stats));
	stats.pinned_pages = 1;
	stats.chunks = 1;
	stats.faults = 1;
	stats.mappings[AXV_MAP_4K] = 1;
	capture_start(&c);
	run_print_vm_stats(c.f, &stats);
	CHECK_STR_EQ(capture_text(&c),
		     "userctl: guest memory:\n"
		     "  pinned                  4 KiB in 1 chunk (0 on huge pages)\n"
		     "  chunks brought in       1\n"
		     "  mappings                1 x 4 KiB, 0 x 2 MiB, 0 x 1 GiB\n");
	capture_end(&c);
}

/* --- whole runs against the fake kernel ---------------------------------- */

/* Output of a whole run. */
struct run_output {
	int status;
	char out[4096];
	char err[4096];
};

static void read_back(int fd, char *buf, size_t len)
{
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* A temporary file, already unlinked. */
static int temp_fd(void)
{
	char path[] = "/tmp/userctl-test-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(path);
	return fd;
}

/* Capability values for the next fake_run() only; -1: the default. */
static int fk_cap_override[FK_NCAPS] = {
	[0 ... FK_NCAPS - 1] = -1,
};

/* The errno of AXV_GET_VM_STATS in the next fake_run() only; 0: success. */
static int fk_next_vm_stats_errno;

/* The per-vCPU script of the next fake_run() only. */
static int (*fk_next_smp_script)(unsigned int vcpu, struct axv_run *run, int step);

/* cmd_run(@argv) against the fake kernel, stdout and stderr captured. */
static void fake_run(char *const *argv, int argc, int (*script)(struct axv_run *, int),
		     struct run_output *o)
{
	int out = temp_fd(), err = temp_fd();
	int saved_out = dup(1), saved_err = dup(2);
	int i;

	memset(&fk.caps, 0, offsetof(typeof(fk), lock) - offsetof(typeof(fk), caps));
	fk.active = false;
	fk.kicked = 0;
	fk.kicks = 0;
	fk.nirqs = 0;
	fk.caps[AXV_CAP_RUN] = 1;
	fk.caps[AXV_CAP_MAX_VCPUS] = 64;
	fk.caps[AXV_CAP_NR_MEMSLOTS] = 32;
	fk.caps[AXV_CAP_GPA_BITS] = 48;
	fk.caps[AXV_CAP_KICK] = 1;
	for (i = 0; i < FK_NCAPS; i++) {
		if (fk_cap_override[i] >= 0)
			fk.caps[i] = fk_cap_override[i];
		fk_cap_override[i] = -1;
	}
	fk.script = script;
	fk.smp_script = fk_next_smp_script;
	fk_next_smp_script = NULL;
	fk.vm_stats_errno = fk_next_vm_stats_errno;
	fk_next_vm_stats_errno = 0;
	fk.stats.exec_ns = 1234;
	fk.stats.exits[AXV_EXIT_IO] = 5;
	fk.stats.exits[AXV_EXIT_HYPERCALL] = 1;
	/* Two chunks on huge pages, one of 3 pages (a region's end); 5 brought in. */
	fk.vm_stats.pinned_pages = 2 * 512 + 3;
	fk.vm_stats.chunks = 3;
	fk.vm_stats.huge_chunks = 2;
	fk.vm_stats.faults = 5;
	fk.vm_stats.mappings[AXV_MAP_4K] = 3;
	fk.vm_stats.mappings[AXV_MAP_2M] = 2;

	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	setenv(AXV_DEV_ENV, "/dev/null", 1);
	fk.active = true;
	optind = 0;
	o->status = cmd_run(argc, (char **)argv);
	fk.active = false;
	unsetenv(AXV_DEV_ENV);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	read_back(out, o->out, sizeof(o->out));
	read_back(err, o->err, sizeof(o->err));
}

static const __u8 flat_code[] = { 0xba, 0xf8, 0x03, 0xb0, 'A', 0xee, 0xfa, 0xf4 };
static char flat_path[32];

static void flat_image_create(void)
{
	int fd;

	snprintf(flat_path, sizeof(flat_path), "/tmp/userctl-flat-XXXXXX");
	fd = mkstemp(flat_path);

	if (fd < 0 || write(fd, flat_code, sizeof(flat_code)) != sizeof(flat_code)) {
		perror("flat image");
		exit(1);
	}
	close(fd);
}

static void io_step(struct axv_run *run, __u16 port, __u8 dir, const void *data, __u32 count)
{
	io_exit(run, port, 1, dir, count);
	if (data)
		memcpy(io_data(run), data, count);
	else
		memset(io_data(run), 0, count);
}

/* Every kind of exit userctl handles, and the results it must leave. */
static int script_all(struct axv_run *run, int step)
{
	const __u8 *ram = (const __u8 *)(unsigned long)fk.region.userspace_addr;

	run->rip = 0x1000 + step;
	switch (step) {
	case 0:
		/* Set up before the first entry: RAM, registers, the image. */
		CHECK_INT(fk.regions, 1);
		CHECK_INT(fk.sets, 2);
		CHECK(ram && !memcmp(ram + 0x1000, flat_code, sizeof(flat_code)));
		CHECK_HEX(fk.region.userspace_addr & ((2ULL << 20) - 1), 0);
		io_step(run, 0x3f8, AXV_IO_OUT, "hi\n", 3);
		return 0;
	case 1:
		io_step(run, 0x3fd, AXV_IO_IN, NULL, 2);
		return 0;
	case 2:
		CHECK_HEX(io_data(run)[0], 0x60);
		CHECK_HEX(io_data(run)[1], 0x60);
		memset(&run->exit_pad, 0, sizeof(run->exit_pad));
		run->exit_reason = AXV_EXIT_HYPERCALL;
		run->hypercall.nr = HYPERCALL_PING;
		run->hypercall.args[0] = 41;
		return 0;
	case 3:
		CHECK_HEX(run->hypercall.ret, 42);
		memset(&run->exit_pad, 0, sizeof(run->exit_pad));
		run->exit_reason = AXV_EXIT_MMIO;
		run->mmio.gpa = 0xe0000000;
		run->mmio.size = 4;
		return 0;
	case 4:
		CHECK_HEX(run->mmio.data, 0xffffffff);
		memset(&run->exit_pad, 0, sizeof(run->exit_pad));
		run->exit_reason = AXV_EXIT_MSR;
		run->msr.index = 0x1b;
		return 0;
	case 5:
		CHECK_INT(run->msr.error, 1);
		run->exit_reason = AXV_EXIT_KICKED;
		return 0;
	case 6:
		run->exit_reason = AXV_EXIT_INTR;
		return fk_fail(EINTR);	/* no signal of userctl's: enter again */
	case 7:
		io_step(run, DEBUG_EXIT_PORT, AXV_IO_OUT, "\x10", 1);
		return 0;
	}
	check_failed(__FILE__, __LINE__, "entered again after the debug exit");
	run->exit_reason = AXV_EXIT_HALT;
	return 0;
}

static void test_run_whole(void)
{
	char *const argv[] = { "run", "--vcpus", "2", "--mem", "4M", "--stats", flat_path, NULL };
	struct run_output o;
	const char *mem;

	fake_run(argv, ARGC(argv), script_all, &o);
	CHECK_INT(o.status, 33);
	CHECK_INT(fk.step, 8);
	CHECK_STR_EQ(o.out, "hi\n");

	/* The VM: no local APIC; vCPU 0 the BSP, vCPU 1 an AP; RAM in slot 0 at 0. */
	CHECK_HEX(fk.vm_flags, 0);
	CHECK_INT(fk.nvcpus, 2);
	CHECK_INT(fk.creates[0].id, 0);
	CHECK_INT(fk.creates[0].apic_id, 0);
	CHECK_INT(fk.creates[0].role, AXV_VCPU_ROLE_BSP);
	CHECK_INT(fk.creates[0].favoured_cpu, -1);
	CHECK_HEX(fk.creates[0].allowed_cpus, 0);
	CHECK_INT(fk.creates[1].id, 1);
	CHECK_INT(fk.creates[1].apic_id, 1);
	CHECK_INT(fk.creates[1].role, AXV_VCPU_ROLE_AP);
	/* Only the BSP runs without the local APIC: only its run is mapped. */
	CHECK(fk.runs[0] && !fk.runs[1]);
	CHECK_INT(fk.region.slot, 0);
	CHECK_INT(fk.region.flags, 0);
	CHECK_HEX(fk.region.guest_phys_addr, 0);
	CHECK_HEX(fk.region.size, 4 << 20);
	CHECK(fk.region.userspace_addr && !(fk.region.userspace_addr & 0xfff));

	/* vCPU 0's registers: real mode at 0x1000; the kernel's APIC base kept. */
	CHECK_HEX(fk.regs.rip, 0x1000);
	CHECK_HEX(fk.regs.rsp, 0x7c00);
	CHECK_HEX(fk.regs.rflags, 2);
	CHECK_HEX(fk.sregs.cr0, 0x10);
	CHECK_HEX(fk.sregs.cs.limit, 0xffff);
	CHECK_HEX(fk.sregs.apic_base, 0xfee00900);

	/* The run structure: mapped shared, read-write, from offset 0. */
	CHECK_INT(fk.mmap_len, 4096);
	CHECK_INT(fk.mmap_prot, PROT_READ | PROT_WRITE);
	CHECK_INT(fk.mmap_flags, MAP_SHARED);
	CHECK_INT(fk.mmap_offset, 0);

	/* --stats. */
	CHECK_STR_HAS(o.err, "userctl: statistics of vCPU 0:\n");
	CHECK_STR_HAS(o.err, "guest execution time    0.000001234 s\n");
	CHECK_STR_HAS(o.err, "    io                    5\n");
	CHECK_STR_HAS(o.err, "    hypercall             1\n");
	CHECK_STR_HAS(o.err, "run loop wall time");
	/* No AXV_CAP_VM_STATS: no guest memory, and no complaint. */
	CHECK(!strstr(o.err, "guest memory"));
	CHECK(!strstr(o.err, "AXV_GET_VM_STATS"));
	CHECK(!strstr(o.err, "pinned"));

	/* With it: the guest memory too, after the vCPU statistics. */
	fk_cap_override[AXV_CAP_VM_STATS] = 1;
	fake_run(argv, ARGC(argv), script_all, &o);
	CHECK_INT(o.status, 33);
	CHECK_INT(fk.step, 8);
	CHECK_STR_HAS(o.err, "userctl: statistics of vCPU 0:\n");
	CHECK_STR_HAS(o.err,
		      "userctl: guest memory:\n"
		      "  pinned                  4108 KiB in 3 chunks (2 on huge pages)\n"
		      "  chunks brought in       5\n"
		      "  mappings                3 x 4 KiB, 2 x 2 MiB, 0 x 1 GiB\n");
	mem = strstr(o.err, "userctl: guest memory:");
	CHECK(mem && strstr(o.err, "userctl: statistics of vCPU 0:") < mem);
}

static int script_halt(struct axv_run *run, int step)
{
	memset(&run->exit_pad, 0, sizeof(run->exit_pad));
	run->rip = 0x1007;
	run->exit_reason = step ? AXV_EXIT_SYSTEM_DOWN : AXV_EXIT_HALT;
	return 0;
}

static void test_run_halt_verbose(void)
{
	char *const argv[] = { "run", "--verbose", "--mem", "2M", flat_path, NULL };
	struct run_output o;

	fake_run(argv, ARGC(argv), script_halt, &o);
	CHECK_INT(o.status, 0);
	CHECK_INT(fk.step, 1);
	CHECK_STR_HAS(o.err,
		      ": flat image at 0x1000-0x1007, entry 0x1000 in real mode; 1 vCPU, 2 MiB of RAM\n");
	CHECK_STR_HAS(o.err, "userctl: guest halted at RIP 0x1007\n");
	CHECK_STR_EQ(o.out, "");
	CHECK_INT(fk.nvcpus, 1);
}

/* --stats when AXV_GET_VM_STATS fails: reported as a failed AXV_GET_VCPU_STATS is. */
static void test_run_vm_stats_error(void)
{
	char *const argv[] = { "run", "--mem", "2M", "--stats", flat_path, NULL };
	struct run_output o;

	fk_cap_override[AXV_CAP_VM_STATS] = 1;
	fk_next_vm_stats_errno = EIO;
	fake_run(argv, ARGC(argv), script_halt, &o);
	CHECK_INT(o.status, 0);
	CHECK_STR_HAS(o.err, "userctl: statistics of vCPU 0:\n");
	CHECK_STR_HAS(o.err, "userctl: ioctl AXV_GET_VM_STATS: Input/output error\n");
	CHECK(!strstr(o.err, "guest memory"));
}

static int script_signal(struct axv_run *run, int step)
{
	(void)step;
	raise(SIGINT);
	CHECK_INT(run->immediate_exit, 1);
	run->exit_reason = AXV_EXIT_INTR;
	return fk_fail(EINTR);
}

static int script_sigterm_between(struct axv_run *run, int step)
{
	/* The signal arrives while userctl handles an exit, not in AXV_RUN. */
	if (step == 0) {
		raise(SIGTERM);
		CHECK_INT(run->immediate_exit, 1);
		run->exit_reason = AXV_EXIT_KICKED;
		return 0;
	}
	check_failed(__FILE__, __LINE__, "entered again after SIGTERM");
	run->exit_reason = AXV_EXIT_HALT;
	return 0;
}

static void test_run_signals(void)
{
	char *const argv[] = { "run", "--mode", "protected", flat_path, NULL };
	struct sigaction sa, before_int, before_term;
	struct run_output o;

	/* A background job may start with SIGINT ignored: compare, not assume. */
	sigaction(SIGINT, NULL, &before_int);
	sigaction(SIGTERM, NULL, &before_term);
	fake_run(argv, ARGC(argv), script_signal, &o);
	CHECK_INT(o.status, 130);
	CHECK_INT(fk.step, 1);
	fake_run(argv, ARGC(argv), script_sigterm_between, &o);
	CHECK_INT(o.status, 143);
	CHECK_INT(fk.step, 1);
	CHECK_HEX(fk.sregs.cr0, 0x11);

	/* The dispositions from before the run are back. */
	sigaction(SIGINT, NULL, &sa);
	CHECK(sa.sa_handler == before_int.sa_handler);
	sigaction(SIGTERM, NULL, &sa);
	CHECK(sa.sa_handler == before_term.sa_handler);
}

static int script_busy(struct axv_run *run, int step)
{
	(void)run;
	(void)step;
	return fk_fail(EBUSY);
}

static void test_run_failures(void)
{
	char *const argv[] = { "run", flat_path, NULL };
	char *const many[] = { "run", "--vcpus", "65", flat_path, NULL };
	char *const big[] = { "run", "--mem", "4M", flat_path, NULL };
	char *const mb_only[] = { "run", flat_path, "arg", NULL };
	struct run_output o;

	fake_run(argv, ARGC(argv), script_busy, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_EQ(o.err, "userctl: ioctl AXV_RUN: Device or resource busy\n");

	/* Checked against the capabilities before anything is created. */
	fake_run(many, ARGC(many), script_busy, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_EQ(o.err, "userctl: --vcpus 65: the kernel allows at most 64 per VM\n");
	CHECK_INT(fk.nvcpus, 0);
	CHECK_INT(fk.vm_fd, 0);

	fk_cap_override[AXV_CAP_GPA_BITS] = 21;
	fake_run(big, ARGC(big), script_busy, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_EQ(o.err,
		     "userctl: --mem 4194304: larger than the 21-bit guest-physical address space\n");
	CHECK_INT(fk.vm_fd, 0);

	fk_cap_override[AXV_CAP_RUN] = 0;
	fake_run(argv, ARGC(argv), script_busy, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_HAS(o.err, "userctl: /dev/null cannot run guests: no AXV_CAP_RUN");
	CHECK_INT(fk.vm_fd, 0);

	/* An image error: nothing registered, nothing run. */
	fake_run(mb_only, ARGC(mb_only), script_busy, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_HAS(o.err, "not a Multiboot image");
	CHECK_INT(fk.step, 0);
	CHECK_INT(fk.regions, 0);
	CHECK_INT(fk.sets, 0);
}

/* --- VM descriptions ----------------------------------------------------- */

#ifndef EXAMPLES_DIR
#error "build with -DEXAMPLES_DIR='\"/path/to/tools/userctl/examples\"'"
#endif

/* @text written to a new temporary file named *.@ext; the path is static. */
static const char *temp_file(const char *text, const char *ext)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/userctl-cfg-XXXXXX.%s", ext);
	fd = mkstemps(path, strlen(ext) + 1);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror("temp_file");
		exit(1);
	}
	close(fd);
	return path;
}

/* The parts of a description a refusal test varies. */
#define DTS_HEAD	"/dts-v1/;\n/ {\n\tcompatible = \"axvcpu,vm\";\n" \
			"\t#address-cells = <2>;\n\t#size-cells = <2>;\n"
#define DTS_MEM		"\tmemory@0 { reg = <0 0 0 0x4000000>; };\n"
#define DTS_CPUS	"\tcpus { #address-cells = <1>; #size-cells = <0>;\n" \
			"\t\tcpu@0 { reg = <0>; bsp; };\n\t};\n"
#define DTS_IMAGE	"\timage { path = \"/guest.elf\"; };\n"
#define DTS_TAIL	"};\n"

/* Load device-tree source @dts; 0 or -errno with @err. */
static int load_dts(const char *dts, struct vm_config *c, struct axv_err *err)
{
	const char *path = temp_file(dts, "dts");
	int ret;

	vmc_init(c);
	ret = vmc_load_file(c, path, err);
	if (!ret)
		ret = vmc_validate(c, err);
	unlink(path);
	return ret;
}

static void test_config_examples(void)
{
	struct vm_config c;
	struct axv_err err;

	int saved = stderr_off();	/* dtc's message */

	CHECK_INT(load_dts("", &c, &err), -EINVAL);	/* dtc refuses it */
	stderr_on(saved);
	vmc_free(&c);

	vmc_init(&c);
	CHECK_INT(vmc_load_file(&c, EXAMPLES_DIR "/smp4.dts", &err), 0);
	CHECK_STR_EQ(err.msg, "");
	CHECK_INT(vmc_validate(&c, &err), 0);
	CHECK_STR_EQ(c.model, "four vCPUs");
	CHECK_INT(c.lapic, VMC_LAPIC_ON);
	CHECK_INT(c.nregions, 2);
	CHECK_HEX(c.regions[0].base, 0);
	CHECK_HEX(c.regions[0].size, 256ULL << 20);
	CHECK(!c.regions[0].readonly);
	CHECK_HEX(c.regions[1].base, 0xf0000000);
	CHECK_HEX(c.regions[1].size, 1ULL << 20);
	CHECK(c.regions[1].readonly);
	CHECK_STR_HAS(c.regions[1].origin, "smp4.dts: /memory@f0000000: property 'reg'");
	CHECK_INT(c.nvcpus, 4);
	if (c.nvcpus == 4) {
		CHECK_INT(vmc_bsp(&c), 0);
		CHECK_INT(c.vcpus[3].apic_id, 3);
		CHECK_INT(c.vcpus[1].favoured_cpu, 1);
		CHECK(vmc_cpu_allowed(&c.vcpus[1], 0) && vmc_cpu_allowed(&c.vcpus[1], 1));
		CHECK(!vmc_cpu_allowed(&c.vcpus[1], 2));
		CHECK(vmc_cpu_allowed(&c.vcpus[2], 3) && !vmc_cpu_allowed(&c.vcpus[2], 1));
		CHECK_HEX(c.vcpus[2].allowed[0], 0xc);
		CHECK_STR_HAS(c.vcpus[2].origin, "smp4.dts: /cpus/cpu@2");
	}
	CHECK_STR_HAS(c.image.path, "/examples/kernel.elf");
	CHECK(c.image.path && c.image.path[0] == '/');
	CHECK_INT(c.image.format, BOOT_FORMAT_MULTIBOOT);
	CHECK_INT(c.image.mode, X86_MODE_NONE);
	CHECK(!c.image.have_entry);
	CHECK_STR_EQ(c.image.cmdline, "kernel.elf console=ttyS0");
	CHECK(c.image.cmdline_given);
	CHECK_INT(c.nmods, 1);
	if (c.nmods == 1) {
		CHECK_STR_HAS(c.mods[0].path, "/examples/initrd.img");
		CHECK_STR_EQ(c.mods[0].args, "rdinit=/init");
	}
	CHECK(c.uart && c.debug_exit);
	CHECK_HEX(c.uart_port, 0x3f8);
	CHECK_HEX(c.uart_vector, 0x24);
	CHECK_HEX(c.debug_exit_port, 0xf4);
	vmc_free(&c);
	CHECK(!c.vcpus && !c.image.path && !c.source);

	vmc_init(&c);
	CHECK_INT(vmc_load_file(&c, EXAMPLES_DIR "/hello.dts", &err), 0);
	CHECK_INT(vmc_validate(&c, &err), 0);
	CHECK_INT(c.nvcpus, 1);
	CHECK_INT(c.lapic, VMC_LAPIC_AUTO);
	CHECK_INT(c.image.mode, X86_MODE_LONG);
	CHECK_STR_HAS(c.image.path, "/tests/guests/build/lm_hello.elf");
	CHECK(!c.image.cmdline_given);
	vmc_free(&c);

	/* The smallest description: the defaults for the rest. */
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE DTS_TAIL, &c, &err), 0);
	CHECK_STR_EQ(c.image.path, "/guest.elf");
	CHECK(c.uart && c.debug_exit);
	CHECK_INT(c.vcpus[0].favoured_cpu, -1);
	CHECK(!c.vcpus[0].allowed);
	vmc_free(&c);

	/* A devices node lists every device; one cell or two for the entry. */
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS
			   "\timage { path = \"rel/g.bin\"; entry = <0x2000>; format = \"flat\"; };\n"
			   "\tdevices { debug-exit { port = <0x501>; }; };\n" DTS_TAIL,
			   &c, &err), 0);
	CHECK(!c.uart && c.debug_exit);
	CHECK_HEX(c.debug_exit_port, 0x501);
	CHECK(c.image.have_entry);
	CHECK_HEX(c.image.entry, 0x2000);
	CHECK_INT(c.image.format, BOOT_FORMAT_FLAT);
	CHECK_STR_HAS(c.image.path, "/tmp/rel/g.bin");	/* from the file's directory */
	vmc_free(&c);
}

struct refusal {
	const char *dts;
	const char *msg;
};

static void test_config_refusals(void)
{
	static const struct refusal cases[] = {
		{ DTS_HEAD DTS_MEM "\tmemory@1000000 { reg = <0 0x1000000 0 0x1000000>; };\n"
		  DTS_CPUS DTS_IMAGE DTS_TAIL,
		  ": /memory@1000000: property 'reg': region 0x1000000-0x1ffffff overlaps 0x0-0x3ffffff (",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; bsp; };\n\t\tcpu@1 { reg = <1>; apic-id = <0>; };\n"
		  "\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@1: property 'apic-id': APIC ID 0 of vCPU 1 is also that of vCPU 0",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; bsp; };\n\t\tcpu@1 { reg = <1>; bsp; };\n"
		  "\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@1: property 'bsp': vCPU 1 is a second BSP (vCPU 0 is one: ",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; };\n\t\tcpu@1 { reg = <1>; };\n"
		  "\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus: property 'bsp': no cpu node has it; exactly one must",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS DTS_TAIL,
		  ": /image: property 'path': missing, and no IMAGE given",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; bsp; apic-id = <0 1>; };\n\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@0: property 'apic-id': expected one cell (4 bytes), got 8 bytes",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE "\tfoo { };\n" DTS_TAIL,
		  ": /foo: unknown node (expected memory@ADDR, cpus, image or devices)",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS "\timage { pth = \"x\"; };\n" DTS_TAIL,
		  ": /image: unknown property 'pth'",
		},
		{ "/dts-v1/;\n/ { compatible = \"acme,vm\"; };\n",
		  ": /: property 'compatible': not \"axvcpu,vm\": not an axvcpu VM description",
		},
		{ "/dts-v1/;\n/ { };\n", ": /: property 'compatible': missing" },
		{ DTS_HEAD "\tmemory@0 { reg = <0 0 0>; };\n" DTS_CPUS DTS_IMAGE DTS_TAIL,
		  ": /memory@0: property 'reg': expected (address, size) pairs of 2 + 2 cells (16 bytes each), got 12 bytes",
		},
		{ DTS_HEAD "\tmemory@0 { reg = <0 0 0 0x4000800>; };\n" DTS_CPUS DTS_IMAGE DTS_TAIL,
		  ": /memory@0: property 'reg': region at 0x0 of 0x4000800 bytes: base and size must be multiples of 4K",
		},
		{ DTS_HEAD "\tmemory@100000 { reg = <0 0x100000 0 0x400000>; };\n" DTS_CPUS
		  DTS_IMAGE DTS_TAIL,
		  "no memory region at guest-physical 0",
		},
		{ DTS_HEAD "\tmemory@0 { reg = <0 0 0 0x100000>; };\n" DTS_CPUS DTS_IMAGE DTS_TAIL,
		  ": /memory@0: property 'reg': the region at guest-physical 0 must be at least 2 MiB",
		},
		{ DTS_HEAD DTS_MEM
		  "\tmemory@1000 { reg = <0 0x1000 0 0x1000>; read-only = <1>; };\n"
		  DTS_CPUS DTS_IMAGE DTS_TAIL,
		  ": /memory@1000: property 'read-only': a flag has no value, got 4 bytes",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS
		  "\timage { path = \"x\"; mode = \"fast\"; };\n" DTS_TAIL,
		  ": /image: property 'mode': \"fast\": expected auto, real, protected or long",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS
		  "\timage { path = \"x\"; format = \"pe\"; };\n" DTS_TAIL,
		  ": /image: property 'format': \"pe\": expected auto, flat, elf or multiboot",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS
		  "\timage { path = \"x\"; entry = <1 2 3>; };\n" DTS_TAIL,
		  ": /image: property 'entry': expected one or two cells (4 or 8 bytes), got 12 bytes",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS "\timage { path = <1>; };\n" DTS_TAIL,
		  ": /image: property 'path': expected one string",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS "\timage { path = \"x\"; initrd { path = \"y\"; }; };\n"
		  DTS_TAIL,
		  ": /image/initrd: unknown node (expected module or module-NAME)",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS
		  "\timage { path = \"x\"; module-a { args = \"y\"; }; };\n"
		  DTS_TAIL,
		  ": /image/module-a: property 'path': missing",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@1 { reg = <2>; bsp; };\n\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@1: property 'reg': <2> does not match the node name (expected cpu@2)",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; bsp; };\n\t\tcpu@2 { reg = <2>; };\n\t};\n"
		  DTS_IMAGE DTS_TAIL,
		  ": /cpus: 2 cpu nodes, so vCPU numbers 0-1, but none has reg = <1>",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { bsp; };\n\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@0: property 'reg': missing (the vCPU number)",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>; };\n"
		  DTS_IMAGE DTS_TAIL,
		  ": /cpus: no cpu@N node",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; bsp; allowed-cpus = <0 1>; favoured-cpu = <3>; };\n"
		  "\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@0: property 'favoured-cpu': vCPU 0: favoured CPU 3 is not one of its allowed CPUs",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; bsp; allowed-cpus = <9000>; };\n\t};\n"
		  DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@0: property 'allowed-cpus': CPU 9000 is beyond 8191",
		},
		{ DTS_HEAD DTS_MEM "\tcpus { #address-cells = <1>; #size-cells = <0>;\n"
		  "\t\tcpu@0 { reg = <0>; bsp; apic-id = <255>; };\n\t};\n" DTS_IMAGE DTS_TAIL,
		  ": /cpus/cpu@0: property 'apic-id': APIC ID 255: at most 254",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
		  "\tdevices { uart { vector = <16>; }; };\n" DTS_TAIL,
		  ": /devices/uart: property 'vector': 16: expected 32 to 255",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
		  "\tdevices { uart { port = <0x10000>; }; };\n" DTS_TAIL,
		  ": /devices/uart: property 'port': 0x10000 is beyond 0xffff",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
		  "\tdevices { rtc { }; };\n" DTS_TAIL,
		  ": /devices/rtc: unknown node (expected uart, debug-exit, test-device or pc)",
		},
		{ DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
		  "\tdevices { uart { }; debug-exit { port = <0x3fc>; }; };\n" DTS_TAIL,
		  "debug-exit: port 0x3fc is one of the UART's ports 0x3f8-0x3ff",
		},
		{ DTS_HEAD "\tlapic = \"maybe\";\n" DTS_MEM DTS_CPUS DTS_IMAGE DTS_TAIL,
		  ": /: property 'lapic': \"maybe\": expected auto, on or off",
		},
		{ "/dts-v1/;\n/ { compatible = \"axvcpu,vm\"; #address-cells = <3>; };\n",
		  ": /: property '#address-cells': 3: expected 1 or 2",
		},
		{ "/dts-v1/;\n/ { compatible = \"axvcpu,vm\"; oops; };\n",
		  ": /: unknown property 'oops'",
		},
		{ "/dts-v1/;\n/ { compatible = \"axvcpu,vm\"\n", "-I dts -O dtb failed" },
	};
	struct vm_config c;
	struct axv_err err;
	unsigned int i;
	int saved = stderr_off();	/* dtc's own message for the last one */

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (load_dts(cases[i].dts, &c, &err) != -EINVAL || !strstr(err.msg, cases[i].msg))
			check_failed(__FILE__, __LINE__, "case %u: '%s' does not contain '%s'", i,
				     err.msg, cases[i].msg);
		vmc_free(&c);
	}
	stderr_on(saved);
}

static void test_config_files(void)
{
	static const __u8 bad_dtb[] = { 0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 8 };
	const char *path;
	struct vm_config c;
	struct axv_err err;
	int fd;

	/* No dtc: a clear message. */
	setenv("DTC", "/nonexistent/dtc", 1);
	vmc_init(&c);
	CHECK_INT(vmc_load_file(&c, EXAMPLES_DIR "/hello.dts", &err), -ENOENT);
	CHECK_STR_HAS(err.msg, "hello.dts: device-tree source needs dtc, which is not installed");
	unsetenv("DTC");
	vmc_free(&c);

	/* A compiled tree is read as it is. */
	path = temp_file("", "dtb");
	CHECK_INT(system("dtc -q -I dts -O dtb -o /tmp/userctl-smp4.dtb " EXAMPLES_DIR "/smp4.dts"),
		  0);
	vmc_init(&c);
	setenv("DTC", "/nonexistent/dtc", 1);
	CHECK_INT(vmc_load_file(&c, "/tmp/userctl-smp4.dtb", &err), 0);
	unsetenv("DTC");
	CHECK_INT(c.nvcpus, 4);
	CHECK_STR_EQ(c.image.path, "/tmp/kernel.elf");
	vmc_free(&c);
	unlink("/tmp/userctl-smp4.dtb");

	/* The magic, then nonsense. */
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK_INT(write(fd, bad_dtb, sizeof(bad_dtb)), sizeof(bad_dtb));
	close(fd);
	vmc_init(&c);
	CHECK_INT(vmc_load_file(&c, path, &err), -EINVAL);
	CHECK_STR_HAS(err.msg, ": not a valid flattened device tree: ");
	vmc_free(&c);
	unlink(path);

	vmc_init(&c);
	CHECK_INT(vmc_load_file(&c, "/nonexistent.dtb", &err), -ENOENT);
	CHECK_STR_EQ(err.msg, "--config: open /nonexistent.dtb: No such file or directory");
	vmc_free(&c);
}

static void test_cpu_list(void)
{
	__u64 *w;
	unsigned int n;

	CHECK_INT(vmc_parse_cpu_list("0-3,6", &w, &n), 0);
	CHECK_INT(n, 1);
	CHECK_HEX(w[0], 0x4f);
	free(w);
	CHECK_INT(vmc_parse_cpu_list("64", &w, &n), 0);
	CHECK_INT(n, 2);
	CHECK_HEX(w[0], 0);
	CHECK_HEX(w[1], 1);
	free(w);
	CHECK_INT(vmc_parse_cpu_list("8191", &w, &n), 0);
	CHECK_INT(n, 128);
	free(w);
	CHECK_INT(vmc_parse_cpu_list("8192", &w, &n), -EINVAL);
	CHECK_INT(vmc_parse_cpu_list("", &w, &n), -EINVAL);
	CHECK_INT(vmc_parse_cpu_list("3-1", &w, &n), -EINVAL);
	CHECK_INT(vmc_parse_cpu_list("1,", &w, &n), -EINVAL);
	CHECK_INT(vmc_parse_cpu_list("1;2", &w, &n), -EINVAL);
	CHECK_INT(vmc_parse_cpu_list("-1", &w, &n), -EINVAL);
	CHECK(!w && !n);
}

/* run_parse_args() and run_resolve() of @argv; 0 or the resolve error. */
static int resolve(char *const *argv, int argc, struct vm_config *c, struct axv_err *err)
{
	struct run_opts o;
	int ret;

	CHECK_INT(parse(argc, argv, &o), RUN_PARSE_OK);
	ret = run_resolve(&o, c, err);
	run_opts_free(&o);
	return ret;
}

static void test_config_overrides(void)
{
	char *const all[] = {
		"run", "--config", EXAMPLES_DIR "/smp4.dts", "--vcpus", "3", "--apic-id", "2:9",
		"--allowed-cpus", "0-1", "--allowed-cpus", "2:5", "--favoured-cpu", "1:1",
		"--favoured-cpu", "2:none", "--mem", "32M", "--uart-vector", "0x40", "--no-lapic",
		"--mode", "protected", "--entry", "0x100000", "--module", "m.bin,x=1",
		"mine.elf", "a", "b", NULL,
	};
	char *const keep[] = {
		"run", "--config", EXAMPLES_DIR "/smp4.dts", "--favoured-cpu", "3:2", NULL,
	};
	char *const no_vcpu[] = {
		"run", "--config", EXAMPLES_DIR "/hello.dts", "--vcpus", "2", "--apic-id", "5:3",
		NULL,
	};
	char *const dup[] = { "run", "--vcpus", "2", "--apic-id", "1:0", "x.bin", NULL };
	char *const bad_fav[] = {
		"run", "--allowed-cpus", "2-3", "--favoured-cpu", "1", "x.bin", NULL,
	};
	struct vm_config c;
	struct axv_err err;

	CHECK_INT(resolve(all, ARGC(all), &c, &err), 0);
	CHECK_STR_EQ(err.msg, "");
	CHECK_INT(c.lapic, VMC_LAPIC_OFF);
	CHECK_INT(c.nregions, 2);
	CHECK_HEX(c.regions[0].size, 32ULL << 20);
	CHECK_STR_EQ(c.regions[0].origin, "--mem");
	CHECK(c.regions[1].readonly);
	CHECK_INT(c.nvcpus, 3);
	if (c.nvcpus == 3) {
		CHECK_INT(vmc_bsp(&c), 0);
		CHECK_INT(c.vcpus[0].apic_id, 0);
		CHECK_INT(c.vcpus[1].apic_id, 1);
		CHECK_INT(c.vcpus[2].apic_id, 9);
		CHECK_HEX(c.vcpus[0].allowed[0], 0x3);
		CHECK_HEX(c.vcpus[1].allowed[0], 0x3);
		CHECK_HEX(c.vcpus[2].allowed[0], 0x20);
		CHECK_INT(c.vcpus[0].favoured_cpu, -1);
		CHECK_INT(c.vcpus[1].favoured_cpu, 1);
		CHECK_INT(c.vcpus[2].favoured_cpu, -1);
		CHECK_STR_EQ(c.vcpus[2].origin, "--favoured-cpu 2:none");
	}
	CHECK_STR_EQ(c.image.path, "mine.elf");
	CHECK_INT(c.image.format, BOOT_FORMAT_MULTIBOOT);
	CHECK_INT(c.image.mode, X86_MODE_PROTECTED);
	CHECK(c.image.have_entry);
	CHECK_HEX(c.image.entry, 0x100000);
	CHECK_STR_EQ(c.image.cmdline, "mine.elf a b");
	CHECK_INT(c.nmods, 1);
	CHECK_STR_EQ(c.mods[0].path, "m.bin");
	CHECK_STR_EQ(c.mods[0].args, "x=1");
	CHECK_HEX(c.uart_vector, 0x40);
	vmc_free(&c);

	/* Without options the description stays; one vCPU option changes one vCPU. */
	CHECK_INT(resolve(keep, ARGC(keep), &c, &err), 0);
	CHECK_INT(c.nvcpus, 4);
	CHECK_INT(c.lapic, VMC_LAPIC_ON);
	CHECK_INT(c.vcpus[3].favoured_cpu, 2);
	CHECK_INT(c.vcpus[2].favoured_cpu, 2);
	CHECK_STR_EQ(c.image.cmdline, "kernel.elf console=ttyS0");
	CHECK_STR_HAS(c.image.path, "/examples/kernel.elf");
	CHECK_INT(c.nmods, 1);
	vmc_free(&c);

	CHECK_INT(resolve(no_vcpu, ARGC(no_vcpu), &c, &err), -EINVAL);
	CHECK_STR_EQ(err.msg, "--apic-id 5:3: there is no vCPU 5 (2 vCPUs)");
	vmc_free(&c);
	CHECK_INT(resolve(dup, ARGC(dup), &c, &err), -EINVAL);
	CHECK_STR_EQ(err.msg,
		     "--apic-id 1:0: APIC ID 0 of vCPU 1 is also that of vCPU 0 (--vcpus)");
	vmc_free(&c);
	CHECK_INT(resolve(bad_fav, ARGC(bad_fav), &c, &err), -EINVAL);
	CHECK_STR_EQ(err.msg,
		     "--favoured-cpu 1: vCPU 0: favoured CPU 1 is not one of its allowed CPUs");
	vmc_free(&c);
}

static void test_config_dry_run(void)
{
	char *const argv[] = { "run", "--config", EXAMPLES_DIR "/smp4.dts", "--dry-run", NULL };
	char *const plain[] = {
		"run", "--dry-run", "--vcpus", "2", "--cmdline", "k a\"b", "--timeout", "1",
		"x.bin", NULL,
	};
	char *const bad[] = { "run", "--dry-run", "--apic-id", "1:1", "x.bin", NULL };
	char *const again[] = { "run", "--config", NULL, "--dry-run", NULL };
	struct run_output o, o2;
	char first[4096];
	const char *path;

	fake_run(argv, ARGC(argv), script_busy, &o);
	CHECK_INT(o.status, 0);
	CHECK_INT(fk.vm_fd, 0);		/* nothing opened, nothing created */
	CHECK_INT(fk.nvcpus, 0);
	CHECK_STR_EQ(o.err, "");
	CHECK_STR_HAS(o.out, "/dts-v1/;\n");
	CHECK_STR_HAS(o.out, "\tcompatible = \"axvcpu,vm\";\n\tmodel = \"four vCPUs\";\n");
	CHECK_STR_HAS(o.out, "\tlapic = \"on\";\n");
	CHECK_STR_HAS(o.out, "\tmemory@f0000000 {\n\t\tdevice_type = \"memory\";\n"
		      "\t\treg = <0x0 0xf0000000 0x0 0x100000>;\n\t\tread-only;\n\t};\n");
	CHECK_STR_HAS(o.out, "userctl's reserved area: 0xff00000-0xfffffff */\n");
	CHECK_STR_HAS(o.out, "\t\tcpu@3 {\n\t\t\treg = <3>;\n\t\t\tapic-id = <3>;\n"
		      "\t\t\t/* an AP */\n\t\t\tfavoured-cpu = <3>;\n"
		      "\t\t\tallowed-cpus = <2 3>;\n\t\t};\n");
	CHECK_STR_HAS(o.out, "\t\tformat = \"multiboot\";\n\t\tmode = \"auto\";\n");
	CHECK_STR_HAS(o.out, "\t\tmodule-0 {\n\t\t\tpath = \"");
	CHECK_STR_HAS(o.out, "\t\tuart {\n\t\t\tport = <0x3f8>;\n\t\t\tvector = <0x24>;\n");

	/* Read back, it prints the same. */
	snprintf(first, sizeof(first), "%s", o.out);
	path = temp_file(first, "dts");
	((char **)again)[2] = (char *)path;
	fake_run(again, ARGC(again), script_busy, &o2);
	CHECK_INT(o2.status, 0);
	CHECK_STR_EQ(strstr(o2.out, "/ {"), strstr(first, "/ {"));
	unlink(path);

	/* Without a file: the defaults, written out. */
	fake_run(plain, ARGC(plain), script_busy, &o);
	CHECK_INT(o.status, 0);
	CHECK_STR_HAS(o.out, "\tlapic = \"auto\";\n");
	CHECK_STR_HAS(o.out, "\t\treg = <0x0 0x0 0x0 0x4000000>;\n");
	CHECK_STR_HAS(o.out, "\t\tcpu@1 {\n\t\t\treg = <1>;\n\t\t\tapic-id = <1>;\n"
		      "\t\t\t/* an AP */\n\t\t\t/* no favoured CPU */\n"
		      "\t\t\t/* every host CPU allowed */\n");
	CHECK_STR_HAS(o.out, "\t\tpath = \"x.bin\";\n\t\tformat = \"auto\";\n");
	CHECK_STR_HAS(o.out, "\t\tcmdline = \"k a\\\"b\";\n");
	CHECK_STR_HAS(o.out, "\t\tdebug-exit {\n\t\t\tport = <0xf4>;\n");
	CHECK(!strstr(o.out, "module"));

	/* An inconsistent VM is refused by --dry-run too. */
	fake_run(bad, ARGC(bad), script_busy, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_EQ(o.out, "");
	CHECK_STR_EQ(o.err, "userctl: --apic-id 1:1: there is no vCPU 1 (1 vCPU)\n");
}

static void test_parse_new_options(void)
{
	char *const argv[] = {
		"run", "--config", "vm.dtb", "--dry-run", "--apic-id", "1:7", "--allowed-cpus",
		"0-2", "--favoured-cpu", "3:none", "--no-lapic", "--uart-vector", "0x31",
		"--timeout", "2.5", NULL,
	};
	char *const t1[] = { "run", "--timeout", "0.05", "x", NULL };
	struct run_opts o;

	CHECK_INT(parse(ARGC(argv), argv, &o), RUN_PARSE_OK);
	CHECK_STR_EQ(o.config, "vm.dtb");
	CHECK(o.dry_run && o.no_lapic && o.have_uart_vector);
	CHECK(!o.image);	/* the description names it */
	CHECK_INT(o.uart_vector, 0x31);
	CHECK_INT(o.timeout_ms, 2500);
	CHECK_INT(o.nvcpu_opts, 3);
	if (o.nvcpu_opts == 3) {
		CHECK_INT(o.vcpu_opts[0].field, RUN_VCPU_APIC_ID);
		CHECK_INT(o.vcpu_opts[0].vcpu, 1);
		CHECK_INT(o.vcpu_opts[0].value, 7);
		CHECK_INT(o.vcpu_opts[1].field, RUN_VCPU_ALLOWED);
		CHECK_INT(o.vcpu_opts[1].vcpu, -1);
		CHECK_HEX(o.vcpu_opts[1].words[0], 7);
		CHECK_INT(o.vcpu_opts[2].field, RUN_VCPU_FAVOURED);
		CHECK_INT(o.vcpu_opts[2].vcpu, 3);
		CHECK_INT(o.vcpu_opts[2].value, -1);
		CHECK_STR_EQ(o.vcpu_opts[2].text, "--favoured-cpu 3:none");
	}
	run_opts_free(&o);
	CHECK_INT(parse(ARGC(t1), t1, &o), RUN_PARSE_OK);
	CHECK_INT(o.timeout_ms, 50);
	run_opts_free(&o);

	CHECK_USAGE("--apic-id", "3", "x");
	CHECK_USAGE("--apic-id", "1:255", "x");
	CHECK_USAGE("--apic-id", "x:1", "x");
	CHECK_USAGE("--allowed-cpus", "3-1", "x");
	CHECK_USAGE("--allowed-cpus", "1:", "x");
	CHECK_USAGE("--favoured-cpu", "1:any", "x");
	CHECK_USAGE("--favoured-cpu", "999:1", "x");
	CHECK_USAGE("--uart-vector", "16", "x");
	CHECK_USAGE("--uart-vector", "256", "x");
	CHECK_USAGE("--timeout", "0", "x");
	CHECK_USAGE("--timeout", "1.", "x");
	CHECK_USAGE("--timeout", "-1", "x");
	CHECK_USAGE("--dry-run");
}

/* --- the UART's interrupt ------------------------------------------------ */

static int irq_count;

/* An interrupt controller's input: counts rising edges, checks levels alternate. */
static void count_irq(void *opaque, unsigned int pin, bool level)
{
	static bool last;

	CHECK_INT(pin, 4);
	CHECK(level != last);
	last = level;
	if (level)
		++*(int *)opaque;
}

static void test_uart_interrupts(void)
{
	struct capture out;
	struct uart u;
	const char *msg = "irq\n";
	int i, sent;

	capture_start(&out);
	uart_init(&u, out.f);
	irq_line_connect(&u.irq, count_irq, &irq_count, 4);
	irq_count = 0;

	/* Nothing enabled: no interrupt, whatever happens. */
	CHECK_HEX(uart_in(&u, UART_IIR), 0x01);
	uart_out(&u, UART_THR, 'x');
	CHECK_INT(irq_count, 0);

	/* Enabling THRI with THR empty raises it; IIR reports it once. */
	uart_out(&u, UART_IER, UART_IER_THRI);
	CHECK_INT(irq_count, 1);
	CHECK(u.irq.level);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x02);
	CHECK(!u.irq.level);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x01);
	CHECK_INT(irq_count, 1);

	/* Each byte written empties THR again: a new edge each time. */
	uart_out(&u, UART_THR, 'a');
	CHECK_INT(irq_count, 2);
	uart_out(&u, UART_THR, 'b');	/* without reading IIR in between */
	CHECK_INT(irq_count, 3);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x02);

	/* With the FIFOs enabled, IIR has its 0xc0 bits. */
	uart_out(&u, UART_FCR, UART_FCR_ENABLE);
	uart_out(&u, UART_THR, 'c');
	CHECK_INT(irq_count, 4);
	CHECK_HEX(uart_in(&u, UART_IIR), 0xc2);
	CHECK_HEX(uart_in(&u, UART_IIR), 0xc1);

	/* Disabled, nothing; enabled again with THR empty, at once. */
	uart_out(&u, UART_IER, 0);
	uart_out(&u, UART_THR, 'd');
	CHECK_INT(irq_count, 4);
	uart_out(&u, UART_IER, UART_IER_THRI);
	CHECK_INT(irq_count, 5);
	/* Rewriting IER with THRI still set is no new edge. */
	uart_out(&u, UART_IER, UART_IER_THRI);
	CHECK_INT(irq_count, 5);
	CHECK_HEX(uart_in(&u, UART_IIR), 0xc2);
	uart_out(&u, UART_FCR, 0);

	/* Received data (loopback) comes first; reading RBR clears it. */
	uart_out(&u, UART_MCR, UART_MCR_LOOP);
	uart_out(&u, UART_IER, UART_IER_RDI | UART_IER_THRI);
	irq_count = 0;
	uart_out(&u, UART_THR, 'L');
	CHECK_INT(irq_count, 1);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x04);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x04);	/* reading IIR does not clear it */
	CHECK_HEX(uart_in(&u, UART_RBR), 'L');
	CHECK_HEX(uart_in(&u, UART_IIR), 0x02);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x01);
	uart_out(&u, UART_IER, UART_IER_RDI);
	uart_out(&u, UART_THR, 'M');
	CHECK_INT(irq_count, 2);
	CHECK_HEX(uart_in(&u, UART_IIR), 0x04);
	CHECK_HEX(uart_in(&u, UART_RBR), 'M');
	CHECK(!u.irq.level);
	uart_out(&u, UART_MCR, 0);
	uart_out(&u, UART_IER, 0);
	CHECK_STR_EQ(capture_text(&out), "xabcd");

	/* Interrupt-driven output, as a guest's handler would do it. */
	irq_count = 0;
	sent = 0;
	uart_out(&u, UART_IER, UART_IER_THRI);
	for (i = 0; i < 16 && sent < (int)strlen(msg); i++) {
		if (irq_count <= sent)
			break;	/* no interrupt: the guest would wait forever */
		CHECK_HEX(uart_in(&u, UART_IIR), 0x02);
		uart_out(&u, UART_THR, msg[sent++]);
	}
	uart_out(&u, UART_IER, 0);
	CHECK_INT(sent, strlen(msg));
	CHECK_INT(irq_count, strlen(msg) + 1);
	CHECK_STR_EQ(capture_text(&out), "xabcdirq\n");
	capture_end(&out);
}

static void test_devices_layout(void)
{
	const struct devices_layout layout = { .uart = true, .uart_port = 0x2f8 };
	struct capture out, log;
	struct devices dev;
	struct axv_err err;
	__u32 v = 'Z';

	capture_start(&out);
	capture_start(&log);
	devices_init_layout(&dev, &layout, out.f, log.f, true, false);
	CHECK_INT(devices_pio(&dev, 0x1000, 0x2f8, 1, true, &v, &err), 0);
	v = 7;
	CHECK_INT(devices_pio(&dev, 0x1001, 0xf4, 1, true, &v, &err), 0);
	CHECK(!dev.exit_requested);
	CHECK_INT(devices_pio(&dev, 0x1002, 0x3f8, 1, false, &v, &err), 0);
	CHECK_HEX(v, 0xff);
	devices_finish(&dev);
	CHECK_STR_EQ(capture_text(&out), "Z");
	CHECK_STR_HAS(capture_text(&log), "1-byte write to port 0xf4 (value 0x7)");
	capture_end(&out);
	capture_end(&log);
}

static __u64 fake_clock_ns(void *opaque)
{
	(void)opaque;
	return 1000000000ULL;
}

/*
 * The PC platform on the buses: the I/O APIC's version register through
 * MMIO, the PIC, the 8042's self test, S5 through PM1a (the run's end),
 * IA32_MISC_ENABLE, and the UART's line reaching I/O APIC pin 4.
 */
static void test_devices_pc(void)
{
	struct devices_layout layout = {
		.uart = true, .uart_port = 0x3f8, .pc = true, .mem_kib = 65536,
		.now = fake_clock_ns,
	};
	struct capture out, log;
	struct devices dev;
	struct axv_err err;
	__u64 m;
	__u32 v;

	capture_start(&out);
	capture_start(&log);
	devices_init_layout(&dev, &layout, out.f, log.f, false, true);
	m = IOAPIC_REG_VER;
	CHECK_INT(devices_mmio(&dev, 0, IOAPIC_DEFAULT_BASE, 4, true, &m, &err), 0);
	CHECK_INT(devices_mmio(&dev, 0, IOAPIC_DEFAULT_BASE + IOAPIC_WIN, 4, false, &m, &err), 0);
	CHECK_HEX(m, 0x170011);
	v = 0xaa;
	CHECK_INT(devices_pio(&dev, 0, 0x64, 1, true, &v, &err), 0);
	CHECK_INT(devices_pio(&dev, 0, 0x60, 1, false, &v, &err), 0);
	CHECK_HEX(v, 0x55);
	/* Every port the platform has answers under --strict-io. */
	CHECK_INT(devices_pio(&dev, 0, 0x21, 1, false, &v, &err), 0);
	CHECK_INT(devices_pio(&dev, 0, 0x71, 1, false, &v, &err), 0);
	CHECK_INT(devices_pio(&dev, 0, 0x80, 1, true, &v, &err), 0);
	CHECK_INT(devices_pio(&dev, 0, 0x61, 1, false, &v, &err), 0);
	CHECK_INT(devices_msr(&dev, PC_MISC_ENABLE_MSR, false, &m), 0);
	CHECK_HEX(m, PC_MISC_ENABLE_RESET);
	m = 0x1;
	CHECK_INT(devices_msr(&dev, PC_MISC_ENABLE_MSR, true, &m), 0);
	CHECK_INT(devices_msr(&dev, PC_MISC_ENABLE_MSR, false, &m), 0);
	CHECK_HEX(m, 0x1);
	CHECK_INT(devices_msr(&dev, 0x8b, false, &m), -ENOENT);
	/* The UART's line is pin 4: its level reaches the I/O APIC. */
	v = 0x02;
	CHECK_INT(devices_pio(&dev, 0, 0x3f9, 1, true, &v, &err), 0);
	CHECK(dev.ioapic.pin_level[PC_IRQ_COM1]);
	CHECK_INT(devices_power_event(&dev), POWER_NONE);
	v = POWER_S5_SLP_TYP << POWER_PM1_SLP_TYP_SHIFT | POWER_PM1_SLP_EN;
	CHECK_INT(devices_pio(&dev, 0, POWER_PM1A_CNT_PORT, 2, true, &v, &err), 0);
	CHECK_INT(devices_power_event(&dev), POWER_OFF);
	devices_finish(&dev);
	capture_end(&out);
	capture_end(&log);
}

/* --- the recording test device ------------------------------------------- */

/* The test device's register @reg, read as the guest would (8 bytes). */
static __u64 td_reg(struct testdev *t, __u64 reg)
{
	return testdev_read(t, reg, 8);
}

/* Entry @i of the record, through INDEX and the E_ registers. */
static void td_entry(struct testdev *t, __u64 i, __u64 *gpa, __u64 *value, __u64 *rip,
		     __u64 *info)
{
	testdev_write(t, TESTDEV_INDEX, 8, i);
	*gpa = td_reg(t, TESTDEV_E_GPA);
	*value = td_reg(t, TESTDEV_E_VALUE);
	*rip = td_reg(t, TESTDEV_E_RIP);
	*info = td_reg(t, TESTDEV_E_INFO);
}

/* Entry @i is a @size-byte access (@write or not) at base + @offset, of @value, at @rip. */
static void check_td_entry(struct testdev *t, __u64 i, bool write, __u64 offset,
			   unsigned int size, __u64 value, __u64 rip, int line)
{
	__u64 g, v, r, info;

	td_entry(t, i, &g, &v, &r, &info);
	if (g != t->base + offset || v != value || r != rip ||
	    info != (size | (write ? TESTDEV_INFO_WRITE : 0)))
		check_failed(__FILE__, line,
			     "entry %llu: gpa 0x%llx value 0x%llx rip 0x%llx info 0x%llx, expected gpa 0x%llx value 0x%llx rip 0x%llx info 0x%llx",
			     i, g, v, r, info, t->base + offset, value, rip,
			     size | (write ? TESTDEV_INFO_WRITE : 0ULL));
}

#define CHECK_TD_ENTRY(t, i, w, off, size, value, rip) \
	check_td_entry(t, i, w, off, size, value, rip, __LINE__)

static void test_testdev_memory(void)
{
	struct testdev t;
	__u64 rip = 0x100010;

	testdev_init(&t, 0xd0000000, &rip);
	/* The pattern: the offset's low byte, xor its 256-byte block, xor 0xa5. */
	CHECK_HEX(testdev_pattern(0), 0xa5);
	CHECK_HEX(testdev_pattern(0x1ff), 0x5b);
	CHECK_HEX(testdev_pattern(0x1eff), 0x44);
	CHECK_HEX(testdev_read(&t, 0, 1), 0xa5);
	CHECK_HEX(testdev_read(&t, 0x10, 4), 0xb6b7b4b5);
	CHECK_HEX(testdev_read(&t, 0xfe, 4), 0xa5a45a5b);	/* across a 256-byte block */

	/* Memory: what was written reads back, at every width. */
	rip = 0x100020;
	testdev_write(&t, 0x20, 1, 0x5c);
	testdev_write(&t, 0x22, 2, 0xbeef);
	testdev_write(&t, 0x24, 4, 0x12345678);
	testdev_write(&t, 0x28, 8, 0x0123456789abcdefULL);
	rip = 0x100030;
	CHECK_HEX(testdev_read(&t, 0x20, 8), 0x12345678beef845cULL);
	CHECK_HEX(testdev_read(&t, 0x28, 8), 0x0123456789abcdefULL);
	CHECK_HEX(testdev_read(&t, 0x2b, 2), 0x6789);
	CHECK_HEX(testdev_read(&t, 0x21, 1), 0x84);	/* untouched: the pattern */

	/* Each access recorded, in order; window reads (above) are not. */
	CHECK_HEX(td_reg(&t, TESTDEV_COUNT), 11);
	CHECK_TD_ENTRY(&t, 0, false, 0, 1, 0xa5, 0x100010);
	CHECK_TD_ENTRY(&t, 2, false, 0xfe, 4, 0xa5a45a5b, 0x100010);
	CHECK_TD_ENTRY(&t, 3, true, 0x20, 1, 0x5c, 0x100020);
	CHECK_TD_ENTRY(&t, 4, true, 0x22, 2, 0xbeef, 0x100020);
	CHECK_TD_ENTRY(&t, 6, true, 0x28, 8, 0x0123456789abcdefULL, 0x100020);
	CHECK_TD_ENTRY(&t, 7, false, 0x20, 8, 0x12345678beef845cULL, 0x100030);
	CHECK_TD_ENTRY(&t, 9, false, 0x2b, 2, 0x6789, 0x100030);
	CHECK_TD_ENTRY(&t, 10, false, 0x21, 1, 0x84, 0x100030);
	CHECK_HEX(td_reg(&t, TESTDEV_COUNT), 11);
	CHECK_HEX(td_reg(&t, TESTDEV_INDEX), 10);

	/* No entry 11: all ones, and INFO 0. */
	testdev_write(&t, TESTDEV_INDEX, 8, 11);
	CHECK_HEX(td_reg(&t, TESTDEV_E_GPA), ~0ULL);
	CHECK_HEX(td_reg(&t, TESTDEV_E_VALUE), ~0ULL);
	CHECK_HEX(td_reg(&t, TESTDEV_E_RIP), ~0ULL);
	CHECK_HEX(td_reg(&t, TESTDEV_E_INFO), 0);

	/* The data ends at 0x1eff: bytes past it read 0xff and are not written. */
	testdev_write(&t, 0x1efe, 4, 0x11223344);
	CHECK_HEX(testdev_read(&t, 0x1efc, 8), 0xffff33440000ULL | 0xffff000000000000ULL |
		  testdev_pattern(0x1efc) | testdev_pattern(0x1efd) << 8);
	CHECK_HEX(td_reg(&t, TESTDEV_ID), TESTDEV_ID_VALUE);

	/* CTRL: clear the record (INDEX too), refill the data. */
	testdev_write(&t, TESTDEV_CTRL, 8, TESTDEV_CTRL_CLEAR);
	CHECK_HEX(td_reg(&t, TESTDEV_COUNT), 0);
	CHECK_HEX(td_reg(&t, TESTDEV_INDEX), 0);
	CHECK_HEX(td_reg(&t, TESTDEV_E_INFO), 0);
	CHECK_HEX(t.data[0x24], 0x78);	/* the data stays */
	testdev_write(&t, TESTDEV_CTRL, 4, TESTDEV_CTRL_FILL);
	CHECK_HEX(t.data[0x24], testdev_pattern(0x24));
	CHECK_HEX(t.data[0x1eff], testdev_pattern(0x1eff));
	CHECK_HEX(td_reg(&t, TESTDEV_COUNT), 0);	/* FILL alone keeps the record */
	CHECK_HEX(td_reg(&t, TESTDEV_CTRL), 0);
}

static void test_testdev_registers(void)
{
	struct testdev t;
	__u64 rip = 0x2000;
	unsigned int i;

	testdev_init(&t, 0xd0000000, &rip);

	/* Any width and alignment reads the registers' bytes ("AXVTDEV1"). */
	CHECK_HEX(testdev_read(&t, TESTDEV_ID, 4), 0x54565841);
	CHECK_HEX(testdev_read(&t, TESTDEV_ID + 4, 4), 0x31564544);
	CHECK_HEX(testdev_read(&t, TESTDEV_ID + 1, 1), 'X');
	CHECK_HEX(testdev_read(&t, TESTDEV_ID + 6, 4), 0x00003156);	/* COUNT's low bytes */
	CHECK_HEX(td_reg(&t, TESTDEV_CAPACITY), TESTDEV_RECORD_MAX);
	CHECK_HEX(testdev_read(&t, 0x1ffc, 8), 0xffffffff00000000ULL);	/* past the end */
	CHECK_HEX(td_reg(&t, 0x1f80), 0);	/* unused */

	/* A 32-bit guest writes a 64-bit register in halves. */
	testdev_write(&t, TESTDEV_BUSY_MASK, 4, 0x89abcdef);
	testdev_write(&t, TESTDEV_BUSY_MASK + 4, 4, 0x01234567);
	CHECK_HEX(td_reg(&t, TESTDEV_BUSY_MASK), 0x0123456789abcdefULL);
	testdev_write(&t, TESTDEV_BUSY_MASK + 2, 1, 0);
	CHECK_HEX(td_reg(&t, TESTDEV_BUSY_MASK), 0x012345678900cdefULL);
	/* Read-only registers ignore writes; nothing is recorded. */
	testdev_write(&t, TESTDEV_COUNT, 8, 55);
	testdev_write(&t, TESTDEV_ID, 8, 0);
	CHECK_HEX(td_reg(&t, TESTDEV_ID), TESTDEV_ID_VALUE);
	CHECK_HEX(td_reg(&t, TESTDEV_COUNT), 0);

	/* More accesses than entries: COUNT counts them all, the first 256 kept. */
	for (i = 0; i < TESTDEV_RECORD_MAX + 44; i++) {
		rip = 0x3000 + i;
		testdev_write(&t, 8 * (i % 64), 8, i);
	}
	CHECK_HEX(td_reg(&t, TESTDEV_COUNT), TESTDEV_RECORD_MAX + 44);
	CHECK_TD_ENTRY(&t, 0, true, 0, 8, 0, 0x3000);
	CHECK_TD_ENTRY(&t, TESTDEV_RECORD_MAX - 1, true, 8 * 63, 8, TESTDEV_RECORD_MAX - 1,
		       0x3000 + TESTDEV_RECORD_MAX - 1);
	testdev_write(&t, TESTDEV_INDEX, 4, TESTDEV_RECORD_MAX);
	CHECK_HEX(td_reg(&t, TESTDEV_E_INFO), 0);
	testdev_write(&t, TESTDEV_CTRL, 1, TESTDEV_CTRL_CLEAR | TESTDEV_CTRL_FILL);
	CHECK_HEX(td_reg(&t, TESTDEV_COUNT), 0);
	CHECK_HEX(testdev_read(&t, 8, 8), 0xaaaba8a9aeafacadULL);
}

/* A polling loop on a bit that the device clears after a number of reads. */
static void test_testdev_busy(void)
{
	struct testdev t;
	__u64 rip = 0x4000;
	int i;

	testdev_init(&t, 0xd0000000, NULL);
	testdev_write(&t, 0x40, 4, 0x1008);
	testdev_write(&t, TESTDEV_BUSY_OFFSET, 8, 0x40);
	testdev_write(&t, TESTDEV_BUSY_MASK, 8, 0x1000);
	testdev_write(&t, TESTDEV_BUSY_READS, 8, 3);
	CHECK_HEX(testdev_read(&t, 0x48, 4), 0xeeefeced);	/* not the busy bytes */
	CHECK_HEX(td_reg(&t, TESTDEV_BUSY_READS), 3);
	for (i = 0; i < 3; i++)
		CHECK_HEX(testdev_read(&t, 0x40, 4), 0x1008);
	CHECK_HEX(td_reg(&t, TESTDEV_BUSY_READS), 0);
	CHECK_HEX(testdev_read(&t, 0x40, 4), 0x0008);
	CHECK_HEX(testdev_read(&t, 0x40, 4), 0x0008);
	/* Without a RIP source the record says 0. */
	CHECK_TD_ENTRY(&t, 2, false, 0x40, 4, 0x1008, 0);
	CHECK_TD_ENTRY(&t, 5, false, 0x40, 4, 0x0008, 0);

	/* A byte read of one of the 8 bytes counts; writes do not. */
	testdev_write(&t, 0x40, 4, 0x1008);
	testdev_write(&t, TESTDEV_BUSY_READS, 8, 2);
	testdev_write(&t, 0x41, 1, 0x10);
	CHECK_HEX(testdev_read(&t, 0x47, 1), testdev_pattern(0x47));
	CHECK_HEX(testdev_read(&t, 0x3e, 4), 0x10089a9b);
	CHECK_HEX(testdev_read(&t, 0x40, 4), 0x0008);
	/* FILL disarms it. */
	testdev_write(&t, TESTDEV_BUSY_READS, 8, 1);
	testdev_write(&t, TESTDEV_CTRL, 8, TESTDEV_CTRL_FILL);
	CHECK_HEX(td_reg(&t, TESTDEV_BUSY_READS), 0);
	(void)rip;
}

/* On the MMIO bus: the RIP of each exit is recorded; its two pages and no more. */
static void test_testdev_bus(void)
{
	const struct devices_layout layout = {
		.uart = true, .uart_port = 0x3f8, .testdev = true, .testdev_base = 0xc0000000,
	};
	struct capture out, log;
	struct devices dev;
	struct axv_err err;
	__u64 v;

	capture_start(&out);
	capture_start(&log);
	devices_init_layout(&dev, &layout, out.f, log.f, true, true);
	v = 0xfeedf00d;
	CHECK_INT(devices_mmio(&dev, 0x100100, 0xc0000ffe, 4, true, &v, &err), 0);
	v = 0;
	CHECK_INT(devices_mmio(&dev, 0x100108, 0xc0000ffe, 4, false, &v, &err), 0);
	CHECK_HEX(v, 0xfeedf00d);
	CHECK_INT(devices_mmio(&dev, 0x100110, 0xc0001f08, 8, false, &v, &err), 0);
	CHECK_HEX(v, 2);
	CHECK_TD_ENTRY(&dev.testdev, 0, true, 0xffe, 4, 0xfeedf00d, 0x100100);
	CHECK_TD_ENTRY(&dev.testdev, 1, false, 0xffe, 4, 0xfeedf00d, 0x100108);
	/* Outside: the empty bus (here --strict-io). */
	CHECK_INT(devices_mmio(&dev, 0x100118, 0xc0002000, 4, false, &v, &err), -EIO);
	CHECK_INT(devices_mmio(&dev, 0x100118, 0xbffffffc, 4, false, &v, &err), -EIO);
	devices_finish(&dev);
	CHECK_STR_EQ(capture_text(&out), "");
	capture_end(&out);
	capture_end(&log);

	/* Without it in the layout, nothing at 0xd0000000. */
	capture_start(&out);
	capture_start(&log);
	devices_init(&dev, out.f, log.f, false, false);
	CHECK_INT(devices_mmio(&dev, 0x100100, 0xd0001f00, 8, false, &v, &err), 0);
	CHECK_HEX(v, ~0ULL);
	capture_end(&out);
	capture_end(&log);
}

static void test_testdev_config(void)
{
	char *const opt[] = { "run", "--test-device", "x.elf", NULL };
	char *const opt_at[] = { "run", "--test-device=0xc0000000", "x.elf", NULL };
	char *const on_ram[] = { "run", "--mem", "4G", "--test-device", "x.elf", NULL };
	char *const on_apic[] = { "run", "--test-device=0xfedff000", "x.elf", NULL };
	char *const apic_off[] = {
		"run", "--no-lapic", "--test-device=0xfee00000", "x.elf", NULL,
	};
	char *const over[] = {
		"run", "--config", NULL, "--test-device=0xe0000000", NULL,
	};
	char *const dry[] = { "run", "--dry-run", "--test-device", "/x.elf", NULL };
	char *const again[] = { "run", "--config", NULL, "--dry-run", NULL };
	struct run_output o, o2;
	struct vm_config c;
	struct axv_err err;
	struct run_opts ro;
	char first[4096];
	const char *path;

	/* Options. */
	CHECK_INT(parse(ARGC(opt), opt, &ro), RUN_PARSE_OK);
	CHECK(ro.test_device);
	CHECK_HEX(ro.test_device_base, 0xd0000000);
	run_opts_free(&ro);
	CHECK_USAGE("--test-device=0xzz", "x");
	CHECK_USAGE("--test-device=", "x");

	CHECK_INT(resolve(opt, ARGC(opt), &c, &err), 0);
	CHECK(c.testdev);
	CHECK_HEX(c.testdev_base, 0xd0000000);
	vmc_free(&c);
	CHECK(!c.testdev);
	CHECK_INT(resolve(opt_at, ARGC(opt_at), &c, &err), 0);
	CHECK_HEX(c.testdev_base, 0xc0000000);
	vmc_free(&c);
	CHECK_INT(resolve(on_ram, ARGC(on_ram), &c, &err), -EINVAL);
	CHECK_STR_EQ(err.msg,
		     "--test-device: test device 0xd0000000-0xd0001fff overlaps memory 0x0-0xffffffff (--mem)");
	vmc_free(&c);
	CHECK_INT(resolve(on_apic, ARGC(on_apic), &c, &err), -EINVAL);
	CHECK_STR_HAS(err.msg,
		      "--test-device: test device 0xfedff000-0xfee00fff overlaps the local APIC's page 0xfee00000");
	vmc_free(&c);
	CHECK_INT(resolve(apic_off, ARGC(apic_off), &c, &err), 0);
	vmc_free(&c);

	/* The description's node: the default base, or its own. */
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			   "\tdevices { debug-exit { }; test-device { }; };\n" DTS_TAIL,
			   &c, &err), 0);
	CHECK(c.testdev && !c.uart && c.debug_exit);
	CHECK_HEX(c.testdev_base, 0xd0000000);
	CHECK_STR_HAS(c.testdev_origin, ": /devices/test-device");
	vmc_free(&c);
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			   "\tdevices { test-device { base = <0x1 0x0>; }; };\n" DTS_TAIL,
			   &c, &err), 0);
	CHECK_HEX(c.testdev_base, 0x100000000ULL);
	vmc_free(&c);
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE DTS_TAIL, &c, &err), 0);
	CHECK(!c.testdev);
	vmc_free(&c);

	/* Refusals name the node and property. */
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			   "\tdevices { test-device { base = <0xd0000800>; }; };\n" DTS_TAIL, &c,
			   &err), -EINVAL);
	CHECK_STR_HAS(err.msg,
		      ": /devices/test-device: property 'base': 0xd0000800: not a multiple of 4K");
	vmc_free(&c);
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			   "\tdevices { test-device { base = <0xffffffff 0xfffff000>; }; };\n"
			   DTS_TAIL, &c, &err), -EINVAL);
	CHECK_STR_HAS(err.msg,
		      ": property 'base': 0xfffffffffffff000: the device's 8192 bytes wrap around");
	vmc_free(&c);
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			   "\tdevices { test-device { base = <0x3fff000>; }; };\n" DTS_TAIL, &c,
			   &err), -EINVAL);
	CHECK_STR_HAS(err.msg,
		      ": /devices/test-device: property 'base': test device 0x3fff000-0x4000fff overlaps memory 0x0-0x3ffffff (");
	vmc_free(&c);
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			   "\tdevices { test-device { size = <1>; }; };\n" DTS_TAIL, &c, &err),
		  -EINVAL);
	CHECK_STR_HAS(err.msg, ": /devices/test-device: unknown property 'size'");
	vmc_free(&c);
	CHECK_INT(load_dts(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			   "\tdevices { test-device { base = <1 2 3>; }; };\n" DTS_TAIL, &c, &err),
		  -EINVAL);
	CHECK_STR_HAS(err.msg, ": property 'base': expected one or two cells");
	vmc_free(&c);

	/* The option moves the description's device. */
	path = temp_file(DTS_HEAD DTS_MEM DTS_CPUS DTS_IMAGE
			 "\tdevices { test-device { }; };\n" DTS_TAIL, "dts");
	((char **)over)[2] = (char *)path;
	CHECK_INT(resolve(over, ARGC(over), &c, &err), 0);
	CHECK_HEX(c.testdev_base, 0xe0000000);
	CHECK_STR_EQ(c.testdev_origin, "--test-device");
	vmc_free(&c);
	unlink(path);

	/* --dry-run prints it, and reads it back the same. */
	fake_run(dry, ARGC(dry), script_busy, &o);
	CHECK_INT(o.status, 0);
	CHECK_STR_HAS(o.out, "\t\tdebug-exit {\n\t\t\tport = <0xf4>;\n\t\t};\n\n"
		      "\t\ttest-device {\n\t\t\tbase = <0x0 0xd0000000>;\n\t\t};\n\t};\n};\n");
	snprintf(first, sizeof(first), "%s", o.out);
	path = temp_file(first, "dts");
	((char **)again)[2] = (char *)path;
	fake_run(again, ARGC(again), script_busy, &o2);
	CHECK_INT(o2.status, 0);
	CHECK_STR_EQ(strstr(o2.out, "/ {"), strstr(first, "/ {"));
	unlink(path);
}

/*
 * A whole run: the guest writes the test device, reads it back, then reads
 * the record through the registers, as tests/guests/mmio_insn_test does.
 */
static int script_testdev(struct axv_run *run, int step)
{
	static const __u64 want_info[] = { 4 | TESTDEV_INFO_WRITE, 4, 1 };
	__u64 got = run->mmio.data;	/* what the last read returned */

	memset(&run->exit_pad, 0, sizeof(run->exit_pad));
	run->exit_reason = AXV_EXIT_MMIO;
	run->rip = 0x100000 + 0x10 * step;
	switch (step) {
	case 0:
		run->mmio.gpa = 0xd0000100;
		run->mmio.size = 4;
		run->mmio.is_write = 1;
		run->mmio.data = 0xcafe0001;
		return 0;
	case 1:
		run->mmio.gpa = 0xd0000100;
		run->mmio.size = 4;
		return 0;
	case 2:
		CHECK_HEX(got, 0xcafe0001);
		run->mmio.gpa = 0xd0000103;
		run->mmio.size = 1;
		return 0;
	case 3:
		CHECK_HEX(got, 0xca);
		run->mmio.gpa = 0xd0000000 + TESTDEV_COUNT;
		run->mmio.size = 8;
		return 0;
	case 4:
	case 6:
	case 8:
		/* COUNT, then the INFO of entries 0 and 1; INDEX = entry (step - 4) / 2. */
		CHECK_HEX(got, step == 4 ? 3 : want_info[(step - 6) / 2]);
		run->mmio.gpa = 0xd0000000 + TESTDEV_INDEX;
		run->mmio.size = 4;
		run->mmio.is_write = 1;
		run->mmio.data = (step - 4) / 2;
		return 0;
	case 5:
	case 7:
	case 9:
		run->mmio.gpa = 0xd0000000 + TESTDEV_E_INFO;
		run->mmio.size = 4;
		return 0;
	case 10:
		CHECK_HEX(got, want_info[2]);
		run->mmio.gpa = 0xd0000000 + TESTDEV_E_RIP;
		run->mmio.size = 8;
		return 0;
	case 11:
		CHECK_HEX(got, 0x100020);
		io_step(run, DEBUG_EXIT_PORT, AXV_IO_OUT, "\x10", 1);
		return 0;
	}
	check_failed(__FILE__, __LINE__, "entered again after the debug exit");
	run->exit_reason = AXV_EXIT_HALT;
	return 0;
}

static void test_run_testdev(void)
{
	char *const argv[] = { "run", "--verbose", "--strict-io", "--test-device", flat_path,
			       NULL };
	char *const without[] = { "run", "--strict-io", flat_path, NULL };
	struct run_output o;

	fake_run(argv, ARGC(argv), script_testdev, &o);
	CHECK_INT(o.status, 33);
	CHECK_INT(fk.step, 12);
	CHECK_STR_HAS(o.err,
		      "userctl: test device at 0xd0000000-0xd0001fff: memory up to 0xd0001eff, registers above\n");

	/* Without the option, nothing is there. */
	fake_run(without, ARGC(without), script_testdev, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_HAS(o.err,
		      "userctl: --strict-io: guest at RIP 0x100000: 4-byte write to MMIO address 0xd0000100 (value 0xcafe0001): nothing there\n");
}

/* --- the end of a run ---------------------------------------------------- */

static void test_run_end(void)
{
	struct run_end e;
	char buf[8];

	CHECK_INT(run_end_init(&e, 2), 0);
	CHECK(!run_end_done(&e));
	CHECK_INT(read(e.wake_fd[0], buf, sizeof(buf)), -1);	/* nothing yet */
	CHECK(run_end_request(&e, 33, RUN_END_GUEST, 1));
	CHECK(run_end_done(&e));
	CHECK(!run_end_request(&e, 130, RUN_END_SIGNAL, -1));	/* the first wins */
	CHECK_INT(e.status, 33);
	CHECK_INT(e.reason, RUN_END_GUEST);
	CHECK_INT(e.vcpu, 1);
	CHECK_INT(read(e.wake_fd[0], buf, sizeof(buf)), 1);
	run_end_thread_exit(&e);
	run_end_thread_exit(&e);
	CHECK_INT(e.running, 0);
	CHECK_INT(e.status, 33);
	run_end_destroy(&e);

	/* Every thread ended by itself: status 0. */
	CHECK_INT(run_end_init(&e, 2), 0);
	run_end_thread_exit(&e);
	CHECK(!run_end_done(&e));
	run_end_thread_exit(&e);
	CHECK(run_end_done(&e));
	CHECK_INT(e.status, 0);
	CHECK_INT(e.reason, RUN_END_ALL_OFF);
	run_end_thread_exit(&e);	/* no underflow */
	CHECK_INT(e.running, 0);
	run_end_destroy(&e);
}

/* --- whole SMP runs against the fake kernel -------------------------------- */

static void fk_signal(void)
{
	pthread_mutex_lock(&fk.lock);
	pthread_cond_broadcast(&fk.cond);
	pthread_mutex_unlock(&fk.lock);
}

/*
 * Block as a halted vCPU or a waiting AP would, until @cond or a kick of
 * @vcpu (exit KICKED) or immediate_exit (EINTR).  Returns 0 when @cond.
 */
static int fk_block(unsigned int vcpu, struct axv_run *run, const bool *cond)
{
	struct timespec ts;
	int ret = 0;

	pthread_mutex_lock(&fk.lock);
	for (;;) {
		if (cond && *cond)
			break;
		if (fk.kicked & 1ULL << vcpu) {
			fk.kicked &= ~(1ULL << vcpu);
			run->exit_reason = AXV_EXIT_KICKED;
			ret = 1;
			break;
		}
		if (run->immediate_exit) {
			run->exit_reason = AXV_EXIT_INTR;
			ret = -1;
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&fk.cond, &fk.lock, &ts);
	}
	pthread_mutex_unlock(&fk.lock);
	if (ret < 0)
		return fk_fail(EINTR);
	return ret;
}

static bool smp_ap_started, smp_ap_printed;

/* vCPU 0 enables the UART interrupt, starts vCPU 1, waits for its output, exits. */
static int script_smp(unsigned int vcpu, struct axv_run *run, int step)
{
	memset(&run->exit_pad, 0, sizeof(run->exit_pad));
	run->rip = 0x1000 + vcpu * 0x100 + step;
	if (vcpu == 0) {
		switch (step) {
		case 0:
			io_step(run, 0x3f9, AXV_IO_OUT, "\x02", 1);	/* IER.THRI */
			return 0;
		case 1:
			run->exit_reason = AXV_EXIT_CPU_UP;
			run->cpu_up.target_apic_id = 1;
			run->cpu_up.entry = 0x8000;
			run->cpu_up.arg = 1;
			pthread_mutex_lock(&fk.lock);
			smp_ap_started = true;
			pthread_mutex_unlock(&fk.lock);
			fk_signal();
			return 0;
		case 2:
			if (fk_block(0, run, &smp_ap_printed))
				return 0;
			io_step(run, DEBUG_EXIT_PORT, AXV_IO_OUT, "\x10", 1);
			return 0;
		}
		check_failed(__FILE__, __LINE__, "vCPU 0 entered again after its debug exit");
		return fk_fail(EINVAL);
	}
	switch (step) {
	case 0:
		/* Waiting for the start-up IPI. */
		if (fk_block(vcpu, run, &smp_ap_started))
			return fk.kicks ? 0 : fk_fail(EINVAL);
		io_step(run, 0x3f8, AXV_IO_OUT, "ap\n", 3);
		return 0;
	case 1:
		pthread_mutex_lock(&fk.lock);
		smp_ap_printed = true;
		pthread_mutex_unlock(&fk.lock);
		fk_signal();
		/* Halted with interrupts off: only the end of the run gets it out. */
		return fk_block(vcpu, run, NULL) < 0 ? -1 : 0;
	}
	run->exit_reason = AXV_EXIT_KICKED;
	return 0;
}

static void test_run_smp(void)
{
	char *const argv[] = {
		"run", "--vcpus", "2", "--uart-vector", "0x31", "--allowed-cpus", "1:0,2",
		"--favoured-cpu", "1:2", "--stats", "--verbose", flat_path, NULL,
	};
	struct run_output o;

	smp_ap_started = false;
	smp_ap_printed = false;
	fk_cap_override[AXV_CAP_LAPIC] = 1;
	fk_next_smp_script = script_smp;
	fake_run(argv, ARGC(argv), script_busy, &o);
	CHECK_INT(o.status, 33);
	CHECK_STR_EQ(o.out, "ap\n");
	CHECK_HEX(fk.vm_flags, AXV_VM_F_LAPIC);
	CHECK_INT(fk.nvcpus, 2);
	CHECK_INT(fk.creates[0].role, AXV_VCPU_ROLE_BSP);
	CHECK_INT(fk.creates[1].role, AXV_VCPU_ROLE_AP);
	CHECK_INT(fk.creates[1].favoured_cpu, 2);
	CHECK_INT(fk.creates[1].allowed_cpus_size, 8);
	CHECK_HEX(fk.allowed[1], 0x5);
	CHECK_HEX(fk.creates[0].allowed_cpus, 0);
	CHECK(fk.runs[0] && fk.runs[1]);
	/* The UART interrupt: physical, fixed, to the BSP's APIC ID. */
	CHECK(fk.nirqs >= 1);
	CHECK_INT(fk.irqs[0].dest, 0);
	CHECK_INT(fk.irqs[0].vector, 0x31);
	CHECK_INT(fk.irqs[0].flags, 0);
	/* The end: the halted AP was kicked out. */
	CHECK(fk.kicks >= 1);
	CHECK_STR_HAS(o.err,
		      "userctl: in-kernel local APICs; vCPU 0 (APIC ID 0) is the BSP, the others wait for INIT and start-up IPIs\n");
	CHECK_STR_HAS(o.err,
		      "userctl: UART interrupt: vector 0x31 to APIC ID 0 (fixed, physical)\n");
	CHECK_STR_HAS(o.err,
		      "userctl: vCPU 0: start-up IPI at RIP 0x1001: started 1 vCPU (APIC ID 1) at 0x8000\n");
	CHECK_STR_HAS(o.err,
		      "userctl: vCPU 0: debug exit at RIP 0x1002: value 0x10, exit status 33\n");
	CHECK_STR_HAS(o.err, "userctl: statistics of vCPU 0:\n");
	CHECK_STR_HAS(o.err, "userctl: statistics of vCPU 1:\n");
	CHECK_STR_HAS(o.err,
		      "userctl: statistics of all 2 vCPUs:\n  guest execution time    0.000002468 s\n");
	CHECK_STR_HAS(o.err, "    io                    10\n");
	CHECK_STR_HAS(o.err, "userctl: UART interrupts raised: ");
}

/* A vCPU that blocks forever, as HLT with interrupts off does with the local APIC. */
static int script_block(unsigned int vcpu, struct axv_run *run, int step)
{
	(void)step;
	memset(&run->exit_pad, 0, sizeof(run->exit_pad));
	run->rip = 0x2000;
	return fk_block(vcpu, run, NULL) < 0 ? -1 : 0;
}

/* Every vCPU turns itself off. */
static int script_cpu_down(unsigned int vcpu, struct axv_run *run, int step)
{
	memset(&run->exit_pad, 0, sizeof(run->exit_pad));
	run->rip = 0x3000 + vcpu;
	if (step) {
		check_failed(__FILE__, __LINE__, "vCPU %u entered again after turning off", vcpu);
		return fk_fail(EINVAL);
	}
	run->exit_reason = AXV_EXIT_CPU_DOWN;
	return 0;
}

static void test_run_smp_ends(void)
{
	char *const timeout[] = { "run", "--vcpus", "3", "--timeout", "0.05", flat_path, NULL };
	char *const down[] = { "run", "--vcpus", "2", "--verbose", flat_path, NULL };
	char *const no_lapic[] = { "run", "--vcpus", "2", "--no-lapic", "--verbose", flat_path,
				   NULL };
	char *const need[] = {
		"run", "--config", EXAMPLES_DIR "/smp4.dts", "--module", flat_path, flat_path, NULL,
	};
	struct run_output o;

	fk_cap_override[AXV_CAP_LAPIC] = 1;
	fk_next_smp_script = script_block;
	fake_run(timeout, ARGC(timeout), script_busy, &o);
	CHECK_INT(o.status, RUN_STATUS_TIMEOUT);
	CHECK_STR_EQ(o.err, "userctl: --timeout: the VM ran for 0.050 s; stopped\n");
	CHECK_INT(fk.steps[0], 1);	/* each vCPU blocked once, then was kicked out */
	CHECK_INT(fk.steps[2], 1);
	CHECK(fk.kicks >= 1);

	fk_cap_override[AXV_CAP_LAPIC] = 1;
	fk_next_smp_script = script_cpu_down;
	fake_run(down, ARGC(down), script_busy, &o);
	CHECK_INT(o.status, 0);
	CHECK_STR_HAS(o.err, "userctl: vCPU 1: turned itself off at RIP 0x3001\n");
	CHECK_STR_HAS(o.err, "userctl: every vCPU turned itself off\n");

	/* Without the local APIC: today's behaviour, said with --verbose. */
	fk_cap_override[AXV_CAP_LAPIC] = 1;
	fake_run(no_lapic, ARGC(no_lapic), script_halt, &o);
	CHECK_INT(o.status, 0);
	CHECK_HEX(fk.vm_flags, 0);
	CHECK(fk.runs[0] && !fk.runs[1]);
	CHECK_STR_HAS(o.err,
		      "userctl: no in-kernel local APIC (turned off): the UART raises no interrupt; only the BSP runs, the others wait for a start IPI\n");
	CHECK_STR_HAS(o.err, "userctl: guest halted at RIP 0x1007\n");

	/* lapic = "on" needs AXV_CAP_LAPIC. */
	fake_run(need, ARGC(need), script_busy, &o);
	CHECK_INT(o.status, 1);
	CHECK_STR_EQ(o.err,
		     "userctl: lapic = \"on\": the kernel has no local APIC emulation (no AXV_CAP_LAPIC)\n");
	CHECK_INT(fk.vm_fd, 0);
}

static void test_guest_layout(void)
{
	struct guest_mem mem = { .ram = (__u8 *)0x1000, .size = TEST_RAM };

	CHECK_HEX(guest_reserved_base(&mem), 0x300000);
	mem.size = GUEST_4G;
	CHECK_HEX(guest_reserved_base(&mem), GUEST_4G - GUEST_1M);
	mem.size = TEST_RAM;
	CHECK(guest_ptr(&mem, 0, TEST_RAM) == mem.ram);
	CHECK(guest_ptr(&mem, TEST_RAM, 0));
	CHECK(!guest_ptr(&mem, TEST_RAM, 1));
	CHECK(!guest_ptr(&mem, 1, TEST_RAM));
	CHECK(!guest_ptr(&mem, ~0ULL, 2));
	CHECK(guest_range_loadable(&mem, 0, 0x300000));
	CHECK(!guest_range_loadable(&mem, 0, 0x300001));
	CHECK(!guest_range_loadable(&mem, 0x2fffff, 2));
	CHECK(!guest_range_loadable(&mem, ~0ULL, 2));
	CHECK_HEX(guest_page_align(0), 0);
	CHECK_HEX(guest_page_align(1), 0x1000);
	CHECK_HEX(guest_page_align(0x1000), 0x1000);
	CHECK_INT(X86_MAX_PDS, 252);
}

int main(void)
{
	flat_image_create();
	RUN(test_guest_layout);
	RUN(test_elf32_load);
	RUN(test_elf64_load);
	RUN(test_elf_refused);
	RUN(test_flat_load);
	RUN(test_image_read);
	RUN(test_mb_struct_layout);
	RUN(test_mb_find_header);
	RUN(test_mb_header_flags);
	RUN(test_mb_load_kludge);
	RUN(test_mb_cmdline);
	RUN(test_mb_info);
	RUN(test_mb_info_no_modules);
	RUN(test_mb_info_too_small);
	RUN(test_mode_names);
	RUN(test_real_mode);
	RUN(test_protected_mode);
	RUN(test_long_mode);
	RUN(test_long_mode_big_ram);
	RUN(test_descriptor_encoding);
	RUN(test_boot_flat);
	RUN(test_boot_elf_modes);
	RUN(test_boot_multiboot);
	RUN(test_uart_registers);
	RUN(test_uart_loopback);
	RUN(test_uart_output);
	RUN(test_debug_exit_status);
	RUN(test_bus);
	RUN(test_devices_ports);
	RUN(test_devices_mmio);
	RUN(test_unhandled_verbose);
	RUN(test_strict_io);
	RUN(test_exit_io);
	RUN(test_exit_debug_exit);
	RUN(test_exit_strict_io);
	RUN(test_exit_mmio);
	RUN(test_exit_hypercall);
	RUN(test_exit_msr);
	RUN(test_exit_ends);
	RUN(test_exit_triple_fault);
	RUN(test_exit_fail_entry);
	RUN(test_exit_fatal);
	RUN(test_exit_emulation_failed);
	RUN(test_parse_defaults);
	RUN(test_parse_all);
	RUN(test_parse_errors);
	RUN(test_parse_guest_args);
	RUN(test_parse_u64);
	RUN(test_print_stats);
	RUN(test_print_vm_stats);
	RUN(test_map_guest_ram);
	RUN(test_run_whole);
	RUN(test_run_vm_stats_error);
	RUN(test_run_halt_verbose);
	RUN(test_run_signals);
	RUN(test_run_failures);
	RUN(test_config_examples);
	RUN(test_config_refusals);
	RUN(test_config_files);
	RUN(test_cpu_list);
	RUN(test_config_overrides);
	RUN(test_config_dry_run);
	RUN(test_parse_new_options);
	RUN(test_uart_interrupts);
	RUN(test_devices_layout);
	RUN(test_devices_pc);
	RUN(test_testdev_memory);
	RUN(test_testdev_registers);
	RUN(test_testdev_busy);
	RUN(test_testdev_bus);
	RUN(test_testdev_config);
	RUN(test_run_testdev);
	RUN(test_run_end);
	RUN(test_run_smp);
	RUN(test_run_smp_ends);
	unlink(flat_path);
	return check_report();
}
