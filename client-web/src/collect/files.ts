// The files of an answer (a file or picture field) while it is filled in, and their keys at
// sending (PROTOCOL.md §4.16, §4.21). Framework-free; the answer form holds one.
//
//   pick a file → the upload queue encrypts and uploads it as a draft's file ('uploaded');
//   one draft per file field, named after the collection and the field; a field holds one
//   file, so a new pick replaces the one before (kept or uploading)
//   发送 → every file uploaded (a failed one stops the answer: 重试 or remove it)
//     → each new file's keys wrapped to the collection's author and to me (the Sharer adds
//       the escrow's wrap), posted for the context `collection:<id>`
//     → the field's value: the new file, or the one kept from the answer before
//   Sent, the files leave the queue (their uploads stay); a form closed unsent deletes them.

import { ApiError } from '../api';
import * as e2e from '../e2e';
import { checkFiles } from '../files/pick';
import type { ShareOptions, ShareResult } from '../files/share';
import type { Attachment, AttachmentRef } from '../files/types';
import type { DraftQueue } from '../files/noticeDraft';
import type { UploadItem } from '../files/upload';
import type { FileCount } from './answer';
import { collectionContext } from './types';

export const ANSWER_FILE_FAILED = 'attachment_failed';

export interface AnswerFilesDeps {
  queue: DraftQueue;
  share(o: ShareOptions): Promise<ShareResult>;
  collectionId: number;
  authorId: number;
  me: { id: number };
  /** The largest file, in bytes. */
  limit: number;
  /** The files of the answer sent before, by field (kept unless removed or replaced). */
  kept?: Record<string, Attachment>;
  /** Each file field's own limit in bytes (max_size), where it has one. */
  limits?: Record<string, number>;
  /** Tells the plaintext size's ciphertext size (e2e's). */
  ciphertextSize?: (plain: number) => number;
}

export interface AnswerFilesState {
  /** Each field's files in the queue, in the order added. */
  items: Record<string, UploadItem[]>;
  kept: Record<string, Attachment | undefined>;
  /** Names refused at the last pick (too large). */
  refused: { fieldId: string; name: string; reason: 'too_large' }[];
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
    return { ready: (state.kept[fieldId] ? 1 : 0) + uploaded, pending: items.length - uploaded };
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
    /** A file picked for a field: it replaces the field's file before (kept or queued);
     * one too large (for the field's max_size or the server's limit) is refused. */
    add(fieldId: string, files: readonly File[]): number {
      if (closed || !files.length) return 0;
      const limit = Math.min(deps.limit, deps.limits?.[fieldId] ?? Infinity);
      const { ok, refused } = checkFiles(files.slice(0, 1), limit);
      set({ refused: refused.map((r) => ({ fieldId, name: r.name, reason: 'too_large' as const })) });
      if (!ok.length) return 0;
      for (const it of state.items[fieldId] ?? []) queue.cancel(it.id);
      if (state.kept[fieldId]) set({ kept: { ...state.kept, [fieldId]: undefined } });
      touched.add(fieldId);
      queue.addToDraft(draftOf(fieldId), ok);
      return 1;
    },
    removeKept(fieldId: string) {
      set({ kept: { ...state.kept, [fieldId]: undefined } });
    },
    /** The field's limit, for the hint. */
    limitOf: (fieldId: string) => Math.min(deps.limit, deps.limits?.[fieldId] ?? Infinity),
    cancel: (id: string) => queue.cancel(id),
    retry: (id: string) => queue.retry(id),
    clearRefused() {
      if (state.refused.length) set({ refused: [] });
    },

    /** At 发送: shares each new file's keys with the author (and me, and the escrow) and
     * answers each file field's file. Refuses while a file is not uploaded. */
    async attachments(fieldIds: readonly string[]): Promise<Record<string, Attachment | AttachmentRef>> {
      const out: Record<string, Attachment | AttachmentRef> = {};
      const context = collectionContext(deps.collectionId);
      const recipients = [...new Set([deps.authorId, deps.me.id])];
      for (const fieldId of fieldIds) {
        const items = state.items[fieldId] ?? [];
        if (items.some((x) => x.stage !== 'uploaded')) throw new ApiError(0, ANSWER_FILE_FAILED, 'a file of the answer is not uploaded');
        const fresh = queue.draftFiles(draftOf(fieldId)).at(-1);
        if (fresh) {
          await deps.share({ blobId: fresh.ref.blob_id, keys: fresh.keys, context, recipients });
          const item = items.find((x) => x.id === fresh.id);
          const a: Attachment = { ...fresh.ref, size: item ? sizeOf(item.size) : 0 };
          out[fieldId] = a;
        } else if (state.kept[fieldId]) out[fieldId] = state.kept[fieldId]!;
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
