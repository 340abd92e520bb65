/* schedulers/simple/intf.h: types shared by simple.bpf.c and simple.cpp. Plain C, no kernel types. */
#ifndef SCXX_SIMPLE_INTF_H
#define SCXX_SIMPLE_INTF_H

/* The one shared dispatch queue every CPU pulls from. Custom DSQ ids are < 2^63. */
#define SIMPLE_SHARED_DSQ 0

/* Per-CPU counters, summed by user space. */
enum simple_stat {
	SIMPLE_STAT_LOCAL,    /* woke onto an idle CPU: inserted straight into its local queue */
	SIMPLE_STAT_GLOBAL,   /* queued on the shared DSQ */
	SIMPLE_STAT_DISPATCH, /* tasks moved from the shared DSQ to a CPU */
	SIMPLE_NR_STATS,
};

#endif /* SCXX_SIMPLE_INTF_H */
