package alletra

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// VolumeSetSnapshotRequest describes snapshots of every member of a volume
// set, taken by the array in one operation. Name is required.
type VolumeSetSnapshotRequest struct {
	// Name is a VV name pattern that gives each member's snapshot its own
	// name, e.g. "@vvname@-daily" or "backup-@count@" (the patterns are
	// those of the array's CLI reference, "VV Name Patterns"). A plain name
	// only works for a set of one volume.
	Name string `json:"name"`
	// ID is the volume ID of the first snapshot; 0 lets the array choose.
	ID int `json:"id,omitempty"`
	// Comment is free text (up to 511 characters).
	Comment string `json:"comment,omitempty"`
	// ReadOnly makes read-only snapshots; the array's default is read-write.
	ReadOnly bool `json:"readOnly,omitempty"`
	// ExpirationHours makes the array delete the snapshots after that many
	// hours (1 to 43800); 0 means never.
	ExpirationHours int `json:"expirationHours,omitempty"`
	// RetentionHours keeps the snapshots from being deleted for that many
	// hours (1 to 43800); 0 means no retention.
	RetentionHours int `json:"retentionHours,omitempty"`
	// AddToSet adds the new snapshots to that volume set (seen in HPE's
	// PowerShell toolkit only).
	AddToSet string `json:"addToSet,omitempty"`
}

type setSnapshotBody struct {
	Action     string                    `json:"action"` // "createSnapshot"
	Parameters *VolumeSetSnapshotRequest `json:"parameters"`
}

// CreateSnapshot snapshots every member of the volume set at once.
//
// It is not an array task: the snapshots exist when the call returns (the
// WSAPI 1.3.1 guide answers 201 with a Location, no task id), so there is
// nothing to wait for and no Start variant.
//
// WSAPI: POST /api/v1/volumesets/<set> {"action":"createSnapshot",
// "parameters":{"name":<pattern>,...}} (HPE's python client
// createSnapshotOfVolumeSet); the answer's body is not read. Sent once: a pattern such as @count@ may not give the same names
// twice, so a request whose outcome is unknown is returned as an error, not
// repeated. A missing set gives ErrNotFound (code 102); an empty set
// ErrNotFound too (EMPTY_SET, 404, no public number); a name the pattern
// makes twice ErrInvalidInput; a snapshot name that is taken
// ErrAlreadyExists (code 22).
func (s *VolumeSetsService) CreateSnapshot(ctx context.Context, set string, req *VolumeSetSnapshotRequest) error {
	if err := s.client.checkName("set", set); err != nil {
		return err
	}
	if req == nil {
		return invalid("req", "nil *VolumeSetSnapshotRequest")
	}
	if err := checkNamePattern(req.Name); err != nil {
		return err
	}
	if req.ID < 0 {
		return invalid("ID", fmt.Sprintf("must not be negative, got %d", req.ID))
	}
	if err := checkComment(req.Comment); err != nil {
		return err
	}
	if err := checkHours("ExpirationHours", req.ExpirationHours); err != nil {
		return err
	}
	if err := checkHours("RetentionHours", req.RetentionHours); err != nil {
		return err
	}
	if req.RetentionHours > 0 && req.ExpirationHours > 0 && req.RetentionHours > req.ExpirationHours {
		return invalid("RetentionHours", "above ExpirationHours (INV_INPUT_RETAIN_GT_EXPIRE)")
	}
	if req.AddToSet != "" {
		if err := s.client.checkName("AddToSet", req.AddToSet); err != nil {
			return err
		}
	}
	params := *req
	_, err := s.client.do(ctx, &call{method: http.MethodPost, path: pathf("/volumesets/%s", set),
		body: setSnapshotBody{Action: "createSnapshot", Parameters: &params}, kind: CallDelta})
	return err
}

// checkNamePattern validates a VV name pattern: "@keyword@" parts are
// letters, the text around them name characters (letters, digits, '.',
// '-', '_'), and the name does not start with '-'. The length of the names
// it makes is the array's to judge.
func checkNamePattern(pattern string) error {
	if pattern == "" {
		return invalid("Name", "empty")
	}
	if pattern[0] == '-' {
		return invalid("Name", "must not start with '-'")
	}
	parts := strings.Split(pattern, "@")
	if len(parts)%2 == 0 {
		return invalid("Name", "unbalanced '@' in the name pattern")
	}
	for i, p := range parts {
		for _, r := range p {
			letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if i%2 == 1 && !letter || i%2 == 0 && !letter && !(r >= '0' && r <= '9') && !strings.ContainsRune(".-_", r) {
				return invalid("Name", fmt.Sprintf("illegal character %q in the name pattern", r))
			}
		}
		if i%2 == 1 && p == "" {
			return invalid("Name", "empty pattern keyword \"@@\"")
		}
	}
	return nil
}
