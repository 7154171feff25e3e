// buildOpenApi(deps): the OpenAPI 3.1 document of exactly the routes this server mounts with its configuration.
import type { OrderDeps } from '../../orders/deps.ts';
import { metricsAccess } from '../routes/metrics.ts';
import { adminPaths, metricsPaths } from './admin-paths.ts';
import { callbackPaths, endpointPaths } from './endpoint-paths.ts';
import { ref } from './operations.ts';
import { componentSchemas } from './schemas.ts';
import { RESPONSE_SIGNATURE, securitySchemes } from './security.ts';

export function buildOpenApi(deps: OrderDeps): Record<string, unknown> {
  const { config } = deps;
  const gateways = [...deps.gateways.keys()];
  const errorContent = { 'application/json': { schema: ref('Error') } };
  return {
    openapi: '3.1.0',
    info: {
      title: `${config.name} API`,
      version: '0.1',
      description:
        `Opencharge merchant ${deps.merchant.ocid}. Opencharge endpoints live under ${config.basePath || '/'} (the public base URL ${config.publicBaseUrl});` +
        ' operations, the merchant API (/admin) and /metrics at the root. The merchant console (/console) is a browser UI, not part of this API.',
    },
    // The origin: every path below is full, base path included, because signatures cover the path as sent.
    servers: [{ url: config.publicUrl, description: `public URL (OC_PUBLIC_URL); the Opencharge endpoint is ${config.publicBaseUrl}` }],
    tags: [
      { name: 'opencharge', description: 'the Opencharge endpoints (public and signed)' },
      { name: 'gateways', description: 'callbacks from outbound payment gateways' },
      { name: 'admin', description: 'the merchant API, for the shop' },
      { name: 'operations', description: 'probes, metrics and this document' },
    ],
    paths: {
      ...endpointPaths(config.basePath),
      ...callbackPaths(config.basePath, gateways),
      ...(config.adminToken ? adminPaths(gateways) : {}),
      ...metricsPaths(metricsAccess(config)),
    },
    components: {
      schemas: componentSchemas(),
      responses: {
        Error: { description: 'an error, in the envelope every error uses', content: errorContent },
        SignedError: { description: 'an error, in the envelope, signed like every answer of a signed endpoint', headers: RESPONSE_SIGNATURE, content: errorContent },
      },
      securitySchemes: securitySchemes(config.timestampWindow),
    },
  };
}
