/* the file being patched, as built into the patched object (same name as the differ's inputs) */
#include "../orig.c"
