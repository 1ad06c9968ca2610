// Texts of a notice's attachments while it is composed and published (the detail's are in
// filesview.ts). zh-CN is the source of truth; English must define the same keys.

export const zh = {
  'noticefiles.title': '附件',
  'noticefiles.add': '添加附件',
  'noticefiles.hint': '最多 {max} 个，每个不超过 {limit}。附件在本机加密后上传，只有接收人能打开。',
  'noticefiles.hint_drop': '也可将文件拖到此处。',
  'noticefiles.drop': '松开即可添加附件',
  'noticefiles.count': '{n} / {max}',
  'noticefiles.list': '通知的附件',
  'noticefiles.uploaded': '已上传，发布时为接收人加密',
  'noticefiles.too_large': '{name}：文件超过 {limit}，无法添加',
  'noticefiles.folder': '{name}：暂不支持添加文件夹',
  'noticefiles.too_many': '{name}：一条通知最多 {max} 个附件',
  'noticefiles.dismiss': '知道了',

  'noticefiles.phase_uploading': '正在上传附件…',
  'noticefiles.phase_keys': '正在获取接收人密钥…',
  'noticefiles.phase_wrapping': '正在为 {n} 位接收人加密附件…',
  'noticefiles.phase_publishing': '正在发布…',
  'noticefiles.progress_label': '附件加密进度',
  'noticefiles.wrapped': '已完成 {pct}%',

  'noticefiles.err_failed': '有附件未能上传，请点“重试”或将其移除后再发布。',
  'noticefiles.err_key_missing': '有接收人刚刚设置了加密密钥，附件密钥未能全部送达，请再点一次“发布”。',
  'noticefiles.err_incomplete': '附件尚未上传完成，请稍候再发布。',
  'noticefiles.err_not_yours': '只能添加您自己上传的附件。',
  'noticefiles.err_gone': '附件已失效（可能超过一天未发布而被清理），请移除后重新添加。',

  'noticefiles.revise_title': '附件（{n} 个）',
  'noticefiles.revise_hint': '修改通知不会改变附件；如需更换附件，请撤回后重新发布。',
  'noticefiles.revise_loading': '正在读取…',
  'noticefiles.revise_unreadable': '附件',
  'noticefiles.withdrawn': '通知已撤回，附件已不可查看。',
};

export const en: Record<keyof typeof zh, string> = {
  'noticefiles.title': 'Attachments',
  'noticefiles.add': 'Add attachments',
  'noticefiles.hint': 'Up to {max}, each at most {limit}. Files are encrypted on this device before upload; only the recipients can open them.',
  'noticefiles.hint_drop': ' You can also drop files here.',
  'noticefiles.drop': 'Drop to attach',
  'noticefiles.count': '{n} / {max}',
  'noticefiles.list': 'Attachments of the notice',
  'noticefiles.uploaded': 'Uploaded; encrypted for the recipients when published',
  'noticefiles.too_large': '{name}: larger than {limit}, cannot be attached',
  'noticefiles.folder': '{name}: folders cannot be attached',
  'noticefiles.too_many': '{name}: a notice takes at most {max} attachments',
  'noticefiles.dismiss': 'OK',

  'noticefiles.phase_uploading': 'Uploading attachments…',
  'noticefiles.phase_keys': 'Getting the recipients’ keys…',
  'noticefiles.phase_wrapping': 'Encrypting attachments for {n} recipients…',
  'noticefiles.phase_publishing': 'Publishing…',
  'noticefiles.progress_label': 'Encrypting attachments',
  'noticefiles.wrapped': '{pct}% done',

  'noticefiles.err_failed': 'An attachment did not upload. Retry it or remove it, then publish.',
  'noticefiles.err_key_missing': 'Someone just set up their encryption key and not every attachment key arrived. Please press Publish again.',
  'noticefiles.err_incomplete': 'An attachment has not finished uploading. Please wait and publish again.',
  'noticefiles.err_not_yours': 'You can attach only files you uploaded.',
  'noticefiles.err_gone': 'An attachment is no longer available (uploads not published within a day are removed). Remove it and add it again.',

  'noticefiles.revise_title': 'Attachments ({n})',
  'noticefiles.revise_hint': 'Revising does not change the attachments; to replace them, withdraw the notice and publish a new one.',
  'noticefiles.revise_loading': 'Reading…',
  'noticefiles.revise_unreadable': 'Attachment',
  'noticefiles.withdrawn': 'The notice was withdrawn; its attachments can no longer be opened.',
};
