import { z } from 'zod';
import { expected } from './format-issues.js';
import { intField, nonEmptyString } from './schema-fields.js';

const hostPort = z.object(
  {
    host: nonEmptyString('a host name or IP address'),
    port: intField(1, 65535, 'an integer between 1 and 65535'),
  },
  expected('an object with "host" and "port"'),
);

/**
 * The `redis` section: where workers and gateway instances share state (L2 cache, breaker states, rate limits,
 * sessions). Absent means everything stays in this process. One of `url` (single node), `sentinel` or `cluster`.
 */
export const RedisSchema = z
  .object(
    {
      url: nonEmptyString('a redis:// or rediss:// URL').optional(),
      sentinel: z
        .object(
          {
            name: nonEmptyString('the Sentinel master group name'),
            sentinels: z.array(hostPort, expected('array of {host, port}')).min(1),
            password: z.string().optional(),
          },
          expected('an object with "name" and "sentinels"'),
        )
        .optional(),
      cluster: z
        .object({ nodes: z.array(hostPort, expected('array of {host, port}')).min(1) }, expected('an object'))
        .optional(),
      /** Prefix of every key and channel, so several gateways can share one Redis. */
      keyPrefix: z.string(expected('a string')).default('localmcp:'),
      /** A Redis command slower than this fails (and the caller carries on without Redis): keeps calls fast. */
      commandTimeoutMs: intField(1, 60_000, 'an integer number of milliseconds (1 to 60000)').default(250),
      connectTimeoutMs: intField(1, 600_000, 'an integer number of milliseconds').default(2_000),
    },
    expected('an object with "url", "sentinel" or "cluster"'),
  )
  .refine((r) => [r.url, r.sentinel, r.cluster].filter((x) => x !== undefined).length === 1, {
    message: 'set exactly one of "url", "sentinel" or "cluster"',
  });

export type RedisConfig = z.infer<typeof RedisSchema>;
