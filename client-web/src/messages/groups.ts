// Texts of the group screens (creating and managing 群组). zh-CN is the source of truth; English must define the same keys.

export const zh = {
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
};
