// SPDX-License-Identifier: GPL-2.0
/* The x86 instruction emulator (emul/), built into the KUnit module. */
#include "../emul/decode.c"
#include "../emul/opcodes.c"
#include "../emul/access.c"
#include "../emul/alu.c"
#include "../emul/exec.c"
#include "../emul/string.c"
#include "../emul/vector.c"
#include "../emul/emulate.c"
