import type { NumberPlan } from './numbers.js';
import { NUMBER_LITERAL, PLACEHOLDER } from './patterns.js';
import type { AliasKind } from './references.js';
import type { ScenarioClock } from './time.js';

/** A failure of the scenario itself at run time (an alias without that field, …). */
export class ScenarioRunError extends Error {
  override name = 'ScenarioRunError';
}

/** The longest a string may grow to once its placeholders are filled in. */
export const MAX_INTERPOLATED_LENGTH = 64 * 1024;

interface Entry {
  kind: AliasKind;
  id: string;
  record: Record<string, unknown>;
}

/**
 * The run's alias → id map, with what the API answered for each alias (`record`), so that
 * `{wang.msisdn}` or `{weekly.pin}` read the target's actual values. It also maps ids back to
 * aliases for readable reports.
 */
export class AliasTable {
  private readonly entries = new Map<string, Entry>();
  private readonly aliasById = new Map<string, string>();

  constructor(
    private readonly clock: ScenarioClock,
    readonly numbers: NumberPlan,
  ) {}

  set(alias: string, kind: AliasKind, record: Record<string, unknown>): void {
    const id = String(record.id ?? record.msisdn ?? alias);
    this.entries.set(alias, { kind, id, record });
    this.aliasById.set(id, alias);
  }

  /** Merges fresher fields into an alias's record (e.g. a member after its short code). */
  update(alias: string, record: Record<string, unknown>): void {
    const entry = this.entry(alias);
    entry.record = { ...entry.record, ...record };
  }

  has(alias: string): boolean {
    return this.entries.has(alias);
  }

  kind(alias: string): AliasKind {
    return this.entry(alias).kind;
  }

  id(alias: string, kind?: AliasKind): string {
    const entry = this.entry(alias);
    if (kind !== undefined && entry.kind !== kind)
      throw new ScenarioRunError(`"${alias}" is a ${entry.kind}, not a ${kind}`);
    return entry.id;
  }

  /** `{alias.a.b}`: a field of the alias's record. */
  field(alias: string, path: string[]): unknown {
    let value: unknown = this.entry(alias).record;
    for (const key of path) {
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      if (value === undefined) throw new ScenarioRunError(`{${[alias, ...path].join('.')}}: no such field`);
    }
    return value;
  }

  /** The alias of a generated id, for reports. */
  aliasOf(id: string): string | undefined {
    return this.aliasById.get(id);
  }

  /** Replaces placeholders; a string that is one placeholder becomes its value as is. */
  interpolate(text: string): unknown {
    const whole = /^\{([^{}]+)\}$/.exec(text);
    if (whole !== null && new RegExp(PLACEHOLDER.source).test(text)) return this.placeholder(whole[1]!);
    return this.fill(text, String);
  }

  /** A request path: placeholders are URL-encoded (`{li.msisdn}` → `%2B8613…`). */
  interpolatePath(path: string): string {
    return this.fill(path, (value) => encodeURIComponent(String(value)));
  }

  /**
   * Fills a text's placeholders, refusing a result past MAX_INTERPOLATED_LENGTH as it grows:
   * thousands of `{list.items}` in one string would otherwise build hundreds of megabytes.
   */
  private fill(text: string, render: (value: unknown) => string): string {
    let length = text.length;
    return text.replace(PLACEHOLDER, (_, name: string) => {
      const value = render(this.placeholder(name));
      length += value.length;
      if (length > MAX_INTERPOLATED_LENGTH)
        throw new ScenarioRunError(
          `the text with its placeholders filled in passes ${MAX_INTERPOLATED_LENGTH / 1024} KiB`,
        );
      return value;
    });
  }

  /** Interpolates every string of a value (inputs and expectations). */
  deep<T>(value: T): T {
    if (typeof value === 'string') return this.interpolate(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.deep(item)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v)])) as T;
    }
    return value;
  }

  /**
   * A party as dialled or sent: a member's or person's number, a switchboard's pilot, a
   * conference's access number, a sub-group's short code, or a literal number.
   */
  dial(ref: string): string {
    const value = String(this.interpolate(ref));
    if (NUMBER_LITERAL.test(value)) return this.numbers.map(value);
    const entry = this.entry(value);
    const field =
      entry.kind === 'member' || entry.kind === 'person'
        ? 'msisdn'
        : entry.kind === 'switchboard'
          ? 'pilotNumber'
          : entry.kind === 'conference'
            ? 'accessNumber'
            : entry.kind === 'subgroup'
              ? 'shortCode'
              : null;
    const number = field === null ? undefined : entry.record[field];
    if (typeof number !== 'string')
      throw new ScenarioRunError(`"${value}" (a ${entry.kind}) has no number to dial`);
    return number;
  }

  /** A conference participant: `{memberId}` for a member alias, else `{msisdn}`. */
  participant(ref: string): { memberId: string } | { msisdn: string } {
    const value = String(this.interpolate(ref));
    if (!NUMBER_LITERAL.test(value) && this.entry(value).kind === 'member')
      return { memberId: this.id(value) };
    return { msisdn: this.dial(value) };
  }

  private placeholder(name: string): unknown {
    if (name.startsWith('@')) return this.clock.iso(`+${name.slice(1).replace(/^\+/, '') || '0s'}`);
    const [alias, ...path] = name.split('.');
    return path.length === 0 ? this.entry(alias!).id : this.field(alias!, path);
  }

  private entry(alias: string): Entry {
    const entry = this.entries.get(alias);
    if (entry === undefined) throw new ScenarioRunError(`unknown alias "${alias}"`);
    return entry;
  }
}
