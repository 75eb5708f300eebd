// Command compose-check loads a compose file the way `docker compose` does and prints the resolved
// project as JSON, or fails with the reason. Loading covers the .env file next to the compose file
// and the process environment, variable interpolation (including ${VAR:?message}), `extends`,
// profiles, validation against the Compose Specification JSON schema that compose-go embeds, and
// compose-go's consistency checks (undefined networks, volumes, secrets, configs, depends_on
// targets). It needs no Docker engine.
//
// Usage: compose-check [-profile name]... docker-compose.yml
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/sirupsen/logrus"
)

// compose-go reports through logrus what docker compose prints as warnings (an unset variable
// becomes an empty string); printed plainly, one per line.
type plain struct{}

func (plain) Format(entry *logrus.Entry) ([]byte, error) {
	return []byte(entry.Level.String() + ": " + entry.Message + "\n"), nil
}

type profiles []string

func (p *profiles) String() string     { return strings.Join(*p, ",") }
func (p *profiles) Set(v string) error { *p = append(*p, v); return nil }

func main() {
	var active profiles
	flag.Var(&active, "profile", "a profile to enable, as docker compose --profile (repeatable)")
	flag.Parse()
	logrus.SetFormatter(plain{})
	if flag.NArg() != 1 {
		fail("usage: compose-check [-profile name]... <compose file>")
	}
	file, err := filepath.Abs(flag.Arg(0))
	if err != nil {
		fail("%v", err)
	}
	// The options docker compose itself passes to compose-go, minus the ones that read COMPOSE_FILE
	// or look for a default file name: the file is named on the command line.
	options, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithOsEnv,
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(active...),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail("%v", err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail("%v", err)
	}
	out, err := json.MarshalIndent(project, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(string(out))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}
