// A change the Admin API refused is shown on the page the admin came from, with the API's own
// reason and the matching HTTP status; anything else is a real error for the error handler.
import { AdminApiError, httpStatusOf } from '../admin-api.js';

export interface Refusal { notice: { kind: 'error'; text: string }; status: number }

/** The notice and status for `err` when the Admin API refused the change; rethrows anything else. */
export function refusal(err: unknown): Refusal {
  if (err instanceof AdminApiError) return { notice: { kind: 'error', text: err.message }, status: httpStatusOf(err.code) };
  throw err;
}
