// SPDX-License-Identifier: GPL-2.0
/* The architecture-neutral core, built into the KUnit module. */
#include "../vcpu/virt.c"
#include "../vcpu/vm.c"
#include "../vcpu/vcpu.c"
#include "../vcpu/ipi.c"
#include "../vcpu/memslot.c"
#include "../vcpu/run.c"
