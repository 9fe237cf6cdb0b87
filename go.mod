module github.com/mediadesk/mediadesk

go 1.26.8

require (
	github.com/gen2brain/malgo v0.11.24
	github.com/jfreymuth/pulse v0.1.1
	golang.org/x/sys v0.49.0
)

require github.com/mattn/go-sqlite3 v1.14.53

require (
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
