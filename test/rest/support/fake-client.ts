/** A RestClient double that records calls and answers from a script, for the reply-rule unit tests. */
import type { RestClient } from '../../../src/rest/index.js';

export interface RecordedCall {
  method: keyof RestClient;
  args: unknown[];
}

/** Every method records its call, then runs `behaviour` (default: a plausible success). */
export function fakeClient(behaviour: (call: RecordedCall) => unknown = defaultAnswer): { client: RestClient; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const handler: ProxyHandler<object> = {
    get: (_target, name) =>
      async (...args: unknown[]) => {
        const call = { method: name as keyof RestClient, args };
        calls.push(call);
        return behaviour(call);
      },
  };
  return { client: new Proxy({}, handler) as RestClient, calls };
}

function defaultAnswer(call: RecordedCall): unknown {
  if (call.method === 'uploadC2CMedia' || call.method === 'uploadGroupMedia') return { file_uuid: 'u1', file_info: 'FILE_INFO_1', ttl: 0 };
  return { id: `sent-${call.method}`, timestamp: '2025-01-01T08:00:00+08:00' };
}
