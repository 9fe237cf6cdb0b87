// Media Foundation as both the listing (mediafoundation_windows.c) and the
// capture (mediafoundation_capture_windows.c) load and use it. Package
// mediafoundation's C only; not for the cgo preamble.
#include <stdint.h>
#include <windows.h>
#include <mfapi.h>
#include <mfidl.h>
#include <mfreadwrite.h>

// Our own copies of the GUIDs both use (values from the Windows SDK /
// mingw-w64 headers), so no initguid.h games are needed.
extern const GUID mf_SOURCE_TYPE;        // MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE
extern const GUID mf_SOURCE_TYPE_VIDCAP; // ..._SOURCE_TYPE_VIDCAP_GUID
extern const GUID mf_SYMBOLIC_LINK;      // ..._SOURCE_TYPE_VIDCAP_SYMBOLIC_LINK

// Media Foundation is loaded when first needed, not linked: Windows N
// editions lack it until the Media Feature Pack is installed, and the app
// must still start there (without cameras).
typedef struct {
	HRESULT(WINAPI *MFStartup)(ULONG, DWORD);
	HRESULT(WINAPI *MFShutdown)(void);
	HRESULT(WINAPI *MFCreateAttributes)(IMFAttributes **, UINT32);
	HRESULT(WINAPI *MFEnumDeviceSources)(IMFAttributes *, IMFActivate ***, UINT32 *);
	HRESULT(WINAPI *MFCreateDeviceSource)(IMFAttributes *, IMFMediaSource **);
	HRESULT(WINAPI *MFCreateSourceReaderFromMediaSource)(IMFMediaSource *, IMFAttributes *, IMFSourceReader **);
} mf_api;
extern mf_api mf_fn;

// mf_load fills mf_fn with what the listing needs (mfplat.dll's MFStartup,
// MFShutdown and MFCreateAttributes, mf.dll's MFEnumDeviceSources) or,
// with capture, what a capture needs (the same three, mf.dll's
// MFCreateDeviceSource and mfreadwrite.dll's
// MFCreateSourceReaderFromMediaSource). Returns S_OK, or the Win32 error
// of a missing module or function as an HRESULT.
HRESULT mf_load(int capture);

// mf_vidcap_attributes makes the attributes that name the video capture
// sources and, when link is not NULL, the one with that symbolic link.
// *attrs is NULL or to be released.
HRESULT mf_vidcap_attributes(const uint16_t *link, IMFAttributes **attrs);

// mf_camera is one camera opened as a Media Foundation source on this
// thread: COM and MFStartup balanced by mf_camera_close.
typedef struct {
	IMFMediaSource *source; // NULL until opened
	HRESULT com;            // CoInitializeEx's result, to balance it
	int started;            // MFStartup succeeded
} mf_camera;

// mf_camera_open loads what a capture needs, starts COM and Media
// Foundation and opens the camera with this symbolic link (busy, denied
// by the camera privacy setting and gone come back as HRESULTs the Go
// side names). On failure what was started is left in m for
// mf_camera_close.
HRESULT mf_camera_open(const uint16_t *link, mf_camera *m);

// mf_camera_close shuts the source down (the camera is free at once, not
// when its last reference goes), releases it, and balances MFStartup and
// COM.
void mf_camera_close(mf_camera *m);
