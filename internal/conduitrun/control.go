package conduitrun

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"syscall"
	"time"
)

// Exited reports whether the Conduit process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// ExitError returns the error from waiting on the process, nil while it
// runs or when it exited with status 0.
func (p *Process) ExitError() error {
	if !p.Exited() {
		return nil
	}
	return p.waitErr
}

// Kill sends SIGKILL to Conduit and the plugins it started, as a crash
// would, and waits for Conduit to exit.
func (p *Process) Kill() error {
	if p.Exited() {
		return nil
	}
	if err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("failed to kill conduit process group %d: %w", p.cmd.Process.Pid, err)
	}
	<-p.exited
	return nil
}

// Stop sends SIGINT so that Conduit stops its pipelines gracefully, and
// waits up to timeout for it to exit. After the timeout it kills the
// process group and returns an error.
func (p *Process) Stop(timeout time.Duration) error {
	if p.Exited() {
		return p.waitErr
	}
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return fmt.Errorf("failed to send SIGINT to conduit: %w", err)
	}

	select {
	case <-p.exited:
		if p.waitErr != nil {
			return fmt.Errorf("conduit exited with an error after SIGINT: %w", p.waitErr)
		}
		return nil
	case <-time.After(timeout):
		_ = p.Kill()
		return fmt.Errorf("conduit did not exit within %s of SIGINT and was killed", timeout)
	}
}

// ansiEscape matches the terminal color codes of Conduit's cli log format,
// which it writes even when the output is a file.
var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Logs returns everything Conduit has written to stdout and stderr so far,
// without terminal color codes.
func (p *Process) Logs() string {
	data, err := os.ReadFile(p.LogPath)
	if err != nil {
		return fmt.Sprintf("(failed to read conduit log %s: %v)", p.LogPath, err)
	}
	return ansiEscape.ReplaceAllString(string(data), "")
}
