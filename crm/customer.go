package crm

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboardhq/switchboard/models"
)

// customerOrders bounds the orders a customer's account shows: the newest.
const customerOrders = 10

// Account is a customer's record as a rep reads it beside their
// conversation: the contact with the email the customer proved, and their
// newest orders.
type Account struct {
	Contact ContactRecord `json:"contact"`
	Orders  []OrderRecord `json:"orders"`
}

// AccountOf is the account of the contact with the email, nil when no
// contact has it. The caller has the email from a verification: an email
// a customer only typed names no account.
func (s *Service) AccountOf(ctx context.Context, workspaceID, email string) (*Account, error) {
	db := s.DB.WithContext(ctx)
	var c models.Contact
	if err := db.Where("workspace_id = ? AND email = ?", workspaceID, strings.ToLower(email)).Limit(1).Find(&c).Error; err != nil {
		return nil, fmt.Errorf("read the contact: %w", err)
	}
	if c.ID == "" {
		return nil, nil
	}
	var rows []models.Order
	if err := db.Where("workspace_id = ? AND contact_id = ?", workspaceID, c.ID).
		Order("placed_at DESC, id").Limit(customerOrders).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read the contact's orders: %w", err)
	}
	out := &Account{Contact: ContactOut(c), Orders: make([]OrderRecord, 0, len(rows))}
	for _, o := range rows {
		out.Orders = append(out.Orders, orderOut(o, c.ExternalID))
	}
	return out, nil
}
