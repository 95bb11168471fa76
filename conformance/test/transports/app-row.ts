import type { AuthClients } from '@auth/core';
import { type Call, type Outcome, sendWithFetch, type TransportRow } from '../transport.js';

/** A running app under test: its origin and how to stop it. */
export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A row for a framework adapter: `startApp` serves an app whose `GET /call` route answers
 * {@link answerCall} with the request's view of the registry, so every call of the table goes
 * through the adapter's request view (its binding, signal, propagated headers) to the upstream.
 */
export function appRow(
  name: string,
  startApp: (clients: AuthClients<'api'>) => Promise<RunningApp>,
): TransportRow {
  return {
    name,
    followsRedirects: true,
    replaysBodies: true,
    async start(clients) {
      const app = await startApp(clients);
      return {
        async send(call) {
          const query = encodeURIComponent(JSON.stringify(call));
          const response = await fetch(`${app.url}/call?call=${query}`);
          return (await response.json()) as Outcome;
        },
        close: () => app.close(),
      };
    },
  };
}

/** What the `/call` route of every app answers: the call of `query`, made through `view`. */
export function answerCall(view: object, query: unknown): Promise<Outcome> {
  const call = JSON.parse(String(query)) as Call;
  const client = (view as AuthClients).api;
  if (client === undefined) return Promise.resolve({ error: 'no api client on the view' });
  return sendWithFetch(client.fetch, call);
}
