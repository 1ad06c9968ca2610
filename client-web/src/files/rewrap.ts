// Forwarding files (转发): the file is not uploaded again; the forwarder's browser unwraps
// its own key of each file and wraps it anew for everyone in each target channel
// (context "channel:<target>"), then the forward is sent. The server refuses a forward
// whose files have no keys for the target (key_missing), so this runs first.
//
// A person chosen as a target is their direct channel: the wraps are bound to its id, so a
// direct channel that does not exist yet is opened first (POST /api/v1/direct/{user}) and
// the forward then names that channel rather than the person.

import type { Channel, Message } from '../chat/types';
import type { Choice } from '../forward/forward';
import type { UserKey } from './types';
import { channelContext, type Attachment } from './types';
import { ApiError } from '../api';
import { translate, type Locale } from '../i18n';
import { FileOpenError, openErrorText, type UnwrappedKeys } from './open';

/** Every distinct file the chosen messages carry: their own and their forwarded items'. */
export function attachmentsOf(messages: readonly Message[]): Attachment[] {
  const out = new Map<string, Attachment>();
  for (const m of messages) {
    if (m.recalled_at) continue;
    if (m.attachment) out.set(m.attachment.blob_id, m.attachment);
    for (const it of m.forward?.items ?? []) if (it.attachment) out.set(it.attachment.blob_id, it.attachment);
  }
  return [...out.values()];
}

/** A target with the channel its keys are bound to, when known before sending. */
export interface RewrapTarget {
  choice: Choice;
  /** The channel (a person's existing direct channel); absent: open it first. */
  channelId?: number;
}

export interface RewrapPlan {
  attachments: Attachment[];
  targets: RewrapTarget[];
  /** Where the forwarder reads the files: the context of their own keys. */
  sourceContext: string;
  /** Wraps to post: one per file and target. */
  steps: number;
}

/** What to re-wrap for a forward, or null when the messages carry no file. */
export function planRewrap(messages: readonly Message[], chosen: readonly Choice[], channels: readonly Channel[], sourceChannelId: number): RewrapPlan | null {
  const attachments = attachmentsOf(messages);
  if (attachments.length === 0) return null;
  const targets = chosen.map((choice): RewrapTarget => {
    if (choice.kind === 'channel') return { choice, channelId: choice.id };
    const direct = channels.find((c) => c.kind === 'direct' && c.peer_id === choice.id);
    return direct ? { choice, channelId: direct.id } : { choice };
  });
  return { attachments, targets, sourceContext: channelContext(sourceChannelId), steps: attachments.length * targets.length };
}

export interface RewrapDeps {
  /** My unwrapped keys of a file (open.ts). */
  keys(blobId: string, context: string): Promise<UnwrappedKeys>;
  /** The public keys of a channel's members (the keyring). */
  channelKeys(channelId: number): Promise<Map<number, UserKey>>;
  /** Wraps and posts (the sharer). */
  share(opts: { blobId: string; keys: { file: Uint8Array; thumb?: Uint8Array }; context: string; recipients: number[] }): Promise<void>;
  /** Opens (creating) the direct channel with a person; its id. */
  openDirect(userId: number): Promise<number>;
}

/** A step of the re-wrap failed, for the target it names (undefined: reading my own keys). */
export class RewrapError extends Error {
  readonly choice?: Choice;
  readonly stage: 'direct' | 'keys' | 'share';
  readonly cause: unknown;
  constructor(stage: 'direct' | 'keys' | 'share', cause: unknown, choice?: Choice) {
    super(`rewrap: ${stage}`);
    this.name = 'RewrapError';
    this.stage = stage;
    this.cause = cause;
    this.choice = choice;
  }
}

/**
 * Re-wraps every file of the plan for every target and answers the choices to forward to,
 * a person replaced by their direct channel (same title, so a refusal still names them).
 * onProgress(done, total) after each wrap posted.
 */
export async function runRewrap(plan: RewrapPlan, deps: RewrapDeps, onProgress: (done: number, total: number) => void = () => undefined): Promise<Choice[]> {
  // My keys first: without them nothing can be shared, whatever the target.
  const keys = new Map<string, UnwrappedKeys>();
  for (const a of plan.attachments) {
    try {
      keys.set(a.blob_id, await deps.keys(a.blob_id, plan.sourceContext));
    } catch (e) {
      throw new RewrapError('keys', e);
    }
  }
  const resolved: Choice[] = [];
  let done = 0;
  onProgress(0, plan.steps);
  for (const t of plan.targets) {
    let channelId = t.channelId;
    if (channelId === undefined) {
      try {
        channelId = await deps.openDirect(t.choice.id);
      } catch (e) {
        throw new RewrapError('direct', e, t.choice);
      }
    }
    // A person also chosen as their direct channel: one target, wrapped once.
    if (resolved.some((c) => c.id === channelId)) {
      done += plan.attachments.length;
      onProgress(done, plan.steps);
      continue;
    }
    const choice: Choice = { kind: 'channel', id: channelId, title: t.choice.title };
    try {
      const recipients = [...(await deps.channelKeys(channelId)).keys()];
      for (const a of plan.attachments) {
        const k = keys.get(a.blob_id)!;
        await deps.share({ blobId: a.blob_id, keys: { file: k.file, thumb: k.thumb }, context: channelContext(channelId), recipients });
        done++;
        onProgress(done, plan.steps);
      }
    } catch (e) {
      throw new RewrapError('share', e, t.choice);
    }
    resolved.push(choice);
  }
  return resolved;
}

/** The words for a re-wrap that failed, naming the target it failed for. */
export function rewrapErrorText(err: unknown, locale: Locale, describe: (e: ApiError) => string): string {
  const reason = (e: unknown) => (e instanceof ApiError ? describe(e) : openErrorText(e, locale, describe));
  if (!(err instanceof RewrapError)) return reason(err);
  const name = err.choice?.title ?? '';
  switch (err.stage) {
    case 'keys':
      return reason(err.cause);
    case 'direct':
      return translate(locale, 'filesview.fwd_err_direct', { name });
    case 'share':
      return translate(locale, 'filesview.fwd_err_keys', { name, reason: err.cause instanceof FileOpenError ? openErrorText(err.cause, locale) : reason(err.cause) });
  }
}
