package calls

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3" // also registers the "sqlite3" driver
)

// Store is the embedded call history: one SQLite file. Safe for concurrent
// use; Close it when done (a second Close is a no-op).
type Store struct {
	db   *sql.DB
	path string
}

// DefaultStorePath is MEDIADESK_DB, else history.db under the user's config
// directory.
func DefaultStorePath() string {
	if p := os.Getenv("MEDIADESK_DB"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "mediadesk", "history.db")
}

// OpenStore opens (creating if needed) the history at path. A file that is
// not SQLite, a damaged one, another program's database, or one written by
// a newer MediaDesk is refused with a clear *Error; nothing in it is
// changed.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	return OpenStoreWith(ctx, path, StoreOptions{})
}

// StoreOptions tunes OpenStoreWith; the zero value is what OpenStore uses.
type StoreOptions struct {
	// CacheKiB is SQLite's page cache per connection (default 2048, SQLite's
	// own). The window uses less: it reads a page of rows at a time.
	CacheKiB int
	// MaxConns caps the open connections (default 4).
	MaxConns int
}

// OpenStoreWith is OpenStore with memory settings.
func OpenStoreWith(ctx context.Context, path string, opts StoreOptions) (*Store, error) {
	if opts.CacheKiB <= 0 {
		opts.CacheKiB = 2048
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 4
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, storeErr(CodeStoreCorrupt, "cannot create the history folder", path, err)
	}
	// Inspect before changing anything: no WAL switch, no migration, until
	// we know the file is ours (or new).
	// synchronous=NORMAL is safe with WAL: a crash never corrupts the file;
	// a power cut may lose the last transaction, which a re-sync restores.
	dsn := fmt.Sprintf("%s?_busy_timeout=5000&_txlock=immediate&_synchronous=NORMAL&_cache_size=-%d", fileURI(path), opts.CacheKiB)
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, storeErr(CodeStoreCorrupt, "cannot open the history", path, err)
	}
	db.SetMaxOpenConns(opts.MaxConns)
	s := &Store{db: db, path: path}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// corrupt turns SQLite's "the file is damaged" errors, met by a query on
// a store too big for the full check at open, into STORE_CORRUPT with what
// to do.
func (s *Store) corrupt(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB) {
		return storeErr(CodeStoreCorrupt, "the history file is damaged", s.path, err)
	}
	return err
}

func storeErr(code, msg, path string, err error) *Error {
	details := "file: " + path
	switch code {
	case CodeStoreCorrupt:
		details += "; move it aside (nothing was changed) and sync or import again"
	case CodeStoreForeign:
		details += "; choose another file with --db or MEDIADESK_DB (nothing was changed)"
	case CodeStoreTooNew:
		details += "; update MediaDesk (nothing was changed)"
	}
	e := newError(code, msg, details)
	e.Err = err
	return e
}

// Close closes the database. A second Close is a no-op.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

// Meta reads a stored setting ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, s.corrupt(err)
}

// SetMeta stores a setting.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return s.corrupt(setMeta(ctx, s.db, key, value))
}

// execer is a *sql.DB or a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// setMeta stores a setting through db: the store's, or a transaction.
func setMeta(ctx context.Context, db execer, key, value string) error {
	_, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// MetaMe is where the account's own uid is kept (for direction filters).
const MetaMe = "account.me"

// fileURI makes path a SQLite URI filename in which no character of the
// name (#, ?, %, spaces, non-ASCII) can be read as URI syntax or as one of
// our parameters: everything but unreserved characters, '/' and ':' is
// %-escaped, and SQLite decodes the escapes back to the name's bytes.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" && !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x is written file:///C:/x
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		ch := p[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("-._~/:", ch) >= 0 {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	if strings.HasPrefix(p, "/") {
		return "file://" + b.String() // an empty authority, so "//x" stays a path
	}
	return "file:" + b.String()
}
