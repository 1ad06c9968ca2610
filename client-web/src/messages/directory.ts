// Texts of the directory (通讯录) screen. zh-CN is the source of truth; English must define the same keys.

export const zh = {
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
};
