// Package assets holds MediaDesk's embedded files: the app icon (drawn for
// MediaDesk; icon.svg is the source, icon.png is rendered from it with
// `rsvg-convert -w 512 -h 512 icon.svg -o icon.png`).
package assets

import _ "embed"

// Icon is the 512×512 PNG app icon.
//
//go:embed icon.png
var Icon []byte
