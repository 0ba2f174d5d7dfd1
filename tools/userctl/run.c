// SPDX-License-Identifier: GPL-2.0
/*
 * userctl run: the command, the VM it sets up, and the run loop.
 *
 * Exit status: what the guest wrote to the debug-exit port (devices.h),
 * 0 when it halted or powered off, 1 for an error, 2 for a usage error,
 * 128 + the signal for SIGINT and SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "cli.h"
#include "devices.h"
#include "loader.h"
#include "run.h"
#include "vmexit.h"

const char run_synopsis[] =
	"[--vcpus N] [--mem SIZE] [--entry ADDR] [--mode real|protected|long]\n"
	"       [--module FILE[,ARGS]]... [--cmdline STR] [--stats] [--verbose] [--strict-io]\n"
	"       IMAGE [ARGS]";

const char run_summary[] =
	"boot IMAGE (flat, ELF or Multiboot) in a new VM and run it";

const char run_details[] =
	"Options:\n"
	"  --vcpus N          create N vCPUs (default 1); only vCPU 0, the bootstrap\n"
	"                     processor, runs: the others wait for a start IPI, and\n"
	"                     starting them (SMP) is not supported yet\n"
	"  --mem SIZE         guest RAM at guest-physical 0 (default 64M; K, M, G, T\n"
	"                     suffixes; a multiple of 4K, at least 2M)\n"
	"  --entry ADDR       flat image: load and start address (default 0x1000);\n"
	"                     ELF and Multiboot: start here, not at the image's entry\n"
	"  --mode MODE        start mode of a flat or ELF image: real (flat default),\n"
	"                     protected (ELF32 default) or long (ELF64 default);\n"
	"                     Multiboot images start in protected mode\n"
	"  --module FILE[,ARGS]\n"
	"                     Multiboot: load FILE as a module, its string \"FILE ARGS\";\n"
	"                     may be repeated\n"
	"  --cmdline STR      Multiboot: the command line (default: IMAGE and ARGS\n"
	"                     joined by spaces)\n"
	"  --stats            after the run, print exits by reason and times on stderr\n"
	"  --verbose          report unhandled accesses, unknown hypercalls and how the\n"
	"                     run ended on stderr\n"
	"  --strict-io        an access to a port, address or MSR that nothing handles\n"
	"                     is an error\n"
	"\n"
	"The last MiB of guest RAM (of the first 4 GiB when there is more) is\n"
	"reserved for userctl's GDT, TSS and page tables: images must not load there.\n"
	"Devices: a 16550 UART at port 0x3f8 (output on stdout), the debug-exit port\n"
	"0xf4.  Hypercall 0 returns its first argument plus 1.\n"
	"\n"
	"Exit status: (V << 1 | 1) & 0xff when the guest writes V to port 0xf4;\n"
	"0 when it halts with interrupts off or powers off; 1 error; 2 usage error;\n"
	"130 SIGINT, 143 SIGTERM.  Documentation/userctl.rst has the details.\n";

enum {
	OPT_VCPUS = 256,
	OPT_MEM,
	OPT_ENTRY,
	OPT_MODE,
	OPT_MODULE,
	OPT_CMDLINE,
	OPT_STATS,
	OPT_STRICT_IO,
};

int run_parse_u64(const char *str, __u64 *value)
{
	unsigned long long v;
	char *end;

	if (!str || !*str || *str == '-' || *str == '+' || *str == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(str, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*value = v;
	return 0;
}

static int run_add_module(struct run_opts *opts, const char *spec)
{
	const char *comma = strchr(spec, ',');
	size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
	struct mb_module *mods, *mod;

	if (!len)
		return cli_usage_error("run", "run: --module '%s': no file name", spec);
	mods = realloc(opts->mods, (opts->nmods + 1) * sizeof(*mods));
	if (!mods)
		return cli_usage_error("run", "run: out of memory");
	opts->mods = mods;
	mod = &mods[opts->nmods];
	memset(mod, 0, sizeof(*mod));
	mod->path = strndup(spec, len);
	if (!mod->path)
		return cli_usage_error("run", "run: out of memory");
	mod->args = comma && comma[1] ? comma + 1 : NULL;
	opts->nmods++;
	return 0;
}

static int run_parse_option(struct run_opts *opts, int opt, const char *arg)
{
	struct axv_err err;
	__u64 value;

	switch (opt) {
	case OPT_VCPUS:
		if (run_parse_u64(arg, &value) || value < 1 || value > RUN_MAX_VCPUS)
			return cli_usage_error("run", "run: --vcpus '%s': expected 1 to %d", arg,
					       RUN_MAX_VCPUS);
		opts->vcpus = value;
		return 0;
	case OPT_MEM:
		if (axv_parse_size(arg, &value, &err))
			return cli_usage_error("run", "run: --mem: %s", err.msg);
		if (value < GUEST_MIN_RAM || value % GUEST_PAGE_SIZE)
			return cli_usage_error("run",
					       "run: --mem '%s': must be a multiple of 4K, at least 2M",
					       arg);
		opts->mem_size = value;
		return 0;
	case OPT_ENTRY:
		if (run_parse_u64(arg, &value))
			return cli_usage_error("run", "run: --entry '%s': expected an address",
					       arg);
		opts->have_entry = true;
		opts->entry = value;
		return 0;
	case OPT_MODE:
		opts->mode = x86_mode_parse(arg);
		if (opts->mode == X86_MODE_NONE)
			return cli_usage_error("run",
					       "run: --mode '%s': expected real, protected or long",
					       arg);
		return 0;
	case OPT_MODULE:
		return run_add_module(opts, arg);
	case OPT_CMDLINE:
		opts->cmdline = arg;
		return 0;
	case OPT_STATS:
		opts->stats = true;
		return 0;
	case 'v':
		opts->verbose = true;
		return 0;
	case OPT_STRICT_IO:
		opts->strict_io = true;
		return 0;
	}
	return EXIT_USAGE;
}

enum run_parse_result run_parse_args(int argc, char *const *argv, struct run_opts *opts)
{
	static const struct option options[] = {
		{ "vcpus", required_argument, NULL, OPT_VCPUS },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "module", required_argument, NULL, OPT_MODULE },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "strict-io", no_argument, NULL, OPT_STRICT_IO },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	memset(opts, 0, sizeof(*opts));
	opts->vcpus = 1;
	opts->mem_size = RUN_DEFAULT_MEM;
	opterr = 0;

	/* "+": IMAGE ends the options, so that ARGS may look like options. */
	while ((opt = getopt_long(argc, argv, "+:hv", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return RUN_PARSE_HELP;
		case ':':
			cli_usage_error("run", "run: option '%s' needs an argument",
					cli_bad_option(argv));
			return RUN_PARSE_USAGE;
		case '?':
			cli_usage_error("run", "run: bad option '%s'", cli_bad_option(argv));
			return RUN_PARSE_USAGE;
		default:
			if (run_parse_option(opts, opt, optarg))
				return RUN_PARSE_USAGE;
		}
	}
	if (optind >= argc) {
		cli_usage_error("run", "run: no IMAGE given");
		return RUN_PARSE_USAGE;
	}
	opts->image = argv[optind];
	opts->args = argv + optind + 1;
	opts->nargs = argc - optind - 1;
	if (opts->cmdline && opts->nargs) {
		cli_usage_error("run", "run: --cmdline replaces the command line: no ARGS with it");
		return RUN_PARSE_USAGE;
	}
	return RUN_PARSE_OK;
}

void run_opts_free(struct run_opts *opts)
{
	unsigned int i;

	for (i = 0; i < opts->nmods; i++) {
		free((char *)opts->mods[i].path);
		image_free(&opts->mods[i].img);
	}
	free(opts->mods);
	opts->mods = NULL;
	opts->nmods = 0;
}

void run_print_stats(FILE *f, const struct axv_vcpu_stats *stats, __u64 wall_ns)
{
	unsigned int i;

	fprintf(f, "userctl: statistics of vCPU 0:\n");
	fprintf(f, "  %-24s%llu.%09llu s\n", "guest execution time", stats->exec_ns / 1000000000ULL,
		stats->exec_ns % 1000000000ULL);
	fprintf(f, "  %-24s%llu.%09llu s\n", "run loop wall time", wall_ns / 1000000000ULL,
		wall_ns % 1000000000ULL);
	fprintf(f, "  exits by reason:\n");
	for (i = 0; i < AXV_VCPU_NR_EXIT_STATS; i++) {
		const char *name = axv_exit_name(i);
		char other[32];

		if (!stats->exits[i])
			continue;
		if (!name) {
			snprintf(other, sizeof(other), "reason %u%s", i,
				 i == AXV_VCPU_NR_EXIT_STATS - 1 ? " and above" : "");
			name = other;
		}
		fprintf(f, "    %-22s%llu\n", name, stats->exits[i]);
	}
}

/* --- the VM ------------------------------------------------------------- */

/**
 * struct vm - what userctl run holds open.
 * @dev_fd: /dev/axvcpu.
 * @vm_fd: the VM.
 * @vcpu_fds: its vCPUs; [0] is the BSP.
 * @nvcpus: how many were created.
 * @mem: guest RAM; @mem.ram is NULL when not mapped.
 * @run: the BSP's mapped struct axv_run, or NULL.
 * @run_size: its mapped size.
 */
struct vm {
	int dev_fd;
	int vm_fd;
	int *vcpu_fds;
	unsigned int nvcpus;
	struct guest_mem mem;
	struct axv_run *run;
	size_t run_size;
};

/* A capability's value, or -errno (described in @err). */
static int vm_cap(struct vm *vm, unsigned long cap, struct axv_err *err)
{
	return axv_check_extension(vm->dev_fd, cap, err);
}

static int vm_check_caps(struct vm *vm, const struct run_opts *opts, struct axv_err *err)
{
	int ret;

	ret = vm_cap(vm, AXV_CAP_RUN, err);
	if (ret < 0)
		return ret;
	if (!ret)
		return axv_err_set(err, EOPNOTSUPP,
				   "%s cannot run guests: no AXV_CAP_RUN (a kernel module without the run support?)",
				   axv_dev_path());
	ret = vm_cap(vm, AXV_CAP_MAX_VCPUS, err);
	if (ret < 0)
		return ret;
	if ((unsigned int)ret < opts->vcpus)
		return axv_err_set(err, EINVAL, "--vcpus %u: the kernel allows at most %d per VM",
				   opts->vcpus, ret);
	ret = vm_cap(vm, AXV_CAP_NR_MEMSLOTS, err);
	if (ret < 0)
		return ret;
	if (ret < 1)
		return axv_err_set(err, EINVAL, "the kernel offers no memory slot");
	ret = vm_cap(vm, AXV_CAP_GPA_BITS, err);
	if (ret < 0)
		return ret;
	if (ret < 64 && opts->mem_size > 1ULL << ret)
		return axv_err_set(err, EINVAL,
				   "--mem %llu: larger than the %d-bit guest-physical address space",
				   opts->mem_size, ret);
	return 0;
}

static int vm_create(struct vm *vm, const struct run_opts *opts, struct axv_err *err)
{
	struct axv_vcpu_create create;
	unsigned int i;
	void *ram;
	int ret;

	vm->dev_fd = axv_open(NULL, err);
	if (vm->dev_fd < 0)
		return vm->dev_fd;
	ret = axv_get_api_version(vm->dev_fd, err);
	if (ret < 0)
		return ret;
	ret = vm_check_caps(vm, opts, err);
	if (ret)
		return ret;
	vm->vm_fd = axv_create_vm(vm->dev_fd, 0, err);
	if (vm->vm_fd < 0)
		return vm->vm_fd;

	ram = mmap(NULL, opts->mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		return axv_err_set(err, errno, "mmap of %llu bytes of guest RAM: %s",
				   opts->mem_size, strerror(errno));
	vm->mem.ram = ram;
	vm->mem.size = opts->mem_size;

	vm->vcpu_fds = malloc(opts->vcpus * sizeof(*vm->vcpu_fds));
	if (!vm->vcpu_fds)
		return axv_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < opts->vcpus; i++) {
		axv_vcpu_create_init(&create, i, i);
		ret = axv_create_vcpu(vm->vm_fd, &create, err);
		if (ret < 0)
			return ret;
		vm->vcpu_fds[vm->nvcpus++] = ret;
	}
	return 0;
}

static int vm_register_ram(struct vm *vm, struct axv_err *err)
{
	struct axv_memory_region region;

	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.size = vm->mem.size;
	region.userspace_addr = (unsigned long)vm->mem.ram;
	return axv_set_memory_region(vm->vm_fd, &region, err);
}

static void vm_destroy(struct vm *vm)
{
	unsigned int i;

	axv_unmap_run(vm->run, vm->run_size);
	for (i = 0; i < vm->nvcpus; i++)
		close(vm->vcpu_fds[i]);
	free(vm->vcpu_fds);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	if (vm->mem.ram)
		munmap(vm->mem.ram, vm->mem.size);
}

/* --- running ------------------------------------------------------------ */

static volatile sig_atomic_t run_signal;
static struct axv_run *volatile run_signal_target;

/* SIGINT, SIGTERM: stop the run loop, and the guest if it is in it now. */
static void run_on_signal(int sig)
{
	struct axv_run *run = run_signal_target;

	run_signal = sig;
	if (run)
		run->immediate_exit = 1;
}

static __u64 run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int run_loop(struct vm *vm, const struct run_opts *opts, struct devices *dev,
		    __u64 *wall_ns)
{
	struct vmexit_ctx ctx = {
		.dev = dev, .log = stderr, .verbose = opts->verbose, .strict = opts->strict_io,
		.vcpu_fd = vm->vcpu_fds[0], .run_size = vm->run_size,
	};
	struct sigaction sa, old_int, old_term;
	__u64 start = run_now_ns();
	struct axv_err err;
	int status, ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must end AXV_RUN with EINTR. */
	vm->run->immediate_exit = 0;
	run_signal = 0;
	run_signal_target = vm->run;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	for (;;) {
		if (run_signal) {
			status = 128 + run_signal;
			if (opts->verbose)
				fprintf(stderr, "userctl: stopped by signal %d at RIP 0x%llx\n",
					(int)run_signal, vm->run->rip);
			break;
		}
		uart_flush(&dev->uart);
		ret = axv_run(vm->vcpu_fds[0], &err);
		if (ret == -EINTR)
			continue;
		if (ret) {
			status = cli_fail(&err);
			break;
		}
		if (vmexit_handle(&ctx, vm->run) == VMEXIT_STOP) {
			status = ctx.status;
			break;
		}
	}

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	run_signal_target = NULL;
	*wall_ns = run_now_ns() - start;
	return status;
}

/* Read IMAGE and the modules, and make the Multiboot command line. */
static int run_read_files(struct run_opts *opts, struct image *img, char **cmdline,
			  struct axv_err *err)
{
	unsigned int i;
	int ret;

	ret = image_read(opts->image, img, err);
	if (ret)
		return ret;
	for (i = 0; i < opts->nmods; i++) {
		ret = image_read(opts->mods[i].path, &opts->mods[i].img, err);
		if (ret)
			return ret;
	}
	*cmdline = opts->cmdline ? strdup(opts->cmdline) :
		   mb_cmdline(opts->image, opts->args, opts->nargs);
	if (!*cmdline)
		return axv_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static void run_describe(const struct run_opts *opts, const struct boot_result *boot)
{
	fprintf(stderr, "userctl: %s: %s image at 0x%llx-0x%llx, entry 0x%llx in %s mode",
		opts->image, image_format_name(boot->load.format), boot->load.low,
		boot->load.high - 1, boot->load.entry, x86_mode_name(boot->mode));
	if (boot->mb_info)
		fprintf(stderr, ", Multiboot information at 0x%x", boot->mb_info);
	fprintf(stderr, "; %u vCPU%s, %llu MiB of RAM\n", opts->vcpus, opts->vcpus > 1 ? "s" : "",
		opts->mem_size >> 20);
	if (opts->vcpus > 1)
		fprintf(stderr, "userctl: only vCPU 0 runs; the others wait for a start IPI\n");
}

static int run_guest(struct run_opts *opts)
{
	struct vm vm = { .dev_fd = -1, .vm_fd = -1 };
	struct axv_vcpu_stats stats;
	struct boot_params params;
	struct boot_result boot;
	struct axv_sregs sregs;
	struct axv_regs regs;
	struct image img;
	struct devices dev;
	struct axv_err err;
	char *cmdline = NULL;
	__u64 wall_ns = 0;
	int status;

	memset(&img, 0, sizeof(img));
	if (run_read_files(opts, &img, &cmdline, &err) ||
	    vm_create(&vm, opts, &err) ||
	    axv_get_sregs(vm.vcpu_fds[0], &sregs, &err))
		goto fail;

	memset(&params, 0, sizeof(params));
	params.mode = opts->mode;
	params.have_entry = opts->have_entry;
	params.entry = opts->entry;
	params.cmdline = cmdline;
	params.cmdline_given = opts->cmdline || opts->nargs;
	params.mods = opts->mods;
	params.nmods = opts->nmods;
	if (boot_prepare(&vm.mem, &img, &params, &boot, &regs, &sregs, &err) ||
	    vm_register_ram(&vm, &err) ||
	    axv_set_sregs(vm.vcpu_fds[0], &sregs, &err) ||
	    axv_set_regs(vm.vcpu_fds[0], &regs, &err) ||
	    axv_map_run(vm.dev_fd, vm.vcpu_fds[0], &vm.run, &vm.run_size, &err))
		goto fail;
	if (opts->verbose)
		run_describe(opts, &boot);

	devices_init(&dev, stdout, stderr, opts->verbose, opts->strict_io);
	status = run_loop(&vm, opts, &dev, &wall_ns);
	devices_finish(&dev);
	if (opts->stats) {
		if (axv_get_vcpu_stats(vm.vcpu_fds[0], &stats, &err))
			cli_fail(&err);
		else
			run_print_stats(stderr, &stats, wall_ns);
	}
	goto out;

fail:
	status = cli_fail(&err);
out:
	vm_destroy(&vm);
	image_free(&img);
	free(cmdline);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts opts;
	int status;

	switch (run_parse_args(argc, argv, &opts)) {
	case RUN_PARSE_HELP:
		run_opts_free(&opts);
		cli_command_usage(stdout, "run", run_synopsis, run_summary, run_details);
		return cli_finish_output(EXIT_SUCCESS);
	case RUN_PARSE_USAGE:
		run_opts_free(&opts);
		return EXIT_USAGE;
	case RUN_PARSE_OK:
		break;
	}
	status = run_guest(&opts);
	run_opts_free(&opts);
	/* Lost guest output (stdout, the UART) fails the run. */
	if (cli_finish_output(EXIT_SUCCESS))
		return EXIT_FAILURE;
	return status;
}
