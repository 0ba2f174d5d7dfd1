// SPDX-License-Identifier: GPL-2.0
/*
 * VM descriptions: the defaults, the device-tree binding (read with
 * libfdt), the checks of a whole description, and its printing.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libfdt.h>

#include "devices.h"
#include "guest.h"
#include "vmconfig.h"

extern char **environ;

/* Largest description file read: far more than any sensible one. */
#define VMC_MAX_FILE		(16U << 20)
#define VMC_PATH_MAX		4096

void vmc_init(struct vm_config *c)
{
	memset(c, 0, sizeof(*c));
	c->lapic = VMC_LAPIC_AUTO;
	c->uart = true;
	c->uart_port = 0x3f8;
	c->uart_vector = VMC_DEFAULT_UART_VECTOR;
	c->debug_exit = true;
	c->debug_exit_port = 0xf4;
}

static void vmc_free_vcpus(struct vm_config *c)
{
	unsigned int i;

	for (i = 0; i < c->nvcpus; i++)
		free(c->vcpus[i].allowed);
	free(c->vcpus);
	c->vcpus = NULL;
	c->nvcpus = 0;
}

static void vmc_free_mods(struct vm_config *c)
{
	unsigned int i;

	for (i = 0; i < c->nmods; i++) {
		free((char *)c->mods[i].path);
		free((char *)c->mods[i].args);
		image_free(&c->mods[i].img);
	}
	free(c->mods);
	c->mods = NULL;
	c->nmods = 0;
}

void vmc_free(struct vm_config *c)
{
	vmc_free_vcpus(c);
	vmc_free_mods(c);
	free(c->source);
	free(c->model);
	free(c->image.path);
	free(c->image.cmdline);
	vmc_init(c);
}

const char *vmc_lapic_name(enum vmc_lapic lapic)
{
	switch (lapic) {
	case VMC_LAPIC_AUTO:
		return "auto";
	case VMC_LAPIC_ON:
		return "on";
	case VMC_LAPIC_OFF:
		return "off";
	}
	return "?";
}

static void vmc_origin(char *dst, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vmc_origin(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, VMC_ORIGIN_LEN, fmt, ap);
	va_end(ap);
}

int vmc_set_vcpus(struct vm_config *c, unsigned int n, const char *origin,
		  struct axv_err *err)
{
	struct vmc_vcpu *v;
	unsigned int i;

	vmc_free_vcpus(c);
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return axv_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		v[i].apic_id = i;
		v[i].bsp = i == 0;
		v[i].favoured_cpu = -1;
		vmc_origin(v[i].origin, "%s", origin);
	}
	c->vcpus = v;
	c->nvcpus = n;
	return 0;
}

int vmc_set_main_ram(struct vm_config *c, __u64 size, const char *origin,
		     struct axv_err *err)
{
	unsigned int i;

	for (i = 0; i < c->nregions; i++)
		if (!c->regions[i].base)
			break;
	if (i == c->nregions) {
		if (c->nregions >= VMC_MAX_REGIONS)
			return axv_err_set(err, ENOSPC, "%s: more than %d memory regions", origin,
					   VMC_MAX_REGIONS);
		/* The main RAM comes first. */
		memmove(&c->regions[1], &c->regions[0], c->nregions * sizeof(c->regions[0]));
		memset(&c->regions[0], 0, sizeof(c->regions[0]));
		c->nregions++;
		i = 0;
	}
	c->regions[i].size = size;
	vmc_origin(c->regions[i].origin, "%s", origin);
	return 0;
}

const struct vmc_region *vmc_main_ram(const struct vm_config *c)
{
	unsigned int i;

	for (i = 0; i < c->nregions; i++)
		if (!c->regions[i].base)
			return &c->regions[i];
	return NULL;
}

int vmc_bsp(const struct vm_config *c)
{
	unsigned int i;

	for (i = 0; i < c->nvcpus; i++)
		if (c->vcpus[i].bsp)
			return i;
	return -1;
}

bool vmc_cpu_allowed(const struct vmc_vcpu *v, unsigned int cpu)
{
	if (!v->allowed)
		return true;
	return cpu / 64 < v->allowed_words && (v->allowed[cpu / 64] >> (cpu % 64) & 1);
}

/* Set bit @cpu in *@words, growing it; 0 or -ENOMEM. */
static int vmc_bitmap_set(__u64 **words, unsigned int *nwords, unsigned int cpu)
{
	unsigned int need = cpu / 64 + 1;

	if (need > *nwords) {
		__u64 *w = realloc(*words, need * sizeof(*w));

		if (!w)
			return -ENOMEM;
		memset(w + *nwords, 0, (need - *nwords) * sizeof(*w));
		*words = w;
		*nwords = need;
	}
	(*words)[cpu / 64] |= 1ULL << (cpu % 64);
	return 0;
}

static int vmc_parse_cpu_number(const char **p, unsigned long *cpu)
{
	char *end;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	*cpu = strtoul(*p, &end, 10);
	if (errno || *cpu > VMC_MAX_HOST_CPU)
		return -EINVAL;
	*p = end;
	return 0;
}

int vmc_parse_cpu_list(const char *str, __u64 **words, unsigned int *nwords)
{
	const char *p = str;
	unsigned long lo, hi, cpu;

	*words = NULL;
	*nwords = 0;
	do {
		if (vmc_parse_cpu_number(&p, &lo))
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (vmc_parse_cpu_number(&p, &hi) || hi < lo)
				goto bad;
		}
		for (cpu = lo; cpu <= hi; cpu++)
			if (vmc_bitmap_set(words, nwords, cpu))
				goto bad;
	} while (*p++ == ',');
	if (p[-1] == '\0')
		return 0;
bad:
	free(*words);
	*words = NULL;
	*nwords = 0;
	return -EINVAL;
}

/* --- the device-tree binding --------------------------------------------- */

struct vmc_parser {
	struct vm_config *c;
	const void *fdt;
	const char *source;
	const char *base_dir;
	struct axv_err *err;
	unsigned int addr_cells;
	unsigned int size_cells;
};

/* "SOURCE: /node/path" into @buf. */
static void vmc_node_where(const struct vmc_parser *p, int node, char *buf, size_t len)
{
	char path[VMC_ORIGIN_LEN];

	if (fdt_get_path(p->fdt, node, path, sizeof(path)))
		snprintf(path, sizeof(path), "(node at offset %d)", node);
	snprintf(buf, len, "%s: %s", p->source, path);
}

/* An error about @node (and property @prop, or NULL): returns -EINVAL. */
__attribute__((format(printf, 4, 5)))
static int vmc_bad(const struct vmc_parser *p, int node, const char *prop, const char *fmt, ...)
{
	char where[VMC_ORIGIN_LEN + 64], what[AXV_ERR_MSG_LEN];
	va_list ap;

	vmc_node_where(p, node, where, sizeof(where));
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (prop)
		return axv_err_set(p->err, EINVAL, "%s: property '%s': %s", where, prop, what);
	return axv_err_set(p->err, EINVAL, "%s: %s", where, what);
}

/* Refuse properties of @node that are not in @allowed (NULL-terminated). */
static int vmc_check_props(const struct vmc_parser *p, int node, const char *const *allowed)
{
	const char *name;
	unsigned int i;
	int prop;

	fdt_for_each_property_offset(prop, p->fdt, node) {
		if (!fdt_getprop_by_offset(p->fdt, prop, &name, NULL))
			return vmc_bad(p, node, NULL, "unreadable property");
		for (i = 0; allowed[i]; i++)
			if (!strcmp(name, allowed[i]))
				break;
		if (!allowed[i])
			return vmc_bad(p, node, NULL, "unknown property '%s'", name);
	}
	return 0;
}

/* A property of @node: its value and length, or NULL when absent. */
static const void *vmc_prop(const struct vmc_parser *p, int node, const char *name, int *len)
{
	const void *v = fdt_getprop(p->fdt, node, name, len);

	if (!v)
		*len = 0;
	return v;
}

/* A boolean (empty) property: 1 when present, 0 when absent, -EINVAL. */
static int vmc_prop_bool(const struct vmc_parser *p, int node, const char *name)
{
	int len;

	if (!vmc_prop(p, node, name, &len))
		return 0;
	if (len)
		return vmc_bad(p, node, name, "a flag has no value, got %d bytes", len);
	return 1;
}

/* One cell: 1 and *@val when present, 0 when absent, -EINVAL. */
static int vmc_prop_u32(const struct vmc_parser *p, int node, const char *name, __u32 *val)
{
	const fdt32_t *v;
	int len;

	v = vmc_prop(p, node, name, &len);
	if (!v)
		return 0;
	if (len != 4)
		return vmc_bad(p, node, name, "expected one cell (4 bytes), got %d bytes", len);
	*val = fdt32_to_cpu(*v);
	return 1;
}

/* A 64-bit number in one or two cells, as above. */
static int vmc_prop_u64(const struct vmc_parser *p, int node, const char *name, __u64 *val)
{
	const fdt32_t *v;
	int len;

	v = vmc_prop(p, node, name, &len);
	if (!v)
		return 0;
	if (len == 4)
		*val = fdt32_to_cpu(v[0]);
	else if (len == 8)
		*val = (__u64)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]);
	else
		return vmc_bad(p, node, name,
			       "expected one or two cells (4 or 8 bytes), got %d bytes", len);
	return 1;
}

/* One string: 1 and *@val (into the tree) when present, 0 when absent, -EINVAL. */
static int vmc_prop_string(const struct vmc_parser *p, int node, const char *name,
			   const char **val)
{
	const char *v;
	int len;

	v = vmc_prop(p, node, name, &len);
	if (!v)
		return 0;
	if (len < 1 || v[len - 1] || (int)strlen(v) != len - 1)
		return vmc_bad(p, node, name, "expected one string");
	*val = v;
	return 1;
}

/* A string naming a file: resolved against the description's directory. */
static int vmc_prop_path(const struct vmc_parser *p, int node, const char *name, char **val)
{
	const char *v;
	size_t len;
	int ret;

	ret = vmc_prop_string(p, node, name, &v);
	if (ret <= 0)
		return ret;
	if (!*v)
		return vmc_bad(p, node, name, "empty path");
	len = strlen(v) + (p->base_dir ? strlen(p->base_dir) + 1 : 0) + 1;
	free(*val);
	*val = malloc(len);
	if (!*val)
		return axv_err_set(p->err, ENOMEM, "out of memory");
	if (v[0] == '/' || !p->base_dir)
		strcpy(*val, v);
	else
		snprintf(*val, len, "%s/%s", p->base_dir, v);
	return 1;
}

/* Node @node's name without the unit address, compared with @base. */
static bool vmc_node_is(const struct vmc_parser *p, int node, const char *base)
{
	const char *name = fdt_get_name(p->fdt, node, NULL);
	size_t len = strlen(base);

	return name && !strncmp(name, base, len) && (name[len] == '\0' || name[len] == '@');
}

static int vmc_no_subnodes(const struct vmc_parser *p, int node)
{
	int sub = fdt_first_subnode(p->fdt, node);

	if (sub >= 0)
		return vmc_bad(p, sub, NULL, "unknown node");
	return 0;
}

static int vmc_parse_memory(struct vmc_parser *p, int node)
{
	static const char *const props[] = { "device_type", "reg", "read-only", NULL };
	unsigned int cells = p->addr_cells + p->size_cells, i, n;
	struct vm_config *c = p->c;
	const fdt32_t *reg;
	const char *type;
	int len, ro, ret;

	ret = vmc_check_props(p, node, props);
	if (ret)
		return ret;
	ret = vmc_no_subnodes(p, node);
	if (ret)
		return ret;
	ret = vmc_prop_string(p, node, "device_type", &type);
	if (ret < 0)
		return ret;
	if (ret && strcmp(type, "memory"))
		return vmc_bad(p, node, "device_type", "expected \"memory\", got \"%s\"", type);
	ro = vmc_prop_bool(p, node, "read-only");
	if (ro < 0)
		return ro;
	reg = vmc_prop(p, node, "reg", &len);
	if (!reg)
		return vmc_bad(p, node, "reg", "missing");
	if (!len || len % (cells * 4))
		return vmc_bad(p, node, "reg",
			       "expected (address, size) pairs of %u + %u cells (%u bytes each), got %d bytes",
			       p->addr_cells, p->size_cells, cells * 4, len);
	n = len / (cells * 4);
	for (i = 0; i < n; i++, reg += cells) {
		struct vmc_region *r;
		char where[VMC_ORIGIN_LEN];

		if (c->nregions >= VMC_MAX_REGIONS)
			return vmc_bad(p, node, "reg", "more than %d memory regions",
				       VMC_MAX_REGIONS);
		r = &c->regions[c->nregions++];
		memset(r, 0, sizeof(*r));
		r->base = fdt32_to_cpu(reg[0]);
		if (p->addr_cells == 2)
			r->base = r->base << 32 | fdt32_to_cpu(reg[1]);
		r->size = fdt32_to_cpu(reg[p->addr_cells]);
		if (p->size_cells == 2)
			r->size = r->size << 32 | fdt32_to_cpu(reg[p->addr_cells + 1]);
		r->readonly = ro;
		vmc_node_where(p, node, where, sizeof(where));
		if (n > 1)
			vmc_origin(r->origin, "%s: property 'reg' (entry %u)", where, i);
		else
			vmc_origin(r->origin, "%s: property 'reg'", where);
	}
	return 0;
}

/* The list of cells of allowed-cpus into @v's bitmap. */
static int vmc_parse_allowed(struct vmc_parser *p, int node, struct vmc_vcpu *v)
{
	const fdt32_t *cells;
	int len, i;

	cells = vmc_prop(p, node, "allowed-cpus", &len);
	if (!cells)
		return 0;
	if (!len || len % 4)
		return vmc_bad(p, node, "allowed-cpus",
			       "expected one or more cells (host CPU numbers), got %d bytes", len);
	for (i = 0; i < len / 4; i++) {
		__u32 cpu = fdt32_to_cpu(cells[i]);

		if (cpu > VMC_MAX_HOST_CPU)
			return vmc_bad(p, node, "allowed-cpus", "CPU %u is beyond %d", cpu,
				       VMC_MAX_HOST_CPU);
		if (vmc_bitmap_set(&v->allowed, &v->allowed_words, cpu))
			return axv_err_set(p->err, ENOMEM, "out of memory");
	}
	return 0;
}

static int vmc_parse_cpu(struct vmc_parser *p, int node, struct vmc_vcpu *cpus, bool *seen)
{
	static const char *const props[] = {
		"reg", "device_type", "apic-id", "bsp", "favoured-cpu", "allowed-cpus", NULL
	};
	const char *name = fdt_get_name(p->fdt, node, NULL), *type, *unit;
	char where[VMC_ORIGIN_LEN], expect[16];
	struct vmc_vcpu *v;
	__u32 id, val;
	int ret;

	ret = vmc_check_props(p, node, props);
	if (!ret)
		ret = vmc_no_subnodes(p, node);
	if (ret)
		return ret;
	ret = vmc_prop_u32(p, node, "reg", &id);
	if (ret < 0)
		return ret;
	if (!ret)
		return vmc_bad(p, node, "reg", "missing (the vCPU number)");
	if (id >= VMC_MAX_VCPUS)
		return vmc_bad(p, node, "reg", "vCPU number %u: at most %d vCPUs", id,
			       VMC_MAX_VCPUS);
	unit = strchr(name, '@');
	snprintf(expect, sizeof(expect), "%x", id);
	if (!unit || strcmp(unit + 1, expect))
		return vmc_bad(p, node, "reg",
			       "<%u> does not match the node name (expected cpu@%s)", id, expect);
	if (seen[id])
		return vmc_bad(p, node, "reg", "vCPU %u is described twice", id);
	seen[id] = true;
	v = &cpus[id];
	v->apic_id = id;
	v->favoured_cpu = -1;
	vmc_node_where(p, node, where, sizeof(where));
	vmc_origin(v->origin, "%s", where);

	ret = vmc_prop_string(p, node, "device_type", &type);
	if (ret < 0)
		return ret;
	if (ret && strcmp(type, "cpu"))
		return vmc_bad(p, node, "device_type", "expected \"cpu\", got \"%s\"", type);
	ret = vmc_prop_u32(p, node, "apic-id", &val);
	if (ret < 0)
		return ret;
	if (ret)
		v->apic_id = val;
	ret = vmc_prop_bool(p, node, "bsp");
	if (ret < 0)
		return ret;
	v->bsp = ret;
	ret = vmc_prop_u32(p, node, "favoured-cpu", &val);
	if (ret < 0)
		return ret;
	if (ret) {
		if (val > VMC_MAX_HOST_CPU)
			return vmc_bad(p, node, "favoured-cpu", "CPU %u is beyond %d", val,
				       VMC_MAX_HOST_CPU);
		v->favoured_cpu = val;
	}
	return vmc_parse_allowed(p, node, v);
}

static int vmc_parse_cpus(struct vmc_parser *p, int node)
{
	static const char *const props[] = { "#address-cells", "#size-cells", NULL };
	bool seen[VMC_MAX_VCPUS] = { false };
	struct vm_config *c = p->c;
	struct vmc_vcpu *cpus;
	unsigned int n = 0, i;
	int sub, ret;

	ret = vmc_check_props(p, node, props);
	if (ret)
		return ret;
	cpus = calloc(VMC_MAX_VCPUS, sizeof(*cpus));
	if (!cpus)
		return axv_err_set(p->err, ENOMEM, "out of memory");
	vmc_free_vcpus(c);
	/* Owned by @c from here, so that an error frees the bitmaps. */
	c->vcpus = cpus;
	c->nvcpus = VMC_MAX_VCPUS;
	fdt_for_each_subnode(sub, p->fdt, node) {
		if (!vmc_node_is(p, sub, "cpu"))
			return vmc_bad(p, sub, NULL, "unknown node (expected cpu@N)");
		ret = vmc_parse_cpu(p, sub, cpus, seen);
		if (ret)
			return ret;
		n++;
	}
	if (!n)
		return vmc_bad(p, node, NULL, "no cpu@N node");
	for (i = 0; i < n; i++)
		if (!seen[i])
			return vmc_bad(p, node, NULL,
				       "%u cpu nodes, so vCPU numbers 0-%u, but none has reg = <%u>",
				       n, n - 1, i);
	c->nvcpus = n;
	return 0;
}

static int vmc_parse_module(struct vmc_parser *p, int node)
{
	static const char *const props[] = { "path", "args", NULL };
	struct vm_config *c = p->c;
	struct mb_module *mods, *m;
	const char *args;
	int ret;

	ret = vmc_check_props(p, node, props);
	if (!ret)
		ret = vmc_no_subnodes(p, node);
	if (ret)
		return ret;
	mods = realloc(c->mods, (c->nmods + 1) * sizeof(*mods));
	if (!mods)
		return axv_err_set(p->err, ENOMEM, "out of memory");
	c->mods = mods;
	m = &mods[c->nmods++];
	memset(m, 0, sizeof(*m));
	ret = vmc_prop_path(p, node, "path", (char **)&m->path);
	if (ret < 0)
		return ret;
	if (!ret)
		return vmc_bad(p, node, "path", "missing");
	ret = vmc_prop_string(p, node, "args", &args);
	if (ret < 0)
		return ret;
	if (ret && *args) {
		m->args = strdup(args);
		if (!m->args)
			return axv_err_set(p->err, ENOMEM, "out of memory");
	}
	return 0;
}

static int vmc_parse_image(struct vmc_parser *p, int node)
{
	static const char *const props[] = { "path", "format", "mode", "entry", "cmdline", NULL };
	struct vmc_image *img = &p->c->image;
	const char *s;
	int sub, ret, f;

	ret = vmc_check_props(p, node, props);
	if (ret)
		return ret;
	ret = vmc_prop_path(p, node, "path", &img->path);
	if (ret < 0)
		return ret;
	ret = vmc_prop_string(p, node, "format", &s);
	if (ret < 0)
		return ret;
	if (ret) {
		f = boot_format_parse(s);
		if (f < 0)
			return vmc_bad(p, node, "format",
				       "\"%s\": expected auto, flat, elf or multiboot", s);
		img->format = f;
	}
	ret = vmc_prop_string(p, node, "mode", &s);
	if (ret < 0)
		return ret;
	if (ret) {
		img->mode = x86_mode_parse(s);
		if (img->mode == X86_MODE_NONE && strcmp(s, "auto"))
			return vmc_bad(p, node, "mode",
				       "\"%s\": expected auto, real, protected or long", s);
	}
	ret = vmc_prop_u64(p, node, "entry", &img->entry);
	if (ret < 0)
		return ret;
	img->have_entry = ret;
	ret = vmc_prop_string(p, node, "cmdline", &s);
	if (ret < 0)
		return ret;
	if (ret) {
		img->cmdline = strdup(s);
		if (!img->cmdline)
			return axv_err_set(p->err, ENOMEM, "out of memory");
		img->cmdline_given = true;
	}
	fdt_for_each_subnode(sub, p->fdt, node) {
		const char *name = fdt_get_name(p->fdt, sub, NULL);

		if (strcmp(name, "module") && strncmp(name, "module-", 7))
			return vmc_bad(p, sub, NULL,
				       "unknown node (expected module or module-NAME)");
		ret = vmc_parse_module(p, sub);
		if (ret)
			return ret;
	}
	return 0;
}

static int vmc_parse_port(struct vmc_parser *p, int node, __u16 *port)
{
	__u32 v = 0;
	int ret = vmc_prop_u32(p, node, "port", &v);

	if (ret <= 0)
		return ret;
	if (v > 0xffff)
		return vmc_bad(p, node, "port", "0x%x is beyond 0xffff", v);
	*port = v;
	return 0;
}

static int vmc_parse_devices(struct vmc_parser *p, int node)
{
	static const char *const no_props[] = { NULL };
	static const char *const uart_props[] = { "port", "vector", NULL };
	static const char *const exit_props[] = { "port", NULL };
	static const char *const testdev_props[] = { "base", NULL };
	struct vm_config *c = p->c;
	int sub, ret;
	__u32 v;

	ret = vmc_check_props(p, node, no_props);
	if (ret)
		return ret;
	/* A devices node lists every device: those it omits do not exist. */
	c->uart = false;
	c->debug_exit = false;
	c->testdev = false;
	c->pc = false;
	fdt_for_each_subnode(sub, p->fdt, node) {
		const char *name = fdt_get_name(p->fdt, sub, NULL);

		if (!strcmp(name, "uart")) {
			c->uart = true;
			ret = vmc_check_props(p, sub, uart_props);
			if (!ret)
				ret = vmc_no_subnodes(p, sub);
			if (!ret)
				ret = vmc_parse_port(p, sub, &c->uart_port);
			if (ret)
				return ret;
			ret = vmc_prop_u32(p, sub, "vector", &v);
			if (ret < 0)
				return ret;
			if (ret && (v < 32 || v > 255))
				return vmc_bad(p, sub, "vector", "%u: expected 32 to 255", v);
			if (ret)
				c->uart_vector = v;
		} else if (!strcmp(name, "debug-exit")) {
			c->debug_exit = true;
			ret = vmc_check_props(p, sub, exit_props);
			if (!ret)
				ret = vmc_no_subnodes(p, sub);
			if (!ret)
				ret = vmc_parse_port(p, sub, &c->debug_exit_port);
			if (ret)
				return ret;
		} else if (!strcmp(name, "test-device")) {
			c->testdev = true;
			c->testdev_base = TESTDEV_DEFAULT_BASE;
			vmc_node_where(p, sub, c->testdev_origin, sizeof(c->testdev_origin));
			ret = vmc_check_props(p, sub, testdev_props);
			if (!ret)
				ret = vmc_no_subnodes(p, sub);
			if (!ret)
				ret = vmc_prop_u64(p, sub, "base", &c->testdev_base);
			if (ret < 0)
				return ret;
		} else if (!strcmp(name, "pc")) {
			c->pc = true;
			ret = vmc_check_props(p, sub, no_props);
			if (!ret)
				ret = vmc_no_subnodes(p, sub);
			if (ret)
				return ret;
		} else {
			return vmc_bad(p, sub, NULL,
				       "unknown node (expected uart, debug-exit, test-device or pc)");
		}
	}
	return 0;
}

static int vmc_set_model(struct vm_config *c, const char *model)
{
	free(c->model);
	c->model = strdup(model);
	return c->model ? 0 : -ENOMEM;
}

/* #address-cells or #size-cells of the root: 1 or 2, the spec's default otherwise. */
static int vmc_parse_cells(struct vmc_parser *p, const char *name, unsigned int *cells)
{
	__u32 v = 0;
	int ret = vmc_prop_u32(p, 0, name, &v);

	if (ret <= 0)
		return ret;
	if (v != 1 && v != 2)
		return vmc_bad(p, 0, name, "%u: expected 1 or 2", v);
	*cells = v;
	return 0;
}

static int vmc_parse_root(struct vmc_parser *p)
{
	static const char *const props[] = {
		"compatible", "model", "#address-cells", "#size-cells", "lapic", NULL
	};
	struct vm_config *c = p->c;
	const char *s;
	int len, ret, node;

	if (!vmc_prop(p, 0, "compatible", &len))
		return vmc_bad(p, 0, "compatible", "missing: expected \"%s\"", VMC_COMPATIBLE);
	if (fdt_stringlist_contains(fdt_getprop(p->fdt, 0, "compatible", NULL), len,
				    VMC_COMPATIBLE) != 1)
		return vmc_bad(p, 0, "compatible", "not \"%s\": not an axvcpu VM description",
			       VMC_COMPATIBLE);
	ret = vmc_check_props(p, 0, props);
	if (ret)
		return ret;
	ret = vmc_prop_string(p, 0, "model", &s);
	if (ret < 0)
		return ret;
	if (ret && vmc_set_model(c, s))
		return axv_err_set(p->err, ENOMEM, "out of memory");
	p->addr_cells = 2;
	p->size_cells = 1;
	ret = vmc_parse_cells(p, "#address-cells", &p->addr_cells);
	if (!ret)
		ret = vmc_parse_cells(p, "#size-cells", &p->size_cells);
	if (ret)
		return ret;
	ret = vmc_prop_string(p, 0, "lapic", &s);
	if (ret < 0)
		return ret;
	if (ret) {
		if (!strcmp(s, "auto"))
			c->lapic = VMC_LAPIC_AUTO;
		else if (!strcmp(s, "on"))
			c->lapic = VMC_LAPIC_ON;
		else if (!strcmp(s, "off"))
			c->lapic = VMC_LAPIC_OFF;
		else
			return vmc_bad(p, 0, "lapic", "\"%s\": expected auto, on or off", s);
	}

	fdt_for_each_subnode(node, p->fdt, 0) {
		const char *name = fdt_get_name(p->fdt, node, NULL);

		if (vmc_node_is(p, node, "memory"))
			ret = vmc_parse_memory(p, node);
		else if (!strcmp(name, "cpus"))
			ret = vmc_parse_cpus(p, node);
		else if (!strcmp(name, "image"))
			ret = vmc_parse_image(p, node);
		else if (!strcmp(name, "devices"))
			ret = vmc_parse_devices(p, node);
		else
			ret = vmc_bad(p, node, NULL,
				      "unknown node (expected memory@ADDR, cpus, image or devices)");
		if (ret)
			return ret;
	}
	return 0;
}

int vmc_parse_fdt(struct vm_config *c, const void *fdt, size_t size, const char *source,
		  const char *base_dir, struct axv_err *err)
{
	struct vmc_parser p = {
		.c = c, .fdt = fdt, .source = source, .base_dir = base_dir, .err = err,
	};
	int ret;

	axv_err_clear(err);
	ret = fdt_check_full(fdt, size);
	if (ret)
		return axv_err_set(err, EINVAL, "%s: not a valid flattened device tree: %s",
				   source, fdt_strerror(ret));
	free(c->source);
	c->source = strdup(source);
	if (!c->source)
		return axv_err_set(err, ENOMEM, "out of memory");
	return vmc_parse_root(&p);
}

/* --- reading a file ------------------------------------------------------ */

/* Read all of @fd (at most VMC_MAX_FILE bytes) into *@buf; its size or -errno. */
static long vmc_read_all(int fd, void **buf)
{
	size_t len = 0, room = 0;
	char *data = NULL, *more;
	ssize_t n;

	for (;;) {
		if (len == room) {
			if (room >= VMC_MAX_FILE) {
				free(data);
				return -EFBIG;
			}
			room = room ? room * 2 : 65536;
			more = realloc(data, room);
			if (!more) {
				free(data);
				return -ENOMEM;
			}
			data = more;
		}
		n = read(fd, data + len, room - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(data);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	*buf = data;
	return len;
}

/* Run "$DTC -I dts -O dtb @path" and read what it writes; its size or -errno. */
static long vmc_compile(const char *path, void **dtb, struct axv_err *err)
{
	const char *dtc = getenv("DTC") && *getenv("DTC") ? getenv("DTC") : "dtc";
	char *const argv[] = { (char *)dtc, "-q", "-I", "dts", "-O", "dtb", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, ret;
	long len;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return axv_err_set(err, errno, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	ret = posix_spawnp(&pid, dtc, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (ret) {
		close(pipefd[0]);
		if (ret == ENOENT)
			return axv_err_set(err, ENOENT,
					   "%s: device-tree source needs dtc, which is not installed (Debian: device-tree-compiler); or give a .dtb made with dtc -I dts -O dtb",
					   path);
		return axv_err_set(err, ret, "%s: cannot run %s: %s", path, dtc, strerror(ret));
	}
	len = vmc_read_all(pipefd[0], dtb);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (len >= 0)
			free(*dtb);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			return axv_err_set(err, ENOENT, "%s: cannot run %s", path, dtc);
		return axv_err_set(err, EINVAL, "%s: %s -I dts -O dtb failed (status %d)", path,
				   dtc, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	if (len < 0)
		return axv_err_set(err, -len, "%s: reading the output of %s: %s", path, dtc,
				   strerror(-len));
	return len;
}

/* The directory of @path, absolute when it can be resolved; malloc()ed. */
static char *vmc_dir_of(const char *path)
{
	char *real = realpath(path, NULL), *slash;

	if (!real) {
		real = strdup(path);
		if (!real)
			return NULL;
	}
	slash = strrchr(real, '/');
	if (!slash)
		strcpy(real, ".");
	else if (slash == real)
		real[1] = '\0';
	else
		*slash = '\0';
	return real;
}

int vmc_load_file(struct vm_config *c, const char *path, struct axv_err *err)
{
	__u8 magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };
	void *data = NULL;
	char *dir;
	long len;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return axv_err_set(err, errno, "--config: open %s: %s", path, strerror(errno));
	len = vmc_read_all(fd, &data);
	close(fd);
	if (len < 0)
		return axv_err_set(err, -len, "--config: read %s: %s", path, strerror(-len));
	if (len < 4 || memcmp(data, magic, 4)) {
		/* Not a flattened tree: device-tree source. */
		free(data);
		len = vmc_compile(path, &data, err);
		if (len < 0)
			return len;
	}
	dir = vmc_dir_of(path);
	if (!dir) {
		free(data);
		return axv_err_set(err, ENOMEM, "out of memory");
	}
	ret = vmc_parse_fdt(c, data, len, path, dir, err);
	free(dir);
	free(data);
	return ret;
}

/* --- checking the whole ---------------------------------------------- */

/* "ORIGIN: property 'PROP'" for a node, just "ORIGIN" for an option. */
static const char *vmc_where(char *buf, size_t len, const char *origin, const char *prop)
{
	if (!prop || !strncmp(origin, "--", 2) || strstr(origin, "property '"))
		snprintf(buf, len, "%s", origin);
	else
		snprintf(buf, len, "%s: property '%s'", origin, prop);
	return buf;
}

static int vmc_validate_regions(const struct vm_config *c, struct axv_err *err)
{
	const struct vmc_region *main_ram = vmc_main_ram(c);
	char w[VMC_ORIGIN_LEN + 32];
	unsigned int i, j;

	if (!main_ram)
		return axv_err_set(err, EINVAL,
				   "no memory region at guest-physical 0 (the RAM images load into); see --mem");
	for (i = 0; i < c->nregions; i++) {
		const struct vmc_region *r = &c->regions[i];

		vmc_where(w, sizeof(w), r->origin, "reg");
		if (!r->size || r->size % GUEST_PAGE_SIZE || r->base % GUEST_PAGE_SIZE)
			return axv_err_set(err, EINVAL,
					   "%s: region at 0x%llx of 0x%llx bytes: base and size must be multiples of 4K, the size not 0",
					   w, r->base, r->size);
		if (r->base + r->size < r->base)
			return axv_err_set(err, EINVAL,
					   "%s: region at 0x%llx of 0x%llx bytes wraps around",
					   w, r->base, r->size);
		for (j = 0; j < i; j++) {
			const struct vmc_region *o = &c->regions[j];

			if (r->base < o->base + o->size && o->base < r->base + r->size)
				return axv_err_set(err, EINVAL,
						   "%s: region 0x%llx-0x%llx overlaps 0x%llx-0x%llx (%s)",
						   w, r->base, r->base + r->size - 1, o->base,
						   o->base + o->size - 1, o->origin);
		}
	}
	if (main_ram->size < GUEST_MIN_RAM)
		return axv_err_set(err, EINVAL,
				   "%s: the region at guest-physical 0 must be at least 2 MiB (userctl's reserved area is its last MiB)",
				   vmc_where(w, sizeof(w), main_ram->origin, "reg"));
	return 0;
}

static int vmc_validate_vcpu(const struct vm_config *c, unsigned int i, struct axv_err *err)
{
	const struct vmc_vcpu *v = &c->vcpus[i];
	char w[VMC_ORIGIN_LEN + 32];
	unsigned int j;

	if (v->apic_id > AXV_VCPU_MAX_APIC_ID)
		return axv_err_set(err, EINVAL, "%s: APIC ID %u: at most %u (0xff broadcasts)",
				   vmc_where(w, sizeof(w), v->origin, "apic-id"), v->apic_id,
				   AXV_VCPU_MAX_APIC_ID);
	for (j = 0; j < i; j++)
		if (c->vcpus[j].apic_id == v->apic_id)
			return axv_err_set(err, EINVAL,
					   "%s: APIC ID %u of vCPU %u is also that of vCPU %u (%s)",
					   vmc_where(w, sizeof(w), v->origin, "apic-id"),
					   v->apic_id, i, j, c->vcpus[j].origin);
	if (v->allowed) {
		for (j = 0; j < v->allowed_words; j++)
			if (v->allowed[j])
				break;
		if (j == v->allowed_words)
			return axv_err_set(err, EINVAL, "%s: vCPU %u: no host CPU allowed",
					   vmc_where(w, sizeof(w), v->origin, "allowed-cpus"), i);
	}
	if (v->favoured_cpu >= 0 && !vmc_cpu_allowed(v, v->favoured_cpu))
		return axv_err_set(err, EINVAL,
				   "%s: vCPU %u: favoured CPU %d is not one of its allowed CPUs",
				   vmc_where(w, sizeof(w), v->origin, "favoured-cpu"), i,
				   v->favoured_cpu);
	return 0;
}

static int vmc_validate_vcpus(const struct vm_config *c, struct axv_err *err)
{
	char w[VMC_ORIGIN_LEN + 32];
	int bsp = -1, ret;
	unsigned int i;

	if (!c->nvcpus || c->nvcpus > VMC_MAX_VCPUS)
		return axv_err_set(err, EINVAL, "%u vCPUs: expected 1 to %d", c->nvcpus,
				   VMC_MAX_VCPUS);
	for (i = 0; i < c->nvcpus; i++) {
		ret = vmc_validate_vcpu(c, i, err);
		if (ret)
			return ret;
		if (!c->vcpus[i].bsp)
			continue;
		if (bsp >= 0)
			return axv_err_set(err, EINVAL,
					   "%s: vCPU %u is a second BSP (vCPU %d is one: %s)",
					   vmc_where(w, sizeof(w), c->vcpus[i].origin, "bsp"), i,
					   bsp, c->vcpus[bsp].origin);
		bsp = i;
	}
	if (bsp < 0) {
		const char *origin = c->vcpus[0].origin;
		char *slash = strrchr(origin, '/');

		/* Name the cpus node, not one cpu: none of them has the flag. */
		if (slash && !strncmp(slash, "/cpu@", 5))
			return axv_err_set(err, EINVAL,
					   "%.*s: property 'bsp': no cpu node has it; exactly one must",
					   (int)(slash - origin), origin);
		return axv_err_set(err, EINVAL, "%s: no vCPU is the BSP", origin);
	}
	return 0;
}

/* The local APIC's page, which the kernel handles when the VM has local APICs. */
#define VMC_LAPIC_PAGE		0xfee00000ULL

/*
 * The test device: page aligned, no wrap-around, and only where its
 * accesses reach userctl: no memory region there, nor the local APIC.
 */
static int vmc_validate_testdev(const struct vm_config *c, struct axv_err *err)
{
	__u64 base = c->testdev_base, last = base + TESTDEV_SIZE - 1;
	char w[VMC_ORIGIN_LEN + 32];
	unsigned int i;

	if (!c->testdev)
		return 0;
	vmc_where(w, sizeof(w), c->testdev_origin, "base");
	if (base % GUEST_PAGE_SIZE)
		return axv_err_set(err, EINVAL, "%s: 0x%llx: not a multiple of 4K", w, base);
	if (last < base)
		return axv_err_set(err, EINVAL, "%s: 0x%llx: the device's %u bytes wrap around",
				   w, base, TESTDEV_SIZE);
	for (i = 0; i < c->nregions; i++) {
		const struct vmc_region *r = &c->regions[i];

		if (base <= r->base + r->size - 1 && last >= r->base)
			return axv_err_set(err, EINVAL,
					   "%s: test device 0x%llx-0x%llx overlaps memory 0x%llx-0x%llx (%s)",
					   w, base, last, r->base, r->base + r->size - 1,
					   r->origin);
	}
	if (c->lapic != VMC_LAPIC_OFF && base <= VMC_LAPIC_PAGE + GUEST_PAGE_SIZE - 1 &&
	    last >= VMC_LAPIC_PAGE)
		return axv_err_set(err, EINVAL,
				   "%s: test device 0x%llx-0x%llx overlaps the local APIC's page 0x%llx (turn the local APICs off to use it)",
				   w, base, last, VMC_LAPIC_PAGE);
	return 0;
}

static int vmc_validate_devices(const struct vm_config *c, struct axv_err *err)
{
	if (c->uart && c->uart_port > 0x10000 - UART_NR_REGS)
		return axv_err_set(err, EINVAL, "uart: ports 0x%x-0x%x end beyond 0xffff",
				   c->uart_port, c->uart_port + UART_NR_REGS - 1);
	if (c->uart && (c->uart_vector < 32 || c->uart_vector > 255))
		return axv_err_set(err, EINVAL, "uart: vector %u: expected 32 to 255",
				   c->uart_vector);
	if (c->uart && c->debug_exit && c->debug_exit_port >= c->uart_port &&
	    c->debug_exit_port < c->uart_port + UART_NR_REGS)
		return axv_err_set(err, EINVAL,
				   "debug-exit: port 0x%x is one of the UART's ports 0x%x-0x%x",
				   c->debug_exit_port, c->uart_port,
				   c->uart_port + UART_NR_REGS - 1);
	if (c->pc && c->lapic == VMC_LAPIC_OFF)
		return axv_err_set(err, EINVAL,
				   "pc: the I/O APIC needs the kernel's local APICs (not --no-lapic)");
	return vmc_validate_testdev(c, err);
}

int vmc_validate(const struct vm_config *c, struct axv_err *err)
{
	int ret;

	axv_err_clear(err);
	if (!c->image.path && c->source)
		return axv_err_set(err, EINVAL,
				   "%s: /image: property 'path': missing, and no IMAGE given",
				   c->source);
	if (!c->image.path)
		return axv_err_set(err, EINVAL, "no IMAGE given");
	ret = vmc_validate_regions(c, err);
	if (!ret)
		ret = vmc_validate_vcpus(c, err);
	if (!ret)
		ret = vmc_validate_devices(c, err);
	return ret;
}

/* --- printing ---------------------------------------------------------- */

static void vmc_print_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void vmc_print_cpu(FILE *f, const struct vmc_vcpu *v, unsigned int i)
{
	unsigned int cpu, ncpus;
	const char *sep = "";

	fprintf(f, "\t\tcpu@%x {\n", i);
	fprintf(f, "\t\t\treg = <%u>;\n", i);
	fprintf(f, "\t\t\tapic-id = <%u>;\n", v->apic_id);
	fprintf(f, v->bsp ? "\t\t\tbsp;\n" : "\t\t\t/* an AP */\n");
	if (v->favoured_cpu >= 0)
		fprintf(f, "\t\t\tfavoured-cpu = <%d>;\n", v->favoured_cpu);
	else
		fprintf(f, "\t\t\t/* no favoured CPU */\n");
	if (!v->allowed) {
		fprintf(f, "\t\t\t/* every host CPU allowed */\n");
	} else {
		fprintf(f, "\t\t\tallowed-cpus = <");
		ncpus = v->allowed_words * 64;
		for (cpu = 0; cpu < ncpus; cpu++) {
			if (vmc_cpu_allowed(v, cpu)) {
				fprintf(f, "%s%u", sep, cpu);
				sep = " ";
			}
		}
		fprintf(f, ">;\n");
	}
	fprintf(f, "\t\t};\n");
}

static void vmc_print_image(FILE *f, const struct vm_config *c)
{
	const struct vmc_image *img = &c->image;
	unsigned int i;

	fprintf(f, "\timage {\n");
	if (img->path) {
		fprintf(f, "\t\tpath = ");
		vmc_print_string(f, img->path);
		fprintf(f, ";\n");
	} else {
		fprintf(f, "\t\t/* no image */\n");
	}
	fprintf(f, "\t\tformat = \"%s\";\n", boot_format_name(img->format));
	fprintf(f, "\t\tmode = \"%s\";\n",
		img->mode == X86_MODE_NONE ? "auto" : x86_mode_name(img->mode));
	if (img->have_entry)
		fprintf(f, "\t\tentry = <0x%llx 0x%llx>;\n", img->entry >> 32,
			img->entry & 0xffffffffULL);
	else
		fprintf(f, "\t\t/* entry: the image's own (flat: 0x%llx) */\n",
			LOADER_FLAT_DEFAULT);
	if (img->cmdline_given) {
		fprintf(f, "\t\tcmdline = ");
		vmc_print_string(f, img->cmdline ? img->cmdline : "");
		fprintf(f, ";\n");
	} else {
		fprintf(f, "\t\t/* cmdline (Multiboot): the image path */\n");
	}
	for (i = 0; i < c->nmods; i++) {
		fprintf(f, "\n\t\tmodule-%u {\n\t\t\tpath = ", i);
		vmc_print_string(f, c->mods[i].path);
		fprintf(f, ";\n");
		if (c->mods[i].args) {
			fprintf(f, "\t\t\targs = ");
			vmc_print_string(f, c->mods[i].args);
			fprintf(f, ";\n");
		}
		fprintf(f, "\t\t};\n");
	}
	fprintf(f, "\t};\n");
}

void vmc_print_dts(FILE *f, const struct vm_config *c)
{
	const struct vmc_region *main_ram = vmc_main_ram(c);
	unsigned int i;

	fprintf(f, "/dts-v1/;\n\n");
	fprintf(f, "/* The VM userctl run would create%s%s. */\n", c->source ? " from " : "",
		c->source ? c->source : "");
	fprintf(f, "/ {\n");
	fprintf(f, "\tcompatible = \"%s\";\n", VMC_COMPATIBLE);
	if (c->model) {
		fprintf(f, "\tmodel = ");
		vmc_print_string(f, c->model);
		fprintf(f, ";\n");
	}
	fprintf(f, "\t#address-cells = <2>;\n\t#size-cells = <2>;\n");
	fprintf(f, "\tlapic = \"%s\";\n", vmc_lapic_name(c->lapic));
	for (i = 0; i < c->nregions; i++) {
		const struct vmc_region *r = &c->regions[i];

		fprintf(f, "\n\tmemory@%llx {\n", r->base);
		fprintf(f, "\t\tdevice_type = \"memory\";\n");
		fprintf(f, "\t\treg = <0x%llx 0x%llx 0x%llx 0x%llx>;\n", r->base >> 32,
			r->base & 0xffffffffULL, r->size >> 32, r->size & 0xffffffffULL);
		if (r->readonly)
			fprintf(f, "\t\tread-only;\n");
		if (r == main_ram && r->size >= GUEST_MIN_RAM) {
			struct guest_mem mem = { .size = r->size };

			fprintf(f,
				"\t\t/* %llu MiB; images load here; userctl's reserved area: 0x%llx-0x%llx */\n",
				r->size >> 20, guest_reserved_base(&mem),
				guest_reserved_base(&mem) + GUEST_RESERVED_SIZE - 1);
		}
		fprintf(f, "\t};\n");
	}
	fprintf(f, "\n\tcpus {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <0>;\n");
	for (i = 0; i < c->nvcpus; i++) {
		fprintf(f, "\n");
		vmc_print_cpu(f, &c->vcpus[i], i);
	}
	fprintf(f, "\t};\n\n");
	vmc_print_image(f, c);
	fprintf(f, "\n\tdevices {\n");
	if (c->uart)
		fprintf(f, "\t\tuart {\n\t\t\tport = <0x%x>;\n\t\t\tvector = <0x%x>;\n\t\t};\n",
			c->uart_port, c->uart_vector);
	if (c->uart && c->debug_exit)
		fprintf(f, "\n");
	if (c->debug_exit)
		fprintf(f, "\t\tdebug-exit {\n\t\t\tport = <0x%x>;\n\t\t};\n",
			c->debug_exit_port);
	if ((c->uart || c->debug_exit) && c->testdev)
		fprintf(f, "\n");
	if (c->testdev)
		fprintf(f, "\t\ttest-device {\n\t\t\tbase = <0x%llx 0x%llx>;\n\t\t};\n",
			c->testdev_base >> 32, c->testdev_base & 0xffffffffULL);
	if ((c->uart || c->debug_exit || c->testdev) && c->pc)
		fprintf(f, "\n");
	if (c->pc)
		fprintf(f, "\t\tpc {\n\t\t};\n");
	fprintf(f, "\t};\n};\n");
}
