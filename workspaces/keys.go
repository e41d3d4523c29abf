package workspaces

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/models"
)

// MaxNameLength bounds a workspace's and a key's name, in characters.
const MaxNameLength = 100

// StaffRoles are the roles of the keys this package makes: people's keys.
// Widget keys belong to a channel and are made and revoked with it.
var StaffRoles = []string{models.RoleAdmin, models.RoleRep, models.RoleAuditor}

// HashKey is how API keys are stored: hex SHA-256. Keys carry 160 random
// bits, so a slow password hash would add nothing.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// NewKey returns a new random API key for a role, e.g. "sb_admin_…", and its
// display prefix.
func NewKey(role string) (key, prefix string) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	key = "sb_" + role + "_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return key, key[:min(len(key), 14)]
}

// Key is an API key as listings show it: never its secret.
type Key struct {
	ID          string     `json:"id"`
	WorkspaceID string     `json:"workspace_id"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	Team        string     `json:"team,omitempty"`
	Prefix      string     `json:"prefix"`
	CreatedAt   time.Time  `json:"created_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
}

// CreatedKey is a key just made, with its secret: the one time it is shown.
type CreatedKey struct {
	Key
	Secret string `json:"key"`
}

// KeyInput is a key to make.
type KeyInput struct {
	WorkspaceID string
	// Role is one of StaffRoles.
	Role string
	// Name says whose key it is. A rep's is required: it is the name
	// customers see ("Ada from Support has joined").
	Name string
	// Team is the team whose handoffs a rep key serves ("" = every team);
	// only rep keys have one, and the team must exist.
	Team string
}

// normalize trims the input and checks it, naming the field.
func (in *KeyInput) normalize() error {
	in.Role = strings.TrimSpace(in.Role)
	in.Name = strings.TrimSpace(in.Name)
	in.Team = strings.TrimSpace(in.Team)
	switch in.Role {
	case models.RoleAdmin, models.RoleRep, models.RoleAuditor:
	case "":
		return apperr.Invalid("role", "must be one of admin, rep, auditor")
	default:
		return apperr.Invalid("role", "\""+in.Role+"\" is not one of admin, rep, auditor")
	}
	if in.Name == "" && in.Role == models.RoleRep {
		return apperr.Invalid("name", "required for a rep key: customers see it (\"Ada from Support has joined\")")
	}
	if err := checkName("name", in.Name, true); err != nil {
		return err
	}
	if in.Team != "" && in.Role != models.RoleRep {
		return apperr.Invalid("team", "only rep keys serve a team")
	}
	if len(in.Team) > 64 {
		return apperr.Invalid("team", "longer than 64 characters")
	}
	return nil
}

// checkName checks a name: not longer than MaxNameLength, no control
// characters, and not empty unless optional.
func checkName(field, name string, optional bool) error {
	if name == "" {
		if optional {
			return nil
		}
		return apperr.Invalid(field, "must not be empty")
	}
	if !utf8.ValidString(name) {
		return apperr.Invalid(field, "is not valid UTF-8")
	}
	if utf8.RuneCountInString(name) > MaxNameLength {
		return apperr.Invalid(field, "longer than 100 characters")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return apperr.Invalid(field, "must not contain control characters")
		}
	}
	return nil
}

// CreateKey makes a staff key in an existing workspace.
func CreateKey(ctx context.Context, db *gorm.DB, in KeyInput) (CreatedKey, error) {
	if err := in.normalize(); err != nil {
		return CreatedKey{}, err
	}
	var created CreatedKey
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := workspaceExists(tx, in.WorkspaceID); err != nil {
			return err
		}
		if in.Team != "" {
			var n int64
			if err := tx.Model(&models.Team{}).Where("workspace_id = ? AND key = ?", in.WorkspaceID, in.Team).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalid("team", "no team \""+in.Team+"\" in the workspace (create it with PUT /v1/teams/"+in.Team+")")
			}
		}
		var err error
		created, err = insertKey(tx, in, time.Now().UTC())
		return err
	})
	if err != nil {
		return CreatedKey{}, err
	}
	return created, nil
}

// insertKey writes a new key of an input already checked.
func insertKey(tx *gorm.DB, in KeyInput, now time.Time) (CreatedKey, error) {
	secret, prefix := NewKey(in.Role)
	name := in.Name
	if name == "" {
		name = in.Role
	}
	row := models.APIKey{
		ID: uuid.NewString(), WorkspaceID: in.WorkspaceID, Name: name, Role: in.Role, Team: in.Team,
		Prefix: prefix, Hash: HashKey(secret), CreatedAt: now,
	}
	if err := tx.Create(&row).Error; err != nil {
		return CreatedKey{}, err
	}
	return CreatedKey{Key: keyOf(row), Secret: secret}, nil
}

func keyOf(row models.APIKey) Key {
	return Key{
		ID: row.ID, WorkspaceID: row.WorkspaceID, Name: row.Name, Role: row.Role, Team: row.Team,
		Prefix: row.Prefix, CreatedAt: row.CreatedAt, RevokedAt: row.RevokedAt,
	}
}

// ListKeys lists a workspace's staff keys, revoked ones included, oldest
// first.
func ListKeys(ctx context.Context, db *gorm.DB, workspaceID string) ([]Key, error) {
	if err := workspaceExists(db.WithContext(ctx), workspaceID); err != nil {
		return nil, err
	}
	var rows []models.APIKey
	if err := db.WithContext(ctx).Where("workspace_id = ? AND role IN ?", workspaceID, StaffRoles).
		Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Key, 0, len(rows))
	for _, r := range rows {
		out = append(out, keyOf(r))
	}
	return out, nil
}

// RevokeKey revokes a staff key of the workspace: from now on every request
// with it gets 401, and its open event streams end. Revoking a revoked key
// changes nothing. The workspace's last admin key cannot be revoked, so it
// is never left without one.
func RevokeKey(ctx context.Context, db *gorm.DB, workspaceID, keyID string) (Key, error) {
	var out Key
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row models.APIKey
		if err := tx.Where("workspace_id = ? AND id = ? AND role IN ?", workspaceID, keyID, StaffRoles).
			Limit(1).Find(&row).Error; err != nil {
			return err
		}
		if row.ID == "" {
			return apperr.Errorf(apperr.ENOTFOUND, "key %s not found", keyID)
		}
		if row.RevokedAt != nil {
			out = keyOf(row)
			return nil
		}
		if row.Role == models.RoleAdmin {
			var admins int64
			if err := tx.Model(&models.APIKey{}).Where("workspace_id = ? AND role = ? AND revoked_at IS NULL", workspaceID, models.RoleAdmin).
				Count(&admins).Error; err != nil {
				return err
			}
			if admins <= 1 {
				return apperr.Errorf(apperr.ECONFLICT, "key %s is the workspace's last admin key: create another admin key first", keyID)
			}
		}
		now := time.Now().UTC()
		res := tx.Model(&models.APIKey{}).Where("id = ? AND revoked_at IS NULL", row.ID).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		row.RevokedAt = &now
		out = keyOf(row)
		return nil
	})
	if err != nil {
		return Key{}, err
	}
	return out, nil
}

// KeyActive reports whether the key exists and is not revoked.
func KeyActive(ctx context.Context, db *gorm.DB, keyID string) (bool, error) {
	var n int64
	err := db.WithContext(ctx).Model(&models.APIKey{}).Where("id = ? AND revoked_at IS NULL", keyID).Count(&n).Error
	return n > 0, err
}

// workspaceExists is nil when the workspace exists, else ENOTFOUND.
func workspaceExists(tx *gorm.DB, id string) error {
	if id == "" {
		return apperr.Invalid("workspace", "must not be empty")
	}
	var n int64
	if err := tx.Model(&models.Workspace{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return apperr.Errorf(apperr.ENOTFOUND, "workspace %s not found", id)
	}
	return nil
}
