# SPDX-License-Identifier: GPL-2.0
#
# QEMU TCG, no VMX: the KUnit suites, axvcpu.ko refusing to load, and the
# instruction emulator against QEMU's CPU.
. /tests/lib.sh

expect kunit_module_load insmod /axvcpu_kunit.ko
expect kunit_module_unload rmmod axvcpu_kunit

expect_fail novmx_insmod_enodev "No such device" insmod /axvcpu.ko
dmesg_has novmx_reason "axvcpu: refusing to load: the CPU has no VMX"
if [ -e /dev/axvcpu ]; then
	fail novmx_no_device "/dev/axvcpu exists"
else
	ok novmx_no_device
fi
# QEMU's TCG is one more CPU to compare the emulator with (its -cpu max
# has AVX, MOVBE and CLFLUSHOPT; no #AC, which emul_diff finds out).
emul_diff_results --cases 300
kmemleak_clean kmemleak_qemu
