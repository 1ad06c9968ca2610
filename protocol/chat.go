package protocol

// Channel is a channel as its member sees it (GET /api/v1/channels).
type Channel struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"` // department, party, group, direct
	Name       string `json:"name"`
	Topic      string `json:"topic,omitempty"`
	PostPolicy string `json:"post_policy"` // everyone, admins (仅管理员发言)
	MentionAll string `json:"mention_all"` // who may @all: everyone, admins
	MaxSecrecy int    `json:"max_secrecy"`
	// DefaultSecrecy is the level a new message here starts at (≤ MaxSecrecy), set by
	// the security officer with the ceiling (§4.18).
	DefaultSecrecy int      `json:"default_secrecy"`
	Archived       bool     `json:"archived,omitempty"`
	LastSeq        int64    `json:"last_seq"`
	Epoch          int64    `json:"epoch"`
	Role           string   `json:"role"` // your role in it: member, admin
	ReadSeq        int64    `json:"read_seq"`
	Unread         int64    `json:"unread"`
	Latest         *Message `json:"latest,omitempty"`
	PeerID         int64    `json:"peer_id,omitempty"` // direct channels: the other person
	// IncludeSubDepartments: a department channel holds the people of every department
	// below it too.
	IncludeSubDepartments bool `json:"include_sub_departments,omitempty"`
	// AutoName: a group created without a typed name; Name is made from its members
	// (GroupNameFromMembers) and follows them until an administrator names it.
	AutoName bool `json:"auto_name,omitempty"`
	// Notify is your notification level here (all, mentions, none) in GET
	// /api/v1/channels; absent in the other answers that carry a channel.
	Notify string `json:"notify,omitempty"`
}

// Channels answers GET /api/v1/channels.
type Channels struct {
	Channels []Channel `json:"channels"`
}

// ChannelMember is one member (GET /api/v1/channels/{id}/members).
type ChannelMember struct {
	UserID      int64  `json:"user_id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Title       string `json:"title,omitempty"`
	Role        string `json:"role"`
}

// ChannelMembers answers GET /api/v1/channels/{id}/members.
type ChannelMembers struct {
	Members []ChannelMember `json:"members"`
}

// Messages answers history (GET /api/v1/channels/{id}/messages) and search
// (GET /api/v1/search), ascending by seq for history and newest first for search.
type Messages struct {
	Messages []Message `json:"messages"`
	// HasMore: history has more in the direction asked for.
	HasMore bool `json:"has_more"`
}

// CreateGroupRequest is the body of POST /api/v1/channels: a work group whose first
// members are the creator (as its administrator) and Members. An empty (or absent)
// Name names the group from its members, as GroupNameFromMembers says.
type CreateGroupRequest struct {
	Name       string  `json:"name,omitempty"`
	Topic      string  `json:"topic,omitempty"`
	Members    []int64 `json:"members"`
	PostPolicy string  `json:"post_policy,omitempty"`
	MentionAll string  `json:"mention_all,omitempty"`
}

// UpdateChannelRequest is the body of PATCH /api/v1/channels/{id} (channel
// administrators); absent fields stay. Department and party channels keep their names.
type UpdateChannelRequest struct {
	// Name "" (a group only) goes back to naming the group from its members.
	Name       *string `json:"name,omitempty"`
	Topic      *string `json:"topic,omitempty"`
	PostPolicy *string `json:"post_policy,omitempty"`
	MentionAll *string `json:"mention_all,omitempty"`
	Archived   *bool   `json:"archived,omitempty"`
	// IncludeSubDepartments: a department channel also holds the people of every
	// department below it.
	IncludeSubDepartments *bool `json:"include_sub_departments,omitempty"`
}

// MembersRequest is the body of POST /api/v1/channels/{id}/members (add to a group).
type MembersRequest struct {
	UserIDs []int64 `json:"user_ids"`
}

// Presence answers GET /api/v1/presence?users=1,2,3: whether each person has a
// connection open on any node right now.
type Presence struct {
	Online map[int64]bool `json:"online"`
}

// MemberRoleRequest is the body of PUT /api/v1/channels/{id}/members/{user}/role: a
// group's administrator appoints (admin) or stands down (member) another.
type MemberRoleRequest struct {
	Role string `json:"role"`
}
