// Endpoint volume and mute (IAudioEndpointVolume) for package mmdevice.
// id is a WASAPI endpoint id (UTF-16, NUL-terminated). Each returns an
// HRESULT.
#include <stdint.h>

long md_endpoint_get(const uint16_t *id, int *muted, float *level);
long md_endpoint_set_mute(const uint16_t *id, int mute);
long md_endpoint_set_level(const uint16_t *id, float level);
