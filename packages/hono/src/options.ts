import type { AdapterOptions } from '@auth/core/adapter';
import type { Context } from 'hono';

/**
 * Options of {@link authClients}: `tenant` (gets the Hono `Context`) and `propagateHeaders`.
 * Every field is optional.
 *
 * @example
 * authClients(clients, { tenant: (c) => c.req.header('x-tenant-id') })
 */
export type AuthClientsOptions = AdapterOptions<Context>;
