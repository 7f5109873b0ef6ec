/** Group VPN (集团网): the numbering plan and the routing hot path. */
export {
  EMERGENCY_NUMBERS,
  isEmergencyNumber,
  isShortCodeShaped,
  type ShortCodeCheck,
  type ShortCodePlan,
  validateShortCode,
} from './numbering-plan.js';
export {
  decideRoute,
  type RingbackChoice,
  type RouteCallType,
  type RouteContext,
  type RouteDecision,
  type RouteDecisionKind,
  type RouteLocation,
  type RouteReason,
  type RouteRecipient,
  type RouteRequest,
  type RouteService,
  type RouteTarget,
  type RouteTariff,
  sharedSubgroupRate,
  type TariffClass,
} from './route.js';
