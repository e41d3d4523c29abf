// Package bench measures Switchboard and evaluates its retrieval: the
// commands `switchboard bench` (conversation turns next to a bare Update
// round trip, [Run]), `switchboard bench retrieval` (ingestion throughput and
// retrieval latency on Weaviate, [RunRetrieval]) and `switchboard eval
// retrieval` (recall and MRR over the demo knowledge base's labelled
// questions, [RunEval]; TestRetrievalQuality keeps a floor under them).
//
// It connects through package app's [app.Deps], so that what it measures is
// wired as the product is, and it runs the product's own workflows,
// activities and worker.
//
// What this package must not do: be imported by the product (app, server,
// worker or anything they import), or fail on a missed target: it reports
// figures, and only the evaluation's test enforces a floor.
package bench
