/* 51: exports of a namespace (EXPORT_SYMBOL_NS, Module.symvers' fifth column) need an import_ns= in the module's .modinfo, one per namespace, or modpost and the loader refuse the module */
#include "kernel.h"

extern int dma_buf_fd_like(int x);
extern int dma_buf_put_like(int x);
extern int cxl_probe_like(int x);
extern int plain_export(int x);

int record(int x)
{
	return dma_buf_fd_like(x) + plain_export(x);
}
