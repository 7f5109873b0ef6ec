/** The format's lexical rules, shared by the schema, the static checks and the runner. */

export const ALIAS_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** ISO 8601 with an offset, or `+` and a duration from the scenario start. */
export const TIME_PATTERN =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})|\+(?=\d)(\d+d)?(\d+h)?(\d+m)?(\d+s)?)$/;
export const DURATION_PATTERN = /^(?=\d)(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/;
/** `{alias}`, `{alias.field.sub}`, `{@}` or `{@+90s}` inside a string. */
export const PLACEHOLDER = /\{(@[^{}]*|[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_]+)*)\}/g;
/** A number as dialled or written (spaces and dashes allowed), as opposed to an alias. */
export const NUMBER_LITERAL = /^[+*#]?[\d\s-]+$/;

/** The kinds of step: each step holds exactly one of these keys. */
export const STEP_KINDS = [
  'call',
  'act',
  'clock',
  'sms',
  'route',
  'messages',
  'cdr',
  'conference',
  'conferenceAction',
  'subscriber',
  'get',
  'request',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];
