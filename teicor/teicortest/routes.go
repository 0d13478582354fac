package teicortest

import (
	"net/http"
	"strconv"
)

// Header names of the contract.
const (
	headerAppSlug   = "X-Teicor-App-Slug"
	headerRequestID = "X-Request-Id"
)

// corePrefix is the path prefix of every core API route.
const corePrefix = "/api/v1/teams/{team}/apps/{app}"

func authPath(team, app string) string {
	return "/auth/v1/teams/" + team + "/apps/" + app + "/runtime-token"
}

type authKind int

const (
	authService authKind = iota // service token and app slug header
	authRuntime                 // authority token, scope checked per method
	authNone                    // no check, for the not-found fallback
)

func (s *Server) registerCoreRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET "+corePrefix+"/context", RouteGetContext, authService, s.getContext)
	s.handle(mux, "GET "+corePrefix+"/core/state", RouteGetCoreState, authService, s.getCoreState)
	s.handle(mux, "PATCH "+corePrefix+"/core/state", RoutePatchCoreState, authService, s.patchCoreState)
	s.handle(mux, "/", routeUnknown, authNone, notFoundRoute)
}

func (s *Server) registerRuntimeRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /auth/v1/teams/{team}/apps/{app}/runtime-token", RouteToken, authService, s.issueToken)

	routes := []struct {
		pattern, route string
		fn             handlerFunc
	}{
		{"GET /api/schemas", RouteListSchemas, s.listSchemas},
		{"POST /api/schemas", RouteCreateSchema, s.createSchema},
		{"PATCH /api/schemas/{name}", RouteUpdateSchema, s.updateSchema},
		{"DELETE /api/schemas/{name}", RouteDeleteSchema, s.deleteSchema},
		{"GET /api/tables", RouteListTables, s.listTables},
		{"POST /api/tables", RouteCreateTable, s.createTable},
		{"GET /api/tables/{id}", RouteGetTable, s.getTable},
		{"PATCH /api/tables/{id}", RouteUpdateTable, s.updateTable},
		{"DELETE /api/tables/{id}", RouteDeleteTable, s.deleteTable},
		{"GET /api/tables/{id}/columns", RouteListColumns, s.listColumns},
		{"POST /api/tables/{id}/columns", RouteCreateColumn, s.createColumn},
		{"PATCH /api/tables/{id}/columns/{cid}", RouteUpdateColumn, s.updateColumn},
		{"DELETE /api/tables/{id}/columns/{cid}", RouteDeleteColumn, s.deleteColumn},
		{"GET /api/tables/{id}/records", RouteListRecords, s.listRecords},
		{"POST /api/tables/{id}/records", RouteCreateRecord, s.createRecord},
		{"POST /api/tables/{id}/records/bulk", RouteBulkUpsert, s.bulkUpsert},
		{"GET /api/tables/{id}/records/{rid}", RouteGetRecord, s.getRecord},
		{"PATCH /api/tables/{id}/records/{rid}", RouteUpdateRecord, s.updateRecord},
		{"DELETE /api/tables/{id}/records/{rid}", RouteDeleteRecord, s.deleteRecord},
		{"GET /api/tables/{id}/sync-status", RouteTableSyncStatus, s.tableSyncStatus},
		{"GET /api/queries", RouteListQueries, s.listQueries},
		{"GET /api/queries/{id}", RouteGetQuery, s.getQuery},
		{"POST /api/queries/{id}/execute", RouteExecuteQuery, s.executeQuery},
		{"GET /api/queries/{id}/data", RouteGetQueryData, s.getQueryData},
	}
	for _, rt := range routes {
		s.handle(mux, rt.pattern, rt.route, authRuntime, rt.fn)
	}
	if s.cfg.separateRuntime {
		s.handle(mux, "/", routeUnknown, authNone, notFoundRoute)
	}
}

func notFoundRoute(r *http.Request) (int, any, error) {
	return 0, nil, errNotFound("no API operation for %s %s", r.Method, r.URL.Path)
}

// handle registers fn under pattern and wraps it with the steps every
// request takes: request id and Date headers, counting, the OnRequest
// hook, latency and faults, then authentication.
func (s *Server) handle(mux *http.ServeMux, pattern, route string, auth authKind, fn handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		requestID := "req_" + strconv.FormatUint(s.requestSeq.Add(1), 10)
		w.Header().Set(headerRequestID, requestID)
		w.Header().Set("Date", s.clock.Now().Format(http.TimeFormat))

		hook, delay, fault := s.traffic.admit(route)
		if hook != nil {
			hook(route)
		}
		if !sleepCtx(r.Context(), delay) {
			return
		}
		if fault != nil {
			s.logFault(route, requestID, fault)
			if applyFault(w, fault) {
				return
			}
		}

		if err := s.authenticate(r, auth); err != nil {
			s.writeError(w, route, requestID, err)
			return
		}
		status, body, err := fn(r)
		if err != nil {
			s.writeError(w, route, requestID, err)
			return
		}
		writeJSON(w, status, body)
	})
}

func (s *Server) authenticate(r *http.Request, auth authKind) error {
	switch auth {
	case authRuntime:
		return s.tokens.check(r, s.clock.Now())
	case authService:
		return s.checkServiceAuth(r)
	}
	return nil
}

// writeError writes err as the contract's error body and logs it.
func (s *Server) writeError(w http.ResponseWriter, route, requestID string, err error) {
	apiErr := asAPIError(err)
	if s.cfg.logger != nil {
		s.cfg.logger.Info("request failed", "route", route, "request_id", requestID,
			"status", apiErr.Status, "code", apiErr.Code, "error", apiErr.Message)
	}
	writeError(w, apiErr)
}

func (s *Server) logFault(route, requestID string, f *Fault) {
	if s.cfg.logger == nil || (f.Status == 0 && !f.Drop) {
		return
	}
	s.cfg.logger.Info("injected fault", "route", route, "request_id", requestID,
		"status", f.Status, "drop", f.Drop, "retry_after", f.RetryAfter)
}
