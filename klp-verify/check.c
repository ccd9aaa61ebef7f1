// SPDX-License-Identifier: GPL-2.0
/*
 * The checks themselves. Positions count as the livepatch core counts
 * them (lib/target-syms.c); sizes compare a stock symbol with the one
 * the original object compiled here defines, when it defines it once.
 */
#include <stdlib.h>
#include <string.h>

#include "klp-rela.h"
#include "klp-verify.h"
#include "util.h"

static const struct target_syms *stock_of(const struct verify *vf, const char *mod,
					  const char **path)
{
	size_t i;

	for (i = vf->nr_stock; i-- > 0;) {
		if (!strcmp(vf->stock[i].name, mod)) {
			*path = vf->stock[i].path;
			return vf->stock[i].syms;
		}
	}
	return NULL;
}

static bool is_defined(const struct symbol *s)
{
	return *s->name && s->sym.st_shndx != SHN_UNDEF &&
	       s->type != STT_SECTION && s->type != STT_FILE;
}

/* The size of @name in module @mod's objects compiled here, if they define it once. */
static bool orig_size(const struct verify *vf, const char *mod, const char *name,
		      uint64_t *size)
{
	size_t i, n = 0;
	struct symbol *s;

	for (i = 0; i < vf->nr_orig; i++) {
		if (strcmp(vf->orig[i].name, mod))
			continue;
		for (s = elf_find_symbol(vf->orig[i].elf, name); s; s = elf_next_symbol_named(s)) {
			if (is_defined(s)) {
				*size = s->sym.st_size;
				n++;
			}
		}
	}
	return n == 1;
}

static int verify_map_symbol(const struct verify *vf, const char *name, unsigned long pos)
{
	struct symbol **c;
	size_t n;

	if (!vf->map) {
		err_msg(NULL, "%s,%lu: no --map to check vmlinux's symbols against; pass the System.map",
			name, pos);
		return -1;
	}
	n = target_candidates(vf->map, name, &c);
	free(c);
	if (n == 0 || pos > n || (pos == 0 && n > 1)) {
		err_msg(NULL, "%s,%lu: %zu symbol(s) of this name in %s; the module would not load: report this with the log",
			name, pos, n, vf->map_path);
		return -1;
	}
	return 0;
}

static int verify_ko_symbol(const struct verify *vf, const char *mod, const char *name,
			    unsigned long pos)
{
	const struct target_syms *t;
	const char *ko = NULL;
	struct symbol **c;
	uint64_t have, want;
	size_t n;

	t = stock_of(vf, mod, &ko);
	if (!t) {
		err_msg(NULL, KLP_SYM_PREFIX "%s.%s,%lu: %s is not a module this patch changes; report this with the log",
			mod, name, pos, mod);
		return -1;
	}
	n = target_candidates(t, name, &c);
	if (n == 0 || pos > n || (pos == 0 && n > 1)) {
		free(c);
		err_msg(NULL, "%s,%lu: no symbol at that position in %s; the module would not load: report this with the log",
			name, pos, ko);
		return -1;
	}
	have = c[pos ? pos - 1 : 0]->sym.st_size;
	free(c);
	if (orig_size(vf, mod, name, &want) && want != have) {
		err_msg(NULL, "%s of %s is %llu bytes as compiled here but %llu in %s: the prepared source does not build what Debian shipped; report this with the log",
			name, mod, (unsigned long long)want, (unsigned long long)have, ko);
		return -1;
	}
	return 0;
}

/* ".klp.sym.OBJ.NAME,POS" into @obj, @name (allocated) and @pos. */
int verify_klp_symbols(const struct verify *vf)
{
	struct klp_sym_name ks;
	struct symbol *sym;
	char *name;
	int ret;

	for_each_sym(vf->ko, sym) {
		if (!str_starts(sym->name, KLP_SYM_PREFIX))
			continue;
		if (klp_parse_symbol(sym->name, &ks)) {
			err_msg(NULL, "%s: not .klp.sym.OBJ.NAME,POS; the module is damaged: report this with the log",
				sym->name);
			return -1;
		}
		name = xasprintf("%.*s", (int)ks.name_len, ks.name);
		if (!strcmp(ks.obj, "vmlinux"))
			ret = verify_map_symbol(vf, name, ks.pos);
		else
			ret = verify_ko_symbol(vf, ks.obj, name, ks.pos);
		free(name);
		if (ret)
			return -1;
	}
	return 0;
}

static int verify_map_function(const struct verify *vf, const struct verify_changed *ch)
{
	struct symbol **c;
	size_t n;

	if (!vf->map) {
		err_msg(NULL, "patched function %s of %s: no --map to look for it in; pass the System.map",
			ch->func, ch->object);
		return -1;
	}
	n = target_candidates(vf->map, ch->func, &c);
	free(c);
	if (n)
		return 0;
	err_msg(NULL, "patched function %s is not in %s: this image does not have it (inlined or configured out); patch its callers instead",
		ch->func, vf->map_path);
	return -1;
}

/* " SIZE" of each function named @name in @t, in kallsyms order. */
static char *function_sizes(const struct target_syms *t, const char *name, uint64_t want,
			    bool *found)
{
	char *sizes = xstrdup(""), *more;
	struct symbol **c;
	size_t i, n;

	*found = false;
	n = target_candidates(t, name, &c);
	for (i = 0; i < n; i++) {
		if (c[i]->type != STT_FUNC)
			continue;
		more = xasprintf("%s %llu", sizes, (unsigned long long)c[i]->sym.st_size);
		free(sizes);
		sizes = more;
		*found |= c[i]->sym.st_size == want;
	}
	free(c);
	return sizes;
}

static int verify_ko_function(const struct verify *vf, const struct verify_changed *ch)
{
	const struct target_syms *t;
	const char *ko = NULL;
	char *sizes, *want_s;
	uint64_t want = 0;
	bool have_want, found;
	int ret = 0;

	t = stock_of(vf, ch->module, &ko);
	if (!t) {
		err_msg(NULL, "patched function %s of %s: no --module %s=STOCK.ko to look for it in; report this with the log",
			ch->func, ch->object, ch->module);
		return -1;
	}
	have_want = orig_size(vf, ch->module, ch->func, &want);
	sizes = function_sizes(t, ch->func, want, &found);
	if (!*sizes) {
		err_msg(NULL, "patched function %s is not in %s: the stock %s does not have it (inlined or configured out); patch its callers instead",
			ch->func, ko, ch->module);
		ret = -1;
	} else if (!have_want || !found) {
		want_s = have_want ? xasprintf("%llu", (unsigned long long)want) : xstrdup("no");
		err_msg(NULL, "%s of %s is %s bytes as compiled here but%s in %s: the prepared source does not build what Debian shipped (another %s or gcc?); report this with the log",
			ch->func, ch->object, want_s, sizes, ko,
			vf->source_pkg ? vf->source_pkg : "source package");
		free(want_s);
		ret = -1;
	}
	free(sizes);
	return ret;
}

int verify_changed(const struct verify *vf)
{
	size_t i;
	int ret;

	for (i = 0; i < vf->nr_changed; i++) {
		const struct verify_changed *ch = &vf->changed[i];

		if (!strcmp(ch->module, "vmlinux"))
			ret = verify_map_function(vf, ch);
		else
			ret = verify_ko_function(vf, ch);
		if (ret)
			return -1;
	}
	return 0;
}
