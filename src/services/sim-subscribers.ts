import type { Clock } from '../domain/clock.js';
import { notFound } from '../domain/errors.js';
import type { AlertResponse } from '../engines/calls/types.js';
import type { Repositories } from '../store/repositories.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { Principal } from './api-keys.js';

export type SubscriberBehaviourName = 'manual' | AlertResponse;

export interface SubscriberBehaviour {
  behaviour: SubscriberBehaviourName;
  /** Seconds after the alert; 0 acts at once. */
  afterSeconds: number;
}

const MANUAL: SubscriberBehaviour = Object.freeze({ behaviour: 'manual', afterSeconds: 0 });

/**
 * Simulated subscribers (PUT /v1/sim/subscribers/{msisdn}): how an alerted phone answers by
 * itself, for scripted flows and fault injection. Held in memory (the calls service asks on
 * every alert, which must not wait for the store) and persisted, so behaviours survive a restart.
 *
 * Scope: a partner sets behaviours for its groups' members and for numbers outside every group
 * (off-net phones in its test flows); another group's member is a 404.
 */
export async function createSimSubscriberService(deps: {
  repos: Pick<Repositories, 'simSubscribers'>;
  directory: RoutingDirectory;
  clock: Clock;
}) {
  const repo = deps.repos.simSubscribers;
  const behaviours = new Map<string, SubscriberBehaviour>();
  for (const row of await repo.all()) {
    behaviours.set(row.msisdn, { behaviour: row.behaviour, afterSeconds: row.afterSeconds });
  }

  const assertVisible = (msisdn: string, principal: Principal) => {
    const member = deps.directory.membersByMsisdn.get(msisdn);
    if (member !== undefined && !principal.canSee(member.groupId)) throw notFound('subscriber');
  };
  const view = (msisdn: string, b: SubscriberBehaviour) => ({ msisdn, ...b });

  return {
    behaviourOf: (msisdn: string): SubscriberBehaviour => behaviours.get(msisdn) ?? MANUAL,

    get(msisdn: string, principal: Principal) {
      assertVisible(msisdn, principal);
      return view(msisdn, behaviours.get(msisdn) ?? MANUAL);
    },

    async put(msisdn: string, input: SubscriberBehaviour, principal: Principal) {
      assertVisible(msisdn, principal);
      const created = await repo.put({ msisdn, ...input, updatedAt: deps.clock.now() });
      // Committed: alerts from now on act by it.
      behaviours.set(msisdn, { ...input });
      return { created, subscriber: view(msisdn, input) };
    },
  };
}

export type SimSubscriberService = Awaited<ReturnType<typeof createSimSubscriberService>>;
