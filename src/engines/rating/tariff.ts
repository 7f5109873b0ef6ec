/**
 * The tariff catalogue: versions effective from a date, so that a call is always rated at the
 * version in force at its own time (past CDRs keep the rate they were rated at).
 * All money is integer fen.
 */

export interface ConferencePackage {
  id: string;
  name: string;
  monthlyFeeFen: number;
  includedMinutes: number;
}

export interface TariffRates {
  voice: {
    /** Calls leaving the group's VPN. */
    offnetFenPerMinute: number;
    /** Default on-net rate of a VPN that sets none of its own. */
    onnetFenPerMinute: number;
    /** Calls to a switchboard pilot, paid by the caller. */
    switchboardInboundFenPerMinute: number;
    /** Calls out through a switchboard (the pilot is presented). */
    switchboardOutboundFenPerMinute: number;
  };
  sms: { offnetFenPerMessage: number; onnetFenPerMessage: number };
  switchboard: { monthlyFeeFen: number };
  ringback: { functionFeeFenPerMemberMonth: number; productionFeeFenPerTone: number };
  conference: {
    /** Paid by the initiator for every participant-minute (started minutes). */
    fenPerParticipantMinute: number;
    packages: ConferencePackage[];
  };
  voiceLine: { localFenPerMinute: number; longDistanceFenPerMinute: number; monthlyMinimumFen: number };
}

export interface TariffVersion {
  /** Local date (Asia/Shanghai) from which this version applies, `YYYY-MM-DD`. */
  effectiveFrom: string;
  rates: TariffRates;
}

/** Versions sorted by `effectiveFrom`, oldest first, with each start as epoch ms. */
export interface TariffCatalogue {
  versions: ReadonlyArray<TariffVersion & { effectiveFromMs: number }>;
}

/** The version in force at `atMs`, or null when the time precedes every version. */
export function tariffAt(catalogue: TariffCatalogue, atMs: number): TariffRates | null {
  const { versions } = catalogue;
  for (let i = versions.length - 1; i >= 0; i--) {
    const version = versions[i];
    if (version && version.effectiveFromMs <= atMs) return version.rates;
  }
  return null;
}
