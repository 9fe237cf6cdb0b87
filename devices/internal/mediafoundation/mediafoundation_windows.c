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

// Our own copies of the GUIDs (values from the Windows SDK / mingw-w64
// headers), so no initguid.h games are needed.
static const GUID md_SOURCE_TYPE = {0xc60ac5fe, 0x252a, 0x478f, {0xa0, 0xef, 0xbc, 0x8f, 0xa5, 0xf7, 0xca, 0xd3}};
static const GUID md_SOURCE_TYPE_VIDCAP = {0x8ac3587a, 0x4ae7, 0x42d8, {0x99, 0xe0, 0x0a, 0x60, 0x13, 0xee, 0xf9, 0x0f}};
static const GUID md_FRIENDLY_NAME = {0x60d0e559, 0x52f8, 0x4fa2, {0xbb, 0xce, 0xac, 0xdb, 0x34, 0xa8, 0xec, 0x01}};
static const GUID md_SYMBOLIC_LINK = {0x58f0aad8, 0x22bf, 0x4f8a, {0xbb, 0x3d, 0xd2, 0xc4, 0x97, 0x8c, 0x6e, 0x2f}};

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

// Media Foundation is loaded when first needed, not linked: Windows N
// editions lack it until the Media Feature Pack is installed, and the app
// must still start there (without cameras).
typedef HRESULT(WINAPI *fn_MFStartup)(ULONG, DWORD);
typedef HRESULT(WINAPI *fn_MFShutdown)(void);
typedef HRESULT(WINAPI *fn_MFCreateAttributes)(IMFAttributes **, UINT32);
typedef HRESULT(WINAPI *fn_MFEnumDeviceSources)(IMFAttributes *, IMFActivate ***, UINT32 *);
static fn_MFStartup p_MFStartup;
static fn_MFShutdown p_MFShutdown;
static fn_MFCreateAttributes p_MFCreateAttributes;
static fn_MFEnumDeviceSources p_MFEnumDeviceSources;

static HRESULT load_mf(void) {
	if (p_MFEnumDeviceSources) return S_OK;
	HMODULE plat = LoadLibraryW(L"mfplat.dll");
	HMODULE mf = LoadLibraryW(L"mf.dll");
	if (!plat || !mf) return HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND);
	p_MFStartup = (fn_MFStartup)(void *)GetProcAddress(plat, "MFStartup");
	p_MFShutdown = (fn_MFShutdown)(void *)GetProcAddress(plat, "MFShutdown");
	p_MFCreateAttributes = (fn_MFCreateAttributes)(void *)GetProcAddress(plat, "MFCreateAttributes");
	fn_MFEnumDeviceSources e = (fn_MFEnumDeviceSources)(void *)GetProcAddress(mf, "MFEnumDeviceSources");
	if (!p_MFStartup || !p_MFShutdown || !p_MFCreateAttributes || !e) return HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
	p_MFEnumDeviceSources = e; // last: it marks the table complete
	return S_OK;
}

long md_cameras(md_camera **out, int *n) {
	*out = NULL;
	*n = 0;
	HRESULT hr = load_mf();
	if (FAILED(hr)) return hr;
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	hr = p_MFStartup(MF_VERSION, MFSTARTUP_LITE);
	if (FAILED(hr)) goto done;
	IMFAttributes *attrs = NULL;
	hr = p_MFCreateAttributes(&attrs, 1);
	if (SUCCEEDED(hr)) hr = IMFAttributes_SetGUID(attrs, &md_SOURCE_TYPE, &md_SOURCE_TYPE_VIDCAP);
	IMFActivate **devs = NULL;
	UINT32 count = 0;
	if (SUCCEEDED(hr)) hr = p_MFEnumDeviceSources(attrs, &devs, &count);
	if (SUCCEEDED(hr) && count > 0) {
		*out = calloc(count, sizeof(md_camera));
		for (UINT32 i = 0; i < count; i++) {
			if (*out) {
				(*out)[*n].name = get_string(devs[i], &md_FRIENDLY_NAME);
				(*out)[*n].link = get_string(devs[i], &md_SYMBOLIC_LINK);
				if ((*out)[*n].link) (*n)++;
				else md_mf_free((*out)[*n].name);
			}
			IMFActivate_Release(devs[i]);
		}
		if (!*out) hr = E_OUTOFMEMORY;
	}
	if (devs) CoTaskMemFree(devs);
	if (attrs) IMFAttributes_Release(attrs);
	p_MFShutdown();
done:
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}

