import { sendWithFetch, type TransportRow } from '../transport.js';

/** `AuthClient.fetch` itself. */
export const authClientFetch: TransportRow = {
  name: 'AuthClient.fetch',
  followsRedirects: true,
  replaysBodies: true,
  async start(clients) {
    return { send: (call) => sendWithFetch(clients.api.fetch, call), close: async () => {} };
  },
};
