package audit

// Quiet hours (PROTOCOL.md §4.11). The detail names days, counts, years and ids; never
// the note of a leave range or a duty slot.
const (
	QuietOrgSchedule   = "quiet.org_schedule_update" // an administrator set the organisation's working time
	QuietCalendarYear  = "quiet.calendar_upload"     // an administrator uploaded (or corrected) a calendar year
	QuietDutyCreate    = "quiet.duty_create"
	QuietDutyDelete    = "quiet.duty_delete"
	QuietPersonal      = "quiet.personal_update" // a person changed their own schedule, leave or push choice
	QuietChannelNotify = "quiet.channel_notify"  // a person changed their notification level in a channel
)
