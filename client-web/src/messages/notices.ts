// Texts of the notice screens (通知). zh-CN is the source of truth; English must define the same keys.

export const zh = {
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
};
