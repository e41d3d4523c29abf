package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/config"
	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/workspaces"
)

// RunWorkspace runs `switchboard workspace create|bootstrap` against the
// configured database, migrating it first.
//
//	workspace create --name NAME [--time-zone TZ] [--language TAG]
//	    prints the new workspace and its first admin key (shown this once)
//	workspace bootstrap --name NAME --out FILE [--time-zone TZ] [--language TAG]
//	    the same, only when the database has no workspace yet, writing the
//	    admin key to FILE instead of printing it; otherwise does nothing
func RunWorkspace(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: switchboard workspace create|bootstrap --name NAME …")
		return &ExitError{Code: 2}
	}
	fs := flag.NewFlagSet("workspace "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var in workspaces.SettingsInput
	fs.StringVar(&in.Name, "name", "", "the workspace's name (required)")
	fs.StringVar(&in.TimeZone, "time-zone", workspaces.DefaultTimeZone, "an IANA time zone")
	fs.StringVar(&in.DefaultLanguage, "language", workspaces.DefaultLanguage, "the default language, a BCP 47 tag")
	fs.IntVar(&in.Credits, "credits", workspaces.DefaultCredits, "credits the workspace starts with (a resolved conversation consumes one)")
	var out string
	switch args[0] {
	case "create":
	case "bootstrap":
		fs.StringVar(&out, "out", "", "the file the admin key is written to (required)")
	default:
		fmt.Fprintf(stderr, "switchboard workspace: unknown command %q (create, bootstrap)\n", args[0])
		return &ExitError{Code: 2}
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	db, err := openMigrated(cfg)
	if err != nil {
		return err
	}
	defer closeDB(db)

	if args[0] == "create" {
		created, err := workspaces.Create(ctx, db, in)
		if err != nil {
			return err
		}
		return printJSON(stdout, created)
	}
	if out == "" {
		fmt.Fprintln(stderr, "switchboard workspace bootstrap: --out: required")
		return &ExitError{Code: 2}
	}
	created, made, err := workspaces.Bootstrap(ctx, db, in, func(c workspaces.Created) error {
		return writeSecretFile(out, c)
	})
	if err != nil {
		return err
	}
	if !made {
		return printJSON(stdout, map[string]any{"created": false, "message": "the database has a workspace already: nothing to do"})
	}
	return printJSON(stdout, map[string]any{
		"created": true, "workspace": created.Workspace, "admin_key_id": created.AdminKey.ID, "admin_key_file": out,
	})
}

// RunKeys runs `switchboard keys create|list|revoke` against the configured
// database, migrating it first.
//
//	keys create --workspace ID --role admin|rep|auditor [--team T] [--name NAME]
//	keys list --workspace ID
//	keys revoke --workspace ID --key KEYID
func RunKeys(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: switchboard keys create|list|revoke --workspace ID …")
		return &ExitError{Code: 2}
	}
	fs := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	workspace := fs.String("workspace", "", "the workspace's ID (required)")
	var in workspaces.KeyInput
	var keyID string
	switch args[0] {
	case "create":
		fs.StringVar(&in.Role, "role", "", "admin, rep or auditor (required)")
		fs.StringVar(&in.Team, "team", "", "the team a rep key serves (default: every team)")
		fs.StringVar(&in.Name, "name", "", "whose key it is (required for a rep: customers see it)")
	case "list":
	case "revoke":
		fs.StringVar(&keyID, "key", "", "the key's ID, as keys list shows it (required)")
	default:
		fmt.Fprintf(stderr, "switchboard keys: unknown command %q (create, list, revoke)\n", args[0])
		return &ExitError{Code: 2}
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *workspace == "" {
		fmt.Fprintf(stderr, "switchboard keys %s: --workspace: required\n", args[0])
		return &ExitError{Code: 2}
	}
	if args[0] == "revoke" && keyID == "" {
		fmt.Fprintln(stderr, "switchboard keys revoke: --key: required")
		return &ExitError{Code: 2}
	}
	db, err := openMigrated(cfg)
	if err != nil {
		return err
	}
	defer closeDB(db)

	switch args[0] {
	case "create":
		in.WorkspaceID = *workspace
		key, err := workspaces.CreateKey(ctx, db, in)
		if err != nil {
			return err
		}
		return printJSON(stdout, key)
	case "list":
		keys, err := workspaces.ListKeys(ctx, db, *workspace)
		if err != nil {
			return err
		}
		return printJSON(stdout, map[string]any{"keys": keys})
	default:
		key, err := workspaces.RevokeKey(ctx, db, *workspace, keyID)
		if err != nil {
			return err
		}
		return printJSON(stdout, key)
	}
}

// parseFlags parses a subcommand's flags: -h prints the usage and succeeds,
// a bad flag exits 2 (the flag package has said why).
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return &ExitError{Code: 0}
	}
	if err != nil {
		return &ExitError{Code: 2}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "switchboard %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return &ExitError{Code: 2}
	}
	return nil
}

// openMigrated opens the configured database and migrates it, so the
// commands work on an empty one.
func openMigrated(cfg config.Config) (*gorm.DB, error) {
	db, err := models.Open(cfg.EffectiveDatabaseURL())
	if err != nil {
		return nil, err
	}
	if err := models.Migrate(db); err != nil {
		closeDB(db)
		return nil, err
	}
	return db, nil
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeSecretFile writes v as JSON to path, readable by its owner only,
// through a temporary file renamed into place: the file is whole or absent.
func writeSecretFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".admin-key-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// RunCredits runs `switchboard credits grant|balance` against the configured
// database: the operator's grants of the credits resolved conversations
// consume.
//
//	credits grant --workspace ID --amount N   prints the new balance
//	credits balance --workspace ID
func RunCredits(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "grant" && args[0] != "balance") {
		fmt.Fprintln(stderr, "usage: switchboard credits grant|balance --workspace ID [--amount N]")
		return &ExitError{Code: 2}
	}
	fs := flag.NewFlagSet("credits "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	workspace := fs.String("workspace", "", "the workspace's ID (required)")
	amount := fs.Int("amount", 0, "credits to add (grant)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *workspace == "" {
		fmt.Fprintf(stderr, "switchboard credits %s: --workspace: required\n", args[0])
		return &ExitError{Code: 2}
	}
	db, err := openMigrated(cfg)
	if err != nil {
		return err
	}
	defer closeDB(db)
	var b workspaces.Balance
	if args[0] == "grant" {
		b, err = workspaces.GrantCredits(ctx, db, *workspace, *amount)
	} else {
		b, err = workspaces.CreditBalance(ctx, db, *workspace)
	}
	if err != nil {
		return err
	}
	return printJSON(stdout, b)
}
