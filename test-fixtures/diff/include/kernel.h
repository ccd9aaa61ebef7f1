/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal freestanding stand-in for the kernel headers the differ
 * fixtures need (x86_64, modelled on Linux 6.1). Only what changes the
 * shape of the object files is here: section attributes, notrace, and
 * the two special sections a livepatch differ must carry along with the
 * functions it includes (__bug_table, __jump_table).
 */
#ifndef FIXTURE_KERNEL_H
#define FIXTURE_KERNEL_H

#define NULL ((void *)0)
typedef _Bool bool;
#define true 1
#define false 0

/* include/linux/compiler_attributes.h, compiler_types.h, compiler.h */
#define __section(s)	__attribute__((__section__(s)))
#define __cold		__attribute__((__cold__))
#define __used		__attribute__((__used__))
#define noinline	__attribute__((__noinline__))
#define __always_inline	inline __attribute__((__always_inline__))
#define notrace		__attribute__((__no_instrument_function__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/*
 * include/linux/init.h. __exit is __used as for built-in code
 * (__exitused), so that a static __exit function stays in the object.
 */
#define __init		__section(".init.text") __cold
#define __initdata	__section(".init.data")
#define __exit		__section(".exit.text") __used __cold notrace

/*
 * arch/x86/include/asm/bug.h with CONFIG_GENERIC_BUG,
 * CONFIG_GENERIC_BUG_RELATIVE_POINTERS and CONFIG_DEBUG_BUGVERBOSE:
 * a ud2 in the code and a 12-byte struct bug_entry in __bug_table
 * { int bug_addr_disp; int file_disp; u16 line; u16 flags; }.
 */
struct bug_entry {
	signed int	bug_addr_disp;
	signed int	file_disp;
	unsigned short	line;
	unsigned short	flags;
};

#define BUGFLAG_WARNING		(1 << 0)
#define BUGFLAG_TAINT(taint)	((taint) << 8)
#define TAINT_WARN		9

#define _BUG_FLAGS(ins, flags)						\
do {									\
	asm volatile("1:\t" ins "\n"					\
		     ".pushsection __bug_table,\"aw\"\n"		\
		     "2:\t.long 1b - .\t# bug_entry::bug_addr\n"	\
		     "\t.long %c0 - .\t# bug_entry::file\n"		\
		     "\t.word %c1\t# bug_entry::line\n"			\
		     "\t.word %c2\t# bug_entry::flags\n"		\
		     "\t.org 2b+%c3\n"					\
		     ".popsection"					\
		     : : "i" (__FILE__), "i" (__LINE__),		\
			 "i" (flags),					\
			 "i" (sizeof(struct bug_entry)));		\
} while (0)

#define ASM_UD2		".byte 0x0f, 0x0b"
#define __WARN()	_BUG_FLAGS(ASM_UD2, BUGFLAG_WARNING | BUGFLAG_TAINT(TAINT_WARN))

/* include/asm-generic/bug.h */
#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN();						\
	unlikely(__ret_warn_on);					\
})

/*
 * include/linux/jump_label.h and arch/x86/include/asm/jump_label.h
 * (!CONFIG_HAVE_JUMP_LABEL_HACK): a 5-byte nop in the code and a
 * 16-byte struct jump_entry in __jump_table
 * { int code; int target; long key; }, all relative to the entry.
 */
struct static_key {
	int enabled;
	union {
		unsigned long type;
		struct jump_entry *entries;
	};
};

struct jump_entry {
	signed int	code;
	signed int	target;
	long		key;
};

#define STATIC_KEY_INIT_FALSE	{ .enabled = 0, { .type = 0UL } }

static __always_inline bool arch_static_branch(struct static_key * const key,
					       const bool branch)
{
	asm goto("1:"
		 ".byte 0x0f,0x1f,0x44,0x00,0x00\n\t"
		 ".pushsection __jump_table,  \"aw\" \n\t"
		 ".balign 8\n\t"
		 ".long 1b - . \n\t"
		 ".long %l[l_yes] - . \n\t"
		 ".quad %c0 + %c1 - .\n\t"
		 ".popsection \n\t"
		 : : "i" (key), "i" (branch) : : l_yes);

	return false;
l_yes:
	return true;
}

/* static_branch_unlikely() for a key that is false by default */
#define static_branch_unlikely(key)	unlikely(arch_static_branch(key, false))

#endif /* FIXTURE_KERNEL_H */
