import type { TariffVersion } from './tariff.js';

/**
 * The shipped sample tariff. The operator's training manual lost its figures, so these are
 * plausible sample values, documented in the README and replaceable through `PUT /v1/tariffs`.
 */
export const SAMPLE_TARIFF: TariffVersion = {
  effectiveFrom: '2020-01-01',
  rates: {
    voice: {
      offnetFenPerMinute: 15,
      onnetFenPerMinute: 5,
      switchboardInboundFenPerMinute: 15,
      switchboardOutboundFenPerMinute: 12,
    },
    sms: { offnetFenPerMessage: 10, onnetFenPerMessage: 5 },
    switchboard: { monthlyFeeFen: 20_000 },
    ringback: { functionFeeFenPerMemberMonth: 500, productionFeeFenPerTone: 10_000 },
    conference: {
      fenPerParticipantMinute: 10,
      packages: [
        { id: 'conf-300', name: '会议电话 300 分钟包', monthlyFeeFen: 2_000, includedMinutes: 300 },
        { id: 'conf-1000', name: '会议电话 1000 分钟包', monthlyFeeFen: 5_000, includedMinutes: 1_000 },
      ],
    },
    voiceLine: { localFenPerMinute: 8, longDistanceFenPerMinute: 12, monthlyMinimumFen: 100_000 },
  },
};
