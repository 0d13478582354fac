// Package e2e contains end-to-end tests that run the connector plugin in a
// real Conduit binary against the Teicor emulator on 127.0.0.1. Run them
// with `make test`, which builds the binaries and sets CONDUIT_BIN and
// CONNECTOR_BIN.
package e2e
