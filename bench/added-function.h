/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bench's "small real change": force-included into a translation
 * unit, it adds one new function and leaves every other line in place.
 */
int klp_bench_added(int x);
int klp_bench_added(int x)
{
	return x * 3 + 1;
}
