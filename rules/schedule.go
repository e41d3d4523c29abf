package rules

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	// Embeds the IANA zone database so schedules work on machines without
	// one (containers, scratch images).
	_ "time/tzdata"
)

// schedule is a parsed inWorkingHours schedule: weekly time ranges in one
// time zone.
type schedule struct {
	ranges   []weeklyRange
	location *time.Location
}

// weeklyRange is a time-of-day range on a set of weekdays.
type weeklyRange struct {
	days [7]bool // indexed by time.Weekday
	from int     // seconds since local midnight, inclusive
	to   int     // seconds since local midnight, exclusive; at most 24h
}

// contains reports whether t falls inside the schedule, judged by the wall
// clock in the schedule's zone.
func (s *schedule) contains(t time.Time) bool {
	local := t.In(s.location)
	second := local.Hour()*3600 + local.Minute()*60 + local.Second()
	for _, r := range s.ranges {
		if r.days[local.Weekday()] && second >= r.from && second < r.to {
			return true
		}
	}
	return false
}

// parseSchedule parses the inWorkingHours schedule syntax:
//
//	schedule = part { ";" part } [ zone ]
//	part     = days times { "," times }
//	days     = day [ "-" day ] { "," day [ "-" day ] } | "daily"
//	day      = "mon" | "tue" | ... | "sun" | "monday" | ... | "sunday"
//	times    = HH:MM "-" HH:MM
//	zone     = an IANA zone name such as "Europe/Berlin", or "UTC" (the default)
//
// Day names are case-insensitive; zone names are exact. A day range may wrap ("fri-mon"). Times are in 24-hour form; the
// start is inclusive and the end exclusive, "24:00" is allowed as an end, and
// a range must not cross midnight (write "mon 22:00-24:00; tue 00:00-02:00").
// The zone comes once, at the very end, and applies to every part.
func parseSchedule(text string) (*schedule, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("empty schedule")
	}
	parts := strings.Split(text, ";")
	s := &schedule{location: time.UTC}
	for i, part := range parts {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			return nil, fmt.Errorf("empty part %d in schedule %q", i+1, text)
		}
		last := i == len(parts)-1
		if last && len(fields) >= 3 && startsWithLetter(fields[len(fields)-1]) {
			loc, err := loadLocation(fields[len(fields)-1])
			if err != nil {
				return nil, err
			}
			s.location = loc
			fields = fields[:len(fields)-1]
		}
		r, err := parseWeeklyRanges(fields)
		if err != nil {
			return nil, fmt.Errorf("%w in %q", err, strings.TrimSpace(part))
		}
		s.ranges = append(s.ranges, r...)
	}
	return s, nil
}

// parseWeeklyRanges parses one schedule part split into fields: the days,
// then one or more time ranges.
func parseWeeklyRanges(fields []string) ([]weeklyRange, error) {
	days, err := parseDays(fields[0])
	if err != nil {
		return nil, err
	}
	if len(fields) == 1 {
		return nil, fmt.Errorf("missing time range such as 09:00-17:00")
	}
	for _, f := range fields[1:] {
		if startsWithLetter(f) {
			return nil, fmt.Errorf("unexpected %q: a time zone comes once, at the end of the schedule, and applies to all of it", f)
		}
	}
	var ranges []weeklyRange
	for _, span := range strings.Split(strings.Join(fields[1:], ""), ",") {
		from, to, ok := strings.Cut(span, "-")
		if !ok {
			return nil, fmt.Errorf("bad time range %q (want HH:MM-HH:MM)", span)
		}
		start, err := parseClock(from)
		if err != nil {
			return nil, err
		}
		end, err := parseClock(to)
		if err != nil {
			return nil, err
		}
		if start >= 24*3600 {
			return nil, fmt.Errorf("bad time range %q: 24:00 can only end a range", span)
		}
		if end <= start {
			return nil, fmt.Errorf("bad time range %q: the end must be after the start; split ranges that cross midnight at 24:00", span)
		}
		ranges = append(ranges, weeklyRange{days: days, from: start, to: end})
	}
	return ranges, nil
}

// weekdays maps day names to weekdays.
var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

// parseDays parses "mon-fri", "sat,sun", "fri-mon" or "daily".
func parseDays(text string) ([7]bool, error) {
	var days [7]bool
	if strings.EqualFold(text, "daily") {
		for i := range days {
			days[i] = true
		}
		return days, nil
	}
	for _, item := range strings.Split(strings.ToLower(text), ",") {
		first, last, isRange := strings.Cut(item, "-")
		from, ok := weekdays[first]
		if !ok {
			return days, fmt.Errorf("unknown day %q (want mon, tue, wed, thu, fri, sat, sun or daily)", first)
		}
		to := from
		if isRange {
			if to, ok = weekdays[last]; !ok {
				return days, fmt.Errorf("unknown day %q (want mon, tue, wed, thu, fri, sat, sun or daily)", last)
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			days[d] = true
			if d == to {
				break
			}
		}
	}
	return days, nil
}

// parseClock parses "HH:MM" (24-hour, "24:00" allowed) into seconds since
// midnight.
func parseClock(text string) (int, error) {
	hh, mm, ok := strings.Cut(text, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, fmt.Errorf("bad time %q (want HH:MM)", text)
	}
	hour, err := strconv.Atoi(hh)
	if err != nil || hour < 0 || hour > 24 || !startsWithDigit(hh) {
		return 0, fmt.Errorf("bad time %q (want HH:MM)", text)
	}
	minute, err := strconv.Atoi(mm)
	if err != nil || minute < 0 || minute > 59 || !startsWithDigit(mm) {
		return 0, fmt.Errorf("bad time %q (want HH:MM)", text)
	}
	if hour == 24 && minute != 0 {
		return 0, fmt.Errorf("bad time %q (the latest time is 24:00)", text)
	}
	return hour*3600 + minute*60, nil
}

// startsWithDigit reports whether s starts with an ASCII digit.
func startsWithDigit(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// startsWithLetter reports whether s starts with an ASCII letter.
func startsWithLetter(s string) bool {
	return s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

// locations caches loaded time zones by name, so each zone is loaded once
// per process. Only valid zones are stored, so it holds at most the zone
// database.
var locations sync.Map

// loadLocation loads an IANA time zone. "Local" is refused: it would make a
// condition depend on the machine it runs on.
func loadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("unknown time zone %q (want an IANA name such as Europe/Berlin, or UTC)", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q (want an IANA name such as Europe/Berlin, or UTC)", name)
	}
	locations.Store(name, loc)
	return loc, nil
}
