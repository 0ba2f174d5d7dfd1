/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt lines: a device model drives its output through a struct
 * irq_line, wired by the platform to an interrupt controller's input, so
 * that a device does not know which controller, or which pin, takes it.
 */
#ifndef USERCTL_DEV_IRQ_H
#define USERCTL_DEV_IRQ_H

#include <stdbool.h>

/**
 * struct irq_line - a device's interrupt output.
 * @set: called with the new level each time the level changes; NULL: the
 *	line goes nowhere.
 * @opaque: the controller's, passed to @set.
 * @pin: the controller's input the line drives.
 * @level: the line's level now.
 */
struct irq_line {
	void (*set)(void *opaque, unsigned int pin, bool level);
	void *opaque;
	unsigned int pin;
	bool level;
};

/* Drive @line to @level; the controller hears of changes only. */
static inline void irq_line_set(struct irq_line *line, bool level)
{
	if (line->level == level)
		return;
	line->level = level;
	if (line->set)
		line->set(line->opaque, line->pin, level);
}

/* Wire @line to input @pin of the controller behind @set(@opaque). */
static inline void irq_line_connect(struct irq_line *line,
				    void (*set)(void *opaque, unsigned int pin, bool level),
				    void *opaque, unsigned int pin)
{
	line->set = set;
	line->opaque = opaque;
	line->pin = pin;
}

#endif /* USERCTL_DEV_IRQ_H */
