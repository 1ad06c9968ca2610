// A notice's attachments while it is composed, and its publication with them (PROTOCOL.md
// §4.10, §4.16). Framework-free; the publish form holds one per draft.
//
//   添加附件 (pick or drop; at most 10, each within the size limit)
//     → the upload queue encrypts and uploads each (upload.ts, addToDraft): 'uploaded'
//   发布 → wait until every file is uploaded (a failed one stops the publication: 重试 or
//     取消 it, then 发布 again)
//     → POST /notices/audience/keys with the form's audience: everyone it reaches now who
//       has a key, with that key
//     → each file's keys (file + thumbnail) wrapped to each of them, to the author (who
//       opens their own notice's files too) and to the escrow when there is one, posted
//       for the context "notice" (the Sharer, given the keys in hand)
//     → POST /notices with attachments [{blob_id, commitment, thumb_blob_id}]
//     → key_missing (someone got a key, or a new one, in between): the audience's keys
//       asked again, the files wrapped to whoever is new or changed, published again — once.
// Published, the files leave the queue (their uploads stay); a form closed unpublished
// deletes them.

import { ApiError, type Request } from '../api';
import type { Audience, Notice, PublishNoticeRequest } from '../notices/types';
import { checkFiles } from './pick';
import type { ShareOptions, ShareResult } from './share';
import { FILE_KEY_CONTEXT_NOTICE, type UserKey, type UserKeys } from './types';
import type { DraftFile, UploadItem, UploadQueue } from './upload';

/** protocol.MaxAttachmentsPer: the files of one notice. */
export const MAX_NOTICE_ATTACHMENTS = 10;
/** The client's own code: a file did not finish uploading, so the notice was not published. */
export const ATTACHMENT_FAILED = 'attachment_failed';
export const KEY_MISSING = 'key_missing';

export interface DraftRefusal {
  name: string;
  reason: 'too_large' | 'folder' | 'too_many';
}

/** What 发布 is doing: waiting for uploads, asking the audience's keys, wrapping, posting. */
export type PublishPhase = 'idle' | 'uploading' | 'keys' | 'wrapping' | 'publishing';

export interface NoticeDraftState {
  /** The draft's files in the upload queue, in the order added. */
  items: UploadItem[];
  refused: DraftRefusal[];
  phase: PublishPhase;
  /** While wrapping: how many people of the audience the files go to. */
  people: number;
  /** Wraps made, of `total` (every file to every recipient, the escrow included). */
  wrapped: number;
  total: number;
}

export type DraftQueue = Pick<UploadQueue, 'addToDraft' | 'draftFiles' | 'releaseDraft' | 'discardDraft' | 'cancel' | 'retry' | 'getState' | 'subscribe'>;

export interface NoticeDraftDeps {
  queue: DraftQueue;
  /** POST /notices/audience/keys. */
  audienceKeys(audience: Audience): Promise<UserKey[]>;
  /** The organisation's escrow key (the keyring's, cached), for the progress's total. */
  escrowKey(): Promise<{ key_id: string } | null>;
  /** The Sharer's: wraps and posts one file's keys. */
  share(o: ShareOptions): Promise<ShareResult>;
  /** Drops cached keys (the escrow's too) before the wrap after a key_missing. */
  forgetKeys(): void;
  me: { id: number };
  /** The largest file, in bytes. */
  limit: number;
  /** This draft's name in the queue. */
  draft: string;
}

/** POST /notices/audience/keys over the app's request function. */
export function audienceKeysOf(request: Request): (audience: Audience) => Promise<UserKey[]> {
  return async (audience) => (await request<UserKeys>('POST', '/notices/audience/keys', { audience })).keys ?? [];
}

// ---- planning (pure) ----

export interface NoticeWrapPlan {
  /** Who gets each file's key: the audience's people with a key, then the author. */
  recipients: number[];
  /** Their keys as the audience answered them (the author's is looked up by the Sharer). */
  publicKeys: Map<number, UserKey>;
  /** People of the audience the files go to (the author not counted). */
  people: number;
  /** Wraps to make: every file to every recipient, and to the escrow when there is one. */
  total: number;
}

/** The wraps of a notice's files for the audience's keys. */
export function planNoticeWraps(files: number, audience: readonly UserKey[], meId: number, escrow: boolean): NoticeWrapPlan {
  const publicKeys = new Map<number, UserKey>();
  for (const k of audience) if (k.user_id !== meId && k.user_id > 0) publicKeys.set(k.user_id, k);
  const people = [...publicKeys.keys()].sort((a, b) => a - b);
  const recipients = [...people, meId];
  return { recipients, publicKeys, people: people.length, total: files * (recipients.length + (escrow ? 1 : 0)) };
}

/** After a key_missing: the audience's keys now against those wrapped to — whoever is new,
 * or has another key, is wrapped to again (the author is not asked for by the server). */
export function planRewrap(wrapped: ReadonlyMap<number, UserKey>, now: readonly UserKey[], meId: number): UserKey[] {
  return now.filter((k) => k.user_id !== meId && k.user_id > 0 && wrapped.get(k.user_id)?.key_id !== k.key_id);
}

/** Splits what was picked or dropped into what may be attached and what is refused: too
 * large, a folder, or beyond the notice's 10 files. */
export function intakeNoticeFiles(have: number, files: readonly File[], folders: readonly string[], limit: number): { ok: File[]; refused: DraftRefusal[] } {
  const { ok, refused } = checkFiles(files, limit);
  const room = Math.max(0, MAX_NOTICE_ATTACHMENTS - have);
  const out: DraftRefusal[] = [...refused, ...folders.map((name) => ({ name, reason: 'folder' as const }))];
  for (const f of ok.slice(room)) out.push({ name: f.name, reason: 'too_many' });
  return { ok: ok.slice(0, room), refused: out };
}

class Aborted extends Error {
  constructor() {
    super('the notice form was closed');
    this.name = 'AbortError';
  }
}

export type NoticeDraft = ReturnType<typeof createNoticeDraft>;

export function createNoticeDraft(deps: NoticeDraftDeps) {
  const { queue, draft } = deps;
  const listeners = new Set<(s: NoticeDraftState) => void>();
  const mine = () => queue.getState().items.filter((x) => x.draft === draft);
  let state: NoticeDraftState = { items: mine(), refused: [], phase: 'idle', people: 0, wrapped: 0, total: 0 };
  let closed = false;

  function set(p: Partial<NoticeDraftState>) {
    state = { ...state, ...p };
    listeners.forEach((fn) => fn(state));
  }
  const unsubscribe = queue.subscribe(() => {
    const items = mine();
    if (items.length !== state.items.length || items.some((x, i) => x !== state.items[i])) set({ items });
  });

  // A publication waiting for uploads hears of close() as well as of the queue.
  const waiters = new Set<() => void>();

  /** Resolves once every file is uploaded; refuses when one failed (or the form closed). */
  function uploaded(): Promise<void> {
    return new Promise((resolve, reject) => {
      let stop: (() => void) | undefined;
      const check = () => {
        const items = mine();
        let err: Error | undefined;
        if (closed) err = new Aborted();
        else if (items.some((x) => x.stage === 'failed')) err = new ApiError(0, ATTACHMENT_FAILED, 'an attachment did not finish uploading');
        else if (!items.every((x) => x.stage === 'uploaded')) return;
        stop?.();
        waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      waiters.add(check);
      stop = queue.subscribe(check);
      check();
    });
  }

  /** Wraps each file to `recipients` and posts the wraps; progress from `base` of `total`. */
  async function wrapAll(files: readonly DraftFile[], recipients: number[], publicKeys: ReadonlyMap<number, UserKey>, base: number) {
    let done = base;
    let shown = -1;
    const tell = (n: number) => {
      // At most a hundred updates however large the audience.
      const step = state.total > 0 ? Math.floor((n * 100) / state.total) : 0;
      if (step !== shown) {
        shown = step;
        set({ wrapped: Math.min(n, state.total) });
      }
    };
    for (const f of files) {
      if (closed) throw new Aborted();
      const from = done;
      const res = await deps.share({
        blobId: f.ref.blob_id,
        keys: f.keys,
        context: FILE_KEY_CONTEXT_NOTICE,
        recipients,
        publicKeys,
        onWrapped: (n) => tell(from + n),
      });
      done = from + res.wrapped;
      tell(done);
    }
    return done;
  }

  return {
    getState: () => state,
    subscribe(fn: (s: NoticeDraftState) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /** 添加附件: picked or dropped files (and folders, refused). Answers how many were added. */
    add(files: readonly File[], folders: readonly string[] = []): number {
      if (closed) return 0;
      const { ok, refused } = intakeNoticeFiles(mine().length, files, folders, deps.limit);
      set({ refused });
      if (ok.length) queue.addToDraft(draft, ok);
      return ok.length;
    },
    clearRefused() {
      if (state.refused.length) set({ refused: [] });
    },
    cancel: (id: string) => queue.cancel(id),
    retry: (id: string) => queue.retry(id),

    /** 发布 with the attachments: `post` is the publication itself (POST /notices). Throws
     * what refused it; the draft stays as it is for another try. */
    async publish(body: PublishNoticeRequest, post: (b: PublishNoticeRequest) => Promise<Notice>): Promise<Notice> {
      if (!mine().length) return post(body);
      try {
        set({ phase: 'uploading', wrapped: 0, total: 0, people: 0 });
        await uploaded();
        const files = queue.draftFiles(draft);
        set({ phase: 'keys' });
        const [keys, escrow] = await Promise.all([deps.audienceKeys(body.audience), deps.escrowKey()]);
        const plan = planNoticeWraps(files.length, keys, deps.me.id, !!escrow);
        set({ phase: 'wrapping', people: plan.people, total: plan.total, wrapped: 0 });
        await wrapAll(files, plan.recipients, plan.publicKeys, 0);
        const req: PublishNoticeRequest = { ...body, attachments: files.map((f) => ({ ...f.ref })) };
        if (closed) throw new Aborted();
        set({ phase: 'publishing' });
        let n: Notice;
        try {
          n = await post(req);
        } catch (e) {
          if (!(e instanceof ApiError && e.code === KEY_MISSING) || closed) throw e;
          // Someone got a key (or a new one) since: wrap for them, and publish once more.
          deps.forgetKeys();
          set({ phase: 'keys' });
          const [again, escrowNow] = await Promise.all([deps.audienceKeys(body.audience), deps.escrowKey()]);
          const fresh = planRewrap(plan.publicKeys, again, deps.me.id);
          const extra = planNoticeWraps(files.length, fresh, deps.me.id, !!escrowNow);
          // The author already has theirs: the new and changed, and the escrow's.
          const recipients = extra.recipients.filter((id) => id !== deps.me.id);
          set({ phase: 'wrapping', people: again.filter((k) => k.user_id !== deps.me.id).length, total: files.length * (recipients.length + (escrowNow ? 1 : 0)), wrapped: 0 });
          await wrapAll(files, recipients, extra.publicKeys, 0);
          if (closed) throw new Aborted();
          set({ phase: 'publishing' });
          n = await post(req);
        }
        queue.releaseDraft(draft);
        return n;
      } finally {
        set({ phase: 'idle' });
      }
    },

    /** The form closes: files not published are stopped and deleted. */
    close() {
      if (closed) return;
      closed = true;
      for (const w of [...waiters]) w();
      unsubscribe();
      queue.discardDraft(draft);
      listeners.clear();
    },
  };
}
