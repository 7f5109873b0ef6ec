import { AppError } from '../domain/errors.js';
import type { TariffRates } from '../engines/rating/tariff.js';
import {
  decideRoute,
  isEmergencyNumber,
  type RouteContext,
  type RouteDecision,
  type RouteRequest,
} from '../engines/vpn/index.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { Principal } from './api-keys.js';
import { hides, redactDecision } from './redaction.js';
import type { TariffService } from './tariffs.js';

export type RingbackResolver = NonNullable<RouteContext['resolveRingback']>;

/**
 * The routing hot path: a pure engine decision over the in-memory directory. No SQL here.
 * `from` arrives already in E.164 (the HTTP schema normalises it) and `at` as epoch ms.
 */
export function createRoutingService(deps: {
  directory: RoutingDirectory;
  tariffs: Pick<TariffService, 'ratesAt' | 'ratesAtOrFirst'>;
  resolveRingback?: RingbackResolver;
}) {
  const { directory, resolveRingback } = deps;
  // The context of the tariff version last in force: versions change rarely, so a decision
  // reuses it rather than allocating one. It holds the version itself, so a version's rates
  // edited in place are still read afresh.
  let lastTariff: TariffRates | null = null;
  let lastContext: RouteContext | null = null;
  const contextFor = (tariff: TariffRates): RouteContext => {
    if (tariff !== lastTariff || lastContext === null) {
      lastContext = resolveRingback ? { tariff, resolveRingback } : { tariff };
      lastTariff = tariff;
    }
    return lastContext;
  };
  /** A partner acts where the caller or a called party is in its groups (else a 403). */
  const assertScope = (
    principal: Principal,
    decision: Pick<RouteDecision, 'target' | 'recipients'>,
    callerSeen: boolean,
  ): void => {
    if (callerSeen) return;
    const calleeGroup = decision.target?.groupId;
    if (calleeGroup && principal.canSee(calleeGroup)) return;
    for (const recipient of decision.recipients ?? []) {
      const member = directory.membersById.get(recipient.memberId);
      if (member && principal.canSee(member.groupId)) return;
    }
    throw new AppError(
      'out_of_scope',
      'neither the caller nor the called party belongs to a group of this API key',
    );
  };
  const callerGroupOf = (decision: Pick<RouteDecision, 'from'>) =>
    directory.membersByMsisdn.get(decision.from)?.groupId ?? null;

  return {
    decide(request: RouteRequest): RouteDecision {
      // Emergency numbers route whatever the time, even before the first tariff (they are free).
      const tariff =
        (isEmergencyNumber(request.to) && deps.tariffs.ratesAtOrFirst(request.atMs)) ||
        deps.tariffs.ratesAt(request.atMs);
      return decideRoute(directory, request, contextFor(tariff));
    },

    /**
     * The decision as this key may read it, after the scope check: a partner acts only where
     * the caller or the called party belongs to one of its groups (else a 403), and sees
     * another tenant's party as its number only (redaction.ts). The admin key costs one
     * comparison; a partner's own traffic two set reads.
     */
    answerFor(principal: Principal, decision: RouteDecision): RouteDecision {
      if (principal.kind === 'admin') return decision;
      const callerGroupId = callerGroupOf(decision);
      const callerSeen = callerGroupId !== null && principal.canSee(callerGroupId);
      assertScope(principal, decision, callerSeen);
      const callerHidden = callerGroupId !== null && !callerSeen;
      const calleeHidden = hides(principal, decision.target?.groupId);
      return callerHidden || calleeHidden ? redactDecision(decision, callerHidden, calleeHidden) : decision;
    },

    /** The scope check of `answerFor` alone, for requests that answer with something else (a call). */
    assertActs(principal: Principal, decision: Pick<RouteDecision, 'from' | 'target' | 'recipients'>): void {
      if (principal.kind === 'admin') return;
      const callerGroupId = callerGroupOf(decision);
      assertScope(principal, decision, callerGroupId !== null && principal.canSee(callerGroupId));
    },
  };
}

export type RoutingService = ReturnType<typeof createRoutingService>;
