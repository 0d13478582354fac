package teicor

import (
	"net/url"
	"strings"
)

// Every path, query parameter and header name of the Teicor API lives in
// this file, so that a difference with the production API is a change here
// and nowhere else.

// Header names.
const (
	headerAuthorization = "Authorization"
	headerAppSlug       = "X-Teicor-App-Slug"
	headerRequestID     = "X-Request-Id"
	headerRetryAfter    = "Retry-After"
	headerDate          = "Date"
	headerContentType   = "Content-Type"
	headerAccept        = "Accept"
	headerUserAgent     = "User-Agent"

	contentTypeJSON = "application/json"
)

// Query parameter names.
const (
	paramUpdatedSince         = "updated_since"
	paramLimit                = "limit"
	paramOffset               = "offset"
	paramFilter               = "filter"
	paramSort                 = "sort"
	paramGroupID              = "group_id"
	paramIncludeAll           = "include_all"
	paramIfNewerThanWatermark = "if_newer_than_watermark"
)

// Operation names, the same as the Python SDK's method names. They appear in
// errors and in RetryInfo.
const (
	opGetContext         = "get_context"
	opGetCoreState       = "get_core_state"
	opPatchCoreState     = "patch_core_state"
	opGetAuthorityToken  = "get_runtime_authority_token" //nolint:gosec // an operation name, not a credential
	opListSchemas        = "list_schemas"
	opCreateSchema       = "create_schema"
	opUpdateSchema       = "update_schema"
	opDeleteSchema       = "delete_schema"
	opListTables         = "list_tables"
	opGetTable           = "get_table"
	opCreateTable        = "create_table"
	opUpdateTable        = "update_table"
	opDeleteTable        = "delete_table"
	opListColumns        = "list_columns"
	opCreateColumn       = "create_column"
	opUpdateColumn       = "update_column"
	opDeleteColumn       = "delete_column"
	opListRecords        = "list_records"
	opGetRecord          = "get_record"
	opCreateRecord       = "create_record"
	opUpdateRecord       = "update_record"
	opDeleteRecord       = "delete_record"
	opBulkUpsert         = "bulk_upsert"
	opGetTableSyncStatus = "get_table_sync_status"
	opListQueries        = "list_queries"
	opGetQuery           = "get_query"
	opExecuteQuery       = "execute_query"
	opGetQueryData       = "get_query_data"
)

// corePrefix returns the path prefix of the core API for one app
// installation: /api/v1/teams/{team_slug}/apps/{app_slug}.
func corePrefix(teamSlug, appSlug string) string {
	return "/api/v1/teams/" + escapeSegment(teamSlug) + "/apps/" + escapeSegment(appSlug)
}

// Core API paths, relative to corePrefix.
const (
	pathContext   = "/context"
	pathCoreState = "/core/state"
)

// Runtime API paths, relative to the runtime URL from the app context.
func pathSchemas() string { return "api/schemas" }

func pathSchema(name string) string { return "api/schemas/" + escapeSegment(name) }

func pathTables() string { return "api/tables" }

func pathTable(tableID string) string { return "api/tables/" + escapeSegment(tableID) }

func pathColumns(tableID string) string { return pathTable(tableID) + "/columns" }

func pathColumn(tableID, columnID string) string {
	return pathColumns(tableID) + "/" + escapeSegment(columnID)
}

func pathRecords(tableID string) string { return pathTable(tableID) + "/records" }

func pathRecord(tableID, recordID string) string {
	return pathRecords(tableID) + "/" + escapeSegment(recordID)
}

func pathBulk(tableID string) string { return pathRecords(tableID) + "/bulk" }

func pathSyncStatus(tableID string) string { return pathTable(tableID) + "/sync-status" }

func pathQueries() string { return "api/queries" }

func pathQuery(queryID string) string { return "api/queries/" + escapeSegment(queryID) }

func pathQueryExecute(queryID string) string { return pathQuery(queryID) + "/execute" }

func pathQueryData(queryID string) string { return pathQuery(queryID) + "/data" }

// escapeSegment escapes one path segment. It also escapes the segments "."
// and "..", which URL path cleaning would otherwise resolve.
func escapeSegment(s string) string {
	if s == "." || s == ".." {
		return strings.ReplaceAll(s, ".", "%2E")
	}
	return url.PathEscape(s)
}

// joinURL appends an escaped relative path and a query to an absolute base
// URL. The base may carry a path of its own, such as https://host/runtime/.
func joinURL(base, escapedPath string, query url.Values) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u = u.JoinPath(escapedPath)
	u.RawQuery = query.Encode()
	return u.String(), nil
}
