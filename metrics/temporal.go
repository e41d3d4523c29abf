package metrics

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// TemporalHandler is the Temporal SDK's metrics handler: set it as
// client.Options.MetricsHandler and the SDK's series (temporal_request,
// temporal_workflow_task_execution_latency, …) are exported with
// Switchboard's. Counters become Prometheus counters (suffixed _total),
// gauges gauges and timers histograms in seconds (suffixed _seconds).
//
// The SDK does not declare its tags up front, and one metric may carry
// different tags at different call sites. Each family is therefore
// exported with the union of the tags its series carry, a missing tag as
// the empty string, which Prometheus reads as the tag's absence.
func TemporalHandler() client.MetricsHandler {
	return temporalHandler{series: temporalSeries}
}

// temporalSeries holds the SDK's series of this process.
var temporalSeries = &sdkCollector{series: map[string]*sdkSeries{}}

type temporalHandler struct {
	series *sdkCollector
	tags   map[string]string
}

func (h temporalHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	if merged == nil {
		merged = map[string]string{}
	}
	maps.Copy(merged, tags)
	return temporalHandler{series: h.series, tags: merged}
}

func (h temporalHandler) Counter(name string) client.MetricsCounter {
	return sdkCounter{h.series.get(sdkName(name)+"_total", prometheus.CounterValue, h.tags)}
}

func (h temporalHandler) Gauge(name string) client.MetricsGauge {
	return sdkGauge{h.series.get(sdkName(name), prometheus.GaugeValue, h.tags)}
}

func (h temporalHandler) Timer(name string) client.MetricsTimer {
	return sdkTimer{h.series.get(sdkName(name)+"_seconds", prometheus.UntypedValue, h.tags)}
}

// sdkName makes a Temporal metric name a valid Prometheus one.
func sdkName(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == ':' {
			return r
		}
		return '_'
	}, name)
}

type sdkCounter struct{ s *sdkSeries }

func (c sdkCounter) Inc(n int64) { c.s.add(float64(n)) }

type sdkGauge struct{ s *sdkSeries }

func (g sdkGauge) Update(v float64) { g.s.set(v) }

type sdkTimer struct{ s *sdkSeries }

func (t sdkTimer) Record(d time.Duration) { t.s.observe(d.Seconds()) }

// sdkSeries is one series: a family name and a tag set. Histograms (the
// timers) count into latencyBuckets.
type sdkSeries struct {
	name string
	kind prometheus.ValueType // UntypedValue marks a histogram
	tags map[string]string

	mu      sync.Mutex
	value   float64 // counter or gauge
	count   uint64  // histogram
	sum     float64
	buckets []uint64 // cumulative counts are computed at collection
}

func (s *sdkSeries) add(v float64) {
	s.mu.Lock()
	s.value += v
	s.mu.Unlock()
}

func (s *sdkSeries) set(v float64) {
	s.mu.Lock()
	s.value = v
	s.mu.Unlock()
}

func (s *sdkSeries) observe(v float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	s.sum += v
	if i := sort.SearchFloat64s(latencyBuckets, v); i < len(latencyBuckets) {
		s.buckets[i]++
	}
}

// sdkCollector is a prometheus.Collector over the SDK's series. It is
// unchecked (Describe sends nothing): its families are known only once the
// SDK has used them.
type sdkCollector struct {
	mu     sync.Mutex
	series map[string]*sdkSeries // by name and sorted tags
}

func (c *sdkCollector) get(name string, kind prometheus.ValueType, tags map[string]string) *sdkSeries {
	keys := slices.Sorted(maps.Keys(tags))
	var id strings.Builder
	id.WriteString(name)
	for _, k := range keys {
		id.WriteString("\xff" + k + "=" + tags[k])
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.series[id.String()]; ok {
		return s
	}
	s := &sdkSeries{name: name, kind: kind, tags: maps.Clone(tags)}
	if kind == prometheus.UntypedValue {
		s.buckets = make([]uint64, len(latencyBuckets))
	}
	c.series[id.String()] = s
	return s
}

// Describe sends nothing: the collector is unchecked.
func (c *sdkCollector) Describe(chan<- *prometheus.Desc) {}

// Collect sends every series, each family with the union of its series'
// tags.
func (c *sdkCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	all := slices.Collect(maps.Values(c.series))
	c.mu.Unlock()
	families := map[string][]*sdkSeries{}
	for _, s := range all {
		families[s.name] = append(families[s.name], s)
	}
	for name, members := range families {
		labelSet := map[string]bool{}
		for _, s := range members {
			for k := range s.tags {
				labelSet[k] = true
			}
		}
		labels := slices.Sorted(maps.Keys(labelSet))
		desc := prometheus.NewDesc(name, "Temporal SDK metric "+name+".", labels, nil)
		for _, s := range members {
			values := make([]string, len(labels))
			for i, l := range labels {
				values[i] = s.tags[l]
			}
			s.mu.Lock()
			var m prometheus.Metric
			var err error
			if s.kind == prometheus.UntypedValue {
				cumulative := map[float64]uint64{}
				var n uint64
				for i, le := range latencyBuckets {
					n += s.buckets[i]
					cumulative[le] = n
				}
				m, err = prometheus.NewConstHistogram(desc, s.count, s.sum, cumulative, values...)
			} else {
				m, err = prometheus.NewConstMetric(desc, s.kind, s.value, values...)
			}
			s.mu.Unlock()
			if err != nil {
				ch <- prometheus.NewInvalidMetric(desc, err)
				continue
			}
			ch <- m
		}
	}
}
