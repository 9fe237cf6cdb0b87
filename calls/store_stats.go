package calls

import (
	"context"
	"time"
)

// DayMinutes is the call time of one local calendar day, split by call
// type.
type DayMinutes struct {
	Day          time.Time // local midnight
	Audio, Video float64   // minutes
}

// DailyMinutes returns the minutes of calls started on each of the days
// local calendar days up to and including the day of now, oldest first
// (one entry a day, zeros included). It reads only that window, through
// the time index.
func (s *Store) DailyMinutes(ctx context.Context, now time.Time, days int) ([]DayMinutes, error) {
	if days < 1 {
		return nil, nil
	}
	y, m, d := now.Date()
	first := time.Date(y, m, d-days+1, 0, 0, 0, 0, now.Location())
	end := time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())
	out := make([]DayMinutes, days)
	for i := range out {
		out[i].Day = time.Date(y, m, d-days+1+i, 0, 0, 0, 0, now.Location())
	}
	rows, err := s.db.QueryContext(ctx, `SELECT initiated_at, type, coalesce(json_extract(doc, '$.totalDurationInMinutes'), 0)
		FROM calls WHERE initiated_at >= ? AND initiated_at < ?`, first.Unix(), end.Unix())
	if err != nil {
		return nil, s.corrupt(err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		var typ string
		var mins float64
		if err := rows.Scan(&at, &typ, &mins); err != nil {
			return nil, s.corrupt(err)
		}
		t := time.Unix(at, 0).In(now.Location())
		// Count whole calendar days, not 24h spans, so DST days land right.
		i := 0
		for i+1 < days && !t.Before(out[i+1].Day) {
			i++
		}
		if typ == "video" {
			out[i].Video += mins
		} else {
			out[i].Audio += mins
		}
	}
	return out, s.corrupt(rows.Err())
}
