package server

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/switchboardhq/switchboard/apperr"
	"github.com/switchboardhq/switchboard/crm"
)

// The CRM API: admins import, write and delete the company's contacts,
// orders and products, keyed by the company's external IDs; auditors read
// them. What a record may hold is package crm's business.

// crmRoutes adds the CRM routes to v1.
func (s *Server) crmRoutes(v1 *gin.RouterGroup) {
	for _, kind := range []string{"contacts", "orders", "products"} {
		v1.POST("/crm/"+kind+"/import", s.auth(roleAdmin), s.importCRM(kind))
		v1.GET("/crm/"+kind, s.auth(roleAdmin, roleAuditor), s.listCRM(kind))
		v1.GET("/crm/"+kind+"/:externalID", s.auth(roleAdmin, roleAuditor), s.getCRM(kind))
		v1.PUT("/crm/"+kind+"/:externalID", s.auth(roleAdmin), s.putCRM(kind))
		v1.DELETE("/crm/"+kind+"/:externalID", s.auth(roleAdmin), s.deleteCRM(kind))
	}
}

func (s *Server) crmService() *crm.Service { return &crm.Service{DB: s.DB} }

// importCRM upserts the records of a JSON lines (application/x-ndjson) or
// CSV (text/csv) body, streamed: it is not held in memory, and is not bound
// by MaxBodyBytes (crm.MaxRowBytes bounds a row, crm.MaxImportRows the rows).
func (s *Server) importCRM(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principal(c)
		mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
		var format crm.Format
		switch mediaType {
		case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
			format = crm.FormatJSONLines
		case "text/csv":
			format = crm.FormatCSV
		default:
			s.fail(c, apperr.Invalid("Content-Type", fmt.Sprintf("%q: send application/x-ndjson (JSON lines) or text/csv", mediaType)))
			return
		}
		svc, ctx, body := s.crmService(), c.Request.Context(), c.Request.Body
		var res crm.ImportResult
		var err error
		switch kind {
		case "contacts":
			res, err = svc.ImportContacts(ctx, p.WorkspaceID, format, body)
		case "orders":
			res, err = svc.ImportOrders(ctx, p.WorkspaceID, format, body)
		default:
			res, err = svc.ImportProducts(ctx, p.WorkspaceID, format, body)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, res)
	}
}

// externalID returns the :externalID path parameter.
func externalID(c *gin.Context) (string, error) {
	id := c.Param("externalID")
	return id, crm.ValidExternalID("external_id", id)
}

// getCRM returns one record; an order comes with its returns and the
// actions the agent took about it.
func (s *Server) getCRM(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principal(c)
		id, err := externalID(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		svc, ctx := s.crmService(), c.Request.Context()
		var out any
		switch kind {
		case "contacts":
			out, err = svc.GetContact(ctx, p.WorkspaceID, id)
		case "orders":
			out, err = svc.GetOrder(ctx, p.WorkspaceID, id)
		default:
			out, err = svc.GetProduct(ctx, p.WorkspaceID, id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, out)
	}
}

// putCRM creates (201) or replaces (200) one record; a body's external_id,
// when given, must be the path's.
func (s *Server) putCRM(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principal(c)
		id, err := externalID(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		svc, ctx := s.crmService(), c.Request.Context()
		var out any
		var created bool
		switch kind {
		case "contacts":
			var rec crm.ContactRecord
			if err = s.readJSON(c, &rec); err == nil {
				out, created, err = svc.PutContact(ctx, p.WorkspaceID, id, rec)
			}
		case "orders":
			var rec crm.OrderRecord
			if err = s.readJSON(c, &rec); err == nil {
				out, created, err = svc.PutOrder(ctx, p.WorkspaceID, id, rec)
			}
		default:
			var rec crm.ProductRecord
			if err = s.readJSON(c, &rec); err == nil {
				out, created, err = svc.PutProduct(ctx, p.WorkspaceID, id, rec)
			}
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		c.JSON(status, out)
	}
}

// deleteCRM deletes one record → 204; a contact's personal data is erased
// with it (see crm.Service.DeleteContact).
func (s *Server) deleteCRM(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principal(c)
		id, err := externalID(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		svc, ctx := s.crmService(), c.Request.Context()
		switch kind {
		case "contacts":
			err = svc.DeleteContact(ctx, p.WorkspaceID, id)
		case "orders":
			err = svc.DeleteOrder(ctx, p.WorkspaceID, id)
		default:
			err = svc.DeleteProduct(ctx, p.WorkspaceID, id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// listCRM lists a page of records (?limit=, ?page_token=, and the kind's
// filters: see the crm.Service List methods).
func (s *Server) listCRM(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := principal(c)
		q := crm.ListQuery{Filters: map[string]string{}, PageToken: c.Query("page_token")}
		for name, values := range c.Request.URL.Query() {
			switch name {
			case "page_token":
			case "limit":
				n, err := strconv.Atoi(values[0])
				if err != nil || n < 1 || n > crm.MaxListLimit {
					s.fail(c, apperr.Invalid("limit", fmt.Sprintf("must be an integer from 1 to %d", crm.MaxListLimit)))
					return
				}
				q.Limit = n
			default:
				q.Filters[name] = values[0]
			}
		}
		svc, ctx := s.crmService(), c.Request.Context()
		var out any
		var next string
		var err error
		switch kind {
		case "contacts":
			out, next, err = svc.ListContacts(ctx, p.WorkspaceID, q)
		case "orders":
			out, next, err = svc.ListOrders(ctx, p.WorkspaceID, q)
		default:
			out, next, err = svc.ListProducts(ctx, p.WorkspaceID, q)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{kind: out, "next_page_token": next})
	}
}
