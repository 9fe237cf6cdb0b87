// Windows device identity and change notifications for package mmdevice:
// the configuration manager (cfgmgr32) for container ids and
// device-interface arrivals, and an IMMNotificationClient (MMDevice API)
// for audio endpoints. Strings are UTF-16.
#include <stdint.h>

// md_container_id fills out (38 UTF-16 units + NUL) with the container id
// of a device interface (isInterface) or a device instance id. Returns a
// CONFIGRET (0 is success).
unsigned long md_container_id(const uint16_t *id, int isInterface, uint16_t out[40]);

// md_cm_notifications reports whether this system has the configuration
// manager's notifications (CM_Register_Notification, Windows 8+; Wine 8
// lacks it). Without them md_watch starts the audio-endpoint callbacks
// only.
int md_cm_notifications(void);

// md_watch starts change notifications; each calls mdNativeChanged(token).
// Returns an opaque handle for md_unwatch (NULL if nothing could start).
void *md_watch(uintptr_t token);
void md_unwatch(void *h);
