import fc from 'fast-check';
import {
  bodyMutation,
  contentTypeMutation,
  type Draft,
  headerMutation,
  hugeMutation,
  type Mutation,
  pathMutation,
  queryMutation,
  rawBodyMutation,
} from './mutations.js';
import { fromPool, hintsFor, type Operation, type PoolSet } from './operations.js';
import { type ConvertOptions, type JsonSchema, schemaArbitrary } from './schema-arbitrary.js';

/** One generated request, as `app.inject` takes it, with what it was meant to test. */
export interface FuzzRequest {
  operationId: string;
  labels: string[];
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export interface RequestContext {
  /** The fixture's pools include `partnerKey`, a key scoped to the fixture's group. */
  pools: PoolSet;
  components: Record<string, JsonSchema>;
  adminKey: string;
}

/** The scenario sandbox runs whole apps: it is another engineer's, and gets few, small requests. */
const LIGHT_OPERATIONS = new Set(['runScenario']);

/** `encodeURIComponent`, except that a lone surrogate (which it refuses) goes out as raw bytes. */
function encode(text: string): string {
  let out = '';
  for (const char of text) {
    const point = char.codePointAt(0)!;
    out += point >= 0xd800 && point <= 0xdfff ? '%ED%A0%80' : encodeURIComponent(char);
  }
  return out;
}

const encodeQuery = (name: string, value: unknown) =>
  `${encode(name)}=${encode(typeof value === 'string' ? value : JSON.stringify(value))}`;

function operationArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<FuzzRequest> {
  const hints = hintsFor(context.pools, op.method === 'DELETE');
  const options: ConvertOptions = { components: context.components, hints };
  const inPath = op.parameters.filter((p) => p.in === 'path');
  const inQuery = op.parameters.filter((p) => p.in === 'query');
  const pathValues = fc.record(
    Object.fromEntries(inPath.map((p) => [p.name, schemaArbitrary(p.schema, options, p.name)])),
  );
  const queryValues = fc.tuple(
    ...inQuery.map((p) => {
      const value = schemaArbitrary(p.schema, options, p.name);
      return (p.required ? value : fc.option(value, { freq: 2 })).map((v) =>
        v === null ? [] : [encodeQuery(p.name, v)],
      );
    }),
  );
  const body = op.body ? schemaArbitrary(op.body, options) : fc.constant(undefined);
  const auth = fc.oneof(
    { arbitrary: fc.constant(context.adminKey), weight: 5 },
    { arbitrary: fromPool(context.pools, 'partnerKey'), weight: 1 },
  );
  const light = LIGHT_OPERATIONS.has(op.operationId);
  // Weights per 400 draws: about half the requests stay valid so that handlers run deep.
  const mutations: Array<fc.WeightedArbitrary<Mutation | null>> = [
    { arbitrary: fc.constant(null), weight: light ? 300 : 160 },
    { arbitrary: headerMutation(context.adminKey), weight: 40 },
    { arbitrary: queryMutation(inQuery.map((p) => p.name)), weight: inQuery.length > 0 ? 40 : 15 },
  ];
  if (!light) {
    mutations.push(
      { arbitrary: rawBodyMutation, weight: 20 },
      { arbitrary: contentTypeMutation, weight: 20 },
    );
    if (op.body)
      mutations.push({ arbitrary: bodyMutation, weight: 80 }, { arbitrary: hugeMutation, weight: 2 });
    if (inPath.length > 0) mutations.push({ arbitrary: pathMutation(inPath.map((p) => p.name)), weight: 40 });
  }
  return fc
    .record({
      path: pathValues,
      query: queryValues,
      body,
      auth,
      mutations: fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 2 }),
    })
    .map(({ path, query, body, auth, mutations }) => {
      const applied = mutations.filter((m): m is Mutation => m !== null);
      const draft = applied.reduce((d, m) => m.apply(d), {
        path: Object.fromEntries(
          Object.entries(path).map(([name, value]) => [name, { value: String(value) }]),
        ),
        query: query.flat(),
        body,
        headers: { authorization: `Bearer ${auth}` },
      } as Draft);
      return render(
        op,
        draft,
        applied.map((m) => m.label),
      );
    });
}

function render(op: Operation, draft: Draft, labels: string[]): FuzzRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const param = draft.path[name];
    if (param === undefined) return name;
    return param.raw ? param.value : encode(param.value);
  });
  const url = draft.query.length > 0 ? `${path}?${draft.query.join('&')}` : path;
  const payload = draft.rawBody ?? (draft.body === undefined ? undefined : JSON.stringify(draft.body));
  const headers = { ...draft.headers };
  const contentType =
    draft.contentType === undefined ? (payload === undefined ? null : 'application/json') : draft.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  return {
    operationId: op.operationId,
    labels: labels.length > 0 ? labels : ['valid'],
    method: op.method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  };
}

/** One request to any operation: each operation equally likely, the light ones rarely. */
export function requestArbitrary(
  operations: Operation[],
  context: RequestContext,
): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    ...operations.map((op) => ({
      arbitrary: operationArbitrary(op, context),
      weight: LIGHT_OPERATIONS.has(op.operationId) ? 1 : 20,
    })),
  );
}
