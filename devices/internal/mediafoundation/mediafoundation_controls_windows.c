// Camera controls for package mediafoundation: IAMVideoProcAmp (brightness,
// contrast, hue, saturation, sharpness, gamma, white balance, backlight
// compensation, gain) and IAMCameraControl (pan, tilt, zoom, exposure,
// iris, focus) on the Media Foundation device source of one symbolic
// link, which implements both (ksproxy's property sets). Written against
// Microsoft's documentation; not run on Windows (Wine has no cameras).
#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mfapi.h>
#include <mfidl.h>
#include <strmif.h>
#include <stdlib.h>
#include "mediafoundation_windows.h"
#include "mf_windows.h"

// Our own copies of the IIDs (values from mingw-w64's libstrmiids), so no
// extra library is linked.
static const GUID mk_IID_IAMVideoProcAmp = {0xc6e13360, 0x30ac, 0x11d0, {0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56}};
static const GUID mk_IID_IAMCameraControl = {0xc6e13370, 0x30ac, 0x11d0, {0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56}};

struct md_controls {
	mf_camera cam_src;
	IAMVideoProcAmp *proc;  // NULL when the source has none
	IAMCameraControl *cam; // NULL when the source has none
};

long md_controls_open(const uint16_t *link, md_controls **out) {
	*out = NULL;
	md_controls *c = calloc(1, sizeof(md_controls));
	if (!c) return E_OUTOFMEMORY;
	c->cam_src.com = E_FAIL;
	HRESULT hr = mf_camera_open(link, &c->cam_src);
	if (FAILED(hr)) goto fail;
	if (FAILED(IMFMediaSource_QueryInterface(c->cam_src.source, &mk_IID_IAMVideoProcAmp, (void **)&c->proc))) c->proc = NULL;
	if (FAILED(IMFMediaSource_QueryInterface(c->cam_src.source, &mk_IID_IAMCameraControl, (void **)&c->cam))) c->cam = NULL;
	*out = c;
	return S_OK;
fail:
	md_controls_close(c);
	return hr;
}

long md_control_range(md_controls *c, int set, long prop, long *min, long *max, long *step, long *def, long *caps) {
	if (set == 0 && c->proc) return IAMVideoProcAmp_GetRange(c->proc, prop, min, max, step, def, caps);
	if (set == 1 && c->cam) return IAMCameraControl_GetRange(c->cam, prop, min, max, step, def, caps);
	return E_NOINTERFACE;
}

long md_control_get(md_controls *c, int set, long prop, long *value, long *flags) {
	if (set == 0 && c->proc) return IAMVideoProcAmp_Get(c->proc, prop, value, flags);
	if (set == 1 && c->cam) return IAMCameraControl_Get(c->cam, prop, value, flags);
	return E_NOINTERFACE;
}

long md_control_set(md_controls *c, int set, long prop, long value, long flags) {
	if (set == 0 && c->proc) return IAMVideoProcAmp_Set(c->proc, prop, value, flags);
	if (set == 1 && c->cam) return IAMCameraControl_Set(c->cam, prop, value, flags);
	return E_NOINTERFACE;
}

void md_controls_close(md_controls *c) {
	if (!c) return;
	if (c->proc) IAMVideoProcAmp_Release(c->proc);
	if (c->cam) IAMCameraControl_Release(c->cam);
	mf_camera_close(&c->cam_src);
	free(c);
}
