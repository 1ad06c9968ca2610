package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/quiet"
	"govchat/protocol"
)

// quietErr makes a REST request that must fail, and returns its status, code and field.
func quietErr(t *testing.T, method, url, token string, body any) (int, protocol.Code, string) {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb protocol.ErrorBody
	_ = json.NewDecoder(resp.Body).Decode(&eb)
	return resp.StatusCode, eb.Error.Code, eb.Error.Field
}

func me(t *testing.T, base, token string) protocol.Me {
	t.Helper()
	var m protocol.Me
	if code, _ := call(t, "GET", base+"/api/v1/me", token, nil, &m); code != 200 {
		t.Fatalf("me: %d", code)
	}
	return m
}

// allDay is a week with every day 00:00–24:00.
func allDay() protocol.WeekSchedule {
	d := []protocol.TimeSpan{{Start: "00:00", End: "24:00"}}
	return protocol.WeekSchedule{Mon: d, Tue: d, Wed: d, Thu: d, Fri: d, Sat: d, Sun: d}
}

// TestQuietHoursOverTheWire drives working time over REST on the embedded default: the
// organisation's schedule and the calendar (defaults, upload, validation), reachability
// under each rule (working, holiday, duty, leave), a person's own settings, channel
// notification levels, the refusals, and the audit trail. The server runs on the real
// clock, so the test makes the answers independent of the day it runs: every day is a
// working day, and the calendar of this year is the test's own.
func TestQuietHoursOverTheWire(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	admin := loginToken(t, base, "zhoutao", demo.Password)
	staff := loginToken(t, base, "zhangjing", demo.Password)
	leader := loginToken(t, base, "wangjianguo", demo.Password)
	auditor := loginToken(t, base, "sunli", demo.Password)
	outsider := loginToken(t, base, "zhouhaiyan", demo.Password) // 办公室, not in 预算股
	staffID := me(t, base, staff).ID
	cst, err := quiet.LoadLocation("")
	if err != nil {
		t.Fatal(err)
	}
	today := quiet.DateOf(time.Now().In(cst))

	t.Run("defaults and the embedded calendar", func(t *testing.T) {
		var ws protocol.WorkScheduleResponse
		if code, _ := call(t, "GET", base+"/api/v1/work-schedule?year=2026", staff, nil, &ws); code != 200 {
			t.Fatalf("work-schedule: %d", code)
		}
		if ws.TimeZone != "Asia/Shanghai" || len(ws.Week.Mon) != 2 || ws.Week.Mon[0] != (protocol.TimeSpan{Start: "08:30", End: "12:00"}) ||
			ws.Week.Fri[1] != (protocol.TimeSpan{Start: "14:30", End: "18:00"}) || len(ws.Week.Sat) != 0 {
			t.Errorf("default schedule: %+v", ws.OrgWorkSchedule)
		}
		if ws.Calendar == nil || ws.CalendarOrigin != "embedded" || !slices.Contains(ws.Years, 2026) {
			t.Fatalf("2026 calendar: %+v", ws)
		}
		var spring, makeup bool
		for _, p := range ws.Calendar.Holidays {
			spring = spring || (p.Name == "春节" && slices.Contains(p.Dates, "2026-02-23"))
		}
		for _, p := range ws.Calendar.Workdays {
			makeup = makeup || slices.Contains(p.Dates, "2026-02-14")
		}
		if !spring || !makeup {
			t.Errorf("2026 calendar lacks 春节 or its make-up Saturday: %+v", ws.Calendar)
		}
		call(t, "GET", base+"/api/v1/work-schedule?year=2027", staff, nil, &ws)
		if ws.Calendar != nil || ws.CalendarOrigin != "" {
			t.Errorf("2027 is not published, yet: %+v", ws.Calendar)
		}
		if status, code, field := quietErr(t, "GET", base+"/api/v1/work-schedule?year=twenty", staff, nil); status != 400 || code != protocol.CodeBadRequest || field != "year" {
			t.Errorf("bad year: %d %s %s", status, code, field)
		}
	})

	t.Run("the organisation's schedule", func(t *testing.T) {
		if status, code, _ := quietErr(t, "PUT", base+"/api/v1/admin/work-schedule", staff, protocol.OrgWorkSchedule{Week: allDay()}); status != 403 || code != protocol.CodeForbidden {
			t.Errorf("staff set the schedule: %d %s", status, code)
		}
		bad := []struct {
			name  string
			body  any
			field string
		}{
			{"reversed span", protocol.OrgWorkSchedule{Week: protocol.WeekSchedule{Mon: []protocol.TimeSpan{{Start: "12:00", End: "08:30"}}}}, "week.mon"},
			{"bad clock", protocol.OrgWorkSchedule{Week: protocol.WeekSchedule{Tue: []protocol.TimeSpan{{Start: "8:30", End: "12:00"}}}}, "week.tue[0].start"},
			{"overlap", protocol.OrgWorkSchedule{Week: protocol.WeekSchedule{Wed: []protocol.TimeSpan{{Start: "08:00", End: "12:00"}, {Start: "11:00", End: "13:00"}}}}, "week.wed"},
			{"no working time", protocol.OrgWorkSchedule{}, "week"},
			{"unknown zone", protocol.OrgWorkSchedule{TimeZone: "Mars/Olympus", Week: allDay()}, "time_zone"},
			{"unknown field", `{"week":{},"weekend":true}`, ""},
		}
		for _, c := range bad {
			status, code, field := quietErr(t, "PUT", base+"/api/v1/admin/work-schedule", admin, c.body)
			if status != 400 || code != protocol.CodeBadRequest || field != c.field {
				t.Errorf("%s: %d %s field %q, want 400 bad_request %q", c.name, status, code, field, c.field)
			}
		}
		var got protocol.OrgWorkSchedule
		if code, _ := call(t, "PUT", base+"/api/v1/admin/work-schedule", admin, protocol.OrgWorkSchedule{Week: allDay()}, &got); code != 200 {
			t.Fatalf("set schedule: %d", code)
		}
		if got.TimeZone != "Asia/Shanghai" || len(got.Week.Sun) != 1 || got.Week.Sun[0].End != "24:00" {
			t.Errorf("answer: %+v", got)
		}
	})

	// This year's calendar becomes the test's: one holiday that is not near today.
	holidayFile := func(year int, dates ...quiet.Date) string {
		var ds []string
		for _, d := range dates {
			ds = append(ds, fmt.Sprintf("%q", d.String()))
		}
		return fmt.Sprintf(`{"year":%d,"source":"测试","holidays":[{"name":"测试假日","dates":[%s]}],"workdays":[]}`, year, strings.Join(ds, ","))
	}
	far := today.AddDays(10)
	if far.Year != today.Year {
		far = today.AddDays(-10)
	}
	putYear := func(t *testing.T, year int, body string) {
		t.Helper()
		var y protocol.CalendarYear
		if code, _ := call(t, "PUT", fmt.Sprintf("%s/api/v1/admin/calendar/%d", base, year), admin, body, &y); code != 200 || y.Year != year {
			t.Fatalf("upload %d: %d %+v", year, code, y)
		}
	}
	reach := func(t *testing.T, token string, ids ...int64) protocol.ReachabilityResponse {
		t.Helper()
		var out protocol.ReachabilityResponse
		if code, _ := call(t, "POST", base+"/api/v1/reachability", token, protocol.ReachabilityRequest{UserIDs: ids}, &out); code != 200 {
			t.Fatalf("reachability: %d", code)
		}
		return out
	}

	t.Run("calendar upload", func(t *testing.T) {
		url := fmt.Sprintf("%s/api/v1/admin/calendar/%d", base, today.Year)
		bad := []struct {
			name, body, field string
		}{
			{"path and file disagree", holidayFile(today.Year+1, quiet.Date{Year: today.Year + 1, Month: 1, Day: 1}), "year"},
			{"date outside the year", fmt.Sprintf(`{"year":%d,"source":"s","holidays":[{"name":"x","dates":["%d-01-01"]}]}`, today.Year, today.Year-1), "holidays[0].dates[0]"},
			{"both holiday and workday", fmt.Sprintf(`{"year":%d,"source":"s","holidays":[{"name":"x","dates":["%d-03-01"]}],"workdays":[{"name":"y","dates":["%d-03-01"]}]}`, today.Year, today.Year, today.Year), ""},
			{"no source", fmt.Sprintf(`{"year":%d}`, today.Year), "source"},
			{"unknown field", fmt.Sprintf(`{"year":%d,"source":"s","extra":1}`, today.Year), "body"},
			{"a source that is not UTF-8", fmt.Sprintf("{\"year\":%d,\"source\":\"\xe9\x80\"}", today.Year), "source"},
		}
		for _, c := range bad {
			status, code, field := quietErr(t, "PUT", url, admin, c.body)
			if status != 400 || code != protocol.CodeBadRequest || (c.field != "" && field != c.field) || field == "" {
				t.Errorf("%s: %d %s field %q, want %q", c.name, status, code, field, c.field)
			}
		}
		if status, code, _ := quietErr(t, "PUT", url, leader, holidayFile(today.Year, far)); status != 403 || code != protocol.CodeForbidden {
			t.Errorf("a leader uploaded: %d %s", status, code)
		}
		putYear(t, today.Year, holidayFile(today.Year, far))
		putYear(t, today.Year+1, holidayFile(today.Year+1, quiet.Date{Year: today.Year + 1, Month: 6, Day: 30}))
		var ws protocol.WorkScheduleResponse
		call(t, "GET", base+"/api/v1/work-schedule", staff, nil, &ws)
		if ws.Year != today.Year || ws.CalendarOrigin != "uploaded" || ws.Calendar == nil || ws.Calendar.Holidays[0].Dates[0] != far.String() {
			t.Errorf("this year's calendar: %+v", ws)
		}
	})

	t.Run("working", func(t *testing.T) {
		r := reach(t, leader, staffID)
		if len(r.People) != 1 || !r.People[0].Reachable || r.People[0].Reason != protocol.ReasonWorking || r.People[0].Next != nil || r.TimeZone != "Asia/Shanghai" {
			t.Errorf("staff on an all-day working day: %+v", r)
		}
	})

	t.Run("holiday", func(t *testing.T) {
		putYear(t, today.Year, holidayFile(today.Year, today))
		r := reach(t, leader, staffID)
		tomorrow := today.AddDays(1).In(cst, 0)
		p := r.People[0]
		if p.Reachable || p.Reason != protocol.ReasonHoliday || p.Next == nil || !p.Next.Equal(tomorrow) {
			t.Errorf("today a holiday: %+v (next %v), want next %v", p, p.Next, tomorrow)
		}
		putYear(t, today.Year, holidayFile(today.Year, far))
	})

	var slot protocol.DutySlot
	t.Run("duty roster", func(t *testing.T) {
		putYear(t, today.Year, holidayFile(today.Year, today))
		defer putYear(t, today.Year, holidayFile(today.Year, far))
		now := time.Now().UTC().Truncate(time.Second)
		bad := []struct {
			name  string
			body  protocol.DutySlotRequest
			field string
		}{
			{"no user", protocol.DutySlotRequest{Start: now, End: now.Add(time.Hour)}, "user_id"},
			{"unknown user", protocol.DutySlotRequest{UserID: 999999, Start: now, End: now.Add(time.Hour)}, "user_id"},
			{"end before start", protocol.DutySlotRequest{UserID: staffID, Start: now, End: now.Add(-time.Hour)}, "end"},
			{"too long", protocol.DutySlotRequest{UserID: staffID, Start: now, End: now.Add(40 * 24 * time.Hour)}, "end"},
			{"already over", protocol.DutySlotRequest{UserID: staffID, Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}, "end"},
			{"long note", protocol.DutySlotRequest{UserID: staffID, Start: now, End: now.Add(time.Hour), Note: strings.Repeat("值", 201)}, "note"},
		}
		for _, c := range bad {
			status, code, field := quietErr(t, "POST", base+"/api/v1/admin/duty", admin, c.body)
			if status != 400 || code != protocol.CodeBadRequest || field != c.field {
				t.Errorf("%s: %d %s field %q, want %q", c.name, status, code, field, c.field)
			}
		}
		if status, _, _ := quietErr(t, "POST", base+"/api/v1/admin/duty", staff, protocol.DutySlotRequest{UserID: staffID, Start: now, End: now.Add(time.Hour)}); status != 403 {
			t.Errorf("staff wrote the roster: %d", status)
		}
		code, _ := call(t, "POST", base+"/api/v1/admin/duty", admin, protocol.DutySlotRequest{UserID: staffID, Start: now.Add(-time.Minute), End: now.Add(time.Hour), Note: "节假日值班"}, &slot)
		if code != 201 || slot.ID == 0 || slot.DisplayName != "张静" || slot.Note != "节假日值班" {
			t.Fatalf("create slot: %d %+v", code, slot)
		}
		var list protocol.DutyList
		call(t, "GET", base+"/api/v1/admin/duty", admin, nil, &list)
		if len(list.Slots) != 1 || list.Slots[0].ID != slot.ID {
			t.Errorf("roster: %+v", list)
		}
		if status, _, field := quietErr(t, "GET", base+"/api/v1/admin/duty?from=yesterday", admin, nil); status != 400 || field != "from" {
			t.Errorf("bad from: %d %q", status, field)
		}
		p := reach(t, leader, staffID).People[0]
		if !p.Reachable || p.Reason != protocol.ReasonOnDuty {
			t.Errorf("on duty on a holiday: %+v", p)
		}
		if code, _ := call(t, "DELETE", fmt.Sprintf("%s/api/v1/admin/duty/%d", base, slot.ID), admin, nil, nil); code != 204 {
			t.Errorf("delete slot: %d", code)
		}
		if status, code, _ := quietErr(t, "DELETE", fmt.Sprintf("%s/api/v1/admin/duty/%d", base, slot.ID), admin, nil); status != 404 || code != protocol.CodeNotFound {
			t.Errorf("delete again: %d %s", status, code)
		}
		if p := reach(t, leader, staffID).People[0]; p.Reason != protocol.ReasonHoliday {
			t.Errorf("the deleted slot still counts: %+v", p)
		}
	})

	t.Run("own settings: part-time and leave", func(t *testing.T) {
		var mine protocol.MyQuietResponse
		call(t, "GET", base+"/api/v1/me/quiet", staff, nil, &mine)
		if mine.OwnSchedule != nil || len(mine.Leave) != 0 || mine.Org.TimeZone != "Asia/Shanghai" || len(mine.Org.Week.Sun) != 1 || mine.Status.Reason != protocol.ReasonWorking {
			t.Errorf("defaults: %+v", mine)
		}
		morning := []protocol.TimeSpan{{Start: "09:00", End: "10:00"}}
		week := protocol.WeekSchedule{Mon: morning, Tue: morning, Wed: morning, Thu: morning, Fri: morning, Sat: morning, Sun: morning}
		bad := []struct {
			name  string
			body  any
			field string
		}{
			{"bad clock", protocol.MyQuietSettings{OwnSchedule: &protocol.WeekSchedule{Tue: []protocol.TimeSpan{{Start: "25:00", End: "26:00"}}}}, "own_schedule.tue[0].start"},
			{"reversed", protocol.MyQuietSettings{OwnSchedule: &protocol.WeekSchedule{Fri: []protocol.TimeSpan{{Start: "10:00", End: "09:00"}}}}, "own_schedule.fri"},
			{"empty own schedule", protocol.MyQuietSettings{OwnSchedule: &protocol.WeekSchedule{}}, "own_schedule"},
			{"bad date", protocol.MyQuietSettings{Leave: []protocol.LeaveRange{{From: "2026-02-30", To: "2026-03-01"}}}, "leave[0].from"},
			{"to before from", protocol.MyQuietSettings{Leave: []protocol.LeaveRange{{From: "2026-03-02", To: "2026-03-01"}}}, "leave[0].to"},
			{"long note", protocol.MyQuietSettings{Leave: []protocol.LeaveRange{{From: "2026-03-02", To: "2026-03-02", Note: strings.Repeat("假", 201)}}}, "leave[0].note"},
		}
		for _, c := range bad {
			status, code, field := quietErr(t, "PUT", base+"/api/v1/me/quiet", staff, c.body)
			if status != 400 || code != protocol.CodeBadRequest || field != c.field {
				t.Errorf("%s: %d %s field %q, want %q", c.name, status, code, field, c.field)
			}
		}
		req := protocol.MyQuietSettings{OwnSchedule: &week, PushWhenIdle: true,
			Leave: []protocol.LeaveRange{{From: today.String(), To: today.AddDays(1).String(), Note: "年休假"}}}
		if code, _ := call(t, "PUT", base+"/api/v1/me/quiet", staff, req, &mine); code != 200 {
			t.Fatalf("put own settings: %d", code)
		}
		if mine.OwnSchedule == nil || mine.OwnSchedule.Wed[0] != morning[0] || !mine.PushWhenIdle || len(mine.Leave) != 1 || mine.Leave[0].Note != "年休假" ||
			mine.Status.Reason != protocol.ReasonLeave {
			t.Errorf("own settings: %+v", mine)
		}
		want := today.AddDays(2).In(cst, quiet.At(9, 0))
		p := reach(t, leader, staffID).People[0]
		if p.Reachable || p.Reason != protocol.ReasonLeave || p.Next == nil || !p.Next.Equal(want) {
			t.Errorf("on leave: %+v (next %v), want next %v", p, p.Next, want)
		}
		// Back to the organisation's schedule, no leave.
		call(t, "PUT", base+"/api/v1/me/quiet", staff, protocol.MyQuietSettings{}, &mine)
		if mine.OwnSchedule != nil || len(mine.Leave) != 0 || mine.PushWhenIdle || mine.Status.Reason != protocol.ReasonWorking {
			t.Errorf("reset: %+v", mine)
		}
	})

	t.Run("reachability asks", func(t *testing.T) {
		leaderID := me(t, base, leader).ID
		r := reach(t, outsider, staffID, 999999, leaderID, staffID)
		if len(r.People) != 2 || r.People[0].UserID != staffID || r.People[1].UserID != leaderID || !slices.Equal(r.Unknown, []int64{999999}) {
			t.Errorf("answer: %+v", r)
		}
		many := make([]int64, 501)
		for i := range many {
			many[i] = int64(i + 1)
		}
		for _, ids := range [][]int64{nil, many} {
			if status, _, field := quietErr(t, "POST", base+"/api/v1/reachability", staff, protocol.ReachabilityRequest{UserIDs: ids}); status != 400 || field != "user_ids" {
				t.Errorf("%d ids: %d %q", len(ids), status, field)
			}
		}
		all := make([]int64, 60) // above the per-id lookup
		for i := range all {
			all[i] = int64(i + 1)
		}
		if r := reach(t, staff, all...); len(r.People)+len(r.Unknown) != 60 || len(r.People) < 20 {
			t.Errorf("60 ids: %d known, %d unknown", len(r.People), len(r.Unknown))
		}
	})

	t.Run("channel notification levels", func(t *testing.T) {
		ch := channelNamed(t, base, staff, "预算股")
		url := fmt.Sprintf("%s/api/v1/channels/%d/notify", base, ch.ID)
		var n protocol.ChannelNotify
		if code, _ := call(t, "GET", url, staff, nil, &n); code != 200 || n.Level != protocol.NotifyAll || n.ChannelID != ch.ID {
			t.Fatalf("default level: %d %+v", code, n)
		}
		if code, _ := call(t, "PUT", url, staff, protocol.ChannelNotifyRequest{Level: protocol.NotifyMentions}, &n); code != 200 || n.Level != protocol.NotifyMentions {
			t.Fatalf("set level: %d %+v", code, n)
		}
		call(t, "GET", url, staff, nil, &n)
		if n.Level != protocol.NotifyMentions {
			t.Errorf("level after set: %+v", n)
		}
		// The channel list carries it (免打扰 in the client), for this person only.
		if got := channelNamed(t, base, staff, "预算股").Notify; got != protocol.NotifyMentions {
			t.Errorf("the channel list says notify %q after setting mentions", got)
		}
		if got := channelNamed(t, base, loginToken(t, base, "lihua", demo.Password), "预算股").Notify; got != protocol.NotifyAll {
			t.Errorf("another member's list says notify %q", got)
		}
		if status, code, field := quietErr(t, "PUT", url, staff, protocol.ChannelNotifyRequest{Level: "loud"}); status != 400 || code != protocol.CodeBadRequest || field != "level" {
			t.Errorf("bad level: %d %s %q", status, code, field)
		}
		for _, u := range []string{url, fmt.Sprintf("%s/api/v1/channels/999999/notify", base), base + "/api/v1/channels/x/notify"} {
			if status, code, _ := quietErr(t, "GET", u, outsider, nil); status != 403 || code != protocol.CodeNotMember {
				t.Errorf("outsider %s: %d %s", u, status, code)
			}
		}
		if status, code, _ := quietErr(t, "PUT", url, outsider, protocol.ChannelNotifyRequest{Level: protocol.NotifyNone}); status != 403 || code != protocol.CodeNotMember {
			t.Errorf("outsider set: %d %s", status, code)
		}
	})

	t.Run("every change is audited", func(t *testing.T) {
		var evs protocol.AuditEvents
		if code, _ := call(t, "GET", base+"/api/v1/audit/events?action=quiet.&limit=100", auditor, nil, &evs); code != 200 {
			t.Fatalf("audit: %d", code)
		}
		count := map[string]int{}
		for _, e := range evs.Events {
			count[e.Action]++
			if strings.Contains(e.Detail, "年休假") || strings.Contains(e.Detail, "节假日值班") {
				t.Errorf("a note in the trail: %+v", e)
			}
		}
		want := map[string]int{
			"quiet.org_schedule_update": 1, "quiet.calendar_upload": 6, "quiet.duty_create": 1, "quiet.duty_delete": 1,
			"quiet.personal_update": 2, "quiet.channel_notify": 1,
		}
		for action, n := range want {
			if count[action] != n {
				t.Errorf("%s: %d entries, want %d (all: %v)", action, count[action], n, count)
			}
		}
	})
}
