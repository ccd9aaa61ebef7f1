// SPDX-License-Identifier: GPL-2.0
/*
 * Where instructions end. A PC-relative field holds the target minus the
 * distance from the field to the end of its instruction: 4 for a call or
 * a lea, 5 for `cmpb $0, x(%rip)`, 8 for `movl $1, x(%rip)`. Without the
 * instruction's length a reference to a section symbol plus an addend
 * could name either of two neighbouring variables, and the livepatch
 * would write to the wrong one wherever the running kernel keeps them
 * apart. Capstone decodes; this file keeps, per relocation of a text
 * section, that distance (its "tail"), and 0 where the relocation is not
 * in a displacement or immediate field of a decoded instruction.
 */
#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdo.h"
#include "util.h"

static csh decoder;
static bool decoder_open;

static bool open_decoder(void)
{
	if (decoder_open)
		return true;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &decoder) != CS_ERR_OK)
		return false;
	if (cs_option(decoder, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK) {
		cs_close(&decoder);
		return false;
	}
	decoder_open = true;
	return true;
}

void close_decoder(void)
{
	if (decoder_open)
		cs_close(&decoder);
	decoder_open = false;
}

static bool is_pcrel32(uint32_t type)
{
	return type == R_X86_64_PC32 || type == R_X86_64_PLT32 ||
	       type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	       type == R_X86_64_REX_GOTPCRELX;
}

/*
 * The tail of a 4-byte field at @at of a decoded instruction, or 0.
 * Only the field's start is trusted: Capstone 4 misreports some sizes
 * (a disp32 of `cmpw $imm16, x(%rip)` as 2 bytes).
 */
static unsigned int field_tail(const cs_insn *insn, unsigned int at)
{
	const cs_x86_encoding *e = &insn->detail->x86.encoding;

	if (at + 4 > insn->size)
		return 0;
	if ((e->disp_offset && at == e->disp_offset) || (e->imm_offset && at == e->imm_offset))
		return insn->size - at;
	return 0;
}

/* Decode [start, end) of @sec, filling tails of relocations from index *k on. */
static void decode_range(const struct section *sec, uint64_t start, uint64_t end,
			 size_t *k, cs_insn *insn)
{
	struct section *rela = sec->rela;
	const uint8_t *code = sec->data + start;
	size_t size = end - start;
	uint64_t addr = start;

	while (*k < rela->nr_relocs && rela->relocs[*k].offset < start)
		(*k)++;
	while (size && cs_disasm_iter(decoder, &code, &size, &addr, insn)) {
		uint64_t s = insn->address;

		while (*k < rela->nr_relocs && rela->relocs[*k].offset < s + insn->size) {
			const struct reloc *r = &rela->relocs[*k];

			if (r->offset >= s && is_pcrel32(r->type))
				rela->reloc_tails[*k] = field_tail(insn, r->offset - s);
			(*k)++;
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : (x > y);
}

/*
 * Symbols start instructions: decoding starts again at each, so that
 * data an assembly file keeps between functions cannot shift the rest.
 */
static void decode_section(struct section *sec, cs_insn *insn)
{
	uint64_t *starts = xcalloc(sec->nr_syms + 2, sizeof(*starts));
	size_t n = 0, i, k = 0;
	const struct symbol *s;

	starts[n++] = 0;
	sec_for_each_sym(sec, s) {
		if (s->sym.st_value < sec->size)
			starts[n++] = s->sym.st_value;
	}
	qsort(starts, n, sizeof(*starts), cmp_u64);
	starts[n] = sec->size;
	for (i = 0; i < n; i++) {
		if (starts[i] != starts[i + 1])
			decode_range(sec, starts[i], starts[i + 1], &k, insn);
	}
	free(starts);
	for (i = 0, n = 0; i < sec->rela->nr_relocs; i++)
		n += is_pcrel32(sec->rela->relocs[i].type) && !sec->rela->reloc_tails[i];
	if (n)
		debug_msg("decode: %s: %zu PC-relative references outside decoded instruction fields",
			  sec->name, n);
}

int decode_text(struct elf_obj *obj)
{
	struct section *sec;
	cs_insn *insn;

	if (!open_decoder()) {
		err_msg(obj->path, "decode_text: cannot start the x86-64 decoder (Capstone); reinstall libcapstone4");
		return -1;
	}
	insn = cs_malloc(decoder);
	for_each_sec(obj, sec) {
		if (!sec_is_text(sec) || !sec->rela || !sec->data || sec->rela->reloc_tails)
			continue;
		sec->rela->reloc_tails = xcalloc(sec->rela->nr_relocs + 1,
						 sizeof(*sec->rela->reloc_tails));
		decode_section(sec, insn);
	}
	cs_free(insn, 1);
	return 0;
}

/*
 * The instruction of @sym holding byte @off: its start, and its text in
 * @buf. Decoding starts at the symbol, as the compiler laid it out.
 */
bool insn_at(const struct symbol *sym, uint64_t off, uint64_t *start, char *buf, size_t len)
{
	const uint8_t *code;
	size_t size;
	uint64_t addr = 0;
	cs_insn *insn;
	bool found = false;

	if (!sym->sec || !sym->sec->data || off >= sym->sym.st_size || !open_decoder())
		return false;
	code = sym->sec->data + sym->sym.st_value;
	size = sym->sym.st_size;
	insn = cs_malloc(decoder);
	while (size && cs_disasm_iter(decoder, &code, &size, &addr, insn)) {
		if (off < insn->address + insn->size) {
			*start = insn->address;
			snprintf(buf, len, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "",
				 insn->op_str);
			found = true;
			break;
		}
	}
	cs_free(insn, 1);
	return found;
}
