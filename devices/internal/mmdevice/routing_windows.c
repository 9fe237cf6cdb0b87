// The system default endpoint and the endpoint's audio sessions for
// package mmdevice. See routing_windows.h.
#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mmdeviceapi.h>
#include <audiopolicy.h>
#include <string.h>
#include "routing_windows.h"
#include "com_windows.h"

// IPolicyConfig (Windows 7 and later) is not in any SDK header: its
// CLSID, IID and vtable are as EarTrumpet, SoundSwitch and NirCmd have
// used them since Windows 7. Only SetDefaultEndpoint is called; the slots
// before it are declared so its offset is right.
static const CLSID rt_CLSID_PolicyConfigClient = {0x870af99c, 0x171d, 0x4f9e, {0xaf, 0x0d, 0xe6, 0x3d, 0xf4, 0x0c, 0x2b, 0xc9}};
static const IID rt_IID_IPolicyConfig = {0xf8679f50, 0x850a, 0x41cf, {0x9c, 0x72, 0x43, 0x0f, 0x29, 0x02, 0x90, 0xc8}};

typedef struct md_IPolicyConfig md_IPolicyConfig;
typedef struct {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(md_IPolicyConfig *, REFIID, void **);
	ULONG(STDMETHODCALLTYPE *AddRef)(md_IPolicyConfig *);
	ULONG(STDMETHODCALLTYPE *Release)(md_IPolicyConfig *);
	void *GetMixFormat, *GetDeviceFormat, *ResetDeviceFormat, *SetDeviceFormat;
	void *GetProcessingPeriod, *SetProcessingPeriod, *GetShareMode, *SetShareMode;
	void *GetPropertyValue, *SetPropertyValue;
	HRESULT(STDMETHODCALLTYPE *SetDefaultEndpoint)(md_IPolicyConfig *, LPCWSTR, ERole);
	void *SetEndpointVisibility;
} md_IPolicyConfigVtbl;
struct md_IPolicyConfig {
	const md_IPolicyConfigVtbl *lpVtbl;
};

long md_set_default(const uint16_t *id) {
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	md_IPolicyConfig *pc = NULL;
	HRESULT hr = CoCreateInstance(&rt_CLSID_PolicyConfigClient, NULL, CLSCTX_ALL, &rt_IID_IPolicyConfig, (void **)&pc);
	if (SUCCEEDED(hr)) {
		ERole roles[3] = {eConsole, eMultimedia, eCommunications};
		for (int i = 0; i < 3 && SUCCEEDED(hr); i++) hr = pc->lpVtbl->SetDefaultEndpoint(pc, (LPCWSTR)id, roles[i]);
		pc->lpVtbl->Release(pc);
	}
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}

static const IID rt_IID_IAudioSessionManager2 = {0x77aa99a0, 0x1bd6, 0x484f, {0x8b, 0xc7, 0x2c, 0x65, 0x4c, 0x9a, 0x9b, 0x6f}};
static const IID rt_IID_IAudioSessionControl2 = {0xbfb7ff88, 0x7239, 0x4fc9, {0x8f, 0xa2, 0x07, 0xc9, 0x50, 0xbe, 0x9c, 0x6d}};
static const IID rt_IID_ISimpleAudioVolume = {0x87ce5498, 0x68d6, 0x44e5, {0x92, 0x15, 0x6d, 0xa4, 0x7e, 0xf8, 0x83, 0xd8}};

long md_sessions(const uint16_t *id, md_session *out, int *n) {
	*n = 0;
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	IMMDevice *dev = NULL;
	IAudioSessionManager2 *mgr = NULL;
	IAudioSessionEnumerator *en = NULL;
	HRESULT hr = md_get_device(id, &dev);
	if (SUCCEEDED(hr)) hr = IMMDevice_Activate(dev, &rt_IID_IAudioSessionManager2, CLSCTX_ALL, NULL, (void **)&mgr);
	if (SUCCEEDED(hr)) hr = IAudioSessionManager2_GetSessionEnumerator(mgr, &en);
	int count = 0;
	if (SUCCEEDED(hr)) hr = IAudioSessionEnumerator_GetCount(en, &count);
	for (int i = 0; SUCCEEDED(hr) && i < count && *n < MD_MAX_SESSIONS; i++) {
		IAudioSessionControl *ctl = NULL;
		IAudioSessionControl2 *ctl2 = NULL;
		if (FAILED(IAudioSessionEnumerator_GetSession(en, i, &ctl))) continue;
		if (SUCCEEDED(IAudioSessionControl_QueryInterface(ctl, &rt_IID_IAudioSessionControl2, (void **)&ctl2))) {
			md_session *s = &out[*n];
			memset(s, 0, sizeof(*s));
			DWORD pid = 0;
			AudioSessionState st = AudioSessionStateInactive;
			IAudioSessionControl2_GetProcessId(ctl2, &pid);
			IAudioSessionControl2_GetState(ctl2, &st);
			s->pid = pid;
			s->state = (int)st;
			s->system = IAudioSessionControl2_IsSystemSoundsSession(ctl2) == S_OK;
			LPWSTR name = NULL;
			if (SUCCEEDED(IAudioSessionControl2_GetDisplayName(ctl2, &name)) && name) {
				size_t len = wcslen(name);
				if (len > 127) len = 127;
				memcpy(s->name, name, len * sizeof(uint16_t));
				CoTaskMemFree(name);
			}
			ISimpleAudioVolume *vol = NULL;
			if (SUCCEEDED(IAudioSessionControl2_QueryInterface(ctl2, &rt_IID_ISimpleAudioVolume, (void **)&vol))) {
				BOOL m = FALSE;
				if (SUCCEEDED(ISimpleAudioVolume_GetMute(vol, &m))) s->muted = m ? 1 : 0;
				ISimpleAudioVolume_Release(vol);
			}
			IAudioSessionControl2_Release(ctl2);
			(*n)++;
		}
		IAudioSessionControl_Release(ctl);
	}
	if (en) IAudioSessionEnumerator_Release(en);
	if (mgr) IAudioSessionManager2_Release(mgr);
	if (dev) IMMDevice_Release(dev);
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}
