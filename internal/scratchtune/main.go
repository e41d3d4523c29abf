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
	if err := json.Unmarshal(raw, &data); err != nil {
		panic(err)
	}
	store, err := knowledge.NewStore(os.Getenv("SWITCHBOARD_TEST_WEAVIATE_URL"), "")
	if err != nil {
		panic(err)
	}
	if err := store.EnsureSchema(ctx); err != nil {
		panic(err)
	}
	ws := uuid.NewString()
	var ex []knowledge.Example
	for _, r := range data["train"] {
		ex = append(ex, knowledge.Example{ID: knowledge.ExampleID(ws, r[1], r[0]), IssueType: r[1], Text: r[0]})
	}
	t0 := time.Now()
	if err := store.IndexExamples(ctx, ws, ex); err != nil {
		panic(err)
	}
	fmt.Println("indexed", len(ex), time.Since(t0))
	type row struct {
		Text, Label string
		Hits        []knowledge.ExampleHit
	}
	out := map[string][]row{}
	for _, split := range []string{"val", "val", "oos_val", "test", "oos_test"} {
		out[split] = nil
		t0 := time.Now()
		for _, r := range data[split] {
			hits, err := store.SearchExamples(ctx, ws, r[0], 40)
			if err != nil {
				panic(err)
			}
			out[split] = append(out[split], row{r[0], r[1], hits})
		}
		acc := 0
		for _, r := range out[split] {
			if len(r.Hits) > 0 && r.Hits[0].IssueType == r.Label {
				acc++
			}
		}
		fmt.Println(split, len(data[split]), time.Since(t0), acc)
	}
	b, _ := json.Marshal(out)
	os.WriteFile("/tmp/clinc_hits.json", b, 0o644)
}
