// Media Foundation camera listing for package mediafoundation.
#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mfapi.h>
#include <mfidl.h>
#include <stdlib.h>
#include <string.h>
#include "mediafoundation_windows.h"
#include "mf_windows.h"

// Our own copies of the GUIDs (values from the Windows SDK / mingw-w64
// headers), so no initguid.h games are needed; those the capture uses too
// are in mf_windows.c.
static const GUID md_FRIENDLY_NAME = {0x60d0e559, 0x52f8, 0x4fa2, {0xbb, 0xce, 0xac, 0xdb, 0x34, 0xa8, 0xec, 0x01}};

void md_mf_free(void *p) { free(p); }

static uint16_t *dup_w(const WCHAR *s) {
	size_t n = wcslen(s) + 1;
	uint16_t *d = malloc(n * sizeof(uint16_t));
	if (d) memcpy(d, s, n * sizeof(uint16_t));
	return d;
}

static uint16_t *get_string(IMFActivate *a, const GUID *key) {
	WCHAR *s = NULL;
	UINT32 len = 0;
	if (FAILED(IMFActivate_GetAllocatedString(a, key, &s, &len)) || !s) return NULL;
	uint16_t *d = dup_w(s);
	CoTaskMemFree(s);
	return d;
}

long md_cameras(md_camera **out, int *n) {
	*out = NULL;
	*n = 0;
	HRESULT hr = mf_load(0);
	if (FAILED(hr)) return hr;
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	hr = mf_fn.MFStartup(MF_VERSION, MFSTARTUP_LITE);
	if (FAILED(hr)) goto done;
	IMFAttributes *attrs = NULL;
	hr = mf_vidcap_attributes(NULL, &attrs);
	IMFActivate **devs = NULL;
	UINT32 count = 0;
	if (SUCCEEDED(hr)) hr = mf_fn.MFEnumDeviceSources(attrs, &devs, &count);
	if (SUCCEEDED(hr) && count > 0) {
		*out = calloc(count, sizeof(md_camera));
		for (UINT32 i = 0; i < count; i++) {
			if (*out) {
				(*out)[*n].name = get_string(devs[i], &md_FRIENDLY_NAME);
				(*out)[*n].link = get_string(devs[i], &mf_SYMBOLIC_LINK);
				if ((*out)[*n].link) (*n)++;
				else md_mf_free((*out)[*n].name);
			}
			IMFActivate_Release(devs[i]);
		}
		if (!*out) hr = E_OUTOFMEMORY;
	}
	if (devs) CoTaskMemFree(devs);
	if (attrs) IMFAttributes_Release(attrs);
	mf_fn.MFShutdown();
done:
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}

