package knowledge

import (
	"context"
	"fmt"

	"github.com/weaviate/weaviate/entities/models"
)

// A content snapshot is a copy of a workspace's chunks, kept in a tenant of
// its own in the chunk collection, so that a rehearsal can answer from the
// content as it was. A copy keeps the chunks' IDs, properties and vectors:
// searched in its tenant, it scores as the workspace's tenant did when the
// copy was taken, since BM25's term statistics are a tenant's own.
//
// A snapshot is searched only while a rehearsal uses it, so its tenant is
// kept inactive (on disk, out of Weaviate's memory) the rest of the time:
// the chunk collection activates a tenant when it is searched, and the
// copy, and each rehearsal's end, park it again (ParkSnapshot).

// snapshotTenantPrefix starts every snapshot's tenant name. A workspace's
// tenant is its ID, a UUID, which never starts so.
const snapshotTenantPrefix = "snapshot-"

// SnapshotTenant is the tenant holding a snapshot's chunks. Snapshot IDs
// are UUIDs, so the name is within Weaviate's 64 characters.
func SnapshotTenant(snapshotID string) string { return snapshotTenantPrefix + snapshotID }

// snapshotPageSize is how many chunks one read of a copy fetches, and one
// batch writes.
const snapshotPageSize = 100

// SnapshotCounts is what a snapshot holds.
type SnapshotCounts struct {
	Chunks  int
	Sources int
}

// Snapshot copies the workspace's chunks into the snapshot's tenant. A copy
// that fails half way is deleted: a snapshot either holds every chunk read or
// does not exist. Chunks written while the copy runs may or may not be in it
// (the caller checks that the content did not change meanwhile).
func (s *Store) Snapshot(ctx context.Context, workspaceID, snapshotID string) (SnapshotCounts, error) {
	tenant := SnapshotTenant(snapshotID)
	if err := s.ensureTenant(ctx, ClassName, tenant); err != nil {
		return SnapshotCounts{}, err
	}
	counts, err := s.copyChunks(ctx, workspaceID, tenant)
	if err == nil {
		err = s.settle(ctx, ClassName, tenant)
	}
	if err == nil {
		err = s.ParkSnapshot(ctx, snapshotID)
	}
	if err != nil {
		if delErr := s.DeleteSnapshot(context.WithoutCancel(ctx), snapshotID); delErr != nil {
			return SnapshotCounts{}, fmt.Errorf("%w (and the partial copy was not deleted: %v)", err, delErr)
		}
		return SnapshotCounts{}, err
	}
	return counts, nil
}

// copyChunks copies every chunk of the workspace's tenant into tenant, a
// page at a time, following Weaviate's cursor (objects ordered by ID).
func (s *Store) copyChunks(ctx context.Context, workspaceID, tenant string) (SnapshotCounts, error) {
	var counts SnapshotCounts
	sources := map[string]bool{}
	after := ""
	for {
		get := s.client.Data().ObjectsGetter().WithClassName(ClassName).WithTenant(workspaceID).
			WithLimit(snapshotPageSize).WithVector()
		if after != "" {
			get = get.WithAfter(after)
		}
		page, err := get.Do(ctx)
		if err != nil {
			if noTenant(describe(err).Error()) {
				return counts, nil // nothing was ever indexed
			}
			return counts, fmt.Errorf("read chunks to snapshot: %w", describe(err))
		}
		if len(page) == 0 {
			return counts, nil
		}
		batch := s.client.Batch().ObjectsBatcher()
		for _, o := range page {
			batch.WithObjects(&models.Object{Class: ClassName, ID: o.ID, Tenant: tenant, Properties: o.Properties, Vector: o.Vector})
			if p, ok := o.Properties.(map[string]any); ok {
				if id, ok := p["sourceId"].(string); ok {
					sources[id] = true
				}
			}
		}
		resp, err := batch.Do(ctx)
		if err != nil {
			return counts, fmt.Errorf("write snapshot chunks: %w", describe(err))
		}
		for _, r := range resp {
			if r.Result != nil && r.Result.Errors != nil && len(r.Result.Errors.Error) > 0 {
				return counts, fmt.Errorf("write snapshot chunk %s: %s", r.ID, r.Result.Errors.Error[0].Message)
			}
		}
		counts.Chunks += len(page)
		counts.Sources = len(sources)
		after = page[len(page)-1].ID.String()
	}
}

// ParkSnapshot makes a snapshot's tenant inactive: its chunks leave
// Weaviate's memory until it is searched again. A snapshot that does not
// exist is no error.
func (s *Store) ParkSnapshot(ctx context.Context, snapshotID string) error {
	tenant := SnapshotTenant(snapshotID)
	if exists, err := s.snapshotExists(ctx, tenant); err != nil || !exists {
		return err
	}
	err := s.client.Schema().TenantsUpdater().WithClassName(ClassName).
		WithTenants(models.Tenant{Name: tenant, ActivityStatus: models.TenantActivityStatusINACTIVE}).Do(ctx)
	if err != nil {
		return fmt.Errorf("park snapshot tenant: %w", describe(err))
	}
	return nil
}

// SnapshotActive reports whether a snapshot's tenant is in Weaviate's
// memory.
func (s *Store) SnapshotActive(ctx context.Context, snapshotID string) (bool, error) {
	tenants, err := s.client.Schema().TenantsGetter().WithClassName(ClassName).Do(ctx)
	if err != nil {
		return false, fmt.Errorf("read tenants: %w", describe(err))
	}
	for _, t := range tenants {
		if t.Name == SnapshotTenant(snapshotID) {
			return t.ActivityStatus == models.TenantActivityStatusACTIVE || t.ActivityStatus == models.TenantActivityStatusHOT, nil
		}
	}
	return false, nil
}

// DeleteSnapshot deletes a snapshot's chunks; one that does not exist is no
// error.
func (s *Store) DeleteSnapshot(ctx context.Context, snapshotID string) error {
	tenant := SnapshotTenant(snapshotID)
	if exists, err := s.snapshotExists(ctx, tenant); err != nil || !exists {
		return err
	}
	if err := s.client.Schema().TenantsDeleter().WithClassName(ClassName).WithTenants(tenant).Do(ctx); err != nil {
		return fmt.Errorf("delete snapshot tenant: %w", describe(err))
	}
	return nil
}

// snapshotExists reports whether the snapshot tenant exists.
func (s *Store) snapshotExists(ctx context.Context, tenant string) (bool, error) {
	exists, err := s.client.Schema().TenantsExists().WithClassName(ClassName).WithTenant(tenant).Do(ctx)
	if err != nil {
		return false, fmt.Errorf("check snapshot tenant: %w", describe(err))
	}
	return exists, nil
}
