#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include "mf_windows.h"

mf_api mf_fn;

const GUID mf_SOURCE_TYPE = {0xc60ac5fe, 0x252a, 0x478f, {0xa0, 0xef, 0xbc, 0x8f, 0xa5, 0xf7, 0xca, 0xd3}};
const GUID mf_SOURCE_TYPE_VIDCAP = {0x8ac3587a, 0x4ae7, 0x42d8, {0x99, 0xe0, 0x0a, 0x60, 0x13, 0xee, 0xf9, 0x0f}};
const GUID mf_SYMBOLIC_LINK = {0x58f0aad8, 0x22bf, 0x4f8a, {0xbb, 0x3d, 0xd2, 0xc4, 0x97, 0x8c, 0x6e, 0x2f}};

// mf_load_now fills the table for listing (capture 0) or capturing
// (capture 1); mf_load runs it once for each, whichever threads ask (the
// scan goroutine lists while a preview's reader thread may open).
static HRESULT mf_load_now(int capture) {
	HMODULE plat = LoadLibraryW(L"mfplat.dll");
	HMODULE m = LoadLibraryW(L"mf.dll");
	HMODULE rw = capture ? LoadLibraryW(L"mfreadwrite.dll") : NULL;
	if (!plat || !m || (capture && !rw)) return HRESULT_FROM_WIN32(ERROR_MOD_NOT_FOUND);
	mf_fn.MFStartup = (void *)GetProcAddress(plat, "MFStartup");
	mf_fn.MFShutdown = (void *)GetProcAddress(plat, "MFShutdown");
	mf_fn.MFCreateAttributes = (void *)GetProcAddress(plat, "MFCreateAttributes");
	if (!mf_fn.MFStartup || !mf_fn.MFShutdown || !mf_fn.MFCreateAttributes) return HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
	if (!capture) {
		void *e = (void *)GetProcAddress(m, "MFEnumDeviceSources");
		if (!e) return HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
		mf_fn.MFEnumDeviceSources = e;
		return S_OK;
	}
	mf_fn.MFCreateDeviceSource = (void *)GetProcAddress(m, "MFCreateDeviceSource");
	void *r = (void *)GetProcAddress(rw, "MFCreateSourceReaderFromMediaSource");
	if (!mf_fn.MFCreateDeviceSource || !r) return HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND);
	mf_fn.MFCreateSourceReaderFromMediaSource = r;
	return S_OK;
}

static INIT_ONCE mf_once[2] = {INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT};
static HRESULT mf_loaded[2];

static BOOL CALLBACK mf_load_once(PINIT_ONCE once, PVOID param, PVOID *ctx) {
	int capture = (int)(intptr_t)param;
	mf_loaded[capture] = mf_load_now(capture);
	return TRUE;
}

HRESULT mf_load(int capture) {
	capture = capture ? 1 : 0;
	InitOnceExecuteOnce(&mf_once[capture], mf_load_once, (PVOID)(intptr_t)capture, NULL);
	return mf_loaded[capture];
}

HRESULT mf_camera_open(const uint16_t *link, mf_camera *m) {
	HRESULT hr = mf_load(1);
	if (FAILED(hr)) return hr;
	m->com = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	hr = mf_fn.MFStartup(MF_VERSION, MFSTARTUP_LITE);
	if (FAILED(hr)) return hr;
	m->started = 1;
	IMFAttributes *attrs = NULL;
	hr = mf_vidcap_attributes(link, &attrs);
	if (SUCCEEDED(hr)) hr = mf_fn.MFCreateDeviceSource(attrs, &m->source);
	if (attrs) IMFAttributes_Release(attrs);
	return hr;
}

void mf_camera_close(mf_camera *m) {
	if (m->source) {
		IMFMediaSource_Shutdown(m->source);
		IMFMediaSource_Release(m->source);
		m->source = NULL;
	}
	if (m->started) mf_fn.MFShutdown();
	m->started = 0;
	if (SUCCEEDED(m->com)) CoUninitialize();
	m->com = E_FAIL;
}

HRESULT mf_vidcap_attributes(const uint16_t *link, IMFAttributes **attrs) {
	*attrs = NULL;
	HRESULT hr = mf_fn.MFCreateAttributes(attrs, link ? 2 : 1);
	if (SUCCEEDED(hr)) hr = IMFAttributes_SetGUID(*attrs, &mf_SOURCE_TYPE, &mf_SOURCE_TYPE_VIDCAP);
	if (SUCCEEDED(hr) && link) hr = IMFAttributes_SetString(*attrs, &mf_SYMBOLIC_LINK, (LPCWSTR)link);
	return hr;
}
