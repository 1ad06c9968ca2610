// Builds the sending side of files for one signed-in person: the REST wrappers, the
// keyring (with this device's IndexedDB copy), the Sharer and the upload queue. The shell
// makes one per person and provides it (ui/files/send/context.ts, and FilesContext).

import { createDlpGate, type Ask } from '../dlp/gate';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Request } from '../api';
import type { LocalStore } from '../chat/outbox';
import { newClientId } from '../chat/compose';
import * as e2e from '../e2e';
import type { Credential } from '../e2e';
import { createFilesApi, type FilesApi } from './api';
import { createDeviceVault, indexedDbStore, type DeviceVault } from './device';
import type { Files } from './keyring';
import { createKeyring } from './keyring-impl';
import { createSharer } from './share';
import { makeThumbnail } from './thumb';
import type { Attachment } from './types';
import { createUploadQueue } from './upload';

/** What the upload queue needs of the chat store (which a new session replaces). */
export interface ChatSend {
  sendAttachment(channelId: number, attachment: Attachment, clientId: string): string | undefined;
  discard(clientId: string): void;
}

export interface FilesSendOptions {
  request: Request;
  me: { id: number };
  storage?: LocalStore;
  /** The chat store of the current session. */
  chat: () => ChatSend;
  api?: FilesApi;
  vault?: DeviceVault;
  /** The DLP gate's question to the sender (the shell's dialog); none: no gate. */
  ask?: Ask;
  /** The credential of the current password typed in this page (the unlock prompt). */
  derive?: (password: string) => Promise<Credential>;
}

export type FilesSend = ReturnType<typeof createFilesSend>;

export function createFilesSend(o: FilesSendOptions) {
  const api = o.api ?? createFilesApi(o.request);
  const vault = o.vault ?? createDeviceVault(indexedDbStore());
  const keyring = createKeyring({ api, crypto: e2e, vault, storage: o.storage, me: o.me, derive: o.derive });
  const sharer = createSharer({ keyring: keyring.keyring, api, crypto: e2e });
  const uploads = createUploadQueue({
    api,
    crypto: e2e,
    // WebCrypto has no incremental SHA-256, and the whole ciphertext's hash must be
    // made as the parts go (a 2 GiB file is never held): noble's, fed part by part.
    hasher: () => sha256.create(),
    thumbnail: makeThumbnail,
    async recipients(channelId) {
      // The members now, and their keys at once (the Sharer then finds them cached).
      const [res] = await Promise.all([
        o.request<{ members: { user_id: number }[] }>('GET', `/channels/${channelId}/members`),
        keyring.freshChannelKeys(channelId),
      ]);
      return res.members.map((m) => m.user_id);
    },
    share: (opts) => sharer.shareCounting(opts),
    send: (channelId, attachment, clientId) => o.chat().sendAttachment(channelId, attachment, clientId),
    discard: (clientId) => o.chat().discard(clientId),
    hasKey: keyring.hasKey,
    me: o.me,
    newClientId: () => newClientId(),
  });
  // The key pair made or unlocked: uploads that waited for it go on.
  const unsubscribe = keyring.subscribe(() => uploads.resume());
  const files: Files = { keyring: keyring.keyring, sharer };
  // Data-loss prevention: files are checked before they are encrypted (src/dlp).
  const dlp = o.ask ? createDlpGate({ request: o.request, ask: o.ask }) : undefined;
  return {
    api,
    dlp,
    keyring,
    sharer,
    uploads,
    /** What FilesContext provides to every files screen. */
    files,
    /** Logout: uploads stop (unsent ones deleted) and this device forgets the key. */
    async forget() {
      unsubscribe();
      uploads.dispose();
      await keyring.forget();
    },
    dispose() {
      unsubscribe();
      uploads.dispose();
      keyring.dispose();
    },
  };
}
