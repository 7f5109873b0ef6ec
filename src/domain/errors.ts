/**
 * The one error catalogue. Every domain error the API can answer with has a stable code here,
 * with its HTTP status and title; the problem-details plugin maps them by this table.
 */
export const ERRORS = {
  validation_failed: { status: 400, title: 'Invalid request' },
  malformed_body: { status: 400, title: 'Malformed request body' },
  unauthorized: { status: 401, title: 'Missing or unknown API key' },
  forbidden: { status: 403, title: 'Not allowed for this API key' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  idempotency_key_reused: { status: 409, title: 'Idempotency-Key reused with another request' },
  idempotency_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  msisdn_taken: { status: 409, title: 'MSISDN already belongs to a member' },
  group_has_members: { status: 409, title: 'Group still has members' },
  member_in_menu: { status: 409, title: "Member is the target of a switchboard menu's key" },
  short_code_taken: { status: 409, title: 'Short code already taken in this group' },
  clock_not_simulated: { status: 409, title: 'The service clock is real' },
  tier_mismatch: { status: 422, title: 'Value tier does not fit the institution type' },
  invalid_timezone: { status: 422, title: 'Unknown time zone' },
  vpn_required: { status: 422, title: 'The group has no VPN' },
  short_code_invalid: { status: 422, title: 'Short code breaks the numbering plan' },
  cross_province_not_allowed: {
    status: 422,
    title: 'Member outside the home province of a VPN without cross-province',
  },
  vpn_plan_conflict: {
    status: 422,
    title: 'Existing short codes or members do not fit the new VPN settings',
  },
  no_tariff: { status: 422, title: 'No tariff in force at that time' },
  out_of_scope: { status: 403, title: 'Neither party belongs to a group of this API key' },
  clock_in_past: { status: 422, title: 'The simulated clock only moves forward' },
  clock_out_of_range: { status: 422, title: 'The simulated clock cannot pass 9999-01-01' },
  sms_unroutable: { status: 422, title: 'The message cannot be delivered' },
  unknown_tone: { status: 422, title: 'The policy names a tone the group does not have' },
  ringback_invalid: { status: 422, title: 'The ringback policy breaks a domain rule' },
  pilot_number_taken: { status: 409, title: 'Pilot number already in use' },
  switchboard_in_use: { status: 409, title: 'The switchboard has calls in progress' },
  switchboard_invalid: { status: 422, title: 'The switchboard configuration breaks a domain rule' },
  member_outside_group: { status: 422, title: "The member does not belong to the switchboard's group" },
  call_action_not_allowed: { status: 409, title: "The call's state does not allow this action" },
  transfer_target_invalid: { status: 422, title: 'The transfer target cannot take the call' },
  subscription_invalid: { status: 422, title: 'The subscription breaks a billing rule' },
  call_time_regressed: { status: 422, title: "The action's time precedes the call's last event" },
  conference_full: { status: 409, title: 'The conference is full' },
  conference_locked: { status: 409, title: 'The conference is locked' },
  conference_ended: { status: 409, title: 'The conference has ended' },
  conference_not_active: { status: 409, title: 'The conference has not started' },
  already_participant: { status: 409, title: 'The number is already in the conference' },
  pin_taken: { status: 409, title: 'The PIN belongs to a conference not yet ended' },
  contact_exists: { status: 409, title: 'The number is already in the address book' },
  too_many_participants: { status: 422, title: 'More participants than the conference allows' },
  host_outside_group: { status: 422, title: 'The host is a member of another group' },
  unknown_member: { status: 422, title: "No such member in the conference's group" },
  unknown_contact: { status: 422, title: 'No such entry in the address books' },
  duplicate_participant: { status: 422, title: 'The same number is listed twice' },
  host_cannot_be_removed: { status: 422, title: 'The host cannot be removed from the conference' },
  duration_too_short: { status: 422, title: 'That duration has already passed' },
  contact_read_only: { status: 422, title: 'Members are managed under the group members' },
  invalid_number: { status: 400, title: 'Invalid phone number' },
  scenario_runs_busy: { status: 429, title: 'Too many scenario runs at once' },
  rate_limited: { status: 429, title: 'Request budget exceeded; retry after the Retry-After seconds' },
  api_key_inactive: { status: 409, title: 'The API key is revoked or expired' },
  concurrent_update: { status: 409, title: 'Changed by another request; read it again and retry' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  // Raised by the HTTP framework or server before any route runs.
  malformed_url: { status: 400, title: 'Malformed URL' },
  malformed_request: { status: 400, title: 'Malformed HTTP request' },
  request_timeout: { status: 408, title: 'The request did not arrive in time' },
  uri_too_long: { status: 414, title: 'URL too long' },
  headers_too_large: { status: 431, title: 'Request headers too large' },
  overloaded: { status: 503, title: 'The service is overloaded' },
  shutting_down: { status: 503, title: 'The service is shutting down' },
  deadline_exceeded: { status: 503, title: 'The request ran past its deadline' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldIssue {
  /**
   * Dotted path of the field within the input of whoever reports it: a service names the fields
   * of its own input (`msisdn`, `participants.2.memberId`, '' for the input as a whole) and knows
   * nothing of requests; the HTTP layer puts the part of the request in front (`body.msisdn`,
   * see src/http/field-paths.ts).
   */
  path: string;
  message: string;
}

/** The path of `names` in turn below `base` ('' is the input itself): `fieldPath('', 'a', 2)` is `a.2`. */
export function fieldPath(base: string, ...names: (string | number)[]): string {
  return [base, ...names].filter((name) => name !== '').join('.');
}

/** `path: message; path: message`, the form a detail lists its issues in. */
export function describeIssues(errors: readonly FieldIssue[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}

/** What an error says, given where its field paths end up (`pathOf`). */
type Wording = (pathOf: (path: string) => string) => { detail: string; errors: FieldIssue[] };

const asReported = (path: string) => path;

/**
 * A domain error: a catalogue code, a human detail, and optionally the fields at fault. Their
 * paths are the reporter's; `withPaths` gives the error with the paths the answer names.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  /** Set when the detail or the messages name paths too: they are worded again when paths move. */
  #wording: Wording | undefined;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly errors?: FieldIssue[],
  ) {
    super(detail ?? ERRORS[code].title);
    this.status = ERRORS[code].status;
  }

  /** An error whose detail or issue messages name field paths; `wording` applies `pathOf` to each. */
  static naming(code: ErrorCode, wording: Wording): AppError {
    const { detail, errors } = wording(asReported);
    const error = new AppError(code, detail, errors);
    error.#wording = wording;
    return error;
  }

  /** An error whose detail lists its issues: `lead: path: message; path: message`. */
  static listing(code: ErrorCode, lead: string, errors: FieldIssue[]): AppError {
    return AppError.naming(code, (pathOf) => {
      const located = errors.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
      return { detail: `${lead}: ${describeIssues(located)}`, errors: located };
    });
  }

  /** The same error with every field path passed through `move`, wherever the error names it. */
  withPaths(move: (path: string) => string): AppError {
    const wording = this.#wording;
    if (wording !== undefined)
      return AppError.naming(this.code, (pathOf) => wording((path) => pathOf(move(path))));
    if (this.errors === undefined || this.errors.length === 0) return this;
    const errors = this.errors.map((issue) => ({ path: move(issue.path), message: issue.message }));
    return new AppError(this.code, this.message, errors);
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
