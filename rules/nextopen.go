package rules

import (
	"fmt"
	"time"
)

// ValidateSchedule checks a working-hours schedule (the inWorkingHours
// syntax).
func ValidateSchedule(schedule string) error {
	_, err := parseSchedule(schedule)
	return err
}

// NextOpen reports whether the schedule is open at now and, when it is not,
// the next time it opens (within the next eight days), judged in the
// schedule's zone. The result is in that zone.
func NextOpen(schedule string, now time.Time) (open bool, next time.Time, err error) {
	s, err := parseSchedule(schedule)
	if err != nil {
		return false, time.Time{}, err
	}
	if s.contains(now) {
		return true, now.In(s.location), nil
	}
	t := now.In(s.location).Truncate(time.Minute).Add(time.Minute)
	for end := t.Add(8 * 24 * time.Hour); t.Before(end); t = t.Add(time.Minute) {
		if s.contains(t) {
			return false, t, nil
		}
	}
	return false, time.Time{}, fmt.Errorf("schedule %q never opens", schedule)
}
