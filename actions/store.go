package actions

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/models"
	"github.com/switchboardhq/switchboard/sealed"
)

// SecretPurpose binds a sealed header value to its workspace, action and
// header: a value copied to another row does not open there.
func SecretPurpose(workspaceID, action, header string) string {
	return "action-header:" + workspaceID + "/" + action + "/" + header
}

// ErrNotFound is the error of Load for an action the workspace lacks.
var ErrNotFound = errors.New("no such action")

// Loaded is an HTTP action ready to call: its definition, its opened secret
// headers and the workspace's allow-listed hosts.
type Loaded struct {
	Spec    Spec
	Enabled bool
	Secrets map[string]string
	Hosts   []string
}

// Load reads an action and opens its secret headers with box.
func Load(ctx context.Context, db *gorm.DB, box *sealed.Box, workspaceID, name string) (Loaded, error) {
	var row models.Action
	err := db.WithContext(ctx).Where("workspace_id = ? AND action = ?", workspaceID, name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Loaded{}, ErrNotFound
	}
	if err != nil {
		return Loaded{}, fmt.Errorf("load action %s: %w", name, err)
	}
	spec, err := SpecOf(row)
	if err != nil {
		return Loaded{}, fmt.Errorf("action %s: %w", name, err)
	}
	out := Loaded{Spec: spec, Enabled: row.Enabled, Secrets: map[string]string{}}
	for header, v := range row.SecretHeaders.V {
		if out.Secrets[header], err = box.Open(v, SecretPurpose(workspaceID, name, header)); err != nil {
			return Loaded{}, fmt.Errorf("action %s: secret header %s: %w", name, header, err)
		}
	}
	var ws models.Workspace
	if err := db.WithContext(ctx).Select("action_hosts").Where("id = ?", workspaceID).Take(&ws).Error; err != nil {
		return Loaded{}, fmt.Errorf("load workspace: %w", err)
	}
	out.Hosts = ws.ActionHosts.V
	return out, nil
}
