package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/switchboardhq/switchboard/knowledge"
)

func main() {
	ctx := context.Background()
	raw, _ := os.ReadFile("/work/shared/datasets/clinc150/data_full.json")
	var data map[string][][2]string
	json.Unmarshal(raw, &data)
	store, _ := knowledge.NewStore(os.Getenv("SWITCHBOARD_TEST_WEAVIATE_URL"), "")
	store.EnsureSchema(ctx)
	ws := uuid.NewString()
	var ex []knowledge.Example
	for _, r := range data["train"] {
		ex = append(ex, knowledge.Example{ID: knowledge.ExampleID(ws, r[1], r[0]), IssueType: r[1], Text: r[0]})
	}
	store.IndexExamples(ctx, ws, ex)
	t0 := time.Now()
	for round := 0; round < 4; round++ {
		for _, lim := range []int{3, 50, 500, 5000} {
		self, n := 0, 0
		for i := 0; i < 15000; i += 150 {
			hits, _ := store.SearchExamples(ctx, ws, data["train"][i][0], lim)
			n += len(hits)
			if len(hits) > 0 && hits[0].Text == data["train"][i][0] {
				self++
			}
		}
		fmt.Printf("t=%5.1fs lim=%d self-hits %d/100 hits %d\n", time.Since(t0).Seconds(), lim, self, n)
		}
		time.Sleep(2 * time.Second)
	}
}
