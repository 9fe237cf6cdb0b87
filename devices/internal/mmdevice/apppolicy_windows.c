// One program's own default endpoint for package mmdevice. See
// apppolicy_windows.h.
#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mmdeviceapi.h>
#include <wchar.h>
#include "apppolicy_windows.h"

// The factory is the activation factory of the Windows Runtime class
// Windows.Media.Internal.AudioPolicyConfig. It is in no SDK: the layout
// below is what EarTrumpet has relied on since Windows 10 1803, written
// here from its description. After IUnknown and IInspectable come 19
// methods MediaDesk never calls (volume groups, ringer, chat application),
// then the three per-process default methods. The interface id changed in
// Windows 10 21H2 with the layout kept; both are tried, the newer first.
static const IID md_IID_AppPolicy21H2 = {0xab3d4648, 0xe242, 0x459f, {0xb0, 0x2f, 0x54, 0x1c, 0x70, 0x30, 0x63, 0x24}};
static const IID md_IID_AppPolicy1803 = {0x2a59116d, 0x6c4f, 0x45e0, {0xa7, 0x4f, 0x70, 0x7e, 0x3f, 0xef, 0x92, 0x58}};

typedef struct md_AppPolicy md_AppPolicy;
typedef struct {
	HRESULT(STDMETHODCALLTYPE *QueryInterface)(md_AppPolicy *, REFIID, void **);
	ULONG(STDMETHODCALLTYPE *AddRef)(md_AppPolicy *);
	ULONG(STDMETHODCALLTYPE *Release)(md_AppPolicy *);
	void *inspectable[3]; // GetIids, GetRuntimeClassName, GetTrustLevel
	void *unused[19];
	HRESULT(STDMETHODCALLTYPE *SetPersistedDefaultAudioEndpoint)(md_AppPolicy *, UINT32 pid, EDataFlow, ERole, void *hstring);
	HRESULT(STDMETHODCALLTYPE *GetPersistedDefaultAudioEndpoint)(md_AppPolicy *, UINT32 pid, EDataFlow, ERole, void **hstring);
	HRESULT(STDMETHODCALLTYPE *ClearAllPersistedApplicationDefaultEndpoints)(md_AppPolicy *);
} md_AppPolicyVtbl;
struct md_AppPolicy {
	const md_AppPolicyVtbl *lpVtbl;
};

// The Windows Runtime string and activation calls, from combase.dll at
// run time: a system without them is one without the factory, not an
// executable that fails to start.
typedef HRESULT(WINAPI *md_CreateString)(LPCWSTR, UINT32, void **);
typedef HRESULT(WINAPI *md_DeleteString)(void *);
typedef HRESULT(WINAPI *md_GetFactory)(void *, REFIID, void **);

typedef struct {
	md_CreateString create;
	md_DeleteString del;
	md_GetFactory factory;
} md_winrt;

static HRESULT md_winrt_load(md_winrt *rt) {
	HMODULE m = LoadLibraryW(L"combase.dll");
	if (!m) return REGDB_E_CLASSNOTREG;
	rt->create = (md_CreateString)(void *)GetProcAddress(m, "WindowsCreateString");
	rt->del = (md_DeleteString)(void *)GetProcAddress(m, "WindowsDeleteString");
	rt->factory = (md_GetFactory)(void *)GetProcAddress(m, "RoGetActivationFactory");
	// combase stays loaded: COM itself holds it for the process.
	return rt->create && rt->del && rt->factory ? S_OK : REGDB_E_CLASSNOTREG;
}

static HRESULT md_app_policy(md_winrt *rt, md_AppPolicy **out) {
	*out = NULL;
	HRESULT hr = md_winrt_load(rt);
	if (FAILED(hr)) return hr;
	static const wchar_t cls[] = L"Windows.Media.Internal.AudioPolicyConfig";
	void *name = NULL;
	hr = rt->create(cls, (UINT32)wcslen(cls), &name);
	if (FAILED(hr)) return hr;
	hr = rt->factory(name, &md_IID_AppPolicy21H2, (void **)out);
	if (hr == E_NOINTERFACE) hr = rt->factory(name, &md_IID_AppPolicy1803, (void **)out);
	rt->del(name);
	return hr;
}

long md_app_policy_probe(void) {
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	md_winrt rt;
	md_AppPolicy *p = NULL;
	HRESULT hr = md_app_policy(&rt, &p);
	if (p) p->lpVtbl->Release(p);
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}

long md_set_app_default(unsigned pid, int input, const uint16_t *id) {
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	md_winrt rt;
	md_AppPolicy *p = NULL;
	void *dev = NULL; // NULL: back to the system default
	HRESULT hr = md_app_policy(&rt, &p);
	if (SUCCEEDED(hr) && id[0]) {
		// The endpoint's device interface path: the endpoint id between
		// the software-device prefix and the audio render or capture
		// interface class.
		static const wchar_t prefix[] = L"\\\\?\\SWD#MMDEVAPI#";
		const wchar_t *suffix = input ? L"#{2eef81be-33fa-4800-9670-1cd474972c3f}" : L"#{e6327cad-dcec-4949-ae8a-991e976a79d2}";
		size_t n = wcslen(prefix) + wcslen((const wchar_t *)id) + wcslen(suffix) + 1;
		wchar_t *path = (wchar_t *)CoTaskMemAlloc(n * sizeof(wchar_t));
		if (!path) {
			hr = E_OUTOFMEMORY;
		} else {
			path[0] = 0;
			wcscat(path, prefix);
			wcscat(path, (const wchar_t *)id);
			wcscat(path, suffix);
			hr = rt.create(path, (UINT32)wcslen(path), &dev);
			CoTaskMemFree(path);
		}
	}
	if (SUCCEEDED(hr)) {
		ERole roles[3] = {eConsole, eMultimedia, eCommunications};
		EDataFlow flow = input ? eCapture : eRender;
		for (int i = 0; i < 3 && SUCCEEDED(hr); i++) hr = p->lpVtbl->SetPersistedDefaultAudioEndpoint(p, pid, flow, roles[i], dev);
	}
	if (dev) rt.del(dev);
	if (p) p->lpVtbl->Release(p);
	if (SUCCEEDED(init)) CoUninitialize();
	return hr;
}
