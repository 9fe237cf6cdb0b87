// Media Foundation camera listing for package mediafoundation. Strings are
// UTF-16 and owned by the caller after return.
#include <stdint.h>

typedef struct {
	uint16_t *name; // MF_DEVSOURCE_ATTRIBUTE_FRIENDLY_NAME
	uint16_t *link; // MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE_VIDCAP_SYMBOLIC_LINK
} md_camera;

// md_cameras lists video capture devices; *out is malloc'd (free each
// string with md_mf_free, then the array). Returns an HRESULT. Media
// Foundation is loaded at run time (Windows N editions lack it).
long md_cameras(md_camera **out, int *n);

void md_mf_free(void *p);
