# SPDX-License-Identifier: GPL-2.0
#
# vbus: out-of-tree build, test kernel, test VM, checks.
#
#   make [KDIR=<kernel build dir>]   build the modules
#   make install                     modules_install (extra/) and depmod
#   make demo | make check           see README.md
#
# KVER selects the test kernel (6.1, 6.12, 7.3); VBUS_CACHE where it is
# built (default ~/.cache/vbus).

KDIR ?= /lib/modules/$(shell uname -r)/build
KVER ?= 6.12
VBUS_CACHE ?= $(HOME)/.cache/vbus
export VBUS_CACHE

PWD := $(shell pwd)
VM := $(PWD)/tests/vm
# Warnings are errors in CI.
ifeq ($(CI),true)
EXTRA_FLAGS := KCFLAGS=-Werror
endif

.PHONY: all modules install clean sparse checkpatch kernel vm-run vm check \
	demo deps modules-test stock stress deb

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) W=1 $(EXTRA_FLAGS) modules

install:
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=extra modules_install
	depmod -a $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null || uname -r)

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || \
		find . -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o \
		-name '.*.cmd' -o -name Module.symvers -o -name modules.order | \
		xargs rm -f

deps:
	sh $(VM)/install-deps.sh

# The test kernel's build dir, built (or reused) on demand.
TEST_KDIR = $(shell $(VM)/kernel.sh $(KVER) test)

kernel: deps
	$(VM)/kernel.sh $(KVER) test
	$(VM)/kernel.sh $(KVER) bench

# Build against the test kernel.
modules-test: deps
	kdir=$$($(VM)/kernel.sh $(KVER) test) && \
	$(MAKE) -C $$kdir M=$(PWD) W=1 $(EXTRA_FLAGS) modules

sparse: deps
	sh $(VM)/sparse.sh $(KVER)

checkpatch: deps
	sh $(VM)/checkpatch.sh

stock: deps
	sh $(VM)/stock-build.sh

vm-run: modules-test
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=path" >&2; exit 2; }
	sh $(VM)/run.sh $(KVER) test "$(SCRIPT)"

vm: modules-test
	sh $(VM)/run.sh $(KVER) test -

demo: modules-test
	sh $(VM)/run.sh $(KVER) test $(PWD)/tests/demo.sh

check: deps
	sh $(VM)/check.sh $(KVER)

# The long versions: every fault point, 10,000 fuzzed rings per queue,
# thousands of races and unplugs. Not part of make check.
stress: deps
	VBUS_STRESS=1 VM_TIMEOUT=$${VM_TIMEOUT:-9000} sh $(VM)/check.sh $(KVER)

# Debian packages vbus-dkms and vbus-utils, checked by lintian, in deb/.
deb: deps
	sh $(VM)/deb-build.sh $(PWD)/deb

.PHONY: bench
bench: deps
	sh $(PWD)/tests/bench/bench.sh $(KVER)
