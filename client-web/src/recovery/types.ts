// The wire types of key recovery (protocol/recovery.go; PROTOCOL.md §4.23).

export type RecoveryMethod = 'device' | 'officer';
export type RecoveryState = 'pending' | 'answered' | 'done' | 'declined' | 'rejected' | 'cancelled' | 'expired';

export interface AccountRecoveryKey {
  key_id: string;
  public_key: string;
  set_by: number;
  created_at: string;
}

export interface SetAccountRecoveryKeyRequest {
  public_key: string;
}

export interface CreateKeyRecoveryRequest {
  method: RecoveryMethod;
  ephemeral_public: string;
}

export interface RecoveryPerson {
  id: number;
  username: string;
  display_name: string;
  /** Paths, primary first. */
  departments: string[];
}

export interface KeyRecovery {
  id: number;
  user_id: number;
  method: RecoveryMethod;
  state: RecoveryState;
  key_id: string;
  ephemeral_public: string;
  created_at: string;
  expires_at: string;
  ip?: string;
  user_agent?: string;
  /** While answered: the private key sealed to ephemeral_public (requester only). */
  sealed?: string;
  answered_by?: number;
  answered_at?: string;
  note?: string;
  /** The officer's view. */
  person?: RecoveryPerson;
  recovery_wrap?: string;
  recovery_key_id?: string;
}

export interface KeyRecoveries {
  recoveries: KeyRecovery[];
}

export interface AnswerKeyRecoveryRequest {
  sealed: string;
}

export interface ApproveKeyRecoveryRequest {
  sealed: string;
  recovery_key_id: string;
  note?: string;
}

export interface RejectKeyRecoveryRequest {
  note?: string;
}

/** The data of a key_recovery frame (PROTOCOL.md §7.5). */
export interface KeyRecoveryEvent {
  id: number;
  method: RecoveryMethod;
  state: RecoveryState;
  key_id: string;
  ephemeral_public: string;
  created_at: string;
  ip?: string;
  user_agent?: string;
}
