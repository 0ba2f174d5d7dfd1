# SPDX-License-Identifier: GPL-2.0
#
# make            build axvcpu.ko (and axvcpu_kunit.ko if the kernel has KUnit)
#                 and userctl
# make test       every test tier (see Documentation/testing.rst)
# make demo       boot the emulated Intel machine and run userctl in it
# make bench      benchmarks: axvcpu and Debian's KVM in the emulated machine
#                 (see Documentation/performance.rst; not part of make test)
# make lint       checkpatch --strict, sparse, kernel-doc
#
# KDIR selects the kernel to build against: the running kernel's build tree
# when it exists, otherwise the test kernel of tools/testenv (built once and
# cached outside the repository).

PWD := $(shell pwd)
TESTENV := $(PWD)/tools/testenv

ifeq ($(origin KDIR),undefined)
KDIR := $(wildcard /lib/modules/$(shell uname -r)/build)
ifeq ($(KDIR),)
KDIR = $(shell $(TESTENV)/kernel.sh)/build
endif
endif

# CI treats warnings as errors.
KBUILD_FLAGS := W=1
ifneq ($(CI),)
KBUILD_FLAGS += KCFLAGS=-Werror
endif

.PHONY: all modules userctl clean lint check test demo bench

all: modules userctl

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) $(KBUILD_FLAGS) modules

userctl:
	$(MAKE) -C tools/userctl

check:
	$(MAKE) -C tools/userctl check

lint:
	$(TESTENV)/lint.sh

test:
	$(TESTENV)/test.sh

demo:
	$(TESTENV)/demo.sh

bench:
	$(TESTENV)/bench.sh

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	$(MAKE) -C tools/userctl clean
	$(MAKE) -C bench clean
