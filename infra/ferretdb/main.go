// Command ferretdb runs FerretDB 1.24.2 through its embeddable package, as the MongoDB-compatible
// read-model store of the local stack (scripts/stack.sh builds and starts it).
//
// It uses github.com/FerretDB/FerretDB/ferretdb rather than the upstream command because the
// upstream main panics when built from the module proxy, which ships no build/version/version.txt.
//
// Backend: this command defaults to SQLite, but scripts/stack.sh runs it on PostgreSQL (database
// `ferretdb` of the local cluster), because projections update documents by _id. On the same
// 2-core machine (mongodb driver 6.20.0), one updateOne by _id took about 1.5 ms in a collection
// of 200 documents and 3 ms with 1,000 on SQLite, growing with the collection, while on
// PostgreSQL 15 it stayed about 2 ms at 200, 1,000 and 5,000 documents. SQLite inserts were
// faster: 10,000 single insertOne calls took about 5.5 s against 9.6 s on PostgreSQL
// (scripts/lib/ferretdb-insert-bench.mjs).
//
// Environment:
//
//	FERRETDB_LISTEN_ADDR     TCP address to listen on (default 127.0.0.1:27117)
//	FERRETDB_HANDLER         "sqlite" (default) or "postgresql"
//	FERRETDB_SQLITE_URL      SQLite directory URI, must end with "/" (default file:.stack/data/ferretdb/)
//	FERRETDB_POSTGRESQL_URL  PostgreSQL URL for the postgresql handler
//	FERRETDB_LOG_LEVEL       debug, info (default), warn or error
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	logger, err := newLogger(envOr("FERRETDB_LOG_LEVEL", "info"))
	if err != nil {
		return err
	}

	config, err := configFromEnv(logger)
	if err != nil {
		return err
	}

	instance, err := ferretdb.New(config)
	if err != nil {
		return fmt.Errorf("start FerretDB with handler %q on %s failed: %w", config.Handler, config.Listener.TCP, err)
	}

	// SIGTERM and SIGINT cancel the context. Run then closes the listener, the open client
	// connections and the backend before it returns, so the process exits only after a clean shutdown.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	logger.Info("FerretDB starting", "handler", config.Handler, "listen", config.Listener.TCP, "pid", os.Getpid())

	if err := instance.Run(ctx); err != nil {
		return fmt.Errorf("FerretDB stopped with an error: %w", err)
	}

	logger.Info("FerretDB stopped")

	return nil
}

func configFromEnv(logger *slog.Logger) (*ferretdb.Config, error) {
	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: envOr("FERRETDB_LISTEN_ADDR", "127.0.0.1:27117")},
		Logger:   logger,
		Handler:  envOr("FERRETDB_HANDLER", "sqlite"),
	}

	switch config.Handler {
	case "sqlite":
		config.SQLiteURL = envOr("FERRETDB_SQLITE_URL", "file:.stack/data/ferretdb/")
		if !strings.HasSuffix(config.SQLiteURL, "/") {
			return nil, fmt.Errorf("invalid FERRETDB_SQLITE_URL %q: it must name a directory and end with \"/\"", config.SQLiteURL)
		}

	case "postgresql":
		config.PostgreSQLURL = os.Getenv("FERRETDB_POSTGRESQL_URL")
		if config.PostgreSQLURL == "" {
			return nil, fmt.Errorf("missing FERRETDB_POSTGRESQL_URL: the postgresql handler needs a URL such as postgres://user:password@127.0.0.1:55432/ferretdb")
		}

	default:
		return nil, fmt.Errorf("invalid FERRETDB_HANDLER %q: use \"sqlite\" or \"postgresql\"", config.Handler)
	}

	return config, nil
}

func newLogger(level string) (*slog.Logger, error) {
	var slogLevel slog.Level
	if err := slogLevel.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("invalid FERRETDB_LOG_LEVEL %q: use debug, info, warn or error", level)
	}

	handler := slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slogLevel})

	return slog.New(handler), nil
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}

	return fallback
}
