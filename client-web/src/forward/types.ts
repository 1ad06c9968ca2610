// The wire types of forwarding (转发), as protocol/forward.go defines them.

/** The body of POST /api/v1/forward. */
export interface ForwardRequest {
  client_id: string;
  channel_id: number;
  seqs: number[];
  merged?: boolean;
  targets: ForwardTarget[];
  comment?: string;
}

/** A channel the forwarder is in, or a person (their direct channel). Exactly one is set. */
export interface ForwardTarget {
  channel_id?: number;
  user_id?: number;
}

export interface ForwardResult {
  results: ForwardDelivery[];
}

export interface ForwardDelivery {
  channel_id: number;
  seqs: number[];
  comment_seq?: number;
  created_at: string;
  duplicate?: boolean;
}

/** The bounds the server holds a forward to (protocol/forward.go). */
export const MAX_FORWARD_ITEMS = 100;
export const MAX_FORWARD_TARGETS = 20;
