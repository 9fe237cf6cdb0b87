// Endpoint volume and mute (IAudioEndpointVolume) for package mmdevice.
// id is a WASAPI endpoint id (UTF-16, NUL-terminated). Each returns an
// HRESULT.
#include <stdint.h>

long md_endpoint_get(const uint16_t *id, int *muted, float *level);
long md_endpoint_set_mute(const uint16_t *id, int mute);
long md_endpoint_set_level(const uint16_t *id, float level);

// md_endpoint_props reads an endpoint's friendly name ("Headset (WH-1000XM4
// Hands-Free AG Audio)"), its device interface's friendly name
// ("WH-1000XM4 Hands-Free AG Audio"), each at most cap units with the NUL,
// and its form factor (EndpointFormFactor; 10, UnknownFormFactor, when
// it has none).
long md_endpoint_props(const uint16_t *id, uint16_t *name, uint16_t *iface, int cap, unsigned *formfactor);

// md_volume_watch registers an IAudioEndpointVolumeCallback on the
// endpoint: each mute or volume change calls mdNativeChanged(token).
// Returns a handle for md_volume_unwatch, or NULL with the HRESULT in
// *hresult.
void *md_volume_watch(const uint16_t *id, uintptr_t token, long *hresult);
// md_volume_unwatch unregisters the callback and releases the endpoint.
void md_volume_unwatch(void *h);
