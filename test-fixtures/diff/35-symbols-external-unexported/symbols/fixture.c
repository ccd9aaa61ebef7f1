/* the file being patched, as built into the patched object */
#include "../orig.c"
