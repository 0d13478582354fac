package teicor

import (
	"fmt"
	"strings"
)

// requireID checks that an id argument is not empty, so that a missing id
// fails with a clear error instead of reaching another path.
func requireID(op, name, value string) error {
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("teicor: %s: missing %s: pass the id returned by the API", op, name)
	}
	return nil
}

// requireName checks that a name argument is not empty.
func requireName(op, name, value string) error {
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("teicor: %s: missing %s", op, name)
	}
	return nil
}
