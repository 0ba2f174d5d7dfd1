// SPDX-License-Identifier: GPL-2.0
/*
 * userctl run: the command line, the VM description it resolves to, the
 * VM it sets up, and the vCPU threads.
 *
 * Exit status: what the guest wrote to the debug-exit port (devices.h),
 * 0 when it halted or powered off, 1 for an error, 2 for a usage error,
 * 124 for --timeout, 128 + the signal for SIGINT and SIGTERM.
 */
#define _GNU_SOURCE	/* pipe2(), ppoll() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "cli.h"
#include "devices.h"
#include "bzimage.h"
#include "loader.h"
#include "run.h"
#include "vmexit.h"

const char run_synopsis[] =
	"[--config FILE] [--dry-run] [--vcpus N] [--mem SIZE] [--entry ADDR]\n"
	"       [--mode real|protected|long] [--module FILE[,ARGS]]... [--cmdline STR]\n"
	"       [--apic-id V:ID]... [--allowed-cpus [V:]LIST]... [--favoured-cpu [V:]CPU]...\n"
	"       [--no-lapic] [--uart-vector V] [--timeout SECONDS] [--stats] [--verbose]\n"
	"       [--strict-io] [--test-device[=ADDR]] [--pc] [--initrd FILE] [IMAGE [ARGS]]";

const char run_summary[] =
	"boot IMAGE (flat, ELF, Multiboot or a Linux bzImage) in a new VM and run it";

const char run_details[] =
	"Options:\n"
	"  --config FILE      describe the VM with a device tree: a .dtb, or source\n"
	"                     compiled with dtc; the options below override it\n"
	"  --dry-run          print the resolved VM as device-tree source and exit,\n"
	"                     without opening the device\n"
	"  --vcpus N          create N vCPUs (default 1); vCPU 0 is the bootstrap\n"
	"                     processor, the others start when it sends them INIT and\n"
	"                     start-up IPIs (needs the kernel's local APIC)\n"
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
	"  --apic-id V:ID     vCPU V's APIC ID (default: V)\n"
	"  --allowed-cpus [V:]LIST\n"
	"                     host CPUs vCPU V (without V: every vCPU) may run on,\n"
	"                     e.g. 0-3,6 (default: all)\n"
	"  --favoured-cpu [V:]CPU\n"
	"                     host CPU vCPU V (every vCPU) favours, or none\n"
	"  --no-lapic         do not give the VM the kernel's local APICs\n"
	"  --uart-vector V    vector of the UART's interrupt (default 0x24)\n"
	"  --timeout SECONDS  stop the VM after SECONDS (decimals allowed): status 124\n"
	"  --stats            after the run, print exits by reason and times on stderr,\n"
	"                     and the guest memory the kernel holds when it reports it\n"
	"  --verbose          report unhandled accesses, unknown hypercalls and how the\n"
	"                     run ended on stderr\n"
	"  --strict-io        an access to a port, address or MSR that nothing handles\n"
	"                     is an error\n"
	"  --test-device[=ADDR]\n"
	"                     add the recording test device (two pages at ADDR,\n"
	"                     default 0xd0000000): memory that records each access\n"
	"  --pc               the PC platform: I/O APIC, 8259A pair, PIT, RTC, 8042,\n"
	"                     ACPI power-off and reset (on by itself for a bzImage)\n"
	"  --initrd FILE      bzImage: the initial ramdisk\n"
	"\n"
	"The last MiB of guest RAM (of the first 4 GiB when there is more) is\n"
	"reserved for userctl's GDT, TSS and page tables: images must not load there.\n"
	"Devices: a 16550 UART at port 0x3f8 (output on stdout; its interrupt goes\n"
	"to the BSP's local APIC), the debug-exit port 0xf4; with --test-device, the\n"
	"recording test device.  Hypercall 0 returns its first argument plus 1.\n"
	"\n"
	"Exit status: (V << 1 | 1) & 0xff when the guest writes V to port 0xf4;\n"
	"0 when it halts with interrupts off (without the local APIC) or powers off;\n"
	"1 error; 2 usage error; 124 --timeout; 130 SIGINT, 143 SIGTERM.\n"
	"Documentation/userctl.rst has the details.\n";

enum {
	OPT_VCPUS = 256,
	OPT_MEM,
	OPT_ENTRY,
	OPT_MODE,
	OPT_MODULE,
	OPT_CMDLINE,
	OPT_STATS,
	OPT_STRICT_IO,
	OPT_CONFIG,
	OPT_DRY_RUN,
	OPT_APIC_ID,
	OPT_ALLOWED_CPUS,
	OPT_FAVOURED_CPU,
	OPT_NO_LAPIC,
	OPT_UART_VECTOR,
	OPT_TIMEOUT,
	OPT_TEST_DEVICE,
	OPT_INITRD,
	OPT_PC,
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

/* --apic-id, --allowed-cpus, --favoured-cpu: "[V:]VALUE". */
static int run_add_vcpu_opt(struct run_opts *opts, enum run_vcpu_field field,
			    const char *name, const char *arg)
{
	const char *colon = strchr(arg, ':'), *value = colon ? colon + 1 : arg;
	struct run_vcpu_opt *o;
	__u64 v;

	o = realloc(opts->vcpu_opts, (opts->nvcpu_opts + 1) * sizeof(*o));
	if (!o)
		return cli_usage_error("run", "run: out of memory");
	opts->vcpu_opts = o;
	o = &o[opts->nvcpu_opts];
	memset(o, 0, sizeof(*o));
	o->field = field;
	o->vcpu = -1;
	snprintf(o->text, sizeof(o->text), "--%s %s", name, arg);
	if (colon) {
		char vcpu[16];

		if ((size_t)(colon - arg) >= sizeof(vcpu))
			goto bad;
		memcpy(vcpu, arg, colon - arg);
		vcpu[colon - arg] = '\0';
		if (run_parse_u64(vcpu, &v) || v >= RUN_MAX_VCPUS)
			goto bad;
		o->vcpu = v;
	} else if (field == RUN_VCPU_APIC_ID) {
		goto bad;
	}
	switch (field) {
	case RUN_VCPU_APIC_ID:
		if (run_parse_u64(value, &v) || v > AXV_VCPU_MAX_APIC_ID)
			goto bad;
		o->value = v;
		break;
	case RUN_VCPU_ALLOWED:
		if (vmc_parse_cpu_list(value, &o->words, &o->nwords))
			goto bad;
		break;
	case RUN_VCPU_FAVOURED:
		if (!strcmp(value, "none"))
			o->value = -1;
		else if (run_parse_u64(value, &v) || v > VMC_MAX_HOST_CPU)
			goto bad;
		else
			o->value = v;
		break;
	}
	opts->nvcpu_opts++;
	return 0;
bad:
	free(o->words);
	switch (field) {
	case RUN_VCPU_APIC_ID:
		return cli_usage_error("run", "run: --apic-id '%s': expected V:ID, ID 0 to %d", arg,
				       AXV_VCPU_MAX_APIC_ID);
	case RUN_VCPU_ALLOWED:
		return cli_usage_error("run",
				       "run: --allowed-cpus '%s': expected [V:]LIST, e.g. 0-3,6 (CPUs 0 to %d)",
				       arg, VMC_MAX_HOST_CPU);
	case RUN_VCPU_FAVOURED:
		break;
	}
	return cli_usage_error("run", "run: --favoured-cpu '%s': expected [V:]CPU or [V:]none",
			       arg);
}

/* --timeout SECONDS: digits, optionally a point and up to 3 decimals. */
static int run_parse_timeout(const char *arg, __u64 *ms)
{
	const char *p = arg;
	__u64 whole = 0, frac = 0;
	int digits = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > 1000000000ULL)
			return -EINVAL;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
			frac = frac * 10 + (*p - '0');
		if (!digits)
			return -EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (*p || (!whole && !frac))
		return -EINVAL;
	*ms = whole * 1000 + frac;
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
		opts->have_vcpus = true;
		opts->vcpus = value;
		return 0;
	case OPT_MEM:
		if (axv_parse_size(arg, &value, &err))
			return cli_usage_error("run", "run: --mem: %s", err.msg);
		if (value < GUEST_MIN_RAM || value % GUEST_PAGE_SIZE)
			return cli_usage_error("run",
					       "run: --mem '%s': must be a multiple of 4K, at least 2M",
					       arg);
		opts->have_mem = true;
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
	case OPT_CONFIG:
		opts->config = arg;
		return 0;
	case OPT_DRY_RUN:
		opts->dry_run = true;
		return 0;
	case OPT_APIC_ID:
		return run_add_vcpu_opt(opts, RUN_VCPU_APIC_ID, "apic-id", arg);
	case OPT_ALLOWED_CPUS:
		return run_add_vcpu_opt(opts, RUN_VCPU_ALLOWED, "allowed-cpus", arg);
	case OPT_FAVOURED_CPU:
		return run_add_vcpu_opt(opts, RUN_VCPU_FAVOURED, "favoured-cpu", arg);
	case OPT_NO_LAPIC:
		opts->no_lapic = true;
		return 0;
	case OPT_UART_VECTOR:
		if (run_parse_u64(arg, &value) || value < 32 || value > 255)
			return cli_usage_error("run", "run: --uart-vector '%s': expected 32 to 255",
					       arg);
		opts->have_uart_vector = true;
		opts->uart_vector = value;
		return 0;
	case OPT_TIMEOUT:
		if (run_parse_timeout(arg, &opts->timeout_ms))
			return cli_usage_error("run",
					       "run: --timeout '%s': expected seconds above 0, e.g. 10 or 0.5",
					       arg);
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
	case OPT_TEST_DEVICE:
		opts->test_device = true;
		opts->test_device_base = TESTDEV_DEFAULT_BASE;
		if (arg && run_parse_u64(arg, &opts->test_device_base))
			return cli_usage_error("run",
					       "run: --test-device=%s: expected an address", arg);
		return 0;
	case OPT_INITRD:
		opts->initrd = arg;
		return 0;
	case OPT_PC:
		opts->pc = true;
		return 0;
	}
	return EXIT_USAGE;
}

enum run_parse_result run_parse_args(int argc, char *const *argv, struct run_opts *opts)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "vcpus", required_argument, NULL, OPT_VCPUS },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "module", required_argument, NULL, OPT_MODULE },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "apic-id", required_argument, NULL, OPT_APIC_ID },
		{ "allowed-cpus", required_argument, NULL, OPT_ALLOWED_CPUS },
		{ "favoured-cpu", required_argument, NULL, OPT_FAVOURED_CPU },
		{ "no-lapic", no_argument, NULL, OPT_NO_LAPIC },
		{ "uart-vector", required_argument, NULL, OPT_UART_VECTOR },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "strict-io", no_argument, NULL, OPT_STRICT_IO },
		{ "test-device", optional_argument, NULL, OPT_TEST_DEVICE },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "pc", no_argument, NULL, OPT_PC },
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
	if (optind >= argc && !opts->config) {
		cli_usage_error("run", "run: no IMAGE given");
		return RUN_PARSE_USAGE;
	}
	if (optind < argc) {
		opts->image = argv[optind];
		opts->args = argv + optind + 1;
		opts->nargs = argc - optind - 1;
	}
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
	for (i = 0; i < opts->nvcpu_opts; i++)
		free(opts->vcpu_opts[i].words);
	free(opts->vcpu_opts);
	opts->vcpu_opts = NULL;
	opts->nvcpu_opts = 0;
}

/* --- the VM description ------------------------------------------------- */

static int run_strdup(char **dst, const char *src, struct axv_err *err)
{
	char *s = strdup(src);

	if (!s)
		return axv_err_set(err, ENOMEM, "out of memory");
	free(*dst);
	*dst = s;
	return 0;
}

/* --module options replace the description's modules. */
static int run_apply_modules(const struct run_opts *opts, struct vm_config *cfg,
			     struct axv_err *err)
{
	unsigned int i;

	for (i = 0; i < cfg->nmods; i++) {
		free((char *)cfg->mods[i].path);
		free((char *)cfg->mods[i].args);
	}
	free(cfg->mods);
	cfg->mods = calloc(opts->nmods, sizeof(*cfg->mods));
	cfg->nmods = 0;
	if (!cfg->mods)
		return axv_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < opts->nmods; i++) {
		struct mb_module *m = &cfg->mods[i];

		cfg->nmods++;
		m->path = strdup(opts->mods[i].path);
		m->args = opts->mods[i].args ? strdup(opts->mods[i].args) : NULL;
		if (!m->path || (opts->mods[i].args && !m->args))
			return axv_err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int run_apply_image(const struct run_opts *opts, struct vm_config *cfg,
			   struct axv_err *err)
{
	struct vmc_image *img = &cfg->image;
	char *line;

	if (opts->image && run_strdup(&img->path, opts->image, err))
		return -ENOMEM;
	if (opts->have_entry) {
		img->have_entry = true;
		img->entry = opts->entry;
	}
	if (opts->mode != X86_MODE_NONE)
		img->mode = opts->mode;
	if (opts->nmods && run_apply_modules(opts, cfg, err))
		return -ENOMEM;
	if (opts->cmdline || opts->nargs) {
		line = opts->cmdline ? strdup(opts->cmdline) :
		       mb_cmdline(opts->image, opts->args, opts->nargs);
		if (!line)
			return axv_err_set(err, ENOMEM, "out of memory");
		free(img->cmdline);
		img->cmdline = line;
		img->cmdline_given = true;
	}
	return 0;
}

static int run_apply_vcpu_opt(const struct run_vcpu_opt *o, struct vmc_vcpu *v,
			      struct axv_err *err)
{
	switch (o->field) {
	case RUN_VCPU_APIC_ID:
		v->apic_id = o->value;
		break;
	case RUN_VCPU_ALLOWED:
		free(v->allowed);
		v->allowed = malloc(o->nwords * sizeof(*v->allowed));
		if (!v->allowed) {
			v->allowed_words = 0;
			return axv_err_set(err, ENOMEM, "out of memory");
		}
		memcpy(v->allowed, o->words, o->nwords * sizeof(*v->allowed));
		v->allowed_words = o->nwords;
		break;
	case RUN_VCPU_FAVOURED:
		v->favoured_cpu = o->value;
		break;
	}
	snprintf(v->origin, sizeof(v->origin), "%s", o->text);
	return 0;
}

static int run_apply_vcpus(const struct run_opts *opts, struct vm_config *cfg,
			   struct axv_err *err)
{
	unsigned int i, j;
	int ret;

	if (opts->have_vcpus || !cfg->nvcpus) {
		ret = vmc_set_vcpus(cfg, opts->vcpus, opts->have_vcpus ? "--vcpus" : "the default",
				    err);
		if (ret)
			return ret;
	}
	for (i = 0; i < opts->nvcpu_opts; i++) {
		const struct run_vcpu_opt *o = &opts->vcpu_opts[i];

		if (o->vcpu >= (int)cfg->nvcpus)
			return axv_err_set(err, EINVAL, "%s: there is no vCPU %d (%u vCPU%s)",
					   o->text, o->vcpu, cfg->nvcpus,
					   cfg->nvcpus == 1 ? "" : "s");
		for (j = 0; j < cfg->nvcpus; j++) {
			if (o->vcpu >= 0 && (unsigned int)o->vcpu != j)
				continue;
			ret = run_apply_vcpu_opt(o, &cfg->vcpus[j], err);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int run_resolve(const struct run_opts *opts, struct vm_config *cfg, struct axv_err *err)
{
	int ret;

	vmc_init(cfg);
	axv_err_clear(err);
	if (opts->config) {
		ret = vmc_load_file(cfg, opts->config, err);
		if (ret)
			return ret;
	}
	if (opts->have_mem || !cfg->nregions) {
		ret = vmc_set_main_ram(cfg, opts->mem_size,
				       opts->have_mem ? "--mem" : "the default", err);
		if (ret)
			return ret;
	}
	ret = run_apply_vcpus(opts, cfg, err);
	if (!ret)
		ret = run_apply_image(opts, cfg, err);
	if (ret)
		return ret;
	if (opts->no_lapic)
		cfg->lapic = VMC_LAPIC_OFF;
	if (opts->have_uart_vector) {
		if (!cfg->uart)
			return axv_err_set(err, EINVAL, "--uart-vector: %s has no uart",
					   cfg->source ? cfg->source : "the VM");
		cfg->uart_vector = opts->uart_vector;
	}
	if (opts->test_device) {
		cfg->testdev = true;
		cfg->testdev_base = opts->test_device_base;
		snprintf(cfg->testdev_origin, sizeof(cfg->testdev_origin), "--test-device");
	}
	if (opts->pc)
		cfg->pc = true;
	return vmc_validate(cfg, err);
}

/* --- statistics ---------------------------------------------------------- */

void run_print_stats(FILE *f, const char *what, const struct axv_vcpu_stats *stats,
		     __u64 wall_ns)
{
	unsigned int i;

	fprintf(f, "userctl: statistics of %s:\n", what);
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

void run_print_vm_stats(FILE *f, const struct axv_vm_stats *stats)
{
	fprintf(f, "userctl: guest memory:\n");
	fprintf(f, "  %-24s%llu KiB in %llu chunk%s (%llu on huge pages)\n", "pinned",
		stats->pinned_pages * 4, stats->chunks, stats->chunks == 1 ? "" : "s",
		stats->huge_chunks);
	fprintf(f, "  %-24s%llu\n", "chunks brought in", stats->faults);
	fprintf(f, "  %-24s%llu x 4 KiB, %llu x 2 MiB, %llu x 1 GiB\n", "mappings",
		stats->mappings[AXV_MAP_4K], stats->mappings[AXV_MAP_2M],
		stats->mappings[AXV_MAP_1G]);
}

void run_add_stats(struct axv_vcpu_stats *sum, const struct axv_vcpu_stats *from)
{
	unsigned int i;

	sum->exec_ns += from->exec_ns;
	sum->ipis_coalesced += from->ipis_coalesced;
	sum->ipis_overflowed += from->ipis_overflowed;
	for (i = 0; i < AXV_VCPU_NR_EXIT_STATS; i++)
		sum->exits[i] += from->exits[i];
}

/* --- the end of a run ---------------------------------------------------- */

int run_end_init(struct run_end *end, unsigned int running)
{
	memset(end, 0, sizeof(*end));
	end->vcpu = -1;
	end->running = running;
	if (pipe2(end->wake_fd, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	pthread_mutex_init(&end->lock, NULL);
	return 0;
}

void run_end_destroy(struct run_end *end)
{
	close(end->wake_fd[0]);
	close(end->wake_fd[1]);
	pthread_mutex_destroy(&end->lock);
}

static void run_end_wake(struct run_end *end)
{
	char byte = 0;

	/* Non-blocking: a full pipe already wakes the reader. */
	if (write(end->wake_fd[1], &byte, 1) < 0)
		return;
}

bool run_end_request(struct run_end *end, int status, enum run_end_reason reason, int vcpu)
{
	bool won = false;

	pthread_mutex_lock(&end->lock);
	if (!end->done) {
		end->done = true;
		end->status = status;
		end->reason = reason;
		end->vcpu = vcpu;
		won = true;
	}
	pthread_mutex_unlock(&end->lock);
	if (won)
		run_end_wake(end);
	return won;
}

bool run_end_done(struct run_end *end)
{
	bool done;

	pthread_mutex_lock(&end->lock);
	done = end->done;
	pthread_mutex_unlock(&end->lock);
	return done;
}

void run_end_thread_exit(struct run_end *end)
{
	bool last;

	pthread_mutex_lock(&end->lock);
	last = end->running && !--end->running;
	pthread_mutex_unlock(&end->lock);
	if (last)
		run_end_request(end, EXIT_SUCCESS, RUN_END_ALL_OFF, -1);
}

/* --- the VM ------------------------------------------------------------- */

struct vm;

/**
 * struct vcpu_thread - one vCPU and the thread that runs it.
 * @vm: the VM.
 * @index: vCPU number.
 * @fd: its descriptor.
 * @run: its mapped struct axv_run, or NULL when it does not run.
 * @run_size: the mapped size.
 * @thread: the thread.
 * @started: @thread was created.
 * @prefix: "vCPU N: " when several vCPUs run, "" otherwise.
 * @ctx: its exit handling.
 */
struct vcpu_thread {
	struct vm *vm;
	unsigned int index;
	int fd;
	struct axv_run *run;
	size_t run_size;
	pthread_t thread;
	bool started;
	char prefix[24];
	struct vmexit_ctx ctx;
};

/**
 * struct vm - what userctl run holds open.
 * @cfg: the description.
 * @opts: the command line.
 * @dev_fd: /dev/axvcpu.
 * @vm_fd: the VM.
 * @lapic: created with AXV_VM_F_LAPIC.
 * @bsp: the BSP's vCPU number.
 * @vcpus: the vCPUs, by number.
 * @nvcpus: how many were created.
 * @mem: the main RAM (the region at 0); @mem.ram is NULL when not mapped.
 * @maps: host memory of the other regions (NULL entries: not mapped).
 * @lock: serialises exit handling (the devices, the log) between threads.
 * @dev: the devices.
 * @end: how the run ends.
 * @uart_irq_error: an AXV_SEND_IRQ failure was reported already.
 * @ioapic_error: an I/O APIC message that could not be sent was reported.
 */
struct vm {
	const struct vm_config *cfg;
	const struct run_opts *opts;
	int dev_fd;
	int vm_fd;
	bool lapic;
	int bsp;
	struct vcpu_thread *vcpus;
	unsigned int nvcpus;
	struct guest_mem mem;
	void *maps[VMC_MAX_REGIONS];
	pthread_mutex_t lock;
	struct devices dev;
	struct run_end end;
	bool uart_irq_error;
	bool ioapic_error;
};

/* A capability's value, or -errno (described in @err). */
static int vm_cap(struct vm *vm, unsigned long cap, struct axv_err *err)
{
	return axv_check_extension(vm->dev_fd, cap, err);
}

static int vm_check_caps(struct vm *vm, struct axv_err *err)
{
	const struct vm_config *cfg = vm->cfg;
	unsigned int i;
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
	if ((unsigned int)ret < cfg->nvcpus)
		return axv_err_set(err, EINVAL, "--vcpus %u: the kernel allows at most %d per VM",
				   cfg->nvcpus, ret);
	ret = vm_cap(vm, AXV_CAP_NR_MEMSLOTS, err);
	if (ret < 0)
		return ret;
	if ((unsigned int)ret < cfg->nregions)
		return axv_err_set(err, EINVAL,
				   "%u memory regions: the kernel offers %d memory slot%s",
				   cfg->nregions, ret, ret == 1 ? "" : "s");
	ret = vm_cap(vm, AXV_CAP_GPA_BITS, err);
	if (ret < 0)
		return ret;
	for (i = 0; ret < 64 && i < cfg->nregions; i++) {
		const struct vmc_region *r = &cfg->regions[i];

		if (r->base + r->size > 1ULL << ret) {
			if (!strcmp(r->origin, "--mem") || !strcmp(r->origin, "the default"))
				return axv_err_set(err, EINVAL,
						   "--mem %llu: larger than the %d-bit guest-physical address space",
						   r->size, ret);
			return axv_err_set(err, EINVAL,
					   "%s: region 0x%llx-0x%llx: beyond the %d-bit guest-physical address space",
					   r->origin, r->base, r->base + r->size - 1, ret);
		}
	}
	ret = vm_cap(vm, AXV_CAP_LAPIC, err);
	if (ret < 0)
		return ret;
	if (!ret && cfg->lapic == VMC_LAPIC_ON)
		return axv_err_set(err, EOPNOTSUPP,
				   "lapic = \"on\": the kernel has no local APIC emulation (no AXV_CAP_LAPIC)");
	vm->lapic = ret > 0 && cfg->lapic != VMC_LAPIC_OFF;
	return 0;
}

static int vm_create_vcpus(struct vm *vm, struct axv_err *err)
{
	const struct vm_config *cfg = vm->cfg;
	struct axv_vcpu_create create;
	unsigned int i;
	int ret;

	vm->vcpus = calloc(cfg->nvcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return axv_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < cfg->nvcpus; i++) {
		const struct vmc_vcpu *v = &cfg->vcpus[i];

		axv_vcpu_create_init(&create, i, v->apic_id);
		create.role = v->bsp ? AXV_VCPU_ROLE_BSP : AXV_VCPU_ROLE_AP;
		create.favoured_cpu = v->favoured_cpu;
		if (v->allowed) {
			create.allowed_cpus = (unsigned long)v->allowed;
			create.allowed_cpus_size = v->allowed_words * sizeof(*v->allowed);
		}
		ret = axv_create_vcpu(vm->vm_fd, &create, err);
		if (ret < 0)
			return ret;
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].index = i;
		vm->vcpus[i].fd = ret;
		vm->nvcpus++;
	}
	return 0;
}

#define GUEST_HUGE_PAGE	(2ULL << 20)

/*
 * @size bytes of anonymous memory for guest-physical @base, at the same
 * offset within 2 MiB as @base, as VMMs place guest RAM: where the kernel
 * backs it with huge pages, axvcpu then pins and maps each 2 MiB of the
 * guest at once.  munmap(p, @size) frees it; MAP_FAILED on failure.
 */
void *run_map_guest_ram(__u64 base, __u64 size)
{
	size_t span = size + GUEST_HUGE_PAGE, head;
	unsigned long at;
	__u8 *raw;

	raw = mmap(NULL, span, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return MAP_FAILED;
	at = ((unsigned long)raw & ~(GUEST_HUGE_PAGE - 1)) + (base & (GUEST_HUGE_PAGE - 1));
	if (at < (unsigned long)raw)
		at += GUEST_HUGE_PAGE;
	head = at - (unsigned long)raw;
	if (head)
		munmap(raw, head);
	munmap((__u8 *)at + size, span - head - size);
	return (void *)at;
}

static int vm_map_regions(struct vm *vm, struct axv_err *err)
{
	const struct vm_config *cfg = vm->cfg;
	unsigned int i;
	void *p;

	for (i = 0; i < cfg->nregions; i++) {
		const struct vmc_region *r = &cfg->regions[i];

		p = run_map_guest_ram(r->base, r->size);
		if (p == MAP_FAILED)
			return axv_err_set(err, errno, "mmap of %llu bytes of guest memory: %s",
					   r->size, strerror(errno));
		vm->maps[i] = p;
		if (!r->base) {
			vm->mem.ram = p;
			vm->mem.size = r->size;
		}
	}
	return 0;
}

static int vm_create(struct vm *vm, struct axv_err *err)
{
	int ret;

	vm->dev_fd = axv_open(NULL, err);
	if (vm->dev_fd < 0)
		return vm->dev_fd;
	ret = axv_get_api_version(vm->dev_fd, err);
	if (ret < 0)
		return ret;
	ret = vm_check_caps(vm, err);
	if (ret)
		return ret;
	vm->vm_fd = axv_create_vm(vm->dev_fd, vm->lapic ? AXV_VM_F_LAPIC : 0, err);
	if (vm->vm_fd < 0)
		return vm->vm_fd;
	ret = vm_map_regions(vm, err);
	if (!ret)
		ret = vm_create_vcpus(vm, err);
	return ret;
}

static int vm_register_memory(struct vm *vm, struct axv_err *err)
{
	const struct vm_config *cfg = vm->cfg;
	struct axv_memory_region region;
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nregions; i++) {
		memset(&region, 0, sizeof(region));
		region.slot = i;
		region.flags = cfg->regions[i].readonly ? AXV_MEM_READONLY : 0;
		region.guest_phys_addr = cfg->regions[i].base;
		region.size = cfg->regions[i].size;
		region.userspace_addr = (unsigned long)vm->maps[i];
		ret = axv_set_memory_region(vm->vm_fd, &region, err);
		if (ret)
			return ret;
	}
	return 0;
}

static void vm_destroy(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nvcpus; i++) {
		axv_unmap_run(vm->vcpus[i].run, vm->vcpus[i].run_size);
		close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	for (i = 0; i < vm->cfg->nregions; i++)
		if (vm->maps[i])
			munmap(vm->maps[i], vm->cfg->regions[i].size);
}

/* The UART's interrupt: a fixed, physical interrupt message to the BSP. */
/*
 * The UART's interrupt line, until there is an interrupt controller to
 * wire it to: each rising edge is the UART's vector sent to the BSP's
 * local APIC.
 */
static void vm_uart_irq(void *opaque, unsigned int pin, bool level)
{
	struct vm *vm = opaque;
	const struct vm_config *cfg = vm->cfg;
	struct axv_err err;
	int ret;

	(void)pin;
	if (!level)
		return;
	ret = axv_send_irq(vm->vm_fd, cfg->vcpus[vm->bsp].apic_id, cfg->uart_vector, 0, &err);
	if (ret < 0 && !vm->uart_irq_error) {
		fprintf(stderr, "userctl: UART interrupt: %s\n", err.msg);
		vm->uart_irq_error = true;
	}
}

/*
 * The I/O APIC's messages: AXV_SEND_IRQ, level-triggered entries with
 * AXV_IRQ_F_LEVEL so that their EOI comes back (AXV_EXIT_EOI).  SMI, INIT
 * and ExtINT entries have nothing to go to: reported once, dropped.
 */
static void vm_ioapic_send(void *opaque, const struct ioapic_msg *msg)
{
	struct vm *vm = opaque;
	__u32 flags = 0, vector = msg->vector;
	struct axv_err err;
	int ret;

	switch (msg->delivery_mode) {
	case IOAPIC_DM_FIXED:
		break;
	case IOAPIC_DM_LOWEST:
		flags |= AXV_IRQ_F_LOWEST;
		break;
	case IOAPIC_DM_NMI:
		flags |= AXV_IRQ_F_NMI;
		vector = 0;
		break;
	default:
		if (!vm->ioapic_error)
			fprintf(stderr, "userctl: I/O APIC: delivery mode %u dropped\n",
				msg->delivery_mode);
		vm->ioapic_error = true;
		return;
	}
	if (msg->logical)
		flags |= AXV_IRQ_F_LOGICAL;
	if (msg->level && !(flags & AXV_IRQ_F_NMI))
		flags |= AXV_IRQ_F_LEVEL;
	ret = axv_send_irq(vm->vm_fd, msg->dest, vector, flags, &err);
	if (ret < 0 && !vm->ioapic_error) {
		fprintf(stderr, "userctl: I/O APIC: %s\n", err.msg);
		vm->ioapic_error = true;
	}
}

/* The PC platform's clock: CLOCK_MONOTONIC in ns. */
static __u64 vm_clock_ns(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* --- running ------------------------------------------------------------ */

static volatile sig_atomic_t run_signal;
/* The VM whose runs the signal handler marks, and its wake pipe. */
static struct vm *volatile run_signal_vm;
static volatile sig_atomic_t run_wake_fd = -1;

/* SIGINT, SIGTERM: stop the run, and the guest if it is in it now. */
static void run_on_signal(int sig)
{
	struct vm *vm = run_signal_vm;
	int fd = run_wake_fd, e = errno;
	unsigned int i;
	char byte = 0;

	run_signal = sig;
	for (i = 0; vm && i < vm->nvcpus; i++)
		if (vm->vcpus[i].run)
			vm->vcpus[i].run->immediate_exit = 1;
	if (fd >= 0 && write(fd, &byte, 1) < 0)
		byte = 1;	/* a full pipe wakes the main thread all the same */
	errno = e;
}

/* SIGUSR1 only interrupts a thread's AXV_RUN (EINTR) at the end of a run. */
static void run_on_kick_signal(int sig)
{
	(void)sig;
}

static __u64 run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void *vcpu_thread_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct vm *vm = t->vm;
	enum vmexit_action action;
	bool timer_changed;
	struct axv_err err;
	int ret;

	for (;;) {
		if (run_signal) {
			run_end_request(&vm->end, 128 + run_signal, RUN_END_SIGNAL, t->index);
			break;
		}
		if (run_end_done(&vm->end))
			break;
		pthread_mutex_lock(&vm->lock);
		uart_flush(&vm->dev.uart);
		pthread_mutex_unlock(&vm->lock);
		ret = axv_run(t->fd, &err);
		if (ret == -EINTR)
			continue;
		if (ret) {
			pthread_mutex_lock(&vm->lock);
			fprintf(stderr, "userctl: %s%s\n", t->prefix, err.msg);
			pthread_mutex_unlock(&vm->lock);
			run_end_request(&vm->end, RUN_STATUS_ERROR, RUN_END_ERROR, t->index);
			break;
		}
		/* Kicked (or anything else) once the run is over: stop here. */
		if (run_end_done(&vm->end))
			break;
		pthread_mutex_lock(&vm->lock);
		action = vmexit_handle(&t->ctx, t->run);
		timer_changed = vm->dev.timer_changed;
		pthread_mutex_unlock(&vm->lock);
		/* The main thread keeps the platform's timer: it looks again. */
		if (timer_changed)
			run_end_wake(&vm->end);
		if (action == VMEXIT_STOP) {
			run_end_request(&vm->end, t->ctx.status, RUN_END_GUEST, t->index);
			break;
		}
		if (action == VMEXIT_VCPU_OFF)
			break;
	}
	run_end_thread_exit(&vm->end);
	return NULL;
}

/* Wait until the run ends, a signal arrives or --timeout passes. */
static void run_wait(struct vm *vm, __u64 start)
{
	const struct run_opts *opts = vm->opts;
	__u64 deadline = start + opts->timeout_ms * 1000000ULL;
	struct pollfd pfd = { .fd = vm->end.wake_fd[0], .events = POLLIN };
	struct timespec ts, *tsp;
	__u64 now, edge, wait = 0;
	char buf[64];

	for (;;) {
		while (read(vm->end.wake_fd[0], buf, sizeof(buf)) > 0)
			;
		if (run_signal)
			run_end_request(&vm->end, 128 + run_signal, RUN_END_SIGNAL, -1);
		if (run_end_done(&vm->end))
			return;
		/* The PC platform's timer: IRQ 0 up to date, then its next edge. */
		pthread_mutex_lock(&vm->lock);
		edge = devices_tick(&vm->dev);
		pthread_mutex_unlock(&vm->lock);
		tsp = NULL;
		now = run_now_ns();
		if (edge) {
			wait = edge > now ? edge - now : 0;
			ts.tv_sec = wait / 1000000000ULL;
			ts.tv_nsec = wait % 1000000000ULL;
			tsp = &ts;
		}
		if (opts->timeout_ms) {
			if (now >= deadline) {
				if (run_end_request(&vm->end, RUN_STATUS_TIMEOUT, RUN_END_TIMEOUT,
						    -1))
					fprintf(stderr,
						"userctl: --timeout: the VM ran for %llu.%03llu s; stopped\n",
						opts->timeout_ms / 1000, opts->timeout_ms % 1000);
				return;
			}
			if (!tsp || deadline - now < wait) {
				ts.tv_sec = (deadline - now) / 1000000000ULL;
				ts.tv_nsec = (deadline - now) % 1000000000ULL;
				tsp = &ts;
			}
		}
		ppoll(&pfd, 1, tsp, NULL);
	}
}

/* Force every vCPU thread out of AXV_RUN, then join them. */
static void run_stop_threads(struct vm *vm)
{
	__u64 mask = 0;
	unsigned int i;
	struct axv_err err;

	for (i = 0; i < vm->nvcpus; i++) {
		if (!vm->vcpus[i].started)
			continue;
		vm->vcpus[i].run->immediate_exit = 1;
		if (i < 64)
			mask |= 1ULL << i;
	}
	/* Kicks reach vCPUs 0-63; the signal, with immediate_exit, every one. */
	if (mask)
		axv_kick_vcpus(vm->vm_fd, mask, &err);
	for (i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].started)
			pthread_kill(vm->vcpus[i].thread, SIGUSR1);
	for (i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
}

static void run_report_end(struct vm *vm)
{
	const struct vcpu_thread *t;

	if (!vm->opts->verbose)
		return;
	switch (vm->end.reason) {
	case RUN_END_SIGNAL:
		t = &vm->vcpus[vm->bsp];
		fprintf(stderr, "userctl: stopped by signal %d at RIP 0x%llx\n",
			vm->end.status - 128, t->run->rip);
		break;
	case RUN_END_ALL_OFF:
		fprintf(stderr, "userctl: every vCPU turned itself off\n");
		break;
	default:
		break;
	}
}

static int run_threads(struct vm *vm, __u64 *wall_ns)
{
	struct sigaction sa, kick, old_int, old_term, old_usr1;
	unsigned int i, nrun = 0;
	__u64 start = run_now_ns();
	int ret;

	for (i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].run)
			nrun++;
	ret = run_end_init(&vm->end, nrun);
	if (ret) {
		fprintf(stderr, "userctl: pipe: %s\n", strerror(-ret));
		return RUN_STATUS_ERROR;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must end AXV_RUN with EINTR. */
	memset(&kick, 0, sizeof(kick));
	kick.sa_handler = run_on_kick_signal;
	sigemptyset(&kick.sa_mask);
	/* AXV_RUN returns EINTR anyway; other calls (writes) go on. */
	kick.sa_flags = SA_RESTART;
	run_signal = 0;
	run_signal_vm = vm;
	run_wake_fd = vm->end.wake_fd[1];
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGUSR1, &kick, &old_usr1);

	for (i = 0; i < vm->nvcpus; i++) {
		struct vcpu_thread *t = &vm->vcpus[i];

		if (!t->run)
			continue;
		t->run->immediate_exit = 0;
		ret = pthread_create(&t->thread, NULL, vcpu_thread_main, t);
		if (ret) {
			fprintf(stderr, "userctl: pthread_create: %s\n", strerror(ret));
			run_end_request(&vm->end, RUN_STATUS_ERROR, RUN_END_ERROR, -1);
			/* The threads not created never run: count them out. */
			for (; i < vm->nvcpus; i++)
				if (vm->vcpus[i].run)
					run_end_thread_exit(&vm->end);
			break;
		}
		t->started = true;
	}

	run_wait(vm, start);
	run_stop_threads(vm);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGUSR1, &old_usr1, NULL);
	run_signal_vm = NULL;
	run_wake_fd = -1;
	*wall_ns = run_now_ns() - start;
	run_report_end(vm);
	ret = vm->end.status;
	run_end_destroy(&vm->end);
	return ret;
}

/* Read the image and the modules, and make the Multiboot command line. */
static int run_read_files(struct vm_config *cfg, struct image *img, char **cmdline,
			  struct axv_err *err)
{
	unsigned int i;
	int ret;

	ret = image_read(cfg->image.path, img, err);
	if (ret)
		return ret;
	for (i = 0; i < cfg->nmods; i++) {
		ret = image_read(cfg->mods[i].path, &cfg->mods[i].img, err);
		if (ret)
			return ret;
	}
	*cmdline = strdup(cfg->image.cmdline ? cfg->image.cmdline : cfg->image.path);
	if (!*cmdline)
		return axv_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static void run_describe(const struct vm *vm, const struct image *img,
			 const struct boot_result *boot)
{
	const struct vm_config *cfg = vm->cfg;
	unsigned int n = cfg->nvcpus;
	const char *version;

	fprintf(stderr, "userctl: %s: %s image at 0x%llx-0x%llx, entry 0x%llx in %s mode",
		cfg->image.path, image_format_name(boot->load.format), boot->load.low,
		boot->load.high - 1, boot->load.entry, x86_mode_name(boot->mode));
	if (boot->mb_info)
		fprintf(stderr, ", Multiboot information at 0x%x", boot->mb_info);
	fprintf(stderr, "; %u vCPU%s, %llu MiB of RAM\n", n, n > 1 ? "s" : "",
		vm->mem.size >> 20);
	if (boot->load.format == IMAGE_BZIMAGE) {
		version = bzimage_kernel_version(img);
		fprintf(stderr,
			"userctl: Linux %s, boot protocol %u.%02u; zero page at 0x%llx, initrd %llu bytes at 0x%llx\n",
			version ? version : "(no version string)", boot->bzimage.version >> 8,
			boot->bzimage.version & 0xff, boot->bzimage.zero_page,
			boot->bzimage.initrd_size, boot->bzimage.initrd_gpa);
	}
	if (vm->lapic) {
		fprintf(stderr,
			"userctl: in-kernel local APICs; vCPU %d (APIC ID %u) is the BSP%s\n",
			vm->bsp, cfg->vcpus[vm->bsp].apic_id,
			n > 1 ? ", the others wait for INIT and start-up IPIs" : "");
		if (cfg->pc)
			fprintf(stderr,
				"userctl: PC platform: I/O APIC at 0x%llx, UART on IRQ 4\n",
				IOAPIC_DEFAULT_BASE);
		else if (cfg->uart)
			fprintf(stderr,
				"userctl: UART interrupt: vector 0x%x to APIC ID %u (fixed, physical)\n",
				cfg->uart_vector, cfg->vcpus[vm->bsp].apic_id);
	} else {
		fprintf(stderr,
			"userctl: no in-kernel local APIC (%s): the UART raises no interrupt%s\n",
			cfg->lapic == VMC_LAPIC_OFF ? "turned off" :
			"the kernel has no AXV_CAP_LAPIC",
			n > 1 ? "; only the BSP runs, the others wait for a start IPI" : "");
	}
	if (cfg->testdev)
		fprintf(stderr,
			"userctl: test device at 0x%llx-0x%llx: memory up to 0x%llx, registers above\n",
			cfg->testdev_base, cfg->testdev_base + TESTDEV_SIZE - 1,
			cfg->testdev_base + TESTDEV_DATA_SIZE - 1);
}

static void run_print_all_stats(struct vm *vm, __u64 wall_ns)
{
	struct axv_vcpu_stats stats, sum;
	struct axv_vm_stats vm_stats;
	unsigned int i, n = 0;
	struct axv_err err;
	char what[32];
	int ret;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < vm->nvcpus; i++) {
		if (!vm->vcpus[i].run)
			continue;
		if (axv_get_vcpu_stats(vm->vcpus[i].fd, &stats, &err)) {
			cli_fail(&err);
			return;
		}
		snprintf(what, sizeof(what), "vCPU %u", i);
		run_print_stats(stderr, what, &stats, wall_ns);
		run_add_stats(&sum, &stats);
		n++;
	}
	if (n > 1) {
		snprintf(what, sizeof(what), "all %u vCPUs", n);
		run_print_stats(stderr, what, &sum, wall_ns);
	}
	if (vm->lapic && vm->cfg->uart)
		fprintf(stderr, "userctl: UART interrupts raised: %llu\n", vm->dev.uart.irqs);
	/* The guest memory, from a kernel that reports it. */
	ret = vm_cap(vm, AXV_CAP_VM_STATS, &err);
	if (!ret)
		return;
	if (ret < 0 || axv_get_vm_stats(vm->vm_fd, &vm_stats, &err)) {
		cli_fail(&err);
		return;
	}
	run_print_vm_stats(stderr, &vm_stats);
}

/* Map the run structures of the vCPUs that run, and set up their exit handling. */
static int run_prepare_threads(struct vm *vm, struct axv_err *err)
{
	const struct run_opts *opts = vm->opts;
	unsigned int i, nrun = vm->lapic ? vm->nvcpus : 1;
	int ret;

	for (i = 0; i < vm->nvcpus; i++) {
		struct vcpu_thread *t = &vm->vcpus[i];

		if (!vm->lapic && (int)i != vm->bsp)
			continue;
		ret = axv_map_run(vm->dev_fd, t->fd, &t->run, &t->run_size, err);
		if (ret)
			return ret;
		if (nrun > 1)
			snprintf(t->prefix, sizeof(t->prefix), "vCPU %u: ", i);
		t->ctx.dev = &vm->dev;
		t->ctx.log = stderr;
		t->ctx.verbose = opts->verbose;
		t->ctx.strict = opts->strict_io;
		t->ctx.lapic = vm->lapic;
		t->ctx.vcpu_fd = t->fd;
		t->ctx.prefix = t->prefix;
		t->ctx.run_size = t->run_size;
	}
	return 0;
}

static int run_guest(const struct run_opts *opts, struct vm_config *cfg)
{
	struct vm vm = { .cfg = cfg, .opts = opts, .dev_fd = -1, .vm_fd = -1 };
	struct devices_layout layout = {
		.uart = cfg->uart, .uart_port = cfg->uart_port,
		.debug_exit = cfg->debug_exit, .debug_exit_port = cfg->debug_exit_port,
		.testdev = cfg->testdev, .testdev_base = cfg->testdev_base,
		.pc = cfg->pc, .now = vm_clock_ns, .ioapic_send = vm_ioapic_send,
		.opaque = &vm,
	};
	struct boot_params params;
	struct boot_result boot;
	struct axv_sregs sregs;
	struct image img, initrd;
	struct axv_regs regs;
	struct axv_err err;
	char *cmdline = NULL;
	__u32 *apic_ids = NULL;
	__u64 wall_ns = 0;
	int status, bsp_fd;
	unsigned int i, n;
	bool linux_image;

	vm.bsp = vmc_bsp(cfg);
	memset(&img, 0, sizeof(img));
	memset(&initrd, 0, sizeof(initrd));
	if (run_read_files(cfg, &img, &cmdline, &err))
		goto fail;
	/* As boot_prepare() decides: a bzImage when the format is not forced. */
	linux_image = cfg->image.format == BOOT_FORMAT_AUTO && bzimage_detect(&img);
	if (opts->initrd && !linux_image) {
		axv_err_set(&err, EINVAL, "--initrd: %s is not booted as a bzImage", img.name);
		goto fail;
	}
	if (opts->initrd && image_read(opts->initrd, &initrd, &err))
		goto fail;
	if (linux_image) {
		/* A Linux kernel boots on the PC platform. */
		cfg->pc = true;
		if (vmc_validate(cfg, &err))
			goto fail;
		/* The ACPI tables list the BSP first. */
		apic_ids = calloc(cfg->nvcpus, sizeof(*apic_ids));
		if (!apic_ids) {
			axv_err_set(&err, ENOMEM, "out of memory");
			goto fail;
		}
		n = 0;
		apic_ids[n++] = cfg->vcpus[vm.bsp].apic_id;
		for (i = 0; i < cfg->nvcpus; i++)
			if ((int)i != vm.bsp)
				apic_ids[n++] = cfg->vcpus[i].apic_id;
	}
	layout.pc = cfg->pc;
	if (vm_create(&vm, &err))
		goto fail;
	bsp_fd = vm.vcpus[vm.bsp].fd;
	if (axv_get_sregs(bsp_fd, &sregs, &err))
		goto fail;

	memset(&params, 0, sizeof(params));
	params.format = cfg->image.format;
	params.mode = cfg->image.mode;
	params.have_entry = cfg->image.have_entry;
	params.entry = cfg->image.entry;
	params.cmdline = cmdline;
	params.cmdline_given = cfg->image.cmdline_given;
	params.mods = cfg->mods;
	params.nmods = cfg->nmods;
	params.bzimage.initrd = initrd.data;
	params.bzimage.initrd_size = initrd.size;
	params.bzimage.apic_ids = apic_ids;
	params.bzimage.ncpus = cfg->nvcpus;
	if (boot_prepare(&vm.mem, &img, &params, &boot, &regs, &sregs, &err) ||
	    vm_register_memory(&vm, &err) ||
	    axv_set_sregs(bsp_fd, &sregs, &err) ||
	    axv_set_regs(bsp_fd, &regs, &err) ||
	    run_prepare_threads(&vm, &err))
		goto fail;
	if (opts->verbose)
		run_describe(&vm, &img, &boot);

	pthread_mutex_init(&vm.lock, NULL);
	layout.mem_kib = vm.mem.size >> 10;
	devices_init_layout(&vm.dev, &layout, stdout, stderr, opts->verbose, opts->strict_io);
	/* Without an I/O APIC the UART's line sends its vector to the BSP. */
	if (vm.lapic && !cfg->pc)
		irq_line_connect(&vm.dev.uart.irq, vm_uart_irq, &vm, 0);
	status = run_threads(&vm, &wall_ns);
	devices_finish(&vm.dev);
	pthread_mutex_destroy(&vm.lock);
	if (opts->stats)
		run_print_all_stats(&vm, wall_ns);
	goto out;

fail:
	status = cli_fail(&err);
out:
	vm_destroy(&vm);
	image_free(&img);
	image_free(&initrd);
	free(apic_ids);
	free(cmdline);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct vm_config cfg;
	struct run_opts opts;
	struct axv_err err;
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
	if (run_resolve(&opts, &cfg, &err)) {
		status = cli_fail(&err);
	} else if (opts.dry_run) {
		vmc_print_dts(stdout, &cfg);
		status = EXIT_SUCCESS;
	} else {
		status = run_guest(&opts, &cfg);
	}
	vmc_free(&cfg);
	run_opts_free(&opts);
	/* Lost guest output (stdout, the UART) fails the run. */
	if (cli_finish_output(EXIT_SUCCESS))
		return EXIT_FAILURE;
	return status;
}
