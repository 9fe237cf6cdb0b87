// Level metering in C, so a running meter costs no Go call per audio
// period (see meter.go and BENCHMARKS.md for why that matters).
#ifndef MEDIADESK_METER_C_H
#define MEDIADESK_METER_C_H

#include <stdint.h>

typedef struct md_meter md_meter;

// md_meter_new returns a zeroed meter that publishes one reading per
// window_frames frames, or NULL when out of memory.
md_meter *md_meter_new(uint32_t window_frames);
void md_meter_free(md_meter *m);

// md_meter_feed accumulates mono float samples. Called on the audio thread
// only (one writer).
void md_meter_feed(md_meter *m, const float *in, uint32_t frames);

// md_meter_attach hands the audio callback of a miniaudio capture device,
// initialised but not started, to md_meter_feed directly. It returns 1
// when done, 0 when the device does not look as expected (then nothing is
// changed and the Go callback stays).
int md_meter_attach(void *device, void *context, md_meter *m, uint32_t sample_rate);

// md_meter_drain copies the readings from index *next on (at most n, the
// newest if more were published) as linear RMS and peak amplitudes, and
// advances *next. It returns how many it copied.
uint32_t md_meter_drain(md_meter *m, uint64_t *next, double *rms, double *peak, uint32_t n);

// md_meter_periods counts the audio periods fed so far.
uint64_t md_meter_periods(md_meter *m);

#endif
