#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "meter_c.h"

#define MD_RING 16

struct md_meter {
	uint32_t window;
	// Audio thread only.
	double sum_sq;
	float peak;
	uint32_t frames;
	// Published: readings go into a ring of slots, each guarded by its own
	// sequence number (a seqlock per slot); seq counts readings published.
	uint64_t seq;
	uint64_t periods;
	struct md_slot {
		uint64_t seq; // 2i+1 while reading i is written into it, 2i+2 once it is whole
		double rms, peak;
	} ring[MD_RING];
};

md_meter *md_meter_new(uint32_t window_frames) {
	md_meter *m = calloc(1, sizeof(md_meter));
	if (m != NULL) {
		m->window = window_frames;
	}
	return m;
}

void md_meter_free(md_meter *m) { free(m); }

void md_meter_feed(md_meter *m, const float *in, uint32_t frames) {
	for (uint32_t i = 0; i < frames; i++) {
		float x = in[i];
		m->sum_sq += (double)x * (double)x;
		float a = fabsf(x);
		if (a > m->peak) {
			m->peak = a;
		}
		if (++m->frames == m->window) {
			uint64_t n = __atomic_load_n(&m->seq, __ATOMIC_RELAXED);
			double rms = sqrt(m->sum_sq / m->window), peak = m->peak;
			struct md_slot *s = &m->ring[n % MD_RING];
			// The seqlock write side (Boehm, "Can seqlocks get along with
			// programming language memory models?", 2012): mark the slot
			// odd, then a release fence so no data store below becomes
			// visible before the mark (on ARM the stores may otherwise
			// reorder), then the data, then the even mark with release so
			// the data is visible before it.
			__atomic_store_n(&s->seq, 2 * n + 1, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_RELEASE);
			__atomic_store(&s->rms, &rms, __ATOMIC_RELAXED);
			__atomic_store(&s->peak, &peak, __ATOMIC_RELAXED);
			__atomic_store_n(&s->seq, 2 * n + 2, __ATOMIC_RELEASE);
			__atomic_store_n(&m->seq, n + 1, __ATOMIC_RELEASE);
			m->sum_sq = 0;
			m->peak = 0;
			m->frames = 0;
		}
	}
	__atomic_add_fetch(&m->periods, 1, __ATOMIC_RELAXED);
}

uint32_t md_meter_drain(md_meter *m, uint64_t *next, double *rms, double *peak, uint32_t n) {
	uint64_t end = __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
	uint64_t i = *next;
	if (end - i > n) {
		i = end - n;
	}
	// Older readings have been overwritten.
	if (end - i > MD_RING) {
		i = end - MD_RING;
	}
	uint32_t got = 0;
	for (; i < end; i++) {
		struct md_slot *s = &m->ring[i % MD_RING];
		// The seqlock read side: the acquire load of the slot's number
		// keeps the data loads after it; the acquire fence keeps them
		// before the second load. If both loads say "reading i, whole",
		// no write of the slot overlapped the data loads, so rms and peak
		// are reading i's own. Anything else (still being written, or
		// already overwritten by reading i+MD_RING) is skipped.
		uint64_t before = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (before != 2 * i + 2) {
			continue;
		}
		double r, p;
		__atomic_load(&s->rms, &r, __ATOMIC_RELAXED);
		__atomic_load(&s->peak, &p, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) != before) {
			continue;
		}
		rms[got] = r;
		peak[got] = p;
		got++;
	}
	*next = end;
	return got;
}

uint64_t md_meter_periods(md_meter *m) { return __atomic_load_n(&m->periods, __ATOMIC_RELAXED); }

// The start of miniaudio 0.11's struct ma_device, which md_meter_attach
// relies on:
//
//     ma_context* pContext;              word 0
//     ma_device_type type;               word 1, low half (as uint32 [2])
//     ma_uint32 sampleRate;              word 1, high half (as uint32 [3])
//     ma_atomic_device_state state;      word 2 (4 bytes, then padding)
//     ma_device_data_proc onData;        word 3
//     ma_device_notification_proc onNotification;  word 4
//     ma_stop_proc onStop;               word 5
//     void* pUserData;                   word 6
//
// malgo keeps its ma_device private, so this is checked field by field
// against what we know it must hold before anything is written.
enum { md_device_type_capture = 2 };

static void md_meter_on_data(void *device, void *out, const void *in, uint32_t frames) {
	(void)out;
	md_meter *m = ((void **)device)[6];
	if (in != NULL) {
		md_meter_feed(m, in, frames);
	}
}

int md_meter_attach(void *device, void *context, md_meter *m, uint32_t sample_rate) {
	if (sizeof(void *) != 8 || device == NULL || m == NULL) {
		return 0;
	}
	void **w = device;
	uint32_t *h = device;
	if (w[0] != context || h[2] != md_device_type_capture || h[3] != sample_rate) {
		return 0;
	}
	if (w[3] == NULL || w[5] == NULL || w[6] != (void *)m) {
		return 0;
	}
	// Copied, not cast: ISO C has no conversion from a function pointer to
	// void *, and onData is a function pointer in miniaudio anyway.
	void (*on_data)(void *, void *, const void *, uint32_t) = md_meter_on_data;
	memcpy(&w[3], &on_data, sizeof on_data);
	return 1;
}
