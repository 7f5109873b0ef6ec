import { enc, type RunContext, required } from './context.js';
import type { MenuSpec, ScenarioSetup } from './schema.js';
import { conferenceBody } from './steps.js';

/**
 * Creates the scenario's setup through the public API, in dependency order: groups (calendar,
 * VPN), members (then their short codes), sub-groups, ringback tones and policies,
 * switchboards (extensions, operators), people, subscriber behaviours, conferences.
 */
export async function runSetup(ctx: RunContext, setup: ScenarioSetup): Promise<void> {
  const { aliases } = ctx;
  const groups = Object.entries(setup.groups ?? {});

  for (const [alias, g] of groups) {
    const at = `setup.groups.${alias}`;
    const group = await required(ctx, at, 'POST', '/v1/groups', {
      name: g.name,
      institutionType: g.institutionType ?? 'enterprise',
      valueTier: g.valueTier ?? 'A1',
      province: g.province ?? 'CN-HE',
      ...(g.city === undefined ? {} : { city: g.city }),
      ...(g.timezone === undefined ? {} : { timezone: g.timezone }),
    });
    aliases.set(alias, 'group', group);
    const id = aliases.id(alias);
    if (g.calendar !== undefined) {
      const calendar = {
        holidays: g.calendar.holidays.map(ctx.clock.date),
        workdays: g.calendar.workdays.map(ctx.clock.date),
      };
      await required(ctx, `${at}.calendar`, 'PUT', `/v1/groups/${id}/calendar`, calendar);
    }
    if (g.vpn !== undefined) await required(ctx, `${at}.vpn`, 'PUT', `/v1/groups/${id}/vpn`, g.vpn);
  }

  for (const [groupAlias, g] of groups) {
    const groupId = aliases.id(groupAlias);
    for (const [alias, m] of Object.entries(g.members ?? {})) {
      const at = `setup.groups.${groupAlias}.members.${alias}`;
      const { shortCode, msisdn, ...rest } = m;
      const member = await required(ctx, at, 'POST', `/v1/groups/${groupId}/members`, {
        ...rest,
        msisdn: aliases.numbers.declare(msisdn, true),
      });
      aliases.set(alias, 'member', member);
      if (shortCode !== undefined) {
        const path = `/v1/groups/${groupId}/members/${aliases.id(alias)}`;
        aliases.update(alias, await required(ctx, `${at}.shortCode`, 'PATCH', path, { shortCode }));
      }
    }
  }

  for (const [groupAlias, g] of groups) {
    const groupId = aliases.id(groupAlias);
    for (const [alias, s] of Object.entries(g.subgroups ?? {})) {
      const at = `setup.groups.${groupAlias}.subgroups.${alias}`;
      const { members, ...body } = s;
      aliases.set(
        alias,
        'subgroup',
        await required(ctx, at, 'POST', `/v1/groups/${groupId}/subgroups`, body),
      );
      for (const member of members ?? []) {
        const path = `/v1/groups/${groupId}/subgroups/${aliases.id(alias)}/members/${aliases.id(member, 'member')}`;
        await required(ctx, `${at}.members`, 'PUT', path);
      }
    }
    for (const [alias, tone] of Object.entries(g.ringback?.tones ?? {})) {
      const at = `setup.groups.${groupAlias}.ringback.tones.${alias}`;
      aliases.set(
        alias,
        'tone',
        await required(ctx, at, 'POST', `/v1/groups/${groupId}/ringback/tones`, tone),
      );
    }
    for (const [alias, p] of Object.entries(g.ringback?.policies ?? {})) {
      const at = `setup.groups.${groupAlias}.ringback.policies.${alias}`;
      const { appliesTo, tones, schedule, ...rest } = p;
      const body = {
        ...rest,
        ...(schedule === undefined ? {} : { schedule: shiftSchedule(ctx, schedule) }),
        playback: p.playback ?? 'single',
        appliesTo: {
          ...(appliesTo.all === undefined ? {} : { all: true }),
          ...(appliesTo.members === undefined
            ? {}
            : { memberIds: appliesTo.members.map((m) => aliases.id(m)) }),
          ...(appliesTo.subgroups === undefined
            ? {}
            : { subgroupIds: appliesTo.subgroups.map((s) => aliases.id(s)) }),
          ...(appliesTo.departments === undefined ? {} : { departments: appliesTo.departments }),
        },
        toneIds: tones.map((t) => aliases.id(t)),
      };
      aliases.set(
        alias,
        'policy',
        await required(ctx, at, 'POST', `/v1/groups/${groupId}/ringback/policies`, body),
      );
    }
    for (const [alias, b] of Object.entries(g.switchboards ?? {})) {
      const at = `setup.groups.${groupAlias}.switchboards.${alias}`;
      const { extensions, operators, menu, pilotNumber, ...rest } = b;
      const board = await required(ctx, at, 'POST', `/v1/groups/${groupId}/switchboards`, {
        ...rest,
        pilotNumber: aliases.numbers.declare(pilotNumber, false),
        menu: resolveMenu(ctx, menu),
      });
      aliases.set(alias, 'switchboard', board);
      const base = `/v1/switchboards/${aliases.id(alias)}`;
      for (const [extension, member] of Object.entries(extensions ?? {})) {
        await required(ctx, `${at}.extensions.${extension}`, 'PUT', `${base}/extensions/${enc(extension)}`, {
          memberId: aliases.id(member, 'member'),
        });
      }
      for (const [member, status] of Object.entries(operators ?? {})) {
        const path = `${base}/operators/${aliases.id(member, 'member')}`;
        await required(ctx, `${at}.operators.${member}`, 'PUT', path, { status });
      }
    }
  }

  for (const [alias, number] of Object.entries(setup.people ?? {})) {
    aliases.set(alias, 'person', { msisdn: aliases.numbers.declare(number, false) });
  }
  for (const [who, behaviour] of Object.entries(setup.subscribers ?? {})) {
    const path = `/v1/sim/subscribers/${enc(aliases.dial(who))}`;
    await required(ctx, `setup.subscribers.${who}`, 'PUT', path, behaviour);
  }
  for (const [alias, spec] of Object.entries(setup.conferences ?? {})) {
    const at = `setup.conferences.${alias}`;
    aliases.set(
      alias,
      'conference',
      await required(ctx, at, 'POST', '/v1/conferences', conferenceBody(ctx, spec)),
    );
  }
}

/** A policy's dateFrom/dateTo move with the scenario (see `ScenarioClock.date`). */
function shiftSchedule(ctx: RunContext, schedule: Record<string, unknown>): Record<string, unknown> {
  const moved = { ...schedule };
  for (const key of ['dateFrom', 'dateTo']) {
    if (typeof moved[key] === 'string') moved[key] = ctx.clock.date(moved[key] as string);
  }
  return moved;
}

/** A menu as the API takes it: member aliases become member ids. */
function resolveMenu(ctx: RunContext, menu: MenuSpec): unknown {
  return {
    prompt: menu.prompt,
    ...(menu.maxRetries === undefined ? {} : { maxRetries: menu.maxRetries }),
    options: Object.fromEntries(
      Object.entries(menu.options).map(([key, option]) => {
        switch (option.action) {
          case 'member':
            return [key, { action: 'member', memberId: ctx.aliases.id(option.member!, 'member') }];
          case 'extension':
            return [key, { action: 'extension', extension: option.extension }];
          case 'submenu':
            return [key, { action: 'submenu', menu: resolveMenu(ctx, option.menu!) }];
          default:
            return [key, { action: 'operator' }];
        }
      }),
    ),
  };
}
