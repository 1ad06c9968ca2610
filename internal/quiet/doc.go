// Package quiet decides when a person may be disturbed: working time (工作时间) from an
// organisation's weekly schedule, the official holiday calendar with its make-up working
// days (调休), personal adjustments (a part-time schedule, leave) and the duty roster (值班).
//
// Everything here is pure: a Policy is a value, its methods take the instant to judge, and
// nothing reads a clock or a database. The only files read are the calendar years
// embedded in the binary (calendar/*.json). Loading a Policy from the store and caching it
// lives in Cache (cache.go). Service (service.go) is the feature's one door: callers such
// as the push dispatcher ask it for the Policy per decision, and every change to what
// decides it (organisation.go, roster.go, mine.go) is validated, authorised and stored with
// its audit entry in one transaction there, the REST handlers only reading requests and
// writing answers. "Quiet hours" is the feature's one name in the server; the wire paths
// (/work-schedule, /admin/duty, …) name the resources they serve.
//
// The rules, in order, for a person at an instant:
//  1. inside one of their duty slots: reachable ("on_duty");
//  2. on a date inside one of their leave ranges: not reachable ("leave");
//  3. on an official holiday: not reachable ("holiday");
//  4. otherwise the day's spans are those of the person's own schedule if they have one,
//     else the organisation's; a make-up working day (调休上班) takes the spans of the
//     schedule's first working weekday (Monday, else Tuesday, …); inside a span:
//     reachable ("working"); a day with no spans: "weekend" on Saturday and Sunday,
//     "day_off" on another day; between or outside spans (the lunch break, the night):
//     "off_hours".
//
// Clock times are wall-clock times in the organisation's zone (Asia/Shanghai by
// default, which has no daylight saving time); in a zone with DST a span's ends are
// resolved the way time.Date resolves them.
package quiet
