// SPDX-License-Identifier: GPL-2.0
/*
 * A hand-written livepatch module calls functions the kernel does not
 * export; kbuild leaves them undefined. Each such symbol that exists in
 * exactly one place of the kernel (vmlinux or a --module) becomes a
 * livepatch symbol; one that exists several times needs the author's
 * KLP_SYMPOS() to say which, and gets a list of the candidates if not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klp-convert.h"
#include "klp-records.h"
#include "klp-rela.h"
#include "util.h"

struct choice {
	const char *obj;
	unsigned long pos;
};

bool is_livepatch_module(const struct elf_obj *obj)
{
	const char *lp = modinfo_get(obj, "livepatch");

	return lp && !strcmp(lp, "Y");
}

static bool referenced(const struct elf_obj *obj, const struct symbol *sym)
{
	const struct section *rela;
	const struct reloc *r;

	for_each_sec(obj, rela) {
		if (!sec_is_rela(rela) || rela->removed || !rela->base || !sec_is_alloc(rela->base) ||
		    (rela->sh.sh_flags & SHF_RELA_LIVEPATCH))
			continue;
		rela_for_each_reloc(rela, r) {
			if (r->sym == sym)
				return true;
		}
	}
	return false;
}

static const char *pointed_string(const struct elf_obj *obj, const struct section *rela,
				  uint64_t offset)
{
	const struct reloc *r;

	rela_for_each_reloc(rela, r) {
		const struct section *sec = r->sym->sec;
		uint64_t off;

		if (r->offset != offset)
			continue;
		if (!sec || !sec->data || place_add_overflows(r->sym->sym.st_value, r->addend, &off) ||
		    off >= sec->size ||
		    !memchr(sec->data + off, 0, sec->size - off))
			return NULL;
		return (const char *)sec->data + off;
	}
	return NULL;
}

/* The author's KLP_SYMPOS(name, obj, pos) for @name, if any. */
static int annotation(struct convert *cv, const char *name, struct choice *ch)
{
	struct section *sec = elf_find_section(cv->obj, KLP_SYMPOS_SEC);
	size_t i, nr;

	if (!sec || !sec->rela || !sec->data)
		return 0;
	nr = sec->size / sizeof(struct klp_build_sympos);
	for (i = 0; i < nr; i++) {
		uint64_t at = i * sizeof(struct klp_build_sympos);
		const char *n = pointed_string(cv->obj, sec->rela, at);
		const char *o = pointed_string(cv->obj, sec->rela, at + 8);
		struct klp_build_sympos rec;

		if (!n || !o) {
			err_msg(cv->obj->path, "%s: record %zu does not point at two strings; use the KLP_SYMPOS() macro of klp-macros.h",
				KLP_SYMPOS_SEC, i);
			return -1;
		}
		memcpy(&rec, sec->data + at, sizeof(rec));
		if (!strcmp(n, name)) {
			ch->obj = o;
			ch->pos = rec.pos;
			return 1;
		}
	}
	return 0;
}

static void list_candidates(struct convert *cv, const char *name)
{
	size_t i, k;

	for (i = 0; i < cv->nr_targets; i++) {
		struct symbol **v;
		size_t n = target_candidates(cv->targets[i].syms, name, &v);

		for (k = 0; k < n; k++) {
			const char *file = target_file_of(cv->targets[i].syms, v[k]);

			fprintf(stderr, "  KLP_SYMPOS(%s, %s, %zu);  /* %s %s at 0x%llx, file %s */\n",
				name, cv->targets[i].name, n > 1 ? k + 1 : 0,
				v[k]->bind == STB_LOCAL ? "local" : "global",
				v[k]->type == STT_FUNC ? "function" : "object",
				(unsigned long long)v[k]->sym.st_value, file ? file : "unknown");
		}
		free(v);
	}
}

static struct named_target *target_named(struct convert *cv, const char *obj)
{
	size_t i;

	for (i = 0; i < cv->nr_targets; i++) {
		if (!strcmp(cv->targets[i].name, obj))
			return &cv->targets[i];
	}
	return NULL;
}

/* Checks the author's choice against the kernel's symbols. */
static int check_choice(struct convert *cv, const char *name, const struct choice *ch)
{
	struct named_target *t = target_named(cv, ch->obj);
	struct symbol **v;
	size_t n;

	if (!t) {
		err_msg(cv->obj->path, "%s: KLP_SYMPOS names object %s, which was not given; pass it with --module %s=PATH.ko",
			name, ch->obj, ch->obj);
		return -1;
	}
	n = target_candidates(t->syms, name, &v);
	free(v);
	/* As klp_find_object_symbol() counts: 0 for a unique name, else 1..n. */
	if ((ch->pos == 0 && n == 1) || (ch->pos >= 1 && ch->pos <= n))
		return 0;
	err_msg(cv->obj->path, "%s: KLP_SYMPOS(%s, %s, %lu) does not match the %zu symbols of this name there; choose one of:",
		name, name, ch->obj, ch->pos, n);
	list_candidates(cv, name);
	return -1;
}

static int choose(struct convert *cv, const char *name, struct choice *ch)
{
	size_t i, where = 0, total = 0, n;
	int ret = annotation(cv, name, ch);

	if (ret)
		return ret < 0 ? -1 : check_choice(cv, name, ch);
	for (i = 0; i < cv->nr_targets; i++) {
		struct symbol **v;

		n = target_candidates(cv->targets[i].syms, name, &v);
		free(v);
		if (n)
			where = i;
		total += n;
	}
	if (total == 1) {
		ch->obj = cv->targets[where].name;
		ch->pos = 0;
		return 0;
	}
	if (total == 0) {
		err_msg(cv->obj->path, "%s: undefined, not exported, and found in none of the symbol tables given; check the name, or pass the module that defines it with --module NAME=PATH.ko",
			name);
		return -1;
	}
	err_msg(cv->obj->path, "%s: %zu symbols of this name; say which one with KLP_SYMPOS() from klp-macros.h next to its declaration, one of:",
		name, total);
	list_candidates(cv, name);
	return -1;
}

static int move_relocs(struct convert *cv, struct symbol *sym, const char *klpname)
{
	size_t k, n;
	struct section *rela;

	for_each_sec(cv->obj, rela) {
		if (!sec_is_rela(rela) || rela->removed || (rela->sh.sh_flags & SHF_RELA_LIVEPATCH))
			continue;
		for (k = 0, n = 0; k < rela->nr_relocs; k++) {
			struct reloc r = rela->relocs[k];

			if (r.sym != sym) {
				rela->relocs[n++] = r;
				continue;
			}
			if (klp_add_reloc(cv->obj, rela->base, r.offset, r.type, klpname, NULL, r.addend))
				return -1;
		}
		rela->nr_relocs = n;
	}
	sym->removed = true;
	return 0;
}

/* A KLP_SYMPOS() for a name nothing uses is most likely a typo. */
static void warn_unused_annotations(struct convert *cv)
{
	struct section *sec = elf_find_section(cv->obj, KLP_SYMPOS_SEC);
	size_t i, nr;

	if (!sec || !sec->rela || !sec->data)
		return;
	nr = sec->size / sizeof(struct klp_build_sympos);
	for (i = 0; i < nr; i++) {
		const char *n = pointed_string(cv->obj, sec->rela, i * sizeof(struct klp_build_sympos));
		struct symbol *s;
		bool used = false;

		if (!n)
			continue;
		for_each_sym(cv->obj, s) {
			struct klp_sym_name ks;

			used = s->sym.st_shndx == SHN_LIVEPATCH && !klp_parse_symbol(s->name, &ks) &&
			       ks.name_len == strlen(n) && !memcmp(ks.name, n, ks.name_len);
			if (used)
				break;
		}
		if (!used)
			warn_msg(cv->obj->path, "KLP_SYMPOS(%s, ...) names no symbol the module uses; check the name", n);
	}
}

static bool convertible(const struct symbol *sym)
{
	return sym->idx && !sym->sec && sym->sym.st_shndx == SHN_UNDEF && *sym->name &&
	       (sym->bind == STB_GLOBAL || sym->bind == STB_WEAK) &&
	       strcmp(sym->name, "__this_module") && !str_starts(sym->name, KLP_SYM_PREFIX);
}

int convert_undefined(struct convert *cv)
{
	size_t i, nr = cv->obj->nr_syms;
	int ret = 0;

	for (i = 1; i < nr; i++) {
		struct symbol *sym = cv->obj->syms[i];
		struct choice ch;
		char *klpname;

		if (!convertible(sym) || symvers_owner(cv->symvers, sym->name) ||
		    !referenced(cv->obj, sym))
			continue;
		if (choose(cv, sym->name, &ch)) {
			ret = -1;
			continue;
		}
		klpname = xasprintf(KLP_SYM_PREFIX "%s.%s,%lu", ch.obj, sym->name, ch.pos);
		printf("klp symbol: %s\n", klpname);
		ret |= move_relocs(cv, sym, klpname);
		cv->converted++;
		free(klpname);
	}
	warn_unused_annotations(cv);
	if (elf_find_section(cv->obj, KLP_SYMPOS_SEC))
		elf_remove_section(elf_find_section(cv->obj, KLP_SYMPOS_SEC));
	return ret;
}
