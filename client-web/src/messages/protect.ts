// Texts of the protections secrecy levels switch on: the viewer's watermark, view-only
// files, no copying. zh-CN is the source of truth; English must define the same keys.

export const zh = {
  'protect.wm_time': '{y}年{m}月{d}日 {hh}:{mm}',
  'protect.wm_label': '本页面带有查看人水印',
  'protect.view_only': '仅可在线查看',
  'protect.view_only_hint': '按密级规定，此文件只能在浏览器中查看，不能下载原文件。',
  'protect.no_copy_hint': '按密级规定，此消息不可复制。',
  // The server's refusal of a save (GET /files/{id}?purpose=save), wherever it is shown.
  'error.download_not_allowed': '按密级规定，此文件不能下载原文件，只能在线查看。',
} as const;

export const en: Readonly<Record<keyof typeof zh, string>> = {
  'protect.wm_time': '{y}-{m}-{d} {hh}:{mm}',
  'protect.wm_label': 'This page carries a watermark naming its viewer',
  'protect.view_only': 'View only',
  'protect.view_only_hint': 'At its secrecy level this file can only be viewed in the browser; the original cannot be downloaded.',
  'protect.no_copy_hint': 'At its secrecy level this message cannot be copied.',
  'error.download_not_allowed': 'At its secrecy level this file cannot be downloaded, only viewed in the browser.',
} as const;
