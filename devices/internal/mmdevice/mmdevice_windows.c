#define WINVER 0x0A00
#define _WIN32_WINNT 0x0A00
#define COBJMACROS
#include <windows.h>
#include <mmdeviceapi.h>
#include <cfgmgr32.h>
#include <devpropdef.h>
#include <stdlib.h>
#include <string.h>
#include "mmdevice_windows.h"
#include "com_windows.h"

// Our own copies of the GUIDs and property keys (values from the Windows
// SDK / mingw-w64 headers), so no initguid.h games are needed; the ones
// endpointvolume_windows.c uses too are in com_windows.c.
static const DEVPROPKEY md_INSTANCE_ID = {{0x78c34fc8, 0x104a, 0x4aca, {0x9e, 0xa4, 0x52, 0x4d, 0x52, 0x99, 0x6e, 0x57}}, 256};
static const DEVPROPKEY md_CONTAINER_ID = {{0x8c7ed206, 0x3f8a, 0x4827, {0xb3, 0xab, 0xae, 0x9e, 0x1f, 0xae, 0xfc, 0x6c}}, 2};
static const GUID md_KSCATEGORY_VIDEO_CAMERA = {0xe5323777, 0xf976, 0x4f5b, {0x9b, 0x55, 0xb9, 0x46, 0x99, 0xc4, 0x6e, 0x44}};
static const GUID md_KSCATEGORY_AUDIO = {0x6994ad04, 0x93ef, 0x11d0, {0xa3, 0xcc, 0x00, 0xa0, 0xc9, 0x22, 0x31, 0x96}};
static const IID md_IID_IMMNotificationClient = {0x7991eec9, 0x7e89, 0x4d85, {0x83, 0x90, 0x6c, 0x70, 0x3c, 0xec, 0x60, 0xc0}};

// The configuration manager's Windows 8+ calls are loaded at run time, not
// linked: a system without them (Wine 8's cfgmgr32 has none of the three)
// would otherwise refuse to start the program at all. Without them,
// cameras have no container id and device-interface arrivals are left to
// the periodic rescan (md_cm_notifications says so to Go).
typedef CONFIGRET(WINAPI *fn_CM_Register_Notification)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK, PHCMNOTIFICATION);
typedef CONFIGRET(WINAPI *fn_CM_Unregister_Notification)(HCMNOTIFICATION);
typedef CONFIGRET(WINAPI *fn_CM_Get_Device_Interface_PropertyW)(LPCWSTR, const DEVPROPKEY *, DEVPROPTYPE *, PBYTE, PULONG, ULONG);
static fn_CM_Register_Notification p_CM_Register_Notification;
static fn_CM_Unregister_Notification p_CM_Unregister_Notification;
static fn_CM_Get_Device_Interface_PropertyW p_CM_Get_Device_Interface_PropertyW;
static INIT_ONCE cm_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK load_cm_once(PINIT_ONCE once, PVOID param, PVOID *ctx) {
	HMODULE cm = LoadLibraryW(L"cfgmgr32.dll");
	if (!cm) return TRUE;
	fn_CM_Register_Notification reg = (fn_CM_Register_Notification)(void *)GetProcAddress(cm, "CM_Register_Notification");
	fn_CM_Unregister_Notification unreg = (fn_CM_Unregister_Notification)(void *)GetProcAddress(cm, "CM_Unregister_Notification");
	if (reg && unreg) { // one is no use without the other
		p_CM_Register_Notification = reg;
		p_CM_Unregister_Notification = unreg;
	}
	p_CM_Get_Device_Interface_PropertyW = (fn_CM_Get_Device_Interface_PropertyW)(void *)GetProcAddress(cm, "CM_Get_Device_Interface_PropertyW");
	return TRUE;
}

static void load_cm(void) { InitOnceExecuteOnce(&cm_once, load_cm_once, NULL, NULL); }

int md_cm_notifications(void) {
	load_cm();
	return p_CM_Register_Notification != NULL;
}

// Implemented in Go (mmdevice_windows.go).
extern void mdNativeChanged(uintptr_t token);


static void guid_string(const GUID *g, uint16_t out[40]) {
	WCHAR buf[40];
	if (StringFromGUID2(g, buf, 40) > 0) memcpy(out, buf, sizeof(buf));
	else out[0] = 0;
}

unsigned long md_container_id(const uint16_t *id, int isInterface, uint16_t out[40]) {
	out[0] = 0;
	WCHAR instance[512];
	const WCHAR *inst = (const WCHAR *)id;
	DEVPROPTYPE type;
	ULONG size;
	CONFIGRET cr;
	if (isInterface) {
		load_cm();
		if (!p_CM_Get_Device_Interface_PropertyW) return CR_CALL_NOT_IMPLEMENTED;
		size = sizeof(instance);
		cr = p_CM_Get_Device_Interface_PropertyW((LPCWSTR)id, &md_INSTANCE_ID, &type, (PBYTE)instance, &size, 0);
		if (cr != CR_SUCCESS) return cr;
		inst = instance;
	}
	DEVINST dev;
	cr = CM_Locate_DevNodeW(&dev, (DEVINSTID_W)inst, CM_LOCATE_DEVNODE_NORMAL);
	if (cr != CR_SUCCESS) return cr;
	GUID g;
	size = sizeof(g);
	cr = CM_Get_DevNode_PropertyW(dev, &md_CONTAINER_ID, &type, (PBYTE)&g, &size, 0);
	if (cr != CR_SUCCESS) return cr;
	guid_string(&g, out);
	return CR_SUCCESS;
}

// --- change notifications ---------------------------------------------

typedef struct {
	IMMNotificationClient client; // first: the COM object
	LONG refs;
	uintptr_t token;
	IMMDeviceEnumerator *enumerator;
	HCMNOTIFICATION cm[2];
} md_watcher;

static HRESULT STDMETHODCALLTYPE nc_query(IMMNotificationClient *This, REFIID riid, void **out) {
	return md_com_query(This, riid, &md_IID_IMMNotificationClient, out);
}
static ULONG STDMETHODCALLTYPE nc_addref(IMMNotificationClient *This) { return InterlockedIncrement(&((md_watcher *)This)->refs); }
static ULONG STDMETHODCALLTYPE nc_release(IMMNotificationClient *This) {
	// The watcher's memory is freed by md_unwatch, after unregistering.
	return InterlockedDecrement(&((md_watcher *)This)->refs);
}
static HRESULT STDMETHODCALLTYPE nc_state(IMMNotificationClient *This, LPCWSTR id, DWORD state) {
	mdNativeChanged(((md_watcher *)This)->token);
	return S_OK;
}
static HRESULT STDMETHODCALLTYPE nc_added(IMMNotificationClient *This, LPCWSTR id) {
	mdNativeChanged(((md_watcher *)This)->token);
	return S_OK;
}
static HRESULT STDMETHODCALLTYPE nc_removed(IMMNotificationClient *This, LPCWSTR id) {
	mdNativeChanged(((md_watcher *)This)->token);
	return S_OK;
}
static HRESULT STDMETHODCALLTYPE nc_default(IMMNotificationClient *This, EDataFlow flow, ERole role, LPCWSTR id) {
	// One change fires once per role; the pipeline coalesces them.
	mdNativeChanged(((md_watcher *)This)->token);
	return S_OK;
}
static HRESULT STDMETHODCALLTYPE nc_property(IMMNotificationClient *This, LPCWSTR id, const PROPERTYKEY key) {
	// Property-value changes come in floods (volume, formats) and never
	// add, remove or re-default a device: ignored.
	return S_OK;
}

static IMMNotificationClientVtbl nc_vtbl = {nc_query, nc_addref, nc_release, nc_state, nc_added, nc_removed, nc_default, nc_property};

static DWORD CALLBACK cm_callback(HCMNOTIFICATION h, PVOID ctx, CM_NOTIFY_ACTION action, PCM_NOTIFY_EVENT_DATA data, DWORD size) {
	if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL || action == CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL)
		mdNativeChanged(((md_watcher *)ctx)->token);
	return ERROR_SUCCESS;
}

void *md_watch(uintptr_t token) {
	md_watcher *w = calloc(1, sizeof(md_watcher));
	if (!w) return NULL;
	w->client.lpVtbl = &nc_vtbl;
	w->refs = 1;
	w->token = token;
	int started = 0;

	// Audio endpoints: added, removed, state and default changes. The
	// enumerator lives in the multithreaded apartment, so the callbacks
	// come on COM's own threads and this thread may leave COM again.
	HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
	if (SUCCEEDED(md_new_enumerator(&w->enumerator))) {
		if (SUCCEEDED(IMMDeviceEnumerator_RegisterEndpointNotificationCallback(w->enumerator, &w->client))) started++;
		else {
			IMMDeviceEnumerator_Release(w->enumerator);
			w->enumerator = NULL;
		}
	}
	if (SUCCEEDED(init)) CoUninitialize();

	// Camera and audio device interfaces coming and going.
	const GUID *classes[2] = {&md_KSCATEGORY_VIDEO_CAMERA, &md_KSCATEGORY_AUDIO};
	for (int i = 0; md_cm_notifications() && i < 2; i++) {
		CM_NOTIFY_FILTER f;
		memset(&f, 0, sizeof(f));
		f.cbSize = sizeof(f);
		f.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
		f.u.DeviceInterface.ClassGuid = *classes[i];
		if (p_CM_Register_Notification(&f, w, cm_callback, &w->cm[i]) == CR_SUCCESS) started++;
		else w->cm[i] = NULL;
	}
	if (!started) {
		free(w);
		return NULL;
	}
	return w;
}

void md_unwatch(void *h) {
	md_watcher *w = h;
	if (!w) return;
	for (int i = 0; i < 2; i++)
		if (w->cm[i]) p_CM_Unregister_Notification(w->cm[i]); // waits for running callbacks
	if (w->enumerator) {
		HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
		IMMDeviceEnumerator_UnregisterEndpointNotificationCallback(w->enumerator, &w->client);
		IMMDeviceEnumerator_Release(w->enumerator);
		if (SUCCEEDED(init)) CoUninitialize();
	}
	free(w);
}
