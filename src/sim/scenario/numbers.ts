import { toE164, toMobileE164 } from '../../domain/phone.js';

/**
 * The numbers a scenario declares (members' MSISDNs, people, switchboard pilots), as used on
 * the target. In-process every run has a fresh database, so numbers stay as written. Against a
 * shared service (`--url`) each run gets a block of four digits that replaces digits 5–8 from
 * the end of every declared number (`138 0311 0001` → `138 4721 0001`): the numbers stay valid
 * and distinct, and a new run does not collide with the last one's members, inboxes or
 * subscriber behaviours. Steps should then refer to parties by alias (`{wang.msisdn}`); a
 * literal number equal to a declared one is mapped too.
 */
export class NumberPlan {
  private readonly actualByNominal = new Map<string, string>();
  private readonly used = new Set<string>();

  /** `block`: four digits, the first 2–9; null keeps numbers as written. */
  constructor(readonly block: string | null) {}

  static randomBlock(): string {
    return String(2000 + Math.floor(Math.random() * 8000));
  }

  /** The number to create on the target for a declared one, in E.164 (or as written if invalid). */
  declare(written: string, mobile: boolean): string {
    const nominal = (mobile ? toMobileE164(written) : toE164(written)) ?? written;
    const known = this.actualByNominal.get(nominal);
    if (known !== undefined) return known;
    const actual = this.block === null || !nominal.startsWith('+') ? nominal : this.rewrite(nominal, mobile);
    this.actualByNominal.set(nominal, actual);
    this.used.add(actual);
    return actual;
  }

  /** A literal number of a step: the target's number when it was declared, else as written. */
  map(literal: string): string {
    const e164 = toE164(literal);
    return (e164 !== null ? this.actualByNominal.get(e164) : undefined) ?? literal;
  }

  private rewrite(nominal: string, mobile: boolean): string {
    const digits = nominal.slice(1);
    if (digits.length < 10) return nominal;
    const head = digits.slice(0, digits.length - 8);
    const tail = digits.slice(digits.length - 4);
    for (let attempt = 0; attempt < 50; attempt++) {
      const block = String(((Number(this.block) - 2000 + attempt * 7919) % 8000) + 2000);
      const candidate = `+${head}${block}${tail}`;
      const valid = mobile ? toMobileE164(candidate) : toE164(candidate);
      if (valid === candidate && !this.used.has(candidate)) return candidate;
    }
    return nominal;
  }
}
