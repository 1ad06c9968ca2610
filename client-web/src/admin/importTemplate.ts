// The template offered for download and shown as the example (PROTOCOL.md 5, Example,
// without the security officer and auditor rows, which the API refuses).

export const TEMPLATE_FILE_NAME = 'govchat-people-import.csv';

export const TEMPLATE_CSV = [
  '用户名,姓名,部门,职务,岗位,角色,党组织,党内职务,手机,邮箱',
  'wangjianguo,王建国,局领导,局长,,领导,机关党支部,书记,13800000001,wangjg@example.gov.cn',
  'zhangjing,张静,预算股/预算编制组,组长,预算编制岗,干部职工,机关党支部/第一党小组,,13800000008,',
].join('\r\n') + '\r\n';

/** The template as Excel opens it correctly: UTF-8 with a byte-order mark. */
export function templateBlobParts(): string[] {
  return ['\ufeff', TEMPLATE_CSV];
}

/** 12.3 KB / 1.5 MB */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "username,password" lines for copying the one-time passwords of an import. */
export function passwordsAsCsv(list: readonly { username: string; password: string }[]): string {
  return ['username,password', ...list.map((p) => `${p.username},${p.password}`)].join('\n');
}
