// Texts of key requests: a file whose key was never shared with me (sent before I had a
// key pair or joined) is asked for from the channel's members. zh-CN is the source of
// truth; English must define the same keys.

export const zh = {
  'reshare.asking': '正在向群成员请求密钥…',
  'reshare.unanswered': '暂无在线成员可共享密钥，稍后再试',
  'reshare.failed': '无法向群成员请求密钥，请稍后重试。',
  'reshare.received': '已收到密钥，正在打开…',
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
  'reshare.asking': 'Asking the members for the file’s key…',
  'reshare.unanswered': 'No member who can share the key is online. Try again later',
  'reshare.failed': 'Could not ask the members for the key. Please try again later.',
  'reshare.received': 'Key received, opening…',
};
