import type { AlertResponse, Call, PinAdmission } from '../engines/calls/index.js';

/**
 * The conference bridge as the calls service sees it: it answers PINs (a pure question, asked
 * inside a transition) and hears about its legs after each transition commits. It may act on
 * the leg again from these callbacks (drop it when the room is full, announce on it).
 */
export interface ConferenceBridge {
  admitByPin(pin: string, call: Call, atMs: number): PinAdmission;
  joined(call: Call, participantId: string, atMs: number): void;
  legAnswered(call: Call, atMs: number): void;
  legUnreached(call: Call, response: Exclude<AlertResponse, 'answer'>, atMs: number): void;
  legLeft(call: Call, atMs: number): void;
  keys(call: Call, digits: string, atMs: number): void;
}

/**
 * Where calls and conferences meet. Each needs the other (a leg's answer moves its room; the
 * room dials, announces on and drops legs), so the container creates the port before both and
 * passes it to each at construction: the calls service reaches the bridge through `bridge`,
 * and the conference service, which needs the calls service built first, `serve`s the port
 * with its own bridge as the last step of its construction.
 */
export interface ConferencePort {
  /** The bridge as the calls service reaches it. */
  readonly bridge: ConferenceBridge;
  /** Called once, by the conference service being constructed. */
  serve(bridge: ConferenceBridge): void;
}

/**
 * Until the port is served (while the conference service resumes its rooms at start, dropping
 * legs that ended meanwhile) there is no room to join or to tell: a PIN is unknown and news
 * of a leg is not delivered, which is what the rooms being resumed expect.
 */
export function createConferencePort(): ConferencePort {
  let served: ConferenceBridge | null = null;
  return {
    bridge: {
      admitByPin: (pin, call, atMs) => served?.admitByPin(pin, call, atMs) ?? { kind: 'unknown' },
      joined: (call, participantId, atMs) => served?.joined(call, participantId, atMs),
      legAnswered: (call, atMs) => served?.legAnswered(call, atMs),
      legUnreached: (call, response, atMs) => served?.legUnreached(call, response, atMs),
      legLeft: (call, atMs) => served?.legLeft(call, atMs),
      keys: (call, digits, atMs) => served?.keys(call, digits, atMs),
    },
    serve(bridge) {
      if (served !== null) throw new Error('the conference port is already served');
      served = bridge;
    },
  };
}
