import type { z } from 'zod';
import { OPERATORS, unknownOperators, unrunnablePatterns } from './match.js';
import { NUMBER_LITERAL, PLACEHOLDER, STEP_KINDS } from './patterns.js';
import type { MenuSpec, Scenario, StepSpec } from './schema.js';

/**
 * Static checks of a scenario before anything runs: aliases are declared once, every reference
 * names an alias of the right kind (declared in the setup or by an earlier step's `as`), and each
 * step has exactly one kind. Each problem is an issue at its path, so a scenario file's error
 * names where in the file it is.
 */

export type AliasKind =
  | 'group'
  | 'member'
  | 'subgroup'
  | 'tone'
  | 'policy'
  | 'switchboard'
  | 'person'
  | 'conference'
  | 'call'
  | 'message'
  | 'record';

/** Kinds that stand for a number where a party is expected (`from`, `to`, …). */
export const DIALLABLE: readonly AliasKind[] = ['member', 'person', 'switchboard', 'conference', 'subgroup'];
/** Kinds that can be a subscriber (alerted, sending SMS, hosting). */
export const SUBSCRIBERS: readonly AliasKind[] = ['member', 'person'];

type Path = (string | number)[];

export function checkScenarioReferences(scenario: Scenario, ctx: z.RefinementCtx): void {
  const declared = new Map<string, AliasKind>();
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });

  const declare = (alias: string, kind: AliasKind, path: Path) => {
    const earlier = declared.get(alias);
    if (earlier !== undefined) issue(path, `alias "${alias}" is already a ${earlier}; aliases are unique`);
    else declared.set(alias, kind);
  };
  const expectAlias = (alias: string | undefined, kinds: readonly AliasKind[], path: Path) => {
    if (alias === undefined) return;
    const kind = declared.get(alias);
    if (kind === undefined) issue(path, `unknown alias "${alias}"${suggest(alias, declared)}`);
    else if (!kinds.includes(kind)) issue(path, `"${alias}" is a ${kind}; expected a ${kinds.join(' or ')}`);
  };
  const expectParty = (ref: string | undefined, kinds: readonly AliasKind[], path: Path) => {
    if (ref === undefined || ref.includes('{') || NUMBER_LITERAL.test(ref)) return;
    expectAlias(ref, kinds, path);
  };
  const placeholders = (value: unknown, path: Path) => {
    walkStrings(value, path, (text, at) => {
      for (const [, name] of text.matchAll(PLACEHOLDER)) {
        if (name!.startsWith('@')) continue;
        const alias = name!.split('.')[0]!;
        if (!declared.has(alias))
          issue(at, `unknown alias "${alias}" in {${name}}${suggest(alias, declared)}`);
      }
    });
  };

  // Declarations of the setup first: setup entries may refer to each other in any order.
  const setup = scenario.setup ?? {};
  for (const [g, group] of Object.entries(setup.groups ?? {})) {
    const at: Path = ['setup', 'groups', g];
    declare(g, 'group', at);
    for (const m of Object.keys(group.members ?? {})) declare(m, 'member', [...at, 'members', m]);
    for (const s of Object.keys(group.subgroups ?? {})) declare(s, 'subgroup', [...at, 'subgroups', s]);
    for (const t of Object.keys(group.ringback?.tones ?? {}))
      declare(t, 'tone', [...at, 'ringback', 'tones', t]);
    for (const p of Object.keys(group.ringback?.policies ?? {}))
      declare(p, 'policy', [...at, 'ringback', 'policies', p]);
    for (const b of Object.keys(group.switchboards ?? {}))
      declare(b, 'switchboard', [...at, 'switchboards', b]);
  }
  for (const p of Object.keys(setup.people ?? {})) declare(p, 'person', ['setup', 'people', p]);
  for (const c of Object.keys(setup.conferences ?? {})) declare(c, 'conference', ['setup', 'conferences', c]);

  for (const [g, group] of Object.entries(setup.groups ?? {})) {
    const at: Path = ['setup', 'groups', g];
    for (const [s, subgroup] of Object.entries(group.subgroups ?? {})) {
      subgroup.members?.forEach((m, i) => {
        expectAlias(m, ['member'], [...at, 'subgroups', s, 'members', i]);
      });
    }
    for (const [p, policy] of Object.entries(group.ringback?.policies ?? {})) {
      const pat: Path = [...at, 'ringback', 'policies', p];
      policy.appliesTo.members?.forEach((m, i) => {
        expectAlias(m, ['member'], [...pat, 'appliesTo', 'members', i]);
      });
      policy.appliesTo.subgroups?.forEach((s, i) => {
        expectAlias(s, ['subgroup'], [...pat, 'appliesTo', 'subgroups', i]);
      });
      policy.tones.forEach((t, i) => {
        expectAlias(t, ['tone'], [...pat, 'tones', i]);
      });
    }
    for (const [b, board] of Object.entries(group.switchboards ?? {})) {
      const bat: Path = [...at, 'switchboards', b];
      checkMenu(board.menu, [...bat, 'menu'], expectAlias, issue);
      for (const [extension, m] of Object.entries(board.extensions ?? {}))
        expectAlias(m, ['member'], [...bat, 'extensions', extension]);
      for (const m of Object.keys(board.operators ?? {}))
        expectAlias(m, ['member'], [...bat, 'operators', m]);
    }
  }
  for (const who of Object.keys(setup.subscribers ?? {}))
    expectParty(who, SUBSCRIBERS, ['setup', 'subscribers', who]);
  for (const [c, conference] of Object.entries(setup.conferences ?? {})) {
    const at: Path = ['setup', 'conferences', c];
    expectParty(conference.host, SUBSCRIBERS, [...at, 'host']);
    expectAlias(conference.group, ['group'], [...at, 'group']);
    conference.participants?.forEach((p, i) => {
      expectParty(p, SUBSCRIBERS, [...at, 'participants', i]);
    });
  }

  scenario.steps.forEach((step, index) => {
    const at: Path = ['steps', index];
    const kinds = STEP_KINDS.filter((kind) => step[kind] !== undefined);
    if (kinds.length !== 1) {
      issue(
        at,
        kinds.length === 0
          ? `a step needs one of ${STEP_KINDS.join(', ')}`
          : `a step does one thing; this one has ${kinds.join(' and ')}`,
      );
      return;
    }
    checkStep(step, at, { expectAlias, expectParty, issue });
    placeholders({ ...step, as: undefined, expect: undefined }, at);
    if (step.as !== undefined) declare(step.as, aliasKindOf(kinds[0]!), [...at, 'as']);
    // The step's own alias is known by the time its expectation is matched.
    placeholders(step.expect, [...at, 'expect']);
    for (const where of unknownOperators(step.expect, [...at, 'expect']))
      issue(where, `unknown operator ${String(where.at(-1))}; operators: ${OPERATORS.join(', ')}`);
    for (const bad of unrunnablePatterns(step.expect, [...at, 'expect'])) issue(bad.path, bad.message);
  });
}

/** What a step's `as` names. */
export function aliasKindOf(kind: (typeof STEP_KINDS)[number]): AliasKind {
  if (kind === 'call' || kind === 'act') return 'call';
  if (kind === 'conference') return 'conference';
  if (kind === 'sms') return 'message';
  return 'record';
}

interface Checks {
  expectAlias(alias: string | undefined, kinds: readonly AliasKind[], path: Path): void;
  expectParty(ref: string | undefined, kinds: readonly AliasKind[], path: Path): void;
  issue(path: Path, message: string): void;
}

function checkStep(step: StepSpec, at: Path, { expectAlias, expectParty, issue }: Checks): void {
  for (const kind of ['call', 'sms', 'route'] as const) {
    const spec = step[kind];
    if (spec === undefined) continue;
    expectParty(spec.from, kind === 'call' ? DIALLABLE : SUBSCRIBERS, [...at, kind, 'from']);
    expectParty(spec.to, DIALLABLE, [...at, kind, 'to']);
  }
  if (step.act !== undefined) {
    const act = step.act;
    const ap: Path = [...at, 'act'];
    if ((act.call === undefined) === (act.conference === undefined && act.participant === undefined))
      issue(ap, 'give either call (a call alias) or conference and participant (a conference leg)');
    else if (act.call === undefined && (act.conference === undefined || act.participant === undefined))
      issue(ap, 'a conference leg needs both conference and participant');
    expectAlias(act.call, ['call'], [...ap, 'call']);
    expectAlias(act.conference, ['conference'], [...ap, 'conference']);
    expectParty(act.participant, SUBSCRIBERS, [...ap, 'participant']);
    if (act.action === 'dtmf' && act.digits === undefined) issue([...ap, 'digits'], 'dtmf needs digits');
    if (act.action === 'transfer') {
      const target = act.target;
      if (target === undefined || (target.extension === undefined) === (target.member === undefined))
        issue([...ap, 'target'], 'transfer needs a target: {extension} or {member}');
      expectAlias(target?.member, ['member'], [...ap, 'target', 'member']);
    }
  }
  if (step.clock !== undefined && (step.clock.advance === undefined) === (step.clock.to === undefined))
    issue([...at, 'clock'], 'give exactly one of advance or to');
  if (step.messages !== undefined) {
    if (step.messages.to === undefined && step.messages.from === undefined)
      issue([...at, 'messages'], 'give to (an inbox) or from (a sender)');
    expectParty(step.messages.to, SUBSCRIBERS, [...at, 'messages', 'to']);
    expectParty(step.messages.from, SUBSCRIBERS, [...at, 'messages', 'from']);
  }
  expectAlias(step.cdr, ['call'], [...at, 'cdr']);
  if (step.conference !== undefined) {
    expectParty(step.conference.host, SUBSCRIBERS, [...at, 'conference', 'host']);
    expectAlias(step.conference.group, ['group'], [...at, 'conference', 'group']);
    step.conference.participants?.forEach((p, i) => {
      expectParty(p, SUBSCRIBERS, [...at, 'conference', 'participants', i]);
    });
  }
  expectAlias(step.conferenceAction?.conference, ['conference'], [...at, 'conferenceAction', 'conference']);
  expectParty(step.subscriber?.who, SUBSCRIBERS, [...at, 'subscriber', 'who']);
}

function checkMenu(
  menu: MenuSpec,
  path: Path,
  expectAlias: Checks['expectAlias'],
  issue: Checks['issue'],
): void {
  for (const [key, option] of Object.entries(menu.options)) {
    const at: Path = [...path, 'options', key];
    if (option.action === 'member') {
      if (option.member === undefined) issue(at, 'action member needs member (a member alias)');
      expectAlias(option.member, ['member'], [...at, 'member']);
    }
    if (option.action === 'extension' && option.extension === undefined)
      issue(at, 'action extension needs extension');
    if (option.action === 'submenu') {
      if (option.menu === undefined) issue(at, 'action submenu needs menu');
      else checkMenu(option.menu, [...at, 'menu'], expectAlias, issue);
    }
  }
}

function walkStrings(value: unknown, path: Path, visit: (text: string, path: Path) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value))
    value.forEach((item, i) => {
      walkStrings(item, [...path, i], visit);
    });
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
  }
}

/** ` (did you mean "wang"?)` when a declared alias is one edit or a case away. */
function suggest(alias: string, declared: Map<string, AliasKind>): string {
  const lower = alias.toLowerCase();
  for (const name of declared.keys()) {
    if (name.toLowerCase() === lower || editDistanceAtMostOne(name, alias))
      return ` (did you mean "${name}"?)`;
  }
  return '';
}

/** One insertion, deletion, substitution or swap of neighbours apart. */
function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
    if (
      diff.length === 2 &&
      diff[1] === diff[0]! + 1 &&
      a[diff[0]!] === b[diff[1]!] &&
      a[diff[1]!] === b[diff[0]!]
    )
      return true;
  }
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
