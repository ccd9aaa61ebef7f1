/* the file being patched, linked last */
#include "../orig.c"
