package teicortest_test

import (
	"fmt"

	"github.com/teicor/conduit-connector-teicor/teicor/teicortest"
)

func ExampleNewServer() {
	srv := teicortest.NewServer(teicortest.WithSeed(teicortest.DemoSeed()))
	defer srv.Close()

	// Point the client at srv.URL with srv.TeamSlug, srv.AppSlug and
	// srv.ServiceToken, then check the result with the admin helpers.
	id, _ := srv.TableID("demo", "orders")
	fmt.Println(srv.RowCount(id))

	ref, err := srv.CreateTable("shop", "items", teicortest.ColumnSpec{
		Name: "sku", Type: "single_line_text", Config: map[string]any{"unique": true},
	})
	if err != nil {
		panic(err)
	}
	ids, err := srv.InsertRows(ref.ID, map[string]any{"sku": "A-1"}, map[string]any{"sku": "A-2"})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(ids), srv.Rows(ref.ID)[1].Values["sku"])
	// Output:
	// 150
	// 2 A-2
}
