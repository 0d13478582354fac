package teicortest

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// syntheticEpoch is the first date of generated date and datetime values.
var syntheticEpoch = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// syntheticRow returns row i of a generated table. Values depend only on
// i and the column, so a seed loads the same data every time, and text
// values include i, so unique columns stay unique.
func syntheticRow(cols []ColumnSpec, i int) map[string]any {
	row := make(map[string]any, len(cols))
	for _, col := range cols {
		row[col.Name] = syntheticValue(col, i)
	}
	return row
}

func syntheticValue(col ColumnSpec, i int) any {
	switch col.Type {
	case "email":
		return fmt.Sprintf("user%d@example.com", i)
	case "url":
		return fmt.Sprintf("https://example.com/items/%d", i)
	case "phone":
		return fmt.Sprintf("+1-555-%04d", i%10000)
	case "number":
		return syntheticNumber(col, i)
	case "boolean":
		return i%2 == 0
	case "date":
		return syntheticEpoch.AddDate(0, 0, i).Format(time.DateOnly)
	case "datetime":
		return syntheticEpoch.Add(time.Duration(i) * 37 * time.Minute).Format(time.RFC3339)
	case "single_select":
		if opts := configOptions(col); len(opts) > 0 {
			return opts[i%len(opts)]
		}
		return nil
	case "multi_select":
		opts := configOptions(col)
		if len(opts) == 0 {
			return []string{}
		}
		return []string{opts[i%len(opts)], opts[(i+1)%len(opts)]}[:1+i%2]
	case "json":
		return map[string]any{"index": i, "even": i%2 == 0}
	}
	return fmt.Sprintf("%s %d", col.Name, i)
}

// syntheticNumber is i (unique for unique columns) plus a fraction that
// fits the column's precision.
func syntheticNumber(col ColumnSpec, i int) any {
	precision := 0
	switch p := col.Config["precision"].(type) {
	case int:
		precision = p
	case float64:
		precision = int(p)
	}
	if precision == 0 {
		return i + 1
	}
	scale := math.Pow10(precision)
	return math.Round((float64(i)+float64(i%4)*0.25)*scale) / scale
}

func configOptions(col ColumnSpec) []string {
	switch opts := col.Config["options"].(type) {
	case []string:
		return opts
	case []any:
		out := make([]string, 0, len(opts))
		for _, o := range opts {
			if s, ok := o.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// DemoSeed returns the demo data set: schema "demo" with four tables and
// 460 rows that cover every column type. One table and its columns have
// names with non-ASCII letters and an emoji. Of its two queries, one is
// owned by the app and one by another app.
func DemoSeed() *Seed {
	return &Seed{
		Schemas: []SeedSchema{{Name: "demo", Tables: []SeedTable{
			demoProducts(), demoCustomers(), demoOrders(), demoCafes(),
		}}},
		Queries: []SeedQuery{
			{
				Name: "In-stock products", GroupID: "catalog", Schema: "demo", Table: "products",
				Columns:    []string{"sku", "name", "price"},
				Filter:     json.RawMessage(`{"and":[{"column_id":"in_stock","op":"eq","value":true}]}`),
				Sort:       json.RawMessage(`[{"column_id":"price","direction":"desc"}]`),
				OwnedByApp: true,
			},
			{
				Name: "Pending orders", GroupID: "sales", Schema: "demo", Table: "orders",
				Filter: json.RawMessage(`{"and":[{"column_id":"status","op":"eq","value":"pending"}]}`),
				Sort:   json.RawMessage(`[{"column_id":"placed_at","direction":"asc"}]`),
			},
		},
	}
}

func demoProducts() SeedTable {
	return SeedTable{
		Name: "products",
		Columns: []ColumnSpec{
			{Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true, "required": true}},
			{Name: "name", Type: "single_line_text"},
			{Name: "description", Type: "long_text"},
			{Name: "price", Type: "number", Config: map[string]any{"precision": 2}},
			{Name: "in_stock", Type: "boolean"},
			{Name: "category", Type: "single_select", Config: map[string]any{"options": []string{"tools", "garden", "kitchen"}}},
			{Name: "tags", Type: "multi_select", Config: map[string]any{"options": []string{"new", "sale", "eco"}}},
			{Name: "released_on", Type: "date"},
			{Name: "attributes", Type: "json"},
		},
		Rows: []map[string]any{
			{
				"sku": "SKU-HAMMER", "name": "Claw hammer", "price": 24.5, "in_stock": true, "category": "tools",
				"tags": []string{"sale"}, "released_on": "2025-03-14", "attributes": map[string]any{"weight_g": 450},
			},
			{
				"sku": "SKU-TROWEL", "name": "Garden trowel", "price": 9.99, "in_stock": false, "category": "garden",
				"tags": []string{"eco", "new"}, "released_on": "2025-06-01", "attributes": []any{"steel", "ash"},
			},
		},
		GenerateRows: 198,
	}
}

func demoCustomers() SeedTable {
	return SeedTable{
		Name: "customers",
		Columns: []ColumnSpec{
			{Name: "email", Type: "email", Config: map[string]any{"unique": true, "required": true}},
			{Name: "full_name", Type: "single_line_text"},
			{Name: "website", Type: "url"},
			{Name: "phone", Type: "phone"},
			{Name: "signed_up_at", Type: "datetime"},
			{Name: "vip", Type: "boolean"},
		},
		GenerateRows: 100,
	}
}

func demoOrders() SeedTable {
	return SeedTable{
		Name: "orders",
		Columns: []ColumnSpec{
			{Name: "order_no", Type: "number", Config: map[string]any{"unique": true}},
			{Name: "customer_email", Type: "email"},
			{Name: "total", Type: "number", Config: map[string]any{"precision": 2}},
			{Name: "status", Type: "single_select", Config: map[string]any{"options": []string{"pending", "paid", "shipped"}}},
			{Name: "placed_at", Type: "datetime"},
		},
		GenerateRows: 150,
	}
}

func demoCafes() SeedTable {
	return SeedTable{
		Name: "cafés ☕",
		Columns: []ColumnSpec{
			{Name: "nom du café", Type: "single_line_text", Config: map[string]any{"unique": true}},
			{Name: "note ⭐", Type: "number", Config: map[string]any{"precision": 1}},
			{Name: "ville", Type: "single_line_text"},
		},
		Rows: []map[string]any{
			{"nom du café": "Le Zèbre 🦓", "note ⭐": 4.5, "ville": "Zürich"},
			{"nom du café": "Café Ñandú", "note ⭐": 3.9, "ville": "São Paulo"},
			{"nom du café": "喫茶 みどり", "note ⭐": 4.8, "ville": "京都"},
		},
		GenerateRows: 7,
	}
}
