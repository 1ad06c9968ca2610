// The pictures of a loaded timeline, in order, for the viewer's 上一张 / 下一张.

import type { Message } from '../chat/types';
import { translate, type Locale } from '../i18n';
import type { Attachment } from './types';

/** A picture is an attachment with a thumbnail (the sender made one because it is one). */
export function isPicture(att: Attachment | undefined): att is Attachment {
  return !!att?.thumb_blob_id;
}

/** Every picture the messages show, oldest first, forwarded ones included, each once. */
export function picturesOf(messages: readonly Message[]): Attachment[] {
  const out: Attachment[] = [];
  const seen = new Set<string>();
  const add = (a: Attachment | undefined) => {
    if (isPicture(a) && !seen.has(a.blob_id)) {
      seen.add(a.blob_id);
      out.push(a);
    }
  };
  for (const m of messages) {
    if (m.recalled_at || m.kind === 'system') continue;
    add(m.attachment);
    for (const it of m.forward?.items ?? []) add(it.attachment);
  }
  return out;
}

/** What a message shows where only a line of text fits (the channel list, a quote): its
 * text, else [图片] / [文件] for a file sent without a caption. */
export function previewOf(m: { text: string; attachment?: Attachment }, locale: Locale): string {
  if (m.text.trim() || !m.attachment) return m.text;
  return translate(locale, isPicture(m.attachment) ? 'filesview.preview_picture' : 'filesview.preview_file');
}
