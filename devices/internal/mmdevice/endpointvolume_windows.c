// Endpoint volume and mute (IAudioEndpointVolume) for package mmdevice.
#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mmdeviceapi.h>
#include <endpointvolume.h>
#include <propidl.h>
#include <stdlib.h>
#include "endpointvolume_windows.h"
#include "com_windows.h"

// Our own copies of the GUIDs (values from the Windows SDK / mingw-w64
// headers), so no initguid.h games are needed; the ones mmdevice_windows.c
// uses too are in com_windows.c.
static const IID ev_IID_IAudioEndpointVolume = {0x5cdf2c82, 0x841e, 0x4546, {0x97, 0x22, 0x0c, 0xf7, 0x40, 0x78, 0x22, 0x9a}};
static const IID ev_IID_IAudioEndpointVolumeCallback = {0x657804fa, 0xd6ad, 0x4496, {0x8a, 0x60, 0x35, 0x27, 0x52, 0xaf, 0x4f, 0x89}};
static const PROPERTYKEY ev_PKEY_Device_FriendlyName = {{0xa45c254e, 0xdf1c, 0x4efd, {0x80, 0x20, 0x67, 0xd1, 0x46, 0xa8, 0x50, 0xe0}}, 14};
static const PROPERTYKEY ev_PKEY_DeviceInterface_FriendlyName = {{0x026e516e, 0xb814, 0x414b, {0x83, 0xcd, 0x85, 0x6d, 0x6f, 0xef, 0x48, 0x22}}, 2};
static const PROPERTYKEY ev_PKEY_AudioEndpoint_FormFactor = {{0x1da5d803, 0xd492, 0x4edd, {0x8c, 0x23, 0xe0, 0xc0, 0xff, 0xee, 0x7f, 0x0e}}, 0};

// Implemented in Go (mmdevice_windows.go).
extern void mdNativeChanged(uintptr_t token);

// activate_volume gets the endpoint's IAudioEndpointVolume; COM must be
// initialised on this thread.
static HRESULT activate_volume(const uint16_t *id, IAudioEndpointVolume **vol) {
	IMMDevice *dev = NULL;
	*vol = NULL;
	HRESULT hr = md_get_device(id, &dev);
	if (SUCCEEDED(hr)) hr = IMMDevice_Activate(dev, &ev_IID_IAudioEndpointVolume, CLSCTX_ALL, NULL, (void **)vol);
	if (dev) IMMDevice_Release(dev);
	return hr;
}

// with_volume runs f on the endpoint's IAudioEndpointVolume inside a
// multithreaded COM apartment on this thread (the Go side locks the thread).
static HRESULT with_volume(const uint16_t *id, HRESULT (*f)(IAudioEndpointVolume *, void *), void *arg) {
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	IAudioEndpointVolume *vol = NULL;
	HRESULT hr = activate_volume(id, &vol);
	if (SUCCEEDED(hr)) hr = f(vol, arg);
	if (vol) IAudioEndpointVolume_Release(vol);
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

// --- properties ---------------------------------------------------------

static void copy_string(IPropertyStore *ps, const PROPERTYKEY *key, uint16_t *out, int cap) {
	PROPVARIANT pv;
	PropVariantInit(&pv);
	out[0] = 0;
	if (SUCCEEDED(IPropertyStore_GetValue(ps, key, &pv)) && pv.vt == VT_LPWSTR && pv.pwszVal) {
		int i = 0;
		for (; i < cap - 1 && pv.pwszVal[i]; i++) out[i] = pv.pwszVal[i];
		out[i] = 0;
	}
	PropVariantClear(&pv);
}

long md_endpoint_props(const uint16_t *id, uint16_t *name, uint16_t *iface, int cap, unsigned *formfactor) {
	name[0] = iface[0] = 0;
	*formfactor = 10; // UnknownFormFactor
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	IMMDevice *dev = NULL;
	IPropertyStore *ps = NULL;
	HRESULT hr = md_get_device(id, &dev);
	if (SUCCEEDED(hr)) hr = IMMDevice_OpenPropertyStore(dev, STGM_READ, &ps);
	if (SUCCEEDED(hr)) {
		copy_string(ps, &ev_PKEY_Device_FriendlyName, name, cap);
		copy_string(ps, &ev_PKEY_DeviceInterface_FriendlyName, iface, cap);
		PROPVARIANT pv;
		PropVariantInit(&pv);
		if (SUCCEEDED(IPropertyStore_GetValue(ps, &ev_PKEY_AudioEndpoint_FormFactor, &pv)) && pv.vt == VT_UI4) *formfactor = pv.ulVal;
		PropVariantClear(&pv);
		IPropertyStore_Release(ps);
	}
	if (dev) IMMDevice_Release(dev);
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}

// --- change notifications -----------------------------------------------

// md_volwatch is one endpoint's IAudioEndpointVolumeCallback. It is
// reference-counted like any COM object: md_volume_watch holds one
// reference and md_volume_unwatch drops it after unregistering, so the
// memory goes when the last holder (us, or the audio service finishing a
// callback) lets go.
typedef struct {
	IAudioEndpointVolumeCallback cb; // first: the COM object
	LONG refs;
	uintptr_t token;
	IAudioEndpointVolume *vol;
} md_volwatch;

static ULONG STDMETHODCALLTYPE vc_addref(IAudioEndpointVolumeCallback *This) { return InterlockedIncrement(&((md_volwatch *)This)->refs); }
static ULONG STDMETHODCALLTYPE vc_release(IAudioEndpointVolumeCallback *This) {
	LONG n = InterlockedDecrement(&((md_volwatch *)This)->refs);
	if (n == 0) free(This);
	return (ULONG)n;
}
static HRESULT STDMETHODCALLTYPE vc_query(IAudioEndpointVolumeCallback *This, REFIID riid, void **out) {
	return md_com_query(This, riid, &ev_IID_IAudioEndpointVolumeCallback, out);
}
static HRESULT STDMETHODCALLTYPE vc_notify(IAudioEndpointVolumeCallback *This, PAUDIO_VOLUME_NOTIFICATION_DATA data) {
	(void)data; // the state is read back whole; ours or another program's change alike
	// Mute or master volume changed: Go re-reads the state.
	mdNativeChanged(((md_volwatch *)This)->token);
	return S_OK;
}

static IAudioEndpointVolumeCallbackVtbl vc_vtbl = {vc_query, vc_addref, vc_release, vc_notify};

void *md_volume_watch(const uint16_t *id, uintptr_t token, long *hresult) {
	md_volwatch *w = calloc(1, sizeof(md_volwatch));
	if (!w) {
		*hresult = E_OUTOFMEMORY;
		return NULL;
	}
	w->cb.lpVtbl = &vc_vtbl;
	w->refs = 1;
	w->token = token;
	// As md_watch: the objects live in the multithreaded apartment, the
	// callbacks come on COM's threads, and this thread may leave COM again.
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	HRESULT hr = activate_volume(id, &w->vol);
	if (SUCCEEDED(hr)) hr = IAudioEndpointVolume_RegisterControlChangeNotify(w->vol, &w->cb);
	if (FAILED(hr)) {
		if (w->vol) IAudioEndpointVolume_Release(w->vol);
		w->vol = NULL;
		vc_release(&w->cb);
		w = NULL;
	}
	if (SUCCEEDED(init)) CoUninitialize();
	*hresult = hr;
	return w;
}

void md_volume_unwatch(void *h) {
	md_volwatch *w = h;
	if (!w) return;
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	IAudioEndpointVolume_UnregisterControlChangeNotify(w->vol, &w->cb);
	IAudioEndpointVolume_Release(w->vol);
	if (SUCCEEDED(init)) CoUninitialize();
	vc_release(&w->cb); // ours; frees it unless a callback still holds one
}
