// The upload queue's draft side for tests (a notice's attachments, a collection answer's
// files): files added are 'uploading' until the test moves their stage.

import type { DraftQueue } from './noticeDraft';
import type { DraftFile, UploadItem, UploadState } from './upload';

const blob = (n: number) => n.toString(16).padStart(32, '0');

/** The upload queue's draft side, with the stages moved by the test. */
export function fakeDraftQueue() {
  let state: UploadState = { items: [], refused: [] };
  const listeners = new Set<(s: UploadState) => void>();
  const set = (items: UploadItem[]) => {
    state = { items, refused: [] };
    listeners.forEach((fn) => fn(state));
  };
  let seq = 0;
  const log: string[] = [];
  const q: DraftQueue & { stage(id: string, stage: UploadItem['stage']): void; log: string[] } = {
    log,
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    addToDraft(draft, files) {
      const added = files.map((f) => ({ id: `u${++seq}`, channelId: 0, draft, name: f.name, size: f.size, picture: f.type.startsWith('image/'), stage: 'uploading' as const, done: 0, total: f.size }));
      set([...state.items, ...added]);
      return added.map((x) => x.id);
    },
    draftFiles(draft) {
      return state.items
        .filter((x) => x.draft === draft && x.stage === 'uploaded')
        .map((x): DraftFile => {
          const n = Number(x.id.slice(1));
          const ref = x.picture ? { blob_id: blob(n), commitment: `c${n}`, thumb_blob_id: blob(100 + n) } : { blob_id: blob(n), commitment: `c${n}` };
          return { id: x.id, ref, keys: x.picture ? { file: new Uint8Array(32).fill(n), thumb: new Uint8Array(32).fill(100 + n) } : { file: new Uint8Array(32).fill(n) } };
        });
    },
    releaseDraft(draft) {
      log.push(`release ${draft}`);
      set(state.items.filter((x) => x.draft !== draft));
    },
    discardDraft(draft) {
      log.push(`discard ${draft}`);
      set(state.items.filter((x) => x.draft !== draft));
    },
    cancel(id) {
      log.push(`cancel ${id}`);
      set(state.items.filter((x) => x.id !== id));
      return true;
    },
    retry(id) {
      q.stage(id, 'uploading');
    },
    stage(id, stage) {
      set(state.items.map((x) => (x.id === id ? { ...x, stage } : x)));
    },
  };
  return q;
}

