#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include "com_windows.h"

const CLSID md_CLSID_MMDeviceEnumerator = {0xbcde0395, 0xe52f, 0x467c, {0x8e, 0x3d, 0xc4, 0x57, 0x92, 0x91, 0x69, 0x2e}};
const IID md_IID_IMMDeviceEnumerator = {0xa95664d2, 0x9614, 0x4f35, {0xa7, 0x46, 0xde, 0x8d, 0xb6, 0x36, 0x17, 0xe6}};
const IID md_IID_IUnknown = {0x00000000, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

HRESULT md_new_enumerator(IMMDeviceEnumerator **en) {
	*en = NULL;
	return CoCreateInstance(&md_CLSID_MMDeviceEnumerator, NULL, CLSCTX_ALL, &md_IID_IMMDeviceEnumerator, (void **)en);
}

HRESULT md_get_device(const uint16_t *id, IMMDevice **dev) {
	IMMDeviceEnumerator *en = NULL;
	*dev = NULL;
	HRESULT hr = md_new_enumerator(&en);
	if (SUCCEEDED(hr)) hr = IMMDeviceEnumerator_GetDevice(en, (LPCWSTR)id, dev);
	if (en) IMMDeviceEnumerator_Release(en);
	return hr;
}

HRESULT md_com_query(void *This, REFIID riid, const IID *iid, void **out) {
	if (IsEqualIID(riid, &md_IID_IUnknown) || IsEqualIID(riid, iid)) {
		*out = This;
		IUnknown_AddRef((IUnknown *)This);
		return S_OK;
	}
	*out = NULL;
	return E_NOINTERFACE;
}
