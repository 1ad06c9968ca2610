// A refused request as these sections keep it: the app's error (for its wording) plus the
// field the server named and its explanation, which the calendar upload and the schedule
// show to the administrator.

import { ApiError } from '../../../api';
import { toUiError, type UiError } from '../../../errors';

export interface Refusal {
  error: UiError;
  field?: string;
  detail?: string;
}

export function refusal(err: unknown): Refusal {
  const error = toUiError(err, Date.now());
  if (err instanceof ApiError && err.code === 'bad_request') {
    return { error, field: err.field, detail: err.message && err.message !== err.code ? err.message : undefined };
  }
  return { error };
}
