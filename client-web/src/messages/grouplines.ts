// Texts of a group's own life: the system lines the server writes (创建了群聊, 改群名,
// 邀请, 退出, 移出), a group named from its members, 免打扰 in a channel's header, and
// the note when @所有人 is not allowed. zh-CN is the source of truth; English must
// define the same keys.

export const zh = {
  'lines.created': '{actor} 创建了群聊',
  'lines.created_invited': '{actor} 创建了群聊并邀请了 {people}',
  'lines.renamed': '{actor} 将群名改为“{name}”',
  'lines.added': '{actor} 邀请 {people} 加入了群聊',
  'lines.left': '{actor} 退出了群聊',
  'lines.removed': '{actor} 将 {people} 移出了群聊',
  'lines.changed': '群聊信息有变化',
  'lines.you': '你',
  'lines.you_object': '你',
  'lines.sep': '、',
  'lines.more': '{people} 等 {n} 人',
  'lines.label': '群聊消息',

  'autoname.hint': '选填，最多 {max} 个字。不填时以成员姓名命名，如“张静、李华、王建国…”，成员变化时随之更新。',
  'autoname.settings_hint': '最多 {max} 个字。清空后以成员姓名命名，成员变化时随之更新。',
  'autoname.note': '群名由成员姓名生成，成员变化时随之更新。',

  'mute.button': '免打扰',
  'mute.on': '免打扰已开启',
  'mute.turn_on': '开启免打扰：只在有人@我时提醒',
  'mute.turn_off': '关闭免打扰：恢复接收全部消息提醒',
  'mute.status_on': '已开启免打扰，只在有人@我时提醒。',
  'mute.status_none': '已开启免打扰，本频道的消息都不提醒（在“设置”中选择了“关闭”）。',
  'mute.status_off': '已关闭免打扰，本频道的消息都会提醒。',
  'mute.failed': '免打扰设置未能保存：{reason}',
  'mute.icon': '免打扰',
  'mute.unread': '{n} 条未读（免打扰）',

  'mention_all.admins_only': '本频道只有管理员可以@所有人。',
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
  'lines.created': '{actor} created the group',
  'lines.created_invited': '{actor} created the group and invited {people}',
  'lines.renamed': '{actor} renamed the group to “{name}”',
  'lines.added': '{actor} invited {people} to the group',
  'lines.left': '{actor} left the group',
  'lines.removed': '{actor} removed {people} from the group',
  'lines.changed': 'The group changed',
  'lines.you': 'You',
  'lines.you_object': 'you',
  'lines.sep': ', ',
  'lines.more': '{people} and {rest} more',
  'lines.label': 'Group event',

  'autoname.hint': 'Optional, up to {max} characters. Left empty, the group is named after its members (“张静, 李华, 王建国…”) and follows them as they change.',
  'autoname.settings_hint': 'Up to {max} characters. Cleared, the group is named after its members and follows them as they change.',
  'autoname.note': 'Named after its members; the name follows them as they change.',

  'mute.button': 'Mute',
  'mute.on': 'Muted',
  'mute.turn_on': 'Mute: notify me only when someone @-mentions me',
  'mute.turn_off': 'Unmute: notify me of every message again',
  'mute.status_on': 'Muted: you are notified only when someone @-mentions you.',
  'mute.status_none': 'Muted: nothing from this channel notifies you (set to “Off” in Settings).',
  'mute.status_off': 'Unmuted: every message in this channel notifies you.',
  'mute.failed': 'Mute was not saved: {reason}',
  'mute.icon': 'Muted',
  'mute.unread': '{n} unread (muted)',

  'mention_all.admins_only': 'Only the channel’s administrators may @Everyone here.',
} as const;
