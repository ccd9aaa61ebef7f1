/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The livepatch registration the klp-convert fixture modules share: one
 * function of one object replaced, the patch enabled at load, the module
 * info that makes it a livepatch. What each module tests, the symbols
 * its new function uses, stays in its own source. tests/klp-module.sh
 * copies this header next to the module's source.
 *
 *   KC_LIVEPATCH(obj, old, new)
 *     obj  the patched object's name ("configs"), NULL for vmlinux
 *     old  the name of the function replaced
 *     new  the replacement, of the same type
 */
#ifndef KC_LIVEPATCH_H
#define KC_LIVEPATCH_H

#include <linux/livepatch.h>
#include <linux/module.h>

#define KC_LIVEPATCH(obj, old, new)						\
	static struct klp_func funcs[] = {					\
		{ .old_name = (old), .new_func = (new) }, { }			\
	};									\
	static struct klp_object objs[] = {					\
		{ .name = (obj), .funcs = funcs }, { }				\
	};									\
	static struct klp_patch patch = {					\
		.mod = THIS_MODULE,						\
		.objs = objs,							\
	};									\
	static int livepatch_init(void)						\
	{									\
		return klp_enable_patch(&patch);				\
	}									\
	static void livepatch_exit(void)					\
	{									\
	}									\
	module_init(livepatch_init);						\
	module_exit(livepatch_exit);						\
	MODULE_LICENSE("GPL");							\
	MODULE_INFO(livepatch, "Y")

#endif
