import { Readable } from 'node:stream';
import { withAuthClient } from '@auth/axios';
import axios, { type AxiosRequestConfig } from 'axios';
import { TEXT_BODY } from '../hostile-world.js';
import { type Call, describe, fetchBody, type Outcome, type TransportRow } from '../transport.js';

/** `@auth/axios` on an instance using one of axios's adapters. */
function axiosRow(adapter: 'http' | 'fetch'): TransportRow {
  return {
    name: `axios (${adapter} adapter)`,
    followsRedirects: true,
    replaysBodies: true,
    async start(clients, { otherHost, apiHost }) {
      const instance = withAuthClient(
        axios.create({ adapter, validateStatus: () => true, responseType: 'arraybuffer' }),
        clients.api,
      );
      const send = async (config: AxiosRequestConfig): Promise<Outcome> => {
        try {
          const response = await instance.request<ArrayBuffer>(config);
          return { status: response.status, bytes: response.data.byteLength };
        } catch (error) {
          return { error: describe(error) };
        }
      };
      return {
        send: (call) => send({ url: call.url, method: call.method ?? 'GET', data: data(call) }),
        tricks: {
          'a baseURL of another origin': () => send({ baseURL: `http://${otherHost}/`, url: 'x' }),
          'a baseURL of another origin with a //api url': () =>
            send({ baseURL: `http://${otherHost}/`, url: `//${apiHost}/api/ok` }),
        },
        close: async () => {},
      };

      function data(call: Call): unknown {
        if (call.body === 'stream' && adapter === 'http') return Readable.from([TEXT_BODY]);
        return fetchBody(call).body;
      }
    },
  };
}

export const axiosHttp = axiosRow('http');
export const axiosFetch = axiosRow('fetch');
