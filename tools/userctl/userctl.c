// SPDX-License-Identifier: GPL-2.0
/*
 * userctl: command-line tool for /dev/axvcpu.
 *
 * Exit status: 0 success, 1 a call failed (the message on stderr names the
 * call and the error), 2 usage error; "run" adds the statuses of the guest
 * (run.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libaxv.h"
#include "run.h"

#ifndef USERCTL_VERSION
#define USERCTL_VERSION "0.1"
#endif

struct command {
	const char *name;
	const char *args;	/* synopsis after the name */
	const char *help;	/* one line */
	const char *details;	/* more lines for "help COMMAND", or NULL */
	int (*run)(int argc, char **argv);
};

static int cmd_info(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "info", "[--json]",
	  "show the API version, the capabilities and the VMX capabilities", NULL, cmd_info },
	{ "run", run_synopsis, run_summary, run_details, cmd_run },
	{ "help", "[COMMAND]", "show this help or the help of COMMAND", NULL, cmd_help },
	{ NULL, NULL, NULL, NULL, NULL }
};

static const struct command *find_command(const char *name)
{
	const struct command *cmd;

	for (cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

static void print_usage(FILE *f)
{
	const struct command *cmd;

	fprintf(f, "Usage: userctl [--help] [--version] COMMAND [ARGS]\n\n");
	fprintf(f, "Commands:\n");
	for (cmd = commands; cmd->name; cmd++)
		fprintf(f, "  %-8s %s\n", cmd->name, cmd->help);
	fprintf(f, "\nEnvironment:\n");
	fprintf(f, "  %-12s device to open (default %s)\n", AXV_DEV_ENV, AXV_DEFAULT_DEV);
	fprintf(f, "\nExit status: 0 success, 1 error, 2 usage error; 'userctl help run' lists\n");
	fprintf(f, "those of a guest run.\n");
}

static void command_usage(FILE *f, const struct command *cmd)
{
	cli_command_usage(f, cmd->name, cmd->args, cmd->help, cmd->details);
}

struct info {
	const char *dev;
	int api_version;
	int *cap_values;	/* indexed like axv_cap_names */
	bool have_vmx;
	struct axv_vmx_caps vmx;
};

static int gather_info(struct info *info, struct axv_err *err)
{
	const struct axv_name *cap;
	size_t ncaps = 0;
	int fd, ret = 0;

	for (cap = axv_cap_names; cap->name; cap++)
		ncaps++;
	info->cap_values = calloc(ncaps, sizeof(*info->cap_values));
	if (!info->cap_values) {
		err->code = ENOMEM;
		snprintf(err->msg, sizeof(err->msg), "calloc: %s", strerror(ENOMEM));
		return -ENOMEM;
	}

	info->dev = axv_dev_path();
	fd = axv_open(info->dev, err);
	if (fd < 0)
		return fd;

	info->api_version = axv_get_api_version(fd, err);
	if (info->api_version < 0) {
		ret = info->api_version;
		goto out;
	}
	for (cap = axv_cap_names; cap->name; cap++) {
		ret = axv_check_extension(fd, cap->value, err);
		if (ret < 0)
			goto out;
		info->cap_values[cap - axv_cap_names] = ret;
		if (cap->value == AXV_CAP_X86_VMX)
			info->have_vmx = ret > 0;
	}
	ret = 0;
	if (info->have_vmx)
		ret = axv_get_vmx_caps(fd, &info->vmx, err);
out:
	close(fd);
	return ret;
}

/* The value AXV_CHECK_EXTENSION gave for @cap (0 for a cap without a name). */
static int info_cap(const struct info *info, unsigned long cap)
{
	const struct axv_name *n;

	for (n = axv_cap_names; n->name; n++)
		if (n->value == cap)
			return info->cap_values[n - axv_cap_names];
	return 0;
}

/* The in-kernel local APIC, and the VMX assists for one: offered, used. */
static void print_lapic_text(const struct info *info)
{
	const struct axv_lapic_assist *a;

	printf("in-kernel local APIC: %s\n",
	       info_cap(info, AXV_CAP_LAPIC) > 0 ? "available (AXV_CAP_LAPIC)" :
	       "not available");
	if (!info->have_vmx)
		return;
	printf("local-APIC hardware assists:\n");
	printf("  %-30s%-13s%s\n", "", "CPU", "axvcpu");
	for (a = axv_lapic_assists; a->name; a++)
		printf("  %-30s%-13s%s\n", a->desc,
		       axv_lapic_assist_offered(&info->vmx, a) ? "offered" : "not offered",
		       axv_lapic_assist_used(&info->vmx, a) ? "used" : "not used");
}

static void print_info_text(const struct info *info)
{
	const struct axv_name *cap;
	char *text;
	int len;

	printf("device: %s\n", info->dev);
	printf("API version: %d\n", info->api_version);
	printf("capabilities:\n");
	for (cap = axv_cap_names; cap->name; cap++)
		printf("  %-20s%d\n", cap->name, info->cap_values[cap - axv_cap_names]);
	print_lapic_text(info);

	if (!info->have_vmx) {
		printf("VMX capabilities: not available\n");
		return;
	}
	len = axv_format_vmx_caps(&info->vmx, NULL, 0);
	text = len >= 0 ? malloc(len + 1) : NULL;
	if (!text) {
		printf("VMX capabilities: (out of memory)\n");
		return;
	}
	axv_format_vmx_caps(&info->vmx, text, len + 1);
	fputs(text, stdout);
	free(text);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_u64(const char *key, __u64 value)
{
	printf(",\n    \"%s\": \"0x%016llx\"", key, value);
}

static void json_u32(const char *key, __u32 value)
{
	printf(",\n    \"%s\": \"0x%08x\"", key, value);
}

static void print_vmx_json(const struct axv_vmx_caps *caps)
{
	const struct axv_name *f;
	const char *sep = "";

	printf("{\n    \"features\": [");
	for (f = axv_vmx_feature_names; f->name; f++) {
		if (!(caps->features & f->value))
			continue;
		printf("%s\"%s\"", sep, f->name);
		sep = ", ";
	}
	printf("]");
	json_u64("features_raw", caps->features);
	json_u64("unknown_features", axv_vmx_unknown_features(caps->features));
	printf(",\n    \"vmcs_revision\": %u", caps->vmcs_revision);
	printf(",\n    \"vmcs_size\": %u", caps->vmcs_size);
	printf(",\n    \"preemption_timer_shift\": %u", caps->preemption_timer_shift);
	json_u64("basic", caps->basic);
	json_u64("feature_control", caps->feature_control);
	json_u64("pin_ctls", caps->pin_ctls);
	json_u64("proc_ctls", caps->proc_ctls);
	json_u64("proc_ctls2", caps->proc_ctls2);
	json_u64("exit_ctls", caps->exit_ctls);
	json_u64("entry_ctls", caps->entry_ctls);
	json_u64("misc", caps->misc);
	json_u64("ept_vpid_cap", caps->ept_vpid_cap);
	json_u64("cr0_fixed0", caps->cr0_fixed0);
	json_u64("cr0_fixed1", caps->cr0_fixed1);
	json_u64("cr4_fixed0", caps->cr4_fixed0);
	json_u64("cr4_fixed1", caps->cr4_fixed1);
	json_u32("pin_used", caps->pin_used);
	json_u32("proc_used", caps->proc_used);
	json_u32("proc2_used", caps->proc2_used);
	json_u32("exit_used", caps->exit_used);
	json_u32("entry_used", caps->entry_used);
	printf("\n  }");
}

static void print_lapic_assists_json(const struct axv_vmx_caps *caps)
{
	const struct axv_lapic_assist *a;

	printf(",\n    \"assists\": {");
	for (a = axv_lapic_assists; a->name; a++)
		printf("%s\n      \"%s\": { \"offered\": %s, \"used\": %s }",
		       a == axv_lapic_assists ? "" : ",", a->name,
		       axv_lapic_assist_offered(caps, a) ? "true" : "false",
		       axv_lapic_assist_used(caps, a) ? "true" : "false");
	printf("\n    }");
}

static void print_info_json(const struct info *info)
{
	const struct axv_name *cap;

	printf("{\n  \"device\": ");
	json_string(info->dev);
	printf(",\n  \"api_version\": %d", info->api_version);
	printf(",\n  \"capabilities\": {");
	for (cap = axv_cap_names; cap->name; cap++)
		printf("%s\n    \"%s\": %d", cap == axv_cap_names ? "" : ",", cap->name,
		       info->cap_values[cap - axv_cap_names]);
	printf("\n  },\n  \"lapic\": {\n    \"available\": %s",
	       info_cap(info, AXV_CAP_LAPIC) > 0 ? "true" : "false");
	if (info->have_vmx)
		print_lapic_assists_json(&info->vmx);
	printf("\n  },\n  \"vmx\": ");
	if (info->have_vmx)
		print_vmx_json(&info->vmx);
	else
		printf("null");
	printf("\n}\n");
}

static int cmd_info(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *cmd = find_command("info");
	struct info info = { 0 };
	struct axv_err err;
	bool json = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			command_usage(stdout, cmd);
			return cli_finish_output(EXIT_SUCCESS);
		default:
			return cli_usage_error(cmd->name, "info: bad option '%s'",
					       cli_bad_option(argv));
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd->name, "info: unexpected argument '%s'", argv[optind]);

	ret = gather_info(&info, &err);
	if (ret < 0) {
		free(info.cap_values);
		return cli_fail(&err);
	}
	if (json)
		print_info_json(&info);
	else
		print_info_text(&info);
	free(info.cap_values);
	return cli_finish_output(EXIT_SUCCESS);
}

static int cmd_help(int argc, char **argv)
{
	const struct command *cmd;

	if (argc > 2)
		return cli_usage_error("help", "help: too many arguments");
	if (argc < 2) {
		print_usage(stdout);
		return cli_finish_output(EXIT_SUCCESS);
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	command_usage(stdout, cmd);
	return cli_finish_output(EXIT_SUCCESS);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *cmd;
	int opt;

	/* Handlers report bad options themselves; "+" stops at the command. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			print_usage(stdout);
			return cli_finish_output(EXIT_SUCCESS);
		case 'V':
			printf("userctl %s (axvcpu API version %d)\n", USERCTL_VERSION,
			       AXV_API_VERSION);
			return cli_finish_output(EXIT_SUCCESS);
		default:
			return cli_usage_error(NULL, "bad option '%s'", cli_bad_option(argv));
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}

	cmd = find_command(argv[optind]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[optind]);

	/* The handler sees argv[0] == its name; optind = 0 restarts getopt. */
	argc -= optind;
	argv += optind;
	optind = 0;
	return cmd->run(argc, argv);
}
