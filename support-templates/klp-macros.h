/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For patch authors: include <klp-macros.h> in a patched source file
 * (klp-build puts this directory on the include path).
 *
 *   KLP_PRE_PATCH_CALLBACK(fn)     int fn(struct klp_object *obj), before patching;
 *   KLP_POST_PATCH_CALLBACK(fn)    void fn(struct klp_object *obj), after;
 *   KLP_PRE_UNPATCH_CALLBACK(fn)   void fn(struct klp_object *obj), before unpatching;
 *   KLP_POST_UNPATCH_CALLBACK(fn)  void fn(struct klp_object *obj), after.
 *     Callbacks run for the object (vmlinux or module) of the file they
 *     are in, when it is patched: at enable, or when the module loads.
 *
 *   KLP_SHADOW_GET(obj, id, type)             the shadow of obj, or NULL
 *   KLP_SHADOW_GET_OR_ALLOC(obj, id, type, gfp)  ... zeroed on first use
 *   KLP_SHADOW_FREE(obj, id)                  drops one shadow
 *   KLP_SHADOW_FREE_ALL(id)                   drops every shadow of id
 *     Shadow variables add state to existing objects without changing
 *     their layout (Documentation/livepatch/shadow-vars.rst).
 *
 *   KLP_STATE(var, id, version)    declares that the patch handles the system
 *     state id (non-zero) at version; var (a struct klp_state *) points at
 *     the patch's entry once it loads, so callbacks can set var->data.
 *     A later replace patch must declare id at the same or a higher
 *     version, or the kernel refuses it. In a pre_patch callback,
 *     KLP_STATE_PREV(id) is the state of the patch being replaced (NULL
 *     when none had it): take its data over from there.
 *     (Documentation/livepatch/system-state.rst)
 *
 *   KLP_IGNORE_FUNCTION(fn)        the differ leaves fn out, changed or not
 *   KLP_IGNORE_SECTION("name")     ... every function of a section
 *   KLP_SYMPOS(sym, obj, pos)      for klp-convert: which of several
 *                                  symbols named sym, in obj, is meant
 */
#ifndef KLP_MACROS_H
#define KLP_MACROS_H

#include <linux/compiler.h>
#include <linux/livepatch.h>
#include "klp-records.h"

#define __KLP_CALLBACK(kind, func, type)					\
	_Static_assert(__builtin_types_compatible_p(__typeof__(&func), type),	\
		       #func ": wrong type for a " #kind " callback");		\
	static struct klp_build_callback __klp_cb_##kind##_##func		\
	__used __section(".klp_build.callbacks." #kind) = { .fn = (void *)func }

#define KLP_PRE_PATCH_CALLBACK(fn)						\
	__KLP_CALLBACK(pre_patch, fn, int (*)(struct klp_object *))
#define KLP_POST_PATCH_CALLBACK(fn)						\
	__KLP_CALLBACK(post_patch, fn, void (*)(struct klp_object *))
#define KLP_PRE_UNPATCH_CALLBACK(fn)						\
	__KLP_CALLBACK(pre_unpatch, fn, void (*)(struct klp_object *))
#define KLP_POST_UNPATCH_CALLBACK(fn)						\
	__KLP_CALLBACK(post_unpatch, fn, void (*)(struct klp_object *))

#define KLP_SHADOW_GET(obj, id, type)						\
	((type *)klp_shadow_get((obj), (id)))
#define KLP_SHADOW_GET_OR_ALLOC(obj, id, type, gfp)				\
	((type *)klp_shadow_get_or_alloc((obj), (id), sizeof(type), (gfp), NULL, NULL))
#define KLP_SHADOW_FREE(obj, id)	klp_shadow_free((obj), (id), NULL)
#define KLP_SHADOW_FREE_ALL(id)		klp_shadow_free_all((id), NULL)

#define KLP_STATE(var, state_id, state_version)				\
	_Static_assert((state_id) != 0, #var ": a klp_state id must not be 0");	\
	static struct klp_state *var;						\
	static struct klp_build_state __klp_state_##var __used			\
	__section(KLP_STATES_SEC) __aligned(8) = {				\
		.slot = &var, .id = (state_id), .version = (state_version) }

#define KLP_STATE_PREV(state_id)	klp_get_prev_state(state_id)

#define KLP_IGNORE_FUNCTION(fn)							\
	static void *__klp_ignore_fn_##fn __used				\
	__section(".klp_build.ignore.functions") = (void *)(fn)

#define KLP_IGNORE_SECTION(name)						\
	static const char *__UNIQUE_ID(klp_ignore_sec) __used			\
	__section(".klp_build.ignore.sections") = (name)

#define KLP_SYMPOS(sym, obj, pos)						\
	static const struct klp_build_sympos __UNIQUE_ID(klp_sympos) __used	\
	__section(".klp_build.sympos") = { #sym, #obj, (pos) }

#endif
