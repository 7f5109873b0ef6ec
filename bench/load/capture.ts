/**
 * Captures the route, SMS and call traffic a scenario sends (`npm run load -- --record FILE
 * --scenario S`), as record lines a replay can send again: the scenario runner's transport is
 * wrapped, every request still goes to the target, and the ones worth replaying are written down.
 *
 * A call's create and its actions become one flow: the create saves the answer's id as `callId`
 * and the actions' paths name `{callId}`, so a replay creates fresh calls rather than acting on
 * the recorded ones. Route and SMS requests are flows of one.
 */
import type { Target, Transport } from '../../src/sim/scenario/transport.js';
import type { RecordLine } from './record-file.js';

const ACTIONS = /^\/v1\/calls\/([^/?#]+)\/actions$/;

export function recordingTarget(
  inner: Target,
  sink: RecordLine[],
  now: () => number = performance.now.bind(performance),
): Target {
  let firstAt: number | null = null;
  let nextFlow = sink.reduce((max, line) => Math.max(max, line.flow + 1), 0);
  const flowOfCall = new Map<string, number>();

  const write = (line: Omit<RecordLine, 't'>) => {
    const at = now();
    firstAt ??= at;
    sink.push({ t: Math.round(at - firstAt), ...line });
  };

  return {
    kind: inner.kind,
    description: `${inner.description} (recording)`,
    async open(startMs): Promise<Transport> {
      const transport = await inner.open(startMs);
      return {
        close: () => transport.close(),
        async request(method, path, body) {
          const response = await transport.request(method, path, body);
          if (method !== 'POST') return response;
          const withBody = body === undefined ? {} : { body };
          if (path === '/v1/route') {
            write({ flow: nextFlow++, name: 'route', method, path, ...withBody });
          } else if (path === '/v1/messages') {
            write({ flow: nextFlow++, name: 'sms', method, path, ...withBody });
          } else if (path === '/v1/calls') {
            const id = (response.body as { id?: unknown } | undefined)?.id;
            const flow = nextFlow++;
            if (typeof id === 'string') flowOfCall.set(id, flow);
            write({ flow, name: 'call create', method, path, ...withBody, save: 'callId' });
          } else {
            // Actions on calls the scenario created (not on conference legs the platform dialled).
            const callId = ACTIONS.exec(path)?.[1];
            const flow = callId === undefined ? undefined : flowOfCall.get(callId);
            if (flow !== undefined) {
              const action = (body as { action?: unknown } | undefined)?.action;
              write({
                flow,
                name: `call ${typeof action === 'string' ? action : 'action'}`,
                method,
                path: '/v1/calls/{callId}/actions',
                ...withBody,
              });
            }
          }
          return response;
        },
      };
    },
  };
}
