// SPDX-License-Identifier: GPL-2.0
/*
 * The livepatch module klp-build links around create-diff-object's
 * output. The differ leaves one record per patched function (and per
 * callback) in .klp_build.* sections, gathered by klp-build.lds; at load
 * this builds the klp_object and klp_func tables from them, grouped by
 * object, and enables the patch (atomic replace unless built with
 * KLP_BUILD_REPLACE=0).
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "klp-records.h"

#ifndef KLP_BUILD_REPLACE
#define KLP_BUILD_REPLACE 1
#endif

extern struct klp_build_func __klp_build_funcs_start[], __klp_build_funcs_end[];
extern struct klp_build_callback __klp_build_pre_patch_start[], __klp_build_pre_patch_end[];
extern struct klp_build_callback __klp_build_post_patch_start[], __klp_build_post_patch_end[];
extern struct klp_build_callback __klp_build_pre_unpatch_start[], __klp_build_pre_unpatch_end[];
extern struct klp_build_callback __klp_build_post_unpatch_start[], __klp_build_post_unpatch_end[];
extern struct klp_build_state __klp_build_states_start[], __klp_build_states_end[];

/*
 * An empty table still needs its section, allocated like a full one:
 * these anchors give each one, and klp-build.lds its bounds.
 */
#define KLP_ANCHOR(sec, id)							\
	static const struct klp_build_callback __klp_anchor_##id[0]		\
	__used __section(sec) __aligned(8)
KLP_ANCHOR(".klp_build.funcs", funcs);
KLP_ANCHOR(".klp_build.callbacks.pre_patch", pre_patch);
KLP_ANCHOR(".klp_build.callbacks.post_patch", post_patch);
KLP_ANCHOR(".klp_build.callbacks.pre_unpatch", pre_unpatch);
KLP_ANCHOR(".klp_build.callbacks.post_unpatch", post_unpatch);
KLP_ANCHOR(KLP_STATES_SEC, states);

enum { PRE_PATCH, POST_PATCH, PRE_UNPATCH, POST_UNPATCH, NR_KINDS };

static struct klp_build_callback *const cb_start[NR_KINDS] = {
	__klp_build_pre_patch_start, __klp_build_post_patch_start,
	__klp_build_pre_unpatch_start, __klp_build_post_unpatch_start,
};
static struct klp_build_callback *const cb_end[NR_KINDS] = {
	__klp_build_pre_patch_end, __klp_build_post_patch_end,
	__klp_build_pre_unpatch_end, __klp_build_post_unpatch_end,
};

static struct klp_patch patch;
static struct klp_object *objs;
static size_t nr_objs, max_objs;

/* klp_object.name: NULL stands for vmlinux. */
static const char *klp_name(const char *objname)
{
	return strcmp(objname, "vmlinux") ? objname : NULL;
}

static bool same_object(const struct klp_object *obj, const char *objname)
{
	const char *name = klp_name(objname);

	return name ? obj->name && !strcmp(obj->name, name) : !obj->name;
}

static struct klp_object *object(const char *objname)
{
	size_t i;

	for (i = 0; i < nr_objs; i++) {
		if (same_object(&objs[i], objname))
			return &objs[i];
	}
	if (WARN_ON(nr_objs == max_objs))
		return NULL;
	objs[nr_objs].name = klp_name(objname);
	return &objs[nr_objs++];
}

static size_t funcs_of(const char *objname)
{
	struct klp_build_func *f;
	size_t n = 0;

	for (f = __klp_build_funcs_start; f < __klp_build_funcs_end; f++)
		n += !strcmp(f->objname, objname);
	return n;
}

static int fill_funcs(struct klp_object *obj, const char *objname)
{
	struct klp_build_func *f;
	size_t n = 0;

	/* klp_init_object() wants a (possibly empty) terminated array. */
	obj->funcs = kcalloc(funcs_of(objname) + 1, sizeof(*obj->funcs), GFP_KERNEL);
	if (!obj->funcs)
		return -ENOMEM;
	for (f = __klp_build_funcs_start; f < __klp_build_funcs_end; f++) {
		if (strcmp(f->objname, objname))
			continue;
		obj->funcs[n].old_name = f->old_name;
		obj->funcs[n].new_func = f->new_func;
		obj->funcs[n].old_sympos = f->sympos;
		n++;
	}
	return 0;
}

static int add_object(const char *objname)
{
	size_t before = nr_objs;
	struct klp_object *obj = object(objname);

	if (!obj)
		return -EINVAL;
	return nr_objs > before ? fill_funcs(obj, objname) : 0;
}

static void set_callback(struct klp_object *obj, int kind, void *fn)
{
	switch (kind) {
	case PRE_PATCH:
		obj->callbacks.pre_patch = fn;
		break;
	case POST_PATCH:
		obj->callbacks.post_patch = fn;
		break;
	case PRE_UNPATCH:
		obj->callbacks.pre_unpatch = fn;
		break;
	default:
		obj->callbacks.post_unpatch = fn;
		break;
	}
}

static int build_objects(void)
{
	struct klp_build_func *f;
	struct klp_build_callback *cb;
	int kind, ret;

	max_objs = __klp_build_funcs_end - __klp_build_funcs_start;
	for (kind = 0; kind < NR_KINDS; kind++)
		max_objs += cb_end[kind] - cb_start[kind];
	objs = kcalloc(max_objs + 1, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	for (f = __klp_build_funcs_start; f < __klp_build_funcs_end; f++) {
		ret = add_object(f->objname);
		if (ret)
			return ret;
	}
	for (kind = 0; kind < NR_KINDS; kind++) {
		for (cb = cb_start[kind]; cb < cb_end[kind]; cb++) {
			if (!cb->objname)
				return -EINVAL;
			ret = add_object(cb->objname);
			if (ret)
				return ret;
			set_callback(object(cb->objname), kind, cb->fn);
		}
	}
	return 0;
}

static struct klp_state *states;

/* klp_patch.states: an array ended by id 0; each KLP_STATE() variable points at its entry. */
static int build_states(void)
{
	size_t i, n = __klp_build_states_end - __klp_build_states_start;

	states = kcalloc(n + 1, sizeof(*states), GFP_KERNEL);
	if (!states)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct klp_build_state *rec = &__klp_build_states_start[i];

		states[i].id = rec->id;
		states[i].version = rec->version;
		*(struct klp_state **)rec->slot = &states[i];
	}
	return 0;
}

static void free_objects(void)
{
	size_t i;

	for (i = 0; objs && i < nr_objs; i++)
		kfree(objs[i].funcs);
	kfree(objs);
	objs = NULL;
	nr_objs = 0;
	kfree(states);
	states = NULL;
}

static int __init livepatch_init(void)
{
	int ret = build_objects();

	if (!ret)
		ret = build_states();
	if (ret) {
		pr_err("%s: cannot build the patch tables: %d\n", THIS_MODULE->name, ret);
		free_objects();
		return ret;
	}
	patch.mod = THIS_MODULE;
	patch.objs = objs;
	patch.states = states;
	patch.replace = KLP_BUILD_REPLACE;
	ret = klp_enable_patch(&patch);
	if (ret)
		free_objects();
	return ret;
}

static void __exit livepatch_exit(void)
{
	free_objects();
}

module_init(livepatch_init);
module_exit(livepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch built by klp-build");
