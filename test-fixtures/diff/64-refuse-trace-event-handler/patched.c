/* 64: a header's inline changed, used by a trace event's handler (notrace, reached through its event class, as TRACE_EVENT() makes it) and by a plain function: the handler is refused, naming KLP_IGNORE_FUNCTION */
#include "kernel.h"

struct inode_demo {
	long size;
};

static inline long size_read(const struct inode_demo *i)
{
	return i->size < 0 ? 0 : i->size;
}

struct event_class_demo {
	void (*probe)(void *data, const struct inode_demo *i);
};

long trace_sink;

static notrace void trace_event_raw_event_demo(void *data, const struct inode_demo *i)
{
	trace_sink = size_read(i);
}

struct event_class_demo event_class_demo = { .probe = trace_event_raw_event_demo };

noinline long file_size(const struct inode_demo *i)
{
	return size_read(i) + 1;
}
