// Wire types of files and keys (protocol/files.go, PROTOCOL.md §4.15–4.17).

export const FILE_PART_SIZE = 4 << 20;
export const FILE_KEY_CONTEXT_NOTICE = 'notice';

/** The context a channel's wrapped keys are bound to. */
export function channelContext(channelId: number): string {
  return `channel:${channelId}`;
}

export interface CreateUploadRequest {
  size: number;
}

export interface CompleteUploadRequest {
  sha256: string;
}

export interface Upload {
  id: string;
  size: number;
  part_size: number;
  parts: number;
  received: number[];
  complete: boolean;
  expires_at: string;
}

export interface Attachment {
  blob_id: string;
  size: number;
  commitment: string;
  thumb_blob_id?: string;
  thumb_size?: number;
}

export interface AttachmentRef {
  blob_id: string;
  commitment: string;
  thumb_blob_id?: string;
}

export interface FileKey {
  blob_id: string;
  context: string;
  /** 0 for the organisation's escrow key. */
  user_id: number;
  key_id: string;
  wrapped: string;
  wrapped_by?: number;
}

export interface PostFileKeysRequest {
  context: string;
  keys: FileKey[];
}

export interface FileKeys {
  keys: FileKey[];
}

export interface UserKey {
  user_id: number;
  key_id: string;
  public_key: string;
  created_at: string;
}

export interface UserKeys {
  keys: UserKey[];
}

/** The `key` frame (PROTOCOL.md §7.5): this person has a new public key. */
export interface KeyEvent {
  user_id: number;
  key_id: string;
}

/** The body of POST /api/v1/files/{id}/key-requests (PROTOCOL.md §4.16). */
export interface FileKeyRequest {
  context: string;
}

/** The answer to a key request: passed on to the channel now, or a repeat of one just passed on. */
export interface FileKeyRequestResult {
  passed_on: boolean;
}

/** The `key_request` frame (PROTOCOL.md §7.5): a member asks for a file's key. */
export interface KeyRequestEvent {
  blob_id: string;
  context: string;
  /** Who asks. */
  user_id: number;
  /** The requester's current public key: the one to wrap to. */
  key_id: string;
}

/** The `key_shared` frame (PROTOCOL.md §7.5): these members were just given a sent file's key. */
export interface KeySharedEvent {
  blob_id: string;
  context: string;
  user_ids: number[];
}

export interface MyKey extends UserKey {
  wrapped_private: string;
  kdf_salt: string;
  kdf_iterations: number;
  /** The private key wrapped to the account-recovery key `recovery_key_id` (issue 12). */
  recovery_wrap?: string;
  recovery_key_id?: string;
}

export interface PutMyKeyRequest {
  public_key: string;
  wrapped_private: string;
  kdf_salt: string;
  kdf_iterations: number;
  /** Together: HPKE to the current account-recovery key (E2E.md §4.5). */
  recovery_wrap?: string;
  recovery_key_id?: string;
}

export interface EscrowKey {
  key_id: string;
  public_key: string;
  set_by: number;
  created_at: string;
}

export interface SetEscrowKeyRequest {
  public_key: string;
}

export interface EscrowOpenRequest {
  case_number: string;
  reason: string;
}

export interface EscrowOpen {
  key: FileKey;
  attachment: Attachment;
  channels: number[];
}

export interface ChannelFile {
  attachment: Attachment;
  seq: number;
  sender_id: number;
  created_at: string;
  /** The level of the message that carries the file (absent from older servers: 公开). */
  secrecy?: number;
}

export interface ChannelFiles {
  files: ChannelFile[];
  has_more: boolean;
}
