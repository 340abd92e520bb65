/* tools/opprof/opprof_intf.h: what scx-opprof's BPF half and user space share: the histogram's
 * bucketing. Durations are kept in log-linear buckets, four per power of two (a bucket spans at
 * most 25% of its lower bound): values 0-3 have a bucket each, and a value v >= 4 whose highest
 * set bit is b (v in [2^b, 2^(b+1))) goes to bucket 4 * (b - 1) + (the two bits below b).
 * Plain shifts and compares only, so the BPF side can use it (no count-leading-zeros there). */
#ifndef SCXX_OPPROF_INTF_H
#define SCXX_OPPROF_INTF_H

/* buckets up to 2^49 ns (156 hours), the last one open-ended: more than any call takes */
#define OPPROF_NR_BUCKETS 192

static inline unsigned int opprof_high_bit(unsigned long long v)
{
	unsigned int b = 0;

	if (v >> 32) { v >>= 32; b += 32; }
	if (v >> 16) { v >>= 16; b += 16; }
	if (v >> 8) { v >>= 8; b += 8; }
	if (v >> 4) { v >>= 4; b += 4; }
	if (v >> 2) { v >>= 2; b += 2; }
	if (v >> 1) b += 1;
	return b;
}

static inline unsigned int opprof_bucket(unsigned long long v)
{
	unsigned int b, idx;

	if (v < 4)
		return (unsigned int)v;
	b = opprof_high_bit(v);
	idx = 4 * (b - 1) + (unsigned int)((v >> (b - 2)) & 3);
	return idx < OPPROF_NR_BUCKETS ? idx : OPPROF_NR_BUCKETS - 1;
}

/* The smallest value of bucket idx (the inverse of opprof_bucket on bucket boundaries). */
static inline unsigned long long opprof_bucket_low(unsigned int idx)
{
	unsigned int b;

	if (idx < 4)
		return idx;
	b = idx / 4 + 1;
	return (unsigned long long)(4 + idx % 4) << (b - 2);
}

#endif
