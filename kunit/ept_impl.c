// SPDX-License-Identifier: GPL-2.0
/* The EPT builder, built into the KUnit module. */
#include "../ept/ept.c"
