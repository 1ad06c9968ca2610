// Texts of the settings screens (notifications, quiet hours, working time). zh-CN is the source of truth; English must define the same keys.

export const zh = {
  'settings.title': '设置',
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
  'settings.title': 'Settings',
};
