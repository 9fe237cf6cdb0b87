// COM pieces shared by endpointvolume_windows.c and mmdevice_windows.c
// (package mmdevice's C; not for the cgo preamble).
#include <stdint.h>
#include <windows.h>
#include <mmdeviceapi.h>

// Our own copies of the GUIDs both use (values from the Windows SDK /
// mingw-w64 headers), so no initguid.h games are needed.
extern const CLSID md_CLSID_MMDeviceEnumerator;
extern const IID md_IID_IMMDeviceEnumerator;
extern const IID md_IID_IUnknown;

// md_new_enumerator creates an IMMDeviceEnumerator; COM must be
// initialised on this thread.
HRESULT md_new_enumerator(IMMDeviceEnumerator **en);

// md_get_device gets the endpoint with the id (UTF-16, NUL-terminated);
// COM must be initialised on this thread.
HRESULT md_get_device(const uint16_t *id, IMMDevice **dev);

// md_com_query is QueryInterface for a COM object of ours that answers one
// interface, iid, beside IUnknown: This is returned with a reference added
// through its own AddRef.
HRESULT md_com_query(void *This, REFIID riid, const IID *iid, void **out);
