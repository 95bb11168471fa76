import { Readable, Writable } from 'node:stream';
import { authInterceptor } from '@auth/undici';
import { Agent, type Dispatcher, FormData, fetch, interceptors, request, stream } from 'undici';
import { TEXT_BODY } from '../hostile-world.js';
import { type Call, describe, type Outcome, type TransportRow } from '../transport.js';

type Api = 'request' | 'fetch' | 'stream' | 'dispatch';

/** `@auth/undici`'s interceptor under one of undici's APIs, with or without its redirect interceptor. */
function undiciRow(api: Api, redirects: boolean): TransportRow {
  return {
    name: `undici ${api}${redirects ? ' + redirect interceptor' : ''}`,
    followsRedirects: redirects || api === 'fetch',
    replaysBodies: api !== 'fetch',
    async start(clients, { otherHost, apiHost }) {
      const agent = new Agent();
      const dispatcher = redirects
        ? agent.compose(
            authInterceptor(clients.api),
            interceptors.redirect({ maxRedirections: 20 }),
          )
        : agent.compose(authInterceptor(clients.api));
      const absolute = (url: string) => new URL(url, clients.api.baseUrl).href;
      const send = (call: Call, target: string | Target = absolute(call.url)) =>
        settle(() => SENDERS[api](dispatcher, call, target));
      return {
        send: (call) => send(call),
        tricks: {
          'an absolute-form path on another origin': () =>
            send({ url: '' }, { origin: `http://${otherHost}`, path: `http://${apiHost}/api/ok` }),
          'a //api path on another origin': () =>
            send({ url: '' }, { origin: `http://${otherHost}`, path: `//${apiHost}/api/ok` }),
        },
        close: () => agent.close(),
      };
    },
  };
}

/** undici's own form of a target: where to connect, and the request target as written. */
interface Target {
  origin: string;
  path: string;
}

/** A URL split as undici splits it: its origin, and the rest as the path. */
function splitUrl(url: string | Target): Target {
  if (typeof url !== 'string') return url;
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

function body(call: Call) {
  switch (call.body) {
    case 'text':
      return TEXT_BODY;
    case 'stream':
      return Readable.from([TEXT_BODY]);
    case 'form': {
      const form = new FormData();
      form.append('greeting', TEXT_BODY);
      return form;
    }
    default:
      return undefined;
  }
}

const SENDERS: Record<
  Api,
  (dispatcher: Dispatcher, call: Call, url: string | Target) => Promise<Outcome>
> = {
  async request(dispatcher, call, url) {
    // undici takes `{ origin, path }` for a URL too, and splits a string the same way.
    const response = await request(url as Parameters<typeof request>[0], {
      method: call.method ?? 'GET',
      body: body(call),
      dispatcher,
    });
    return { status: response.statusCode, bytes: (await response.body.arrayBuffer()).byteLength };
  },
  async fetch(dispatcher, call, url) {
    const payload = body(call);
    const target = typeof url === 'string' ? url : `${url.origin}${url.path}`;
    const response = await fetch(target, {
      method: call.method ?? 'GET',
      body: payload instanceof Readable ? Readable.toWeb(payload) : payload,
      dispatcher,
      ...(payload === undefined ? {} : { duplex: 'half' }),
    } as Parameters<typeof fetch>[1]);
    return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
  },
  async stream(dispatcher, call, url) {
    let status = 0;
    let bytes = 0;
    await stream(
      url as Parameters<typeof stream>[0],
      { method: call.method ?? 'GET', body: body(call), dispatcher },
      ({ statusCode }) => {
        status = statusCode;
        return new Writable({
          write(chunk: Buffer, _encoding, done) {
            bytes += chunk.length;
            done();
          },
        });
      },
    );
    return { status, bytes };
  },
  dispatch(dispatcher, call, url) {
    const target = splitUrl(url);
    return new Promise((resolve, reject) => {
      let status = 0;
      let bytes = 0;
      dispatcher.dispatch(
        { ...target, method: call.method ?? 'GET', body: body(call), headers: {} },
        {
          onRequestStart: () => {},
          onResponseStart: (_controller, statusCode) => {
            status = statusCode;
          },
          onResponseData: (_controller, chunk) => {
            bytes += chunk.length;
          },
          onResponseEnd: () => resolve({ status, bytes }),
          onResponseError: (_controller, error) => reject(error),
        },
      );
    });
  },
};

async function settle(send: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await send();
  } catch (error) {
    return { error: describe(error) };
  }
}

export const undiciRows: TransportRow[] = (
  ['request', 'fetch', 'stream', 'dispatch'] as const
).flatMap((api) => [undiciRow(api, false), undiciRow(api, true)]);
