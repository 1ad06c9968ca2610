// The files of an answer (a file or picture field) while it is filled in, and their keys at
// sending (PROTOCOL.md §4.16, §4.21). Framework-free; the answer form holds one.
//
//   pick a file → the upload queue encrypts and uploads it as a draft's file ('uploaded');
//   one draft per file field, named after the collection and the field
//   发送 → every file uploaded (a failed one stops the answer: 重试 or remove it)
//     → each new file's keys wrapped to the collection's author and to me (the Sharer adds
//       the escrow's wrap), posted for the context `collection:<id>`
//     → the field's value: the attachments kept from the answer before, then the new ones
//   Sent, the files leave the queue (their uploads stay); a form closed unsent deletes them.

import { ApiError } from '../api';
import * as e2e from '../e2e';
import { checkFiles } from '../files/pick';
import type { ShareOptions, ShareResult } from '../files/share';
import type { Attachment } from '../files/types';
import type { DraftQueue } from '../files/noticeDraft';
import type { UploadItem } from '../files/upload';
import type { FileCount } from './answer';
import { collectionContext, MAX_FIELD_FILES } from './types';

export const ANSWER_FILE_FAILED = 'attachment_failed';

export interface AnswerFilesDeps {
  queue: DraftQueue;
  share(o: ShareOptions): Promise<ShareResult>;
  collectionId: number;
  authorId: number;
  me: { id: number };
  /** The largest file, in bytes. */
  limit: number;
  /** The attachments of the answer sent before, by field (kept unless removed). */
  kept?: Record<string, Attachment[]>;
  /** Tells the plaintext size's ciphertext size (e2e's). */
  ciphertextSize?: (plain: number) => number;
}

export interface AnswerFilesState {
  /** Each field's files in the queue, in the order added. */
  items: Record<string, UploadItem[]>;
  kept: Record<string, Attachment[]>;
  /** Names refused at the last pick (too large, too many). */
  refused: { fieldId: string; name: string; reason: 'too_large' | 'too_many' }[];
}

let seq = 0;

export type AnswerFiles = ReturnType<typeof createAnswerFiles>;

export function createAnswerFiles(deps: AnswerFilesDeps) {
  const { queue } = deps;
  const prefix = `collection-${deps.collectionId}-${++seq}-`;
  const draftOf = (fieldId: string) => prefix + fieldId;
  const sizeOf = deps.ciphertextSize ?? ((n: number) => e2e.ciphertextSize(n));
  const listeners = new Set<(s: AnswerFilesState) => void>();
  const fieldsOfQueue = (): Record<string, UploadItem[]> => {
    const out: Record<string, UploadItem[]> = {};
    for (const it of queue.getState().items) {
      if (!it.draft?.startsWith(prefix)) continue;
      (out[it.draft.slice(prefix.length)] ??= []).push(it);
    }
    return out;
  };
  let state: AnswerFilesState = { items: fieldsOfQueue(), kept: { ...(deps.kept ?? {}) }, refused: [] };
  let closed = false;
  const set = (p: Partial<AnswerFilesState>) => {
    state = { ...state, ...p };
    listeners.forEach((fn) => fn(state));
  };
  const unsubscribe = queue.subscribe(() => set({ items: fieldsOfQueue() }));
  const touched = new Set<string>();

  function count(fieldId: string): FileCount {
    const items = state.items[fieldId] ?? [];
    const uploaded = items.filter((x) => x.stage === 'uploaded').length;
    return { ready: (state.kept[fieldId]?.length ?? 0) + uploaded, pending: items.length - uploaded };
  }

  return {
    getState: () => state,
    subscribe(fn: (s: AnswerFilesState) => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    count,
    counts(fieldIds: readonly string[]): Record<string, FileCount> {
      return Object.fromEntries(fieldIds.map((id) => [id, count(id)]));
    },
    /** Picked files for a field; those too large, or beyond the field's ten, are refused. */
    add(fieldId: string, files: readonly File[]): number {
      if (closed) return 0;
      const { ok, refused } = checkFiles(files, deps.limit);
      const c = count(fieldId);
      const room = Math.max(0, MAX_FIELD_FILES - c.ready - c.pending);
      set({
        refused: [
          ...refused.map((r) => ({ fieldId, name: r.name, reason: 'too_large' as const })),
          ...ok.slice(room).map((f) => ({ fieldId, name: f.name, reason: 'too_many' as const })),
        ],
      });
      if (room && ok.length) {
        touched.add(fieldId);
        queue.addToDraft(draftOf(fieldId), ok.slice(0, room));
      }
      return Math.min(room, ok.length);
    },
    removeKept(fieldId: string, blobId: string) {
      set({ kept: { ...state.kept, [fieldId]: (state.kept[fieldId] ?? []).filter((a) => a.blob_id !== blobId) } });
    },
    cancel: (id: string) => queue.cancel(id),
    retry: (id: string) => queue.retry(id),
    clearRefused() {
      if (state.refused.length) set({ refused: [] });
    },

    /** At 发送: shares every new file's keys with the author (and me, and the escrow) and
     * answers each file field's attachments. Refuses while a file is not uploaded. */
    async attachments(fieldIds: readonly string[]): Promise<Record<string, Attachment[]>> {
      const out: Record<string, Attachment[]> = {};
      const context = collectionContext(deps.collectionId);
      const recipients = [...new Set([deps.authorId, deps.me.id])];
      for (const fieldId of fieldIds) {
        const items = state.items[fieldId] ?? [];
        if (items.some((x) => x.stage !== 'uploaded')) throw new ApiError(0, ANSWER_FILE_FAILED, 'a file of the answer is not uploaded');
        const list: Attachment[] = [...(state.kept[fieldId] ?? [])];
        for (const f of queue.draftFiles(draftOf(fieldId))) {
          await deps.share({ blobId: f.ref.blob_id, keys: f.keys, context, recipients });
          const item = items.find((x) => x.id === f.id);
          const a: Attachment = { blob_id: f.ref.blob_id, commitment: f.ref.commitment, size: item ? sizeOf(item.size) : 0 };
          if (f.ref.thumb_blob_id) a.thumb_blob_id = f.ref.thumb_blob_id;
          list.push(a);
        }
        if (list.length) out[fieldId] = list;
      }
      return out;
    },
    /** The answer was taken: its files leave the queue (their uploads stay). */
    sent() {
      for (const f of touched) queue.releaseDraft(draftOf(f));
      touched.clear();
    },
    /** The form closes: files not sent are stopped and deleted. */
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const f of touched) queue.discardDraft(draftOf(f));
      listeners.clear();
    },
  };
}
