// Endpoint volume and mute (IAudioEndpointVolume) for package mmdevice.
#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mmdeviceapi.h>
#include <endpointvolume.h>
#include "endpointvolume_windows.h"

// Our own copies of the GUIDs (values from the Windows SDK / mingw-w64
// headers), so no initguid.h games are needed.
static const CLSID ev_CLSID_MMDeviceEnumerator = {0xbcde0395, 0xe52f, 0x467c, {0x8e, 0x3d, 0xc4, 0x57, 0x92, 0x91, 0x69, 0x2e}};
static const IID ev_IID_IMMDeviceEnumerator = {0xa95664d2, 0x9614, 0x4f35, {0xa7, 0x46, 0xde, 0x8d, 0xb6, 0x36, 0x17, 0xe6}};
static const IID ev_IID_IAudioEndpointVolume = {0x5cdf2c82, 0x841e, 0x4546, {0x97, 0x22, 0x0c, 0xf7, 0x40, 0x78, 0x22, 0x9a}};

// with_volume runs f on the endpoint's IAudioEndpointVolume inside a
// multithreaded COM apartment on this thread (the Go side locks the thread).
static HRESULT with_volume(const uint16_t *id, HRESULT (*f)(IAudioEndpointVolume *, void *), void *arg) {
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	IMMDeviceEnumerator *en = NULL;
	IMMDevice *dev = NULL;
	IAudioEndpointVolume *vol = NULL;
	HRESULT hr = CoCreateInstance(&ev_CLSID_MMDeviceEnumerator, NULL, CLSCTX_ALL, &ev_IID_IMMDeviceEnumerator, (void **)&en);
	if (SUCCEEDED(hr)) hr = IMMDeviceEnumerator_GetDevice(en, (LPCWSTR)id, &dev);
	if (SUCCEEDED(hr)) hr = IMMDevice_Activate(dev, &ev_IID_IAudioEndpointVolume, CLSCTX_ALL, NULL, (void **)&vol);
	if (SUCCEEDED(hr)) hr = f(vol, arg);
	if (vol) IAudioEndpointVolume_Release(vol);
	if (dev) IMMDevice_Release(dev);
	if (en) IMMDeviceEnumerator_Release(en);
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}

typedef struct {
	int muted;
	float level;
} ev_state;

static HRESULT get(IAudioEndpointVolume *v, void *arg) {
	ev_state *s = arg;
	BOOL m = FALSE;
	HRESULT hr = IAudioEndpointVolume_GetMute(v, &m);
	if (SUCCEEDED(hr)) hr = IAudioEndpointVolume_GetMasterVolumeLevelScalar(v, &s->level);
	s->muted = m ? 1 : 0;
	return hr;
}

static HRESULT set_mute(IAudioEndpointVolume *v, void *arg) {
	return IAudioEndpointVolume_SetMute(v, *(int *)arg ? TRUE : FALSE, NULL);
}

static HRESULT set_level(IAudioEndpointVolume *v, void *arg) {
	return IAudioEndpointVolume_SetMasterVolumeLevelScalar(v, *(float *)arg, NULL);
}

long md_endpoint_get(const uint16_t *id, int *muted, float *level) {
	ev_state s = {0, 0};
	HRESULT hr = with_volume(id, get, &s);
	*muted = s.muted;
	*level = s.level;
	return hr;
}

long md_endpoint_set_mute(const uint16_t *id, int mute) { return with_volume(id, set_mute, &mute); }

long md_endpoint_set_level(const uint16_t *id, float level) { return with_volume(id, set_level, &level); }
