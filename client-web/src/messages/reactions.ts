// Texts of reactions (收到, 👍 …) under messages and of the composer's emoji panel. zh-CN is the source of truth; English must define the same keys.

export const zh = {
  'reactions.label': '回应',
  'reactions.add': '添加回应',
  'reactions.quick': '快捷回应',
  'reactions.chip': '{reaction}，{n} 人：{names}',
  'reactions.chip_mine': '{reaction}，{n} 人：{names}。再点一次取消我的回应',
  'reactions.who': '{names}',
  'reactions.who_more': '{names} 等 {n} 人',
  'reactions.who_title': '{reaction} · {n} 人',
  'reactions.failed': '回应未成功：{reason}',
  'reactions.emoji': '表情',
  'reactions.emoji_panel': '常用表情',
  'reactions.emoji_close': '关闭表情',
  'error.reaction_not_allowed': '服务器不接受这个回应，请刷新页面后重试。',
  'error.message_recalled': '该消息已被撤回。',
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
  'reactions.label': 'Reactions',
  'reactions.add': 'Add a reaction',
  'reactions.quick': 'Quick reactions',
  'reactions.chip': '{reaction}, {n}: {names}',
  'reactions.chip_mine': '{reaction}, {n}: {names}. Click again to take yours back',
  'reactions.who': '{names}',
  'reactions.who_more': '{names} and {n} more',
  'reactions.who_title': '{reaction} · {n}',
  'reactions.failed': 'The reaction did not go through: {reason}',
  'reactions.emoji': 'Emoji',
  'reactions.emoji_panel': 'Common emoji',
  'reactions.emoji_close': 'Close emoji',
  'error.reaction_not_allowed': 'The server does not take this reaction. Reload the page and try again.',
  'error.message_recalled': 'The message was recalled.',
};
